"""The speed harness, ``python -m sknumpynet.benchmarks.speed``, on small data.

Its figures are measured, not judged: the project's regression floors live
here, in :data:`FLOORS`, and are checked against the committed output.
"""

import json
import operator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import binomtest
from sklearn.pipeline import Pipeline
from sklearn.svm import SVC
from threadpoolctl import threadpool_limits

from sknumpynet import SigmoidMLPClassifier
from sknumpynet.benchmarks import _speed_recipes, _speed_training, speed
from sknumpynet.benchmarks._recipes import RECIPES
from sknumpynet.preprocessing import Deskew

COMMITTED = sorted(
    (Path(__file__).parents[1] / "docs" / "benchmarks").glob("speed*.json")
)


@dataclass(frozen=True)
class Floor:
    """The bound that a figure's ``value`` or ``ratio`` must not cross."""

    field: str
    compare: str
    bound: float

    def holds(self, figure):
        """Whether `figure` (a dict of the JSON output) meets this floor."""
        compare = {"<=": operator.le, ">=": operator.ge}[self.compare]
        return compare(figure[self.field], self.bound)


def at_most(bound, field="ratio"):
    return Floor(field, "<=", bound)


def at_least(bound, field="ratio"):
    return Floor(field, ">=", bound)


# The project's regression floors: each figure of the committed output, by
# name, and the bound its ratio (value / anchor) or value keeps. They leave
# room for the noise of an idle machine; a change that crosses one is a
# regression to explain, or a floor to move in the same commit.
FLOORS = {
    # Seconds per epoch: no slower than MLPClassifier as the book's network,
    # and within a few times the matrix products alone. Two settings are
    # slower in the committed output, where numpy's per-call overhead and the
    # passes over 800 neurons' weights at every step of 10 samples bound the
    # epoch: their floors hold that line, not a goal.
    "1. s/epoch vs MLPClassifier, h=30 b=10": at_most(1.0),
    "1. s/epoch vs MLPClassifier, h=100 b=10": at_most(1.0),
    "1. s/epoch vs MLPClassifier, h=800 b=10": at_most(1.3),
    "1. s/epoch vs MLPClassifier, h=30 b=128": at_most(1.15),
    "1. s/epoch vs MLPClassifier, h=100 b=128": at_most(1.0),
    "1. s/epoch vs MLPClassifier, h=800 b=128": at_most(1.0),
    "2. s/epoch vs matmul floor, h=30 b=128": at_most(4.0),
    "2. s/epoch vs matmul floor, h=100 b=128": at_most(3.0),
    "2. s/epoch vs matmul floor, h=800 b=128": at_most(3.0),
    "3. (300,), dropout 0.3, 35 epochs: test accuracy vs MLPClassifier": at_least(
        0.98, "value"
    ),
    "4. defaults: test accuracy vs MLPClassifier": at_least(0.975, "value"),
    "5. fit allocations / float32 data": at_most(0.25),
    "6. log-log slope of fit time against n, n=5000..60000": at_most(1.1),
    # What augmenting costs inside fit, as a share of an unaugmented epoch.
    # The elastic distortion the MNIST recipes use keeps within a quarter of
    # an epoch on one BLAS thread.
    "7. RandomShift() in fit / epoch, 1 BLAS thread": at_most(0.2),
    "7. RandomShift() in fit / epoch, 2 BLAS threads": at_most(0.4),
    "7. RandomAffine() in fit / epoch, 1 BLAS thread": at_most(0.4),
    "7. RandomAffine() in fit / epoch, 2 BLAS threads": at_most(0.7),
    "7. ElasticDistortion() in fit / epoch, 1 BLAS thread": at_most(0.8),
    "7. ElasticDistortion() in fit / epoch, 2 BLAS threads": at_most(1.2),
    "7. ElasticDistortion(images_per_field=16) in fit / epoch, 1 BLAS thread": at_most(
        0.25
    ),
    "7. ElasticDistortion(images_per_field=16) in fit / epoch, 2 BLAS threads": at_most(
        0.8
    ),
    # Fit's choice of BLAS threads: a busy core costs less than the several
    # times it cost before fit chose, and the choice is no slower than one thread.
    "8. defaults' fit, 5 epochs, busy / idle machine": at_most(2.0),
    "9. s/epoch, fit's choice / one BLAS thread, h=30 b=128": at_most(1.2),
    "9. s/epoch, fit's choice / one BLAS thread, h=100 b=128": at_most(1.2),
    "9. s/epoch, fit's choice / one BLAS thread, h=300 b=128": at_most(1.2),
    "9. s/epoch, fit's choice / one BLAS thread, h=800 b=128": at_most(1.2),
    "9. s/epoch, fit's choice / one BLAS thread, h=100 b=200": at_most(1.2),
    # The recipes, mean of the seeds, against the tuned SVC of the same run.
    "10. mnist-fast: mean test accuracy vs tuned SVC": at_least(0.99, "value"),
    "10. mnist-fast: mean fit seconds vs tuned SVC": at_most(120.0, "value"),
    "10. mnist-99: mean test accuracy vs tuned SVC": at_least(0.993, "value"),
    "10. mnist-99: mean fit seconds vs tuned SVC": at_most(1200.0, "value"),
    "10. fashion: mean test accuracy vs tuned SVC": at_least(0.90, "value"),
    "10. fashion: mean fit seconds vs tuned SVC": at_most(1.0),
}

TIMED_GROUPS = ["epochs", "accuracy", "memory", "scaling", "augmentation", "threads"]


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


@pytest.fixture
def small_recipes(monkeypatch):
    """The recipes with 10 hidden neurons, so that their fits take no time."""
    small = [
        replace(recipe, params=recipe.params | {"hidden_layer_sizes": (10,)})
        for recipe in RECIPES
    ]
    monkeypatch.setattr(_speed_recipes, "RECIPES", small)
    return small


def _write_results(path, dataset, best_params, params):
    """A results.json as sknumpynet-bench writes it, reduced to its tuned SVC."""
    row = {"name": "svc-tuned", "best_params": best_params, "params": params}
    path.write_text(json.dumps({"data": {"name": dataset}, "contenders": [row]}))
    return path


@pytest.fixture
def svc_results(tmp_path):
    """Results of both data sets: MNIST's search chose to deskew, Fashion's not."""
    mnist = _write_results(
        tmp_path / "mnist.json",
        "mnist",
        {"clf__C": 10.0, "clf__gamma": 0.02, "deskew": "Deskew()"},
        {"clf__C": 10.0, "clf__gamma": 0.02, "deskew__image_shape": [28, 28]},
    )
    fashion = _write_results(
        tmp_path / "fashion.json",
        "fashion-mnist",
        {"clf__C": 3.0},
        {"clf__C": 3.0, "clf__gamma": "scale"},
    )
    return [str(mnist), str(fashion)]


def _run(argv, capsys):
    """Run the harness; its figure rows as (name, fields) and its whole output."""
    assert speed.main(argv) == 0
    out = capsys.readouterr().out
    width = _speed_training.NAME_WIDTH
    rows = [
        (line[:width].strip(), line[width:].split())
        for line in out.splitlines()
        if line[:1].isdigit()
    ]
    return rows, out


def test_timed_groups_print_values_anchors_and_ratios_only(
    tiny_images, tmp_path, capsys
):
    output = tmp_path / "speed.json"
    argv = ["--quick", "--repeats", "1", "--json", str(output), "--only"]
    rows, out = _run([*argv, *TIMED_GROUPS], capsys)

    figures = json.loads(output.read_text())["figures"]
    assert [name for name, _ in rows] == [figure["name"] for figure in figures]
    assert {figure["group"] for figure in figures} == set(TIMED_GROUPS)
    for (_, fields), figure in zip(rows, figures, strict=True):
        assert float(fields[-1]) == pytest.approx(figure["ratio"], abs=1e-3)
        assert figure["ratio"] == pytest.approx(figure["value"] / figure["anchor"])
    # Measured truth, no verdicts: no targets in names, no ok or MISSED.
    words = out.split()
    assert "ok" not in words and "MISSED" not in words
    assert "(>=" not in out and "(<=" not in out
    # Augmenting costs a share of an epoch, on one BLAS thread and on two.
    augmentation = [f["name"] for f in figures if f["group"] == "augmentation"]
    assert [name.split(",")[0] for name in augmentation] == [
        "7. RandomShift() in fit / epoch",
        "7. RandomAffine() in fit / epoch",
        "7. ElasticDistortion() in fit / epoch",
        "7. ElasticDistortion(images_per_field=16) in fit / epoch",
    ] * 2
    assert sum(name.endswith("1 BLAS thread") for name in augmentation) == 4


def _assert_exact_tests(result, tests):
    """Each seed's exact McNemar p, and the least favourable one as the result's."""
    for test in tests:
        n_discordant = test["only_first"] + test["only_second"]
        exact = binomtest(test["only_first"], n_discordant).pvalue
        assert test["p_value"] == pytest.approx(exact if n_discordant else 1.0)
    assert result["p_value"] == max(test["p_value"] for test in tests)
    assert result["verdict"] in ("beats", "ties", "loses")


def test_recipes_are_tested_against_the_svc_of_the_results(
    tiny_images, small_recipes, svc_results, tmp_path, capsys
):
    output = tmp_path / "recipes.json"
    argv = ["--quick", "--only", "recipes", "--seeds", "2", "--json", str(output)]
    rows, out = _run([*argv, "--svc-results", *svc_results], capsys)

    assert [name for name, _ in rows] == [
        f"10. {recipe.name}: mean {what} vs tuned SVC"
        for recipe in small_recipes
        for what in ("test accuracy", "fit seconds")
    ]
    assert "worker processes of one BLAS thread each" in out
    results = json.loads(output.read_text())["results"]
    svcs = [result for result in results if "svc" in result]
    # On digits, the virtual SVC of the tuned one's parameters joins it.
    assert [(svc["dataset"], svc["svc"]) for svc in svcs] == [
        ("mnist", "tuned SVC"),
        ("mnist", "virtual SVC"),
        ("fashion-mnist", "tuned SVC"),
    ]
    for svc in svcs[:2]:
        assert "C=10.0, gamma=0.02, deskew=Deskew()" in svc["source"]
        assert svc_results[0] in svc["source"]
    recipes = [result for result in results if "recipe" in result]
    assert [recipe["recipe"] for recipe in recipes] == [r.name for r in small_recipes]
    for recipe in recipes:
        assert [seed["seed"] for seed in recipe["seeds"]] == [0, 1]
        tests = [seed["mcnemar"] for seed in recipe["seeds"]]
        _assert_exact_tests(recipe, tests)
        dataset = next(r.dataset for r in small_recipes if r.name == recipe["recipe"])
        others = recipe["other_svcs"]
        assert [other["against"] for other in others] == (
            ["virtual SVC"] if dataset == "mnist" else []
        )
        for other in others:
            assert [seed["seed"] for seed in other["seeds"]] == [0, 1]
            _assert_exact_tests(other, other["seeds"])
            assert f"{recipe['recipe']}: McNemar vs virtual SVC" in out
        # Noise against noise: no p-value small enough to print as a bound.
        summary = f"least favourable seed: p = {recipe['p_value']:.3g}"
        assert f"{recipe['recipe']}: test accuracy" in out
        assert summary in out


def test_the_tuned_svc_is_the_pipeline_the_results_chose(svc_results):
    dataset, svc = _speed_recipes.read_tuned_svc(Path(svc_results[0]))
    assert dataset == "mnist"
    assert isinstance(svc.pipeline, Pipeline)
    deskew, scale, clf = (step for _, step in svc.pipeline.steps)
    assert isinstance(deskew, Deskew) and deskew.image_shape == (28, 28)
    assert scale == "passthrough"
    assert isinstance(clf, SVC) and (clf.C, clf.gamma) == (10.0, 0.02)

    dataset, svc = _speed_recipes.read_tuned_svc(Path(svc_results[1]))
    assert dataset == "fashion-mnist"
    assert svc.pipeline.named_steps["deskew"] == "passthrough"
    assert svc.pipeline.named_steps["clf"].C == 3.0


def test_missing_results_name_the_file_and_the_option(tmp_path, monkeypatch, capsys):
    # An installed package has no docs/ folder: no default results.
    monkeypatch.setattr(_speed_recipes, "CHECKOUT", tmp_path)
    with pytest.raises(SystemExit) as excinfo:
        speed.main(["--only", "recipes"])
    assert excinfo.value.code == 2
    error = capsys.readouterr().err
    assert str(tmp_path / "docs" / "benchmarks" / "mnist" / "results.json") in error
    assert "--svc-results" in error

    missing = tmp_path / "nowhere.json"
    with pytest.raises(SystemExit):
        speed.main(["--only", "recipes", "--svc-results", str(missing)])
    error = capsys.readouterr().err
    assert str(missing) in error and "--svc-results" in error


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([], id="no tuned SVC"),
        pytest.param(
            [
                {
                    "name": "svc-tuned",
                    "best_params": {"pca__n_components": 0.8},
                    "params": {"pca__n_components": 0.8, "clf__C": 1.0},
                }
            ],
            id="a step it cannot rebuild",
        ),
    ],
)
def test_results_without_a_usable_tuned_svc_are_refused(rows, tmp_path, capsys):
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"data": {"name": "mnist"}, "contenders": rows}))
    with pytest.raises(SystemExit) as excinfo:
        speed.main(["--only", "recipes", "--svc-results", str(results)])
    assert excinfo.value.code == 2
    error = capsys.readouterr().err
    assert str(results) in error and "svc-tuned" in error


def test_busy_process_competes_during_the_block_and_is_gone_after():
    with _speed_training.busy_process() as process:
        assert process.poll() is None
    assert process.poll() is not None


def test_speed_runs_only_the_groups_asked_for(tiny_images, capsys):
    assert speed.main(["--quick", "--repeats", "1", "--only", "memory"]) == 0
    lines = capsys.readouterr().out.splitlines()
    figures = [line.split(".")[0] for line in lines if line[:1].isdigit()]
    assert figures == ["5"]


def test_an_unknown_group_is_refused(capsys):
    with pytest.raises(SystemExit) as excinfo:
        speed.main(["--only", "recipe"])
    assert excinfo.value.code == 2
    error = capsys.readouterr().err
    assert "--only" in error and "'recipe'" in error


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_blas_threads_seen_are_those_fit_trained_with():
    seen = _speed_training.BlasThreadsSeen()
    clf = seen.watch(SigmoidMLPClassifier(max_iter=2, random_state=0))
    if not hasattr(clf, "set_callbacks"):
        pytest.skip("fit callbacks need scikit-learn >= 1.9")
    X = np.random.default_rng(0).random((60, 4))
    y = np.arange(60) % 3
    with threadpool_limits(limits=1, user_api="blas"):
        clf.fit(X, y)
    assert seen.per_fit == [1]


def _committed_figures():
    """Every figure of the committed JSON outputs, by name."""
    if not COMMITTED:
        pytest.skip("no speed output committed as JSON in docs/benchmarks yet")
    return {
        figure["name"]: figure
        for path in COMMITTED
        for figure in json.loads(path.read_text())["figures"]
    }


def test_the_committed_output_meets_the_floors():
    figures = _committed_figures()
    missing = sorted(set(FLOORS) - set(figures))
    assert not missing, f"floors without a figure in {COMMITTED}: {missing}"
    crossed = {
        name: (figures[name][floor.field], floor)
        for name, floor in FLOORS.items()
        if not floor.holds(figures[name])
    }
    assert not crossed, f"figures that cross their floor: {crossed}"


def test_no_committed_recipe_loses_to_an_svc_of_its_run():
    _committed_figures()
    recipes = [
        result
        for path in COMMITTED
        for result in json.loads(path.read_text())["results"]
        if "recipe" in result
    ]
    assert {recipe["recipe"] for recipe in recipes} == {r.name for r in RECIPES}
    losses = [
        (recipe["recipe"], test["against"])
        for recipe in recipes
        for test in [recipe, *recipe["other_svcs"]]
        if test["verdict"] == "loses"
    ]
    assert losses == []
