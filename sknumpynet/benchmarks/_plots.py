"""The PNG plots of a run, drawn with matplotlib's object API (no pyplot state)."""

import math
import os

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
from sklearn.metrics import ConfusionMatrixDisplay

from ..inspection import TrainingCurveDisplay
from ._stats import front_order

FRONT_STYLE = {"where": "post", "color": "0.3", "linestyle": "--"}


def write_plots(results, output_dir):
    """Draw the PNG plots of `results` into `output_dir`.

    Parameters
    ----------
    results : dict
        The results of a run.

    output_dir : str or path-like

    Returns
    -------
    files : list of str
        Names of the files written, relative to `output_dir`; a plot with
        nothing to show (no scaling study, no learning curve) is left out.
    """
    drawers = {
        "accuracy_vs_time.png": _frontier,
        "scaling.png": _scaling,
        "learning_curve.png": _learning_curve,
        "confusion_matrices.png": _confusion_matrices,
    }
    written = []
    for name, draw in drawers.items():
        if (figure := draw(results)) is not None:
            figure.savefig(os.path.join(output_dir, name), dpi=110)
            written.append(name)
    return written


def _frontier(results):
    """Test accuracy against fit and prediction time, with the Pareto fronts."""
    rows = results["contenders"]
    title = f"{results['data']['name']}: test accuracy against time"
    figure, axes = _figure((11, 5), title, 2, sharey=True)
    accuracy = np.array([c["test_accuracy"] for c in rows])
    x_labels = {
        "fit_s": "fit time on the training set (s)",
        "predict_s": "prediction time of the test set (s)",
    }
    for ax, (key, label) in zip(axes, x_labels.items(), strict=True):
        times = np.array([c[key] for c in rows])
        for c, t, a in zip(rows, times, accuracy, strict=True):
            low, high = c["test_accuracy_ci95"]
            ax.errorbar(
                t, a, yerr=[[a - low], [high - a]], fmt="o", capsize=3, label=c["title"]
            )
        front = front_order(rows, key)
        ax.step(times[front], accuracy[front], label="Pareto front", **FRONT_STYLE)
        _log_x(ax, times, label)
    axes[0].set_ylabel("test accuracy (95 % Wilson interval)")
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=3)
    return figure


def _scaling(results):
    """Fit time, prediction time and accuracy against the number of images."""
    if not (studies := results["scaling"]):
        return None
    title = f"{results['data']['name']}: scaling with the training set"
    figure, axes = _figure((13, 4.2), title, 3)
    for study in studies:
        points = study["points"]
        sizes = [p["n_train"] for p in points]
        label = study["contender"]
        if study["fit_loglog_slope"] is not None:
            label += f" (fit ~ n^{study['fit_loglog_slope']:.2f})"
        axes[0].loglog(sizes, [p["fit_s"] for p in points], "o-", label=label)
        axes[1].loglog(sizes, [p["predict_s"] for p in points], "o-")
        axes[2].semilogx(sizes, [p["accuracy"] for p in points], "o-")
    n_test = studies[0]["n_test"]
    ylabels = ("fit time (s)", f"prediction time, {n_test} images (s)", "test accuracy")
    for ax, ylabel in zip(axes, ylabels, strict=True):
        _log_x(ax, sizes, "training images")
        ax.set_ylabel(ylabel)
    axes[0].legend(fontsize="small")
    return figure


def _learning_curve(results):
    """The tuned classifier's training curves, its best epoch dotted."""
    if (curve := results["learning_curve"]) is None:
        return None
    title = (
        f"Tuned SigmoidMLPClassifier: {curve['n_fit']} training, "
        f"{curve['n_validation']} validation images (dotted: best validation "
        f"accuracy, epoch {curve['best_epoch']})"
    )
    figure, axes = _figure((10, 4), title, 2)
    TrainingCurveDisplay.from_history(curve["history"], ax=axes)
    for ax in axes:
        ax.axvline(curve["best_epoch"], color="0.6", linestyle=":", linewidth=1)
    return figure


def _confusion_matrices(results):
    """Each contender's confusion matrix on the test set, first seed."""
    rows = results["contenders"]
    n_columns = min(4, len(rows))
    n_rows = math.ceil(len(rows) / n_columns)
    title = f"{results['data']['name']}: confusion matrices, first seed"
    figure, axes = _figure((4 * n_columns, 4 * n_rows), title, n_columns, n_rows)
    for ax, c in zip(axes, rows, strict=False):
        ConfusionMatrixDisplay(
            np.asarray(c["confusion_matrix"]),
            display_labels=results["data"]["class_names"],
        ).plot(ax=ax, colorbar=False, text_kw={"fontsize": 6})
        ax.set_title(f"{c['title']}\naccuracy {c['test_accuracy']:.4f}", fontsize=9)
    for ax in axes[len(rows) :]:
        ax.set_axis_off()
    return figure


def _figure(size, title, n_columns, n_rows=1, **kwargs):
    """A titled figure of `size` inches and its axes, as a 1-d array."""
    figure = Figure(figsize=size, layout="constrained")
    figure.suptitle(title)
    return figure, figure.subplots(n_rows, n_columns, squeeze=False, **kwargs).ravel()


def _log_x(ax, values, label):
    """A log x axis labelled `label`, plain-number ticks fitting `values`, a grid."""
    ax.set_xscale("log")
    # Labels at 1, 2 and 5 times the powers of ten up to about two decades; over a
    # wider span they would overlap, so at the powers of ten only.
    wide = math.log10(max(values) / min(values)) > 2.2
    ax.xaxis.set_major_locator(LogLocator(subs=(1.0,) if wide else (1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(label)
    ax.grid(True, which="both", alpha=0.3)
