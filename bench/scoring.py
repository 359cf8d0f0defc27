"""How long scoring, saving responses and results (with the disclosure ledger) take. Prints
each figure, a floor measured in the same run (scoring the same answers in memory) and the
ratio between them; no pass or fail.

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


def _timed(action):
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def _line(what: str, seconds: float, floor: float) -> None:
    print(f"{what}: {seconds:.3f} s (floor {floor:.4f} s, ratio {seconds / floor:.0f})")


def main(round_size: int = 500, teams: int = 30, team_size: int = 12) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="culturetool-bench-"))
    os.environ["CULTURETOOL_DB_URL"] = f"sqlite:///{workdir / 'bench.db'}"
    os.environ["CULTURETOOL_MODEL_DIR"] = str(PROJECT_ROOT / "model")

    from culturetool.domain.access import Actor, Role
    from culturetool.domain.scoring import score_responses
    from culturetool.services import accounts, responding
    from culturetool.services.area_results import area_results_view
    from culturetool.services.model_provider import current_model
    from culturetool.services.organisation import add_area, add_team
    from culturetool.services.round_results import results_for_round
    from culturetool.store.migrate import upgrade

    upgrade()
    model = current_model()
    rng = random.Random(1)

    def answers() -> dict[str, int]:
        return {item.id: rng.choice([0, 1, 2, 3, 4, 5]) for item in model.questionnaire.items}

    accounts.create_administrator(
        "bench@bench.example", "Bench Admin", "a long bench password", "Bench Council"
    )
    admin = accounts.sign_in("bench@bench.example", "a long bench password").actor

    def as_role(role: Role) -> Actor:  # the same account, seen with another role's rights
        return Actor(admin.user_id, admin.organisation_id, role, admin.name, frozenset())

    leader, innovation = as_role(Role.LEADER), as_role(Role.INNOVATION)
    area = add_area(admin, "Bench Area")

    # One big round.
    team = add_team(admin, area, "Bench Team")
    opened = responding.open_round(innovation_manager(team, admin), team, access_mode="link",
                                   staff_count=round_size)  # fmt: skip
    sent = [answers() for _ in range(round_size)]
    stored = [{k: (None if v == 0 else v) for k, v in a.items()} for a in sent]
    _, floor = _timed(lambda: score_responses(model, stored))
    print(f"score_responses, {round_size} responses: {floor:.4f} s (the floor below)")
    _, elapsed = _timed(
        lambda: [
            responding.submit_response(
                opened.round.token,
                a,
                submission_key=f"k{n}",
                sender_ip=f"10.0.{n // 250}.{n % 250}",
            )  # fmt: skip
            for n, a in enumerate(sent)
        ]
    )
    print(f"submit_response: {round_size / elapsed:.0f} submissions per second")
    tracemalloc.start()
    view, first = _timed(lambda: results_for_round(leader, opened.round.id))
    peak = tracemalloc.get_traced_memory()[1] / 1_000_000
    tracemalloc.stop()
    assert view.disclosed
    _line(f"results_for_round, {round_size} responses, first look", first, floor)
    _, again = _timed(lambda: results_for_round(leader, opened.round.id))
    _line("the same, looked at again (ledger already holds it)", again, floor)
    print(f"peak memory of the first look: {peak:.1f} MB")

    # An area of many small teams.
    pooled = []
    for number in range(teams):
        small = add_team(admin, area, f"Small team {number}")
        round_ = responding.open_round(innovation_manager(small, admin), small,
                                       access_mode="link", staff_count=team_size)  # fmt: skip
        for person in range(rng.randint(2, team_size)):
            response = answers()
            pooled.append({k: (None if v == 0 else v) for k, v in response.items()})
            responding.submit_response(round_.round.token, response,
                                       submission_key=f"t{number}-{person}",
                                       sender_ip=f"10.1.{number}.{person}")  # fmt: skip
    _, area_floor = _timed(lambda: score_responses(model, pooled))
    area_view, first = _timed(lambda: area_results_view(innovation, area))
    _line(f"area_results_view, {teams + 1} teams, first look", first, area_floor)
    _, again = _timed(lambda: area_results_view(innovation, area))
    _line("the same, looked at again", again, area_floor)
    assert area_view.teams


def innovation_manager(team_id: int, admin):
    """A manager of this team (an Actor of the admin's account with the manager's scope)."""
    from culturetool.domain.access import Actor, Role

    return Actor(
        admin.user_id, admin.organisation_id, Role.MANAGER, admin.name, frozenset({team_id})
    )


if __name__ == "__main__":
    main()
