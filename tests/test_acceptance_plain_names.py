"""Each acceptance scale has a plain name that pages lead with; the research name stays in
small print. A model file without one does not load, and a snapshot saved before plain names
existed still loads under the version it was saved with."""

from __future__ import annotations

import hashlib
import json

from model_fixtures import MODEL_DIR, copy_model, edit_yaml, entry

from culturetool.domain.model_loader import (
    check_model_dir,
    load_model_dir,
    model_from_json,
    model_to_json,
    model_version,
)


def test_every_scale_of_the_real_model_has_a_plain_name_unlike_its_research_name():
    for scale in load_model_dir(MODEL_DIR).questionnaire.acceptance_scales:
        assert scale.plain_name and scale.plain_name != scale.name
        assert scale.shown_name == scale.plain_name


def test_a_scale_without_a_plain_name_is_reported_with_its_file_and_entry(tmp_path):
    directory = copy_model(tmp_path / "model")
    edit_yaml(
        directory,
        "questionnaire.yaml",
        lambda data: entry(data["acceptance_scales"], "effort_expectancy").pop("plain_name"),
    )
    model, problems = check_model_dir(directory)
    assert model is None
    assert [(p.file, p.entry) for p in problems if "plain_name" in p.message] == [
        ("questionnaire.yaml", "acceptance scale 'effort_expectancy'")
    ]


def test_a_snapshot_without_plain_names_loads_shows_the_research_names_and_keeps_its_version():
    data = json.loads(model_to_json(load_model_dir(MODEL_DIR)))
    for scale in data["questionnaire"]["acceptance_scales"]:
        del scale["plain_name"]
    old_content = json.dumps(data, sort_keys=True, separators=(",", ":"))
    old = model_from_json(old_content)
    assert [s.shown_name for s in old.questionnaire.acceptance_scales] == [
        s.name for s in old.questionnaire.acceptance_scales
    ]
    assert model_to_json(old) == old_content
    assert model_version(old) == hashlib.sha256(old_content.encode()).hexdigest()
