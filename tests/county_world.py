"""A county of three areas in two finished assessment periods, built through the services as
people would: teams with their number of staff, a period's rounds opened together, answers
saved as the store saves them, and an action of one area's plan done between the periods.
Used by the county dashboard's browser test and the county export tests."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from people import make_person

from culturetool.domain import clock
from culturetool.domain.access import Role
from culturetool.domain.kinds import ActionStatus, ActionTimescale
from culturetool.services.organisation import add_area, add_team, set_staff_count
from culturetool.services.periods import open_period
from culturetool.services.plans import ActionDraft, create_action, set_action_status
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import AssessmentRound

# Area -> team -> (staff, responses in the first period, responses in the second). Names of
# their own: a whole browser run shares one app database.
COUNTY = {
    "Dash Northmoor": {"Dash Moor Big": (12, 8, 9), "Dash Moor Mid": (10, 6, 7),
                       "Dash Moor Small": (6, 0, 2)},
    "Dash Eastfen": {"Dash Fen One": (10, 7, 8), "Dash Fen Two": (9, 6, 6)},
    "Dash Quietdale": {"Dash Dale Tiny": (6, 2, 3)},
}  # fmt: skip
EARLIER, LATER = "Dash Autumn", "Dash Spring"
ACTION = "Dash tablet clinic"


def respond(round_id: int, people: int, base: int, model) -> None:
    """Varied answers around `base`, as the store saves them: this test is about what shows."""
    items = model.questionnaire.items
    with transaction() as session:
        round_ = session.get(AssessmentRound, round_id)
        for person in range(people):
            answers = {
                item.id: min(5, max(1, base + (person + index) % 3 - 1))
                for index, item in enumerate(items)
            }
            repo.insert_response(session, round_, answers, "")


PROJECT = Path(__file__).resolve().parent.parent


def answer_in_another_process(round_id: int) -> None:
    """One response to the round, saved by another Python process (as another app process
    would), so that nothing this process keeps in memory knows of it."""
    script = textwrap.dedent(
        f"""
        from culturetool.services.model_provider import current_model
        from culturetool.store import repository as repo
        from culturetool.store.db import transaction
        from culturetool.store.tables import AssessmentRound
        items = current_model().questionnaire.items
        with transaction() as session:
            round_ = session.get_one(AssessmentRound, {round_id})
            repo.insert_response(session, round_, {{i.id: 2 for i in items}})
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=PROJECT, env=dict(os.environ))


def rounds_of(period_id: int) -> dict[int, int]:
    """Team id -> the team's round in the period."""
    with transaction() as session:
        rounds = session.query(AssessmentRound).filter_by(period_id=period_id).all()
        return {r.team_id: r.id for r in rounds}


def build_county(model) -> dict[str, int]:
    """Two finished periods of the areas above, with an action of Northmoor's plan done in
    between. Both are in the past, so that no period another test opens today overlaps them.
    Returns the ids the test visits."""
    administrator = make_person(Role.ADMINISTRATOR)
    innovation = make_person(Role.INNOVATION)
    ids: dict[str, int] = {}
    for area_name, teams in COUNTY.items():
        ids[area_name] = add_area(administrator, area_name)
        for team_name, (staff, _, _) in teams.items():
            ids[team_name] = add_team(administrator, ids[area_name], team_name)
            set_staff_count(administrator, ids[team_name], staff)
    areas = [ids[name] for name in COUNTY]
    today = clock.today()
    for period, start, length, index, base in (
        (EARLIER, today - dt.timedelta(days=200), 50, 1, 2),
        (LATER, today - dt.timedelta(days=100), 50, 2, 4),
    ):
        with clock.frozen_at(start):
            opened = open_period(
                innovation, period, start, start + dt.timedelta(days=length), areas
            )
            rounds = rounds_of(opened.period_id)
            for teams in COUNTY.values():
                for team_name, counts in teams.items():
                    respond(rounds[ids[team_name]], counts[index], base, model)
        ids[period] = opened.period_id
        if period == EARLIER:
            with clock.frozen_at(today - dt.timedelta(days=120)):
                draft = ActionDraft(
                    ACTION,
                    "Team manager",
                    ids["Dash Moor Big"],
                    (model.conditions[0].id,),
                    ActionTimescale.THREE_MONTHS,
                )
                action = create_action(innovation, ids["Dash Northmoor"], draft)
                set_action_status(innovation, action, ActionStatus.DONE.value)
    return ids
