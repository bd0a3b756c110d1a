"""Tests of the benchmark (sknumpynet.benchmarks): pieces, CLI, end to end on digits."""

import io
import json
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_digits
from sklearn.model_selection import ParameterGrid, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.svm import SVC

from sknumpynet.augmentation import RandomShift
from sknumpynet.benchmarks import _contenders, _report, _speed_training, speed
from sknumpynet.benchmarks.__main__ import main
from sknumpynet.benchmarks._contenders import make_contenders, pipeline_key
from sknumpynet.benchmarks._environment import source_commit
from sknumpynet.benchmarks._measure import PredictionTiming, fit_and_predict
from sknumpynet.benchmarks._progress import Progress, format_duration
from sknumpynet.benchmarks._recipes import Recipe
from sknumpynet.benchmarks._stats import loglog_slope, pareto_front
from sknumpynet.benchmarks._tuning import halving_schedule, tune

PLOTS = ["accuracy_vs_time.png", "scaling.png", "learning_curve.png"]
PLOTS.append("confusion_matrices.png")
TABLE_FILES = [_report.JSON_FILE, _report.CSV_FILE, _report.REPORT_FILE]


@pytest.mark.parametrize(
    "seconds, text",
    [
        (42.04, "42.0 s"),
        (59.97, "1 min 00 s"),
        (1319.7, "22 min 00 s"),
        (61, "1 min 01 s"),
    ],
)
def test_durations_round_before_splitting_into_minutes(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize("exponent", [1.0, 2.0, 2.5])
def test_loglog_slope_recovers_a_power_law(exponent):
    sizes = np.array([1_000, 2_000, 5_000, 10_000, 60_000])
    assert loglog_slope(sizes, 3e-6 * sizes**exponent) == pytest.approx(exponent)


def test_pareto_front_keeps_only_points_nothing_beats_on_both():
    times = [10.0, 400.0, 20.0, 300.0, 10.0]
    accuracies = [0.98, 0.986, 0.984, 0.979, 0.95]
    # 3 is slower and less accurate than 2; 4 as fast as 0 and less accurate.
    assert pareto_front(times, accuracies).tolist() == [True, True, True, False, False]


def test_progress_prints_a_heartbeat_and_the_time_left_overall():
    stream = io.StringIO()
    with Progress(stream, heartbeat_s=0.2) as progress:
        progress.plan([100.0, 50.0])
        progress.step("a long fit")
        time.sleep(0.7)
        progress.step("the rest")
    lines = stream.getvalue().splitlines()
    assert "step 1/2: a long fit (about 2 min 30 s left overall)" in lines[0]
    assert any("a long fit:" in line and "so far" in line for line in lines[1:-1])
    assert "about 50.0 s left overall" in lines[-1]
    assert [step["step"] for step in progress.finished] == ["a long fit", "the rest"]
    assert progress.finished[0]["seconds"] >= 0.7


class _SlowClassifier(ClassifierMixin, BaseEstimator):
    """Predicts in `seconds` of (pretend) work."""

    def __init__(self, seconds=0.0):
        self.seconds = seconds

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

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
    pipeline = Pipeline([("clf", _SlowClassifier(seconds))])
    X = np.zeros((2, 1))
    measured = fit_and_predict(pipeline, X, [0, 1], X, PredictionTiming(3, budget))
    assert len(measured["predict_s_runs"]) == expected_runs
    assert min(measured["predict_s_runs"]) >= seconds


def test_onnx_runtime_is_timed_only_when_the_own_prediction_was_quick():
    pytest.importorskip("onnxruntime")
    pytest.importorskip("skl2onnx")
    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype(np.float32)  # skl2onnx's SVC graph takes float32
    quick = fit_and_predict(
        Pipeline([("clf", SVC())]), X, y, X[:50], PredictionTiming(1, 60.0)
    )
    assert quick["predict_onnx_s"] > 0 and quick["onnx_agreement"] == 1.0
    slow = fit_and_predict(
        Pipeline([("clf", _SlowClassifier(0.03))]), X[:2], [0, 1], X[:2],
        PredictionTiming(3, 0.01),
    )  # fmt: skip
    assert slow["predict_onnx_s"] is None
    assert slow["onnx_note"].startswith("not timed")


def test_every_contender_climbs_the_same_halving_rounds():
    X, y = load_digits(return_X_y=True)
    X, y = X[:450] / 16, y[:450]
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    by_name = {c.name: c for c in make_contenders(gamma_scale=0.05, seed=0)}
    searches = [
        tune(by_name[name], X, y, folds, seed=0) for name in ("svc-tuned", "pca-svc")
    ]
    schedule = halving_schedule(len(y))
    for search in searches:
        assert [r["n_images"] for r in search["rounds"]] == schedule
        assert [r["n_candidates"] for r in search["rounds"]] == [9, 3, 1]
        assert search["cv_round"] == 3
    assert schedule[-1] <= len(y) < schedule[-1] + 9


def test_a_grid_too_small_for_the_rounds_is_refused():
    svc = next(c for c in make_contenders(gamma_scale=0.05, seed=0) if c.grid)
    svc.grid = {"clf__C": [1.0, 10.0]}
    X, y = load_digits(return_X_y=True)
    with pytest.raises(ValueError, match="2 candidates; 9 or more"):
        tune(svc, X, y, [(np.arange(100), np.arange(100, 200))], seed=0)


def test_a_refit_is_shared_only_between_identical_pipelines():
    pipelines = {c.name: c.pipeline for c in make_contenders(gamma_scale=0.1, seed=0)}
    svc = pipelines["svc-default"]
    assert pipeline_key(clone(svc)) == pipeline_key(pipelines["svc-tuned"])
    assert pipeline_key(svc) != pipeline_key(clone(svc).set_params(clf__C=10.0))
    assert pipeline_key(svc) != pipeline_key(pipelines["pca-svc"])
    mlp = pipelines["sigmoid-mlp"]
    assert pipeline_key(mlp) != pipeline_key(clone(mlp).set_params(clf__alpha=0.1))


@pytest.mark.parametrize(
    "default, tuned",
    [("sigmoid-mlp-default", "sigmoid-mlp"), ("svc-default", "svc-tuned")],
)
def test_each_defaults_row_is_a_candidate_of_its_tuned_grid(default, tuned):
    """So that the defaults row shows CV scores without a search of its own."""
    contenders = {c.name: c for c in make_contenders(gamma_scale=0.01, seed=0)}
    candidates = {
        pipeline_key(clone(contenders[tuned].pipeline).set_params(**params))
        for params in ParameterGrid(contenders[tuned].grid)
    }
    assert pipeline_key(contenders[default].pipeline) in candidates


@pytest.mark.parametrize(
    "dataset, ingredient, values",
    [
        ("mnist", "clf__augment", ["None", "ElasticDistortion()"]),
        ("fashion-mnist", "scale", ["'passthrough'", "StandardScaler()"]),
    ],
)
def test_the_tuned_grid_searches_what_the_recipe_adds(dataset, ingredient, values):
    """Both values, as reprs: off first (the defaults), then the recipe's."""
    contenders = {
        c.name: c for c in make_contenders(gamma_scale=0.01, seed=0, dataset=dataset)
    }
    grid = contenders["sigmoid-mlp"].grid
    assert [repr(value) for value in grid[ingredient]] == values
    recipe = contenders["sigmoid-mlp-recipe"].pipeline
    assert repr(recipe.get_params()[ingredient]) == values[1]


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

SMALL = ["--dataset", "digits", "--quick", "--blas-threads", "1", "--cv-subset", "450"]
SMALL += ["--scaling-sizes", "100,300", "--scaling-test-size", "200"]


@pytest.fixture
def small_sigmoid_grid(monkeypatch):
    """Nine cheap candidates, the defaults among them, for runs of seconds."""
    grid = {
        "clf__hidden_layer_sizes": [(100,), (10,), (20,)],
        "clf__learning_rate_init": [0.2, 0.3, 0.5],
    }
    monkeypatch.setattr(_contenders, "SIGMOID_MLP_GRID", grid)


def _read_results(output_dir):
    with open(output_dir / _report.JSON_FILE, encoding="utf-8") as file:
        return json.load(file)


def test_cli_digits_writes_every_file_and_figure(tmp_path, capsys, small_sigmoid_grid):
    pandas = pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    names = "sigmoid-mlp-default,sigmoid-mlp,svc-default,svc-tuned,nielsen-ch1"
    assert main([*SMALL, "--contenders", names, "--output", str(tmp_path)]) == 0

    for name in TABLE_FILES + PLOTS:
        assert (tmp_path / name).stat().st_size > 0, name
    results = _read_results(tmp_path)
    rows = {c["name"]: c for c in results["contenders"]}
    assert list(rows) == names.split(",")
    n_test = results["data"]["n_test"]
    for row in rows.values():
        accuracies = [seed["accuracy"] for seed in row["seeds"]]
        assert row["test_accuracy"] == pytest.approx(np.mean(accuracies))
        # The first seed's predictions give both its accuracy and the matrix.
        matrix = np.array(row["confusion_matrix"])
        assert matrix.sum() == n_test
        assert np.trace(matrix) / n_test == pytest.approx(accuracies[0])
        # Wilson's interval of the mean's count of correct test images: its
        # width is set by the test images, not by the seeds.
        z2, p = 1.959964**2, row["test_accuracy"]
        centre = (p + z2 / (2 * n_test)) / (1 + z2 / n_test)
        half = math.sqrt(p * (1 - p) / n_test + z2 / (4 * n_test**2))
        half *= math.sqrt(z2) / (1 + z2 / n_test)
        expected = [centre - half, centre + half]
        assert row["test_accuracy_ci95"] == pytest.approx(expected, abs=2 / n_test)
    assert [len(rows[name]["seeds"]) for name in rows] == [3, 3, 1, 1, 1]
    assert [s["seed"] for s in rows["sigmoid-mlp"]["seeds"]] == [0, 1, 2]
    # Every tuned contender climbed the same rounds.
    for name in ("sigmoid-mlp", "svc-tuned"):
        rounds = [r["n_images"] for r in rows[name]["rounds"]]
        assert rounds == results["data"]["halving_schedule"]
    # The defaults rows take their CV scores from the tuned grid's candidate.
    twin = next(
        c
        for c in rows["svc-tuned"]["candidates"][::-1]
        if c["params"] == {"clf__C": 1.0, "clf__gamma": "scale"}
    )
    assert rows["svc-default"]["cv_shared_with"] == "svc-tuned"
    assert rows["svc-default"]["cv_fold_scores"] == twin["fold_scores"]
    assert rows["nielsen-ch1"]["cv_mean"] is None
    # Each size of the scaling study is a fit of its own, the largest too.
    for study in results["scaling"]:
        assert [p["n_train"] for p in study["points"]] == [100, 300]
    curve = results["learning_curve"]
    assert len(curve["history"]) == 30
    assert curve["n_fit"] + curve["n_validation"] == results["data"]["n_train"]
    steps = results["run"]["steps"]
    assert sum(s["seconds"] for s in steps) == pytest.approx(
        results["run"]["duration_s"], rel=0.05
    )

    table = pandas.read_csv(tmp_path / _report.CSV_FILE)
    assert (
        table.set_index("name").loc["svc-tuned", "test_accuracy"]
        == (rows["svc-tuned"]["test_accuracy"])
    )
    report = (tmp_path / _report.REPORT_FILE).read_text(encoding="utf-8")
    assert "Quick run" in report and "Pareto" in report and "took" in report
    assert "## Where the time went" in report and "## Tuning rounds" in report
    for name in PLOTS:
        assert f"]({name})" in report
    printed = capsys.readouterr()
    assert "step 1" in printed.err and "left overall" in printed.err
    assert str(tmp_path / _report.JSON_FILE) in printed.out


def test_cli_without_matplotlib_still_writes_the_tables(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import raises
    argv = [
        *SMALL,
        "--output",
        str(tmp_path),
        "--contenders",
        "svc-default,nielsen-ch1",
    ]
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
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        yield cluster


@pytest.mark.slow
def test_cli_tuning_runs_on_a_dask_cluster(tmp_path, dask_cluster):
    argv = [*SMALL, "--output", str(tmp_path), "--backend", "dask", "--no-plots"]
    argv += ["--scheduler-address", dask_cluster.scheduler_address]
    assert main([*argv, "--contenders", "svc-tuned"]) == 0

    results = _read_results(tmp_path)
    backend = results["run"]["search_backend"]
    assert backend["backend"] == "dask"
    assert backend["scheduler_address"] == dask_cluster.scheduler_address
    assert backend["dask_workers"] == 1
    (svc,) = results["contenders"]
    assert all(c["cv_mean"] is not None for c in svc["candidates"])


# ---------------------------------------------------------- speed benchmark


@pytest.fixture
def tiny_images(monkeypatch):
    """400 training and 100 test images of noise in place of both data sets."""
    rng = np.random.default_rng(0)
    X = rng.random((500, 784), dtype=np.float32)
    y = np.arange(500) % 10

    def load(**kwargs):
        return X[:400], X[400:], y[:400], y[400:]

    for dataset in _speed_training.LOADERS:
        monkeypatch.setitem(_speed_training.LOADERS, dataset, load)


def _speed_rows(lines):
    """Each printed figure as its name and the fields after it."""
    width = _speed_training.NAME_WIDTH
    return [
        (line[:width].strip(), line[width:].split())
        for line in lines
        if line[:1].isdigit()
    ]


def test_speed_only_runs_the_chosen_groups(tiny_images, monkeypatch, capsys):
    recipes = [
        Recipe("fixed", "mnist", 0.5, 60.0, dict(augment=RandomShift(), max_iter=5)),
        Recipe(
            "vs-svc",
            "fashion-mnist",
            0.5,
            None,
            dict(hidden_layer_sizes=(10,)),
            standardize=True,
        ),
    ]
    monkeypatch.setattr(_speed_training, "RECIPES", recipes)
    argv = ["--quick", "--repeats", "1", "--only", "recipes", "augmentation"]
    assert speed.main(argv) == 0

    lines = capsys.readouterr().out.splitlines()
    rows = _speed_rows(lines)
    assert [name.split(" (")[0] for name, _ in rows] == [
        "7. RandomShift / epoch, h=800 b=128",
        "7. ElasticDistortion / epoch, h=800 b=128",
        "10. fixed: test accuracy",
        "10. fixed: fit seconds",
        "10. vs-svc: test accuracy",
        "10. vs-svc: fit seconds",
    ]
    assert all(fields[-1] in ("ok", "MISSED") for _, fields in rows)
    # One SVC per data set; a recipe without a time of its own is held to
    # the fit of its own data set's SVC, printed above it.
    svc_lines = [line for line in lines if "tuned SVC" in line]
    assert ["on fashion-mnist" in line for line in svc_lines] == [False, True]
    svc_fit = svc_lines[1].split("fit ")[-1].split()[0]
    assert rows[-1][0] == "10. vs-svc: fit seconds (<= SVC's fit)"
    assert rows[-1][1][2] == svc_fit


def test_speed_only_rejects_an_unknown_group(capsys):
    with pytest.raises(SystemExit) as excinfo:
        speed.main(["--only", "recipe"])
    assert excinfo.value.code == 2
    assert "invalid choice: 'recipe'" in capsys.readouterr().err


def test_busy_process_competes_during_the_block_and_is_gone_after():
    with _speed_training.busy_process() as process:
        assert process.poll() is None
    assert process.poll() is not None
