"""The PNG plots of a run, drawn with matplotlib's object API (no pyplot state)."""

import math
import os

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
from sklearn.metrics import ConfusionMatrixDisplay

from ..inspection import TrainingCurveDisplay
from ._stats import pareto_front


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
        figure = draw(results)
        if figure is not None:
            figure.savefig(os.path.join(output_dir, name), dpi=110)
            written.append(name)
    return written


def _frontier(results):
    rows = results["contenders"]
    accuracy = np.array([c["test_accuracy"] for c in rows])
    figure = Figure(figsize=(11, 5), layout="constrained")
    axes = figure.subplots(1, 2, sharey=True)
    for ax, key, label in zip(
        axes,
        ("fit_s", "predict_s"),
        ("fit time on the training set (s)", "prediction time of the test set (s)"),
        strict=True,
    ):
        times = np.array([c[key] for c in rows])
        for c, t, a in zip(rows, times, accuracy, strict=True):
            low, high = c["test_accuracy_ci95"]
            ax.errorbar(
                t, a, yerr=[[a - low], [high - a]], fmt="o", capsize=3, label=c["title"]
            )
        on_front = pareto_front(times, accuracy)
        order = [i for i in np.argsort(times) if on_front[i]]
        ax.step(
            times[order],
            accuracy[order],
            where="post",
            color="0.3",
            linestyle="--",
            label="Pareto front",
        )
        ax.set_xscale("log")
        _label_log_axis(ax.xaxis, times)
        ax.set_xlabel(label)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("test accuracy (95 % Wilson interval)")
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=3)
    figure.suptitle(f"{results['data']['name']}: test accuracy against time")
    return figure


def _scaling(results):
    if not results["scaling"]:
        return None
    figure = Figure(figsize=(13, 4.2), layout="constrained")
    axes = figure.subplots(1, 3)
    for study in results["scaling"]:
        points = study["points"]
        sizes = [p["n_train"] for p in points]
        label = f"{study['contender']} (fit ~ n^{study['fit_loglog_slope']:.2f})"
        axes[0].loglog(sizes, [p["fit_s"] for p in points], "o-", label=label)
        axes[1].loglog(sizes, [p["predict_s"] for p in points], "o-")
        axes[2].semilogx(sizes, [p["accuracy"] for p in points], "o-")
    n_test = results["scaling"][0]["n_test"]
    ylabels = ("fit time (s)", f"prediction time, {n_test} images (s)", "test accuracy")
    for ax, ylabel in zip(axes, ylabels, strict=True):
        _label_log_axis(ax.xaxis, sizes)
        ax.set_xlabel("training images")
        ax.set_ylabel(ylabel)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize="small")
    figure.suptitle(f"{results['data']['name']}: scaling with the training set")
    return figure


def _learning_curve(results):
    curve = results["learning_curve"]
    if curve is None:
        return None
    figure = Figure(figsize=(10, 4), layout="constrained")
    display = TrainingCurveDisplay.from_history(
        curve["history"], ax=figure.subplots(1, 2)
    )
    for ax in display.axes_:
        ax.axvline(curve["best_epoch"], color="0.6", linestyle=":", linewidth=1)
    figure.suptitle(
        f"Tuned SigmoidMLPClassifier: {curve['n_fit']} training, "
        f"{curve['n_validation']} validation images (dotted: best validation "
        f"accuracy, epoch {curve['best_epoch']})"
    )
    return figure


def _confusion_matrices(results):
    rows = results["contenders"]
    n_columns = min(4, len(rows))
    n_rows = math.ceil(len(rows) / n_columns)
    figure = Figure(figsize=(4 * n_columns, 4 * n_rows), layout="constrained")
    axes = figure.subplots(n_rows, n_columns, squeeze=False).ravel()
    for ax, c in zip(axes, rows, strict=False):
        ConfusionMatrixDisplay(
            np.asarray(c["confusion_matrix"]),
            display_labels=results["data"]["class_names"],
        ).plot(ax=ax, colorbar=False, text_kw={"fontsize": 6})
        ax.set_title(f"{c['title']}\naccuracy {c['test_accuracy']:.4f}", fontsize=9)
    for ax in axes[len(rows) :]:
        ax.set_axis_off()
    figure.suptitle(f"{results['data']['name']}: confusion matrices, first seed")
    return figure


def _label_log_axis(axis, values):
    """Plain-number labels on a log axis, few enough not to overlap.

    Up to about two decades, labels at 1, 2 and 5 times the powers of ten;
    over a wider span, at the powers of ten only.
    """
    span = math.log10(max(values) / min(values))
    axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0) if span <= 2.2 else (1.0,)))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_minor_formatter(NullFormatter())
