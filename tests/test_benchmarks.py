"""Tests of the benchmark (sknumpynet.benchmarks): helpers, CLI, dask backend."""

import json
import math
import subprocess
import sys
import time
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, ParameterGrid, StratifiedKFold
from sklearn.svm import SVC

from sknumpynet.benchmarks import _report
from sknumpynet.benchmarks.__main__ import main
from sknumpynet.benchmarks._contenders import CONTENDER_NAMES, make_contenders
from sknumpynet.benchmarks._run import (
    ProgressGridSearchCV,
    Settings,
    _pipeline_key,
    _timed_predictions,
    source_commit,
)
from sknumpynet.benchmarks._stats import loglog_slope, wilson_interval

PLOTS = sorted(_report.PLOT_FILES.values())
TABLE_FILES = [_report.JSON_FILE, _report.CSV_FILE, _report.REPORT_FILE]


# ----------------------------------------------------------------- statistics


@pytest.mark.parametrize(
    "n_correct, n_total, expected",
    [
        # Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3.
        (81, 263, (0.2553, 0.3662)),
        (15, 148, (0.0624, 0.1605)),
    ],
)
def test_wilson_interval_matches_published_values(n_correct, n_total, expected):
    low, high = wilson_interval(n_correct, n_total)
    assert (round(low, 4), round(high, 4)) == expected


def test_wilson_interval_bounds_are_where_the_score_test_rejects():
    n_correct, n_total = 9_512, 10_000
    z = NormalDist().inv_cdf(0.975)
    p_hat = n_correct / n_total
    for p in wilson_interval(n_correct, n_total):
        assert abs(p_hat - p) == pytest.approx(z * math.sqrt(p * (1 - p) / n_total))


def test_wilson_interval_at_zero_successes_is_not_a_point():
    low, high = wilson_interval(0, 10)
    z2 = NormalDist().inv_cdf(0.975) ** 2
    assert low == pytest.approx(0.0, abs=1e-12)
    assert high == pytest.approx(z2 / (10 + z2))


@pytest.mark.parametrize("args", [(1, 0), (11, 10), (-1, 10)])
def test_wilson_interval_rejects_impossible_counts(args):
    with pytest.raises(ValueError):
        wilson_interval(*args)


@pytest.mark.parametrize("exponent", [1.0, 2.0, 2.5])
def test_loglog_slope_recovers_a_power_law(exponent):
    sizes = np.array([1_000, 2_000, 5_000, 10_000, 60_000])
    assert loglog_slope(sizes, 3e-6 * sizes**exponent) == pytest.approx(exponent)


def test_loglog_slope_needs_two_sizes_and_positive_times():
    with pytest.raises(ValueError, match="two distinct"):
        loglog_slope([10, 10], [1.0, 2.0])
    with pytest.raises(ValueError, match="positive"):
        loglog_slope([10, 20], [1.0, 0.0])


# ------------------------------------------------------------------ pieces


def test_progress_grid_search_gives_gridsearchcv_results():
    X, y = load_digits(return_X_y=True)
    X, y = X[:300] / 16, y[:300]
    grid = {"C": [0.1, 1.0, 10.0]}
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    reports = []
    ours = ProgressGridSearchCV(
        SVC(), grid, cv=folds, chunk_size=2, on_progress=lambda *a: reports.append(a)
    ).fit(X, y)
    reference = GridSearchCV(SVC(), grid, cv=folds).fit(X, y)
    np.testing.assert_array_equal(
        ours.cv_results_["mean_test_score"], reference.cv_results_["mean_test_score"]
    )
    assert ours.best_params_ == reference.best_params_
    assert [(done, total) for done, total, _ in reports] == [(2, 3), (3, 3)]


class _SlowPredictor:
    """Predicts in `seconds` of (pretend) work."""

    def __init__(self, seconds):
        self.seconds = seconds

    def predict(self, X):
        deadline = time.perf_counter() + self.seconds
        while time.perf_counter() < deadline:
            pass
        return np.zeros(len(X))


@pytest.mark.parametrize(
    "seconds, budget, expected_runs",
    [
        (0.0, 60.0, 3),  # fast: the full number of repeats
        (0.03, 0.05, 2),  # the second run crosses the budget: stop there
        (0.03, 0.01, 1),  # a single run over the budget is still timed
    ],
)
def test_prediction_timing_stops_at_the_repeats_or_the_budget(
    seconds, budget, expected_runs
):
    settings = Settings(predict_repeats=3, predict_budget_s=budget)
    _, runs = _timed_predictions(_SlowPredictor(seconds), np.zeros((2, 1)), settings)
    assert len(runs) == expected_runs
    assert all(run >= seconds for run in runs)


def test_a_refit_is_shared_only_between_identical_pipelines():
    pipelines = {
        c.name: c.pipeline
        for c in make_contenders(quick=True, n_features=64, gamma_scale=0.1, seed=0)
    }
    svc = pipelines["svc-default"]
    assert _pipeline_key(clone(svc)) == _pipeline_key(pipelines["svc-tuned"])
    assert _pipeline_key(svc) != _pipeline_key(clone(svc).set_params(clf__C=10.0))
    assert _pipeline_key(svc) != _pipeline_key(pipelines["pca-svc"])
    mlp = pipelines["sigmoid-mlp"]
    assert _pipeline_key(mlp) != _pipeline_key(clone(mlp).set_params(clf__alpha=0.1))


@pytest.mark.parametrize(
    "default, tuned",
    [("sigmoid-mlp-default", "sigmoid-mlp"), ("svc-default", "svc-tuned")],
)
def test_each_defaults_row_is_a_candidate_of_its_tuned_grid(default, tuned):
    """So that the full run cross-validates the defaults once, not twice."""
    contenders = {
        c.name: c
        for c in make_contenders(quick=False, n_features=784, gamma_scale=0.01, seed=0)
    }
    candidates = {
        _pipeline_key(clone(contenders[tuned].pipeline).set_params(**params))
        for params in ParameterGrid(contenders[tuned].grid)
    }
    assert _pipeline_key(contenders[default].pipeline) in candidates


def test_check_results_names_missing_and_mistyped_fields():
    results = {"schema_version": "1", "run": {}}
    with pytest.raises(ValueError) as excinfo:
        _report.check_results(results)
    message = str(excinfo.value)
    assert "results.schema_version should be int" in message
    assert "results.run.duration_s is missing" in message
    assert "results.contenders is missing" in message


def test_source_commit_names_the_checkout_that_runs():
    """The report records which commit produced it, when it ran from a checkout."""
    commit = source_commit()
    repository = Path(_report.__file__).resolve().parents[2]
    if not (repository / ".git").exists():
        assert commit is None  # an installed copy: no commit describes its source
        return
    head = subprocess.run(
        ["git", "-C", str(repository), "rev-parse", "HEAD"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert commit in (head, f"{head} with uncommitted changes")


def test_import_sknumpynet_does_not_import_the_benchmarks():
    code = (
        "import sys, sknumpynet; "
        "print(any(m.startswith('sknumpynet.benchmarks') for m in sys.modules))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "False"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--contenders", "svc,forest"], "unknown contender"),
        (["--scheduler-address", "tcp://127.0.0.1:8786"], "needs --backend dask"),
        (["--predict-budget", "0"], "must be a positive number"),
    ],
)
def test_cli_rejects_bad_arguments(argv, message, capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["--dataset", "digits", "--quick", *argv])
    assert excinfo.value.code == 2
    assert message in capsys.readouterr().err


# -------------------------------------------------------------- end to end


def _read_results(output_dir):
    with open(output_dir / _report.JSON_FILE, encoding="utf-8") as file:
        results = json.load(file)
    _report.check_results(results)
    return results


@pytest.mark.slow
def test_cli_digits_quick_writes_every_file(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    pandas = pytest.importorskip("pandas")

    argv = ["--dataset", "digits", "--quick", "--blas-threads", "1"]
    assert main([*argv, "--output", str(tmp_path)]) == 0

    for name in TABLE_FILES + PLOTS:
        assert (tmp_path / name).stat().st_size > 0, name
    results = _read_results(tmp_path)
    assert [c["name"] for c in results["contenders"]] == list(CONTENDER_NAMES)
    assert results["outputs"]["plots"] == list(_report.PLOT_FILES.values())
    for contender in results["contenders"]:
        low, high = contender["test_accuracy_ci95"]
        assert low <= contender["test_accuracy"] <= high
        assert len(contender["predict_s_runs"]) == 3
        assert contender["predict_s"] == np.median(contender["predict_s_runs"])
        assert np.sum(contender["confusion_matrix"]) == results["data"]["n_test"]
    assert {s["contender"] for s in results["scaling"]} == {"svc-tuned", "sigmoid-mlp"}
    # SVC's defaults are a candidate of the tuned grid: cross-validated once.
    by_name = {c["name"]: c for c in results["contenders"]}
    (twin,) = [
        candidate
        for candidate in by_name["svc-tuned"]["candidates"]
        if candidate["params"] == {"clf__C": 1.0, "clf__gamma": "scale"}
    ]
    assert by_name["svc-default"]["cv_shared_with"] == "svc-tuned"
    assert by_name["svc-default"]["cv_fold_scores"] == twin["fold_scores"]
    assert by_name["svc-default"]["cv_mean"] == twin["cv_mean"]
    assert by_name["svc-tuned"]["cv_shared_with"] is None
    curve = results["learning_curve"]
    for key in ("train_loss", "val_loss", "train_accuracy", "val_accuracy"):
        assert len(curve[key]) == 30, key
    # The validation images are held out of the training set, not the test set.
    assert curve["n_fit"] + curve["n_validation"] == results["data"]["n_train"]
    assert results["environment"]["blas"]

    table = pandas.read_csv(tmp_path / _report.CSV_FILE)
    accuracy = table[table.key == "[svc-tuned].test_accuracy"]["value"]
    svc_tuned = next(c for c in results["contenders"] if c["name"] == "svc-tuned")
    assert float(accuracy.iloc[0]) == svc_tuned["test_accuracy"]

    report = (tmp_path / _report.REPORT_FILE).read_text(encoding="utf-8")
    assert "Quick run" in report and "took" in report
    for name in PLOTS:
        assert f"]({name})" in report
    printed = capsys.readouterr()
    assert "step 1/" in printed.err and "left in this step" in printed.err
    assert str(tmp_path / _report.JSON_FILE) in printed.out


@pytest.mark.slow
def test_cli_without_matplotlib_still_writes_the_tables(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import raises
    argv = ["--dataset", "digits", "--quick", "--blas-threads", "1"]
    argv += ["--output", str(tmp_path), "--contenders", "svc-default,nielsen-ch1"]
    assert main(argv) == 0

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(TABLE_FILES)
    results = _read_results(tmp_path)
    assert "matplotlib is not installed" in results["outputs"]["plots_skipped"]
    assert results["learning_curve"] is None and results["scaling"] == []
    assert "plots were skipped" in capsys.readouterr().err
    assert "Plots were skipped" in (tmp_path / _report.REPORT_FILE).read_text()


@pytest.fixture
def dask_cluster():
    distributed = pytest.importorskip(
        "distributed",
        reason="dask.distributed is not installed: pip install 'sknumpynet[dask]'",
    )
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        dashboard_address=None,
    ) as cluster:
        yield cluster


@pytest.mark.slow
def test_cli_grid_search_runs_on_a_dask_cluster(tmp_path, dask_cluster):
    argv = [
        "--dataset",
        "digits",
        "--quick",
        "--blas-threads",
        "1",
        "--output",
        str(tmp_path),
        "--backend",
        "dask",
        "--scheduler-address",
        dask_cluster.scheduler_address,
        "--contenders",
        "sigmoid-mlp,svc-tuned",
        "--cv-subset",
        "450",
        "--no-plots",
    ]
    assert main(argv) == 0

    results = _read_results(tmp_path)
    backend = results["run"]["search_backend"]
    assert backend["backend"] == "dask"
    assert backend["scheduler_address"] == dask_cluster.scheduler_address
    assert backend["dask_workers"] == 1
    for contender in results["contenders"]:
        assert contender["n_candidates"] == 2
        assert all(c["cv_mean"] is not None for c in contender["candidates"])
