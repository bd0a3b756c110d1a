"""Write the results of a run: results.json, results.csv, report.md and plots.

``report.md`` and the plots only read fields listed in :data:`RESULTS_SCHEMA`,
and :func:`check_results` checks them before anything is written, so the
JSON file always holds what the report was made from.
"""

import csv
import json
import math
import os

JSON_FILE = "results.json"
CSV_FILE = "results.csv"
REPORT_FILE = "report.md"
PLOT_FILES = {
    "accuracy_vs_time": "accuracy_vs_time.png",
    "scaling": "scaling.png",
    "learning_curve": "learning_curve.png",
    "confusion_matrices": "confusion_matrices.png",
}
BOOK_CH1_ACCURACY_TEXT = "about 95 %"


class Nullable:
    """A schema entry that may also be None."""

    def __init__(self, spec):
        self.spec = spec


NUMBER = (int, float)
_POINT = {
    "n_train": int,
    "fit_s": NUMBER,
    "fit_is_main_refit": bool,
    "predict_s": NUMBER,
    "predict_s_runs": [NUMBER],
    "accuracy": NUMBER,
}
_CONTENDER = {
    "name": str,
    "title": str,
    "note": str,
    "grid": (dict, list),
    "searched": bool,
    "n_candidates": int,
    "best_params": dict,
    "params": dict,
    "search_s": Nullable(NUMBER),
    "cv_mean": Nullable(NUMBER),
    "cv_std": Nullable(NUMBER),
    "cv_fold_scores": Nullable([NUMBER]),
    "n_failed": int,
    "candidates": [{"params": dict, "cv_mean": Nullable(NUMBER), "rank": int}],
    "fit_s": NUMBER,
    "fit_cpu_s": NUMBER,
    "predict_s": NUMBER,
    "predict_s_runs": [NUMBER],
    "n_test": int,
    "n_correct": int,
    "test_accuracy": NUMBER,
    "test_accuracy_ci95": [NUMBER],
    "model_bytes": int,
    "fit_warnings": [str],
    "confusion_matrix": [[int]],
    "refit_shared_with": Nullable(str),
    "cv_shared_with": Nullable(str),
}
# The fields that report.md and the plots read, with their types; a list holds
# items of the one type it contains.
RESULTS_SCHEMA = {
    "schema_version": int,
    "run": {
        "started": str,
        "finished": str,
        "duration_s": NUMBER,
        "main_process_cpu_s": NUMBER,
        "command": Nullable(str),
        "settings": {
            "dataset": str,
            "quick": bool,
            "seed": int,
            "n_jobs": int,
            "backend": str,
            "cv_folds": int,
            "predict_repeats": int,
            "predict_budget_s": NUMBER,
            "blas_threads": Nullable(int),
        },
        "search_backend": {"backend": str},
    },
    "environment": {
        "python": str,
        "platform": str,
        "cpu_model": str,
        "cpu_count": int,
        "usable_cores": int,
        "libraries": dict,
        "sknumpynet_commit": Nullable(str),
        "blas": [dict],
    },
    "data": {
        "name": str,
        "source": str,
        "n_train": int,
        "n_test": int,
        "n_features": int,
        "class_names": [str],
        "cv_subset": int,
        "cv_folds": int,
    },
    "contenders": [_CONTENDER],
    "learning_curve": Nullable(
        {
            "n_fit": int,
            "n_validation": int,
            "epochs": [int],
            "train_loss": [NUMBER],
            "val_loss": [NUMBER],
            "train_accuracy": [NUMBER],
            "val_accuracy": [NUMBER],
            "best_epoch": int,
            "best_val_accuracy": NUMBER,
            "params": dict,
        }
    ),
    "scaling": [
        {
            "contender": str,
            "n_test": int,
            "points": [_POINT],
            "fit_loglog_slope": NUMBER,
        }
    ],
    "outputs": {"files": [str], "plots": [str], "plots_skipped": Nullable(str)},
}


def check_results(results, schema=RESULTS_SCHEMA):
    """Check that `results` has every field of `schema`, of the right type.

    Parameters
    ----------
    results : dict
        The results of a run, as written to or read back from JSON.

    schema : dict, default=RESULTS_SCHEMA
        Required keys and their types: a type or tuple of types, a nested
        dict, a one-item list ``[item schema]``, or :class:`Nullable`.

    Raises
    ------
    ValueError
        Naming every missing field and every field of the wrong type.
    """
    problems = list(_schema_problems(results, schema, "results"))
    if problems:
        raise ValueError("Invalid benchmark results:\n- " + "\n- ".join(problems))


def _schema_problems(value, spec, path):
    if isinstance(spec, Nullable):
        if value is not None:
            yield from _schema_problems(value, spec.spec, path)
    elif isinstance(spec, dict):
        if not isinstance(value, dict):
            yield f"{path} should be an object, got {type(value).__name__}"
            return
        for key, item_spec in spec.items():
            if key not in value:
                yield f"{path}.{key} is missing"
            else:
                yield from _schema_problems(value[key], item_spec, f"{path}.{key}")
    elif isinstance(spec, list):
        if not isinstance(value, list):
            yield f"{path} should be a list, got {type(value).__name__}"
            return
        for i, item in enumerate(value):
            yield from _schema_problems(item, spec[0], f"{path}[{i}]")
    else:
        types = spec if isinstance(spec, tuple) else (spec,)
        is_bool_for_number = isinstance(value, bool) and bool not in types
        if is_bool_for_number or not isinstance(value, types):
            names = " or ".join(t.__name__ for t in types)
            yield f"{path} should be {names}, got {type(value).__name__}"


def write_outputs(results, output_dir, *, plots=True):
    """Write the plots, results.json, results.csv and report.md.

    Parameters
    ----------
    results : dict
        As returned by :func:`~sknumpynet.benchmarks._run.run_benchmark`; an
        ``"outputs"`` entry listing the files is added.

    output_dir : str or path-like
        Created if needed.

    plots : bool, default=True
        Whether to draw the PNG plots (they need matplotlib).

    Returns
    -------
    files : list of str
        Paths of the files written.
    """
    os.makedirs(output_dir, exist_ok=True)
    plot_files, skipped = [], None
    if not plots:
        skipped = "--no-plots was given"
    else:
        try:
            plot_files = write_plots(results, output_dir)
        except ImportError:
            skipped = 'matplotlib is not installed: pip install "sknumpynet[bench]"'
    results["outputs"] = {
        "files": [JSON_FILE, CSV_FILE, REPORT_FILE, *plot_files],
        "plots": plot_files,
        "plots_skipped": skipped,
    }
    check_results(results)
    with open(os.path.join(output_dir, JSON_FILE), "w", encoding="utf-8") as file:
        json.dump(results, file, indent=2, allow_nan=False)
        file.write("\n")
    write_csv(results, os.path.join(output_dir, CSV_FILE))
    with open(os.path.join(output_dir, REPORT_FILE), "w", encoding="utf-8") as file:
        file.write(render_report(results))
    return [os.path.join(output_dir, name) for name in results["outputs"]["files"]]


# ----------------------------------------------------------------------- CSV


def write_csv(results, path):
    """Write every field of `results` as one row ``section, key, value``.

    Nested keys are joined by dots; items of a list of records are named by
    their ``name``, ``contender`` or ``n_train``, items of other lists by
    their index. ``pandas.read_csv`` reads it back.

    Parameters
    ----------
    results : dict
        The results of a run.

    path : str or path-like
        The CSV file to write.
    """
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["section", "key", "value"])
        for section, value in results.items():
            for key, leaf in _flatten(value, ""):
                writer.writerow([section, key, "" if leaf is None else leaf])


def _flatten(value, prefix):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list) and not value:
        yield prefix, "[]"
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _flatten(item, f"{prefix}[{_item_label(item, i)}]")
    else:
        yield prefix, value


def _item_label(item, index):
    if isinstance(item, dict):
        for key in ("name", "contender"):
            if key in item:
                return item[key]
        if "n_train" in item:
            return f"n_train={item['n_train']}"
    return index


# -------------------------------------------------------------------- report


def render_report(results):
    """The Markdown report: the tables a person reads first, then the details.

    Parameters
    ----------
    results : dict
        The checked results of a run.

    Returns
    -------
    text : str
    """
    sections = [
        _header(results),
        _main_table(results),
        _replication(results),
        _scaling_tables(results),
        _learning_curve(results),
        _plots(results),
        _grids(results),
        _environment(results),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def _header(results):
    run, data, env = results["run"], results["data"], results["environment"]
    settings = run["settings"]
    lines = [f"# sknumpynet benchmark: {data['name']}", ""]
    if settings["quick"]:
        lines += [
            "> **Quick run**: small subsets and small grids, to check that "
            "everything works. Do not draw conclusions from its figures.",
            "",
        ]
    lines += [
        f"- Run on {run['started']} and took **{_minutes(run['duration_s'])}** "
        "(every step below, measured by this run; writing this report not "
        f"included). The main process used {_minutes(run['main_process_cpu_s'])} "
        "of CPU (the grid searches' workers not counted).",
        f"- Machine: {env['cpu_model']}, {env['usable_cores']} usable cores "
        f"({env['cpu_count']} CPUs); BLAS: {_blas(env)}"
        f"{_blas_limit(settings)}.",
        f"- Data: {data['n_train']} training and {data['n_test']} test images "
        f"of {data['n_features']} pixels in [0, 1] ({data['source']}).",
        f"- Tuning: {data['cv_folds']}-fold stratified CV on a random subset of "
        f"{data['cv_subset']} training images, the same folds for every "
        f"contender; grid searches on joblib backend "
        f"`{run['search_backend']['backend']}` with n_jobs={settings['n_jobs']}.",
        f"- Seed: {settings['seed']}. Command: `{run['command'] or 'run_benchmark'}`",
    ]
    return "\n".join(lines)


def _main_table(results):
    data = results["data"]
    rows = [
        "## Accuracy and time",
        "",
        "| Contender | Best parameters | CV accuracy (mean ± std) | "
        "Test accuracy [95 % CI] | Fit (s) | Fit CPU (s) | Predict (s) | "
        "Model size |",
        "|---|---|---|---|---:|---:|---:|---:|",
    ]
    for c in results["contenders"]:
        cv = (
            f"{c['cv_mean']:.4f} ± {c['cv_std']:.4f}"
            if c["cv_mean"] is not None
            else "not tuned"
        )
        params = (
            _params_text(c["best_params"])
            if c["searched"]
            else "the book's, fixed (see below)"
        )
        low, high = c["test_accuracy_ci95"]
        shared = c["refit_shared_with"]
        fit = f"{c['fit_s']:.1f}" + (f" (same fit as {shared})" if shared else "")
        rows.append(
            f"| {c['title']} | {params} | {cv} | "
            f"{c['test_accuracy']:.4f} [{low:.4f}, {high:.4f}] | "
            f"{fit} | {c['fit_cpu_s']:.1f} | {_predict_text(c, results)} | "
            f"{_bytes_text(c['model_bytes'])} |"
        )
    rows += [
        "",
        f"Fit: one measured fit of the pipeline with its best parameters on "
        f"all {data['n_train']} training images (a single fit, not repeated), "
        "wall-clock time. Fit CPU: the CPU time of that fit, all threads "
        "together; for a single-threaded fit (SVC, LinearSVC), CPU time well "
        "below wall time means the fit waited for a CPU that other work was "
        f"using. Predict: {_predict_rule(results)}, of the {data['n_test']} test "
        f"images. Test accuracy: with its 95 % Wilson score interval over the "
        f"{data['n_test']} test images. Model size: bytes of the pickled "
        f"fitted pipeline. CV: accuracy of the best candidate on the "
        f"{data['cv_folds']} folds.",
    ]
    return "\n".join(rows)


def _predict_rule(results):
    settings = results["run"]["settings"]
    return (
        f"median of {settings['predict_repeats']} timed predictions, or of "
        f"fewer (their number in parentheses) when they had already taken "
        f"{settings['predict_budget_s']:g} s together"
    )


def _predict_text(timed, results, digits=2):
    """The median prediction time, with the number of runs if it is short."""
    runs = len(timed["predict_s_runs"])
    text = f"{timed['predict_s']:.{digits}f}"
    if runs < results["run"]["settings"]["predict_repeats"]:
        text += f" ({runs} run{'s' * (runs > 1)})"
    return text


def _replication(results):
    rows = [c for c in results["contenders"] if c["name"] == "nielsen-ch1"]
    if not rows:
        return ""
    row = rows[0]
    low, high = row["test_accuracy_ci95"]
    dataset = results["data"]["name"]
    text = [
        "## The book's chapter-1 network",
        "",
        f"Nielsen's `[784, 30, 10]` network (quadratic cost, eta = 3, "
        f"mini-batches of 10, 30 epochs, no momentum, no L2, weights N(0, 1)) "
        f"reached **{100 * row['test_accuracy']:.2f} %** "
        f"[{100 * low:.2f}, {100 * high:.2f}] on the {row['n_test']} test images "
        f"in this run, trained on {results['data']['n_train']} images.",
        "",
    ]
    if dataset == "mnist" and not results["run"]["settings"]["quick"]:
        text.append(
            f"The book reports {BOOK_CH1_ACCURACY_TEXT} for this network on "
            "MNIST (chapter 1; quoted from the book, not measured here). The "
            "book trained on the first 50,000 training images and printed the "
            "test accuracy after every epoch; here the network is trained on "
            "all training images and tested once, after the last epoch."
        )
    else:
        text.append(
            f"The book's {BOOK_CH1_ACCURACY_TEXT} is for the full MNIST run; "
            "this run's data differ, so the two are not comparable."
        )
    return "\n".join(text)


def _scaling_tables(results):
    if not results["scaling"]:
        return ""
    text = ["## Scaling with the number of training images", ""]
    for study in results["scaling"]:
        text += [
            f"**{study['contender']}** (its tuned parameters): fit time grows as "
            f"n_train^**{study['fit_loglog_slope']:.2f}** (least-squares slope "
            "of log fit time against log n_train).",
            "",
            f"| n_train | Fit (s) | Predict {study['n_test']} images (s) | Accuracy |",
            "|---:|---:|---:|---:|",
        ]
        for point in study["points"]:
            mark = " (main refit)" if point["fit_is_main_refit"] else ""
            text.append(
                f"| {point['n_train']}{mark} | {point['fit_s']:.2f} | "
                f"{_predict_text(point, results, digits=3)} | "
                f"{point['accuracy']:.4f} |"
            )
        text.append("")
    text.append(
        "Each size is a stratified random subset of the training set, fitted "
        "once; the largest is the refit of the table above, not fitted again. "
        f"Predict: {_predict_rule(results)}, of the same stratified subset of "
        "the test set, which also gives the accuracy."
    )
    return "\n".join(text)


def _learning_curve(results):
    curve = results["learning_curve"]
    if curve is None:
        return ""
    text = [
        "## Learning curve of the tuned SigmoidMLPClassifier",
        "",
        f"Trained with its tuned parameters on {curve['n_fit']} training images, "
        f"{curve['n_validation']} others held out for validation (the test set "
        f"is not used). Best validation accuracy "
        f"**{curve['best_val_accuracy']:.4f}** after epoch "
        f"{curve['best_epoch']} of {len(curve['epochs'])}. From the "
        "classifier's `history_`: training loss and accuracy are running "
        "figures over the epoch's mini-batches, each measured just before its "
        "update; validation loss and accuracy are measured on the held-out "
        "images after the epoch. Both losses include the same L2 penalty, so "
        "they compare.",
        "",
        "| Epoch | Training loss | Validation loss | Training accuracy | "
        "Validation accuracy |",
        "|---:|---:|---:|---:|---:|",
    ]
    for i, epoch in enumerate(curve["epochs"]):
        text.append(
            f"| {epoch} | {curve['train_loss'][i]:.4f} | "
            f"{curve['val_loss'][i]:.4f} | {curve['train_accuracy'][i]:.4f} | "
            f"{curve['val_accuracy'][i]:.4f} |"
        )
    return "\n".join(text)


def _plots(results):
    outputs = results["outputs"]
    if outputs["plots_skipped"]:
        return f"## Plots\n\nPlots were skipped: {outputs['plots_skipped']}."
    return "## Plots\n\n" + "\n\n".join(
        f"![{name}]({name})" for name in outputs["plots"]
    )


def _grids(results):
    text = ["## What was tuned", ""]
    for c in results["contenders"]:
        if not c["searched"]:
            search = "not searched"
        elif c["cv_shared_with"]:
            search = (
                f"not searched again: a candidate of `{c['cv_shared_with']}`'s grid, "
                "whose CV scores on the same folds it shows"
            )
        else:
            search = (
                f"{c['n_candidates']} candidates, searched in {c['search_s']:.1f} s"
            )
        failed = f", {c['n_failed']} failed" if c["n_failed"] else ""
        text += [
            f"- **{c['title']}** (`{c['name']}`): {search}{failed}. {c['note']}",
            f"  Grid: `{json.dumps(c['grid'])}`",
        ]
        if c["fit_warnings"]:
            text.append(f"  Warnings of the refit: {'; '.join(c['fit_warnings'])}")
    return "\n".join(text)


def _environment(results):
    env = results["environment"]
    versions = ", ".join(
        f"{name} {version}" for name, version in env["libraries"].items() if version
    )
    return "\n".join(
        [
            "## Environment",
            "",
            f"- Python {env['python']} on {env['platform']}",
            f"- {versions}",
            f"- sknumpynet source: {_commit_description(env)}",
            f"- CPU: {env['cpu_model']}; BLAS: {_blas(env)}",
        ]
    )


def _commit_description(env):
    commit = env.get("sknumpynet_commit")  # absent from reports before it was recorded
    if commit is None:
        return "an installed copy, not a git checkout (no commit recorded)"
    return f"git commit {commit}"


def _blas(env):
    pools = [
        f"{pool.get('internal_api', '?')} {pool.get('version', '')} "
        f"({pool.get('num_threads', '?')} BLAS threads)"
        for pool in env["blas"]
        if pool.get("user_api") == "blas"
    ]
    return ", ".join(pools) or "not found"


def _blas_limit(settings):
    threads = settings["blas_threads"]
    if threads is None:
        return ""
    return f", limited to {threads} thread{'s' * (threads > 1)} by --blas-threads"


def _params_text(params):
    if not params:
        return "(defaults)"
    return ", ".join(f"{key.split('__')[-1]}={value}" for key, value in params.items())


def _bytes_text(n_bytes):
    if n_bytes < 1024**2:
        return f"{n_bytes / 1024:.0f} KiB"
    return f"{n_bytes / 1024**2:.1f} MiB"


def _minutes(seconds):
    if seconds < 60:
        return f"{seconds:.0f} s"
    return f"{math.floor(seconds / 60)} min {round(seconds % 60):02d} s"


# --------------------------------------------------------------------- plots


def write_plots(results, output_dir):
    """Draw the PNG plots with matplotlib.

    Parameters
    ----------
    results : dict
        The results of a run.

    output_dir : str or path-like
        Where the PNG files go.

    Returns
    -------
    files : list of str
        Names of the files written, relative to `output_dir`.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    """
    from matplotlib.figure import Figure

    drawers = {
        "accuracy_vs_time": _plot_accuracy_vs_time,
        "scaling": _plot_scaling,
        "learning_curve": _plot_learning_curve,
        "confusion_matrices": _plot_confusion_matrices,
    }
    written = []
    for key, draw in drawers.items():
        figure = draw(results, Figure)
        if figure is not None:
            figure.savefig(os.path.join(output_dir, PLOT_FILES[key]), dpi=110)
            written.append(PLOT_FILES[key])
    return written


def _plot_accuracy_vs_time(results, Figure):
    figure = Figure(figsize=(11, 4.5), layout="constrained")
    axes = figure.subplots(1, 2, sharey=True)
    for ax, key, label in zip(
        axes,
        ("fit_s", "predict_s"),
        ("fit time on the training set (s)", "prediction time on the test set (s)"),
        strict=True,
    ):
        for c in results["contenders"]:
            low, high = c["test_accuracy_ci95"]
            accuracy = c["test_accuracy"]
            ax.errorbar(
                c[key],
                accuracy,
                yerr=[[accuracy - low], [high - accuracy]],
                fmt="o",
                capsize=3,
                label=c["title"],
            )
        ax.set_xscale("log")
        _label_log_axis(ax.xaxis, [c[key] for c in results["contenders"]])
        ax.set_xlabel(label)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("test accuracy (95 % Wilson interval)")
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=3)
    figure.suptitle(f"{results['data']['name']}: accuracy against time")
    return figure


def _label_log_axis(axis, values):
    """Plain-number labels on a log axis, few enough not to overlap.

    Over a span of up to about two decades, the labels are at 1, 2 and 5
    times the powers of ten; over a wider span, at the powers of ten only.
    Minor ticks stay, unlabelled.
    """
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    positive = [value for value in values if value > 0]
    span = math.log10(max(positive) / min(positive)) if positive else 0.0
    subs = (1.0, 2.0, 5.0) if span <= 2.2 else (1.0,)
    axis.set_major_locator(LogLocator(subs=subs))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_minor_formatter(NullFormatter())


def _plot_scaling(results, Figure):
    if not results["scaling"]:
        return None
    figure = Figure(figsize=(13, 4.2), layout="constrained")
    axes = figure.subplots(1, 3)
    points = [p for study in results["scaling"] for p in study["points"]]
    for study in results["scaling"]:
        sizes = [p["n_train"] for p in study["points"]]
        label = f"{study['contender']} (fit ~ n^{study['fit_loglog_slope']:.2f})"
        axes[0].loglog(sizes, [p["fit_s"] for p in study["points"]], "o-", label=label)
        axes[1].loglog(sizes, [p["predict_s"] for p in study["points"]], "o-")
        axes[2].semilogx(sizes, [p["accuracy"] for p in study["points"]], "o-")
    for ax in axes:
        _label_log_axis(ax.xaxis, [p["n_train"] for p in points])
    _label_log_axis(axes[0].yaxis, [p["fit_s"] for p in points])
    _label_log_axis(axes[1].yaxis, [p["predict_s"] for p in points])
    n_test = results["scaling"][0]["n_test"]
    for ax, ylabel in zip(
        axes,
        ("fit time (s)", f"prediction time, {n_test} images (s)", "test accuracy"),
        strict=True,
    ):
        ax.set_xlabel("training images")
        ax.set_ylabel(ylabel)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize="small")
    figure.suptitle(f"{results['data']['name']}: scaling with the training set")
    return figure


def _plot_learning_curve(results, Figure):
    curve = results["learning_curve"]
    if curve is None:
        return None
    figure = Figure(figsize=(10, 4), layout="constrained")
    loss_ax, accuracy_ax = figure.subplots(1, 2)
    epochs = curve["epochs"]
    for ax, key, ylabel in (
        (loss_ax, "loss", "loss (cost + L2 penalty)"),
        (accuracy_ax, "accuracy", "accuracy (training: running, over the epoch)"),
    ):
        ax.plot(epochs, curve[f"train_{key}"], "o-", markersize=3, label="training")
        ax.plot(epochs, curve[f"val_{key}"], "o-", markersize=3, label="validation")
        ax.axvline(curve["best_epoch"], color="0.6", linestyle=":", linewidth=1)
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
        ax.legend()
    loss_ax.set_yscale("log")
    _label_log_axis(loss_ax.yaxis, curve["train_loss"] + curve["val_loss"])
    figure.suptitle(
        f"Tuned SigmoidMLPClassifier: {curve['n_fit']} training, "
        f"{curve['n_validation']} validation images (dotted: best validation "
        f"accuracy, epoch {curve['best_epoch']})"
    )
    return figure


def _plot_confusion_matrices(results, Figure):
    import numpy as np
    from sklearn.metrics import ConfusionMatrixDisplay

    contenders = results["contenders"]
    n_columns = min(4, len(contenders))
    n_rows = math.ceil(len(contenders) / n_columns)
    figure = Figure(figsize=(4 * n_columns, 4 * n_rows), layout="constrained")
    axes = np.atleast_1d(figure.subplots(n_rows, n_columns, squeeze=False)).ravel()
    for ax, c in zip(axes, contenders, strict=False):
        display = ConfusionMatrixDisplay(
            np.asarray(c["confusion_matrix"]),
            display_labels=results["data"]["class_names"],
        )
        display.plot(ax=ax, colorbar=False, text_kw={"fontsize": 6})
        ax.set_title(f"{c['title']}\naccuracy {c['test_accuracy']:.4f}", fontsize=9)
    for ax in axes[len(contenders) :]:
        ax.set_axis_off()
    figure.suptitle(f"{results['data']['name']}: confusion matrices on the test set")
    return figure
