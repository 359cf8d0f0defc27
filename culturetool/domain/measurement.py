"""How far a score can be trusted, from running totals: pure functions, no database.

The county view (issue 13) reads each round's figures as running totals (`round_figure`: the
respondents, the sum and the sum of squares of their scores) rather than rescoring answers, so
everything here works from those totals, and totals of several rounds add up to the totals of
their pool.

- `interval_95`: the 95% interval of a mean, with Student's t for small groups.
- `difference_interval_95`: a group's difference from a reference (the county average) with its
  95% interval. The two are treated as independent samples (Welch), which overstates the
  uncertainty a little when the group is part of the reference: the interval errs wide.
- `agreement`: rwg(j) (James, Demaree and Wolf, 1984), the within-team agreement on a condition
  of J statements, against the variance of answers given at random on a five-point scale
  ((5² - 1) / 12 = 2). It is flagged below 0.7, the usual cut-off.
- `cronbach_alpha`: a condition's internal consistency, from the people who answered all its
  statements on the scale; a plain-English warning below 0.7.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

SCALE_POINTS = 5
RANDOM_ANSWER_VARIANCE = (SCALE_POINTS**2 - 1) / 12  # a uniform answer on 1..5
LOW_AGREEMENT = 0.7
LOW_CONSISTENCY = 0.7

# Two-sided 95% critical values of Student's t for 1 to 30 degrees of freedom; beyond, the
# normal 1.96 is within 2% of t.
_T_95 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip
_Z_95 = 1.96


@dataclass(frozen=True)
class Sums:
    """Running totals of one figure: how many values, their sum and their sum of squares."""

    count: int = 0
    total: float = 0.0
    total_sq: float = 0.0

    def __add__(self, other: Sums) -> Sums:
        return Sums(
            self.count + other.count, self.total + other.total, self.total_sq + other.total_sq
        )

    @classmethod
    def of(cls, values: Sequence[float]) -> Sums:
        return cls(len(values), float(sum(values)), float(sum(v * v for v in values)))

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None

    @property
    def variance(self) -> float | None:
        """The sample variance (n - 1), None below two values; never below 0 (rounding)."""
        if self.count < 2:
            return None
        spread = self.total_sq - self.total * self.total / self.count
        return max(spread / (self.count - 1), 0.0)

    @property
    def spread(self) -> float:
        """The standard deviation, 0 for a single value (as the results pages show it)."""
        variance = self.variance
        return math.sqrt(variance) if variance is not None else 0.0


def t_critical_95(degrees_of_freedom: float) -> float:
    if degrees_of_freedom < 1:
        raise ValueError("an interval needs at least one degree of freedom")
    whole = int(degrees_of_freedom)  # rounding down errs wide
    return _T_95[whole - 1] if whole <= len(_T_95) else _Z_95


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


def interval_95(sums: Sums) -> Interval | None:
    """The 95% interval of the mean; None below two values (no spread to go on)."""
    variance, mean = sums.variance, sums.mean
    if variance is None or mean is None:
        return None
    half = t_critical_95(sums.count - 1) * math.sqrt(variance / sums.count)
    return Interval(mean - half, mean + half)


def difference_interval_95(group: Sums, reference: Sums) -> tuple[float, Interval | None] | None:
    """The group's mean minus the reference's, and its 95% interval (Welch's degrees of
    freedom); None when either has no values, no interval when either has fewer than two."""
    if group.mean is None or reference.mean is None:
        return None
    difference = group.mean - reference.mean
    if group.variance is None or reference.variance is None:
        return difference, None
    a, b = group.variance / group.count, reference.variance / reference.count
    if a + b == 0:
        return difference, Interval(difference, difference)
    freedom = (a + b) ** 2 / (
        a * a / (group.count - 1) + b * b / (reference.count - 1)
    )  # Welch–Satterthwaite
    half = t_critical_95(max(freedom, 1.0)) * math.sqrt(a + b)
    return difference, Interval(difference - half, difference + half)


def agreement(statement_sums: Sequence[Sums]) -> float | None:
    """rwg(j) over a condition's statements, each given as its respondents' totals; None when
    no statement has two answers. 0 when people disagree more than random answers would."""
    variances = [v for s in statement_sums if (v := s.variance) is not None]
    if not variances:
        return None
    ratio = (sum(variances) / len(variances)) / RANDOM_ANSWER_VARIANCE
    if ratio >= 1:
        return 0.0
    j = len(variances)
    return j * (1 - ratio) / (j * (1 - ratio) + ratio)


def low_agreement(value: float | None) -> bool:
    return value is not None and value < LOW_AGREEMENT


def agreement_words(value: float | None) -> str:
    if value is None:
        return "Agreement cannot be measured with fewer than two answers."
    if low_agreement(value):
        return (
            f"People in this team answered very differently (agreement {value:.2f}, below "
            f"{LOW_AGREEMENT}): the average hides different experiences, so talk it through."
        )
    return f"People in this team broadly agreed (agreement {value:.2f})."


def cronbach_alpha(statement_sums: Sequence[Sums], total_sums: Sums) -> float | None:
    """Cronbach's alpha of k statements, each statement's totals and the totals of each
    person's sum over the k, all over the same people (those who answered every one on the
    scale). None for fewer than two statements, two people, or no variance in the sums."""
    k = len(statement_sums)
    total_variance = total_sums.variance
    if k < 2 or total_variance is None or total_variance == 0:
        return None
    variances = [s.variance for s in statement_sums]
    if any(v is None for v in variances):
        return None
    return k / (k - 1) * (1 - sum(v for v in variances if v is not None) / total_variance)


def consistency_warning(alpha: float | None) -> str | None:
    """Plain words for a condition whose statements do not hang together; None when they do."""
    if alpha is None:
        return "Too few complete answers to check whether these statements measure one thing."
    if alpha < LOW_CONSISTENCY:
        return (
            f"These statements do not hang together well across the county (Cronbach's alpha "
            f"{alpha:.2f}, below {LOW_CONSISTENCY}): read this condition's score with care and "
            "look at its statements one by one."
        )
    return None
