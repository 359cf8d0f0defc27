"""The county at scale: a synthetic county of 12 areas, 600 teams and 12,000 respondents (every
statement answered, about 5% "don't know", some teams under the threshold), a first period
for four of the areas and a second for all twelve. Prints, each beside a floor measured in the
same run and the ratio:

- everything the county dashboard shows for the whole county (`services.county.county_view`),
  against the floor: a bare numpy group-by of the same answers already in memory (per team and
  per area, each condition's mean and count). Four looks: the first look at the period (every
  figure it shows judged and written to the ledger: the county's and the areas' figures, each
  team's conditions), a look with nothing changed (answered with the
  view kept by the last look, once one statement has shown nothing it is made from changed),
  a look after one more response (its team, area and the county judged again), and a first
  look in a new app process (the ledger read from the database);
- one team's results as a leader (`results_for_round`), against the same floor;
- importing the 12,000 responses from CSV files (one per team) through the real import;
- submissions per second through the real submission path, against bare inserts of the same
  rows with one transaction per respondent;
- peak memory of the process.

Targets (issue 13): the dashboard at most 3 times the floor and under 300 ms; a team's results
under 50 ms; submissions at least half the bare rate; the PDF under 5 s; the import under 10 s.
No pass or fail here: the figures are for the closing note. Run with `make bench-county`.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
AREAS, TEAMS, RESPONDENTS = 12, 600, 12_000
FIRST_PERIOD_AREAS = 4
DONT_KNOW_SHARE = 0.05


def _timed(action):
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def _line(what: str, seconds: float, floor: float) -> None:
    ratio = seconds / floor
    print(f"{what}: {seconds * 1000:.1f} ms (floor {floor * 1000:.1f} ms, ratio {ratio:.1f})")


def _team_sizes(rng: random.Random, teams: int, total: int) -> list[int]:
    """Team sizes from 2 to 38 that add up to `total`; some under any threshold."""
    sizes = [rng.randint(2, 38) for _ in range(teams)]
    while (gap := total - sum(sizes)) != 0:
        at = rng.randrange(teams)
        step = 1 if gap > 0 else -1
        if 2 <= sizes[at] + step <= 38:
            sizes[at] += step
    return sizes


def _csv(items: list[str], people: list[dict[str, int | None]]) -> bytes:
    lines = [",".join(items)]
    for answers in people:
        lines.append(
            ",".join("Don't know" if answers[i] is None else str(answers[i]) for i in items)
        )
    return ("\n".join(lines) + "\n").encode()


_FRESH_LOOK = """
import time
from culturetool import config
from culturetool.domain.access import Actor, Role
from culturetool.services.county import county_view
from culturetool.services.model_provider import current_model
config.tune_garbage_collector()
current_model()
leader = Actor({user}, {organisation}, Role.LEADER, "Bench", frozenset())
started = time.perf_counter()
county_view(leader)
print(time.perf_counter() - started)
"""


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="culturetool-county-bench-"))
    os.environ["CULTURETOOL_DB_URL"] = f"sqlite:///{workdir / 'county.db'}"
    os.environ["CULTURETOOL_MODEL_DIR"] = str(PROJECT_ROOT / "model")

    from sqlalchemy import insert, select, update

    from culturetool import config

    config.tune_garbage_collector()  # as the app does in each of its processes
    from culturetool.domain import clock
    from culturetool.domain.access import Actor, Role
    from culturetool.services import accounts, responding
    from culturetool.services.county import county_view
    from culturetool.services.county_report import county_report
    from culturetool.services.model_provider import current_model
    from culturetool.services.organisation import add_area, add_team
    from culturetool.services.periods import open_period
    from culturetool.services.response_import import import_response_file
    from culturetool.services.round_results import results_for_round
    from culturetool.store.db import transaction
    from culturetool.store.migrate import upgrade
    from culturetool.store.tables import Answer, AssessmentRound, Response, Team

    upgrade()
    model = current_model()
    items = [item.id for item in model.questionnaire.items]
    rng = random.Random(13)
    accounts.create_administrator(
        "bench@bench.example", "Bench Admin", "a long bench password", "Bench County"
    )
    admin = accounts.sign_in("bench@bench.example", "a long bench password").actor

    def as_role(role: Role, teams: frozenset[int] = frozenset()) -> Actor:
        return Actor(admin.user_id, admin.organisation_id, role, admin.name, teams)

    leader, innovation = as_role(Role.LEADER), as_role(Role.INNOVATION)

    def person() -> dict[str, int | None]:
        return {i: None if rng.random() < DONT_KNOW_SHARE else rng.randint(1, 5) for i in items}

    print(f"Building {AREAS} areas and {TEAMS} teams...", flush=True)
    areas = [add_area(admin, f"Area {n + 1:02d}") for n in range(AREAS)]
    teams = [add_team(admin, areas[n % AREAS], f"Team {n + 1:03d}") for n in range(TEAMS)]
    manager = as_role(Role.MANAGER, frozenset(teams))
    sizes = _team_sizes(rng, TEAMS, RESPONDENTS)
    with transaction() as session:
        for team_id, size in zip(teams, sizes, strict=True):
            session.execute(update(Team).where(Team.id == team_id).values(staff_count=size + 6))

    def rounds_of(period_id: int) -> dict[int, int]:
        with transaction() as session:
            rows = session.execute(
                select(AssessmentRound.team_id, AssessmentRound.id).where(
                    AssessmentRound.period_id == period_id
                )
            )
            return dict(rows.all())

    # The first period: four areas, answered, then over.
    first_start = dt.date(2026, 3, 2)
    with clock.frozen_at(first_start):
        first_end = first_start + dt.timedelta(days=90)
        first = open_period(
            innovation, "Spring 2026", first_start, first_end, areas[:FIRST_PERIOD_AREAS]
        )
        for team_id, round_id in rounds_of(first.period_id).items():
            people = [person() for _ in range(max(2, sizes[teams.index(team_id)] - 3))]
            import_response_file(manager, round_id, _csv(items, people))

    # The second period: every area; its 12,000 responses imported from one CSV per team.
    second_start = dt.date(2026, 9, 7)
    with clock.frozen_at(second_start):
        second = open_period(innovation, "Autumn 2026", second_start,
                             second_start + dt.timedelta(days=120), None)  # fmt: skip
        second_rounds = rounds_of(second.period_id)
        everyone: list[dict[str, int | None]] = []
        team_of: list[int] = []
        files = []
        for number, team_id in enumerate(teams):
            people = [person() for _ in range(sizes[number])]
            everyone += people
            team_of += [number] * len(people)
            files.append((second_rounds[team_id], _csv(items, people)))
        print(f"Importing {len(everyone)} responses from {len(files)} CSV files...", flush=True)
        imported, import_time = _timed(
            lambda: sum(import_response_file(manager, r, data) for r, data in files)
        )
    print(f"import of {imported} responses from CSV: {import_time:.2f} s (target under 10 s)")

    # The floor: the same answers in memory, grouped by team and by area with numpy.
    values = np.array([[np.nan if a[i] is None else a[i] for i in items] for a in everyone])
    team_index = np.array(team_of)
    area_index = team_index % AREAS
    columns = {
        c.id: [items.index(i.id) for i in model.questionnaire.items if i.condition == c.id]
        for c in model.conditions
    }
    reverse = np.array([i.reverse for i in model.questionnaire.items])
    scored = np.where(reverse, 6 - values, values)

    def floor_group_by():
        out = {}
        for condition, cols in columns.items():
            person_mean = np.nanmean(scored[:, cols], axis=1)
            answered = ~np.isnan(person_mean)
            filled = np.where(answered, person_mean, 0.0)
            for name, index, groups in (("team", team_index, TEAMS), ("area", area_index, AREAS)):
                counts = np.bincount(index, weights=answered, minlength=groups)
                sums = np.bincount(index, weights=filled, minlength=groups)
                with np.errstate(invalid="ignore", divide="ignore"):
                    out[condition, name] = (sums / counts, counts)
        return out

    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # nanmean of a row of "don't know"s
        floor = min(_timed(floor_group_by)[1] for _ in range(5))
    print(f"floor, numpy group-by of {len(everyone)} respondents' answers: {floor * 1000:.1f} ms")

    view, first_look = _timed(lambda: county_view(leader))
    assert view.period_name == "Autumn 2026" and len(view.areas) == AREAS, view.period_name
    _line("county dashboard, first look (figures read, ledger written)", first_look, floor)
    again = min(_timed(lambda: county_view(leader))[1] for _ in range(3))
    _line("county dashboard, looked at again (best of 3; nothing changed, the kept view)",
          again, floor)  # fmt: skip
    token = None
    with transaction() as session:
        round_ = session.get_one(AssessmentRound, second_rounds[teams[0]])
        token = round_.token
    answers = {i: rng.randint(1, 5) for i in items}
    responding.submit_response(token, answers, submission_key="one-more", sender_ip="10.9.9.9")
    after, after_one = _timed(lambda: county_view(leader))
    # The response is in a round of the period shown: the look judges it, not a kept copy.
    assert after.responses == view.responses + 1, (after.responses, view.responses)
    _line("county dashboard, after one more response", after_one, floor)
    # A new app process (a restart, or another of several): the same look, with the ledger read
    # from the database instead of kept in memory.
    script = _FRESH_LOOK.format(user=admin.user_id, organisation=admin.organisation_id)
    fresh = subprocess.run(
        [sys.executable, "-c", script],
        check=True, capture_output=True, text=True, env=dict(os.environ), cwd=PROJECT_ROOT,
    )  # fmt: skip
    _line("county dashboard, first look in a new app process", float(fresh.stdout), floor)
    hidden = sum(not c.shown for row in view.areas for c in row.cells)
    print(f"  ({len(view.areas)} areas, {hidden} area cells suppressed, "
          f"{len(view.changes)} areas with change over time)")  # fmt: skip

    team_round = second_rounds[teams[AREAS + 1]]
    _, team_first = _timed(lambda: results_for_round(leader, team_round))
    _line("one team's results as a leader, first look", team_first, floor)
    _, team_again = _timed(lambda: results_for_round(leader, team_round))
    _line("one team's results as a leader, looked at again (target under 50 ms)", team_again, floor)

    report, pdf_time = _timed(lambda: county_report(leader))
    print(f"county PDF report: {pdf_time:.2f} s, {len(report.data) // 1024} KB (target under 5 s)")

    # Submissions through the real path, and bare inserts of the same rows.
    sent = 300
    extra_team = add_team(admin, areas[0], "Submissions")
    extra_manager = as_role(Role.MANAGER, frozenset({extra_team}))
    with clock.frozen_at(second_start + dt.timedelta(days=1)):
        opened = responding.open_round(extra_manager, extra_team, access_mode="link",
                                       staff_count=sent + 10).round  # fmt: skip
    people = [{i: rng.randint(0, 5) for i in items} for _ in range(sent)]

    def real() -> None:
        for n, answers in enumerate(people):
            responding.submit_response(opened.token, answers, submission_key=f"s{n}",
                                       sender_ip=f"10.2.{n // 250}.{n % 250}")  # fmt: skip

    _, real_time = _timed(real)

    def bare() -> None:
        for answers in people:
            with transaction() as session:
                response_id = secrets.token_hex(16)
                session.execute(insert(Response).values(id=response_id, round_id=opened.id))
                session.execute(
                    insert(Answer),
                    [
                        {"response_id": response_id, "item_id": i, "value": v or None}
                        for i, v in answers.items()
                    ],  # fmt: skip
                )

    _, bare_time = _timed(bare)
    real_rate, bare_rate = sent / real_time, sent / bare_time
    print(f"submissions: {real_rate:.0f} per second through submit_response, "
          f"{bare_rate:.0f} per second as bare inserts (one transaction each), "
          f"ratio {real_rate / bare_rate:.2f} (target at least 0.5)")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process: {peak:.0f} MB")
    shutil.rmtree(workdir, ignore_errors=True)  # the county's database, about 60 MB


if __name__ == "__main__":
    main()
