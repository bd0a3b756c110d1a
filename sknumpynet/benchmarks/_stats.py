"""Two small computations on measured figures: power-law slopes, Pareto fronts."""

import numpy as np


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
