"""The care-tech culture model as typed data.

The model lives as YAML in `model/`; these pydantic classes describe one file entry each.
Cross-references (a bundle serving a condition, an item measuring a condition...) are checked
in `model_loader`, which reports every problem at once with the file and the entry.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from culturetool.domain.kinds import CarriedOutBy
from culturetool.domain.questionnaire_wording import PageText

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
]
Timestamp = Annotated[str, StringConstraints(pattern=r"^\d{2}:\d{2}:\d{2}$")]

LEVELS = (1, 2, 3, 4, 5)
LIKERT_VALUES = (1, 2, 3, 4, 5)


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Provenance(Entry):
    """Where an entry comes from: timestamps into a timed source, or a note for an untimed one."""

    source: Identifier
    timestamps: list[Timestamp] = []
    note: Text | None = None


class Source(Entry):
    id: Identifier
    file: Text
    title: Text
    timed: bool = True  # a transcript with (hh:mm:ss) marks; untimed ones are cited by a note


class MaturityLevel(Entry):
    level: int = Field(ge=1, le=5)
    name: Text
    min_score: float = Field(ge=1.0, le=5.0)
    summary: Text


class ModelMeta(Entry):
    id: Annotated[str, StringConstraints(min_length=1, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    name: Text
    version_label: Text
    objective: Text
    description: Text
    maturity_levels: list[MaturityLevel] = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)


class Condition(Entry):
    id: Identifier
    number: int = Field(ge=1)
    name: Text
    description: Text
    levels: dict[int, Text]
    provenance: list[Provenance] = Field(min_length=1)


class BundleLink(Entry):
    condition: Identifier
    weight: float = Field(gt=0, le=1)


class Bundle(Entry):
    id: Identifier
    number: int = Field(ge=1)
    name: Text
    description: Text
    serves: list[BundleLink]
    provenance: list[Provenance] = Field(min_length=1)


class Intervention(Entry):
    id: Identifier
    name: Text
    bundle: Identifier
    what: Text
    who: Text
    # Required in interventions.yaml (model_loader says so when it is missing); None only in a
    # snapshot of the model saved before the field existed, which must still load.
    carried_out_by: CarriedOutBy | None = None
    timescale: Text
    evidence: Text
    provenance: list[Provenance] = Field(min_length=1)


class ScaleOption(Entry):
    value: int = Field(ge=1, le=5)
    label: Text
    easy_read: Text


class DontKnow(Entry):
    label: Text
    easy_read: Text


class ResponseScale(Entry):
    options: list[ScaleOption]
    dont_know: DontKnow


class AcceptanceScale(Entry):
    id: Identifier
    name: Text  # the research name, shown in small print beside the plain one
    # What the scale asks, in everyday words ("Technology will help the people we support").
    # Required in questionnaire.yaml (model_loader says so when it is missing); None only in a
    # snapshot of the model saved before the field existed, which must still load.
    plain_name: Text | None = None
    description: Text

    @property
    def shown_name(self) -> str:
        """The name pages lead with: the plain one, or the research name in an old snapshot."""
        return self.plain_name or self.name


class Item(Entry):
    """One statement of the team questionnaire; it measures exactly one thing."""

    id: Identifier
    text: Text
    easy_read: Text
    reverse: bool = False
    condition: Identifier | None = None
    acceptance_scale: Identifier | None = None
    confidence: Literal["personal", "work"] | None = None

    @model_validator(mode="after")
    def _measures_one_thing(self) -> Item:
        targets = [self.condition, self.acceptance_scale, self.confidence]
        if sum(t is not None for t in targets) != 1:
            raise ValueError(
                "must name exactly one of 'condition', 'acceptance_scale' or 'confidence'"
            )
        return self


class Questionnaire(Entry):
    scale: ResponseScale
    acceptance_scales: list[AcceptanceScale]
    items: list[Item]
    # The respondent's pages in both wordings; None in a model saved before they were written.
    page_text: PageText | None = None


CONFIDENCE_GAP = "confidence_gap"  # what a signal rule watches to compare personal with work


class SignalRule(Entry):
    """When a team's acceptance or confidence score crosses a threshold, point at interventions.

    `watches` is an acceptance scale id, or `confidence_gap` (personal minus work confidence).
    """

    id: Identifier
    name: Text
    watches: Identifier
    when: Literal["below", "at_least"]
    threshold: float
    points_to: list[Identifier] = Field(min_length=1)
    reason: Text
    provenance: list[Provenance] = Field(min_length=1)

    def fires(self, value: float) -> bool:
        return value < self.threshold if self.when == "below" else value >= self.threshold


class Signals(Entry):
    """How recommendations are made: the default target and the signal rules (signals.yaml).

    The defaults are what a model snapshot saved before signals.yaml existed means: target
    level 4 everywhere and no rules.
    """

    default_target_level: int = 4
    points_per_theme: float = Field(default=0.1, ge=0)
    rules: list[SignalRule] = []


class CultureModel(Entry):
    """The whole validated model. Build it through `model_loader`, which checks references."""

    meta: ModelMeta
    conditions: list[Condition]
    bundles: list[Bundle]
    interventions: list[Intervention]
    questionnaire: Questionnaire
    signals: Signals = Signals()

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    @cached_property
    def condition_by_id(self) -> dict[str, Condition]:
        return {c.id: c for c in self.conditions}

    @cached_property
    def acceptance_scale_by_id(self) -> dict[str, AcceptanceScale]:
        return {s.id: s for s in self.questionnaire.acceptance_scales}

    @cached_property
    def item_by_id(self) -> dict[str, Item]:
        return {i.id: i for i in self.questionnaire.items}

    @cached_property
    def intervention_by_id(self) -> dict[str, Intervention]:
        return {i.id: i for i in self.interventions}

    def maturity_level(self, level: int) -> MaturityLevel:
        return next(lv for lv in self.meta.maturity_levels if lv.level == level)

    @cached_property
    def item_figures_by_condition(self) -> dict[str, tuple[str, ...]]:
        """Condition id -> its statements' running figures ("item:<id>"), in questionnaire
        order (a county look asks it of every team's every condition)."""
        found: dict[str, list[str]] = {c.id: [] for c in self.conditions}
        for item in self.questionnaire.items:
            if item.condition is not None:
                found.setdefault(item.condition, []).append(f"item:{item.id}")
        return {condition: tuple(figures) for condition, figures in found.items()}

    def items_for_condition(self, condition_id: str) -> list[Item]:
        return [i for i in self.questionnaire.items if i.condition == condition_id]

    def level_for_score(self, score: float) -> MaturityLevel:
        """The highest maturity level whose lower bound the score reaches."""
        levels = sorted(self.meta.maturity_levels, key=lambda lv: lv.min_score)
        reached = [lv for lv in levels if score >= lv.min_score - 1e-9]
        return reached[-1] if reached else levels[0]

    def bundles_for_condition(self, condition_id: str) -> list[tuple[Bundle, float]]:
        return [
            (b, link.weight)
            for b in self.bundles
            for link in b.serves
            if link.condition == condition_id
        ]
