"""A deterministic demo county, so the first start shows a living app.

Each team has a made-up culture profile (how strong each condition really is); its staff answer
around that profile with some disagreement and the odd "don't know". The same seed always gives
the same county, responses and scores.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import select

from culturetool.domain.access import Role
from culturetool.domain.kinds import AccessMode
from culturetool.domain.model_schema import CultureModel, Item
from culturetool.services.accounts import hash_password
from culturetool.services.demo_workshops import add_demo_workshops
from culturetool.services.model_provider import current_model
from culturetool.services.plans import due_date
from culturetool.store import repository as repo
from culturetool.store.db import transaction
from culturetool.store.tables import (
    Area,
    AssessmentPeriod,
    AssessmentPeriodArea,
    AssessmentRound,
    Organisation,
    PlanAction,
    Team,
    UserAccount,
)

SEED = 20261122
ORGANISATION = "Shirebrook County Council"
FIRST_ROUND = dt.datetime(2026, 3, 2, 9, 0)
SECOND_ROUND = dt.datetime(2026, 9, 7, 9, 0)
# Two county-wide assessment periods, so change over time shows: every team answered in the
# autumn (rounds closed), and answers in the current period are coming in (rounds open). The
# March rounds came before the county had periods.
AUTUMN_2026 = ("Autumn 2026", SECOND_ROUND.date(), dt.date(2026, 11, 30))
SPRING_2027 = ("Spring 2027", dt.date(2026, 12, 1), dt.date(2027, 5, 31))

# area -> teams, with (baseline strength 1-5, how much it varies by condition, responses)
COUNTY: dict[str, list[tuple[str, float, float, int]]] = {
    "North Shirebrook": [
        ("Hospital Discharge Team", 3.6, 0.6, 9),
        ("Community Reablement", 3.1, 0.8, 7),
        ("Learning Disability Team North", 2.6, 0.7, 6),
        ("Occupational Therapy North", 3.9, 0.5, 8),
    ],
    "East Vale": [
        ("Older Adults East", 2.3, 0.6, 8),
        ("Carers Support East", 2.9, 0.9, 5),
        ("Sensory Impairment Team", 3.3, 0.6, 3),  # below the threshold: results stay hidden
    ],
    "Southmoor": [
        ("Southmoor Reablement", 3.4, 0.7, 10),
        ("Mental Health Social Work", 2.1, 0.5, 6),
        ("Home Care Brokerage", 2.7, 0.8, 7),
    ],
    "West Riverside": [
        ("Riverside Front Door", 3.0, 0.9, 12),
        ("Physical Disability Team", 2.5, 0.6, 7),
        ("Technology Enabled Care Hub", 4.2, 0.4, 6),
    ],
}
# Teams that also answered in March 2026, before the periods: two rounds before the current one.
TEAMS_WITH_TWO_ROUNDS = {"Hospital Discharge Team", "Older Adults East", "Riverside Front Door"}

# Comments some respondents leave, in the words care staff use in the seed transcripts.
DEMO_COMMENTS = [
    "We get shown new kit but nobody follows up, so it sits in the cupboard.",
    "The digital champion in our office has made a real difference.",
    "I would use it more if I knew who to ring when it stops working.",
    "Families ask about smart speakers and I never know what to tell them.",
    "It feels like it is about saving money rather than helping people.",
    "Hearing how it helped someone stay at home made me want to try it.",
    "Installers are great but the waiting list is too long.",
    "Our manager encourages us to try things, which helps.",
    "Training was one session two years ago.",
    "Consent forms put people off before we even start.",
]
COMMENT_CHANCE = 0.35
# Each demo team has a few more staff than answered, so its open rounds can take more answers.
DEMO_STAFF_NOT_ANSWERING = 3


@dataclass(frozen=True)
class DemoAction:
    """An action of the demo's plans. team None: the whole area. done_on: when it was done."""

    area: str
    team: str | None
    title: str
    owner: str
    intervention: str | None
    conditions: tuple[str, ...]
    timescale: str
    created_on: dt.date
    status: str
    due_on: str = ""  # for the "date" timescale
    done_on: dt.date | None = None
    notes: str = ""
    by: str = "innovation@shirebrook.example"


# Done between the two rounds of the teams that had two (March and September 2026), so the
# second round can be read beside what the team did; one overdue, one still to come.
DEMO_ACTIONS = [
    DemoAction(
        "North Shirebrook", "Hospital Discharge Team", "Recruit two digital champions",
        "Sam Patel", "digital_champions", ("confident_staff_and_people", "awareness_of_benefits"),
        "three_months", dt.date(2026, 3, 30), "done", done_on=dt.date(2026, 5, 14),
        notes="Priya and Tom volunteered; both have had the champions' induction.",
        by="manager@shirebrook.example",
    ),
    DemoAction(
        "North Shirebrook", "Hospital Discharge Team", "Hands-on demonstration sessions",
        "Digital champions", "hands_on_demonstrations",
        ("confident_staff_and_people", "awareness_of_benefits"), "date", dt.date(2026, 4, 13),
        "done", due_on="2026-06-30", done_on=dt.date(2026, 6, 20),
        notes="Three sessions with the equipment service's demonstration kit.",
        by="manager@shirebrook.example",
    ),
    DemoAction(
        "North Shirebrook", "Hospital Discharge Team", "Monthly drop-in with the equipment service",
        "Sam Patel", "drop_in_sessions", ("confident_staff_and_people",), "six_months",
        dt.date(2026, 10, 5), "in_progress", by="manager@shirebrook.example",
    ),
    DemoAction(
        "East Vale", "Older Adults East", "Share stories of people technology has helped",
        "Team manager, Older Adults East", "case_studies",
        ("evidence_of_impact", "awareness_of_benefits"), "three_months", dt.date(2026, 4, 6),
        "done", done_on=dt.date(2026, 7, 2),
        notes="Two stories shared at the team meeting and in the county newsletter.",
    ),
    DemoAction(
        "East Vale", None, "Set up a care technology steering group for East Vale",
        "Indira Shah", "technology_steering_group",
        ("strategic_clarity", "leadership_governance"), "date", dt.date(2026, 6, 1),
        "in_progress", due_on="2026-10-31",
        notes="Terms of reference drafted; waiting for a chair.",
    ),
    DemoAction(
        "West Riverside", "Riverside Front Door", "Training on care technology for the front door",
        "Indira Shah", "bespoke_team_training",
        ("confident_staff_and_people", "personalised_care_planning"), "date",
        dt.date(2026, 10, 12), "planned", due_on="2027-01-29",
    ),
]  # fmt: skip

# One account per role; the README lists these passwords. Demo data only.
DEMO_PEOPLE = [
    ("Alex Morgan", "admin@shirebrook.example", Role.ADMINISTRATOR, "demo-admin-pass", []),
    ("Lee Okafor", "leader@shirebrook.example", Role.LEADER, "demo-leader-pass", []),
    ("Indira Shah", "innovation@shirebrook.example", Role.INNOVATION, "demo-innovation-pass", []),
    (
        "Sam Patel",
        "manager@shirebrook.example",
        Role.MANAGER,
        "demo-manager-pass",
        ["Hospital Discharge Team", "Community Reablement"],
    ),
    ("Jo Evans", "facilitator@shirebrook.example", Role.FACILITATOR, "demo-facilitator-pass", []),
]


def _clamp(value: float) -> int:
    return max(1, min(5, round(value)))


def _answer(rng: random.Random, item: Item, strength: float, person_bias: float) -> int | None:
    if rng.random() < 0.06:
        return None  # don't know
    agreement = _clamp(rng.gauss(strength + person_bias, 0.7))
    return 6 - agreement if item.reverse else agreement


def _team_profile(
    rng: random.Random, model: CultureModel, base: float, variety: float
) -> dict[str, float]:
    profile = {c.id: base + rng.uniform(-variety, variety) for c in model.conditions}
    profile.update(
        {s.id: base + rng.uniform(-variety, variety) for s in model.questionnaire.acceptance_scales}
    )
    profile["personal"] = min(4.6, base + 1.0)  # staff are more confident at home than at work
    profile["work"] = base + rng.uniform(-0.6, 0.2)
    return profile


def _strength_for(item: Item, profile: dict[str, float]) -> float:
    key = item.condition or item.acceptance_scale or item.confidence
    assert key is not None
    return profile[key]


def _add_round(
    session,
    rng: random.Random,
    model: CultureModel,
    team: Team,
    version_id: str,
    profile: dict[str, float],
    responses: int,
    opened_at: dt.datetime,
    close: bool,
    comment_rng: random.Random,
    period_id: int | None = None,
) -> None:
    round_ = AssessmentRound(
        team_id=team.id,
        model_version_id=version_id,
        token=repo.new_round_token(),
        anonymity_threshold=5,
        opened_at=opened_at,
        closed_at=opened_at + dt.timedelta(days=21) if close else None,
        # Personal codes exist only once, on paper: a demo cannot show them.
        access_mode=AccessMode.LINK.value,
        staff_count=team.staff_count,
        period_id=period_id,
    )
    session.add(round_)
    session.flush()
    for _ in range(responses):
        bias = rng.gauss(0, 0.4)
        answers = {
            item.id: _answer(rng, item, _strength_for(item, profile), bias)
            for item in model.questionnaire.items
        }
        # A separate generator, so adding comments did not change anyone's scores.
        comment = comment_rng.choice(DEMO_COMMENTS) if comment_rng.random() < COMMENT_CHANCE else ""
        repo.insert_response(session, round_, answers, comment)
    if close:
        repo.rewrite_in_random_order(session, round_.id)  # as closing a round does


def load_demo(only_if_empty: bool = True, *, beside_others: bool = False) -> bool:
    """Create the demo county. Returns False (and changes nothing) if data already exists.

    `beside_others`: add it as one more organisation even so (the browser tests read the demo
    in the app they share, whose database holds the tests' own organisation)."""
    model = current_model()
    rng = random.Random(SEED)
    comment_rng = random.Random(SEED + 1)
    with transaction() as session:
        if repo.the_organisation(session) is not None and not beside_others:
            if only_if_empty:
                return False
            raise RuntimeError("The database already holds an organisation; use an empty one.")
        version = repo.ensure_model_version(session, model)
        organisation = Organisation(name=ORGANISATION, anonymity_threshold=5)
        session.add(organisation)
        session.flush()
        teams_by_name: dict[str, Team] = {}
        areas = [Area(organisation_id=organisation.id, name=name) for name in COUNTY]
        session.add_all(areas)
        session.flush()
        autumn, spring = (
            _add_period(session, organisation.id, period, areas)
            for period in (AUTUMN_2026, SPRING_2027)
        )
        for area, teams in zip(areas, COUNTY.values(), strict=True):
            for team_name, base, variety, responses in teams:
                team = Team(
                    area_id=area.id,
                    name=team_name,
                    staff_count=responses + DEMO_STAFF_NOT_ANSWERING,
                )
                session.add(team)
                session.flush()
                teams_by_name[team_name] = team
                profile = _team_profile(rng, model, base, variety)
                # Each period a little better than the one before.
                autumn_profile = {k: v - rng.uniform(0.1, 0.5) for k, v in profile.items()}
                rounds: list[tuple[dict[str, float], dt.datetime, bool, int | None]] = [
                    (autumn_profile, SECOND_ROUND, True, autumn.id)
                ]
                if team_name in TEAMS_WITH_TWO_ROUNDS:
                    march = {k: v - rng.uniform(0.1, 0.5) for k, v in autumn_profile.items()}
                    rounds.insert(0, (march, FIRST_ROUND, True, None))
                opened_in_spring = dt.datetime.combine(spring.opens_on, dt.time(9, 0))
                rounds.append((profile, opened_in_spring, False, spring.id))
                for answered_to, opened_at, close, period_id in rounds:
                    _add_round(
                        session, rng, model, team, version.id, answered_to, responses,
                        opened_at, close, comment_rng, period_id,
                    )  # fmt: skip
        for name, email, role, password, team_names in DEMO_PEOPLE:
            session.add(
                UserAccount(
                    organisation_id=organisation.id,
                    email=email,
                    name=name,
                    role=role.value,
                    password_hash=hash_password(password),
                    teams=[teams_by_name[t] for t in team_names],
                )
            )
        session.flush()
        _add_actions(session, model, organisation, teams_by_name)
        add_demo_workshops(session, organisation.id)
    return True


def _add_period(
    session, organisation_id: int, period: tuple[str, dt.date, dt.date], areas: list[Area]
) -> AssessmentPeriod:
    """A period for every area of the demo county."""
    name, opens_on, closes_on = period
    row = AssessmentPeriod(
        organisation_id=organisation_id,
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        areas=[AssessmentPeriodArea(area_id=area.id) for area in areas],
    )
    session.add(row)
    session.flush()
    return row


def _add_actions(
    session, model: CultureModel, organisation: Organisation, teams: dict[str, Team]
) -> None:
    areas = {team.area.name: team.area for team in teams.values()}
    people = {
        person.email: person.id
        for person in session.scalars(
            select(UserAccount).where(UserAccount.organisation_id == organisation.id)
        )
    }
    for action in DEMO_ACTIONS:
        intervention = (
            model.intervention_by_id[action.intervention] if action.intervention else None
        )
        assert all(c in model.condition_by_id for c in action.conditions), action.title
        made = dt.datetime.combine(action.created_on, dt.time(10, 0))
        changed = dt.datetime.combine(action.done_on, dt.time(16, 0)) if action.done_on else made
        session.add(
            PlanAction(
                organisation_id=organisation.id,
                area_id=areas[action.area].id,
                team_id=teams[action.team].id if action.team else None,
                title=action.title,
                owner=action.owner,
                intervention_id=intervention.id if intervention else None,
                bundle_id=intervention.bundle if intervention else None,
                condition_ids=" ".join(action.conditions),
                timescale=action.timescale,
                due_on=due_date(action.timescale, action.created_on, action.due_on),
                status=action.status,
                notes=action.notes,
                created_at=made,
                created_by_user_id=people[action.by],
                updated_at=changed,
                done_on=action.done_on,
            )
        )
