"""Disclosed figures as rows of a results page: a score per condition and acceptance scale with
its level and its note, the confidence gap and the chart. Shared by a round's results
(`services/round_results.py`) and an area's (`services/area_results.py`)."""

from __future__ import annotations

from culturetool.analytics.charts import condition_chart_svg
from culturetool.domain.model_schema import CultureModel
from culturetool.domain.scoring import GroupScore
from culturetool.domain.wording import count_of
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


def score_row(
    group: GroupScore | None,
    key: str,
    name: str,
    model: CultureModel,
    reason: Hidden = Hidden.TOO_FEW,
    earlier: AsBefore | None = None,
) -> ScoreRow:
    if group is None:
        return ScoreRow(key=key, name=name, shown=False, hidden=reason)
    mean = round(group.mean, 2)
    level = model.level_for_score(mean)  # the level of the score people see, not a hidden digit
    condition = model.condition_by_id.get(key)
    return ScoreRow(
        key=key,
        name=name,
        shown=True,
        mean=mean,
        level=level.level,
        level_name=level.name,
        looks_like=condition.levels[level.level] if condition else "",
        respondents=group.respondents,
        answers=group.answers,
        dont_know=group.dont_know,
        spread=round(group.spread, 2),
        note=as_before_note(earlier),
    )


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
) -> None:
    """Put a disclosed set of scores on a page's view: tables, confidence and chart."""
    scores = outcome.scores
    earlier = outcome.as_before

    def rows(kind: str, figures, values) -> list[ScoreRow]:
        return [
            score_row(
                values[figure.id], figure.id, figure.name, model,
                why_hidden((kind, figure.id), protected), earlier.get((kind, figure.id)),
            )  # fmt: skip
            for figure in figures
        ]

    view.conditions = rows("condition", model.conditions, scores.conditions)
    view.acceptance = rows("acceptance", model.questionnaire.acceptance_scales, scores.acceptance)
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
    view.chart_svg = condition_chart_svg(
        [(r.name, r.mean, r.spread) for r in view.conditions if r.shown],
        [(lv.min_score, lv.name) for lv in model.meta.maturity_levels],
    )
