"""Figure 10 of ``speed.py``: each recipe's seeds beside the SVCs of the same run.

The tuned SVC is the pipeline the benchmark's halving search chose, read
from the ``svc-tuned`` row of a ``results.json`` that ``sknumpynet-bench``
wrote: ``docs/benchmarks/<dataset>/results.json`` of this checkout unless
``--svc-results`` names others. Every fit of a data set, the recipes' seeds
and the SVCs, runs side by side in worker processes of one BLAS thread each
(:func:`~sknumpynet.benchmarks._measure.run_jobs`, as the benchmark's own fits
do); each seed's predictions are then tested against the tuned SVC's on the
same test images by the exact McNemar test. On digits the virtual SVC built
from the tuned one (the benchmark's one-pixel-shift row) is fitted and tested
against as well.
"""

import json
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path

import joblib
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from ..preprocessing import Deskew
from ._contenders import DIGITS, params_text
from ._measure import Job, PredictionTiming, run_jobs
from ._progress import Progress
from ._recipes import RECIPES
from ._speed_training import load_train_test
from ._stats import ALPHA, least_favourable, mcnemar_test
from ._virtual_svc import VirtualSVC

CHECKOUT = Path(__file__).resolve().parents[2]
TUNED_SVC = "svc-tuned"
# The steps of the benchmark's SVC pipelines, in order, and the class of each
# when it is not "passthrough".
SVC_STEPS = {"deskew": Deskew, "scale": StandardScaler, "clf": SVC}
# One timed prediction: any prediction outlasts this budget, which also skips
# the ONNX timing, no figure of this group.
ONE_PREDICTION = PredictionTiming(repeats=1, budget_s=1e-6)


class SvcResultsError(ValueError):
    """The tuned SVC cannot be read from the benchmark's results."""


@dataclass(frozen=True)
class Baseline:
    """An SVC pipeline fitted beside the recipes, and where its parameters come from."""

    name: str
    pipeline: Pipeline
    source: str


def recipe_datasets():
    """The data sets of the recipes, in the order they run."""
    return list(dict.fromkeys(recipe.dataset for recipe in RECIPES))


def default_results(dataset):
    """The committed ``results.json`` of `dataset` in this checkout."""
    return CHECKOUT / "docs" / "benchmarks" / dataset / "results.json"


def tuned_svcs(datasets, paths=()):
    """The tuned SVC of each of `datasets`, a :class:`Baseline` by data set.

    Each of `paths` is a ``results.json`` of ``sknumpynet-bench``, which says
    the data set it ran on; a data set that none of them covers takes the
    checkout's committed results. Raises :class:`SvcResultsError` naming the
    file and the ``--svc-results`` option when one is missing or unusable.
    """
    found = {}
    for path in map(Path, paths):
        dataset, baseline = read_tuned_svc(path)
        if dataset not in datasets:
            raise SvcResultsError(
                f"--svc-results {path}: its results are on {dataset!r}, which no "
                f"recipe uses (the recipes' data sets: {', '.join(datasets)})"
            )
        found[dataset] = baseline
    for dataset in datasets:
        if dataset in found:
            continue
        path = default_results(dataset)
        if not path.is_file():
            raise SvcResultsError(
                f"no tuned SVC for {dataset}: {path} does not exist (an installed "
                "sknumpynet has no docs/ folder); pass the results.json of a "
                f"sknumpynet-bench run on {dataset} with --svc-results PATH"
            )
        found[dataset] = read_tuned_svc(path)[1]
    return found


def read_tuned_svc(path):
    """The data set of the results at `path`, and their tuned SVC as a Baseline."""
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SvcResultsError(
            f"cannot read the tuned SVC from {path} ({exc}); --svc-results takes "
            "the results.json that sknumpynet-bench writes"
        ) from exc
    rows = {row.get("name"): row for row in results.get("contenders", [])}
    if TUNED_SVC not in rows:
        raise SvcResultsError(
            f"{path} has no {TUNED_SVC!r} row: --svc-results takes the "
            "results.json of a sknumpynet-bench run that tuned SVC"
        )
    row = rows[TUNED_SVC]
    _check_steps(row, path)
    pipeline = Pipeline([(step, _svc_step(step, row)) for step in SVC_STEPS])
    try:
        shown = path.resolve().relative_to(CHECKOUT)
    except ValueError:
        shown = path
    source = f"{params_text(row['best_params'])}, as chosen in {shown}"
    return results["data"]["name"], Baseline("tuned SVC", pipeline, source)


def _check_steps(row, path):
    """Refuse a row whose pipeline has steps other than those of SVC_STEPS."""
    named = {key.split("__")[0] for key in [*row["params"], *row["best_params"]]}
    chosen = [
        row["best_params"].get(step, "passthrough").split("(")[0] for step in SVC_STEPS
    ]
    allowed = [["passthrough", cls.__name__] for cls in SVC_STEPS.values()]
    if named - set(SVC_STEPS) or any(
        name not in names for name, names in zip(chosen, allowed, strict=True)
    ):
        raise SvcResultsError(
            f"the {TUNED_SVC!r} row of {path} has a pipeline this harness cannot "
            f"rebuild: its steps can be {', '.join(SVC_STEPS)}, each passthrough "
            f"or {', '.join(cls.__name__ for cls in SVC_STEPS.values())} in turn"
        )


def _svc_step(step, row):
    """The estimator of `step` that the results' row records, or "passthrough".

    The row's ``params`` hold every parameter of the refitted pipeline's
    steps that is not an estimator; a step without any was "passthrough".
    """
    prefix = f"{step}__"
    recorded = {
        key.removeprefix(prefix): value
        for key, value in row["params"].items()
        if key.startswith(prefix)
    }
    if not recorded and step != "clf":
        return "passthrough"
    estimator = SVC_STEPS[step]()
    defaults = estimator.get_params()
    # JSON has no tuples: a list stands for a tuple where the default is one.
    changed = {
        key: tuple(value) if isinstance(defaults[key], tuple) else value
        for key, value in recorded.items()
        if value != defaults[key]
    }
    return estimator.set_params(**changed)


def baselines(tuned, dataset):
    """The SVCs fitted beside a data set's recipes: the tuned SVC first.

    The recipes' figures are against the first, and each recipe is tested
    against every one. On digits the benchmark's virtual SVC joins it: the
    tuned pipeline whose SVC is fitted again on its support vectors and their
    one-pixel shifts (:class:`VirtualSVC`).
    """
    if dataset not in DIGITS:
        return [tuned]
    virtual = clone(tuned.pipeline)
    virtual.set_params(clf=VirtualSVC(virtual.named_steps["clf"]))
    source = f"{tuned.name} ({tuned.source}), fitted again with the one-pixel shifts"
    return [tuned, Baseline("virtual SVC", virtual, source)]


def recipe_figures(mnist, settings, log):
    """10. Each recipe's seeds beside the SVCs, with the exact McNemar test."""
    n_processes = joblib.cpu_count()
    epochs = ", each trained for 2 epochs (--quick)" if settings.quick else ""
    log.heading(
        f"10: each recipe with random_state 0 to {settings.seeds - 1}{epochs}, "
        f"and the SVCs, fitted side by side in {n_processes} worker processes of "
        "one BLAS thread each, then predicting the test set once"
    )
    log.heading(
        "10: the recipe's mean test accuracy and fit seconds against the tuned "
        "SVC's; below, mean ± standard deviation over the seeds, and the exact "
        "McNemar test of each seed against the tuned SVC (and on digits the "
        "virtual SVC) on the same test images, with the least favourable seed's "
        f"p and verdict (p < {ALPHA})"
    )
    for dataset in recipe_datasets():
        data = mnist if dataset == "mnist" else load_train_test(dataset, settings.quick)
        recipes = [recipe for recipe in RECIPES if recipe.dataset == dataset]
        svcs = baselines(settings.svcs[dataset], dataset)
        svc_jobs = [_job(svc.name, svc.pipeline, data) for svc in svcs]
        seed_jobs = {
            recipe.name: _seed_jobs(recipe, data, settings) for recipe in recipes
        }
        # Longest first, so that the cores end together: the SVCs, whose fit
        # and prediction grow with the square of the images, then by epochs.
        jobs = svc_jobs + sorted(
            (job for jobs in seed_jobs.values() for job in jobs),
            key=lambda job: -job.pipeline.get_params()["clf__max_iter"],
        )
        with Progress(heartbeat_s=60.0) as progress:
            progress.step(f"recipes on {dataset}: {len(jobs)} fits")
            run_jobs(
                jobs, data, ONE_PREDICTION, n_processes=n_processes, progress=progress
            )
        for svc, job in zip(svcs, svc_jobs, strict=True):
            _report_svc(svc, job, dataset, log)
        for name, jobs in seed_jobs.items():
            _report_recipe(name, jobs, svc_jobs, data.y_test, log)


def _job(name, pipeline, data, seed=None):
    """A job fitting `pipeline` on the whole training set, predicting the test set."""
    return Job(
        contender=name,
        pipeline=pipeline,
        n_train=len(data.y_train),
        n_test=len(data.y_test),
        seed=seed,
    )


def _seed_jobs(recipe, data, settings):
    """A job for each seed of `recipe`, trained for 2 epochs if quick."""
    jobs = []
    for seed in range(settings.seeds):
        pipeline = recipe.make_pipeline(random_state=seed)
        if settings.quick:
            pipeline.set_params(clf__max_iter=2)
        jobs.append(_job(recipe.name, pipeline, data, seed))
    return jobs


def _report_svc(svc, job, dataset, log):
    """Print and keep what an SVC measured."""
    measured = job.measured
    log.note(
        f"{svc.name} on {dataset}, {job.n_train} training images ({svc.source}): "
        f"test accuracy {measured['accuracy']:.4f}, fit {measured['fit_s']:.4g} s, "
        f"predict {measured['predict_s']:.4g} s"
    )
    log.results.append(
        {
            "group": log.group,
            "dataset": dataset,
            "svc": svc.name,
            "source": svc.source,
            "n_train": job.n_train,
            "n_test": job.n_test,
            "accuracy": measured["accuracy"],
            "fit_s": measured["fit_s"],
            "predict_s": measured["predict_s"],
        }
    )


def _report_recipe(name, jobs, references, y_test, log):
    """Print and keep a recipe's seeds, their means and tests against each SVC.

    The figures and the seeds' records are against the first of `references`;
    each other one gets a test of its own.
    """
    reference, *others = references
    seeds = [_seed_record(job, reference, y_test) for job in jobs]
    accuracy, accuracy_std = _mean_std(seeds, "accuracy")
    fit_s, fit_s_std = _mean_std(seeds, "fit_s")
    svc, versus = reference.measured, f"vs {reference.contender}"
    log.figure(f"10. {name}: mean test accuracy {versus}", accuracy, svc["accuracy"])
    log.figure(f"10. {name}: mean fit seconds {versus}", fit_s, svc["fit_s"], "s")
    weakest = least_favourable([seed["mcnemar"] for seed in seeds])
    log.note(
        f"{name}: test accuracy {accuracy:.4f} ± {accuracy_std:.4f}, fit "
        f"{fit_s:.4g} ± {fit_s_std:.2g} s over {len(seeds)} seeds; McNemar "
        f"{versus}, least favourable seed: {_p_text(weakest.p_value)}, "
        f"{weakest.verdict}"
    )
    for seed in seeds:
        test = seed["mcnemar"]
        log.note(
            f"  seed {seed['seed']}: accuracy {seed['accuracy']:.4f}, fit "
            f"{seed['fit_s']:.4g} s; right where the {reference.contender} is "
            f"wrong {test.only_first}, wrong where it is right {test.only_second}, "
            f"{_p_text(test.p_value)}"
        )
    log.results.append(
        {
            "group": log.group,
            "recipe": name,
            "against": reference.contender,
            "seeds": [seed | {"mcnemar": asdict(seed["mcnemar"])} for seed in seeds],
            "accuracy_mean": accuracy,
            "accuracy_std": accuracy_std,
            "fit_s_mean": fit_s,
            "fit_s_std": fit_s_std,
            "p_value": weakest.p_value,
            "verdict": weakest.verdict,
            "other_svcs": [
                _test_against(other, name, jobs, y_test, log) for other in others
            ],
        }
    )


def _test_against(reference, name, jobs, y_test, log):
    """Test each seed of recipe `name` against `reference`; print and return it."""
    tests = [_seed_test(job, reference, y_test) for job in jobs]
    weakest = least_favourable(tests)
    log.note(
        f"{name}: McNemar vs {reference.contender} (test accuracy "
        f"{reference.measured['accuracy']:.4f}), least favourable seed: "
        f"{_p_text(weakest.p_value)}, {weakest.verdict}; by seed, right where it "
        "is wrong / wrong where it is right: "
        + ", ".join(f"{test.only_first}/{test.only_second}" for test in tests)
    )
    return {
        "against": reference.contender,
        "accuracy": reference.measured["accuracy"],
        "p_value": weakest.p_value,
        "verdict": weakest.verdict,
        "seeds": [
            {"seed": job.seed} | asdict(test)
            for job, test in zip(jobs, tests, strict=True)
        ],
    }


def _seed_record(job, reference, y_test):
    """A seed's accuracy, fit and predict seconds, and its McNemar test."""
    measured = job.measured
    keys = ("accuracy", "fit_s", "predict_s")
    return {
        "seed": job.seed,
        **{key: measured[key] for key in keys},
        "mcnemar": _seed_test(job, reference, y_test),
    }


def _seed_test(job, reference, y_test):
    """The exact McNemar test of a seed's test predictions against `reference`'s."""
    return mcnemar_test(y_test, job.measured["y_pred"], reference.measured["y_pred"])


def _p_text(p_value):
    """``"p = 0.0123"``, or ``"p < 0.0001"`` below what four decimals show."""
    return f"p = {p_value:.3g}" if p_value >= 1e-4 else "p < 0.0001"


def _mean_std(records, key):
    """Mean and sample standard deviation (0 for one record) of `key`."""
    values = [record[key] for record in records]
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return statistics.fmean(values), std
