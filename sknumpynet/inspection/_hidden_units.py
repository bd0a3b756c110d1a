"""HiddenUnitsDisplay: each hidden neuron's incoming weights, drawn as an image."""

import math
from numbers import Integral, Real

import numpy as np
from sklearn.utils._optional_dependencies import check_matplotlib_support
from sklearn.utils.validation import check_is_fitted

from .._images import check_image_rows
from ._axes import is_single_axes, split_axes
from ._training_curve import _final_estimator


class HiddenUnitsDisplay:
    """The incoming weights of hidden neurons, drawn as images in a grid.

    A neuron of the first hidden layer computes ``sigmoid(x @ w + b)``: it
    weighs every pixel of the input image ``x``. Drawing its weights ``w`` in
    the shape of the image shows which pixels push it on (red, positive
    weights) and which push it off (blue, negative weights), as in Nielsen's
    book and Karpathy's ConvNetJS demos. The colour scale is symmetric around
    0, so that a zero weight is white.

    Use :meth:`from_estimator` to draw the first layer of a fitted
    :class:`~sknumpynet.SigmoidMLPClassifier`. The constructor takes the
    images themselves; call :meth:`plot` to draw them. All parameters are
    stored as attributes.

    Parameters
    ----------
    weights : array-like of shape (n_units, height, width)
        The incoming weights of each neuron, as an image.

    Attributes
    ----------
    images_ : ndarray of matplotlib AxesImage of shape (n_units,)
        One image per neuron; ``images_[k].get_array()`` holds
        ``weights[k]`` and ``images_[k].get_clim()`` its colour limits.

    axes_ : ndarray of matplotlib Axes
        The grid of axes, of shape ``(n_rows, n_cols)`` when the display
        made it, else the shape of `ax` (``(1,)`` for a single Axes).

    bounding_ax_ : matplotlib Axes or None
        The Axes whose area holds the grid when ``plot`` was given a single
        Axes to split; None otherwise.

    figure_ : matplotlib Figure
        The figure holding the axes.

    See Also
    --------
    TrainingCurveDisplay : Loss and accuracy per epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynet.inspection import HiddenUnitsDisplay
    >>> weights = np.array([[[1.0, -2.0], [0.5, 0.0]], [[0.1, 0.2], [0.3, 0.4]]])
    >>> display = HiddenUnitsDisplay(weights).plot()
    >>> display.images_.shape
    (2,)
    >>> display.images_[0].get_clim()
    (-2.0, 2.0)
    """

    def __init__(self, weights):
        self.weights = weights

    def plot(self, *, ax=None, vmax="unit", cmap="RdBu_r", n_cols=None, im_kw=None):
        """Draw one image per neuron.

        Parameters
        ----------
        ax : matplotlib Axes or array-like of Axes, default=None
            Where to draw. An array holds at least one Axes per neuron,
            filled in order (row by row for a 2-d grid such as
            ``plt.subplots(4, 5)[1]``). A single Axes is drawn on for one
            neuron, and for more has its area split into a grid, as
            scikit-learn's
            :class:`~sklearn.inspection.PartialDependenceDisplay` does. None
            creates a figure with a grid of about square shape.

        vmax : "unit", "global" or float, default="unit"
            Colour limits: each image is drawn on ``[-vmax, vmax]``.

            - ``"unit"``: each neuron on its own scale, ``vmax = max |w|`` of
              its weights. Every neuron's pattern shows in full contrast,
              whether its weights are large or small.
            - ``"global"``: one scale for all the neurons drawn, the largest
              ``|w|`` among them. Neurons whose weights stayed small look
              pale; add one colour bar with
              ``display.figure_.colorbar(display.images_[0], ax=display.axes_)``.
            - a positive float: that limit for every neuron, for example to
              compare two networks on the same scale.

        cmap : str or matplotlib Colormap, default="RdBu_r"
            A diverging colour map, so that negative and positive weights
            have different colours and zero is in the middle.

        n_cols : int, default=None
            Number of columns of the grid made when `ax` is None or a single
            Axes; None means ``ceil(sqrt(n_units))``.

        im_kw : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.imshow`; they
            override `cmap` and the limits set by `vmax`.

        Returns
        -------
        display : HiddenUnitsDisplay
            The display, with the artists stored in ``images_``, ``axes_``,
            ``bounding_ax_`` and ``figure_``.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        weights = np.asarray(self.weights, dtype=float)
        if weights.ndim != 3 or weights.shape[0] == 0:
            raise ValueError(
                "weights must have shape (n_units, height, width), with at least "
                f"one unit; got shape {weights.shape}."
            )
        n_units = weights.shape[0]
        limits = _color_limits(weights, vmax)

        axes = _unit_axes(ax, n_units, n_cols)
        images = np.empty(n_units, dtype=object)
        for k, (unit_ax, unit_weights, limit) in enumerate(
            zip(axes.ravel()[:n_units], weights, limits, strict=True)
        ):
            style = {
                "cmap": cmap,
                "vmin": -limit,
                "vmax": limit,
                "interpolation": "nearest",
                **(im_kw or {}),
            }
            images[k] = unit_ax.imshow(unit_weights, **style)
            unit_ax.set_xticks([])
            unit_ax.set_yticks([])

        self.images_ = images
        self.axes_ = axes
        self.bounding_ax_ = ax if is_single_axes(ax) and n_units > 1 else None
        self.figure_ = axes.flat[0].figure
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        image_shape=(28, 28),
        n_units=None,
        ax=None,
        vmax="unit",
        cmap="RdBu_r",
        n_cols=None,
        im_kw=None,
    ):
        """Draw the incoming weights of the first hidden layer's neurons.

        Parameters
        ----------
        estimator : SigmoidMLPClassifier or Pipeline
            A fitted :class:`~sknumpynet.SigmoidMLPClassifier`, or a fitted
            :class:`~sklearn.pipeline.Pipeline` ending in one. Any fitted
            estimator with ``coefs_[0]`` of shape ``(n_features, n_units)``
            works, such as :class:`~sklearn.neural_network.MLPClassifier`.

        image_shape : tuple of 2 int, default=(28, 28)
            Height and width of the input images, whose pixels are stored
            row by row in the features; ``height * width`` must equal the
            number of features. ``(28, 28)`` is MNIST;
            :func:`~sklearn.datasets.load_digits` is ``(8, 8)``.

        n_units : int, default=None
            Draw the first `n_units` neurons of the layer; None draws all.

        ax : matplotlib Axes or array-like of Axes, default=None
            Where to draw: at least one Axes per neuron drawn, a single Axes
            to split into a grid, or None for a new figure. See :meth:`plot`.

        vmax : "unit", "global" or float, default="unit"
            Colour limits ``[-vmax, vmax]``: per neuron, one for all the
            neurons drawn, or the value given. See :meth:`plot`.

        cmap : str or matplotlib Colormap, default="RdBu_r"
            A diverging colour map.

        n_cols : int, default=None
            Number of columns of the grid made when `ax` is None or a single
            Axes; None means ``ceil(sqrt(n_units))``.

        im_kw : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.imshow`.

        Returns
        -------
        display : HiddenUnitsDisplay
            The display, with the artists stored in ``images_``, ``axes_``,
            ``bounding_ax_`` and ``figure_``.

        Raises
        ------
        NotFittedError
            If the estimator is not fitted.

        ValueError
            If `image_shape` does not hold as many pixels as the estimator
            has features, or `n_units` is not between 1 and the number of
            neurons of the first hidden layer.

        Examples
        --------
        >>> from sklearn.datasets import load_digits
        >>> from sknumpynet import SigmoidMLPClassifier
        >>> from sknumpynet.inspection import HiddenUnitsDisplay
        >>> X, y = load_digits(return_X_y=True)
        >>> clf = SigmoidMLPClassifier(hidden_layer_sizes=(16,), max_iter=5,
        ...                            random_state=0).fit(X / 16, y)
        >>> display = HiddenUnitsDisplay.from_estimator(clf, image_shape=(8, 8))
        >>> display.images_.shape, display.axes_.shape
        ((16,), (4, 4))
        >>> import numpy as np
        >>> np.array_equal(display.images_[0].get_array(),
        ...                clf.coefs_[0][:, 0].reshape(8, 8))
        True
        """
        estimator = _final_estimator(estimator)
        check_is_fitted(estimator)
        if not hasattr(estimator, "coefs_"):
            raise TypeError(
                f"{cls.__name__}.from_estimator needs a neural network with "
                f"coefs_, such as SigmoidMLPClassifier; got "
                f"{type(estimator).__name__}."
            )
        first_layer = np.asarray(estimator.coefs_[0])
        n_features, n_hidden = first_layer.shape

        image_shape = check_image_rows(
            cls.__name__, image_shape, n_features, features_of="the fitted estimator"
        )

        if n_units is None:
            n_units = n_hidden
        elif not isinstance(n_units, Integral) or not 1 <= n_units <= n_hidden:
            raise ValueError(
                f"n_units must be an int between 1 and the {n_hidden} neurons of "
                f"the first hidden layer; got {n_units!r}."
            )

        weights = first_layer[:, :n_units].T.reshape(n_units, *image_shape)
        return cls(weights).plot(
            ax=ax, vmax=vmax, cmap=cmap, n_cols=n_cols, im_kw=im_kw
        )


def _unit_axes(ax, n_units, n_cols):
    """The Axes to draw the ``n_units`` images on, from ``ax`` as given."""
    import matplotlib.pyplot as plt

    if is_single_axes(ax) and n_units == 1:
        return np.array([ax], dtype=object)
    if ax is not None and not is_single_axes(ax):
        axes = np.asarray(ax, dtype=object)
        if axes.size < n_units:
            raise ValueError(
                f"ax must hold at least one Axes per neuron ({n_units}); got "
                f"{axes.size}."
            )
        return axes
    if n_cols is None:
        n_cols = math.ceil(math.sqrt(n_units))
    elif not isinstance(n_cols, Integral) or n_cols < 1:
        raise ValueError(f"n_cols must be a positive int; got {n_cols!r}.")
    n_rows = math.ceil(n_units / n_cols)
    if ax is None:
        cell = min(1.0, 12.0 / n_cols)  # inches; at most 12 inches wide
        _, axes = plt.subplots(
            n_rows,
            n_cols,
            figsize=(max(cell * n_cols, 2.0), max(cell * n_rows, 2.0)),
            squeeze=False,
            gridspec_kw={
                "left": 0.02,
                "right": 0.98,
                "bottom": 0.02,
                "top": 0.98,
                "wspace": 0.05,
                "hspace": 0.05,
            },
        )
    else:
        axes = split_axes(ax, n_rows, n_cols)
    for unused_ax in axes.ravel()[n_units:]:
        unused_ax.set_axis_off()
    return axes


def _color_limits(weights, vmax):
    """One positive colour limit per image of `weights`, as described by `vmax`."""
    n_units = weights.shape[0]
    if isinstance(vmax, str) and vmax == "unit":
        limits = np.abs(weights).max(axis=(1, 2), initial=0.0)
    elif isinstance(vmax, str) and vmax == "global":
        limits = np.full(n_units, np.abs(weights).max(initial=0.0))
    elif isinstance(vmax, Real) and not isinstance(vmax, bool) and vmax > 0:
        limits = np.full(n_units, float(vmax))
    else:
        raise ValueError(
            f"vmax must be 'unit', 'global' or a positive float; got {vmax!r}."
        )
    # A neuron whose weights are all 0 is drawn white rather than on an
    # empty range.
    return np.where(limits > 0, limits, 1.0)
