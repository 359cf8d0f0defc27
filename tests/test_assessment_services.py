"""The organisation, rounds, responses, results and demo services against a real, migrated
SQLite file (conftest's `database`): what they store, what they refuse, what they show."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from model_fixtures import copy_model, edit_yaml, entry
from people import admin, leader, make_person, manager_of
from respondents import open_link_round, send

from culturetool.domain.access import Role
from culturetool.domain.errors import InputProblem, NotFound, RoundClosed
from culturetool.domain.model_loader import model_version
from culturetool.services import model_provider, responding, targets
from culturetool.services.demo import load_demo
from culturetool.services.model_provider import current_model
from culturetool.services.organisation import (
    add_area,
    add_team,
    create_organisation,
    organisation_overview,
    team_view,
)
from culturetool.services.round_results import results_for_round
from culturetool.services.rounds import close_round
from culturetool.store import db
from culturetool.store.migrate import upgrade
from culturetool.store.tables import (
    Answer,
    Area,
    AssessmentRound,
    Organisation,
    Response,
    SubmissionReceipt,
    Team,
)


@pytest.fixture
def store(database):
    """conftest's fresh database; the services follow CULTURETOOL_DB_URL to it."""
    return database


def count(table) -> int:
    with db.transaction() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(table))


def counts() -> dict[str, int]:
    tables = (Organisation, Area, Team, AssessmentRound, Response, Answer, SubmissionReceipt)
    return {t.__tablename__: count(t) for t in tables}


def open_round_for(team_id: int):
    return open_link_round(manager_of(team_id), team_id)


def admin_of_rounds():
    """A manager of every team: closing a round needs the team's manager."""
    with db.transaction() as session:
        team_ids = session.scalars(sa.select(Team.id)).all()
    return manager_of(*team_ids)


def a_team(team: str = "Reablement", area: str = "North") -> int:
    if count(Organisation) == 0:
        create_organisation("Test Council")
    overview = organisation_overview(leader())
    area_id = next((a.id for a in overview.areas if a.name == area), None)
    if area_id is None:
        area_id = add_area(admin(), area)
    return add_team(admin(), area_id, team)


def answers(model, value: int) -> dict[str, int]:
    """A complete answer set as the browser sends it: 1-5, or 0 for don't know."""
    return {item.id: value for item in model.questionnaire.items}


def submit(token: str, model, how_many: int, value: int = 4, first_key: int = 0) -> None:
    for number in range(first_key, first_key + how_many):
        assert send(token, f"device-{number}", answers(model, value)) is True


# ---- organisation, areas, teams -------------------------------------------------------------


def test_create_organisation_area_and_team(store):
    create_organisation("  Test   Council ")
    area_id = add_area(admin(), "North")
    team_id = add_team(admin(), area_id, "Hospital Discharge")
    overview = organisation_overview(leader())
    assert overview.name == "Test Council"  # whitespace tidied
    assert overview.threshold == 5
    assert [a.name for a in overview.areas] == ["North"]
    assert [(t.id, t.name, t.has_open_round) for t in overview.areas[0].teams] == [
        (team_id, "Hospital Discharge", False)
    ]
    view = team_view(leader(), team_id)
    assert (view.name, view.area_name, view.organisation_name) == (
        "Hospital Discharge",
        "North",
        "Test Council",
    )
    assert counts() == {
        "organisation": 1,
        "area": 1,
        "team": 1,
        "assessment_round": 0,
        "response": 0,
        "answer": 0,
        "submission_receipt": 0,
    }


def test_second_organisation_is_refused(store):
    create_organisation("Test Council")
    with pytest.raises(InputProblem, match="already set up"):
        create_organisation("Other Council")
    assert count(Organisation) == 1


def test_duplicate_area_name_is_refused(store):
    create_organisation("Test Council")
    add_area(admin(), "North")
    with pytest.raises(InputProblem) as raised:
        add_area(admin(), " North ")
    assert str(raised.value) == "There is already an area called “North”."
    assert count(Area) == 1


def test_duplicate_team_name_in_an_area_is_refused_but_allowed_elsewhere(store):
    create_organisation("Test Council")
    north, south = add_area(admin(), "North"), add_area(admin(), "South")
    add_team(admin(), north, "Reablement")
    with pytest.raises(InputProblem, match="North already has a team called “Reablement”"):
        add_team(admin(), north, "Reablement")
    add_team(admin(), south, "Reablement")
    assert count(Team) == 2


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Please give the area a name."),
        ("   \t ", "Please give the area a name."),
        ("x" * 121, "121 characters long; please keep it to 120"),
        ("North\x00Area", "cannot be shown"),
        ("North\x07", "cannot be shown"),
        ("North\u200bArea", "cannot be shown"),  # zero-width space (format character)
    ],
)
def test_bad_area_names_are_refused_and_nothing_is_written(store, name, message):
    create_organisation("Test Council")
    before = counts()
    with pytest.raises(InputProblem, match=message):
        add_area(admin(), name)
    assert counts() == before
    assert before["area"] == 0


def test_bad_team_and_organisation_names_are_refused(store):
    with pytest.raises(InputProblem, match="organisation"):
        create_organisation("")
    assert count(Organisation) == 0
    create_organisation("Test Council")
    area_id = add_area(admin(), "North")
    for bad in ("", "y" * 121, "Team\x1b[31m"):
        with pytest.raises(InputProblem):
            add_team(admin(), area_id, bad)
    assert count(Team) == 0


def test_names_of_exactly_120_characters_are_accepted(store):
    create_organisation("Test Council")
    name = "z" * 120
    add_area(admin(), name)
    assert [a.name for a in organisation_overview(admin()).areas] == [name]


def test_team_in_a_missing_area_is_refused(store):
    create_organisation("Test Council")
    with pytest.raises(InputProblem, match="Choose the area"):
        add_team(admin(), 999, "Orphans")
    assert count(Team) == 0


# ---- rounds ---------------------------------------------------------------------------------


def test_open_round_records_the_model_version_and_a_long_token(store, model):
    team_id = a_team()
    summary = open_link_round(manager_of(team_id), team_id)
    assert len(summary.token) >= 32
    assert summary.is_open
    assert summary.responses == 0
    assert summary.threshold == 5
    assert summary.model_label == model.meta.version_label
    with db.transaction() as session:
        round_ = session.get(AssessmentRound, summary.id)
        assert round_.model_version_id == model_version(current_model())
        assert round_.model_version_id == model_version(model)
        assert round_.token == summary.token


def test_second_open_round_for_a_team_is_refused(store):
    team_id = a_team()
    open_link_round(manager_of(team_id), team_id)
    with pytest.raises(InputProblem, match="already has an open round"):
        open_link_round(manager_of(team_id), team_id)
    assert count(AssessmentRound) == 1


def test_a_new_round_may_open_once_the_last_one_closed(store):
    team_id = a_team()
    first = open_link_round(manager_of(team_id), team_id)
    close_round(admin_of_rounds(), first.id)
    second = open_link_round(manager_of(team_id), team_id)
    assert second.id != first.id
    assert count(AssessmentRound) == 2


def test_tokens_of_two_rounds_differ(store):
    one = open_round_for(a_team("Team One"))
    two = open_round_for(a_team("Team Two"))
    assert one.token != two.token


def test_open_round_for_a_missing_team(store):
    create_organisation("Test Council")
    with pytest.raises(NotFound):
        open_link_round(manager_of(), 12345)


# ---- submitting responses -------------------------------------------------------------------


def test_submit_saves_once_per_submission_key(store, model):
    token = open_round_for(a_team()).token
    items = len(model.questionnaire.items)
    assert send(token, "device-a", answers(model, 3)) is True
    assert (count(Response), count(Answer), count(SubmissionReceipt)) == (1, items, 1)

    # The same device sends again (a double click, a retry): nothing more is stored.
    assert send(token, "device-a", answers(model, 5)) is False
    assert (count(Response), count(Answer), count(SubmissionReceipt)) == (1, items, 1)

    assert send(token, "device-b", answers(model, 2)) is True
    assert (count(Response), count(Answer), count(SubmissionReceipt)) == (2, 2 * items, 2)


def test_dont_know_is_stored_as_no_value(store, model):
    token = open_round_for(a_team()).token
    sent = answers(model, 4) | {"strategic_clarity_1": 0}
    assert send(token, "device-a", sent) is True
    with db.transaction() as session:
        rows = dict(session.execute(sa.select(Answer.item_id, Answer.value)).all())
    assert rows["strategic_clarity_1"] is None
    assert rows["strategic_clarity_2"] == 4
    assert len(rows) == len(model.questionnaire.items)


def test_receipt_keeps_only_a_hash_of_the_key(store, model):
    token = open_round_for(a_team()).token
    send(token, "my-secret-device-key", answers(model, 3))
    with db.transaction() as session:
        stored = session.scalars(sa.select(SubmissionReceipt.key_hash)).one()
    assert "my-secret-device-key" not in stored
    assert len(stored) == 64


@pytest.mark.parametrize("change", ["missing", "unknown", "off_scale"])
def test_incomplete_or_invalid_answers_write_nothing(store, model, change):
    token = open_round_for(a_team()).token
    sent = answers(model, 4)
    if change == "missing":
        del sent["balanced_risk_ethics_3"]
    elif change == "unknown":
        sent["not_a_statement"] = 3
    else:
        sent["fc_1"] = 7
    before = counts()
    with pytest.raises(InputProblem):
        send(token, "device-a", sent)
    assert counts() == before
    assert (count(SubmissionReceipt), count(Response), count(Answer)) == (0, 0, 0)
    # The refused attempt did not use up the key: the corrected answers are accepted.
    assert send(token, "device-a", answers(model, 4)) is True


def test_incomplete_answers_message_names_the_statement(store, model):
    token = open_round_for(a_team()).token
    sent = answers(model, 4)
    del sent["strategic_clarity_2"]  # statement 2 of the real questionnaire
    with pytest.raises(InputProblem, match="Statement 2 has no answer yet."):
        send(token, "device-a", sent)


def test_closed_round_takes_no_answers(store, model):
    summary = open_round_for(a_team())
    close_round(admin_of_rounds(), summary.id)
    with pytest.raises(RoundClosed):
        send(summary.token, "device-a", answers(model, 4))
    with pytest.raises(RoundClosed):
        responding.questionnaire_for(summary.token)
    assert count(Response) == 0


def test_bad_token_is_not_found(store, model):
    open_round_for(a_team())
    with pytest.raises(NotFound):
        send("not-a-real-token", "device-a", answers(model, 4))
    with pytest.raises(NotFound):
        responding.questionnaire_for("")
    assert count(Response) == 0


def test_missing_submission_key_is_refused(store, model):
    token = open_round_for(a_team()).token
    for key in ("", "k" * 201):
        with pytest.raises(InputProblem, match="one-off key"):
            send(token, key, answers(model, 4))
    assert count(Response) == 0


# ---- the anonymity threshold ----------------------------------------------------------------


def test_four_responses_show_nothing_but_the_count(store, model):
    summary = open_round_for(a_team())
    submit(summary.token, model, 4)
    results = results_for_round(leader(), summary.id)
    assert results.responses == 4
    assert results.threshold == 5
    assert results.disclosed is False
    assert results.still_needed == 1
    assert results.conditions == []
    assert results.acceptance == []
    assert results.confidence_shown is False
    assert results.summary == [] and results.bands == []


def test_five_identical_responses_give_hand_computed_means(store, model):
    summary = open_round_for(a_team())
    submit(summary.token, model, 5, value=4)
    results = results_for_round(leader(), summary.id)
    assert results.disclosed is True
    assert results.still_needed == 0
    assert results.responses == 5
    assert len(results.conditions) == 9
    # Every condition has items _1 and _2 plain and _3 reverse. All answers "4":
    # respondent score = (4 + 4 + (6 - 4)) / 3 = 10 / 3 = 3.333..., shown as 3.33;
    # 3.33 is at least 2.6 and below 3.4, so level 3 "Established".
    for row in results.conditions:
        assert row.shown, row.key
        assert row.mean == 3.33, row.key
        assert (row.level, row.level_name) == (3, "Established"), row.key
        # What good looks like is the next level up, as something to reach.
        assert row.aim == "To reach Thriving: 3.4 and above"
        assert row.aim_looks_like == model.condition_by_id[row.key].levels[4]
        # The model's default target, Thriving, starts at 3.4: 0.07 above 3.33.
        assert row.target == "Thriving: 3.4 and above"
        assert (row.target_gap, row.below_target) == ("0.07 below Thriving (3.4 and above)", True)
        assert (row.respondents, row.answers, row.dont_know, row.spread) == (5, 15, 0, 0.0)
        assert row.how_sure == "5 people answered and people mostly agreed."
    assert [r.key for r in results.conditions] == [c.id for c in model.conditions]
    # Acceptance: effort_expectancy has ee_2 reverse -> (4 + 2) / 2 = 3.0; the others 4.0.
    assert {r.key: r.mean for r in results.acceptance} == {
        "performance_expectancy": 4.0,
        "effort_expectancy": 3.0,
        "social_influence": 4.0,
        "facilitating_conditions": 4.0,
    }
    # Acceptance scales lead with their plain names; the research names are small print.
    for row, scale in zip(results.acceptance, model.questionnaire.acceptance_scales, strict=True):
        assert (row.name, row.research_name) == (scale.plain_name, scale.name)
        assert row.target == ""  # a scale has no maturity target
    assert results.confidence_shown is True
    assert (results.confidence_personal, results.confidence_work, results.confidence_gap) == (
        4.0,
        4.0,
        0.0,
    )
    assert results.summary == [
        "The team scores much the same on every condition shown, around 3.33.",
        # The round was opened for a team of 60 staff.
        "5 of the 60 staff answered, fewer than half, so the scores may not speak for everyone, "
        "and people mostly agreed with each other.",
    ]
    assert [band.name for band in results.bands] == [
        level.name for level in model.meta.maturity_levels
    ]


def test_a_teams_own_target_is_shown_as_its_band_with_the_gap_from_its_edge(store, model):
    team = a_team()
    summary = open_round_for(team)
    submit(summary.token, model, 5, value=4)  # 3.33 everywhere, Established
    innovation = make_person(Role.INNOVATION)  # the role that tunes targets locally
    chosen = {"strategic_clarity": 3, "sustained_resources": 5}
    targets.set_targets(innovation, "team", team, chosen)
    rows = {r.key: r for r in results_for_round(leader(), summary.id).conditions}
    assert (rows["strategic_clarity"].target, rows["strategic_clarity"].target_gap) == (
        "Established: 2.6 and above",
        "On target: Established starts at 2.6",
    )
    assert rows["strategic_clarity"].below_target is False
    assert rows["sustained_resources"].target_gap == "0.87 below Embedded (4.2 and above)"
    assert rows["leadership_governance"].target == "Thriving: 3.4 and above"  # the default


def test_mixed_answers_give_hand_computed_means(store, model):
    summary = open_round_for(a_team())
    # Three people answer 5 everywhere, two answer 1 everywhere.
    # "5" person: (5 + 5 + 1) / 3 = 11/3; "1" person: (1 + 1 + 5) / 3 = 7/3
    # team = (3 * 11/3 + 2 * 7/3) / 5 = (11 + 14/3) / 5 = 47/15 = 3.1333 -> 3.13, level 3
    # spread: deviations 11/3 - 47/15 = 8/15 (x3) and 7/3 - 47/15 = -12/15 (x2)
    # sum of squares = (3 * 64 + 2 * 144) / 225 = 480/225; / 4 = 120/225; sd = 0.7303 -> 0.73
    submit(summary.token, model, 3, value=5)
    submit(summary.token, model, 2, value=1, first_key=3)
    results = results_for_round(leader(), summary.id)
    for row in results.conditions:
        assert (row.mean, row.level, row.spread) == (3.13, 3, 0.73), row.key
    # confidence: personal = work = (3 * 5 + 2 * 1) / 5 = 3.4; gap 0
    assert (results.confidence_personal, results.confidence_work) == (3.4, 3.4)


def test_condition_with_too_few_usable_answers_is_withheld(store, model):
    summary = open_round_for(a_team())
    hidden = "great_technology"
    dont_know_here = answers(model, 4) | {i.id: 0 for i in model.items_for_condition(hidden)}
    for number in range(4):
        assert send(summary.token, f"dk-{number}", dont_know_here) is True
    assert send(summary.token, "the-one", answers(model, 5)) is True

    results = results_for_round(leader(), summary.id)
    assert results.disclosed is True
    rows = {r.key: r for r in results.conditions}
    assert len(rows) == 9
    withheld = rows[hidden]
    assert withheld.shown is False
    # Nothing of the one person's answers leaks through the withheld row.
    assert (withheld.mean, withheld.level, withheld.respondents, withheld.answers) == (0, 0, 0, 0)
    assert withheld.name == model.condition_by_id[hidden].name
    for key, row in rows.items():
        if key != hidden:
            # four people at 10/3 and one at (5 + 5 + 1) / 3 = 11/3: (40/3 + 11/3) / 5 = 3.4
            assert row.shown, key
            assert row.mean == 3.4, key
    # The opening sentences draw on the eight conditions that may be shown, never the ninth.
    assert results.summary
    assert all(withheld.name not in sentence for sentence in results.summary)


def test_results_for_a_missing_round(store):
    create_organisation("Test Council")
    with pytest.raises(NotFound):
        results_for_round(leader(), 4242)


# ---- results stay tied to the model a round was opened with -------------------------------


def test_results_keep_the_model_of_their_round(store, model, tmp_path):
    old_round = open_round_for(a_team("Team One"))
    submit(old_round.token, model, 5)

    edited = copy_model(tmp_path / "edited-model")

    def rename(data):
        entry(data["conditions"], "strategic_clarity")["name"] = "Shared purpose"

    edit_yaml(edited, "conditions.yaml", rename)
    assert model_provider.load_model(edited).changed
    assert current_model().condition_by_id["strategic_clarity"].name == "Shared purpose"

    results = results_for_round(leader(), old_round.id)
    assert results.conditions[0].key == "strategic_clarity"
    assert results.conditions[0].name == "Strategic clarity"
    assert results.conditions[0].mean == 3.33

    new_round = open_round_for(a_team("Team Two"))
    with db.transaction() as session:
        old_version = session.get(AssessmentRound, old_round.id).model_version_id
        new_version = session.get(AssessmentRound, new_round.id).model_version_id
    assert old_version == model_version(model)
    assert new_version == model_version(current_model())
    assert new_version != old_version
    # The old round's questionnaire is still served from the old snapshot.
    questions = responding.questionnaire_for(old_round.token).questions
    assert questions[0].id == "strategic_clarity_1"
    submit(new_round.token, current_model(), 5, first_key=100)
    assert results_for_round(leader(), new_round.id).conditions[0].name == "Shared purpose"


# ---- demo data --------------------------------------------------------------------------------


def demo_fingerprint() -> tuple[dict[str, int], list[tuple[str, float | None]]]:
    with db.transaction() as session:
        first_round = session.scalars(sa.select(AssessmentRound.id).order_by("id")).first()
    results = results_for_round(leader(), first_round)
    means = [(r.key, r.mean if r.shown else None) for r in results.conditions + results.acceptance]
    return counts(), means


def test_demo_loads_once_into_an_empty_database(store):
    assert load_demo() is True
    assert count(Organisation) == 1
    assert count(Area) >= 4
    assert count(Team) >= 12
    assert count(Response) > 0
    before = counts()
    assert load_demo(only_if_empty=True) is False
    assert counts() == before
    with pytest.raises(RuntimeError):
        load_demo(only_if_empty=False)
    assert counts() == before


def test_demo_is_deterministic(store, tmp_path, monkeypatch):
    assert load_demo() is True
    first = demo_fingerprint()

    second_url = f"sqlite:///{tmp_path / 'second-demo.db'}"
    upgrade(second_url)
    monkeypatch.setenv("CULTURETOOL_DB_URL", second_url)
    assert count(Organisation) == 0  # really a fresh database
    assert load_demo() is True
    second = demo_fingerprint()

    assert second[0] == first[0]
    assert second[0]["response"] > 0
    assert second[1] == first[1]
    assert any(mean is not None for _, mean in first[1])
