"""Write the results of a run: results.json, results.csv, report.md and plots."""

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ._contenders import NIELSEN_CH1, params_text
from ._progress import format_duration
from ._stats import front_order

JSON_FILE = "results.json"
CSV_FILE = "results.csv"
REPORT_FILE = "report.md"
BOOK_CH1_ACCURACY_TEXT = "about 95 %"
CSV_COLUMNS = [
    "name",
    "title",
    "cv_mean",
    "cv_std",
    "test_accuracy",
    "test_accuracy_std",
    "fit_s",
    "fit_s_std",
    "fit_cpu_s",
    "predict_s",
    "predict_onnx_s",
    "model_bytes",
    "refit_shared_with",
]
# How the rows are tested against the strongest SVM.
MCNEMAR_RULE = (
    "the exact McNemar test of the row's predictions against those of the "
    "strongest SVM on the same {n_test} test images (a two-sided binomial test "
    "of the images only one of the two gets right); a row of several seeds "
    "takes the least favourable seed's test (the largest p-value, or a tie when "
    "the seeds disagree on who is better). It beats or loses at p < 0.05, and "
    "otherwise ties"
)
# How prediction times are measured, filled from the run's config.
PREDICT_RULE = (
    "median of {predict_repeats} timed predictions, or of fewer (their number in "
    "parentheses) once they had taken {predict_budget_s:g} s together"
)


def write_outputs(results, output_dir, *, plots):
    """Write the plots, results.json, results.csv and report.md.

    Parameters
    ----------
    results : dict
        As returned by :func:`~sknumpynet.benchmarks._run.run_benchmark`; an
        ``"outputs"`` entry listing the files is added.

    output_dir : str or path-like
        Created if needed.

    plots : bool
        Whether to draw the PNG plots (they need matplotlib).

    Returns
    -------
    files : list of str
        Paths of the files written.
    """
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    plot_files, skipped = [], "--no-plots was given"
    if plots:
        try:
            import matplotlib  # noqa: F401  (checked here: _plots may be imported)

            from ._plots import write_plots
        except ImportError:
            skipped = 'matplotlib is not installed: pip install "sknumpynet[bench]"'
        else:
            plot_files, skipped = write_plots(results, output_dir), None
    files = [JSON_FILE, CSV_FILE, REPORT_FILE, *plot_files]
    results["outputs"] = {"files": files, "plots": plot_files, "plots_skipped": skipped}
    text = json.dumps(results, indent=2, allow_nan=False, default=_json_default)
    (output / JSON_FILE).write_text(text + "\n", encoding="utf-8")
    _csv_table(results).to_csv(output / CSV_FILE, index=False)
    (output / REPORT_FILE).write_text(_report(results), encoding="utf-8")
    return [os.path.join(output_dir, name) for name in files]


def _csv_table(results):
    """One row per contender, its figures as numbers."""
    rows = pd.DataFrame(results["contenders"])
    low, high = zip(*rows["test_accuracy_ci95"], strict=True)
    versus = rows["mcnemar"].map(lambda test: test or {})
    return rows[CSV_COLUMNS].assign(
        best_params=rows["best_params"].map(params_text),
        n_seeds=rows["seeds"].map(len),
        ci95_low=low,
        ci95_high=high,
        mcnemar_against=versus.map(lambda test: test.get("against")),
        mcnemar_verdict=versus.map(lambda test: test.get("verdict")),
        mcnemar_p_value=versus.map(lambda test: test.get("p_value")),
    )


def _report(results):
    """The Markdown report: the headline and tables first, then the details."""
    tables = [_headline, _header, _main_table, _tuning_rounds, _replication]
    details = [_scaling, _learning_curve, _time_spent, _plots, _grids]
    return _blocks(*(section(results) for section in tables + details)) + "\n"


def _headline(results):
    """The title, a quick run's warning, the verdicts and the Pareto fronts."""
    rows = results["contenders"]
    fit, predict = (
        _and([rows[i]["title"] for i in front_order(rows, key)])
        for key in ("fit_s", "predict_s")
    )
    quick = results["run"]["config"]["quick"] and (
        "> **Quick run**: small subsets, to check that everything works. "
        "Do not draw conclusions from its figures."
    )
    return _blocks(
        f"# sknumpynet benchmark: {results['data']['name']}",
        quick,
        _against_the_strongest_svm(results),
        f"**Frontier.** On the Pareto front of mean test accuracy against fit "
        f"time: {fit}; against prediction time: {predict} (no other contender "
        "is both faster and more accurate on average).",
    )


def _against_the_strongest_svm(results):
    """Which rows beat, tie with or lose to the strongest SVM, by McNemar's test."""
    rows = results["contenders"]
    reference = next(
        (c for c in rows if c["name"] == results["mcnemar_reference"]), None
    )
    if reference is None:
        return ""
    groups = {"beats": [], "ties": [], "loses": []}
    for c in rows:
        if c["mcnemar"] is not None:
            groups[c["mcnemar"]["verdict"]].append(
                f"{c['title']} ({_p_text(c['mcnemar']['p_value'])})"
            )
    sentences = [
        f"{lead}: {_and(names)}."
        for lead, names in zip(
            ("Beat it", "Tie with it", "Lose to it"), groups.values(), strict=True
        )
        if names
    ]
    return (
        f"**Against the strongest SVM**, {reference['title']} "
        f"({100 * reference['test_accuracy']:.2f} % of the test images). "
        + " ".join(sentences)
        + f" (Exact McNemar tests on the same {results['data']['n_test']} test "
        "images, at p < 0.05; a row of several seeds takes its least favourable "
        "seed's test.)"
    )


def _header(results):
    """When, how and on what the run ran, as a bullet list."""
    run, data, env = results["run"], results["data"], results["environment"]
    config = run["config"]
    blas = ", ".join(
        f"{p['internal_api']} {p['version']} ({_count(p['num_threads'], 'thread')})"
        for p in env["blas"]
    )
    blas = blas or "not found"
    if config["blas_threads"]:
        blas += f", limited to {config['blas_threads']} by --blas-threads"
    commit = env["sknumpynet_commit"]
    source = f"git commit {commit}" if commit else "installed copy (no git commit)"
    versions = ", ".join(f"{name} {v}" for name, v in env["libraries"].items() if v)
    return (
        f"- Run on {run['started']}; it took **{format_duration(run['duration_s'])}**"
        " (every step below; writing this report not included). The main process "
        f"used {format_duration(run['main_process_cpu_s'])} of CPU.\n"
        f"- Command: `{run['command']}`; seed {config['seed']}; sknumpynet {source}.\n"
        f"- Machine: {env['cpu_model']}, {env['usable_cores']} usable cores "
        f"({env['cpu_count']} CPUs); BLAS: {blas}; Python {env['python']} "
        f"on {env['platform']}; {versions}.\n"
        f"- Data: {data['n_train']} training and {data['n_test']} test images of "
        f"{data['n_features']} pixels in [0, 1] ({data['source']}).\n"
        f"- Tuning: successive halving (factor {data['halving_factor']}) on "
        f"{data['cv_folds']} stratified folds of {data['cv_subset']} training "
        f"images, the same folds and rounds for every contender: rounds of "
        f"{', '.join(map(str, data['halving_schedule']))} images; joblib backend "
        f"`{run['search_backend']['backend']}`, n_jobs={config['n_jobs']}."
    )


def _main_table(results):
    """Every contender's accuracy, test against the strongest SVM, and times."""
    rows, data, run = results["contenders"], results["data"], results["run"]
    by_name = {c["name"]: c for c in rows}
    gaps = [
        f"{tuned['title']} {100 * (tuned['test_accuracy'] - c['test_accuracy']):+.2f}"
        " points"
        for c in rows
        if (tuned := by_name.get(c["cv_shared_with"]))
    ]
    reference = by_name.get(results["mcnemar_reference"])
    table = pd.DataFrame(_main_row(c, data, run["config"]) for c in rows)
    versus = ""
    if reference is not None:
        versus = (
            f"Against {reference['title']}: "
            + MCNEMAR_RULE.format(n_test=data["n_test"])
            + "."
        )
    else:
        table = table.drop(columns=VERSUS_COLUMN)
    return _blocks(
        "## Accuracy and time",
        _markdown(table),
        f"Test accuracy: on the {data['n_test']} test images, the mean ± standard "
        "deviation over the seeds of a row with several (each seed a fit of its "
        "own), with the 95 % Wilson interval of the test set's sampling. "
        f"{versus} Fit: wall-clock seconds on all {data['n_train']} training "
        "images, mean over the seeds; Fit CPU: CPU seconds of that fit. Every fit "
        "runs in a worker process of one BLAS thread, "
        f"{run['side_by_side_processes']} side by side. Predict: "
        f"{PREDICT_RULE.format(**run['config'])}, of the test images, by the "
        "fitted pipeline and, where the onnx extra is installed, by ONNX Runtime "
        "on the pipeline converted by skl2onnx, on one thread too. CV accuracy: "
        "the chosen candidate's mean over the folds in the last round it reached, "
        "with that round's size. Parameters: those the search chose, those of "
        "the search named, or the row's own.",
        _list("Tuned minus defaults, in test accuracy", gaps),
    )


VERSUS_COLUMN = "Against the strongest SVM"


def _versus_text(c):
    """The verdict of row `c` against the strongest SVM, with its p-value."""
    if c["mcnemar"] is None:
        return "(the strongest SVM)"
    return f"{c['mcnemar']['verdict']} ({_p_text(c['mcnemar']['p_value'])})"


def _p_text(p_value):
    """``"p = 0.012"``, or ``"p < 0.001"`` below that."""
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def _parameters_text(c):
    """The parameters of row `c`: chosen by its search, borrowed, or its own."""
    if c["grid"]:
        return params_text(c["best_params"])
    if c["params_from"]:
        return f"{params_text(c['best_params'])} (from {c['params_from']})"
    return "as given"


def _main_row(c, data, config):
    """Contender `c`'s row of the main table."""
    cv, onnx = "not cross-validated", f"— ({c['onnx_note']})"
    if c["cv_mean"] is not None:
        n_images = data["halving_schedule"][c["cv_round"] - 1]
        shared = f", in {c['cv_shared_with']}'s grid" if c["cv_shared_with"] else ""
        cv = f"{c['cv_mean']:.4f} ± {c['cv_std']:.4f} ({n_images} images{shared})"
    if c["predict_onnx_s"] is not None:
        agreement = c["onnx_agreement"]
        same = "" if agreement == 1 else f", {100 * agreement:.2f} % of labels equal"
        onnx = f"{c['predict_onnx_s']:.3g}{same}"
    n = c["model_bytes"]
    size = f"{n / 1024:.0f} KiB" if n < 1024**2 else f"{n / 1024**2:.1f} MiB"
    refit = f" (fit of {c['refit_shared_with']})" if c["refit_shared_with"] else ""
    low, high = c["test_accuracy_ci95"]
    return {
        "Contender": c["title"],
        "Parameters": _parameters_text(c),
        "CV accuracy": cv,
        "Test accuracy [95 % CI]": f"{_spread(c, 'test_accuracy', '.4f')} "
        f"[{low:.4f}, {high:.4f}]",
        VERSUS_COLUMN: _versus_text(c),
        "Fit (s)": _spread(c, "fit_s", ".1f") + refit,
        "Fit CPU (s)": f"{c['fit_cpu_s']:.1f}",
        "Predict (s)": _predict_text(c["predict_s"], c["seeds"][0], config),
        "Predict, ONNX Runtime (s)": onnx,
        "Model": size,
    }


def _tuning_rounds(results):
    """Each tuned contender's successive-halving rounds."""
    tables = {
        f"**{c['title']}**: {c['n_candidates']} candidates, "
        f"{format_duration(c['search_s'])} of wall-clock time.": pd.DataFrame(
            {
                "Round": r["round"],
                "Candidates": r["n_candidates"],
                "Images": r["n_images"],
                "Training images per fold": r["n_train_per_fold"],
                "Best CV accuracy": "failed"
                if r["best_cv"] is None
                else f"{r['best_cv']:.4f}",
                "Best candidate": params_text(r["best_params"]),
                "Compute (s)": f"{r['compute_s']:.0f}",
            }
            for r in c["rounds"]
        )
        for c in results["contenders"]
        if c["rounds"]
    }
    return _tables(
        "Tuning rounds",
        tables,
        _deskewing_chosen(results),
        "Compute: the fits and scorings of the round added together, on all "
        "workers; the wall-clock time is about that divided by the number of "
        "workers. Each round's images are drawn from the same folds with the "
        "same seed for every contender.",
    )


def _deskewing_chosen(results):
    """Which searches chose deskewed pixels and which kept raw ones."""
    searched = [c for c in results["contenders"] if c["grid"] and "deskew" in c["grid"]]
    chose = {True: [], False: []}
    for c in searched:
        chose[c["best_params"].get("deskew", "passthrough") != "passthrough"].append(
            c["title"]
        )
    parts = [
        f"{what} {_and(titles)}"
        for what, titles in (
            ("deskewed pixels for", chose[True]),
            ("raw pixels for", chose[False]),
        )
        if titles
    ]
    return f"**Deskewing**: the searches chose {' and '.join(parts)}." if parts else ""


def _replication(results):
    """Nielsen's chapter-1 network against the figure his book reports."""
    row = next((c for c in results["contenders"] if c["name"] == NIELSEN_CH1), None)
    if row is None:
        return ""
    book = f"The book's {BOOK_CH1_ACCURACY_TEXT} is for the full MNIST run."
    if results["data"]["name"] == "mnist" and not results["run"]["config"]["quick"]:
        book = (
            f"The book reports {BOOK_CH1_ACCURACY_TEXT} (chapter 1; quoted, not "
            "measured here), trained on the first 50,000 training images and "
            "tested after every epoch; here it is trained on all of them and "
            "tested once, after the last epoch."
        )
    return _blocks(
        "## The book's chapter-1 network",
        f"Nielsen's `[784, 30, 10]` network reached "
        f"**{100 * row['test_accuracy']:.2f} %** on the test images"
        f"{_seeds_text(row)}. {book}",
    )


def _seeds_text(row):
    """`` (mean of its 3 seeds, ...)`` for a row of several seeds, else ""."""
    n_seeds = len(row["seeds"])
    if n_seeds == 1:
        return ""
    std = 100 * row["test_accuracy_std"]
    return f" (mean of its {n_seeds} seeds, standard deviation {std:.2f} points)"


def _scaling(results):
    """Each scaling study's fit time, prediction time and accuracy by size."""
    config = results["run"]["config"]
    tables = {
        f"**{s['contender']}** (its tuned parameters){_growth_text(s)}.": pd.DataFrame(
            {
                "n_train": p["n_train"],
                "Fit (s)": f"{p['fit_s']:.2f}",
                f"Predict {s['n_test']} images (s)": _predict_text(
                    p["predict_s"], p, config, 3
                ),
                "Accuracy": f"{p['accuracy']:.4f}",
            }
            for p in s["points"]
        )
        for s in results["scaling"]
    }
    return _tables(
        "Scaling with the number of training images",
        tables,
        "",
        "Each size is a stratified random subset of the training set, fitted once "
        "in this study, every size alike. Predict: "
        f"{PREDICT_RULE.format(**config)}, of the same stratified subset of the "
        "test set, which also gives the accuracy.",
    )


def _growth_text(study):
    """How the study's fit time grows, where its fits are long enough to say."""
    if study["fit_loglog_slope"] is None:
        return ""
    return (
        f": fit time grows as n_train^**{study['fit_loglog_slope']:.2f}** "
        "(least-squares slope of log fit time against log n_train)"
    )


def _learning_curve(results):
    """A few epochs of the tuned classifier's history on held-out images."""
    curve = results["learning_curve"]
    if curve is None:
        return ""
    epochs = {0, curve["best_epoch"] - 1, len(curve["history"]) - 1}
    history = pd.DataFrame(curve["history"]).iloc[sorted(epochs)]
    columns = ["epoch", "train_loss", "val_loss", "train_accuracy", "val_accuracy"]
    return _blocks(
        "## Learning curve of the tuned SigmoidMLPClassifier",
        f"Trained with its tuned parameters on {curve['n_fit']} training images, "
        f"{curve['n_validation']} others held out (the test set is not used): "
        f"best validation accuracy **{curve['best_val_accuracy']:.4f}** after "
        f"epoch {curve['best_epoch']} of {len(curve['history'])}. From the "
        "classifier's `history_` (every epoch in results.json): training figures "
        "are running ones over the epoch's mini-batches, validation figures are "
        "measured after it; both losses include the same L2 penalty.",
        _markdown(history[columns].round(4)),
    )


def _time_spent(results):
    """Each step's wall-clock time and share of the run."""
    steps = pd.DataFrame(results["run"]["steps"])
    share = 100 * steps["seconds"] / results["run"]["duration_s"]
    table = (
        steps["step"]
        .to_frame("Step")
        .assign(
            Time=steps["seconds"].map(format_duration),
            Share=share.map("{:.0f} %".format),
        )
    )
    return _blocks("## Where the time went", _markdown(table))


def _plots(results):
    """The plots as images, or why they were skipped."""
    outputs = results["outputs"]
    if outputs["plots_skipped"]:
        return _blocks("## Plots", f"Plots were skipped: {outputs['plots_skipped']}.")
    return _blocks("## Plots", *(f"![{n}]({n})" for n in outputs["plots"]))


def _grids(results):
    """Each contender's note and grid, and the warnings of its fits."""
    text = ["## What was tuned", ""]
    for c in results["contenders"]:
        grid = json.dumps(c["grid"], default=_json_default)
        if c["grid"]:
            grid = f"Grid: `{grid}`"
        elif c["params_from"]:
            grid = f"Not tuned: the parameters {c['params_from']}'s search chose."
        else:
            grid = "Not tuned."
        text.append(f"- **{c['title']}** (`{c['name']}`): {c['note']} {grid}")
        if c["fit_warnings"]:
            text.append(f"  Warnings of the fits: {'; '.join(c['fit_warnings'])}")
    return "\n".join(text)


def _blocks(*blocks):
    """The non-empty `blocks`, a blank line apart."""
    return "\n\n".join(block for block in blocks if block)


def _tables(heading, tables, *footnotes):
    """A section of `tables` under their intros, then `footnotes`; "" without tables."""
    items = [f"{intro}\n\n{_markdown(table)}" for intro, table in tables.items()]
    return _blocks(f"## {heading}", *items, *footnotes) if items else ""


def _markdown(table):
    """A pipe table of `table`'s columns and rows, as they print."""
    lines = [table.columns, *table.itertuples(False)]
    lines = ["| " + " | ".join(map(str, line)) + " |" for line in lines]
    return "\n".join([lines[0], "|" + "---|" * len(table.columns), *lines[1:]])


def _list(lead, items):
    """`lead`, a colon and `items` separated by semicolons, as a sentence; or ""."""
    return f"{lead}: {'; '.join(items)}." if items else ""


def _spread(c, key, spec):
    """`c[key]` by `spec`, ± its standard deviation `c[key + "_std"]` if non-zero."""
    std = c[f"{key}_std"]
    return f"{c[key]:{spec}}" + (f" ± {std:{spec}}" if std else "")


def _count(n, noun):
    """`n` and `noun`, plural unless `n` is 1."""
    return f"{n} {noun}{'s' * (n != 1)}"


def _predict_text(seconds, timing, config, digits=2):
    """`seconds` to `digits` places, with the number of runs if fewer were timed."""
    runs = len(timing["predict_s_runs"])
    fewer = f" ({_count(runs, 'run')})" if runs < config["predict_repeats"] else ""
    return f"{seconds:.{digits}f}{fewer}"


def _and(names):
    """`names` as in a sentence: "a, b and c"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _json_default(value):
    """numpy scalars and arrays as numbers and lists; any other object as its repr."""
    if isinstance(value, np.generic | np.ndarray):
        return value.tolist()
    return repr(value)
