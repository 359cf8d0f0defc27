"""How long scoring and the results query take for a large round. Prints figures; no pass/fail.

Run with `make bench`. Uses a throwaway SQLite file and the real culture model.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
import tracemalloc
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def main(responses: int = 2000) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="culturetool-bench-"))
    os.environ["CULTURETOOL_DB_URL"] = f"sqlite:///{workdir / 'bench.db'}"
    os.environ["CULTURETOOL_MODEL_DIR"] = str(PROJECT_ROOT / "model")

    from culturetool.domain.scoring import score_responses
    from culturetool.services import assessments
    from culturetool.store.migrate import upgrade

    upgrade()
    model = assessments.current_model()
    rng = random.Random(1)
    answers = [
        {item.id: rng.choice([None, 1, 2, 3, 4, 5]) for item in model.questionnaire.items}
        for _ in range(responses)
    ]

    started = time.perf_counter()
    score_responses(model, answers)
    print(f"score_responses, {responses} responses: {time.perf_counter() - started:.3f} s")

    assessments.create_organisation("Bench Council")
    team = assessments.add_team(assessments.add_area("Bench Area"), "Bench Team")
    round_ = assessments.open_round(team)
    started = time.perf_counter()
    for number, response in enumerate(answers):
        complete = {key: (0 if value is None else value) for key, value in response.items()}
        assessments.submit_response(round_.token, f"bench-{number}", complete)
    elapsed = time.perf_counter() - started
    print(f"submit_response: {responses / elapsed:.0f} submissions per second")

    tracemalloc.start()
    started = time.perf_counter()
    view = assessments.results_for_round(round_.id)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 1_000_000
    print(f"results_for_round with chart: {elapsed:.3f} s, peak memory {peak:.1f} MB")
    assert view.disclosed


if __name__ == "__main__":
    main()
