"""Small statistics of the benchmark: the Wilson interval and log-log slopes."""

import math
from statistics import NormalDist

import numpy as np


def wilson_interval(n_correct, n_total, confidence=0.95):
    """Wilson score interval of a proportion, such as a test accuracy.

    With ``p = n_correct / n_total``, ``n = n_total`` and ``z`` the
    ``(1 + confidence) / 2`` quantile of the standard normal distribution, the
    interval is

    ``(p + z²/(2n) ± z sqrt(p(1 - p)/n + z²/(4n²))) / (1 + z²/n)``,

    the set of true proportions that the score test at this level does not
    reject (Wilson, 1927). Unlike ``p ± z sqrt(p(1 - p)/n)`` it stays inside
    ``[0, 1]`` and does not shrink to a point when ``p`` is 0 or 1.

    Parameters
    ----------
    n_correct : int
        Number of successes, e.g. correctly classified test images.

    n_total : int
        Number of trials, e.g. test images; positive.

    confidence : float, default=0.95
        Confidence level, in ``(0, 1)``.

    Returns
    -------
    low, high : float
        The bounds of the interval.

    Examples
    --------
    >>> low, high = wilson_interval(81, 263)  # Newcombe (1998), example (a)
    >>> round(low, 4), round(high, 4)
    (0.2553, 0.3662)
    """
    if n_total <= 0:
        raise ValueError(f"n_total must be positive, got {n_total}.")
    if not 0 <= n_correct <= n_total:
        raise ValueError(
            f"n_correct must be in [0, n_total={n_total}], got {n_correct}."
        )
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}.")
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    n = n_total
    p = n_correct / n
    denominator = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def loglog_slope(sizes, times):
    """Slope of ``log(times)`` against ``log(sizes)``, by least squares.

    If a fit takes time ``c * n**k`` on ``n`` samples, the slope is ``k``:
    about 1 for SGD with a fixed number of epochs, 2 or more for a kernel SVM.

    Parameters
    ----------
    sizes : array-like of shape (n_points,)
        Positive sizes, e.g. numbers of training samples; at least two
        distinct values.

    times : array-like of shape (n_points,)
        Positive times measured at those sizes.

    Returns
    -------
    slope : float
        The exponent ``k`` of the power law fitted by
        ``numpy.polyfit(log(sizes), log(times), 1)``.

    Examples
    --------
    >>> round(loglog_slope([1_000, 2_000, 4_000], [1.0, 4.0, 16.0]), 6)
    2.0
    """
    sizes = np.asarray(sizes, dtype=float)
    times = np.asarray(times, dtype=float)
    if sizes.shape != times.shape or sizes.ndim != 1:
        raise ValueError("sizes and times must be 1-D arrays of the same length.")
    if np.unique(sizes).size < 2:
        raise ValueError("at least two distinct sizes are needed for a slope.")
    if np.any(sizes <= 0) or np.any(times <= 0):
        raise ValueError("sizes and times must be positive to take logarithms.")
    slope, _ = np.polyfit(np.log(sizes), np.log(times), 1)
    return float(slope)
