"""Every event handler of the app, called on the server as every role.

The matrix below lists each handler that reads or writes data and who may use it. Allowed
calls must deliver (data loaded, or the change made); refused ones must deliver nothing and
leave the database exactly as it was. A handler missing from the matrix, or without a guard,
fails the suite.
"""

from __future__ import annotations

import inspect
import io
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

import culturetool.culturetool  # noqa: F401  (registers every page and state)
from culturetool.domain.access import Role
from culturetool.domain.team_import import TeamFile
from culturetool.services import accounts, responding
from culturetool.services import admin as admin_service
from culturetool.services import assessments as svc
from culturetool.services import targets as targets_service
from culturetool.store import db
from culturetool.store.migrate import upgrade
from culturetool.store.tables import Base
from culturetool.ui.scores import FILE_FORMATS
from culturetool.ui.session import PUBLIC, SIGNED_IN

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
}
REFLEX_BUILT_INS = {"setvar"}
ROLES = ["anonymous", "administrator", "leader", "innovation", "manager", "other manager",
         "facilitator"]  # fmt: skip


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
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)


def _build_world(model) -> World:
    svc.create_organisation("Matrix Council")
    admin = make_person(Role.ADMINISTRATOR, password=PASSWORD)
    area = svc.add_area(admin, "North")
    team_id = svc.add_team(admin, area, "Alpha")
    other_team_id = svc.add_team(admin, area, "Beta")
    people = {
        "administrator": admin,
        "leader": make_person(Role.LEADER, password=PASSWORD),
        "innovation": make_person(Role.INNOVATION, password=PASSWORD),
        "manager": make_person(Role.MANAGER, (team_id,), password=PASSWORD),
        "other manager": make_person(Role.MANAGER, (other_team_id,), password=PASSWORD),
        "facilitator": make_person(Role.FACILITATOR, password=PASSWORD),
    }
    round_ = open_link_round(people["manager"], team_id)
    every_answer = {item.id: 4 for item in model.questionnaire.items}
    for number in range(5):
        send(round_.token, f"device-{number}", every_answer)
    # Set after the round opened, so a page showing 6 really read the organisation's setting.
    admin_service.set_anonymity_threshold(admin, 6)
    world = World(team_id=team_id, other_team_id=other_team_id, round_id=round_.id, area_id=area)
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
    """Built once (password hashing is slow on purpose); each test gets its own copy."""
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
    """How to call a handler, who may, and how to tell that it delivered."""

    allowed: set[str]
    call: Callable[[object, World], object]
    delivered: Callable[[object, World], bool]
    params: Callable[[World], dict[str, str]] = lambda w: {}
    prepare: Callable[[object, World], None] = lambda state, w: None


def _form(**fields: str) -> dict[str, str]:
    return fields


def _last_open_round_summary(world: World):
    with db.transaction() as session:
        token = session.scalar(
            sa.text(f"select token from assessment_round where id={world.round_id}")
        )
    return svc.RoundSummary(world.round_id, token, "", "", True, 5, 5, "")


IMPORT_CSV = "area,team\nNorth,Gamma\nSouth,Delta\n"


def _upload(text: str) -> rx.UploadFile:
    """A CSV file as Reflex hands it to an upload handler."""
    return rx.UploadFile(
        file=io.BytesIO(text.encode()),
        path=Path("teams.csv"),
        headers=Headers({"content-type": "text/csv"}),
    )


EVERYONE = {"administrator", "leader", "innovation", "manager", "other manager", "facilitator"}
SEES_ALPHA = {"administrator", "leader", "innovation", "manager"}
SEES_ALPHA_RESULTS = {"leader", "innovation", "manager"}
SEES_AREAS = {"leader", "innovation"}

_outcomes: dict[str, object] = {}  # a handler's return value, for rows that check it


def _download_row(handler: str, allowed: set[str], params: Callable[[World], dict]) -> Row:
    """A download delivers when the handler hands the browser a file with data in it, in each
    format the page offers."""
    method = handler.split(".")[1]

    def call(state, world):
        _outcomes[handler] = [getattr(type(state), method).fn(state, kind) for kind in FILE_FORMATS]
        return _outcomes[handler][-1]

    def delivered(state, world):
        outcomes = _outcomes.pop(handler, [])
        return bool(outcomes) and all(
            isinstance(outcome, EventSpec) and "download" in str(outcome.handler.fn)
            for outcome in outcomes
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
    _outcomes["alpha action"] = plans.create_action(planner, world.area_id, draft)
    return _outcomes["alpha action"]


def _alpha_action_status() -> str:
    with db.transaction() as session:
        return session.scalar(
            sa.text("select status from plan_action where id = :id"),
            {"id": _outcomes["alpha action"]},
        )


MATRIX: dict[str, Row] = {
    "HomeState.load": Row(
        allowed={"administrator", "leader", "innovation", "manager", "other manager"},
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w: len(s.areas) > 0,
    ),
    "HomeState.add_area": Row(
        allowed={"administrator"},
        call=lambda s, w: type(s).add_area.fn(s, _form(area_name="South")),
        delivered=lambda s, w: "area" in s.confirmation.lower(),
    ),
    "HomeState.add_team": Row(
        allowed={"administrator"},
        call=lambda s, w: type(s).add_team.fn(s, _form(team_name="Gamma", area_id="1")),
        delivered=lambda s, w: "team" in s.confirmation.lower(),
    ),
    "TeamState.load": Row(
        allowed=SEES_ALPHA,
        params=lambda w: {"team_id": str(w.team_id)},
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w: s.team_name == "Alpha",
    ),
    "TeamState.open_new_round": Row(
        allowed={"manager"},
        prepare=lambda s, w: (
            svc.close_round(_manager(w), w.round_id),
            setattr(s, "team_id_shown", w.team_id),
            setattr(s, "staff_count_text", "8"),
        ),
        call=lambda s, w: type(s).open_new_round.fn(s),
        delivered=lambda s, w: s.has_open_round and s.codes_sent == 8,
    ),
    "TeamState.withdraw_codes": Row(
        allowed={"manager"},
        prepare=lambda s, w: (
            svc.close_round(_manager(w), w.round_id),
            responding.open_round(_manager(w), w.team_id, access_mode="codes", staff_count=8),
            setattr(s, "rounds", svc.team_view(_manager(w), w.team_id).rounds),
            setattr(s, "team_id_shown", w.team_id),
        ),
        call=lambda s, w: type(s).withdraw_codes.fn(s),
        delivered=lambda s, w: s.error.startswith("8 unused codes no longer work"),
    ),
    "TeamState.make_more_codes": Row(
        allowed={"manager"},
        prepare=lambda s, w: (
            svc.close_round(_manager(w), w.round_id),
            responding.withdraw_unused_codes(
                _manager(w),
                responding.open_round(
                    _manager(w), w.team_id, access_mode="codes", staff_count=8
                ).round.id,
            ),
            setattr(s, "rounds", svc.team_view(_manager(w), w.team_id).rounds),
            setattr(s, "team_id_shown", w.team_id),
            setattr(s, "more_codes_text", "1"),
        ),
        call=lambda s, w: type(s).make_more_codes.fn(s),
        delivered=lambda s, w: s.codes_sent == 1,
    ),
    "TeamState.close_current_round": Row(
        allowed={"manager"},
        prepare=lambda s, w: (
            setattr(s, "rounds", [_last_open_round_summary(w)]),
            setattr(s, "team_id_shown", w.team_id),
        ),
        call=lambda s, w: type(s).close_current_round.fn(s),
        delivered=lambda s, w: not s.has_open_round and s.denied == "",
    ),
    "ResultsState.load": Row(
        allowed=SEES_ALPHA_RESULTS,
        params=_round_params,
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w: s.view is not None and s.view.disclosed,
    ),
    "ResultsState.download": _download_row(
        "ResultsState.download", SEES_ALPHA_RESULTS, _round_params
    ),
    "AreaState.load": Row(
        allowed=SEES_AREAS,
        params=_area_params,
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w: s.view is not None and s.view.area_name == "North",
    ),
    "AreaState.download": _download_row("AreaState.download", SEES_AREAS, _area_params),
    "AccountState.load": Row(
        allowed=EVERYONE,
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w: s.person_name != "",
    ),
    "AccountState.change_password": Row(
        allowed=EVERYONE,
        call=lambda s, w: type(s).change_password.fn(
            s,
            _form(
                current_password=PASSWORD,
                new_password="a brand new password",
                new_password_again="a brand new password",
            ),
        ),
        delivered=lambda s, w: s.confirmation != "",
    ),
    "PeopleState.load": Row(
        allowed={"administrator"},
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w: len(s.people) > 0,
    ),
    "PeopleState.invite": Row(
        allowed={"administrator"},
        call=lambda s, w: type(s).invite.fn(
            s, _form(email="new@test.example", name="New Person", role="leader")
        ),
        delivered=lambda s, w: "/invite/" in s.invitation_link,
    ),
    "PeopleState.set_active": Row(
        allowed={"administrator"},
        call=lambda s, w: type(s).set_active.fn(s, w.user_ids["facilitator"], False),
        delivered=lambda s, w: s.message == "" and len(s.people) > 0,
    ),
    "SettingsState.load": Row(
        allowed={"administrator"},
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w: s.threshold == 6,
    ),
    "SettingsState.save": Row(
        allowed={"administrator"},
        call=lambda s, w: type(s).save.fn(s, _form(threshold="7")),
        delivered=lambda s, w: s.confirmation != "",
    ),
    "AuditState.load": Row(
        allowed={"administrator"},
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w: len(s.events) > 0,
    ),
    "ImportState.load": Row(
        allowed={"administrator"},
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w: s.max_rows > 0,
    ),
    "ImportState.check_file": Row(
        allowed={"administrator"},
        call=lambda s, w: type(s).check_file.fn(s, [_upload(IMPORT_CSV)]),
        delivered=lambda s, w: len(s.lines) > 0,
    ),
    "ImportState.refuse_file": Row(
        allowed={"administrator"},
        call=lambda s, w: type(s).refuse_file.fn(s, ["teams.xlsx"], ["file-invalid-type"]),
        delivered=lambda s, w: len(s.problems) > 0,
    ),
    "ImportState.import_file": Row(
        allowed={"administrator"},
        prepare=lambda s, w: setattr(
            s, "_file", TeamFile("teams.csv", "text/csv", IMPORT_CSV.encode())
        ),
        call=lambda s, w: type(s).import_file.fn(s),
        delivered=lambda s, w: s.confirmation.startswith("Imported"),
    ),
    "TargetsState.load": Row(
        allowed=SEES_ALPHA,
        prepare=lambda s, w: _at_address(s, f"/targets?scope=team:{w.team_id}"),
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w: s.view is not None and s.view.scope_name == "Alpha (North)",
    ),
    "TargetsState.choose_scope": Row(
        allowed=SEES_ALPHA,
        call=lambda s, w: type(s).choose_scope.fn(s, f"team:{w.team_id}"),
        delivered=lambda s, w: s.view is not None and s.view.scope_name == "Alpha (North)",
    ),
    "TargetsState.save": Row(
        allowed={"innovation"},
        prepare=lambda s, w: setattr(s, "view", _targets_of_north(w)),
        call=lambda s, w: type(s).save.fn(s, _form(target_strategic_clarity="2")),
        delivered=lambda s, w: s.confirmation.startswith("Targets saved"),
    ),
    "PlanState.load": Row(
        allowed=SEES_ALPHA_PLAN,
        params=_team_params,
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w: s.view is not None and s.view.heading == "Action plan: Alpha",
    ),
    "PlanState.save_action": Row(
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
        delivered=lambda s, w: (
            s.saved.startswith("Saved")
            and s.view is not None
            and [a.title for a in s.view.actions] == ["Hands-on sessions"]
        ),
    ),
    "PlanState.save_status": Row(
        allowed=PLANS_FOR_ALPHA,
        params=_team_params,
        prepare=lambda s, w: _alpha_action(w),
        call=lambda s, w: type(s).save_status.fn(
            s, _form(action_id=str(_outcomes["alpha action"]), status="in_progress")
        ),
        delivered=lambda s, w: _alpha_action_status() == "in_progress",
    ),
    "PlanState.download": _download_row("PlanState.download", SEES_ALPHA_PLAN, _team_params),
    "RecommendationsState.load": Row(
        allowed=SEES_ALPHA_RESULTS,
        params=lambda w: {"team_id": str(w.team_id)},
        call=lambda s, w: type(s).load.fn(s),
        delivered=lambda s, w: s.view is not None and s.view.name == "Alpha" and s.view.disclosed,
    ),
    "PlanState.save_notes": Row(
        allowed=PLANS_FOR_ALPHA,
        params=_team_params,
        prepare=lambda s, w: _alpha_action(w),
        call=lambda s, w: type(s).save_notes.fn(
            s, _form(action_id=str(_outcomes["alpha action"]), notes="Kit arrives Monday")
        ),
        delivered=lambda s, w: (
            s.notes_saved
            and s.view is not None
            and [a.notes for a in s.view.actions] == ["Kit arrives Monday"]
        ),
    ),
}


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


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("handler", sorted(MATRIX))
def test_handler_as_role(handler: str, role: str, world: World) -> None:
    row = MATRIX[handler]
    token = world.tokens.get(role, "")
    state = state_for(_state_class(handler), token, row.params(world))
    row.prepare(state, world)
    before = fingerprint()
    outcome = row.call(state, world)
    if inspect.iscoroutine(outcome):  # an async handler, such as an upload
        outcome = run_to_end(outcome)
    if role in row.allowed:
        assert row.delivered(state, world), f"{role} should be able to use {handler}"
        return
    assert not row.delivered(state, world), f"{role} must not get anything from {handler}"
    assert fingerprint() == before, f"{handler} changed data for {role}, who is not allowed"
    if role == "anonymous":
        assert isinstance(outcome, EventSpec) and "sign-in" in str(outcome.args)
    else:
        assert state.denied != "" or outcome is None


def test_a_session_that_has_ended_is_refused(world: World) -> None:
    accounts.sign_out(world.tokens["leader"])
    state = state_for(_state_class("ResultsState.load"), world.tokens["leader"],
                      {"round_id": str(world.round_id)})  # fmt: skip
    outcome = type(state).load.fn(state)
    assert state.view is None
    assert "sign-in" in str(outcome.args)
