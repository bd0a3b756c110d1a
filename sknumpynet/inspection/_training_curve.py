"""TrainingCurveDisplay: loss and accuracy after each epoch (Nielsen, chapter 3)."""

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils._optional_dependencies import check_matplotlib_support
from sklearn.utils._plotting import _validate_style_kwargs
from sklearn.utils.validation import check_is_fitted

from ._axes import is_single_axes, split_axes

_METRICS = ("loss", "accuracy")
_SUBSETS = (("train", "training"), ("val", "validation"))
_CURVES = tuple(f"{subset}_{metric}" for metric in _METRICS for subset, _ in _SUBSETS)
_YLABELS = {"loss": "Loss", "accuracy": "Accuracy"}


def _final_estimator(estimator):
    """Return the last step of a (nested) Pipeline, or `estimator` itself."""
    while isinstance(estimator, Pipeline):
        estimator = estimator[-1]
    return estimator


def _history_columns(history):
    """The curves of `history` as a dict of float arrays, absent curves left out.

    `history` is a list of per-epoch dicts like ``history_``, or anything
    indexed by column name, such as a DataFrame or a dict of lists.
    """
    if hasattr(history, "keys"):
        columns = {key: history[key] for key in ("epoch", *_CURVES) if key in history}
    else:
        history = list(history)
        columns = {
            key: [epoch.get(key, np.nan) for epoch in history]
            for key in ("epoch", *_CURVES)
            if any(key in epoch for epoch in history)
        }
    if "train_loss" not in columns:
        raise ValueError(
            "history has no 'train_loss': expected the history_ of a fitted "
            "SigmoidMLPClassifier (a list of one dict per epoch), or a "
            "DataFrame of it."
        )
    return {key: np.asarray(values, dtype=float) for key, values in columns.items()}


class TrainingCurveDisplay:
    """Loss and accuracy per epoch, on the training and validation data.

    The pictures of Nielsen's chapter 3: the training loss keeps falling
    while the validation accuracy stops improving, which is how overfitting
    shows. By default the loss is drawn on the left and the accuracy on the
    right, each with one line for the training data and one, dashed and of
    the same colour, for the validation data.

    Use :meth:`from_estimator` to draw the ``history_`` of a fitted
    :class:`~sknumpynet.SigmoidMLPClassifier`, or :meth:`from_history` to draw
    a saved history. The constructor takes the arrays themselves; call
    :meth:`plot` to draw them. All parameters are stored as attributes.

    Parameters
    ----------
    train_loss : array-like of shape (n_epochs,)
        The training objective after each epoch.

    train_accuracy : array-like of shape (n_epochs,), default=None
        Accuracy on the training data after each epoch.

    val_loss : array-like of shape (n_epochs,), default=None
        Loss on the validation data after each epoch.

    val_accuracy : array-like of shape (n_epochs,), default=None
        Accuracy on the validation data after each epoch.

    epochs : array-like of shape (n_epochs,), default=None
        The x values: the number of each epoch. None means ``1, ...,
        n_epochs``.

    name : str, default=None
        Prefix of the legend labels, to tell runs drawn on the same axes
        apart. None labels the lines just "training" and "validation".

    Attributes
    ----------
    lines_ : dict of str to matplotlib Line2D
        The lines drawn, keyed by the name of their curve: ``"train_loss"``,
        ``"val_loss"``, ``"train_accuracy"``, ``"val_accuracy"``. Curves
        without values are left out.

    axes_ : ndarray of matplotlib Axes of shape (n_metrics,)
        The axes, one per metric in the order drawn: by default the loss,
        then the accuracy. Pass them as `ax` to draw another run on them.

    bounding_ax_ : matplotlib Axes or None
        The Axes whose area holds the axes when ``plot`` was given a single
        Axes to split; None otherwise.

    figure_ : matplotlib Figure
        The figure holding the axes.

    See Also
    --------
    HiddenUnitsDisplay : The first layer's weights, drawn as images.
    sklearn.model_selection.LearningCurveDisplay : Scores against the number
        of training samples, rather than of epochs.

    Examples
    --------
    >>> from sknumpynet.inspection import TrainingCurveDisplay
    >>> display = TrainingCurveDisplay(
    ...     train_loss=[0.9, 0.5, 0.4], val_accuracy=[0.81, 0.86, 0.87]
    ... ).plot()
    >>> sorted(display.lines_)
    ['train_loss', 'val_accuracy']
    >>> display.lines_["val_accuracy"].get_xydata().tolist()
    [[1.0, 0.81], [2.0, 0.86], [3.0, 0.87]]
    """

    def __init__(
        self,
        *,
        train_loss,
        train_accuracy=None,
        val_loss=None,
        val_accuracy=None,
        epochs=None,
        name=None,
    ):
        self.train_loss = train_loss
        self.train_accuracy = train_accuracy
        self.val_loss = val_loss
        self.val_accuracy = val_accuracy
        self.epochs = epochs
        self.name = name

    def _curves(self):
        """The curves as float arrays (None where absent) and the epochs."""
        curves = {
            key: None if values is None else np.asarray(values, dtype=float)
            for key, values in (
                ("train_loss", self.train_loss),
                ("train_accuracy", self.train_accuracy),
                ("val_loss", self.val_loss),
                ("val_accuracy", self.val_accuracy),
            )
        }
        n_epochs = len(curves["train_loss"])
        if self.epochs is None:
            epochs = np.arange(1, n_epochs + 1)
        else:
            epochs = np.asarray(self.epochs)
        for key, values in {"epochs": epochs, **curves}.items():
            if values is not None and values.shape != (n_epochs,):
                raise ValueError(
                    f"{key} must be 1-d with one value per epoch, like train_loss "
                    f"({n_epochs} values); got shape {values.shape}."
                )
        return curves, epochs

    def plot(self, *, metrics=None, ax=None, name=None, train_kw=None, val_kw=None):
        """Draw the curves.

        Parameters
        ----------
        metrics : list of {"loss", "accuracy"}, default=None
            What to draw, one axes each, in this order. None draws the loss
            and then the accuracy, leaving out a metric that has no values.

        ax : matplotlib Axes or array-like of Axes, default=None
            Where to draw: one Axes per metric, or a single Axes, drawn on
            for one metric and split side by side for two, as scikit-learn's
            :class:`~sklearn.inspection.PartialDependenceDisplay` splits its
            `ax`. None creates a figure with the axes side by side.

        name : str, default=None
            Prefix of the legend labels; None uses the `name` given to the
            constructor.

        train_kw : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            training lines.

        val_kw : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            validation lines. By default they are dashed and take the colour
            of the training line.

        Returns
        -------
        display : TrainingCurveDisplay
            The display, with the artists stored in ``lines_``, ``axes_``,
            ``bounding_ax_`` and ``figure_``.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator

        curves, epochs = self._curves()
        metrics = self._check_metrics(metrics, curves)
        name = self.name if name is None else name

        split = is_single_axes(ax) and len(metrics) > 1
        if ax is None:
            _, axes = plt.subplots(
                1, len(metrics), figsize=(5 * len(metrics), 4), layout="constrained"
            )
        elif split:
            axes = split_axes(ax, 1, len(metrics))
        else:
            axes = ax
        axes = np.asarray(axes, dtype=object).ravel()
        if axes.size != len(metrics):
            raise ValueError(
                f"ax must hold one Axes per metric drawn ({len(metrics)}: "
                f"{', '.join(metrics)}); got {axes.size}."
            )

        self.lines_ = {}
        for metric, metric_ax in zip(metrics, axes, strict=True):
            train_line = None
            for subset, subset_label in _SUBSETS:
                values = curves[f"{subset}_{metric}"]
                if values is None:
                    continue
                label = subset_label if name is None else f"{name} ({subset_label})"
                if subset == "train":
                    style = _validate_style_kwargs({"label": label}, train_kw or {})
                else:
                    default = {"label": label, "linestyle": "--"}
                    if train_line is not None:
                        default["color"] = train_line.get_color()
                    style = _validate_style_kwargs(default, val_kw or {})
                (line,) = metric_ax.plot(epochs, values, **style)
                self.lines_[f"{subset}_{metric}"] = line
                if subset == "train":
                    train_line = line
            metric_ax.set_xlabel("Epoch")
            metric_ax.set_ylabel(_YLABELS[metric])
            metric_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            metric_ax.legend()

        self.axes_ = axes
        self.bounding_ax_ = ax if split else None
        self.figure_ = axes[0].figure
        return self

    @staticmethod
    def _check_metrics(metrics, curves):
        """Validate `metrics` against the curves that have values."""

        def has_values(metric):
            return any(
                curves[f"{subset}_{metric}"] is not None for subset, _ in _SUBSETS
            )

        if metrics is None:
            return [metric for metric in _METRICS if has_values(metric)]
        if isinstance(metrics, str):
            metrics = [metrics]
        metrics = list(metrics)
        unknown = [metric for metric in metrics if metric not in _METRICS]
        if unknown or not metrics or len(set(metrics)) != len(metrics):
            raise ValueError(
                "metrics must list 'loss' and/or 'accuracy', each at most once; "
                f"got {metrics!r}."
            )
        for metric in metrics:
            if not has_values(metric):
                raise ValueError(
                    f"There is no {metric} to draw: neither train_{metric} nor "
                    f"val_{metric} was given."
                )
        return metrics

    @classmethod
    def from_history(
        cls, history, *, metrics=None, ax=None, name=None, train_kw=None, val_kw=None
    ):
        """Draw the curves of a training history.

        Parameters
        ----------
        history : list of dict or DataFrame
            The ``history_`` of a fitted
            :class:`~sknumpynet.SigmoidMLPClassifier`, one dict per epoch, for
            example read back from JSON, or ``pandas.DataFrame(history_)``.
            Read are ``"train_loss"`` (required), ``"epoch"``,
            ``"train_accuracy"``, ``"val_loss"`` and ``"val_accuracy"``; a
            curve that is absent is not drawn.

        metrics : list of {"loss", "accuracy"}, default=None
            What to draw, one axes each, in this order. None draws the loss
            and then the accuracy.

        ax : matplotlib Axes or array-like of Axes, default=None
            One Axes per metric, or a single Axes to split; None creates a
            figure. See :meth:`plot`.

        name : str, default=None
            Prefix of the legend labels, to tell runs apart.

        train_kw : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            training lines.

        val_kw : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            validation lines.

        Returns
        -------
        display : TrainingCurveDisplay
            The display, with the artists stored in ``lines_``, ``axes_``,
            ``bounding_ax_`` and ``figure_``.

        Examples
        --------
        >>> from sknumpynet.inspection import TrainingCurveDisplay
        >>> history = [
        ...     {"epoch": 1, "train_loss": 0.9, "train_accuracy": 0.70},
        ...     {"epoch": 2, "train_loss": 0.6, "train_accuracy": 0.82},
        ... ]
        >>> display = TrainingCurveDisplay.from_history(history)
        >>> display.lines_["train_accuracy"].get_ydata().tolist()
        [0.7, 0.82]
        """
        columns = _history_columns(history)
        display = cls(
            train_loss=columns["train_loss"],
            train_accuracy=columns.get("train_accuracy"),
            val_loss=columns.get("val_loss"),
            val_accuracy=columns.get("val_accuracy"),
            epochs=columns.get("epoch"),
            name=name,
        )
        return display.plot(metrics=metrics, ax=ax, train_kw=train_kw, val_kw=val_kw)

    @classmethod
    def from_estimator(
        cls, estimator, *, metrics=None, ax=None, name=None, train_kw=None, val_kw=None
    ):
        """Draw the training history of a fitted estimator.

        Parameters
        ----------
        estimator : SigmoidMLPClassifier or Pipeline
            A fitted :class:`~sknumpynet.SigmoidMLPClassifier`, or a fitted
            :class:`~sklearn.pipeline.Pipeline` ending in one. Its
            ``history_`` is drawn: the validation curves appear when it was
            fitted with validation data (``X_val`` and ``y_val``, or
            ``early_stopping=True``).

        metrics : list of {"loss", "accuracy"}, default=None
            What to draw, one axes each, in this order. None draws the loss
            and then the accuracy.

        ax : matplotlib Axes or array-like of Axes, default=None
            One Axes per metric, or a single Axes to split; None creates a
            figure. See :meth:`plot`.

        name : str, default=None
            Prefix of the legend labels, to tell runs apart.

        train_kw : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            training lines.

        val_kw : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            validation lines.

        Returns
        -------
        display : TrainingCurveDisplay
            The display, with the artists stored in ``lines_``, ``axes_``,
            ``bounding_ax_`` and ``figure_``.

        Raises
        ------
        NotFittedError
            If the estimator is not fitted.

        TypeError
            If the estimator has no ``history_``.

        Examples
        --------
        >>> from sklearn.datasets import load_digits
        >>> from sklearn.model_selection import train_test_split
        >>> from sknumpynet import SigmoidMLPClassifier
        >>> from sknumpynet.inspection import TrainingCurveDisplay
        >>> X, y = load_digits(return_X_y=True)
        >>> X_train, X_val, y_train, y_val = train_test_split(
        ...     X / 16, y, random_state=0)
        >>> clf = SigmoidMLPClassifier(max_iter=5, random_state=0).fit(
        ...     X_train, y_train, X_val=X_val, y_val=y_val)
        >>> display = TrainingCurveDisplay.from_estimator(clf)
        >>> sorted(display.lines_)
        ['train_accuracy', 'train_loss', 'val_accuracy', 'val_loss']
        >>> len(display.lines_["val_loss"].get_ydata())
        5
        """
        estimator = _final_estimator(estimator)
        check_is_fitted(estimator)
        if not hasattr(estimator, "history_"):
            raise TypeError(
                f"{cls.__name__}.from_estimator needs an estimator with a "
                f"history_, such as SigmoidMLPClassifier; "
                f"{type(estimator).__name__} has none. Build the display from "
                f"arrays instead, e.g. {cls.__name__}(train_loss=loss_curve_)."
            )
        return cls.from_history(
            estimator.history_,
            metrics=metrics,
            ax=ax,
            name=name,
            train_kw=train_kw,
            val_kw=val_kw,
        )
