"""Disclosed figures as rows of a results page: a score per condition and acceptance scale with
its level and its note, the confidence gap and the chart. Shared by a round's results
(`services/round_results.py`) and an area's (`services/area_results.py`)."""

from __future__ import annotations

from collections.abc import Mapping

from culturetool.analytics.charts import chart_bands, scale_position
from culturetool.domain.model_schema import Condition, CultureModel
from culturetool.domain.scoring import GroupScore
from culturetool.domain.summary import ShownScore, results_summary
from culturetool.domain.targets import gap_to_band, gap_words, target_band
from culturetool.domain.wording import count_of, how_sure_words
from culturetool.store.disclosure import CONFIDENCE, AsBefore, Disclosed, FigureKey
from culturetool.views.results import AreaResultsView, Hidden, ResultsView, ScoreRow


def why_hidden(figure: FigureKey, protected: frozenset[FigureKey]) -> Hidden:
    """Why the gate withheld `figure`: to protect another group, or for too few answers."""
    return Hidden.PROTECTED if figure in protected else Hidden.TOO_FEW


def _as_before_summary(notes: list[str]) -> str:
    """One sentence for the page when scores are shown as they were earlier: the note itself
    when they all say the same, else a general one (each row's note is in the files)."""
    different = {note for note in notes if note}
    if not different:
        return ""
    if len(different) == 1:
        return f"Scores marked “as before”: {different.pop()}"
    return (
        "Scores marked “as before” are shown as they were when fewer people had "
        "answered. Each updates once enough new people have answered that nobody's answers "
        "can be worked out by comparing the two."
    )


def as_before_note(earlier: AsBefore | None) -> str:
    """Why a score is the one shown earlier: the words that go beside it on pages and in files."""
    if earlier is None:
        return ""
    when = f"As it was when {count_of(earlier.people, 'person', 'people')} had answered"
    if earlier.more_needed:
        more = (
            "1 more person has"
            if earlier.more_needed == 1
            else f"{earlier.more_needed} more people have"
        )
        update = f"it will update once {more} answered"
    else:
        update = "it will update once more people have answered"
    return f"{when}: {update}, so that nobody's answers can be worked out by comparing the two."


def _aim(condition: Condition, reached: int, model: CultureModel) -> tuple[str, str]:
    """What to aim for from the level reached: the next level up and what it looks like, worded
    as a goal rather than as a fact about the team; at the top level, keeping it up."""
    higher = sorted(
        (lv for lv in model.meta.maturity_levels if lv.level > reached), key=lambda lv: lv.level
    )
    if not higher:
        top = model.maturity_level(reached)
        return f"Keeping it up at {top.name}", condition.levels.get(reached, "")
    step = higher[0]
    return f"To reach {target_band(step)}", condition.levels.get(step.level, "")


def score_row(
    group: GroupScore | None,
    key: str,
    name: str,
    model: CultureModel,
    reason: Hidden = Hidden.TOO_FEW,
    earlier: AsBefore | None = None,
    target_level: int | None = None,
    research_name: str = "",
) -> ScoreRow:
    """One figure as a page's row. `target_level` is the condition's target in force; an
    acceptance scale has none, and `research_name` is its name in the research."""
    if group is None:
        return ScoreRow(key=key, name=name, shown=False, hidden=reason, research_name=research_name)
    mean = round(group.mean, 2)
    level = model.level_for_score(mean)  # the level of the score people see, not a hidden digit
    condition = model.condition_by_id.get(key)
    aim, aim_looks_like = _aim(condition, level.level, model) if condition else ("", "")
    row = ScoreRow(
        key=key,
        name=name,
        shown=True,
        research_name=research_name,
        mean=mean,
        bar_width=scale_position(mean),
        level=level.level,
        level_name=level.name,
        aim=aim,
        aim_looks_like=aim_looks_like,
        respondents=group.respondents,
        answers=group.answers,
        dont_know=group.dont_know,
        spread=round(group.spread, 2),
        how_sure=how_sure_words(group.respondents, group.spread, group.dont_know),
        note=as_before_note(earlier),
    )
    if condition is not None and target_level is not None:
        target = model.maturity_level(target_level)
        row.target = target_band(target)
        row.target_gap = gap_words(mean, target)
        row.below_target = gap_to_band(mean, target) > 0
    return row


SMALL_CONFIDENCE_GAP = 0.25  # under a quarter point the two are read as the same


def _confidence_sentence(gap: float) -> str:
    if abs(gap) < SMALL_CONFIDENCE_GAP:
        return "People feel about as confident with technology at work as in their personal life."
    where = (
        "in their personal life than at work" if gap > 0 else "at work than in their personal life"
    )
    return f"People feel more confident with technology {where}: a gap of {abs(gap):.1f} points."


def fill_scores(
    view: ResultsView | AreaResultsView,
    outcome: Disclosed,
    model: CultureModel,
    protected: frozenset[FigureKey] = frozenset(),
    targets: Mapping[str, int] | None = None,
    staff: int | None = None,
) -> None:
    """Put a disclosed set of scores on a page's view: the opening sentences, the rows with
    their targets (condition id -> level in force), confidence and the chart's bands. `staff`
    is how many work in the team or area, when recorded."""
    scores = outcome.scores
    earlier = outcome.as_before
    targets = targets or {}

    def row(
        kind: str, figure_id: str, name: str, target_level: int | None = None, research_name=""
    ) -> ScoreRow:
        values = scores.conditions if kind == "condition" else scores.acceptance
        figure = (kind, figure_id)
        return score_row(
            values[figure_id], figure_id, name, model, why_hidden(figure, protected),
            earlier.get(figure), target_level, research_name,
        )  # fmt: skip

    view.conditions = [
        row("condition", c.id, c.name, target_level=targets.get(c.id)) for c in model.conditions
    ]
    view.acceptance = [
        row("acceptance", s.id, s.shown_name, research_name=s.name if s.plain_name else "")
        for s in model.questionnaire.acceptance_scales
    ]
    if scores.confidence is not None:
        view.confidence_note = as_before_note(earlier.get(CONFIDENCE))
        view.confidence_shown = True
        view.confidence_personal = round(scores.confidence.personal, 2)
        view.confidence_work = round(scores.confidence.work, 2)
        view.confidence_gap = round(scores.confidence.gap, 2)
        view.confidence_sentence = _confidence_sentence(scores.confidence.gap)
    else:
        view.confidence_hidden = why_hidden(CONFIDENCE, protected)
    view.as_before_summary = _as_before_summary(
        [r.note for r in view.conditions + view.acceptance] + [view.confidence_note]
    )
    view.bands = chart_bands(model.meta.maturity_levels)
    # Only the rows the gate let through reach the summary, so it cannot name a hidden one.
    shown = [
        ShownScore(name=r.name, mean=r.mean, level_name=r.level_name, spread=r.spread)
        for r in view.conditions
        if r.shown
    ]
    who = "The area" if isinstance(view, AreaResultsView) else "The team"
    view.summary = results_summary(shown, outcome.responses, staff, who)
