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
