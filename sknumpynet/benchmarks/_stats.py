"""Two small computations on measured figures: power-law slopes, Pareto fronts."""

import numpy as np


def loglog_slope(sizes, times):
    """Slope of ``log(times)`` against ``log(sizes)``, by least squares.

    If a fit takes time ``c * n**k`` on ``n`` samples, the slope is ``k``:
    about 1 for SGD with a fixed number of epochs, 2 or more for a kernel SVM.

    Parameters
    ----------
    sizes, times : array-like of shape (n_points,)
        Positive sizes, at least two distinct ones, and the positive times
        measured at them.

    Returns
    -------
    slope : float

    Examples
    --------
    >>> round(loglog_slope([1_000, 2_000, 4_000], [1.0, 4.0, 16.0]), 6)
    2.0
    """
    return float(np.polyfit(np.log(sizes), np.log(times), 1)[0])


def pareto_front(times, accuracies):
    """Which points no other point beats on both time and accuracy.

    A point is dominated when another is at least as fast and at least as
    accurate, and strictly better on one of the two.

    Parameters
    ----------
    times, accuracies : array-like of shape (n_points,)

    Returns
    -------
    on_front : ndarray of bool

    Examples
    --------
    >>> pareto_front([1.0, 2.0, 3.0], [0.90, 0.95, 0.94]).tolist()
    [True, True, False]
    """
    t, a = np.asarray(times, dtype=float), np.asarray(accuracies, dtype=float)
    no_worse = (t[None, :] <= t[:, None]) & (a[None, :] >= a[:, None])
    better = (t[None, :] < t[:, None]) | (a[None, :] > a[:, None])
    return ~np.any(no_worse & better, axis=1)
