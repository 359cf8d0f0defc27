"""Helpers for tests that need a model folder: copy the real one and edit it, or write a tiny one.

These write real YAML files and read them back with the real loader; nothing is faked.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = PROJECT_ROOT / "model"


def copy_model(destination: Path) -> Path:
    """A copy of the project's model/ folder at destination, ready to be edited."""
    shutil.copytree(MODEL_DIR, destination)
    return destination


def read_yaml(directory: Path, name: str) -> Any:
    return yaml.safe_load((directory / name).read_text(encoding="utf-8"))


def write_yaml(directory: Path, name: str, data: Any, **dump_options: Any) -> None:
    options = {"allow_unicode": True, "sort_keys": False} | dump_options
    (directory / name).write_text(yaml.safe_dump(data, **options), encoding="utf-8")


def edit_yaml(directory: Path, name: str, change: Callable[[Any], None]) -> None:
    """Load one model file, let `change` modify it in place, and write it back."""
    data = read_yaml(directory, name)
    change(data)
    write_yaml(directory, name, data)


def entry(entries: list[dict], entry_id: str) -> dict:
    """The entry of a YAML list with the given id."""
    return next(e for e in entries if e["id"] == entry_id)


# ---- a tiny model: 2 conditions x 2 items, 4 acceptance scales x 2 items, confidence pair ----
# Bundles (number: serves, weight -> interventions):
#   1 both:      alpha 1.0, beta 0.6 -> do_it
#   2 beta_only: beta 1.0            -> beta_work
#   3 kit:       alpha 0.3           -> try_kit, champions
# Signal rules: hard_to_use (effort_expectancy below 3.0 -> try_kit) and home_not_work
# (confidence_gap at least 0.75 -> champions, do_it). Default target level 4 (3.4); 0.1 per theme.

TINY_LEVELS = [
    {"level": 1, "name": "Emerging", "min_score": 1.0, "summary": "Level one."},
    {"level": 2, "name": "Developing", "min_score": 1.8, "summary": "Level two."},
    {"level": 3, "name": "Established", "min_score": 2.6, "summary": "Level three."},
    {"level": 4, "name": "Thriving", "min_score": 3.4, "summary": "Level four."},
    {"level": 5, "name": "Embedded", "min_score": 4.2, "summary": "Level five."},
]
PROVENANCE = [{"source": "notes", "timestamps": ["00:00:01"]}]

# Item order in the tiny questionnaire (statement numbers are 1-based positions in this list):
#  1 a1, 2 a2 (reverse), 3 b1, 4 b2, 5 pe_1, 6 pe_2, 7 ee_1, 8 ee_2 (reverse),
#  9 si_1, 10 si_2, 11 fc_1, 12 fc_2, 13 conf_personal, 14 conf_work
TINY_ITEM_IDS = ["a1", "a2", "b1", "b2"]
TINY_ITEM_IDS += [f"{scale}_{n}" for scale in ("pe", "ee", "si", "fc") for n in (1, 2)]
TINY_ITEM_IDS += ["conf_personal", "conf_work"]


def _item(item_id: str, reverse: bool = False, **target: str) -> dict:
    return {
        "id": item_id,
        "text": f"Statement {item_id}.",
        "easy_read": f"Easy {item_id}.",
        "reverse": reverse,
        **target,
    }


def _rule(rule_id: str, watches: str, when: str, threshold: float, points_to: list[str]) -> dict:
    return {
        "id": rule_id,
        "name": f"Rule {rule_id}",
        "watches": watches,
        "when": when,
        "threshold": threshold,
        "points_to": points_to,
        "reason": f"Reason for {rule_id}.",
        "provenance": PROVENANCE,
    }


def write_tiny_model(directory: Path) -> Path:
    """Write a complete, valid six-file model folder with two conditions and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    write_yaml(
        directory,
        "model.yaml",
        {
            "id": "tiny-model",
            "name": "Tiny model",
            "version_label": "test.1",
            "objective": "Check the arithmetic",
            "description": "Two conditions, small enough to score by hand.",
            "maturity_levels": TINY_LEVELS,
            "sources": [{"id": "notes", "file": "notes.txt", "title": "Test notes"}],
        },
    )
    write_yaml(
        directory,
        "conditions.yaml",
        {
            "conditions": [
                {
                    "id": cid,
                    "number": number,
                    "name": name,
                    "description": f"{name} described.",
                    "levels": {lv: f"{name} at level {lv}." for lv in range(1, 6)},
                    "provenance": PROVENANCE,
                }
                for number, (cid, name) in enumerate([("alpha", "Alpha"), ("beta", "Beta")], 1)
            ]
        },
    )
    bundles = [
        ("both", "Both", {"alpha": 1.0, "beta": 0.6}),
        ("beta_only", "Beta only", {"beta": 1.0}),
        ("kit", "Kit", {"alpha": 0.3}),
    ]
    write_yaml(
        directory,
        "bundles.yaml",
        {
            "bundles": [
                {
                    "id": bid,
                    "number": number,
                    "name": name,
                    "description": f"{name} described.",
                    "serves": [{"condition": c, "weight": w} for c, w in serves.items()],
                    "provenance": PROVENANCE,
                }
                for number, (bid, name, serves) in enumerate(bundles, 1)
            ]
        },
    )
    # Who carries each out: the first two need leaders, the kit bundle's the team can do itself.
    interventions = [
        ("do_it", "Do it", "both", "organisation"),
        ("beta_work", "Beta work", "beta_only", "area"),
        ("try_kit", "Try the kit", "kit", "team"),
        ("champions", "Champions", "kit", "team"),
    ]
    write_yaml(
        directory,
        "interventions.yaml",
        {
            "interventions": [
                {
                    "id": iid,
                    "name": name,
                    "bundle": bundle,
                    "what": f"{name}, described.",
                    "who": "Someone",
                    "carried_out_by": carried_out_by,
                    "timescale": "Soon",
                    "evidence": f"Evidence for {name}.",
                    "provenance": PROVENANCE,
                }
                for iid, name, bundle, carried_out_by in interventions
            ]
        },
    )
    write_yaml(
        directory,
        "signals.yaml",
        {
            "default_target_level": 4,
            "points_per_theme": 0.1,
            "rules": [
                _rule("hard_to_use", "effort_expectancy", "below", 3.0, ["try_kit"]),
                _rule("home_not_work", "confidence_gap", "at_least", 0.75, ["champions", "do_it"]),
            ],
        },
    )
    scales = [
        ("performance_expectancy", "Performance expectancy"),
        ("effort_expectancy", "Effort expectancy"),
        ("social_influence", "Social influence"),
        ("facilitating_conditions", "Facilitating conditions"),
    ]
    write_yaml(
        directory,
        "questionnaire.yaml",
        {
            "scale": {
                "options": [
                    {"value": v, "label": f"Label {v}", "easy_read": f"Easy {v}"}
                    for v in range(1, 6)
                ],
                "dont_know": {"label": "Don't know", "easy_read": "I don't know"},
            },
            "acceptance_scales": [
                {
                    "id": sid,
                    "name": name,
                    "plain_name": f"{name} in plain words",
                    "description": f"{name} described.",
                }
                for sid, name in scales
            ],
            "items": [
                _item("a1", condition="alpha"),
                _item("a2", reverse=True, condition="alpha"),
                _item("b1", condition="beta"),
                _item("b2", condition="beta"),
                _item("pe_1", acceptance_scale="performance_expectancy"),
                _item("pe_2", acceptance_scale="performance_expectancy"),
                _item("ee_1", acceptance_scale="effort_expectancy"),
                _item("ee_2", reverse=True, acceptance_scale="effort_expectancy"),
                _item("si_1", acceptance_scale="social_influence"),
                _item("si_2", acceptance_scale="social_influence"),
                _item("fc_1", acceptance_scale="facilitating_conditions"),
                _item("fc_2", acceptance_scale="facilitating_conditions"),
                _item("conf_personal", confidence="personal"),
                _item("conf_work", confidence="work"),
            ],
            # The respondent's page texts are the real ones: no rule depends on their wording.
            "page_text": read_yaml(MODEL_DIR, "questionnaire.yaml")["page_text"],
        },
    )
    return directory


def every_item(model: Any, value: int | None) -> dict[str, int | None]:
    """One complete response to the model's questionnaire with the same answer everywhere."""
    return {item.id: value for item in model.questionnaire.items}
