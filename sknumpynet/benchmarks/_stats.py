"""Small computations on measured figures: power-law slopes, Pareto fronts and
paired tests of two classifiers on the same test images."""

from dataclasses import dataclass

import numpy as np
from scipy.stats import binomtest

# The significance level below which a paired test's difference is a finding.
ALPHA = 0.05


def loglog_slope(sizes, times):
    """Least-squares slope of ``log(times)`` against ``log(sizes)``.

    A fit taking ``c * n**k`` seconds on ``n`` samples has slope ``k``.

    >>> round(loglog_slope([1_000, 2_000, 4_000], [1.0, 4.0, 16.0]), 6)
    2.0
    """
    return float(np.polyfit(np.log(sizes), np.log(times), 1)[0])


def pareto_front(times, accuracies):
    """Boolean mask of the points no other is both no slower and no less accurate than.

    >>> pareto_front([1.0, 2.0, 3.0], [0.90, 0.95, 0.94]).tolist()
    [True, True, False]
    """
    t, a = np.asarray(times, dtype=float), np.asarray(accuracies, dtype=float)
    no_worse = (t[None, :] <= t[:, None]) & (a[None, :] >= a[:, None])
    better = (t[None, :] < t[:, None]) | (a[None, :] > a[:, None])
    return ~np.any(no_worse & better, axis=1)


def front_order(rows, key):
    """Indices of the `rows` on the Pareto front of test accuracy against `key`.

    Fastest first; each row is a contender's dict of results.

    >>> rows = [{"fit_s": 3.0, "test_accuracy": 0.9},
    ...         {"fit_s": 1.0, "test_accuracy": 0.8},
    ...         {"fit_s": 2.0, "test_accuracy": 0.7}]
    >>> front_order(rows, "fit_s")
    [1, 0]
    """
    times = [row[key] for row in rows]
    on_front = pareto_front(times, [row["test_accuracy"] for row in rows])
    return [int(i) for i in np.argsort(times) if on_front[i]]


@dataclass(frozen=True)
class McNemarTest:
    """The exact McNemar test of two classifiers on the same test images.

    ``only_first`` counts the images the first classifier gets right and the
    second wrong, ``only_second`` the reverse; ``p_value`` is the two-sided
    binomial test of those discordant pairs against an even split.
    """

    only_first: int
    only_second: int
    p_value: float

    @property
    def verdict(self):
        """``"beats"``, ``"loses"`` (the first against the second) or ``"ties"``."""
        if self.p_value >= ALPHA or self.only_first == self.only_second:
            return "ties"
        return "beats" if self.only_first > self.only_second else "loses"


def mcnemar_test(y_true, y_pred_first, y_pred_second):
    """Exact McNemar test of two classifiers' predictions of the same images.

    >>> test = mcnemar_test([0, 1, 1, 0], [0, 1, 1, 0], [1, 1, 0, 0])
    >>> test.only_first, test.only_second, round(test.p_value, 3)
    (2, 0, 0.5)
    >>> test.verdict
    'ties'
    """
    y_true = np.asarray(y_true)
    right_first = np.asarray(y_pred_first) == y_true
    right_second = np.asarray(y_pred_second) == y_true
    only_first = int(np.sum(right_first & ~right_second))
    only_second = int(np.sum(right_second & ~right_first))
    n_discordant = only_first + only_second
    p_value = binomtest(only_first, n_discordant).pvalue if n_discordant else 1.0
    return McNemarTest(only_first, only_second, float(p_value))


def least_favourable(tests):
    """The test of several seeds that least supports a difference.

    The seeds' verdict stands only if every seed reaches it: the test with the
    largest p-value, or a tie when the seeds disagree on who is better.

    >>> tests = [McNemarTest(60, 30, 0.002), McNemarTest(55, 35, 0.04)]
    >>> least_favourable(tests).verdict
    'beats'
    >>> least_favourable([*tests, McNemarTest(30, 40, 0.28)]).verdict
    'ties'
    """
    weakest = max(tests, key=lambda test: test.p_value)
    if len({test.verdict for test in tests}) > 1 and weakest.verdict != "ties":
        return McNemarTest(weakest.only_first, weakest.only_second, 1.0)
    return weakest
