"""Every event handler of the app, called on the server as every role.

The matrix below lists each handler that reads or writes data and who may use it. Allowed
calls must deliver (data loaded, or the change made); refused ones must deliver nothing and
leave the database exactly as it was. A handler missing from the matrix, or without a guard,
fails the suite.
"""

from __future__ import annotations

import base64
import copy
import datetime
import inspect
import io
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
import reflex as rx
import sqlalchemy as sa
from awaiting import run_to_end
from people import PASSWORD, make_person
from reflex.event import EventSpec
from reflex.istate.data import RouterData
from respondents import open_link_round, send
from sessions import router_for
from starlette.datastructures import Headers
from workshop_rows import add_workshop

import culturetool.culturetool  # noqa: F401  (registers every page and state)
from culturetool.domain.access import Forbidden, Role
from culturetool.domain.team_import import TeamFile
from culturetool.domain.workshop.kinds import Perspective
from culturetool.services import accounts, responding
from culturetool.services import admin as admin_service
from culturetool.services import targets as targets_service
from culturetool.services.organisation import add_area, add_team, create_organisation, team_view
from culturetool.services.rounds import close_round
from culturetool.store import db
from culturetool.store.migrate import upgrade
from culturetool.store.tables import Base
from culturetool.ui.scores import FILE_FORMATS
from culturetool.ui.session import PUBLIC, SIGNED_IN
from culturetool.views.organisation import RoundSummary

# Handlers anyone may trigger. Each was reviewed: it reads or writes no staff data.
PUBLIC_HANDLERS = {
    "SignInState.load",
    "InviteState.load",
    "InviteState.accept",
    "TeamState.ask_to_close",
    "TeamState.copy_link",
    "TeamState.choose_access_mode",
    "TeamState.type_staff_count",
    "TeamState.type_more_codes",
    "TeamState.choose_manager",
    "TeamState.type_team_staff",
    "PeopleState.copy_link",
    "PeopleState.link_copied",
    "PeopleState.ask_to_deactivate",
    "PeopleState.deactivate_dialog_changed",
    "PeopleState.edit_teams",
    "PeopleState.stop_editing_teams",
    # The theme board and the collect page: ticks, dialogs and which statement is being typed,
    # all on what the page already shows; every edit they lead to checks again.
    "BoardState.tick",
    "BoardState.clear_ticks",
    "BoardState.start_statement",
    "BoardState.ask_to_delete",
    "BoardState.delete_dialog_changed",
    "CollectState.ask_to_redact",
    "CollectState.redact_dialog_changed",
    # A workshop's link panels: the warning before replacing or closing, and copying the link
    # the page already shows.
    "CollectionLinkState.ask",
    "CollectionLinkState.copy_link",
    "VotingLinkState.ask",
    "VotingLinkState.copy_link",
}
REFLEX_BUILT_INS = {"setvar"}
# Tables any allowed call may write besides its own: the audit log and the disclosure ledger,
# which records what a results page showed.
BOOKKEEPING = {"audit_event", "disclosure_record"}
ROLES = ["anonymous", "administrator", "leader", "innovation", "manager", "other manager",
         "facilitator", "other facilitator"]  # fmt: skip


def app_states() -> list[type[rx.State]]:
    found, queue = [], [rx.State]
    while queue:
        state = queue.pop()
        queue.extend(state.get_substates())
        if state.__module__.startswith("culturetool."):
            found.append(state)
    return found


def all_handlers() -> dict[str, Callable]:
    return {
        f"{state.__name__}.{name}": handler.fn
        for state in app_states()
        for name, handler in state.event_handlers.items()
        if name not in REFLEX_BUILT_INS
    }


def test_every_handler_is_guarded_or_reviewed_as_public():
    handlers = all_handlers()
    unguarded = [name for name, fn in handlers.items() if getattr(fn, "access", None) is None]
    assert not unguarded, f"handlers without @signed_in or @public: {unguarded}"
    public = {name for name, fn in handlers.items() if fn.access == PUBLIC}
    assert public == PUBLIC_HANDLERS, "a public handler was added or removed: review it"
    guarded = {name for name, fn in handlers.items() if fn.access == SIGNED_IN}
    assert guarded == set(MATRIX), "every signed-in handler needs its row in MATRIX"


# ---- the world each call runs in ------------------------------------------------------------


@dataclass
class World:
    team_id: int
    other_team_id: int
    round_id: int
    area_id: int
    workshop_id: int = 0  # run by "facilitator"
    other_workshop_id: int = 0  # run by "other facilitator", a facilitator of another workshop
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)


def _build_world(model) -> World:
    create_organisation("Matrix Council")
    admin = make_person(Role.ADMINISTRATOR, password=PASSWORD)
    area = add_area(admin, "North")
    team_id = add_team(admin, area, "Alpha")
    other_team_id = add_team(admin, area, "Beta")
    people = {
        "administrator": admin,
        "leader": make_person(Role.LEADER, password=PASSWORD),
        "innovation": make_person(Role.INNOVATION, password=PASSWORD),
        "manager": make_person(Role.MANAGER, (team_id,), password=PASSWORD),
        "other manager": make_person(Role.MANAGER, (other_team_id,), password=PASSWORD),
        "facilitator": make_person(Role.FACILITATOR, password=PASSWORD),
        "other facilitator": make_person(Role.FACILITATOR, password=PASSWORD),
    }
    round_ = open_link_round(people["manager"], team_id)
    every_answer = {item.id: 4 for item in model.questionnaire.items}
    for number in range(5):
        send(round_.token, f"device-{number}", every_answer)
    # Set after the round opened, so a page showing 6 really read the organisation's setting.
    admin_service.set_anonymity_threshold(admin, 6)
    world = World(team_id=team_id, other_team_id=other_team_id, round_id=round_.id, area_id=area)
    world.workshop_id = add_workshop(area, "Carers' voices", people["facilitator"])
    world.other_workshop_id = add_workshop(area, "Staff voices", people["other facilitator"])
    for role, actor in people.items():
        with db.transaction() as session:
            email = session.scalar(
                sa.text("select email from user_account where id = :id"), {"id": actor.user_id}
            )
        world.tokens[role] = accounts.sign_in(email, PASSWORD).token
        world.user_ids[role] = actor.user_id
    return world


@pytest.fixture(scope="module")
def world_template(tmp_path_factory, model) -> tuple[Path, World]:
    """Built once (password hashing is slow on purpose); each test gets its own copy.

    SQLite only: each of the ~900 tests starts from a byte copy of this file (SQLite's backup
    API). These tests are about who may call which UI handler; the services they reach run on
    PostgreSQL as well in their own tests."""
    path = tmp_path_factory.mktemp("world") / "world.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CULTURETOOL_DB_URL", f"sqlite:///{path}")
        upgrade()
        world = _build_world(model)
    return path, world


@pytest.fixture
def world(world_template, tmp_path, monkeypatch) -> World:
    template, world = world_template
    copy = tmp_path / "world.db"
    with sqlite3.connect(template) as source, sqlite3.connect(copy) as target:
        source.backup(target)  # a consistent copy, write-ahead log included
    monkeypatch.setenv("CULTURETOOL_DB_URL", f"sqlite:///{copy}")
    return world


def fingerprint() -> dict[str, list]:
    """Everything in the database except sign-in bookkeeping (sessions, last seen)."""
    skip = {"user_session"}
    with db.transaction() as session:
        return {
            table.name: sorted(map(repr, session.execute(sa.select(table)).all()))
            for table in Base.metadata.sorted_tables
            if table.name not in skip
        }


def state_for(state_class: type[rx.State], token: str, params: dict[str, str]):
    root = rx.State(_reflex_internal_init=True)
    state = root.get_substate(state_class.get_full_name().split(".")[1:])
    root.router = router_for(token, pathname="/", query=params)
    return state


# ---- the matrix -----------------------------------------------------------------------------


@dataclass
class Row:
    """How to call a handler, who may, and how to tell that it delivered.

    `delivered` sees the state after the call and what the handler returned. `writes` names the
    tables an allowed call must change (a write that reports success but stores nothing fails).
    `shows_nothing_to` names roles that are let in but whose page has nothing for them: no
    refusal message, and no data. `page_flags` are fields a refused call may still set because
    they say what the page is doing (a redraw counter, the name of the file the person chose),
    never what is stored.
    """

    allowed: set[str]
    call: Callable[[object, World], object]
    delivered: Callable[[object, World, list], bool]
    params: Callable[[World], dict[str, str]] = lambda w: {}
    prepare: Callable[[object, World], None] = lambda state, w: None
    writes: tuple[str, ...] = ()
    shows_nothing_to: frozenset[str] = frozenset()
    page_flags: frozenset[str] = frozenset()


def _form(**fields: str) -> dict[str, str]:
    return fields


def _last_open_round_summary(world: World):
    with db.transaction() as session:
        token = session.scalar(
            sa.text(f"select token from assessment_round where id={world.round_id}")
        )
    return RoundSummary(world.round_id, token, "", "", True, 5, 5, "")


IMPORT_CSV = "area,team\nNorth,Gamma\nSouth,Delta\n"


def _upload(text: str) -> rx.UploadFile:
    """A CSV file as Reflex hands it to an upload handler."""
    return rx.UploadFile(
        file=io.BytesIO(text.encode()),
        path=Path("teams.csv"),
        headers=Headers({"content-type": "text/csv"}),
    )


EVERYONE = {"administrator", "leader", "innovation", "manager", "other manager", "facilitator",
            "other facilitator"}  # fmt: skip
# Who reads workshop "Carers' voices": every workshop role but a facilitator of another one.
READS_THE_WORKSHOP = {"administrator", "leader", "innovation", "facilitator"}
SEES_ALPHA = {"administrator", "leader", "innovation", "manager"}
SEES_ALPHA_RESULTS = {"leader", "innovation", "manager"}
SEES_AREAS = {"leader", "innovation"}

_prepared: dict[str, int] = {}  # ids made by a row's `prepare`, for its call


def _event(outcome: object, name: str) -> dict[str, object] | None:
    """The arguments of a returned event (such as `_download`), or None if it is another one."""
    if not isinstance(outcome, EventSpec) or outcome.handler.fn.__qualname__ != name:
        return None
    return {str(key): json.loads(str(value)) for key, value in outcome.args}


def _is_download(outcome: object, kind: str) -> bool:
    """A file of this format handed to the browser, with data in it."""
    args = _event(outcome, "_download")
    if args is None or not str(args["filename"]).endswith(f".{kind}"):
        return False
    head, _, data = str(args["url"]).partition(";base64,")
    return head.startswith("data:") and len(base64.b64decode(data)) > 0


def _redirected_to(outcomes: list, path: str) -> bool:
    return any((_event(o, "_redirect") or {}).get("path") == path for o in outcomes)


def _is_sign_in(outcome: object) -> bool:
    args = _event(outcome, "_redirect")
    return args is not None and str(args["path"]).startswith("/sign-in")


def _download_row(handler: str, allowed: set[str], params: Callable[[World], dict]) -> Row:
    """A download delivers when the handler hands the browser a file with data in it, in each
    format the page offers."""
    method = handler.split(".")[1]

    def call(state, world):
        return [getattr(type(state), method).fn(state, kind) for kind in FILE_FORMATS]

    def delivered(state, world, outcomes):
        return len(outcomes) == len(FILE_FORMATS) and all(
            _is_download(outcome, kind)
            for outcome, kind in zip(outcomes, FILE_FORMATS, strict=True)
        )

    return Row(allowed=allowed, call=call, delivered=delivered, params=params)


def _round_params(world: World) -> dict[str, str]:
    return {"round_id": str(world.round_id)}


def _area_params(world: World) -> dict[str, str]:
    return {"area_id": str(world.area_id)}


def _team_params(world: World) -> dict[str, str]:
    return {"team_id": str(world.team_id)}


SEES_ALPHA_PLAN = {"leader", "innovation", "manager"}
PLANS_FOR_ALPHA = {"innovation", "manager"}


def _alpha_action(world: World) -> int:
    """An action of team Alpha's plan, added by the innovation team."""
    from culturetool.services import plans

    planner = accounts.actor_for_session(world.tokens["innovation"])
    draft = plans.ActionDraft("Try the new kit", "Alpha's manager", world.team_id,
                              ("strategic_clarity",), "first_week")  # fmt: skip
    _prepared["alpha action"] = plans.create_action(planner, world.area_id, draft)
    return _prepared["alpha action"]


def _alpha_action_status() -> str:
    with db.transaction() as session:
        return session.scalar(
            sa.text("select status from plan_action where id = :id"),
            {"id": _prepared["alpha action"]},
        )


def _deactivated_person(world: World) -> None:
    """A deactivated account (none of the roles that call the handlers), to reactivate."""
    person = make_person(Role.LEADER)
    administrator = accounts.actor_for_session(world.tokens["administrator"])
    admin_service.set_user_active(administrator, person.user_id, False)
    _prepared["deactivated"] = person.user_id


def _link_sent(outcomes) -> bool:
    """A one-off link went to the page: the script that fills the link box carries it (the
    link is never a state var)."""
    return any(
        isinstance(outcome, EventSpec)
        and any("/invite/" in str(value) for _, value in outcome.args)
        for outcome in outcomes
    )


ARRANGES_WORKSHOPS = {"administrator", "innovation"}
PREPARES_THE_WORKSHOP = {"administrator", "innovation", "facilitator"}


def _new_workshop_form(world: World) -> dict[str, str]:
    return {
        "title": "Voices of young carers",
        "area_id": str(world.area_id),
        "day_1": "2026-04-20",
        f"facilitator_{world.user_ids['facilitator']}": "on",
        "perspective_carers": "on",
        "tables": "2",
        "vote_budget": "5",
        "votes_per_theme": "2",
    }


def _preparation_form(**changes: str) -> dict[str, str]:
    form = {"title": "Carers' voices", "place": "Town hall", "day_1": "2026-03-12",
            "tables": "1", "vote_budget": "5", "votes_per_theme": "3"}  # fmt: skip
    form.update({f"perspective_{p.value}": "on" for p in Perspective})
    return {**form, **changes}


def _showing_the_workshop(state, world: World) -> None:
    """The overview page as it was drawn at the workshop's first revision."""
    state.workshop_id_shown = world.workshop_id
    state.form_revision = 1


def _someone_else_changed(workshop_id: int) -> None:
    with db.transaction() as session:
        session.execute(sa.text(f"update workshop set revision = 2 where id = {workshop_id}"))


OPENS_PERIODS = {"administrator", "innovation"}


def _new_period_form() -> dict[str, str]:
    today = datetime.date.today()
    return {
        "name": "Spring",
        "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=30)).isoformat(),
        "scope": "all",
    }


def _open_a_period(world: World) -> None:
    from culturetool.services import periods

    form = _new_period_form()
    periods.open_period(
        accounts.actor_for_session(world.tokens["innovation"]), form["name"],
        datetime.date.fromisoformat(form["opens_on"]),
        datetime.date.fromisoformat(form["closes_on"]), None,
    )  # fmt: skip


def _county_download_row(handler: str, params: Callable[[World], dict]) -> Row:
    """The county files, in the world's assessment period."""
    row = _download_row(handler, SEES_AREAS, params)
    row.prepare = lambda s, w: _open_a_period(w)
    return row


MATRIX: dict[str, Row] = {
    "HomeState.load": Row(
        page_flags=frozenset({"loaded"}),
        allowed=EVERYONE,
        call=lambda s, w: type(s).load.fn(s),
        # Facilitators start from their workshops.
        delivered=lambda s, w, outcomes: len(s.areas) > 0 or _redirected_to(outcomes, "/workshops"),
    ),
    "HomeState.add_area": Row(
        writes=("area",),
        allowed={"administrator"},
        call=lambda s, w: type(s).add_area.fn(s, _form(area_name="South")),
        delivered=lambda s, w, _: "area" in s.confirmation.lower(),
    ),
    "HomeState.add_team": Row(
        writes=("team",),
        allowed={"administrator"},
        call=lambda s, w: type(s).add_team.fn(s, _form(team_name="Gamma", area_id="1")),
        delivered=lambda s, w, _: "team" in s.confirmation.lower(),
    ),
    "TeamState.load": Row(
        allowed=SEES_ALPHA,
        params=lambda w: {"team_id": str(w.team_id)},
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w, _: s.team_name == "Alpha" and len(s.managers) == 1,
    ),
    "TeamState.open_new_round": Row(
        writes=("assessment_round", "survey_code"),
        allowed={"manager"},
        prepare=lambda s, w: (
            close_round(_manager(w), w.round_id),
            setattr(s, "team_id_shown", w.team_id),
            setattr(s, "staff_count_text", "8"),
        ),
        call=lambda s, w: type(s).open_new_round.fn(s),
        delivered=lambda s, w, _: s.has_open_round and s.codes_sent == 8,
    ),
    "TeamState.withdraw_codes": Row(
        writes=("survey_code",),
        allowed={"manager"},
        prepare=lambda s, w: (
            close_round(_manager(w), w.round_id),
            responding.open_round(_manager(w), w.team_id, access_mode="codes", staff_count=8),
            setattr(s, "rounds", team_view(_manager(w), w.team_id).rounds),
            setattr(s, "team_id_shown", w.team_id),
        ),
        call=lambda s, w: type(s).withdraw_codes.fn(s),
        delivered=lambda s, w, _: s.error.startswith("8 unused codes no longer work"),
    ),
    "TeamState.make_more_codes": Row(
        writes=("survey_code",),
        allowed={"manager"},
        prepare=lambda s, w: (
            close_round(_manager(w), w.round_id),
            responding.withdraw_unused_codes(
                _manager(w),
                responding.open_round(
                    _manager(w), w.team_id, access_mode="codes", staff_count=8
                ).round.id,
            ),
            setattr(s, "rounds", team_view(_manager(w), w.team_id).rounds),
            setattr(s, "team_id_shown", w.team_id),
            setattr(s, "more_codes_text", "1"),
        ),
        call=lambda s, w: type(s).make_more_codes.fn(s),
        delivered=lambda s, w, _: s.codes_sent == 1,
    ),
    "TeamState.close_current_round": Row(
        writes=("assessment_round", "submission_receipt"),
        allowed={"manager"},
        prepare=lambda s, w: (
            setattr(s, "rounds", [_last_open_round_summary(w)]),
            setattr(s, "team_id_shown", w.team_id),
        ),
        call=lambda s, w: type(s).close_current_round.fn(s),
        delivered=lambda s, w, _: not s.has_open_round and s.denied == "",
    ),
    "TeamState.check_again": Row(
        allowed=SEES_ALPHA,
        prepare=lambda s, w: setattr(s, "team_id_shown", w.team_id),
        call=lambda s, w: type(s).check_again.fn(s),
        delivered=lambda s, w, _: s.team_name == "Alpha" and s.responses_so_far.startswith("5 "),
    ),
    "TeamState.assign_manager": Row(
        writes=("team_manager",),
        allowed={"administrator"},
        prepare=lambda s, w: (
            setattr(s, "team_id_shown", w.team_id),
            setattr(s, "chosen_manager", str(w.user_ids["other manager"])),
        ),
        call=lambda s, w: type(s).assign_manager.fn(s),
        delivered=lambda s, w, _: len(s.assigned_managers) == 2,
    ),
    "TeamState.unassign_manager": Row(
        writes=("team_manager",),
        allowed={"administrator"},
        prepare=lambda s, w: setattr(s, "team_id_shown", w.team_id),
        call=lambda s, w: type(s).unassign_manager.fn(s, w.user_ids["manager"]),
        delivered=lambda s, w, _: s.confirmation.startswith("Saved") and s.managers == [],
    ),
    "TeamState.save_staff_count": Row(
        writes=("team",),
        allowed={"administrator", "manager"},
        prepare=lambda s, w: (
            setattr(s, "team_id_shown", w.team_id),
            setattr(s, "team_staff_text", "11"),
        ),
        call=lambda s, w: type(s).save_staff_count.fn(s),
        delivered=lambda s, w, _: s.team_staff_count == 11 and s.confirmation.startswith("Saved"),
    ),
    "PeriodsState.load": Row(
        allowed=OPENS_PERIODS,
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w, _: s.view is not None and len(s.view.areas) == 1,
    ),
    "PeriodsState.open_period": Row(
        # Alpha's open round joins the period; Beta has no number of staff, so no new round.
        writes=("assessment_period", "assessment_period_area", "assessment_round"),
        allowed=OPENS_PERIODS,
        call=lambda s, w: type(s).open_period.fn(s, _new_period_form()),
        delivered=lambda s, w, _: s.opened_period_id > 0 and len(s.opened_notes) == 2,
    ),
    "PeriodSheetState.load": Row(
        allowed=OPENS_PERIODS,
        params=lambda w: {"period_id": "1"},  # the first period of the world, opened below
        prepare=lambda s, w: _open_a_period(w),
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w, _: (
            s.loaded
            and [t.name for t in s.areas[0].teams] == ["Alpha", "Beta"]
            and "/r/" in s.areas[0].teams[0].link
        ),  # fmt: skip
    ),
    "ResultsState.load": Row(
        allowed=SEES_ALPHA_RESULTS,
        params=_round_params,
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w, _: s.view is not None and s.view.disclosed,
    ),
    "ResultsState.download": _download_row(
        "ResultsState.download", SEES_ALPHA_RESULTS, _round_params
    ),
    "AreaState.load": Row(
        allowed=SEES_AREAS,
        params=_area_params,
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w, _: s.view is not None and s.view.area_name == "North",
    ),
    "AreaState.download": _download_row("AreaState.download", SEES_AREAS, _area_params),
    # The county dashboard and its drill-down: leaders and the innovation team, in the world's
    # assessment period (opened by `prepare`; Alpha's round with its 5 responses joins it).
    "CountyState.load": Row(
        allowed=SEES_AREAS,
        prepare=lambda s, w: _open_a_period(w),
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w, _: (
            s.view is not None and s.view.period_name == "Spring" and s.view.responses == 5
        ),
    ),
    "CountyState.choose_period": Row(
        allowed=SEES_AREAS,
        prepare=lambda s, w: _open_a_period(w),
        call=lambda s, w: type(s).choose_period.fn(s, "1"),
        delivered=lambda s, w, _: s.view is not None and s.view.period_id == 1,
    ),
    "CountyState.choose_order": Row(
        allowed=SEES_AREAS,
        prepare=lambda s, w: _open_a_period(w),
        call=lambda s, w: type(s).choose_order.fn(s, "strategic_clarity"),
        delivered=lambda s, w, _: s.view is not None and s.view.order_by == "strategic_clarity",
    ),
    "CountyState.apply_filter": Row(
        allowed=SEES_AREAS,
        prepare=lambda s, w: _open_a_period(w),
        call=lambda s, w: type(s).apply_filter.fn(s, _form(**{f"area_{w.area_id}": "on"})),
        delivered=lambda s, w, _: s.view is not None and s.view.selected_area_ids == [w.area_id],
    ),
    "CountyState.clear_filter": Row(
        allowed=SEES_AREAS,
        prepare=lambda s, w: _open_a_period(w),
        call=lambda s, w: type(s).clear_filter.fn(s),
        delivered=lambda s, w, _: s.view is not None and s.view.period_name == "Spring",
    ),
    "CountyAreaState.load": Row(
        allowed=SEES_AREAS,
        params=_area_params,
        prepare=lambda s, w: _open_a_period(w),
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w, _: (
            s.view is not None and s.view.area_name == "North" and len(s.view.teams) == 2
        ),
    ),
    "CountyAreaState.choose_order": Row(
        allowed=SEES_AREAS,
        params=_area_params,
        prepare=lambda s, w: _open_a_period(w),
        call=lambda s, w: type(s).choose_order.fn(s, "strategic_clarity"),
        delivered=lambda s, w, _: (
            s.view is not None and s.view.order_by == "strategic_clarity" and len(s.view.teams) == 2
        ),
    ),
    "CountyState.download": _county_download_row("CountyState.download", lambda w: {}),
    "CountyAreaState.download": _county_download_row("CountyAreaState.download", _area_params),
    "AccountState.load": Row(
        allowed=EVERYONE,
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w, _: s.person_name != "",
    ),
    "AccountState.change_password": Row(
        writes=("user_account",),
        allowed=EVERYONE,
        call=lambda s, w: type(s).change_password.fn(
            s,
            _form(
                current_password=PASSWORD,
                new_password="a brand new password",
                new_password_again="a brand new password",
            ),
        ),
        delivered=lambda s, w, _: s.confirmation != "",
    ),
    "PeopleState.load": Row(
        allowed={"administrator"},
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w, _: len(s.people) > 0,
    ),
    "PeopleState.invite": Row(
        writes=("invitation", "user_account"),
        allowed={"administrator"},
        call=lambda s, w: type(s).invite.fn(
            s, _form(email="new@test.example", name="New Person", role="leader")
        ),
        delivered=lambda s, w, outcomes: s.link_shown and _link_sent(outcomes),
    ),
    "PeopleState.make_link": Row(
        writes=("invitation",),
        allowed={"administrator"},
        call=lambda s, w: type(s).make_link.fn(s, w.user_ids["leader"]),
        delivered=lambda s, w, outcomes: (
            s.link_shown and _link_sent(outcomes) and "Password reset" in s.link_label
        ),
    ),
    "PeopleState.deactivate": Row(
        writes=("user_account",),
        allowed={"administrator"},
        prepare=lambda s, w: setattr(s, "deactivating_id", w.user_ids["facilitator"]),
        page_flags=frozenset({"deactivating_id"}),  # the dialog closes, whoever asked
        call=lambda s, w: type(s).deactivate.fn(s),
        delivered=lambda s, w, _: (
            s.message == ""
            and [person.active for person in s.people if person.id == w.user_ids["facilitator"]]
            == [False]
        ),
    ),
    "PeopleState.reactivate": Row(
        writes=("user_account",),
        allowed={"administrator"},
        prepare=lambda s, w: _deactivated_person(w),
        call=lambda s, w: type(s).reactivate.fn(s, _prepared["deactivated"]),
        delivered=lambda s, w, _: (
            s.message == ""
            and [person.active for person in s.people if person.id == _prepared["deactivated"]]
            == [True]
        ),
    ),
    "PeopleState.save_teams": Row(
        writes=("team_manager",),
        allowed={"administrator"},
        prepare=lambda s, w: (
            setattr(s, "editing_id", w.user_ids["manager"]),
            setattr(s, "editing_name", "Alpha's manager"),
        ),
        call=lambda s, w: type(s).save_teams.fn(
            s, {f"team_{w.team_id}": True, f"team_{w.other_team_id}": True}
        ),
        delivered=lambda s, w, _: s.confirmation.startswith("Saved"),
    ),
    "SettingsState.load": Row(
        allowed={"administrator"},
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w, _: s.threshold == 6,
    ),
    "SettingsState.save": Row(
        writes=("organisation",),
        allowed={"administrator"},
        call=lambda s, w: type(s).save.fn(s, _form(threshold="7")),
        delivered=lambda s, w, _: s.confirmation != "",
    ),
    "SettingsState.save_time_zone": Row(
        writes=("organisation",),
        allowed={"administrator"},
        call=lambda s, w: type(s).save_time_zone.fn(s, _form(time_zone="Europe/Paris")),
        delivered=lambda s, w, _: s.time_zone == "Europe/Paris" and s.confirmation != "",
    ),
    "AuditState.load": Row(
        allowed={"administrator"},
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w, _: len(s.events) > 0,
    ),
    "ImportState.load": Row(
        allowed={"administrator"},
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w, _: s.max_rows > 0,
    ),
    "ImportState.check_file": Row(
        page_flags=frozenset({"file_name"}),
        allowed={"administrator"},
        call=lambda s, w: type(s).check_file.fn(s, [_upload(IMPORT_CSV)]),
        delivered=lambda s, w, _: len(s.lines) > 0,
    ),
    "ImportState.refuse_file": Row(
        page_flags=frozenset({"file_name"}),
        allowed={"administrator"},
        call=lambda s, w: type(s).refuse_file.fn(s, ["teams.xlsx"], ["file-invalid-type"]),
        delivered=lambda s, w, _: len(s.problems) > 0,
    ),
    "ImportState.import_file": Row(
        writes=("area", "team"),
        allowed={"administrator"},
        prepare=lambda s, w: setattr(
            s, "_file", TeamFile("teams.csv", "text/csv", IMPORT_CSV.encode())
        ),
        call=lambda s, w: type(s).import_file.fn(s),
        delivered=lambda s, w, _: s.confirmation.startswith("Imported"),
    ),
    "TargetsState.load": Row(
        allowed=SEES_ALPHA,
        prepare=lambda s, w: _at_address(s, f"/targets?scope=team:{w.team_id}"),
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w, _: s.view is not None and s.view.scope_name == "Alpha (North)",
    ),
    "TargetsState.choose_scope": Row(
        allowed=SEES_ALPHA,
        call=lambda s, w: type(s).choose_scope.fn(s, f"team:{w.team_id}"),
        delivered=lambda s, w, _: s.view is not None and s.view.scope_name == "Alpha (North)",
    ),
    "TargetsState.save": Row(
        writes=("condition_target",),
        allowed={"innovation"},
        prepare=lambda s, w: setattr(s, "view", _targets_of_north(w)),
        call=lambda s, w: type(s).save.fn(s, _form(target_strategic_clarity="2")),
        delivered=lambda s, w, _: s.confirmation.startswith("Targets saved"),
    ),
    "PlanState.load": Row(
        page_flags=frozenset({"form_version"}),
        allowed=SEES_ALPHA_PLAN,
        params=_team_params,
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w, _: s.view is not None and s.view.heading == "Action plan: Alpha",
    ),
    "PlanState.save_action": Row(
        writes=("plan_action",),
        prepare=lambda s, w: _as_loaded(s),  # the form is sent from the loaded page
        allowed=PLANS_FOR_ALPHA,
        params=_team_params,
        call=lambda s, w: type(s).save_action.fn(
            s,
            _form(
                title="Hands-on sessions",
                owner="Sam",
                condition_strategic_clarity="on",
                timescale="three_months",
            ),
        ),  # fmt: skip
        delivered=lambda s, w, _: (
            s.saved.startswith("Saved")
            and s.view is not None
            and [a.title for a in s.view.actions] == ["Hands-on sessions"]
        ),
    ),
    "PlanState.save_status": Row(
        writes=("plan_action",),
        allowed=PLANS_FOR_ALPHA,
        params=_team_params,
        prepare=lambda s, w: _alpha_action(w),
        call=lambda s, w: type(s).save_status.fn(
            s, _form(action_id=str(_prepared["alpha action"]), status="in_progress")
        ),
        delivered=lambda s, w, _: _alpha_action_status() == "in_progress",
    ),
    "PlanState.download": _download_row("PlanState.download", SEES_ALPHA_PLAN, _team_params),
    "RecommendationsState.ask_area_plan": Row(
        writes=("plan_request",),
        allowed=PLANS_FOR_ALPHA,
        params=_team_params,
        call=lambda s, w: type(s).ask_area_plan.fn(s, "business_case"),
        delivered=lambda s, w, _: s.asked.startswith("Asked") and not s.ask_failed,
    ),
    "RecommendationsState.load": Row(
        allowed=SEES_ALPHA_RESULTS,
        params=lambda w: {"team_id": str(w.team_id)},
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w, _: (
            s.view is not None and s.view.name == "Alpha" and s.view.disclosed
        ),
    ),
    "PlanState.save_notes": Row(
        writes=("plan_action",),
        allowed=PLANS_FOR_ALPHA,
        params=_team_params,
        prepare=lambda s, w: _alpha_action(w),
        call=lambda s, w: type(s).save_notes.fn(
            s, _form(action_id=str(_prepared["alpha action"]), notes="Kit arrives Monday")
        ),
        delivered=lambda s, w, _: (
            s.notes_saved
            and s.view is not None
            and [a.notes for a in s.view.actions] == ["Kit arrives Monday"]
        ),
    ),
    "WorkshopOverviewState.load": Row(
        allowed=READS_THE_WORKSHOP,
        params=lambda w: {"workshop_id": str(w.workshop_id)},
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w, _: s.workshop_title == "Carers' voices" and s.revision > 0,
    ),
    "WorkshopsState.load": Row(
        allowed=READS_THE_WORKSHOP | {"other facilitator"},
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w, _: s.view is not None and len(s.view.rows) > 0,
    ),
    "WorkshopsState.create": Row(
        writes=("workshop", "workshop_day", "workshop_perspective", "workshop_facilitator"),
        allowed=ARRANGES_WORKSHOPS,
        call=lambda s, w: type(s).create.fn(s, _new_workshop_form(w)),
        delivered=lambda s, w, outcomes: (
            s.form_message == ""
            and any(
                str((_event(o, "_redirect") or {}).get("path", "")).startswith("/workshops/")
                for o in outcomes
            )
        ),  # fmt: skip
    ),
    "WorkshopOverviewState.save_preparation": Row(
        writes=("workshop",),
        allowed=PREPARES_THE_WORKSHOP,
        prepare=_showing_the_workshop,
        call=lambda s, w: type(s).save_preparation.fn(s, _preparation_form(place="Library")),
        delivered=lambda s, w, _: s.view is not None and s.view.place == "Library",
    ),
    "WorkshopOverviewState.save_facilitators": Row(
        writes=("workshop", "workshop_facilitator"),
        allowed=ARRANGES_WORKSHOPS,
        prepare=_showing_the_workshop,
        call=lambda s, w: type(s).save_facilitators.fn(
            s, {f"facilitator_{w.user_ids['other facilitator']}": "on"}
        ),
        delivered=lambda s, w, _: s.confirmation == "The facilitators are saved.",
    ),
    "WorkshopOverviewState.move_stage": Row(
        writes=("workshop",),
        allowed=PREPARES_THE_WORKSHOP,
        prepare=_showing_the_workshop,
        call=lambda s, w: type(s).move_stage.fn(s, {"stage": "collect"}),
        delivered=lambda s, w, _: "Collect" in s.confirmation,
    ),
    "WorkshopOverviewState.check_for_changes": Row(
        allowed=READS_THE_WORKSHOP,
        prepare=lambda s, w: (
            _someone_else_changed(w.workshop_id),
            setattr(s, "workshop_id_shown", w.workshop_id),
            setattr(s, "revision", 1),
        ),
        call=lambda s, w: type(s).check_for_changes.fn(s),
        delivered=lambda s, w, _: s.workshop_title == "Carers' voices" and s.live_update != "",
    ),
}


# ---- a workshop's collection and theme board (ui/pages/workshop_collect.py, workshop_board.py)

RUNS_THE_WORKSHOP = {"facilitator"}
ENTRIES_CSV = "kind,entry,channel\nworking well,Kind staff,paper\nfuture,A break,online\n"
WORKSHOP_WRITES = ("workshop", "workshop_entry")  # every write raises the revision
BOARD_WRITES = ("workshop", "workshop_entry", "workshop_theme")


def _workshop_params(world: World) -> dict[str, str]:
    return {"workshop_id": str(world.workshop_id)}


def _on_board(state, world: World, *themes: int, ticked: int = 0) -> None:
    """Entries typed by the workshop's facilitator (three of what is not working well); the
    first `sum(themes)` made into themes of that many each; the page loaded as this person
    and `ticked` of the remaining entries ticked. Ids in _prepared."""
    from culturetool.services import workshop_board as board

    runner = accounts.actor_for_session(world.tokens["facilitator"])
    entries = [
        board.add_entry(runner, world.workshop_id, "not_working_well", "paper", None, text)
        for text in ("Waiting", "Forms", "Phones")
    ]
    start = 0
    for number, size in enumerate(themes):
        made = board.make_theme(runner, world.workshop_id, entries[start : start + size], {})
        _prepared[f"theme {number}"] = made.theme_id
        start += size
    _prepared["entries"] = entries  # type: ignore[assignment]
    _workshop_loaded(state, world)
    if ticked:
        state.selected = entries[:ticked] if not themes else entries[start - ticked : start]


def _workshop_loaded(state, world: World) -> None:
    """The page as this person's browser holds it once opened, on the workshop (whose id a
    refused person's page would not have: the services must refuse them all the same)."""
    _as_loaded(state)
    state.workshop_id_shown = world.workshop_id


def _entries_upload() -> rx.UploadFile:
    return rx.UploadFile(
        file=io.BytesIO(ENTRIES_CSV.encode()),
        path=Path("entries.csv"),
        headers=Headers({"content-type": "text/csv"}),
    )


def _workshop_page_rows(state: str, loaded: Callable[[object], bool]) -> dict[str, Row]:
    """load and the live check of a workshop page, for everyone who reads the workshop."""
    return {
        f"{state}.load": Row(
            allowed=READS_THE_WORKSHOP,
            params=_workshop_params,
            call=lambda s, w: type(s).load.fn(s),
            delivered=lambda s, w, _: loaded(s),
        ),
        f"{state}.check_for_changes": Row(
            allowed=READS_THE_WORKSHOP,
            prepare=lambda s, w: (
                _someone_else_changed(w.workshop_id),
                setattr(s, "workshop_id_shown", w.workshop_id),
                setattr(s, "revision", 1),
            ),
            call=lambda s, w: type(s).check_for_changes.fn(s),
            delivered=lambda s, w, _: loaded(s) and s.live_update != "",
        ),
    }


def _board_row(call, done: str, prepare, writes=BOARD_WRITES, **more) -> Row:
    return Row(
        writes=writes,
        allowed=RUNS_THE_WORKSHOP,
        params=_workshop_params,
        prepare=prepare,
        call=call,
        delivered=lambda s, w, _: s.message == "" and s.done.startswith(done),
        **more,
    )


MATRIX.update(
    {
        **_workshop_page_rows(
            "CollectState", lambda s: s.view is not None and s.view.title == "Carers' voices"
        ),
        **_workshop_page_rows(
            "BoardState", lambda s: s.view is not None and s.view.title == "Carers' voices"
        ),
        "CollectState.add_entry": Row(
            writes=WORKSHOP_WRITES,
            allowed=RUNS_THE_WORKSHOP,
            params=_workshop_params,
            prepare=lambda s, w: _workshop_loaded(s, w),
            call=lambda s, w: type(s).add_entry.fn(
                s, _form(kind="working_well", channel="paper", perspective="carers", text="Kind")
            ),
            delivered=lambda s, w, _: s.saved == "Entry saved." and s.total == 1,
        ),
        "CollectState.add_pasted": Row(
            writes=WORKSHOP_WRITES,
            allowed=RUNS_THE_WORKSHOP,
            params=_workshop_params,
            prepare=lambda s, w: _workshop_loaded(s, w),
            call=lambda s, w: type(s).add_pasted.fn(
                s, _form(kind="future", channel="online", perspective="", text="A break\nTea")
            ),
            delivered=lambda s, w, _: s.saved == "2 entries saved." and s.total == 2,
        ),
        "CollectState.check_file": Row(
            allowed=RUNS_THE_WORKSHOP,
            params=_workshop_params,
            prepare=lambda s, w: _workshop_loaded(s, w),
            call=lambda s, w: type(s).check_file.fn(s, [_entries_upload()]),
            delivered=lambda s, w, _: s.ready_to_save == 2 and len(s.report_rows) == 2,
        ),
        "CollectState.refuse_file": Row(
            allowed=RUNS_THE_WORKSHOP,
            params=_workshop_params,
            prepare=lambda s, w: _workshop_loaded(s, w),
            call=lambda s, w: type(s).refuse_file.fn(s, ["notes.pdf"], ["file-invalid-type"]),
            delivered=lambda s, w, _: len(s.problems) == 1 and "notes.pdf" in s.problems[0],
        ),
        "CollectState.import_file": Row(
            writes=WORKSHOP_WRITES,
            allowed=RUNS_THE_WORKSHOP,
            params=_workshop_params,
            prepare=lambda s, w: (
                _workshop_loaded(s, w),
                setattr(s, "_file_name", "entries.csv"),
                setattr(s, "_file", ENTRIES_CSV.encode()),
            ),
            call=lambda s, w: type(s).import_file.fn(s),
            delivered=lambda s, w, _: s.saved.startswith("2 entries saved") and s.total == 2,
        ),
        "CollectState.redact": Row(
            writes=WORKSHOP_WRITES,
            allowed=RUNS_THE_WORKSHOP,
            params=_workshop_params,
            prepare=lambda s, w: _on_board(s, w),
            call=lambda s, w: type(s).redact.fn(
                s, _form(entry_id=str(_prepared["entries"][0]), text="[name] kept me waiting")
            ),
            delivered=lambda s, w, _: s.saved.startswith("Entry redacted"),
        ),
        "BoardState.make_theme": _board_row(
            lambda s, w: type(s).make_theme.fn(s),
            "Theme made with 2 entries",
            prepare=lambda s, w: _on_board(s, w, ticked=2),
        ),
        "BoardState.add_to_theme": _board_row(
            lambda s, w: type(s).add_to_theme.fn(s, _form(theme_id=str(_prepared["theme 0"]))),
            "1 entry now in the theme",
            prepare=lambda s, w: (
                _on_board(s, w, 1),
                setattr(s, "selected", [_prepared["entries"][2]]),
            ),
        ),
        "BoardState.take_out": _board_row(
            lambda s, w: type(s).take_out.fn(s),
            "1 entry taken out",
            prepare=lambda s, w: _on_board(s, w, 2, ticked=1),
        ),
        "BoardState.split_theme": _board_row(
            lambda s, w: type(s).split_theme.fn(s, _prepared["theme 0"]),
            "1 entry split off",
            prepare=lambda s, w: _on_board(s, w, 2, ticked=1),
        ),
        "BoardState.merge_themes": _board_row(
            lambda s, w: type(s).merge_themes.fn(
                s, _form(theme_id=str(_prepared["theme 0"]), other_id=str(_prepared["theme 1"]))
            ),
            "Themes merged",
            prepare=lambda s, w: _on_board(s, w, 1, 1),
        ),
        "BoardState.save_statement": _board_row(
            lambda s, w: type(s).save_statement.fn(
                s, _form(theme_id=str(_prepared["theme 0"]), statement="I want answers")
            ),
            "Statement saved",
            writes=("workshop", "workshop_theme"),
            prepare=lambda s, w: _on_board(s, w, 1),
        ),
        "BoardState.save_conditions": _board_row(
            lambda s, w: type(s).save_conditions.fn(
                s, {"theme_id": str(_prepared["theme 0"]), "condition_strategic_clarity": "on"}
            ),
            "Theme tagged with 1 condition",
            writes=("workshop", "workshop_theme"),
            prepare=lambda s, w: _on_board(s, w, 1),
        ),
        "BoardState.delete_theme": _board_row(
            lambda s, w: type(s).delete_theme.fn(s),
            "Theme deleted",
            prepare=lambda s, w: (
                _on_board(s, w, 1),
                setattr(s, "deleting_theme", _prepared["theme 0"]),
            ),
            page_flags=frozenset({"deleting_theme"}),  # the dialog closes, whoever asked
        ),
    }
)


# ---- a workshop's understand and plan pages (ui/pages/workshop_understand.py, workshop_plan.py)


def _outcomes_ready(
    state, world: World, voting: str = "not_open", chosen: bool = False, on_ballot: bool = True
) -> None:
    """Two themes of what is not working well on the workshop's board, each with an entry (on
    the ballot unless told); voting as given; both chosen to address if `chosen`; a root
    cause, a success statement, an action, a parked issue and an unthemed entry to change. The
    page loaded as this person. Ids in _prepared."""
    from culturetool.store.tables import (
        PlanAction,
        WorkshopEntry,
        WorkshopParkedIssue,
        WorkshopRootCause,
        WorkshopSuccess,
        WorkshopTheme,
    )

    with db.transaction() as session:
        themes = [
            WorkshopTheme(workshop_id=world.workshop_id, kind="not_working_well",
                          statement=statement, on_ballot=on_ballot, chosen=chosen)
            for statement in ("I wait too long", "We fill in forms twice")
        ]  # fmt: skip
        session.add_all(themes)
        session.flush()
        session.add_all(
            WorkshopEntry(workshop_id=world.workshop_id, kind="not_working_well",
                          channel="paper", text=theme.statement, theme_id=theme.id)
            for theme in themes
        )  # fmt: skip
        loose = WorkshopEntry(
            workshop_id=world.workshop_id, kind="future", channel="paper", text="A café"
        )
        cause = WorkshopRootCause(theme_id=themes[0].id, text="Too few staff")
        success = WorkshopSuccess(theme_id=themes[0].id, perspective="carers", text="I am heard")
        parked = WorkshopParkedIssue(workshop_id=world.workshop_id, issue="Parking", owner="Sam")
        action = PlanAction(
            organisation_id=session.scalar(
                sa.text("select organisation_id from area where id = :id"), {"id": world.area_id}
            ),
            area_id=world.area_id, title="Call back in two days",
            owner="Duty manager", timescale="first_week", due_on=datetime.date(2026, 3, 19),
            workshop_id=world.workshop_id, workshop_theme_id=themes[0].id, viewpoint="radical",
        )  # fmt: skip
        session.add_all([loose, cause, success, parked, action])
        session.execute(
            sa.text("update workshop set voting = :voting where id = :id"),
            {"voting": voting, "id": world.workshop_id},
        )
        session.flush()
        _prepared.update(
            {"theme 0": themes[0].id, "theme 1": themes[1].id, "root cause": cause.id,
             "success": success.id, "parked": parked.id, "action": action.id,
             "loose entry": loose.id}
        )  # fmt: skip
    _workshop_loaded(state, world)


def _outcome_row(call, done: str, writes: tuple[str, ...], **ready) -> Row:
    return Row(
        writes=("workshop", *writes),
        allowed=RUNS_THE_WORKSHOP,
        params=_workshop_params,
        prepare=lambda s, w: _outcomes_ready(s, w, **ready),
        call=call,
        delivered=lambda s, w, _: s.message == "" and s.saved.startswith(done),
    )


def _theme_form(**fields: str) -> dict[str, str]:
    return {"theme_id": str(_prepared["theme 0"]), **fields}


MATRIX.update(
    {
        **_workshop_page_rows("UnderstandState", lambda s: s.view is not None),
        **_workshop_page_rows("WorkshopPlanState", lambda s: s.view is not None),
        "UnderstandState.add_root_cause": _outcome_row(
            lambda s, w: type(s).add_root_cause.fn(s, _theme_form(text="No cover at weekends")),
            "Root cause added",
            ("workshop_root_cause",),
        ),  # fmt: skip
        "UnderstandState.edit_root_cause": _outcome_row(
            lambda s, w: type(s).edit_root_cause.fn(
                s, _form(root_cause_id=str(_prepared["root cause"]), text="Too few carers")
            ),
            "Root cause saved",
            ("workshop_root_cause",),
        ),  # fmt: skip
        "UnderstandState.remove_root_cause": _outcome_row(
            lambda s, w: type(s).remove_root_cause.fn(s, _prepared["root cause"]),
            "Root cause removed",
            ("workshop_root_cause",),
        ),  # fmt: skip
        "UnderstandState.save_ballot": _outcome_row(
            lambda s, w: type(s).save_ballot.fn(
                s, {f"ballot_{_prepared['theme 0']}": "on", f"ballot_{_prepared['theme 1']}": "on"}
            ),
            "The ballot is saved",
            ("workshop_theme",),
            on_ballot=False,
        ),  # fmt: skip
        "UnderstandState.open_voting": _outcome_row(
            lambda s, w: type(s).open_voting.fn(s), "Voting is open", ()
        ),
        "UnderstandState.close_voting": _outcome_row(
            lambda s, w: type(s).close_voting.fn(s), "Voting has closed", (), voting="open"
        ),
        "UnderstandState.record_table_votes": _outcome_row(
            lambda s, w: type(s).record_table_votes.fn(
                s, _form(table="Table 2", people="2", **{f"votes_{_prepared['theme 0']}": "4"})
            ),
            "Votes recorded for Table 2",
            ("workshop_table_vote",),
            voting="open",
        ),  # fmt: skip
        "UnderstandState.choose_themes": _outcome_row(
            lambda s, w: type(s).choose_themes.fn(s, {f"chosen_{_prepared['theme 1']}": "on"}),
            "The themes to address are saved",
            ("workshop_theme",),
            voting="closed",
        ),  # fmt: skip
        "WorkshopPlanState.add_success": _outcome_row(
            lambda s, w: type(s).add_success.fn(
                s, _theme_form(perspective="staff", text="We have time to listen")
            ),
            "Success statement added",
            ("workshop_success",),
            chosen=True,
        ),  # fmt: skip
        "WorkshopPlanState.remove_success": _outcome_row(
            lambda s, w: type(s).remove_success.fn(s, _prepared["success"]),
            "Success statement removed",
            ("workshop_success",),
            chosen=True,
        ),  # fmt: skip
        "WorkshopPlanState.save_already_happening": _outcome_row(
            lambda s, w: type(s).save_already_happening.fn(
                s, _form(already_happening="A carers' hub pilot")
            ),
            "Saved what is already happening",
            (),
        ),  # fmt: skip
        "WorkshopPlanState.add_action": _outcome_row(
            lambda s, w: type(s).add_action.fn(
                s,
                _theme_form(
                    title="A duty line",
                    owner="Sam",
                    viewpoint="community",
                    timescale="three_months",
                ),
            ),
            "Action added",
            ("plan_action",),
            chosen=True,
        ),  # fmt: skip
        "WorkshopPlanState.save_review_notes": _outcome_row(
            lambda s, w: type(s).save_review_notes.fn(
                s, _form(action_id=str(_prepared["action"]), notes="Met for most calls")
            ),
            "Review notes saved",
            ("plan_action",),
            chosen=True,
        ),  # fmt: skip
        "WorkshopPlanState.park_issue": _outcome_row(
            lambda s, w: type(s).park_issue.fn(s, _form(issue="Bus routes", owner="Transport")),
            "Issue added to the parking board",
            ("workshop_parked_issue",),
        ),  # fmt: skip
        "WorkshopPlanState.save_parked_status": _outcome_row(
            lambda s, w: type(s).save_parked_status.fn(
                s, _form(parked_id=str(_prepared["parked"]), status="done")
            ),
            "Status saved",
            ("workshop_parked_issue",),
        ),  # fmt: skip
        "WorkshopPlanState.mark_follow_up": _outcome_row(
            lambda s, w: type(s).mark_follow_up.fn(s, _prepared["loose entry"], True),
            "Marked for a follow-up session",
            ("workshop_entry",),
            chosen=True,
        ),  # fmt: skip
    }
)


# ---- a workshop's summary (ui/pages/workshop_summary.py) --------------------------------------

SUMMARY_FORMATS = ("pdf", "csv", "xlsx")


def _summary_downloaded(state, world: World, outcomes) -> bool:
    return len(outcomes) == len(SUMMARY_FORMATS) and all(
        _is_download(outcome, kind) for outcome, kind in zip(outcomes, SUMMARY_FORMATS, strict=True)
    )


MATRIX.update(
    {
        **_workshop_page_rows(
            "WorkshopSummaryState",
            lambda s: any(section.heading == "About this workshop" for section in s.sections),
        ),
        "WorkshopSummaryState.download": Row(
            allowed=READS_THE_WORKSHOP,
            params=_workshop_params,
            prepare=lambda s, w: _workshop_loaded(s, w),
            call=lambda s, w: [type(s).download.fn(s, kind) for kind in SUMMARY_FORMATS],
            delivered=_summary_downloaded,
        ),
    }
)


# ---- a workshop's public links (ui/workshop_links.py) ----------------------------------------

LINK_WRITES = ("workshop", "workshop_link")
# Readers of the workshop and other roles without RUN_WORKSHOPS: the panel loads nothing.
NO_LINK_PANEL = frozenset({"administrator", "leader", "innovation", "manager", "other manager"})


def _link_made(state, world: World, purpose: str) -> None:
    """The workshop's facilitator has made its link of this purpose; the panel shows it."""
    from culturetool.services import workshop_links

    runner = accounts.actor_for_session(world.tokens["facilitator"])
    made = workshop_links.make_link(runner, world.workshop_id, purpose, datetime.date.today())
    _prepared[f"{purpose} link"] = made.token  # type: ignore[assignment]
    state.workshop_id_shown = world.workshop_id
    state.has_link = True


def _link_rows(state: str, purpose: str) -> dict[str, Row]:
    form = _form(
        last_day=(datetime.date.today() + datetime.timedelta(days=3)).isoformat(), most="40"
    )
    return {
        f"{state}.load": Row(
            allowed=RUNS_THE_WORKSHOP,
            params=_workshop_params,
            prepare=lambda s, w: (_link_made(s, w, purpose), setattr(s, "workshop_id_shown", 0)),
            call=lambda s, w: type(s).load.fn(s),
            delivered=lambda s, w, _: (
                s.runs_workshop and s.address.endswith(str(_prepared[f"{purpose} link"]))
            ),
            shows_nothing_to=NO_LINK_PANEL,
            page_flags=frozenset({"has_link"}),
        ),
        f"{state}.refresh": Row(
            allowed=RUNS_THE_WORKSHOP,
            params=_workshop_params,
            prepare=lambda s, w: (
                _link_made(s, w, purpose),
                setattr(s, "workshop_id_shown", w.workshop_id),
                setattr(s, "runs_workshop", True),
                setattr(s, "revision_seen", 0),
            ),
            call=lambda s, w: type(s).refresh.fn(s),
            delivered=lambda s, w, _: s.address.endswith(str(_prepared[f"{purpose} link"])),
            page_flags=frozenset({"has_link"}),
        ),
        f"{state}.make": Row(
            writes=LINK_WRITES,
            allowed=RUNS_THE_WORKSHOP,
            params=_workshop_params,
            prepare=lambda s, w: setattr(s, "workshop_id_shown", w.workshop_id),
            call=lambda s, w: type(s).make.fn(s, form),
            delivered=lambda s, w, _: s.done == "The link is ready to share." and s.address != "",
        ),
        f"{state}.close": Row(
            writes=LINK_WRITES,
            allowed=RUNS_THE_WORKSHOP,
            params=_workshop_params,
            prepare=lambda s, w: _link_made(s, w, purpose),
            call=lambda s, w: type(s).close.fn(s),
            delivered=lambda s, w, _: s.done.startswith("The link is closed") and not s.has_link,
            page_flags=frozenset({"has_link"}),
        ),
    }


MATRIX.update(
    {
        **_link_rows("CollectionLinkState", "collect"),
        **_link_rows("VotingLinkState", "vote"),
    }
)


# ---- importing responses collected elsewhere (ui/pages/response_import.py) -------------------

RUNS_ALPHAS_ROUNDS = {"manager"}
RESPONSES_CSV = "Name,strategic_clarity_1,strategic_clarity_2\nAnn,Agree,4\nBo,Don't know,5\n"


def _responses_file(header: str = "strategic_clarity_1,strategic_clarity_2"):
    from culturetool.services.response_import import ResponseFile

    body = RESPONSES_CSV.split("\n", 1)[1].replace("Ann,", "").replace("Bo,", "")
    return ResponseFile("responses.csv", f"{header}\n{body}".encode())


def _responses_upload() -> rx.UploadFile:
    return rx.UploadFile(
        file=io.BytesIO(RESPONSES_CSV.encode()),
        path=Path("responses.csv"),
        headers=Headers({"content-type": "text/csv"}),
    )


class _AsBackgroundTaskSees:
    """A state as a background task holds it: its writes go inside `async with self` (here
    there is no lock to take)."""

    def __init__(self, state: rx.State) -> None:
        object.__setattr__(self, "_state", state)

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exception) -> None:
        return None

    def __getattr__(self, name: str):
        return getattr(self._state, name)

    def __setattr__(self, name: str, value) -> None:
        setattr(self._state, name, value)


def _import_ready(
    state, world: World, header: str = "strategic_clarity_1,strategic_clarity_2"
) -> None:
    from culturetool.services.response_import import preview_responses

    state.round_id_shown = world.round_id
    state._sheet = preview_responses(_manager(world), world.round_id, _responses_file(header)).sheet


MATRIX.update(
    {
        "ResponseImportState.load": Row(
            allowed=RUNS_ALPHAS_ROUNDS,
            params=_round_params,
            call=lambda s, w: type(s).load.fn(s),
            delivered=lambda s, w, _: s.team_name == "Alpha" and s.is_open and s.room == 55,
        ),
        "ResponseImportState.check_file": Row(
            page_flags=frozenset({"file_name"}),
            allowed=RUNS_ALPHAS_ROUNDS,
            prepare=lambda s, w: setattr(s, "round_id_shown", w.round_id),
            call=lambda s, w: type(s).check_file.fn(s, [_responses_upload()]),
            delivered=lambda s, w, _: s.ready == 2 and s.dropped_identity == 1,
        ),
        "ResponseImportState.refuse_file": Row(
            page_flags=frozenset({"file_name"}),
            allowed=RUNS_ALPHAS_ROUNDS,
            prepare=lambda s, w: setattr(s, "round_id_shown", w.round_id),
            call=lambda s, w: type(s).refuse_file.fn(s, ["answers.pdf"], ["file-invalid-type"]),
            delivered=lambda s, w, _: (
                len(s.problems) == 1 and "answers.pdf" in s.problems[0].problem
            ),
        ),
        "ResponseImportState.choose_column": Row(
            allowed=RUNS_ALPHAS_ROUNDS,
            prepare=lambda s, w: _import_ready(s, w, "Q-A,strategic_clarity_2"),
            call=lambda s, w: type(s).choose_column.fn(s, "0|strategic_clarity_1"),
            delivered=lambda s, w, _: s.ready == 2 and s.columns[0].how == "chosen by you",
        ),
        # The county report is made in a background task and handed over as a PDF.
        "CountyReportState.make_report": Row(
            allowed=SEES_AREAS,
            prepare=lambda s, w: _open_a_period(w),
            call=lambda s, w: type(s).make_report.fn(_AsBackgroundTaskSees(s), "0", "0"),
            delivered=lambda s, w, outcomes: (
                any(_is_download(o, "pdf") for o in outcomes) and s.done == s.total > 0
            ),
        ),
        "ResponseImportState.import_file": Row(
            writes=("response", "answer", "round_figure", "assessment_round", "import_column"),
            allowed=RUNS_ALPHAS_ROUNDS,
            prepare=_import_ready,
            call=lambda s, w: type(s).import_file.fn(_AsBackgroundTaskSees(s)),
            delivered=lambda s, w, _: (
                s.confirmation.startswith("Imported 2 responses") and s.done == s.total == 2
            ),
        ),
    }
)


def _as_loaded(state: rx.State) -> None:
    """The page as this person's browser holds it once opened (whatever they may see)."""
    type(state).load.fn(state)


def _at_address(state: rx.State, address: str) -> None:
    """As if the browser had opened this address (path and query string)."""
    root = state
    while root.parent_state is not None:
        root = root.parent_state
    path, _, query = address.partition("?")
    root.router = RouterData.from_router_data(
        {
            "pathname": path,
            "asPath": address,
            "query": dict(parse_qsl(query)),
            "headers": dict(root.router.headers.raw_headers),  # the same browser, still signed in
        }
    )


def _targets_of_north(world: World):
    """The area's targets as the page holds them once loaded (read as the innovation team)."""
    innovation = accounts.actor_for_session(world.tokens["innovation"])
    return targets_service.targets_view(innovation, "area", world.area_id)


def _manager(world: World):
    return accounts.actor_for_session(world.tokens["manager"])


def _state_class(name: str) -> type[rx.State]:
    return next(s for s in app_states() if s.__name__ == name.split(".")[0])


# Fields every page keeps about who is signed in: set by the guard, not by the handler.
WHO_IS_SIGNED_IN = {"person_name", "role_title", "is_admin", "denied"}


def _own_fields(state: rx.State) -> dict[str, object]:
    """The values of the fields the state's page declares (not the router, not the parent's)."""
    cls = type(state)
    return {
        name: copy.deepcopy(getattr(state, name))
        for name, f in cls.__fields__.items()
        if f._owner is cls and name != "router" and name not in WHO_IS_SIGNED_IN
    }


def _filled_fields(
    state: rx.State, before: dict[str, object], page_flags: frozenset[str]
) -> dict[str, object]:
    """Fields the call changed to something other than their empty default: data delivered."""
    fields = type(state).__fields__
    return {
        name: value
        for name, value in _own_fields(state).items()
        if name not in page_flags
        and value != before[name]
        and value != fields[name].default_value()
    }


def _changed_tables(before: dict[str, list], after: dict[str, list]) -> set[str]:
    return {name for name in after if after[name] != before[name]}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("handler", sorted(MATRIX))
def test_handler_as_role(handler: str, role: str, world: World, monkeypatch) -> None:
    row = MATRIX[handler]
    token = world.tokens.get(role, "")
    state = state_for(_state_class(handler), token, row.params(world))
    row.prepare(state, world)
    refusals: list[Forbidden] = []
    forbidden_init = Forbidden.__init__

    def recorded(refusal, *args):
        forbidden_init(refusal, *args)
        refusals.append(refusal)

    monkeypatch.setattr(Forbidden, "__init__", recorded)
    fields_before, before = _own_fields(state), fingerprint()
    outcome = row.call(state, world)
    if inspect.iscoroutine(outcome):  # an async handler, such as an upload
        outcome = run_to_end(outcome)
    outcomes = outcome if isinstance(outcome, list) else [outcome]
    changed = _changed_tables(before, fingerprint())

    if role in row.allowed:
        assert state.denied == "", f"{role} was refused {handler}: {state.denied}"
        assert row.delivered(state, world, outcomes), f"{role} should be able to use {handler}"
        assert set(row.writes) <= changed, f"{handler} stored nothing in {row.writes}"
        assert changed <= set(row.writes) | BOOKKEEPING, f"{handler} also changed {changed}"
        return

    assert not row.delivered(state, world, outcomes), f"{role} must get nothing from {handler}"
    assert not changed, f"{handler} changed {changed} for {role}, who is not allowed"
    filled = _filled_fields(state, fields_before, row.page_flags)
    assert not filled, f"{handler} filled {sorted(filled)} for {role}, who is not allowed"
    if role == "anonymous":
        assert all(_is_sign_in(outcome) for outcome in outcomes), "sent to sign in"
        assert state.denied == ""
    elif role in row.shows_nothing_to:
        assert outcomes == [None] and state.denied == "" and not refusals
    else:
        assert all(outcome is None for outcome in outcomes), f"{handler} returned {outcomes}"
        assert refusals, f"{handler} refused {role} without a Forbidden"
        assert state.denied == str(refusals[-1]) != ""


def test_a_session_that_has_ended_is_refused(world: World) -> None:
    accounts.sign_out(world.tokens["leader"])
    state = state_for(_state_class("ResultsState.load"), world.tokens["leader"],
                      {"round_id": str(world.round_id)})  # fmt: skip
    outcome = type(state).load.fn(state)
    assert state.view is None
    assert "sign-in" in str(outcome.args)
