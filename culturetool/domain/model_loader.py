"""Load the culture model from its YAML files, check it, and give it a version.

Every problem is collected (not just the first) and named by file and entry, so that the
person editing the model can fix them all in one pass.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from culturetool.domain.kinds import CarriedOutBy
from culturetool.domain.model_schema import (
    CONFIDENCE_GAP,
    LEVELS,
    LIKERT_VALUES,
    AcceptanceScale,
    Bundle,
    Condition,
    CultureModel,
    Intervention,
    Item,
    ModelMeta,
    Provenance,
    Questionnaire,
    ResponseScale,
    SignalRule,
    Signals,
    Source,
)
from culturetool.domain.questionnaire_wording import PageText

META_FILE = "model.yaml"
CONDITIONS_FILE = "conditions.yaml"
BUNDLES_FILE = "bundles.yaml"
INTERVENTIONS_FILE = "interventions.yaml"
QUESTIONNAIRE_FILE = "questionnaire.yaml"
SIGNALS_FILE = "signals.yaml"
MODEL_FILES = (
    META_FILE,
    CONDITIONS_FILE,
    BUNDLES_FILE,
    INTERVENTIONS_FILE,
    QUESTIONNAIRE_FILE,
    SIGNALS_FILE,
)

MIN_ITEMS_PER_ACCEPTANCE_SCALE = 2


@dataclass(frozen=True)
class ModelProblem:
    file: str
    entry: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.message}"


class ModelInvalid(Exception):
    def __init__(self, problems: list[ModelProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _Collector:
    def __init__(self) -> None:
        self.problems: list[ModelProblem] = []

    def add(self, file: str, entry: str, message: str) -> None:
        self.problems.append(ModelProblem(file, entry, message))

    def validate(self, cls: type[BaseModel], data: Any, file: str, entry: str) -> Any:
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                self.add(file, entry, _describe(error))
            return None


def _describe(error: Any) -> str:
    path = ".".join(str(part) for part in error["loc"])
    kind = error["type"]
    if kind == "missing":
        return f"'{path}' is missing"
    if kind == "string_too_short":
        return f"'{path}' is empty"
    if kind == "extra_forbidden":
        return f"'{path}' is not a field this entry can have (a typing mistake?)"
    if kind == "string_pattern_mismatch":
        if "timestamps" in path:
            return f"'{path}' must be a transcript time such as \"00:19:57\""
        return f"'{path}' must use lower-case letters, digits and underscores only"
    if kind == "enum" and path.endswith("carried_out_by"):
        return f"'{path}' must be one of {_CARRIED_OUT_BY}, not {error['input']!r}"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"'{path}': {message}" if path else message


_CARRIED_OUT_BY = ", ".join(
    f"{member.value} ({meaning})"
    for member, meaning in (
        (CarriedOutBy.TEAM, "the team and its manager"),
        (CarriedOutBy.AREA, "the service or area"),
        (CarriedOutBy.ORGANISATION, "the whole organisation"),
    )
)


def _entry_label(kind: str, raw: Any, position: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"].strip():
        return f"{kind} '{raw['id']}'"
    return f"{kind} #{position}"


def _read_yaml(directory: Path, name: str, out: _Collector) -> Any:
    path = directory / name
    if not path.is_file():
        out.add(name, "(file)", f"file is missing from {directory}")
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        out.add(name, "(file)", "is not UTF-8 text; save it as UTF-8")
        return None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        out.add(name, "(file)", f"is not valid YAML{line}: {getattr(exc, 'problem', exc)}")
        return None
    if not isinstance(data, dict):
        out.add(name, "(file)", "must be a mapping of keys to values at the top level")
        return None
    return data


def _entries(
    data: dict | None, key: str, cls: type[BaseModel], file: str, kind: str, out: _Collector
) -> list[Any]:
    """Validate each entry of a list separately so a problem names the entry it is in."""
    if data is None:
        return []
    raw_list = data.get(key)
    if not isinstance(raw_list, list) or not raw_list:
        out.add(file, f"'{key}'", f"must be a non-empty list of {kind}s")
        return []
    valid = []
    for position, raw in enumerate(raw_list, start=1):
        entry = out.validate(cls, raw, file, _entry_label(kind, raw, position))
        if entry is not None:
            valid.append(entry)
    return valid


def _duplicates(values: Iterable[Any]) -> list[Any]:
    return [value for value, count in Counter(values).items() if count > 1]


def check_model_dir(directory: str | Path) -> tuple[CultureModel | None, list[ModelProblem]]:
    """Read and check a model folder. Returns the model only when there are no problems."""
    directory = Path(directory)
    out = _Collector()
    if not directory.is_dir():
        out.add(str(directory), "(folder)", "is not a folder holding the model's YAML files")
        return None, out.problems

    meta_data = _read_yaml(directory, META_FILE, out)
    meta = out.validate(ModelMeta, meta_data, META_FILE, "model") if meta_data is not None else None

    conditions_data = _read_yaml(directory, CONDITIONS_FILE, out)
    conditions: list[Condition] = _entries(
        conditions_data, "conditions", Condition, CONDITIONS_FILE, "condition", out
    )
    bundles_data = _read_yaml(directory, BUNDLES_FILE, out)
    bundles: list[Bundle] = _entries(bundles_data, "bundles", Bundle, BUNDLES_FILE, "bundle", out)
    interventions_data = _read_yaml(directory, INTERVENTIONS_FILE, out)
    interventions: list[Intervention] = _entries(
        interventions_data, "interventions", Intervention, INTERVENTIONS_FILE, "intervention", out
    )
    q_data = _read_yaml(directory, QUESTIONNAIRE_FILE, out)
    scale = page_text = None
    if q_data is not None:
        scale = out.validate(ResponseScale, q_data.get("scale"), QUESTIONNAIRE_FILE, "scale")
        # Required of the model files; only a model saved before it existed may lack it.
        page_text = out.validate(PageText, q_data.get("page_text"), QUESTIONNAIRE_FILE, "page_text")
        for name in ("not_sent_yet", "cannot_open_now"):
            if page_text is not None and getattr(page_text, name) is None:
                out.add(QUESTIONNAIRE_FILE, f"page_text.{name}", "is required")
    acceptance: list[AcceptanceScale] = _entries(
        q_data, "acceptance_scales", AcceptanceScale, QUESTIONNAIRE_FILE, "acceptance scale", out
    )
    items: list[Item] = _entries(q_data, "items", Item, QUESTIONNAIRE_FILE, "item", out)
    signals = _signals(_read_yaml(directory, SIGNALS_FILE, out), out)

    if meta is not None:
        _check_meta(meta, out)
    if scale is not None:
        values = sorted(option.value for option in scale.options)
        if values != list(LIKERT_VALUES):
            out.add(
                QUESTIONNAIRE_FILE,
                "scale",
                "options must have the values 1, 2, 3, 4 and 5, once each",
            )
    _check_references(meta, conditions, bundles, interventions, acceptance, items, out)
    if signals is not None:
        _check_signals(signals, meta, interventions, acceptance, out)

    if out.problems:
        return None, out.problems
    assert meta is not None and scale is not None and signals is not None
    assert page_text is not None
    model = CultureModel(
        meta=meta,
        conditions=conditions,
        bundles=bundles,
        interventions=interventions,
        questionnaire=Questionnaire(
            scale=scale, acceptance_scales=acceptance, items=items, page_text=page_text
        ),
        signals=signals,
    )
    return model, []


def _signals(data: dict | None, out: _Collector) -> Signals | None:
    """The settings and the rules of signals.yaml; each rule is checked as its own entry.

    Unlike the other lists, `rules` may be empty: an organisation can switch every rule off.
    """
    if data is None:
        return None
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        out.add(SIGNALS_FILE, "'rules'", "must be a list of signal rules")
        raw_rules = []
    rules = []
    for position, raw in enumerate(raw_rules, start=1):
        rule = out.validate(SignalRule, raw, SIGNALS_FILE, _entry_label("rule", raw, position))
        if rule is not None:
            rules.append(rule)
    settings = {key: value for key, value in data.items() if key != "rules"}
    validated = out.validate(Signals, settings, SIGNALS_FILE, "settings")
    return None if validated is None else validated.model_copy(update={"rules": rules})


def _check_meta(meta: ModelMeta, out: _Collector) -> None:
    levels = [lv.level for lv in meta.maturity_levels]
    for missing in sorted(set(LEVELS) - set(levels)):
        out.add(META_FILE, "maturity_levels", f"maturity level {missing} is missing")
    for duplicate in _duplicates(levels):
        out.add(META_FILE, "maturity_levels", f"maturity level {duplicate} appears more than once")
    ordered = sorted(meta.maturity_levels, key=lambda lv: lv.level)
    if ordered and ordered[0].min_score != 1.0:
        out.add(META_FILE, f"maturity level {ordered[0].level}", "'min_score' must be 1.0")
    for lower, higher in zip(ordered, ordered[1:], strict=False):
        if higher.min_score <= lower.min_score:
            out.add(
                META_FILE,
                f"maturity level {higher.level}",
                f"'min_score' must be higher than level {lower.level}'s ({lower.min_score})",
            )
    for duplicate in _duplicates(s.id for s in meta.sources):
        out.add(META_FILE, f"source '{duplicate}'", "id is used more than once")


def _check_sources(
    meta: ModelMeta | None, file: str, label: str, provenance: list[Provenance], out: _Collector
) -> None:
    if meta is None:
        return
    sources: dict[str, Source] = {s.id: s for s in meta.sources}
    for p in provenance:
        source = sources.get(p.source)
        if source is None:
            out.add(file, label, f"provenance names unknown source '{p.source}' (see {META_FILE})")
        elif source.timed and not p.timestamps:
            out.add(file, label, f"provenance from '{p.source}' needs at least one timestamp")
        elif not source.timed and p.note is None:
            out.add(
                file,
                label,
                f"provenance from untimed source '{p.source}' needs a 'note' saying where in it",
            )


def _check_references(
    meta: ModelMeta | None,
    conditions: list[Condition],
    bundles: list[Bundle],
    interventions: list[Intervention],
    acceptance: list[AcceptanceScale],
    items: list[Item],
    out: _Collector,
) -> None:
    for file, kind, entries in (
        (CONDITIONS_FILE, "condition", conditions),
        (BUNDLES_FILE, "bundle", bundles),
        (INTERVENTIONS_FILE, "intervention", interventions),
        (QUESTIONNAIRE_FILE, "acceptance scale", acceptance),
        (QUESTIONNAIRE_FILE, "item", items),
    ):
        for duplicate in _duplicates(e.id for e in entries):
            out.add(file, f"{kind} '{duplicate}'", "id is used more than once; ids must be unique")
    for file, kind, numbered in (
        (CONDITIONS_FILE, "condition", conditions),
        (BUNDLES_FILE, "bundle", bundles),
    ):
        for duplicate in _duplicates(e.number for e in numbered):
            out.add(file, f"{kind} number {duplicate}", "number is used more than once")

    condition_ids = {c.id for c in conditions}
    bundle_ids = {b.id for b in bundles}
    scale_ids = {s.id for s in acceptance}
    for scale in acceptance:
        if scale.plain_name is None:
            out.add(
                QUESTIONNAIRE_FILE,
                f"acceptance scale '{scale.id}'",
                "'plain_name' is missing: say in everyday words what the scale asks",
            )

    def check_sources(file: str, label: str, entry: Condition | Bundle | Intervention) -> None:
        _check_sources(meta, file, label, entry.provenance, out)

    served: set[str] = set()
    for condition in conditions:
        label = f"condition '{condition.id}'"
        for level in LEVELS:
            if level not in condition.levels:
                out.add(
                    CONDITIONS_FILE, label, f"has no 'what good looks like' text for level {level}"
                )
        for level in sorted(set(condition.levels) - set(LEVELS)):
            out.add(CONDITIONS_FILE, label, f"level {level} is not a maturity level (1 to 5)")
        check_sources(CONDITIONS_FILE, label, condition)
    for bundle in bundles:
        label = f"bundle '{bundle.id}'"
        if not bundle.serves:
            out.add(BUNDLES_FILE, label, "serves no condition; add at least one under 'serves'")
        for link in bundle.serves:
            if link.condition not in condition_ids:
                out.add(BUNDLES_FILE, label, f"serves unknown condition '{link.condition}'")
            served.add(link.condition)
        for duplicate in _duplicates(link.condition for link in bundle.serves):
            out.add(BUNDLES_FILE, label, f"serves condition '{duplicate}' more than once")
        check_sources(BUNDLES_FILE, label, bundle)
    for intervention in interventions:
        label = f"intervention '{intervention.id}'"
        if intervention.bundle not in bundle_ids:
            out.add(INTERVENTIONS_FILE, label, f"belongs to unknown bundle '{intervention.bundle}'")
        if intervention.carried_out_by is None:
            out.add(
                INTERVENTIONS_FILE,
                label,
                f"'carried_out_by' is missing: say who carries it out ({_CARRIED_OUT_BY})",
            )
        check_sources(INTERVENTIONS_FILE, label, intervention)

    measured: Counter[str] = Counter()
    scale_counts: Counter[str] = Counter()
    confidence: Counter[str] = Counter()
    for item in items:
        label = f"item '{item.id}'"
        if item.condition is not None:
            if item.condition not in condition_ids:
                out.add(QUESTIONNAIRE_FILE, label, f"measures unknown condition '{item.condition}'")
            measured[item.condition] += 1
        if item.acceptance_scale is not None:
            if item.acceptance_scale not in scale_ids:
                out.add(
                    QUESTIONNAIRE_FILE,
                    label,
                    f"belongs to unknown acceptance scale '{item.acceptance_scale}'",
                )
            scale_counts[item.acceptance_scale] += 1
        if item.confidence is not None:
            confidence[item.confidence] += 1

    for condition in conditions:
        label = f"condition '{condition.id}'"
        if condition.id not in served:
            out.add(
                CONDITIONS_FILE,
                label,
                f"no bundle serves it; add it to a bundle's 'serves' in {BUNDLES_FILE}",
            )
        if measured[condition.id] == 0:
            out.add(CONDITIONS_FILE, label, f"has no questionnaire items in {QUESTIONNAIRE_FILE}")
    for scale in acceptance:
        if scale_counts[scale.id] < MIN_ITEMS_PER_ACCEPTANCE_SCALE:
            out.add(
                QUESTIONNAIRE_FILE,
                f"acceptance scale '{scale.id}'",
                f"needs at least {MIN_ITEMS_PER_ACCEPTANCE_SCALE} items, "
                f"has {scale_counts[scale.id]}",
            )
    if items and (confidence["personal"] != 1 or confidence["work"] != 1):
        out.add(
            QUESTIONNAIRE_FILE,
            "items",
            "needs exactly one 'confidence: personal' item and one 'confidence: work' item",
        )


def _check_signals(
    signals: Signals,
    meta: ModelMeta | None,
    interventions: list[Intervention],
    acceptance: list[AcceptanceScale],
    out: _Collector,
) -> None:
    levels = sorted(lv.level for lv in meta.maturity_levels) if meta is not None else LEVELS
    if signals.default_target_level not in levels:
        out.add(
            SIGNALS_FILE,
            "default_target_level",
            f"{signals.default_target_level} is not a maturity level "
            f"({', '.join(str(level) for level in levels)})",
        )
    scale_ids = {s.id for s in acceptance}
    if CONFIDENCE_GAP in scale_ids:
        out.add(
            QUESTIONNAIRE_FILE,
            f"acceptance scale '{CONFIDENCE_GAP}'",
            f"this id is kept for the confidence gap in {SIGNALS_FILE}; choose another",
        )
    intervention_ids = {i.id for i in interventions}
    for duplicate in _duplicates(rule.id for rule in signals.rules):
        out.add(
            SIGNALS_FILE, f"rule '{duplicate}'", "id is used more than once; ids must be unique"
        )
    for rule in signals.rules:
        label = f"rule '{rule.id}'"
        if rule.watches == CONFIDENCE_GAP:
            # Personal minus work confidence, each 1 to 5, lies between -4 and 4.
            if not -4 <= rule.threshold <= 4:
                out.add(SIGNALS_FILE, label, "'threshold' for the confidence gap must be -4 to 4")
        elif rule.watches in scale_ids:
            if not 1 <= rule.threshold <= 5:
                out.add(SIGNALS_FILE, label, "'threshold' must be on the 1 to 5 scale")
        else:
            out.add(
                SIGNALS_FILE,
                label,
                f"watches unknown acceptance scale '{rule.watches}' (see {QUESTIONNAIRE_FILE};"
                f" or '{CONFIDENCE_GAP}' for personal minus work confidence)",
            )
        for intervention in rule.points_to:
            if intervention not in intervention_ids:
                out.add(
                    SIGNALS_FILE,
                    label,
                    f"points to unknown intervention '{intervention}' (see {INTERVENTIONS_FILE})",
                )
        for duplicate in _duplicates(rule.points_to):
            out.add(SIGNALS_FILE, label, f"points to '{duplicate}' more than once")
        _check_sources(meta, SIGNALS_FILE, label, rule.provenance, out)


def load_model_dir(directory: str | Path) -> CultureModel:
    model, problems = check_model_dir(directory)
    if model is None:
        raise ModelInvalid(problems)
    return model


def model_to_json(model: CultureModel) -> str:
    """Canonical JSON: the same model always gives the same text, whatever its YAML layout."""
    data = model.model_dump(mode="json")
    if model.signals == Signals():
        # A snapshot saved before signals.yaml existed reads back with these defaults; leaving
        # them out keeps its text, and so its version, what it was when it was saved.
        del data["signals"]
    for intervention in data["interventions"]:
        if intervention["carried_out_by"] is None:
            # Likewise a snapshot saved before interventions said who carries them out.
            del intervention["carried_out_by"]
    for scale in data["questionnaire"]["acceptance_scales"]:
        if scale["plain_name"] is None:
            # Likewise a snapshot saved before acceptance scales had plain names.
            del scale["plain_name"]
    if data["questionnaire"]["page_text"] is None:
        # Likewise a snapshot saved before the respondent's page texts were in the model.
        del data["questionnaire"]["page_text"]
    else:
        for name in ("not_sent_yet", "cannot_open_now"):
            if data["questionnaire"]["page_text"][name] is None:
                # Likewise a snapshot saved before the texts said when the database is away.
                del data["questionnaire"]["page_text"][name]
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def model_from_json(content: str) -> CultureModel:
    return CultureModel.model_validate_json(content)


def model_version(model: CultureModel) -> str:
    """A content hash: edits that change meaning change the version, reformatting does not."""
    return hashlib.sha256(model_to_json(model).encode("utf-8")).hexdigest()


def summary_lines(model: CultureModel) -> list[str]:
    items = model.questionnaire.items
    target = model.maturity_level(model.signals.default_target_level)
    return [
        f"{model.meta.name} ({model.meta.version_label}), version {model_version(model)[:12]}",
        f"Objective: {model.meta.objective}",
        f"{len(model.conditions)} conditions",
        f"{len(model.bundles)} bundles",
        f"{len(model.interventions)} interventions",
        f"{len(items)} questionnaire items "
        f"({sum(i.condition is not None for i in items)} on conditions, "
        f"{sum(i.acceptance_scale is not None for i in items)} on technology acceptance, "
        f"{sum(i.confidence is not None for i in items)} on digital confidence; "
        f"{sum(i.reverse for i in items)} reverse-worded)",
        f"{len(model.signals.rules)} signal rules",
        f"Default target: level {target.level} ({target.name})",
    ]
