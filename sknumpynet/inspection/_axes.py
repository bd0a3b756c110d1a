"""Where a Display draws, from the ``ax`` its ``plot`` was given.

As in scikit-learn's ``PartialDependenceDisplay.plot``, ``ax`` may be None (the
display makes a figure), an array of Axes (one per plot, used as they are) or
a single Axes, whose area is split into the grid of Axes the display needs.
"""

import numpy as np


def is_single_axes(ax):
    """Whether ``ax`` is one matplotlib Axes, rather than None or an array."""
    from matplotlib.axes import Axes

    return isinstance(ax, Axes)


def split_axes(ax, n_rows, n_cols, width_ratios=None):
    """A grid of new Axes filling the area of ``ax``, which is switched off.

    Parameters
    ----------
    ax : matplotlib Axes
        A subplot (from ``plt.subplots`` or ``Figure.add_subplot``). It stays
        in the figure, switched off, as the grid's bounding box.
    n_rows, n_cols : int
        The shape of the grid.
    width_ratios : list of float, default=None
        Relative widths of the columns; None makes them equal.

    Returns
    -------
    axes : ndarray of matplotlib Axes of shape (n_rows, n_cols)

    Raises
    ------
    ValueError
        If ``ax`` was already split by a display, or has no place in a grid
        of subplots.
    """
    from matplotlib.gridspec import GridSpecFromSubplotSpec

    if not ax.axison:
        raise ValueError(
            "ax is switched off: a display already split it. To draw on the "
            "same Axes again, pass that display's axes_."
        )
    spec = ax.get_subplotspec()
    if spec is None:
        raise ValueError(
            "ax must be a subplot (from plt.subplots or Figure.add_subplot) to "
            "be split into a grid; pass an array of Axes instead."
        )
    ax.set_axis_off()
    grid = GridSpecFromSubplotSpec(
        n_rows, n_cols, subplot_spec=spec, width_ratios=width_ratios
    )
    axes = np.empty((n_rows, n_cols), dtype=object)
    for row in range(n_rows):
        for col in range(n_cols):
            axes[row, col] = ax.figure.add_subplot(grid[row, col])
    return axes
