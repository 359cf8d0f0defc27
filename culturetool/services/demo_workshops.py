"""The demo county's Working Together for Change workshops: one at every stage, from one being
prepared to one under review, and one finished with its full summary ("Carers' voices", East
Vale, March 2026). Their entries are drawn from what the seed transcripts report people said:
Hertfordshire's carers and people who draw on care and support, and Kent's staff and providers
talking about technology at work.

Each workshop is written through the store as its stages would leave it, keeping the domain's
rules: the board is made with `Board` operations and saved with `store.workshops.save_board`
(every entry in one theme or unthemed), votes go through `record_ballot` and
`record_table_votes` (within the budget, while voting is open), and actions are area plan
actions with their workshop, theme and viewpoint. All are run by the demo facilitator but the
one under review, which another facilitator runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from culturetool.domain.access import Role
from culturetool.domain.kinds import ActionStatus, ActionTimescale
from culturetool.domain.workshop.kinds import (
    Channel,
    EntryKind,
    Perspective,
    Stage,
    Viewpoint,
    VotingState,
)
from culturetool.domain.workshop.votes import default_ballot
from culturetool.services.plans import due_date
from culturetool.store import workshops as store
from culturetool.store.tables import (
    Area,
    PlanAction,
    Team,
    UserAccount,
    Workshop,
    WorkshopDay,
    WorkshopEntry,
    WorkshopFacilitator,
    WorkshopParkedIssue,
    WorkshopPerspective,
    WorkshopRootCause,
    WorkshopSuccess,
    WorkshopTeam,
    WorkshopTheme,
)

DEMO_FACILITATOR = "facilitator@shirebrook.example"
# Another facilitator, invited but not signed in yet, runs one workshop: the demo facilitator
# does not see it.
OTHER_FACILITATOR = ("Ravi Kumar", "ravi.kumar@shirebrook.example")

WW, NWW, FUTURE = EntryKind.WORKING_WELL, EntryKind.NOT_WORKING_WELL, EntryKind.FUTURE
PEOPLE, CARERS, STAFF = Perspective.PEOPLE, Perspective.CARERS, Perspective.STAFF
PROVIDERS, COMMISSIONERS = Perspective.PROVIDERS, Perspective.COMMISSIONERS
WEEK, THREE, SIX = (
    ActionTimescale.FIRST_WEEK,
    ActionTimescale.THREE_MONTHS,
    ActionTimescale.SIX_MONTHS,
)
PLANNED, IN_PROGRESS, DONE = ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DONE


@dataclass(frozen=True)
class ThemeScript:
    statement: str
    entries: tuple[int, ...]  # positions in the script's entries, all of one kind
    conditions: tuple[str, ...] = ()
    root_causes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActionScript:
    theme: int  # position in the script's themes
    viewpoint: Viewpoint
    title: str
    owner: str
    timescale: ActionTimescale
    status: ActionStatus  # once under way (implement and review); planned before
    review_notes: str = ""


@dataclass(frozen=True)
class Script:
    """What a workshop collects and decides, applied as far as its stage has got."""

    entries: tuple[tuple[EntryKind, Channel, Perspective | None, str], ...]
    themes: tuple[ThemeScript, ...]
    ballots: tuple[dict[int, int], ...]  # phone ballots, by theme position
    table_votes: dict[int, int]  # one table's votes recorded by a facilitator, 3 people
    chosen: tuple[int, ...]
    success: tuple[tuple[int, Perspective, str], ...]
    already_happening: tuple[str, ...]
    actions: tuple[ActionScript, ...]
    parked: tuple[tuple[str, str, ActionStatus], ...]  # issue, follow-up owner, status by review
    follow_up: tuple[int, ...]  # entries not covered on the day


CARERS_SCRIPT = Script(
    entries=(
        (WW, Channel.PAPER, CARERS, "As a carer for my disabled partner I'm happy at the moment "
                                    "to be able to care for her at home"),
        (WW, Channel.ONLINE, CARERS, "Having a break when I need it, because the sitting "
                                     "service comes every Tuesday"),
        (WW, Channel.VISIT, CARERS, "The carers group at the community centre, where I meet "
                                    "people like me"),
        (WW, Channel.VIDEO_CALL, PEOPLE, "My video carephone means I can see my daughter every "
                                         "evening"),
        (WW, Channel.TELEPHONE, PEOPLE, "The reablement team showed me how to use the pill "
                                        "dispenser"),
        (NWW, Channel.TELEPHONE, CARERS, "Balancing the care and well-being of my parents with "
                                         "my life"),
        (NWW, Channel.TELEPHONE, CARERS, "Getting to talk to people face to face"),
        (NWW, Channel.EASY_READ, PEOPLE, "Telling my story again every time I ring"),
        (NWW, Channel.ONLINE, STAFF, "We only hear about support for carers when things have "
                                     "already broken down"),
        (NWW, Channel.SIGN_LANGUAGE_VIDEO, CARERS, "Nobody told me about the carers' assessment "
                                                   "until my husband was in hospital"),
        (NWW, Channel.EASY_READ, PEOPLE, "The forms are too long and I can't fill them in "
                                         "online"),
        (NWW, Channel.ONLINE, PROVIDERS, "Information about help is spread over too many "
                                         "websites"),
        (FUTURE, Channel.ONLINE, CARERS, "Care and support for my son when I'm no longer there"),
        (FUTURE, Channel.VISIT, PEOPLE, "Services that talk to each other so I don't have to"),
        (FUTURE, Channel.TELEPHONE, PEOPLE, "To stay in my own home with technology that helps"),
        (FUTURE, Channel.VIDEO_CALL, PEOPLE, "Staying in touch with my friends from the day "
                                             "centre"),
        (FUTURE, Channel.PAPER, CARERS, "Somewhere to go for advice without an appointment"),
    ),
    themes=(
        ThemeScript("Having a break when I need it", (0, 1)),
        ThemeScript("I want to connect with people like me", (2, 3), ("awareness_of_benefits",)),
        ThemeScript(
            "I want to tell my story once", (7, 10), ("personalised_care_planning",),
            ("Each team keeps its own records, so nobody sees what was said before",),
        ),
        ThemeScript(
            "We want to talk to people face to face", (6,), (),
            ("Most first contact moved to the phone and online during the pandemic",),
        ),
        ThemeScript(
            "We want help before things break down, not after", (5, 8, 9),
            ("confident_staff_and_people", "awareness_of_benefits"),
            ("Carers are asked about their own needs only at a crisis",
             "Information about support is spread over many websites"),
        ),
        ThemeScript("I want better joined-up services", (13,), ("personalised_care_planning",)),
        ThemeScript(
            "I want to stay at home with technology that works for me", (14, 15),
            ("great_technology", "confident_staff_and_people"),
        ),
        ThemeScript("I want to know my son will be looked after when I'm no longer there", (12,)),
    ),
    ballots=({4: 3, 2: 2}, {4: 2, 3: 3}, {2: 3, 4: 2}, {3: 2, 2: 1, 4: 2}, {4: 3, 2: 2},
             {2: 2, 3: 1, 4: 2}),
    table_votes={4: 5, 2: 4, 3: 3},
    chosen=(4, 2),
    success=(
        (4, CARERS, "As carers we know who to call before things get hard"),
        (4, STAFF, "We offer carers support early, not only at a crisis"),
        (4, COMMISSIONERS, "We commission support that reaches carers before they break down"),
        (2, PEOPLE, "I tell my story once and the people I speak to already know it"),
        (2, PROVIDERS, "We see the same up-to-date plan as the council"),
    ),
    already_happening=(
        "The carers' centre runs a monthly drop-in at the library",
        "Technology facilitators join the front door team two days a week",
    ),
    actions=(
        ActionScript(4, Viewpoint.TRADITIONAL, "Send every new carer the “who to call” leaflet "
                     "in their first week", "Access team lead", WEEK, DONE,
                     "Sent to 40 carers so far; three have rung the number already"),
        ActionScript(4, Viewpoint.COMMUNITY, "Take an information bus for carers to a market "
                     "square each month", "Carers' centre manager", THREE, IN_PROGRESS,
                     "Bus booked; first stop at Eastbridge market on the first Saturday"),
        ActionScript(4, Viewpoint.RADICAL, "Let carers book a carer's assessment themselves, "
                     "online or by phone", "Head of adult social care", SIX, PLANNED),
        ActionScript(2, Viewpoint.TRADITIONAL, "Ask once whether we may share a person's story "
                     "between teams", "Front door manager", THREE, DONE,
                     "Consent question added to the first call"),
        ActionScript(2, Viewpoint.RADICAL, "Let people read and correct what we hold about them, "
                     "online", "Head of digital", SIX, IN_PROGRESS),
    ),
    parked=(
        ("Direct payment rates have not kept up with costs", "Commissioning manager", IN_PROGRESS),
        ("Parking at the day centre is full by nine", "Day centre manager", DONE),
        ("Bus passes for carers who travel with the person they care for", "Transport lead",
         PLANNED),
    ),
    follow_up=(11, 16),
)  # fmt: skip

STAFF_SCRIPT = Script(
    entries=(
        (WW, Channel.ONLINE, STAFF, "Teams calls mean I can join meetings between visits"),
        (WW, Channel.VISIT, STAFF, "The technology facilitator came out with me on a visit"),
        (WW, Channel.ONLINE, STAFF, "The digital champion in our office shows us new kit"),
        (WW, Channel.VIDEO_CALL, PROVIDERS, "The video carephone let a man at the day service "
                                            "phone his friends again"),
        (NWW, Channel.ONLINE, STAFF, "I'm confident with technology at home but not at work"),
        (NWW, Channel.PAPER, STAFF, "We never get time to try the kit before we offer it"),
        (NWW, Channel.TELEPHONE, STAFF, "Nobody tells us what happened after we ordered the "
                                        "equipment"),
        (NWW, Channel.ONLINE, PROVIDERS, "The care technology catalogue is out of date"),
        (NWW, Channel.VIDEO_CALL, PROVIDERS, "People are told it will save money, then are "
                                             "disappointed"),
        (NWW, Channel.TELEPHONE, CARERS, "The sensor went off at night and nobody knew who "
                                         "should answer"),
        (FUTURE, Channel.VISIT, STAFF, "A tech box we can take on visits to show people"),
        (FUTURE, Channel.ONLINE, STAFF, "Stories of what technology changed for people we "
                                        "support"),
        (FUTURE, Channel.PAPER, PROVIDERS, "Training for care workers on the devices people "
                                           "have at home"),
    ),
    themes=(
        ThemeScript("We want colleagues who show us how", (1, 2), ("confident_staff_and_people",)),
        ThemeScript(
            "I want to feel as confident at work as I do at home", (4, 5),
            ("confident_staff_and_people",),
            ("Training was one session, a long time ago", "There is no time set aside to try "
             "things"),
        ),
        ThemeScript(
            "We want to know the difference it made", (6, 8), ("evidence_of_impact",),
            ("Nobody follows up once the equipment is installed",),
        ),
        ThemeScript(
            "We want kit we can rely on, and to know who answers it", (7, 9),
            ("great_technology", "balanced_risk_ethics"),
            ("The catalogue and the response service are bought separately",),
        ),
        ThemeScript(
            "We want to try technology with people, not just order it", (10, 12),
            ("personalised_care_planning", "confident_staff_and_people"),
        ),
        ThemeScript(
            "We want to hear stories of what changed", (11,),
            ("evidence_of_impact", "awareness_of_benefits"),
        ),
    ),
    ballots=({1: 3, 2: 2}, {2: 3, 3: 2}, {1: 2, 3: 3}, {1: 3, 2: 1, 3: 1}, {2: 2, 1: 3}),
    table_votes={1: 4, 2: 3, 3: 5},  # the second and third themes tie on 11 votes
    chosen=(1, 2),
    success=(
        (1, STAFF, "I feel as sure using care technology at work as I do at home"),
        (1, PROVIDERS, "Our care workers can set up and explain the devices people have"),
        (2, STAFF, "We hear back what difference the technology made for each person"),
        (2, COMMISSIONERS, "We can show the difference care technology makes to people's lives"),
    ),
    already_happening=("Digital champions meet every month to share what they have learned",),
    actions=(
        ActionScript(1, Viewpoint.TRADITIONAL, "Book every new starter on a hands-on session "
                     "with the equipment", "Workforce development lead", WEEK, DONE,
                     "Added to the induction timetable"),
        ActionScript(1, Viewpoint.COMMUNITY, "Give each team a tech box to take on visits",
                     "Digital champions", THREE, IN_PROGRESS, "Four of the six boxes are out"),
        ActionScript(2, Viewpoint.TRADITIONAL, "Ring each person six weeks after installation "
                     "and note what changed", "Technology enabled care hub manager", THREE,
                     IN_PROGRESS),
        ActionScript(2, Viewpoint.RADICAL, "Publish a story a month of what care technology "
                     "changed, told by the person", "Communications lead", SIX, PLANNED),
    ),
    parked=(
        ("Laptops take ten minutes to start up", "IT service desk", IN_PROGRESS),
        ("Mileage rates for visits", "Human resources", PLANNED),
    ),
    follow_up=(0, 3),
)  # fmt: skip


@dataclass(frozen=True)
class DemoWorkshop:
    title: str
    area: str
    teams: tuple[str, ...]
    purpose: str
    place: str
    days: tuple[dt.date, ...]
    stage: Stage
    script: Script
    facilitator: str = DEMO_FACILITATOR
    finished: bool = False  # every action done or under way, the parking board followed up


DEMO_WORKSHOPS = (
    DemoWorkshop(
        "Leaving hospital: what people told us", "North Shirebrook", ("Hospital Discharge Team",),
        "To hear from people who have come home from hospital, and their families, what helped "
        "and what got in the way.", "Shirebrook Library, meeting room 2",
        (dt.date(2027, 1, 20),), Stage.PREPARE, CARERS_SCRIPT,
    ),
    DemoWorkshop(
        "Learning disability services: what matters to you", "North Shirebrook",
        ("Learning Disability Team North",),
        "To ask people with a learning disability and their families what works in their lives "
        "now and what matters for the future.", "Northgate Day Centre",
        (dt.date(2026, 12, 9),), Stage.COLLECT, CARERS_SCRIPT,
    ),
    DemoWorkshop(
        "Technology at work: staff voices", "Southmoor", ("Southmoor Reablement",),
        "To hear how staff and providers feel about using care technology at work.",
        "Southmoor Civic Centre", (dt.date(2026, 11, 18),), Stage.THEME, STAFF_SCRIPT,
    ),
    DemoWorkshop(
        "Home care: people and providers together", "Southmoor", ("Home Care Brokerage",),
        "To understand what is not working in home care, and vote on what to tackle first.",
        "Southmoor Civic Centre", (dt.date(2026, 11, 25),), Stage.UNDERSTAND, CARERS_SCRIPT,
    ),
    DemoWorkshop(
        "Front door conversations", "West Riverside", ("Riverside Front Door",),
        "To agree what good first contact with adult social care would look like.",
        "Riverside Community Hall", (dt.date(2026, 10, 14), dt.date(2026, 10, 16)),
        Stage.IDENTIFY_SUCCESS, STAFF_SCRIPT,
    ),
    DemoWorkshop(
        "Reablement together", "North Shirebrook", ("Community Reablement",),
        "To plan, with people who have had reablement, how it could help more people stay at "
        "home.", "Shirebrook Community Centre", (dt.date(2026, 9, 22), dt.date(2026, 9, 24)),
        Stage.PLAN, CARERS_SCRIPT,
    ),
    DemoWorkshop(
        "Care technology at the front door", "West Riverside", ("Technology Enabled Care Hub",),
        "To put the front door team's ideas about care technology into practice.",
        "Riverside Community Hall", (dt.date(2026, 7, 7), dt.date(2026, 7, 9)),
        Stage.IMPLEMENT, STAFF_SCRIPT,
    ),
    DemoWorkshop(
        "Care technology in practice: East Vale staff", "East Vale", ("Older Adults East",),
        "To review, with staff and providers, the actions agreed in the spring.",
        "Eastbridge Methodist Hall", (dt.date(2026, 5, 12), dt.date(2026, 5, 14)),
        Stage.REVIEW, STAFF_SCRIPT, facilitator=OTHER_FACILITATOR[1],
    ),
    DemoWorkshop(
        "Carers' voices", "East Vale", ("Carers Support East",),
        "To hear what helps carers and what gets in the way of getting support early, and to "
        "agree together what to change.", "Eastbridge Community Centre",
        (dt.date(2026, 3, 10), dt.date(2026, 3, 12)), Stage.REVIEW, CARERS_SCRIPT,
        finished=True,
    ),
)  # fmt: skip

_ORDER = list(Stage)


def _reached(workshop: DemoWorkshop, stage: Stage) -> bool:
    return _ORDER.index(workshop.stage) >= _ORDER.index(stage)


def add_demo_workshops(session: Session, organisation_id: int) -> None:
    """Every demo workshop, in the demo's transaction (services/demo.py)."""
    areas = {a.name: a for a in session.query(Area).filter_by(organisation_id=organisation_id)}
    teams = {
        t.name: t
        for t in session.query(Team).filter(Team.area_id.in_([a.id for a in areas.values()]))
    }
    name, email = OTHER_FACILITATOR
    session.add(
        UserAccount(
            organisation_id=organisation_id, email=email, name=name,
            role=Role.FACILITATOR.value, password_hash=None,
        )
    )  # fmt: skip
    session.flush()
    people = {
        person.email: person.id
        for person in session.query(UserAccount).filter_by(organisation_id=organisation_id)
    }
    for workshop in DEMO_WORKSHOPS:
        _add_workshop(session, organisation_id, workshop, areas, teams, people)


def _add_workshop(
    session: Session,
    organisation_id: int,
    spec: DemoWorkshop,
    areas: dict[str, Area],
    teams: dict[str, Team],
    people: dict[str, int],
) -> None:
    script = spec.script
    area = areas[spec.area]
    row = Workshop(
        organisation_id=organisation_id, area_id=area.id, title=spec.title,
        purpose=spec.purpose, place=spec.place, tables=3, vote_budget=5, votes_per_theme=3,
        stage=spec.stage.value,
        created_at=dt.datetime.combine(spec.days[0] - dt.timedelta(days=42), dt.time(10, 0)),
    )  # fmt: skip
    session.add(row)
    session.flush()
    wid = row.id
    session.add_all(WorkshopDay(workshop_id=wid, day=day) for day in spec.days)
    session.add_all(WorkshopTeam(workshop_id=wid, team_id=teams[name].id) for name in spec.teams)
    session.add_all(WorkshopPerspective(workshop_id=wid, key=p.value) for p in Perspective)
    session.add(WorkshopFacilitator(workshop_id=wid, user_id=people[spec.facilitator]))
    if not _reached(spec, Stage.COLLECT):
        return
    entry_ids = store.add_entries(
        session,
        wid,
        [
            (kind, channel, p.value if p else None, text)
            for kind, channel, p, text in script.entries
        ],
    )
    if not _reached(spec, Stage.THEME):
        return
    # While theming, the last two themes are not made yet and only the first is tagged.
    theming = spec.stage is Stage.THEME
    themes = script.themes[:-2] if theming else script.themes
    before = store.load_board(session, wid)
    board = before
    for position, theme in enumerate(themes):
        provisional = -1 - position
        board = board.make_theme([entry_ids[i] for i in theme.entries], provisional, {})
        board = board.set_statement(provisional, theme.statement, {provisional: 1})
        if theme.conditions and (position == 0 or not theming):
            board = board.set_conditions(
                provisional, theme.conditions, theme.conditions, {provisional: 2}
            )
    stored = store.save_board(session, wid, before, board)
    theme_ids = [stored[-1 - position] for position in range(len(themes))]
    if theming:
        return

    rows = {theme_id: session.get(WorkshopTheme, theme_id) for theme_id in theme_ids}
    for position, theme in enumerate(themes):
        session.add_all(
            WorkshopRootCause(theme_id=theme_ids[position], text=text) for text in theme.root_causes
        )
    for issue, owner, status in script.parked:
        reviewed = _reached(spec, Stage.REVIEW)
        session.add(
            WorkshopParkedIssue(
                workshop_id=wid, issue=issue, owner=owner,
                status=(status if reviewed else PLANNED).value,
            )
        )  # fmt: skip
    for theme_id in default_ballot(store.load_board(session, wid)):
        rows[theme_id].on_ballot = True  # type: ignore[union-attr]
    row.voting = VotingState.OPEN.value
    session.flush()
    ballots = script.ballots[:3] if spec.stage is Stage.UNDERSTAND else script.ballots
    for ballot in ballots:
        store.record_ballot(
            session, wid, store.new_ballot_key(), {theme_ids[t]: n for t, n in ballot.items()}
        )
    if spec.stage is Stage.UNDERSTAND:
        return
    store.record_table_votes(
        session, wid, "Table 3", 3, {theme_ids[t]: n for t, n in script.table_votes.items()}
    )
    row.voting = VotingState.CLOSED.value
    for position in script.chosen:
        rows[theme_ids[position]].chosen = True  # type: ignore[union-attr]
    success = script.success[:2] if spec.stage is Stage.IDENTIFY_SUCCESS else script.success
    session.add_all(
        WorkshopSuccess(theme_id=theme_ids[t], perspective=p.value, text=text)
        for t, p, text in success
    )
    if spec.stage is Stage.IDENTIFY_SUCCESS:
        return
    row.already_happening = "\n".join(script.already_happening)
    actions = script.actions[:2] if spec.stage is Stage.PLAN else script.actions
    agreed_on = spec.days[-1]
    for action in actions:
        under_way = _reached(spec, Stage.IMPLEMENT)
        status = action.status if under_way else PLANNED
        if spec.finished and status is PLANNED:
            status = IN_PROGRESS
        made = dt.datetime.combine(agreed_on, dt.time(15, 30))
        done_on = agreed_on + dt.timedelta(days=40) if status is DONE else None
        session.add(
            PlanAction(
                organisation_id=organisation_id, area_id=area.id, title=action.title,
                owner=action.owner,
                condition_ids=" ".join(sorted(themes[action.theme].conditions)),
                timescale=action.timescale.value,
                due_on=due_date(action.timescale.value, agreed_on), status=status.value,
                notes=action.review_notes if _reached(spec, Stage.REVIEW) else "",
                created_at=made, created_by_user_id=people[spec.facilitator],
                updated_at=dt.datetime.combine(done_on, dt.time(16, 0)) if done_on else made,
                done_on=done_on, workshop_id=wid, workshop_theme_id=theme_ids[action.theme],
                viewpoint=action.viewpoint.value,
            )
        )  # fmt: skip
    if _reached(spec, Stage.REVIEW):
        for position in script.follow_up:
            entry = session.get(WorkshopEntry, entry_ids[position])
            entry.follow_up = True  # type: ignore[union-attr]
