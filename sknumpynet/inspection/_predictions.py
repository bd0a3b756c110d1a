"""ImagePredictionsDisplay: test images with the classifier's top guesses."""

import math
from numbers import Integral

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils import check_array, check_consistent_length
from sklearn.utils._optional_dependencies import check_matplotlib_support
from sklearn.utils._plotting import _validate_style_kwargs
from sklearn.utils.validation import check_is_fitted

from .._images import check_image_rows
from ._axes import is_single_axes, split_axes

# Bar colours: the true class, the wrong class the classifier chose, the rest.
_TRUE_COLOR = "tab:green"
_WRONG_COLOR = "tab:red"
_OTHER_COLOR = "tab:gray"


class ImagePredictionsDisplay:
    """Images with the classifier's top guesses as bars, mistakes first.

    Each image is drawn next to the `n_top` classes the classifier finds most
    probable, one bar per class as long as its probability, as in Andrej
    Karpathy's ConvNetJS MNIST demo. The bar of the true class is green; when
    the top guess is wrong its bar is red and the image has a red frame. The
    other bars are grey, and each image is titled with its true class.

    Use :meth:`from_estimator` to draw the test images of a fitted classifier,
    or :meth:`from_predictions` to draw probabilities computed beforehand;
    both choose the images to draw, by default the mistakes first. The
    constructor takes the chosen images and guesses themselves; call
    :meth:`plot` to draw them. All parameters are stored as attributes.

    Parameters
    ----------
    images : array-like of shape (n_images, height, width)
        The images to draw, in order.

    y_true : array-like of shape (n_images,)
        The true class of each image.

    top_classes : array-like of shape (n_images, n_top)
        The most probable classes of each image, most probable first.

    top_proba : array-like of shape (n_images, n_top)
        Their probabilities, in the same order.

    indices : array-like of shape (n_images,), default=None
        Where each image is in the data it was chosen from, for example its
        row of ``X_test``. Informative only; None when not known.

    Attributes
    ----------
    is_mistake : ndarray of bool of shape (n_images,)
        Whether the top guess is wrong: ``top_classes[:, 0] != y_true``.

    images_ : ndarray of matplotlib AxesImage of shape (n_images,)
        The image drawn for each image.

    bars_ : ndarray of matplotlib BarContainer of shape (n_images,)
        The bars drawn for each image, most probable class first.

    axes_ : ndarray of matplotlib Axes of shape (n_images, 2)
        For each image, the axes of the image and the axes of its bars.

    bounding_ax_ : matplotlib Axes or None
        The Axes whose area holds the grid when ``plot`` was given a single
        Axes to split; None otherwise.

    figure_ : matplotlib Figure or SubFigure
        The figure holding the axes.

    See Also
    --------
    HiddenUnitsDisplay : The first layer's weights, drawn as images.
    sklearn.metrics.ConfusionMatrixDisplay : How often each class is taken
        for each other class.

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynet.inspection import ImagePredictionsDisplay
    >>> display = ImagePredictionsDisplay(
    ...     images=np.zeros((2, 8, 8)),
    ...     y_true=[5, 7],
    ...     top_classes=[[3, 5], [7, 1]],
    ...     top_proba=[[0.6, 0.3], [0.9, 0.1]],
    ... ).plot()
    >>> display.is_mistake
    array([ True, False])
    >>> [float(bar.get_width()) for bar in display.bars_[0]]
    [0.6, 0.3]
    """

    def __init__(self, images, y_true, top_classes, top_proba, *, indices=None):
        self.images = images
        self.y_true = y_true
        self.top_classes = top_classes
        self.top_proba = top_proba
        self.indices = indices

    @property
    def is_mistake(self):
        """Whether the top guess of each image is wrong."""
        return np.asarray(self.top_classes)[:, 0] != np.asarray(self.y_true)

    def _arrays(self):
        """The images, true classes and top guesses as arrays, checked."""
        images = np.asarray(self.images)
        y_true = np.asarray(self.y_true)
        top_classes = np.asarray(self.top_classes)
        top_proba = np.asarray(self.top_proba, dtype=float)
        if images.ndim != 3 or images.shape[0] == 0:
            raise ValueError(
                "images must have shape (n_images, height, width), with at least "
                f"one image; got shape {images.shape}."
            )
        n_images = images.shape[0]
        if top_proba.ndim != 2 or top_proba.shape[0] != n_images:
            raise ValueError(
                f"top_proba must have shape (n_images, n_top), one row for each "
                f"of the {n_images} images; got shape {top_proba.shape}."
            )
        for name, values, shape in (
            ("y_true", y_true, (n_images,)),
            ("top_classes", top_classes, top_proba.shape),
        ):
            if values.shape != shape:
                raise ValueError(
                    f"{name} must have shape {shape}, like the images and "
                    f"top_proba; got shape {values.shape}."
                )
        return images, y_true, top_classes, top_proba

    def plot(self, *, ax=None, n_cols=None, cmap="gray_r", im_kw=None, bar_kw=None):
        """Draw each image next to the bars of its top guesses.

        Parameters
        ----------
        ax : matplotlib Axes or array-like of Axes, default=None
            Where to draw. A single Axes has its area split into the grid of
            images and bars, as scikit-learn's
            :class:`~sklearn.inspection.PartialDependenceDisplay` does. An
            array holds two Axes per image, taken in order: the image's, then
            its bars'. None creates a figure.

        n_cols : int, default=None
            Number of images per row of the grid made when `ax` is None or a
            single Axes; None means ``min(n_images, 5)``.

        cmap : str or matplotlib Colormap, default="gray_r"
            The colour map of the images: by default black digits on white,
            as MNIST stores them (0 is the background).

        im_kw : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.imshow`; they
            override `cmap`.

        bar_kw : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.barh`; a
            ``color`` given here replaces the green, red and grey of the
            bars.

        Returns
        -------
        display : ImagePredictionsDisplay
            The display, with the artists stored in ``images_``, ``bars_``,
            ``axes_``, ``bounding_ax_`` and ``figure_``.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        images, y_true, top_classes, top_proba = self._arrays()
        n_images, n_top = top_proba.shape
        if n_cols is None:
            n_cols = min(n_images, 5)
        elif isinstance(n_cols, bool) or not isinstance(n_cols, Integral) or n_cols < 1:
            raise ValueError(f"n_cols must be a positive int; got {n_cols!r}.")
        axes = self._image_and_bar_axes(ax, n_images, n_cols)

        self.images_ = np.empty(n_images, dtype=object)
        self.bars_ = np.empty(n_images, dtype=object)
        for k, mistake in enumerate(self.is_mistake):
            image_ax, bar_ax = axes[k]
            self.images_[k] = _draw_image(
                image_ax, images[k], y_true[k], mistake, {"cmap": cmap, **(im_kw or {})}
            )
            colors = np.where(
                top_classes[k] == y_true[k],
                _TRUE_COLOR,
                np.where(np.arange(n_top) == 0, _WRONG_COLOR, _OTHER_COLOR),
            )
            self.bars_[k] = _draw_bars(
                bar_ax, top_classes[k], top_proba[k], colors, bar_kw or {}
            )

        self.axes_ = axes
        self.bounding_ax_ = ax if is_single_axes(ax) else None
        self.figure_ = axes[0, 0].figure
        return self

    @staticmethod
    def _image_and_bar_axes(ax, n_images, n_cols):
        """Pairs of Axes, an image's and its bars', one row per image."""
        import matplotlib.pyplot as plt

        if ax is not None and not is_single_axes(ax):
            axes = np.asarray(ax, dtype=object)
            if axes.size != 2 * n_images:
                raise ValueError(
                    f"ax must hold two Axes per image, its own and its bars' "
                    f"({2 * n_images} for {n_images} images); got {axes.size}."
                )
            return axes.reshape(n_images, 2)
        n_rows = math.ceil(n_images / n_cols)
        width_ratios = [1, 1.2] * n_cols
        if ax is None:
            figure = plt.figure(
                figsize=(2.4 * n_cols, 1.3 * n_rows + 0.2), layout="constrained"
            )
            grid = figure.subplots(
                n_rows,
                2 * n_cols,
                squeeze=False,
                gridspec_kw={"width_ratios": width_ratios},
            )
        else:
            grid = split_axes(ax, n_rows, 2 * n_cols, width_ratios)
        # Pair each image axes with the bar axes on its right, row by row.
        pairs = grid.reshape(n_rows * n_cols, 2)
        for unused_ax in pairs[n_images:].ravel():
            unused_ax.remove()
        return pairs[:n_images]

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_proba,
        images,
        *,
        classes,
        n_images=20,
        n_top=3,
        mistakes_first=True,
        ax=None,
        n_cols=None,
        cmap="gray_r",
        im_kw=None,
        bar_kw=None,
    ):
        """Draw images with the top guesses of predicted probabilities.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            The true class of each image.

        y_proba : array-like of shape (n_samples, n_classes)
            The predicted probability of each class, one column per class in
            the order of `classes`, as ``predict_proba`` returns them.

        images : array-like of shape (n_samples, height, width)
            The images. Flat rows of pixels, such as MNIST's ``X_test``,
            become images with ``X_test.reshape(-1, 28, 28)``.

        classes : array-like of shape (n_classes,)
            The class of each column of `y_proba`: the ``classes_`` of the
            classifier.

        n_images : int, default=20
            How many images to draw.

        n_top : int, default=3
            How many of the most probable classes to draw for each image.

        mistakes_first : bool, default=True
            If True, draw first the images whose most probable class is
            wrong, the most confident mistakes first, then the others in
            their order in the data. If False, draw the first `n_images`
            images in their order.

        ax : matplotlib Axes or array-like of Axes, default=None
            Where to draw: a single Axes to split into the grid, two Axes per
            image, or None for a new figure. See :meth:`plot`.

        n_cols : int, default=None
            Number of images per row of the grid made when `ax` is None or a
            single Axes; None means ``min(n_images, 5)``.

        cmap : str or matplotlib Colormap, default="gray_r"
            The colour map of the images.

        im_kw : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.imshow`.

        bar_kw : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.barh`.

        Returns
        -------
        display : ImagePredictionsDisplay
            The display. ``indices`` holds the rows drawn, ``top_classes``
            and ``top_proba`` their top guesses; the artists are stored in
            ``images_``, ``bars_``, ``axes_``, ``bounding_ax_`` and ``figure_``.

        Raises
        ------
        ValueError
            If the shapes of the arrays do not agree, none of `y_true` is
            among `classes`, or `n_images` or `n_top` is out of range.

        Examples
        --------
        >>> import numpy as np
        >>> from sknumpynet.inspection import ImagePredictionsDisplay
        >>> images = np.zeros((3, 8, 8))
        >>> y_proba = [[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.2, 0.1, 0.7]]
        >>> display = ImagePredictionsDisplay.from_predictions(
        ...     ["a", "c", "b"], y_proba, images, classes=["a", "b", "c"],
        ...     n_images=2, n_top=2)
        >>> display.indices  # two mistakes, the more confident one first
        array([2, 1])
        >>> display.top_classes
        array([['c', 'a'],
               ['b', 'c']], dtype='<U1')
        """
        check_matplotlib_support(f"{cls.__name__}.from_predictions")
        y_true = np.asarray(y_true)
        if y_true.ndim != 1:
            raise ValueError(
                "y_true must be 1-d, one class per image (multilabel targets are "
                f"not supported); got shape {y_true.shape}."
            )
        y_proba = check_array(y_proba, input_name="y_proba")
        images = np.asarray(images)
        if images.ndim != 3:
            raise ValueError(
                "images must have shape (n_samples, height, width); got shape "
                f"{images.shape}. Reshape flat rows of pixels with "
                "images.reshape(-1, height, width)."
            )
        check_consistent_length(y_true, y_proba, images)
        classes = np.asarray(classes)
        if classes.ndim != 1 or y_proba.shape[1] != classes.shape[0]:
            raise ValueError(
                f"y_proba has {y_proba.shape[1]} columns, but classes has shape "
                f"{classes.shape}: pass one class per column of y_proba, such as "
                "the classifier's classes_."
            )
        if not np.isin(y_true, classes).any():
            raise ValueError(
                f"None of the labels of y_true is among the classes "
                f"{classes.tolist()}; are they of another type, such as strings "
                "rather than ints?"
            )
        _check_count("n_images", n_images, y_true.shape[0], "images given")
        _check_count("n_top", n_top, classes.shape[0], "classes")

        top_classes, top_proba = _top_guesses(y_proba, classes, n_top)
        if mistakes_first:
            shown = _mistakes_first(top_classes[:, 0] != y_true, top_proba[:, 0])
            shown = shown[:n_images]
        else:
            shown = np.arange(n_images)
        display = cls(
            images[shown],
            y_true[shown],
            top_classes[shown],
            top_proba[shown],
            indices=shown,
        )
        return display.plot(ax=ax, n_cols=n_cols, cmap=cmap, im_kw=im_kw, bar_kw=bar_kw)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        image_shape=(28, 28),
        n_images=20,
        n_top=3,
        mistakes_first=True,
        ax=None,
        n_cols=None,
        cmap="gray_r",
        im_kw=None,
        bar_kw=None,
    ):
        """Draw images with a fitted classifier's top guesses, mistakes first.

        Parameters
        ----------
        estimator : classifier
            A fitted classifier with ``predict_proba`` and ``classes_``, such
            as :class:`~sknumpynet.SigmoidMLPClassifier`, or a fitted
            :class:`~sklearn.pipeline.Pipeline` ending in one. Its top guess
            is the most probable class of ``predict_proba``, which is what
            ``predict`` answers for most classifiers (but not for
            :class:`~sklearn.svm.SVC`).

        X : array-like of shape (n_samples, n_features)
            The images, one row of pixels each, as the estimator takes them.
            The rows are drawn as given, before any step of a Pipeline.

        y : array-like of shape (n_samples,)
            The true class of each image.

        image_shape : tuple of 2 int, default=(28, 28)
            Height and width of the images, whose pixels are stored row by
            row in `X`; ``height * width`` must equal the number of
            features. ``(28, 28)`` is MNIST;
            :func:`~sklearn.datasets.load_digits` is ``(8, 8)``.

        n_images : int, default=20
            How many images to draw.

        n_top : int, default=3
            How many of the most probable classes to draw for each image.

        mistakes_first : bool, default=True
            If True, draw first the images whose most probable class is
            wrong, the most confident mistakes first, then the others in
            their order in `X`. If False, draw the first `n_images` rows.

        ax : matplotlib Axes or array-like of Axes, default=None
            Where to draw: a single Axes to split into the grid, two Axes per
            image, or None for a new figure. See :meth:`plot`.

        n_cols : int, default=None
            Number of images per row of the grid made when `ax` is None or a
            single Axes; None means ``min(n_images, 5)``.

        cmap : str or matplotlib Colormap, default="gray_r"
            The colour map of the images.

        im_kw : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.imshow`.

        bar_kw : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.barh`.

        Returns
        -------
        display : ImagePredictionsDisplay
            The display. ``indices`` holds the rows of `X` drawn,
            ``top_classes`` and ``top_proba`` their top guesses; the artists
            are stored in ``images_``, ``bars_``, ``axes_``, ``bounding_ax_`` and
            ``figure_``.

        Raises
        ------
        NotFittedError
            If the estimator is not fitted.

        TypeError
            If the estimator is not a classifier with ``predict_proba``.

        ValueError
            If `image_shape` does not hold as many pixels as `X` has
            features, `n_images` is not between 1 and the number of rows of
            `X`, or `n_top` is not between 1 and the number of classes.

        Examples
        --------
        >>> from sklearn.datasets import load_digits
        >>> from sklearn.model_selection import train_test_split
        >>> from sknumpynet import SigmoidMLPClassifier
        >>> from sknumpynet.inspection import ImagePredictionsDisplay
        >>> X, y = load_digits(return_X_y=True)
        >>> X_train, X_test, y_train, y_test = train_test_split(
        ...     X / 16, y, random_state=0)
        >>> clf = SigmoidMLPClassifier(max_iter=5, random_state=0).fit(
        ...     X_train, y_train)
        >>> display = ImagePredictionsDisplay.from_estimator(
        ...     clf, X_test, y_test, image_shape=(8, 8), n_images=10)
        >>> display.top_proba.shape, display.axes_.shape
        ((10, 3), (10, 2))
        >>> bool(display.is_mistake[0])  # the most confident mistake
        True
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        check_is_fitted(estimator)
        if not (is_classifier(estimator) and hasattr(estimator, "predict_proba")):
            raise TypeError(
                f"{cls.__name__}.from_estimator needs a classifier with "
                "predict_proba, such as SigmoidMLPClassifier or "
                f"SVC(probability=True); got {type(estimator).__name__}."
            )
        pixels = check_array(X)
        image_shape = check_image_rows(
            cls.__name__, image_shape, pixels.shape[1], features_of="X"
        )
        return cls.from_predictions(
            y,
            estimator.predict_proba(X),
            pixels.reshape(-1, *image_shape),
            classes=estimator.classes_,
            n_images=n_images,
            n_top=n_top,
            mistakes_first=mistakes_first,
            ax=ax,
            n_cols=n_cols,
            cmap=cmap,
            im_kw=im_kw,
            bar_kw=bar_kw,
        )


def _top_guesses(y_proba, classes, n_top):
    """The `n_top` most probable classes of each row, and their probabilities."""
    # A stable sort breaks ties towards the first class, as np.argmax does.
    order = np.argsort(-y_proba, axis=1, kind="stable")[:, :n_top]
    return classes[order], np.take_along_axis(y_proba, order, axis=1)


def _mistakes_first(is_mistake, confidence):
    """Row indices: the mistakes by decreasing confidence, then the others."""
    mistakes = np.flatnonzero(is_mistake)
    mistakes = mistakes[np.argsort(-confidence[mistakes], kind="stable")]
    return np.concatenate([mistakes, np.flatnonzero(~is_mistake)])


def _check_count(name, value, maximum, what):
    """Raise unless `value` is an int from 1 to `maximum`."""
    if (
        isinstance(value, bool)
        or not isinstance(value, Integral)
        or not 1 <= value <= maximum
    ):
        raise ValueError(
            f"{name} must be an int between 1 and the {maximum} {what}; got {value!r}."
        )


def _draw_image(ax, image, label, mistake, style):
    """Draw one image, titled with its true class, framed in red if a mistake."""
    artist = ax.imshow(image, interpolation="nearest", **style)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(str(label), fontsize="medium", pad=2)
    if mistake:
        for spine in ax.spines.values():
            spine.set_edgecolor(_WRONG_COLOR)
            spine.set_linewidth(2)
    return artist


def _draw_bars(ax, classes, proba, colors, bar_kw):
    """Draw one horizontal bar per class, the most probable at the top."""
    positions = np.arange(len(classes))
    style = _validate_style_kwargs({"color": colors, "height": 0.7}, bar_kw)
    bars = ax.barh(positions, proba, **style)
    ax.set_yticks(positions, [str(label) for label in classes])
    ax.tick_params(axis="y", length=0, labelsize="small")
    ax.set_ylim(len(classes) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.set_xticks([])
    # A light box from probability 0 to 1, against which the bars are read.
    ax.set_facecolor("0.93")
    for spine in ax.spines.values():
        spine.set_visible(False)
    return bars
