"""The culture model loads from model/, every defect is reported by file and entry, and the
version hash follows meaning, not layout."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from model_fixtures import (
    MODEL_DIR,
    PROJECT_ROOT,
    copy_model,
    edit_yaml,
    entry,
    read_yaml,
    write_yaml,
)

from culturetool.cli import main
from culturetool.domain.kinds import CarriedOutBy
from culturetool.domain.model_loader import (
    MODEL_FILES,
    ModelInvalid,
    ModelProblem,
    check_model_dir,
    load_model_dir,
    model_from_json,
    model_to_json,
    model_version,
)

# ---- the real model ---------------------------------------------------------------------------


def test_real_model_has_the_expected_shape(model):
    assert len(model.conditions) == 9
    assert len(model.bundles) == 12
    assert len(model.interventions) >= 20
    for condition in model.conditions:
        assert len(model.items_for_condition(condition.id)) >= 3, condition.id
    scales = model.questionnaire.acceptance_scales
    assert len(scales) == 4
    for scale in scales:
        items = [i for i in model.questionnaire.items if i.acceptance_scale == scale.id]
        assert len(items) >= 2, scale.id
    confidence = sorted(i.confidence for i in model.questionnaire.items if i.confidence)
    assert confidence == ["personal", "work"]


def test_real_model_conditions_have_five_levels_and_provenance(model):
    for condition in model.conditions:
        assert sorted(condition.levels) == [1, 2, 3, 4, 5], condition.id
        assert all(text.strip() for text in condition.levels.values())
        assert condition.provenance, condition.id
        assert all(p.timestamps for p in condition.provenance)
    for bundle in model.bundles:
        assert bundle.provenance, bundle.id
        assert bundle.serves, bundle.id


def test_check_model_dir_on_real_model_reports_no_problems():
    model, problems = check_model_dir(MODEL_DIR)
    assert problems == []
    assert model is not None
    assert [c.number for c in model.conditions] == list(range(1, 10))


# ---- broken models: each defect is named by file, entry and message ------------------------


@pytest.fixture
def broken(tmp_path) -> Path:
    """A fresh, editable copy of model/."""
    return copy_model(tmp_path / "model")


def problems_of(directory: Path) -> list[ModelProblem]:
    model, problems = check_model_dir(directory)
    assert model is None, "a model with a defect must not load"
    assert problems, "a model with a defect must report a problem"
    return problems


def find(problems: list[ModelProblem], file: str, entry_label: str, *words: str) -> ModelProblem:
    """The one problem with this file and entry whose message contains all the words."""
    matches = [
        p
        for p in problems
        if p.file == file and p.entry == entry_label and all(w in p.message for w in words)
    ]
    assert matches, f"no problem {file}: {entry_label}: {words} in {[str(p) for p in problems]}"
    return matches[0]


def test_duplicate_condition_id(broken):
    def duplicate(data):
        # The second condition takes the first one's id (and keeps its own number).
        data["conditions"][1]["id"] = "strategic_clarity"

    edit_yaml(broken, "conditions.yaml", duplicate)
    problems = problems_of(broken)
    find(problems, "conditions.yaml", "condition 'strategic_clarity'", "more than once")
    # The old id of the second condition is gone, so references to it are reported too.
    find(
        problems,
        "bundles.yaml",
        "bundle 'engage_experts'",
        "unknown condition 'leadership_governance'",
    )


def test_bundle_serving_a_missing_condition(broken):
    def misspell(data):
        links = entry(data["bundles"], "comms_engagement")["serves"]
        links[0]["condition"] = "awareness_of_benefit"

    edit_yaml(broken, "bundles.yaml", misspell)
    problems = problems_of(broken)
    assert problems == [
        ModelProblem(
            "bundles.yaml",
            "bundle 'comms_engagement'",
            "serves unknown condition 'awareness_of_benefit'",
        )
    ]
    assert str(problems[0]) == (
        "bundles.yaml: bundle 'comms_engagement': serves unknown condition 'awareness_of_benefit'"
    )


def test_intervention_in_a_missing_bundle(broken):
    def move(data):
        data["interventions"][0]["bundle"] = "no_such_bundle"

    edit_yaml(broken, "interventions.yaml", move)
    assert problems_of(broken) == [
        ModelProblem(
            "interventions.yaml",
            "intervention 'early_expert_round_table'",
            "belongs to unknown bundle 'no_such_bundle'",
        )
    ]


def test_every_real_intervention_says_who_carries_it_out(model):
    levels = {i.id: i.carried_out_by for i in model.interventions}
    assert None not in levels.values()
    # Spot checks against the transcripts: champions are staff in the team; a managed service's
    # sourcing is the commissioners'; technology facilitators work across a service.
    assert levels["digital_champions"] == CarriedOutBy.TEAM
    assert levels["sourcing_strategy"] == CarriedOutBy.ORGANISATION
    assert levels["technology_facilitators"] == CarriedOutBy.AREA


def test_intervention_without_who_carries_it_out(broken):
    def forget(data):
        del data["interventions"][0]["carried_out_by"]

    edit_yaml(broken, "interventions.yaml", forget)
    problem = find(
        problems_of(broken), "interventions.yaml", "intervention 'early_expert_round_table'"
    )
    assert problem.message == (
        "'carried_out_by' is missing: say who carries it out (team (the team and its manager),"
        " area (the service or area), organisation (the whole organisation))"
    )


def test_intervention_carried_out_by_someone_the_model_does_not_know(broken):
    def misname(data):
        data["interventions"][1]["carried_out_by"] = "council"

    edit_yaml(broken, "interventions.yaml", misname)
    assert problems_of(broken) == [
        ModelProblem(
            "interventions.yaml",
            "intervention 'working_together_for_change'",
            "'carried_out_by' must be one of team (the team and its manager), area (the service"
            " or area), organisation (the whole organisation), not 'council'",
        )
    ]


def test_item_measuring_a_missing_condition(broken):
    def retarget(data):
        entry(data["items"], "strategic_clarity_2")["condition"] = "strategic_charity"

    edit_yaml(broken, "questionnaire.yaml", retarget)
    assert problems_of(broken) == [
        ModelProblem(
            "questionnaire.yaml",
            "item 'strategic_clarity_2'",
            "measures unknown condition 'strategic_charity'",
        )
    ]


def test_condition_without_questionnaire_items(broken):
    def drop_items(data):
        data["items"] = [i for i in data["items"] if i.get("condition") != "great_technology"]

    edit_yaml(broken, "questionnaire.yaml", drop_items)
    problem = find(
        problems_of(broken),
        "conditions.yaml",
        "condition 'great_technology'",
        "has no questionnaire items",
    )
    assert "questionnaire.yaml" in problem.message


def test_condition_no_bundle_serves(broken):
    # balanced_risk_ethics is served by engage_experts and risk_ethics_framework, which both
    # serve other conditions too, so removing the links leaves no bundle with an empty list.
    def unserve(data):
        for bundle in data["bundles"]:
            bundle["serves"] = [
                link for link in bundle["serves"] if link["condition"] != "balanced_risk_ethics"
            ]

    edit_yaml(broken, "bundles.yaml", unserve)
    problems = problems_of(broken)
    assert len(problems) == 1
    problem = find(
        problems, "conditions.yaml", "condition 'balanced_risk_ethics'", "no bundle serves it"
    )
    assert "bundles.yaml" in problem.message


def test_bundle_with_empty_serves(broken):
    # independent_market_knowledge only serves great_technology, which other bundles serve too.
    def empty(data):
        entry(data["bundles"], "independent_market_knowledge")["serves"] = []

    edit_yaml(broken, "bundles.yaml", empty)
    problems = problems_of(broken)
    assert len(problems) == 1
    find(problems, "bundles.yaml", "bundle 'independent_market_knowledge'", "serves no condition")


def test_timed_source_needs_timestamps_and_untimed_source_needs_a_note(broken):
    def strip(data):
        entry(data["conditions"], "strategic_clarity")["provenance"][0]["timestamps"] = []

    def untimed_without_note(data):
        wtfc = [p for p in entry(data["bundles"], "engage_experts")["provenance"]]
        for provenance in wtfc:
            if provenance["source"] == "wtfc":
                provenance.pop("note")

    edit_yaml(broken, "conditions.yaml", strip)
    edit_yaml(broken, "bundles.yaml", untimed_without_note)
    problems = problems_of(broken)
    assert len(problems) == 2
    find(
        problems, "conditions.yaml", "condition 'strategic_clarity'", "needs at least one timestamp"
    )
    find(problems, "bundles.yaml", "bundle 'engage_experts'", "untimed source 'wtfc'", "'note'")


def test_condition_missing_level_4_text(broken):
    def drop_level(data):
        del entry(data["conditions"], "sustained_resources")["levels"][4]

    edit_yaml(broken, "conditions.yaml", drop_level)
    assert problems_of(broken) == [
        ModelProblem(
            "conditions.yaml",
            "condition 'sustained_resources'",
            "has no 'what good looks like' text for level 4",
        )
    ]


def test_model_yaml_missing_a_maturity_level(broken):
    def drop_level(data):
        data["maturity_levels"] = [lv for lv in data["maturity_levels"] if lv["level"] != 3]

    edit_yaml(broken, "model.yaml", drop_level)
    assert problems_of(broken) == [
        ModelProblem("model.yaml", "maturity_levels", "maturity level 3 is missing")
    ]


def test_empty_condition_name(broken):
    def blank(data):
        entry(data["conditions"], "evidence_of_impact")["name"] = ""

    edit_yaml(broken, "conditions.yaml", blank)
    problems = problems_of(broken)
    own = [p for p in problems if p.file == "conditions.yaml"]
    assert own == [
        ModelProblem("conditions.yaml", "condition 'evidence_of_impact'", "'name' is empty")
    ]
    # An invalid entry is left out of the checked model, so references to it are reported as
    # unknown as well; these follow-on problems all name the condition.
    assert all("evidence_of_impact" in p.message for p in problems if p not in own)


def test_whitespace_only_text_counts_as_empty(broken):
    def blank(data):
        data["interventions"][1]["who"] = "   "

    edit_yaml(broken, "interventions.yaml", blank)
    problems = problems_of(broken)
    assert len(problems) == 1
    assert problems[0].file == "interventions.yaml"
    assert problems[0].entry == "intervention 'working_together_for_change'"
    assert problems[0].message == "'who' is empty"


def test_unknown_field_is_reported_as_a_typo(broken):
    def typo(data):
        bundle = entry(data["bundles"], "share_evidence")
        bundle["descripton"] = bundle.pop("description")

    edit_yaml(broken, "bundles.yaml", typo)
    problems = problems_of(broken)
    find(problems, "bundles.yaml", "bundle 'share_evidence'", "'descripton'", "typing mistake")
    find(problems, "bundles.yaml", "bundle 'share_evidence'", "'description' is missing")
    own = [p for p in problems if p.file == "bundles.yaml"]
    assert len(own) == 2


def test_invalid_yaml_names_the_line(broken):
    lines = (broken / "bundles.yaml").read_text(encoding="utf-8").splitlines()
    # Line 7 (1-based) becomes a line YAML cannot parse: a second ':' in a plain mapping value.
    lines[6] = "broken: value: more"
    (broken / "bundles.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = problems_of(broken)
    problem = find(problems, "bundles.yaml", "(file)", "is not valid YAML")
    assert "at line 7" in problem.message
    # Without any bundles, the conditions are reported as unserved, but nothing crashes.
    assert all(p.file in MODEL_FILES for p in problems)


def test_missing_file(broken):
    (broken / "interventions.yaml").unlink()
    problems = problems_of(broken)
    problem = find(problems, "interventions.yaml", "(file)", "file is missing")
    assert str(broken) in problem.message


def test_folder_that_does_not_exist(tmp_path):
    model, problems = check_model_dir(tmp_path / "nowhere")
    assert model is None
    assert len(problems) == 1
    assert problems[0].entry == "(folder)"


def test_three_defects_are_reported_together(broken):
    def bundle_defect(data):
        entry(data["bundles"], "partner_providers")["serves"][1]["condition"] = "awareness"

    def item_defect(data):
        entry(data["items"], "pe_1")["acceptance_scale"] = "performance"

    def meta_defect(data):
        data["maturity_levels"] = [lv for lv in data["maturity_levels"] if lv["level"] != 5]

    edit_yaml(broken, "bundles.yaml", bundle_defect)
    edit_yaml(broken, "questionnaire.yaml", item_defect)
    edit_yaml(broken, "model.yaml", meta_defect)
    problems = problems_of(broken)
    find(problems, "bundles.yaml", "bundle 'partner_providers'", "unknown condition 'awareness'")
    find(problems, "questionnaire.yaml", "item 'pe_1'", "unknown acceptance scale 'performance'")
    find(problems, "model.yaml", "maturity_levels", "maturity level 5 is missing")
    # pe_1 left performance_expectancy with one item, which is a consequence, also reported.
    find(
        problems,
        "questionnaire.yaml",
        "acceptance scale 'performance_expectancy'",
        "at least 2 items, has 1",
    )
    assert len(problems) == 4

    with pytest.raises(ModelInvalid) as raised:
        load_model_dir(broken)
    assert raised.value.problems == problems
    assert "partner_providers" in str(raised.value)
    assert "pe_1" in str(raised.value)
    assert "maturity level 5" in str(raised.value)


def test_empty_mapping_model_yaml_is_reported_not_crashed(broken):
    (broken / "model.yaml").write_text("{}\n", encoding="utf-8")
    model, problems = check_model_dir(broken)
    assert model is None
    assert any(p.file == "model.yaml" and "'id' is missing" in p.message for p in problems)


# ---- the CLI ----------------------------------------------------------------------------------


def test_cli_model_check_on_the_real_model(capsys):
    assert main(["model", "check", str(MODEL_DIR)]) == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert "9 conditions" in lines
    assert "12 bundles" in lines


def test_cli_model_check_on_a_broken_model(broken, capsys):
    def misspell(data):
        data["interventions"][2]["bundle"] = "governance_buyin"

    edit_yaml(broken, "interventions.yaml", misspell)
    assert main(["model", "check", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "has 1 problem:" in out
    assert "unknown bundle 'governance_buyin'" in out
    name = read_yaml(broken, "interventions.yaml")["interventions"][2]["id"]
    assert f"interventions.yaml: intervention '{name}': belongs to unknown bundle" in out


def test_cli_model_check_as_a_subprocess():
    result = subprocess.run(
        [sys.executable, "-m", "culturetool.cli", "model", "check", "model/"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert "9 conditions" in lines
    assert "12 bundles" in lines


# ---- model_version and JSON ------------------------------------------------------------------


def test_same_model_gives_the_same_version(model):
    again = load_model_dir(MODEL_DIR)
    assert model_version(again) == model_version(model)
    assert len(model_version(model)) == 64
    int(model_version(model), 16)  # hexadecimal


def test_reformatting_the_yaml_keeps_the_version(model, tmp_path):
    reformatted = tmp_path / "reformatted"
    reformatted.mkdir()
    for name in MODEL_FILES:
        data = read_yaml(MODEL_DIR, name)
        # Sorted keys, wider indent, flow style off: a different layout of the same content.
        write_yaml(reformatted, name, data, sort_keys=True, indent=4, default_flow_style=False)
        assert (reformatted / name).read_text() != (MODEL_DIR / name).read_text()
    assert model_version(load_model_dir(reformatted)) == model_version(model)


def test_changing_one_statement_changes_the_version(model, broken):
    def reword(data):
        item = entry(data["items"], "ee_1")
        item["text"] = item["text"] + " Mostly."

    edit_yaml(broken, "questionnaire.yaml", reword)
    changed = load_model_dir(broken)
    assert changed.item_by_id["ee_1"].text.endswith(" Mostly.")
    assert model_version(changed) != model_version(model)


def test_json_round_trip_gives_an_equal_model(model):
    content = model_to_json(model)
    back = model_from_json(content)
    assert back == model
    assert model_to_json(back) == content
    assert model_version(back) == model_version(model)
    level_4 = model.condition_by_id["strategic_clarity"].levels[4]
    assert back.condition_by_id["strategic_clarity"].levels[4] == level_4


# ---- signals.yaml: the default target and the signal rules ------------------------------------


def test_real_model_signal_rules(model):
    assert model.signals.default_target_level == 4
    rules = {rule.id: rule for rule in model.signals.rules}
    watched = {rule.watches for rule in rules.values()}
    scales = {s.id for s in model.questionnaire.acceptance_scales}
    # One rule per acceptance scale and one on the confidence gap, as the issue asks.
    assert watched == scales | {"confidence_gap"}
    assert len(rules) == 5
    for rule in rules.values():
        assert all(i in model.intervention_by_id for i in rule.points_to), rule.id
        assert all(p.timestamps for p in rule.provenance), rule.id


def test_cli_model_check_mentions_the_rules(capsys):
    assert main(["model", "check", str(MODEL_DIR)]) == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert "5 signal rules" in lines
    assert "Default target: level 4 (Thriving)" in lines


def edit_rule(directory: Path, rule_id: str, **changes) -> None:
    def change(data):
        entry(data["rules"], rule_id).update(changes)

    edit_yaml(directory, "signals.yaml", change)


def test_rule_watching_an_unknown_scale(broken):
    edit_rule(broken, "low_effort_expectancy", watches="effort_expectation")
    problem = find(
        problems_of(broken),
        "signals.yaml",
        "rule 'low_effort_expectancy'",
        "unknown acceptance scale 'effort_expectation'",
    )
    assert "confidence_gap" in problem.message  # says what else it may watch


def test_rule_pointing_at_an_unknown_intervention(broken):
    edit_rule(broken, "low_social_influence", points_to=["case_studies", "leadership_messages"])
    assert problems_of(broken) == [
        ModelProblem(
            "signals.yaml",
            "rule 'low_social_influence'",
            "points to unknown intervention 'leadership_messages' (see interventions.yaml)",
        )
    ]


def test_rule_pointing_at_the_same_intervention_twice(broken):
    edit_rule(broken, "confidence_gap_home_work", points_to=["digital_champions"] * 2)
    assert problems_of(broken) == [
        ModelProblem(
            "signals.yaml",
            "rule 'confidence_gap_home_work'",
            "points to 'digital_champions' more than once",
        )
    ]


def test_duplicate_rule_id(broken):
    edit_rule(broken, "low_social_influence", id="low_effort_expectancy")
    find(problems_of(broken), "signals.yaml", "rule 'low_effort_expectancy'", "more than once")


def test_rule_with_a_comparison_that_is_not_below_or_at_least(broken):
    edit_rule(broken, "low_facilitating_conditions", when="under")
    problem = find(problems_of(broken), "signals.yaml", "rule 'low_facilitating_conditions'")
    assert "'when'" in problem.message
    assert "'below'" in problem.message and "'at_least'" in problem.message


@pytest.mark.parametrize(
    ("rule_id", "threshold", "words"),
    [
        ("low_performance_expectancy", 6.0, "1 to 5 scale"),
        ("low_performance_expectancy", 0.5, "1 to 5 scale"),
        ("confidence_gap_home_work", 4.5, "-4 to 4"),
    ],
)
def test_rule_threshold_off_the_scale(broken, rule_id, threshold, words):
    edit_rule(broken, rule_id, threshold=threshold)
    problems = problems_of(broken)
    assert len(problems) == 1
    find(problems, "signals.yaml", f"rule '{rule_id}'", words)


def test_rule_threshold_that_is_not_a_number(broken):
    edit_rule(broken, "low_effort_expectancy", threshold="low")
    find(problems_of(broken), "signals.yaml", "rule 'low_effort_expectancy'", "'threshold'")


def test_rule_without_provenance_timestamps(broken):
    edit_rule(broken, "low_effort_expectancy", provenance=[{"source": "masterclass"}])
    find(
        problems_of(broken),
        "signals.yaml",
        "rule 'low_effort_expectancy'",
        "needs at least one timestamp",
    )


@pytest.mark.parametrize("level", [0, 6])
def test_default_target_that_is_not_a_maturity_level(broken, level):
    edit_yaml(broken, "signals.yaml", lambda data: data.update(default_target_level=level))
    assert problems_of(broken) == [
        ModelProblem(
            "signals.yaml",
            "default_target_level",
            f"{level} is not a maturity level (1, 2, 3, 4, 5)",
        )
    ]


def test_negative_points_per_theme(broken):
    edit_yaml(broken, "signals.yaml", lambda data: data.update(points_per_theme=-0.1))
    find(problems_of(broken), "signals.yaml", "settings", "'points_per_theme'")


def test_rules_that_are_not_a_list(broken):
    edit_yaml(broken, "signals.yaml", lambda data: data.update(rules={"id": "oops"}))
    find(problems_of(broken), "signals.yaml", "'rules'", "must be a list")


def test_acceptance_scale_may_not_take_the_confidence_gap_id(broken):
    def rename(data):
        entry(data["acceptance_scales"], "social_influence")["id"] = "confidence_gap"
        for item in data["items"]:
            if item.get("acceptance_scale") == "social_influence":
                item["acceptance_scale"] = "confidence_gap"

    edit_yaml(broken, "questionnaire.yaml", rename)
    problems = problems_of(broken)
    find(problems, "questionnaire.yaml", "acceptance scale 'confidence_gap'", "choose another")
    # The social influence rule now watches a scale that is gone, which is reported too.
    find(problems, "signals.yaml", "rule 'low_social_influence'", "'social_influence'")


def test_missing_signals_file(broken):
    (broken / "signals.yaml").unlink()
    assert problems_of(broken) == [
        ModelProblem("signals.yaml", "(file)", f"file is missing from {broken}")
    ]


def test_no_rules_at_all_is_a_valid_choice(broken):
    edit_yaml(broken, "signals.yaml", lambda data: data.update(rules=[]))
    model = load_model_dir(broken)
    assert model.signals.rules == []
    assert model.signals.default_target_level == 4


def test_signal_defects_are_reported_together(broken):
    def break_three(data):
        data["default_target_level"] = 9
        entry(data["rules"], "low_effort_expectancy")["watches"] = "ease"
        entry(data["rules"], "low_social_influence")["points_to"] = ["nothing_here"]

    edit_yaml(broken, "signals.yaml", break_three)
    problems = problems_of(broken)
    assert len(problems) == 3
    find(problems, "signals.yaml", "default_target_level", "9 is not a maturity level")
    find(problems, "signals.yaml", "rule 'low_effort_expectancy'", "'ease'")
    find(problems, "signals.yaml", "rule 'low_social_influence'", "'nothing_here'")


def test_changing_a_rule_threshold_changes_the_version(model, broken):
    edit_rule(broken, "low_effort_expectancy", threshold=2.8)
    assert model_version(load_model_dir(broken)) != model_version(model)


def test_snapshot_saved_before_interventions_said_who_carries_them_out_keeps_its_version(model):
    data = json.loads(model_to_json(model))
    for intervention in data["interventions"]:
        del intervention["carried_out_by"]
    old_content = json.dumps(data, sort_keys=True, separators=(",", ":"))
    old = model_from_json(old_content)
    assert all(i.carried_out_by is None for i in old.interventions)
    assert model_to_json(old) == old_content
    assert model_version(old) == hashlib.sha256(old_content.encode()).hexdigest()


def test_snapshot_saved_before_signals_existed_still_loads_with_its_version(model):
    # A round opened before signals.yaml stored JSON without the "signals" key.
    data = json.loads(model_to_json(model))
    del data["signals"]
    old_content = json.dumps(data, sort_keys=True, separators=(",", ":"))
    old = model_from_json(old_content)
    assert old.signals.rules == []
    assert old.signals.default_target_level == 4
    assert old.conditions == model.conditions
    # Its text, and so the version it was stored under, are what they were.
    assert model_to_json(old) == old_content
    assert model_version(old) == hashlib.sha256(old_content.encode()).hexdigest()
