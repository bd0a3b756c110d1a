"""Tests of the benchmark (sknumpynet.benchmarks): pieces, CLI, end to end on digits."""

import io
import json
import math
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_digits
from sklearn.model_selection import ParameterGrid, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.svm import SVC

from sknumpynet.augmentation import ElasticDistortion
from sknumpynet.benchmarks import _contenders, _report
from sknumpynet.benchmarks.__main__ import main
from sknumpynet.benchmarks._contenders import (
    borrowed_params,
    make_contenders,
    pipeline_key,
)
from sknumpynet.benchmarks._data import load_benchmark_data
from sknumpynet.benchmarks._environment import source_commit
from sknumpynet.benchmarks._measure import Job, PredictionTiming, fit_and_predict
from sknumpynet.benchmarks._progress import Progress, format_duration
from sknumpynet.benchmarks._recipes import RECIPES, Recipe
from sknumpynet.benchmarks._run import Config, _Plan, _versus
from sknumpynet.benchmarks._stats import loglog_slope, pareto_front
from sknumpynet.benchmarks._tuning import halving_schedule, tune
from sknumpynet.benchmarks._virtual_svc import VirtualSVC
from sknumpynet.preprocessing import Deskew

PLOTS = ["accuracy_vs_time.png", "scaling.png", "learning_curve.png"]
PLOTS.append("confusion_matrices.png")
TABLE_FILES = [_report.JSON_FILE, _report.CSV_FILE, _report.REPORT_FILE]
EXTRA = 'pip install "sknumpynet[bench]"'


@pytest.fixture(scope="module")
def digits_split():
    """scikit-learn's 8 x 8 digits in [0, 1], split 75/25."""
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16, y, test_size=0.25, stratify=y, random_state=0)


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


def test_progress_counts_the_steps_and_prints_a_heartbeat():
    stream = io.StringIO()
    with Progress(stream, heartbeat_s=0.2, n_unplanned=1) as progress:
        progress.plan(2)
        progress.step("a long fit")
        time.sleep(0.7)
        progress.step("the rest")
        progress.step("write the results")
    lines = stream.getvalue().splitlines()
    assert "step 1/3: a long fit" in lines[0]
    assert any("a long fit:" in line and "so far" in line for line in lines[1:-2])
    assert "step 3/3: write the results" in lines[-1]
    assert [step["step"] for step in progress.finished] == [
        "a long fit",
        "the rest",
        "write the results",
    ]
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
        Pipeline([("clf", _SlowClassifier(0.03))]),
        X[:2],
        [0, 1],
        X[:2],
        PredictionTiming(3, 0.01),
    )
    assert slow["predict_onnx_s"] is None
    assert slow["onnx_note"].startswith("not timed")


# ------------------------------------------------------------- contenders


def _contenders_of(dataset, image_shape=(28, 28)):
    contenders = make_contenders(
        gamma_scale=0.01, seed=0, dataset=dataset, image_shape=image_shape
    )
    return {c.name: c for c in contenders}


def test_every_contender_climbs_the_same_halving_rounds():
    X, y = load_digits(return_X_y=True)
    X, y = X[:450] / 16, y[:450]
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    by_name = _contenders_of("digits", image_shape=(8, 8))
    searches = [
        tune(by_name[name], X, y, folds, seed=0) for name in ("linear-svc", "svc-tuned")
    ]
    schedule = halving_schedule(len(y))
    for search in searches:
        assert [r["n_images"] for r in search["rounds"]] == schedule
        assert search["cv_round"] == 3
    # Nine candidates, then eighteen with the choice of deskewing.
    assert [r["n_candidates"] for r in searches[0]["rounds"]] == [9, 3, 1]
    assert [r["n_candidates"] for r in searches[1]["rounds"]] == [18, 6, 2]
    assert schedule[-1] <= len(y) < schedule[-1] + 9


def test_a_grid_too_small_for_the_rounds_is_refused():
    svc = _contenders_of("mnist")["svc-tuned"]
    svc.grid = {"clf__C": [1.0, 10.0]}
    X, y = load_digits(return_X_y=True)
    with pytest.raises(ValueError, match="2 candidates; 9 or more"):
        tune(svc, X, y, [(np.arange(100), np.arange(100, 200))], seed=0)


def test_a_refit_is_shared_only_between_identical_pipelines():
    pipelines = {name: c.pipeline for name, c in _contenders_of("mnist").items()}
    mlp = pipelines["sigmoid-mlp"]
    assert pipeline_key(clone(mlp)) == pipeline_key(pipelines["sigmoid-mlp-default"])
    assert pipeline_key(mlp) != pipeline_key(clone(mlp).set_params(clf__alpha=0.1))
    assert pipeline_key(mlp) != pipeline_key(clone(mlp).set_params(deskew=Deskew()))
    svc = pipelines["svc-tuned"]
    assert pipeline_key(svc) != pipeline_key(pipelines["pca-svc"])


def test_the_defaults_row_is_a_candidate_of_the_tuned_grid():
    """So that the defaults row shows CV scores without a search of its own."""
    contenders = _contenders_of("mnist")
    tuned = contenders["sigmoid-mlp"]
    candidates = {
        pipeline_key(clone(tuned.pipeline).set_params(**params))
        for params in ParameterGrid(tuned.grid)
    }
    assert pipeline_key(contenders["sigmoid-mlp-default"].pipeline) in candidates


@pytest.mark.parametrize(
    "dataset, image_shape", [("mnist", (28, 28)), ("digits", (8, 8))]
)
@pytest.mark.parametrize("name", ["sigmoid-mlp", "svc-tuned", "pca-svc"])
def test_the_searches_decide_whether_to_deskew(dataset, image_shape, name):
    contender = _contenders_of(dataset, image_shape)[name]
    assert [step for step, _ in contender.pipeline.steps] == ["deskew", "scale", "clf"]
    passthrough, deskew = contender.grid["deskew"]
    assert passthrough == "passthrough"
    assert isinstance(deskew, Deskew) and deskew.image_shape == image_shape


@pytest.mark.parametrize(
    "dataset, ingredient, values",
    [
        (
            "mnist",
            "clf__augment",
            ["None", "ElasticDistortion(alpha=25.0, images_per_field=16)"],
        ),
        ("fashion-mnist", "scale", ["'passthrough'", "StandardScaler()"]),
    ],
)
def test_the_tuned_grid_searches_what_the_recipe_adds(dataset, ingredient, values):
    """Both values, as reprs: off first (the defaults), then the recipe's."""
    contenders = _contenders_of(dataset)
    grid = contenders["sigmoid-mlp"].grid
    assert [repr(value) for value in grid[ingredient]] == values
    recipe = contenders["sigmoid-mlp-recipe"].pipeline
    assert repr(recipe.get_params()[ingredient]) == values[1]
    # Deskewing takes the place of another axis: the grid stays at 24.
    assert len(ParameterGrid(grid)) == 24


def test_recipes_build_deskew_scale_clf_pipelines():
    assert [recipe.name for recipe in RECIPES] == ["mnist-fast", "mnist-99", "fashion"]
    recipe = Recipe("r", "mnist", {"max_iter": 3}, deskew=True, standardize=True)
    pipeline = recipe.make_pipeline(random_state=7)
    assert [step for step, _ in pipeline.steps] == ["deskew", "scale", "clf"]
    assert isinstance(pipeline["deskew"], Deskew)
    assert pipeline["clf"].get_params()["random_state"] == 7
    plain = Recipe("p", "mnist", {}).make_pipeline(random_state=0)
    assert plain["deskew"] == plain["scale"] == "passthrough"


def test_virtual_svcs_take_the_tuned_svcs_parameters():
    contenders = _contenders_of("mnist")
    chosen = {"deskew": Deskew(), "clf__C": 100.0, "clf__gamma": 0.027}
    for name in ("svc-virtual-shifts", "svc-virtual-elastic"):
        contender = contenders[name]
        assert contender.params_from == "svc-tuned" and contender.svm
        params = borrowed_params(contender.pipeline, chosen)
        pipeline = clone(contender.pipeline).set_params(**params)
        assert pipeline["clf"].estimator.get_params()["C"] == 100.0
        assert pipeline["clf"].estimator.get_params()["gamma"] == 0.027
        assert isinstance(pipeline["deskew"], Deskew)


@pytest.mark.parametrize(
    "dataset, wanted, expected",
    [
        ("digits", (), {"svc-virtual-shifts"}),
        ("fashion-mnist", (), set()),
        ("fashion-mnist", ("svc-virtual-elastic",), {"svc-virtual-elastic"}),
    ],
)
def test_optional_rows_run_only_when_named(dataset, wanted, expected):
    """The elastic virtual SVC always, the shifted one on clothes: too costly."""
    contenders = _contenders_of(dataset)
    optional = {name for name, c in contenders.items() if c.optional}
    assert optional == {"svc-virtual-elastic"} | (
        {"svc-virtual-shifts"} if dataset == "fashion-mnist" else set()
    )
    data = load_benchmark_data(
        "digits", n_train=None, n_test=None, seed=0, data_home=None
    )
    plan = _Plan(data, Config(dataset=dataset, contenders=wanted, cv_subset=450))
    names = {c.name for c in plan.contenders}
    assert names & {"svc-virtual-shifts", "svc-virtual-elastic"} == expected
    assert wanted or names >= set(contenders) - optional


# ----------------------------------------------------------- virtual SVC


class _CountingSVC(SVC):
    """An SVC that counts its fits and remembers their sizes."""

    fitted_sizes = []

    def fit(self, X, y, sample_weight=None):
        _CountingSVC.fitted_sizes.append(len(X))
        return super().fit(X, y, sample_weight=sample_weight)


def test_virtual_svc_refits_on_its_shifted_support_vectors(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    _CountingSVC.fitted_sizes = []
    svc = SVC().fit(X_train, y_train)
    vsv = VirtualSVC(_CountingSVC(), image_shape=(8, 8))
    vsv.fit(X_train, y_train)

    # Both fits run inside fit: the first on the training set, the second on
    # its support vectors and their four shifted copies.
    assert _CountingSVC.fitted_sizes == [len(y_train), 5 * len(svc.support_)]
    assert vsv.n_support_first_ == len(svc.support_)
    assert vsv.n_virtual_ == 5 * vsv.n_support_first_
    assert vsv.estimator_.shape_fit_[0] == vsv.n_virtual_
    # Shifted digits are still the same digits: the refit is at least as good.
    assert vsv.score(X_test, y_test) >= svc.score(X_test, y_test)
    assert vsv.decision_function(X_test).shape == (len(y_test), 10)
    assert clone(vsv).get_params()["image_shape"] == (8, 8)


def test_virtual_svc_shifts_each_image_by_one_pixel_with_zero_fill():
    image = np.zeros((3, 3))
    image[1, 2] = 1.0  # a dot at the right edge
    copies = VirtualSVC(image_shape=(3, 3))._copies(image.reshape(1, 9), rng=None)
    dots = [np.argwhere(copy.reshape(3, 3)).tolist() for copy in copies]
    # Down, up, right (off the image: blank) and left.
    assert dots == [[[2, 2]], [[0, 2]], [], [[1, 1]]]


def test_virtual_svc_with_elastic_copies_is_seeded(digits_split):
    X_train, X_test, y_train, _ = digits_split
    elastic = ElasticDistortion(image_shape=(8, 8), alpha=10.0, sigma=1.2)
    fits = [
        VirtualSVC(SVC(), distortion=elastic, random_state=3).fit(
            X_train[:300], y_train[:300]
        )
        for _ in range(2)
    ]
    assert fits[0].n_virtual_ == 5 * fits[0].n_support_first_
    np.testing.assert_array_equal(
        fits[0].decision_function(X_test), fits[1].decision_function(X_test)
    )


def test_virtual_svc_names_a_wrong_image_shape_before_fitting(digits_split):
    X_train, _, y_train, _ = digits_split
    with pytest.raises(ValueError, match=r"image_shape=\(28, 28\).*64 features"):
        VirtualSVC().fit(X_train, y_train)


# -------------------------------------------------------- McNemar verdicts


def _jobs(name, predictions):
    """Jobs of `name` that predicted `predictions`, one per seed."""
    jobs = []
    for seed, y_pred in enumerate(predictions):
        job = Job(name, pipeline=None, n_train=0, n_test=len(y_pred), seed=seed)
        job.measured = {"y_pred": np.asarray(y_pred)}
        jobs.append(job)
    return jobs


def test_each_row_is_tested_against_the_strongest_svm_by_its_weakest_seed():
    y_test = np.zeros(40, dtype=int)
    reference = np.r_[np.ones(10, dtype=int), np.zeros(30, dtype=int)]  # 30 right
    strong = np.zeros(40, dtype=int)  # 40 right: 10 only it gets right
    weak = np.r_[np.ones(7, dtype=int), np.zeros(33, dtype=int)]  # 33 right
    row_jobs = {
        "svm": _jobs("svm", [reference]),
        "net": _jobs("net", [strong, weak]),
    }
    versus = _versus("net", row_jobs, {"name": "svm"}, y_test)
    assert versus["against"] == "svm"
    # The first seed alone beats it (10 to 0, p = 0.002); the second's 3 to 0
    # (p = 0.25) is the least favourable, which decides.
    assert [(s["only_this"], s["only_reference"]) for s in versus["seeds"]] == [
        (10, 0),
        (3, 0),
    ]
    assert versus["seeds"][0]["p_value"] < 0.05
    assert versus["verdict"] == "ties"
    assert versus["p_value"] == pytest.approx(0.25)
    assert _versus("svm", row_jobs, {"name": "svm"}, y_test) is None
    assert _versus("net", row_jobs, None, y_test) is None


def test_the_reports_words_follow_the_test_not_the_means():
    rows = [
        {"name": "svm", "title": "SVM", "test_accuracy": 0.980, "mcnemar": None},
        {
            "name": "net",
            "title": "Net",
            "test_accuracy": 0.983,  # more accurate on average, but not by the test
            "mcnemar": {"verdict": "ties", "p_value": 0.3},
        },
        {
            "name": "wide",
            "title": "Wide",
            "test_accuracy": 0.990,
            "mcnemar": {"verdict": "beats", "p_value": 0.0004},
        },
    ]
    results = {
        "contenders": rows,
        "mcnemar_reference": "svm",
        "data": {"n_test": 10_000},
    }
    text = _report._against_the_strongest_svm(results)
    assert "Beat it: Wide (p < 0.001)." in text
    assert "Tie with it: Net (p = 0.300)." in text
    assert "Lose to it" not in text
    assert _report._versus_text(rows[1]) == "ties (p = 0.300)"


def test_the_learning_curve_table_shows_each_epoch_once():
    history = [
        {"epoch": epoch, "train_loss": 1 / epoch, "val_loss": 1 / epoch}
        | {"train_accuracy": 0.5, "val_accuracy": 0.5 + epoch / 100}
        for epoch in (1, 2, 3)
    ]
    curve = {"history": history, "best_epoch": 3, "best_val_accuracy": 0.53}
    curve |= {"n_fit": 90, "n_validation": 10}
    text = _report._learning_curve({"learning_curve": curve})
    # The best epoch is the last: the first and the last, once each.
    assert [line.split(" | ")[0] for line in text.splitlines()[-2:]] == ["| 1", "| 3"]


# ------------------------------------------------------------------ misc


def test_source_commit_names_the_checkout_that_runs():
    """The report records which commit produced it, when it ran from a checkout."""
    commit = source_commit()
    repository = Path(_report.__file__).resolve().parents[2]
    if not (repository / ".git").exists():
        assert commit is None  # an installed copy: no commit describes its source
        return
    head = subprocess.run(
        ["git", "-C", str(repository), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
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


# -------------------------------------------------------------------- CLI


@pytest.mark.parametrize(
    "argv, named",
    [
        (["--contenders", "svc,forest"], ["unknown contender", "forest"]),
        (["--scheduler-address", "tcp://127.0.0.1:8786"], ["--backend dask"]),
        (["--predict-budget", "0"], ["--predict-budget", "positive"]),
        (["--dataset", "cifar"], ["--dataset", "cifar"]),
    ],
)
def test_cli_rejects_bad_arguments(argv, named, capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["--dataset", "digits", "--quick", *argv])
    assert excinfo.value.code == 2
    error = capsys.readouterr().err
    assert all(fact in error for fact in named)


@pytest.fixture
def without_pandas(monkeypatch):
    """pandas not installed, and the benchmark modules not imported yet."""
    monkeypatch.setitem(sys.modules, "pandas", None)  # import raises
    for name in ("_report", "_plots"):
        monkeypatch.delitem(sys.modules, f"sknumpynet.benchmarks.{name}", raising=False)


def test_a_run_without_the_bench_extra_says_what_to_install(without_pandas, capsys):
    assert main(["--dataset", "digits", "--quick"]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "Traceback" not in error
    assert EXTRA in error and "pandas" in error


def test_help_needs_no_extra_and_points_at_the_documentation(without_pandas, capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["--help"])
    assert excinfo.value.code == 0
    text = capsys.readouterr().out
    assert EXTRA in text
    urls = metadata.metadata("sknumpynet").get_all("Project-URL")
    documentation = next(url for url in urls if url.startswith("Documentation"))
    assert documentation.partition(",")[2].strip() in text
    assert "docs/benchmarks.md" not in text


# -------------------------------------------------------------- end to end

SMALL = ["--dataset", "digits", "--quick", "--blas-threads", "1", "--cv-subset", "450"]
SMALL += ["--scaling-sizes", "100,300", "--scaling-test-size", "200"]


@pytest.fixture
def small_sigmoid_grid(monkeypatch):
    """Six cheap candidates, the defaults among them, 12 with deskewing."""
    grid = {
        "clf__hidden_layer_sizes": [(100,), (10,)],
        "clf__learning_rate_init": [0.2, 0.3, 0.5],
    }
    monkeypatch.setattr(_contenders, "SIGMOID_MLP_GRID", grid)


def _read_results(output_dir):
    with open(output_dir / _report.JSON_FILE, encoding="utf-8") as file:
        return json.load(file)


@pytest.mark.thorough
def test_cli_digits_writes_every_file_and_figure(tmp_path, capsys, small_sigmoid_grid):
    pandas = pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    names = "sigmoid-mlp-default,sigmoid-mlp,svc-tuned,svc-virtual-shifts,nielsen-ch1"
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
    # Every network row has 3 seeds; the SVMs are deterministic.
    assert [len(rows[name]["seeds"]) for name in rows] == [3, 3, 1, 1, 3]
    assert [s["seed"] for s in rows["sigmoid-mlp"]["seeds"]] == [0, 1, 2]
    # Every tuned contender climbed the same rounds.
    for name in ("sigmoid-mlp", "svc-tuned"):
        rounds = [r["n_images"] for r in rows[name]["rounds"]]
        assert rounds == results["data"]["halving_schedule"]
    # The defaults row takes its CV scores from the tuned grid's candidate.
    assert rows["sigmoid-mlp-default"]["cv_shared_with"] == "sigmoid-mlp"
    assert rows["nielsen-ch1"]["cv_mean"] is None
    # The virtual SVC is fitted with what the tuned SVC's search chose.
    chosen = rows["svc-tuned"]["best_params"]
    assert rows["svc-virtual-shifts"]["params_from"] == "svc-tuned"
    assert rows["svc-virtual-shifts"]["best_params"] == {
        key.replace("clf__", "clf__estimator__"): value for key, value in chosen.items()
    }
    _check_the_mcnemar_records(results, rows)
    # Each size of the scaling study is a fit of its own, the largest too; a
    # quick run's fits are too short for a growth exponent.
    for study in results["scaling"]:
        assert [p["n_train"] for p in study["points"]] == [100, 300]
        assert study["fit_loglog_slope"] is None
    curve = results["learning_curve"]
    assert len(curve["history"]) == 30
    assert curve["n_fit"] + curve["n_validation"] == results["data"]["n_train"]
    steps = results["run"]["steps"]
    assert sum(s["seconds"] for s in steps) == pytest.approx(
        results["run"]["duration_s"], rel=0.05
    )

    table = pandas.read_csv(tmp_path / _report.CSV_FILE).set_index("name")
    # Read back to the last bit by some pandas versions, not all.
    assert table.loc["svc-tuned", "test_accuracy"] == pytest.approx(
        rows["svc-tuned"]["test_accuracy"]
    )
    report = (tmp_path / _report.REPORT_FILE).read_text(encoding="utf-8")
    assert "Quick run" in report and "Pareto" in report and "took" in report
    assert "## Where the time went" in report and "## Tuning rounds" in report
    assert "**Deskewing**: the searches chose" in report
    assert "grows as" not in report
    for name in PLOTS:
        assert f"]({name})" in report
    printed = capsys.readouterr()
    assert "step 1" in printed.err and "left" not in printed.err
    assert str(tmp_path / _report.JSON_FILE) in printed.out


def _check_the_mcnemar_records(results, rows):
    """Every row but the strongest SVM's carries its test, seed by seed."""
    svms = [row for row in rows.values() if row["svm"]]
    strongest = max(svms, key=lambda row: row["test_accuracy"])
    assert results["mcnemar_reference"] == strongest["name"]
    report = _report._report(results)
    for row in rows.values():
        if row is strongest:
            assert row["mcnemar"] is None
            continue
        versus = row["mcnemar"]
        assert len(versus["seeds"]) == len(row["seeds"])
        # Each seed's discordant counts are the difference of the two rows'
        # correct predictions: only this row's minus only the reference's.
        n_test = results["data"]["n_test"]
        for seed, test in zip(row["seeds"], versus["seeds"], strict=True):
            gained = test["only_this"] - test["only_reference"]
            assert gained == round(
                (seed["accuracy"] - strongest["test_accuracy"]) * n_test
            )
        assert versus["p_value"] == max(test["p_value"] for test in versus["seeds"])
        assert f"| {row['title']} |" in report
        assert _report._versus_text(row) in report


def test_cli_without_matplotlib_still_writes_the_tables(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import raises
    argv = [*SMALL, "--output", str(tmp_path), "--contenders", "linear-svc"]
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


@pytest.mark.thorough
def test_cli_tuning_runs_on_a_dask_cluster(tmp_path, dask_cluster):
    argv = [*SMALL, "--output", str(tmp_path), "--backend", "dask", "--no-plots"]
    argv += ["--scheduler-address", dask_cluster.scheduler_address]
    assert main([*argv, "--contenders", "linear-svc"]) == 0

    results = _read_results(tmp_path)
    backend = results["run"]["search_backend"]
    assert backend["backend"] == "dask"
    assert backend["scheduler_address"] == dask_cluster.scheduler_address
    assert backend["dask_workers"] == 1
    (svc,) = results["contenders"]
    assert all(c["cv_mean"] is not None for c in svc["candidates"])
