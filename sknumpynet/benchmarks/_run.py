"""Run the benchmark: data, grid searches, refits, timings, learning curve, scaling.

Every number this module returns is measured here, in this run. Fit times are
single measured fits (``time.perf_counter`` around ``fit``); prediction times
are the median of repeated predictions of the same images: up to
``predict_repeats`` of them, fewer when they have already taken
``predict_budget_s`` seconds together (an RBF SVC predicts MNIST's 10,000
test images in 1-2 minutes, once is all the budget allows; a network does it
in milliseconds, three times). Every time taken is recorded, so the report
says how many runs each median is of. The grid searches run on the joblib
backend chosen by the user; refits, timings, the learning curve and the
scaling study run in this process, one at a time, so that their times are
comparable.
"""

import json
import math
import os
import pickle
import platform
import statistics
import subprocess
import sys
import time
import warnings
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from numbers import Integral
from pathlib import Path

import joblib
import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import (
    GridSearchCV,
    ParameterGrid,
    StratifiedKFold,
    train_test_split,
)
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import Interval
from threadpoolctl import threadpool_info, threadpool_limits

from ._contenders import (
    CONTENDER_NAMES,
    SCALING_CONTENDERS,
    SIGMOID_MLP,
    make_contenders,
)
from ._stats import loglog_slope, wilson_interval

DATASETS = ("mnist", "fashion-mnist", "digits")

LIBRARIES = (
    "sknumpynet",
    "numpy",
    "scipy",
    "scikit-learn",
    "joblib",
    "threadpoolctl",
    "matplotlib",
    "dask",
    "distributed",
)


@dataclass
class Settings:
    """What to run and where; every field is recorded in the results.

    The defaults of the sizes depend on ``quick``: see :func:`make_settings`.
    """

    dataset: str = "mnist"
    quick: bool = False
    seed: int = 0
    n_jobs: int = -1
    backend: str = "loky"
    scheduler_address: str | None = None
    contenders: tuple = ()
    n_train: int | None = None
    n_test: int | None = None
    cv_subset: int = 10_000
    cv_folds: int = 3
    scaling_sizes: tuple = (1_000, 2_000, 5_000, 10_000, 20_000, 60_000)
    scaling_test_size: int = 2_000
    validation_size: int = 10_000
    predict_repeats: int = 3
    predict_budget_s: float = 60.0
    blas_threads: int | None = None
    data_home: str | None = None


FULL_SIZES = dict(
    n_train=None,
    n_test=None,
    cv_subset=10_000,
    cv_folds=3,
    scaling_sizes=(1_000, 2_000, 5_000, 10_000, 20_000, 60_000),
    scaling_test_size=2_000,
    validation_size=10_000,
)
QUICK_SIZES = dict(
    n_train=3_000,
    n_test=2_000,
    cv_subset=1_500,
    cv_folds=3,
    scaling_sizes=(300, 1_000, 3_000),
    scaling_test_size=500,
    validation_size=500,
)


def make_settings(*, quick, **overrides):
    """Settings of a full or quick run; `overrides` that are None are ignored.

    Parameters
    ----------
    quick : bool
        Whether to use the sizes of a quick run.

    **overrides : dict
        Fields of :class:`Settings`.

    Returns
    -------
    settings : Settings
    """
    sizes = QUICK_SIZES if quick else FULL_SIZES
    given = {key: value for key, value in overrides.items() if value is not None}
    return Settings(quick=quick, **{**sizes, **given})


@dataclass
class BenchmarkData:
    """Training and test sets of a run, and where they come from."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    class_names: list
    source: str
    full_sizes: dict = field(default_factory=dict)


class Progress:
    """Report on stderr which step runs, for how long, and the time left.

    sys.stderr is looked up at each message, not stored: the search's
    callback holds this object, and scikit-learn may pickle it with the search
    to send to the workers.
    """

    def __init__(self, stream=None, n_steps=None):
        self.stream = stream
        self.n_steps = n_steps
        self.step_number = 0
        self.run_start = time.perf_counter()
        self.step_start = self.run_start

    def elapsed(self):
        """Seconds since the run started."""
        return time.perf_counter() - self.run_start

    def step(self, title):
        """Announce the next step."""
        self.step_number += 1
        self.step_start = time.perf_counter()
        of = f"/{self.n_steps}" if self.n_steps else ""
        self._print(f"step {self.step_number}{of}: {title}")

    def update(self, done, total, detail):
        """Report `done` of `total` units of the current step, with an estimate."""
        in_step = time.perf_counter() - self.step_start
        left = in_step / done * (total - done) if done else math.nan
        estimate = f", about {_duration(left)} left in this step" if done else ""
        self._print(f"  {done}/{total} {detail} ({_duration(in_step)}{estimate})")

    def note(self, message):
        """Report a result or a fact."""
        self._print(f"  {message}")

    def _print(self, message):
        stream = sys.stderr if self.stream is None else self.stream
        print(f"[{_duration(self.elapsed()):>8}] {message}", file=stream, flush=True)


def _duration(seconds):
    if not math.isfinite(seconds):
        return "?"
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"


class ProgressGridSearchCV(GridSearchCV):
    """GridSearchCV that evaluates the candidates in chunks and reports after each.

    The results are those of :class:`~sklearn.model_selection.GridSearchCV`:
    only the order in which candidates are sent to the joblib backend
    changes, ``chunk_size`` candidates (times the folds) at a time, so that
    the progress can be told while the search runs on any backend.

    Parameters
    ----------
    on_progress : callable or None, default=None
        Called as ``on_progress(n_done, n_candidates, best_mean_score)`` after
        each chunk.

    chunk_size : int, default=2
        Candidates per call to the backend. With ``n_jobs`` workers, ``n_jobs``
        candidates keep every worker busy whatever the number of folds.

    Other parameters are those of GridSearchCV.
    """

    _parameter_constraints: dict = {
        **GridSearchCV._parameter_constraints,
        "on_progress": [callable, None],
        "chunk_size": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        estimator,
        param_grid,
        *,
        scoring=None,
        n_jobs=None,
        refit=True,
        cv=None,
        verbose=0,
        pre_dispatch="2*n_jobs",
        error_score=np.nan,
        return_train_score=False,
        on_progress=None,
        chunk_size=2,
    ):
        super().__init__(
            estimator,
            param_grid,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            error_score=error_score,
            return_train_score=return_train_score,
        )
        self.on_progress = on_progress
        self.chunk_size = chunk_size

    def _run_search(self, evaluate_candidates, **kwargs):
        candidates = list(ParameterGrid(self.param_grid))
        for start in range(0, len(candidates), self.chunk_size):
            results = evaluate_candidates(candidates[start : start + self.chunk_size])
            if self.on_progress is not None:
                scores = results["mean_test_score"]
                best = np.max(scores, initial=-np.inf, where=np.isfinite(scores))
                n_done = min(start + self.chunk_size, len(candidates))
                self.on_progress(n_done, len(candidates), best)


def load_benchmark_data(settings):
    """Load the training and test sets of a run.

    MNIST and Fashion-MNIST come with their official split (60,000 training
    and 10,000 test images); digits is split 75 % / 25 %, stratified. A run
    with ``n_train`` or ``n_test`` set uses a stratified random subset of
    that size (``seed``).

    Parameters
    ----------
    settings : Settings
        ``dataset``, ``n_train``, ``n_test``, ``seed`` and ``data_home`` are used.

    Returns
    -------
    data : BenchmarkData
    """
    X_train, X_test, y_train, y_test, class_names, source = _load_split(settings)
    full_sizes = {"n_train": len(y_train), "n_test": len(y_test)}
    X_train, y_train = _stratified_subset(X_train, y_train, settings.n_train, settings)
    X_test, y_test = _stratified_subset(X_test, y_test, settings.n_test, settings)
    return BenchmarkData(
        settings.dataset,
        X_train,
        y_train,
        X_test,
        y_test,
        class_names,
        source,
        full_sizes,
    )


def _load_split(settings):
    if settings.dataset == "digits":
        digits = load_digits()
        X = (digits.data / 16).astype(np.float32)
        split = train_test_split(
            X,
            digits.target,
            test_size=0.25,
            stratify=digits.target,
            random_state=settings.seed,
        )
        class_names = [str(name) for name in digits.target_names]
        source = "sklearn.datasets.load_digits, pixels / 16, 75/25 stratified split"
        return (*split, class_names, source)
    from ..datasets import load_fashion_mnist, load_mnist

    loader = {"mnist": load_mnist, "fashion-mnist": load_fashion_mnist}[
        settings.dataset
    ]
    bunch = loader(split="train_test", data_home=settings.data_home)
    class_names = [str(name) for name in bunch.target_names]
    source = f"sknumpynet.datasets.{loader.__name__}, official train/test split"
    return (
        bunch.train.data,
        bunch.test.data,
        bunch.train.target,
        bunch.test.target,
        class_names,
        source,
    )


def _stratified_subset(X, y, size, settings):
    """A stratified random subset of `size` rows, or all rows."""
    if size is None or size >= len(y):
        return X, y
    X_subset, _, y_subset, _ = train_test_split(
        X, y, train_size=size, stratify=y, random_state=settings.seed
    )
    return X_subset, y_subset


def describe_environment():
    """Python, libraries, CPU, cores and BLAS of this machine.

    Returns
    -------
    environment : dict
    """

    try:
        usable_cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable_cores = os.cpu_count()
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "usable_cores": usable_cores,
        "libraries": {name: _version(name) for name in LIBRARIES},
        "sknumpynet_commit": source_commit(),
        "blas": [
            {key: _jsonable(value) for key, value in pool.items()}
            for pool in threadpool_info()
        ],
    }


def source_commit():
    """The git commit of the sknumpynet source that runs, if it is a checkout.

    Returns
    -------
    commit : str or None
        The commit hash, followed by ``" with uncommitted changes"`` when the
        checkout's tracked files differ from it; None when sknumpynet runs
        from an installed copy (or git is missing), whose source no commit
        names.
    """
    package_dir = Path(__file__).resolve().parents[1]

    def git(*args):
        return subprocess.run(
            ["git", "-C", str(package_dir), *args],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout.strip()  # fmt: skip

    try:
        # A copy installed inside some other repository is not its checkout.
        if Path(git("rev-parse", "--show-toplevel")) != package_dir.parent:
            return None
        commit = git("rev-parse", "HEAD")
        changed = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + (" with uncommitted changes" if changed else "")


def cpu_model():
    """The CPU's model name, from /proc/cpuinfo or else the platform module.

    Returns
    -------
    model : str
    """
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith(("model name", "Processor", "cpu model")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _version(distribution):
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


@contextmanager
def search_backend(settings, progress):
    """Start what the joblib backend needs (a dask client) and describe it.

    Yields
    ------
    description : dict
        The backend and, for dask, the scheduler's address and its workers.
    """
    description = {"backend": settings.backend, "n_jobs": settings.n_jobs}
    if settings.backend != "dask":
        yield description
        return
    with ExitStack() as stack:
        client = stack.enter_context(_dask_client(settings))
        workers = client.scheduler_info().get("workers", {})
        description |= {
            "scheduler_address": client.scheduler.address,
            "dask_workers": len(workers),
            "dask_threads": sum(w.get("nthreads", 0) for w in workers.values()),
        }
        progress.note(
            f"dask scheduler {description['scheduler_address']}: "
            f"{description['dask_workers']} workers, "
            f"{description['dask_threads']} threads"
        )
        yield description


@contextmanager
def _dask_client(settings):
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ImportError(
            '--backend dask needs dask.distributed: pip install "sknumpynet[dask]"'
        ) from exc
    if settings.scheduler_address:
        with Client(settings.scheduler_address) as client:
            yield client
        return
    n_workers = joblib.effective_n_jobs(settings.n_jobs)
    with (
        LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def run_benchmark(settings, progress=None, command=None):
    """Run every step of the benchmark and return all that was measured.

    Parameters
    ----------
    settings : Settings
        What to run. With ``blas_threads`` set, every BLAS library is limited
        to that many threads for the whole run (in this process and in
        in-process dask workers; loky workers get ``cores // n_jobs`` each).

    progress : Progress, default=None
        Where to report progress; by default on stderr.

    command : str, default=None
        The command line that started the run, for the record.

    Returns
    -------
    results : dict
        Everything measured, ready for ``json.dump``; see
        :data:`sknumpynet.benchmarks._report.RESULTS_SCHEMA`.
    """
    with threadpool_limits(limits=settings.blas_threads, user_api="blas"):
        return _run_steps(settings, progress or Progress(), command)


def _run_steps(settings, progress, command):
    started = datetime.now(timezone.utc)
    progress.n_steps = count_steps(settings)
    progress.step(f"load {settings.dataset}")
    data = load_benchmark_data(settings)
    progress.note(
        f"{len(data.y_train)} training and {len(data.y_test)} test images of "
        f"{data.X_train.shape[1]} pixels ({data.source})"
    )
    X_cv, y_cv = _stratified_subset(
        data.X_train, data.y_train, settings.cv_subset, settings
    )
    folds = list(
        StratifiedKFold(
            settings.cv_folds, shuffle=True, random_state=settings.seed
        ).split(X_cv, y_cv)
    )
    gamma_scale = float(1 / (X_cv.shape[1] * X_cv.var()))
    contenders = make_contenders(
        quick=settings.quick,
        n_features=X_cv.shape[1],
        gamma_scale=gamma_scale,
        seed=settings.seed,
    )
    if settings.contenders:
        contenders = [c for c in contenders if c.name in settings.contenders]
    scaling_names = [c.name for c in contenders if c.name in SCALING_CONTENDERS]

    records, fitted, cross_validated = [], {}, {}
    with search_backend(settings, progress) as backend:
        # Grids first, so that a defaults row whose pipeline is a candidate of
        # its tuned twin's grid takes that candidate's CV scores.
        for contender in sorted(contenders, key=lambda c: not c.grid):
            search = run_search(
                contender, X_cv, y_cv, folds, settings, progress,
                earlier=cross_validated,
            )  # fmt: skip
            model, record = refit_and_test(
                contender, search, data, settings, progress, earlier=fitted
            )
            records.append(record)
            fitted[contender.name] = (model, record)
    order = [c.name for c in contenders]
    records.sort(key=lambda record: order.index(record["name"]))

    learning_curve = None
    if SIGMOID_MLP in fitted:
        learning_curve = run_learning_curve(
            fitted[SIGMOID_MLP][0], data, settings, progress
        )
    scaling = [
        run_scaling(name, *fitted[name], data, settings, progress)
        for name in scaling_names
    ]
    finished = datetime.now(timezone.utc)
    results = {
        "schema_version": 1,
        "run": {
            "started": started.isoformat(timespec="seconds"),
            "finished": finished.isoformat(timespec="seconds"),
            "duration_s": progress.elapsed(),
            "main_process_cpu_s": time.process_time(),
            "command": command,
            "settings": {key: _jsonable(v) for key, v in vars(settings).items()},
            "search_backend": backend,
        },
        "environment": describe_environment(),
        "data": {
            "name": data.name,
            "source": data.source,
            "n_train": len(data.y_train),
            "n_test": len(data.y_test),
            "n_train_available": data.full_sizes["n_train"],
            "n_test_available": data.full_sizes["n_test"],
            "n_features": int(data.X_train.shape[1]),
            "class_names": data.class_names,
            "cv_subset": len(y_cv),
            "cv_folds": settings.cv_folds,
            "cv_fold_sizes": [[len(tr), len(te)] for tr, te in folds],
            "gamma_scale": gamma_scale,
        },
        "contenders": records,
        "learning_curve": learning_curve,
        "scaling": scaling,
    }
    return results


def count_steps(settings, *, write_step=True):
    """Number of steps :func:`run_benchmark` announces, plus writing the results.

    Parameters
    ----------
    settings : Settings
        ``contenders`` is used.

    write_step : bool, default=True
        Whether to count the step that writes the results.

    Returns
    -------
    n_steps : int
    """
    names = settings.contenders or CONTENDER_NAMES
    n_scaling = sum(name in SCALING_CONTENDERS for name in names)
    return 1 + 2 * len(names) + (SIGMOID_MLP in names) + n_scaling + write_step


def run_search(contender, X_cv, y_cv, folds, settings, progress, earlier=None):
    """Cross-validate the grid of a contender on the shared folds.

    A contender with no grid (one candidate: its pipeline as it is) that an
    earlier search already cross-validated on these folds takes that
    candidate's scores rather than computing them again; the result names
    the search in ``cv_shared_with``.

    Parameters
    ----------
    contender : Contender
        The pipeline and its grid.

    X_cv, y_cv : ndarray
        The cross-validation subset of the training set.

    folds : list of (ndarray, ndarray)
        The training and validation rows of each fold, the same for everyone.

    settings : Settings
        ``n_jobs`` and ``backend`` are used.

    progress : Progress
        Where to report.

    earlier : dict, default=None
        ``{pipeline key: (contender name, candidate)}`` of every candidate
        cross-validated before; this search's candidates are added to it.

    Returns
    -------
    search : dict
        ``best_params``, the CV score of the best candidate (mean, std and
        per fold), every candidate's scores, and the search's wall time.
        For a contender that is not searched, only its parameters.
    """
    progress.step(f"{contender.name}: grid search")
    earlier = {} if earlier is None else earlier
    if not contender.searched:
        progress.note("not searched: the book's parameters, as they are")
        return {
            "searched": False,
            "best_params": {},
            "n_candidates": 1,
            "search_s": None,
            "cv_mean": None,
            "cv_std": None,
            "cv_fold_scores": None,
            "n_failed": 0,
            "candidates": [],
            "cv_shared_with": None,
        }
    key = _pipeline_key(contender.pipeline)
    if not contender.grid and key in earlier:
        twin_name, candidate = earlier[key]
        mean = math.nan if candidate["cv_mean"] is None else candidate["cv_mean"]
        progress.note(
            f"a candidate of {twin_name}'s grid: its CV scores reused, "
            f"accuracy {mean:.4f}"
        )
        return {
            "searched": True,
            "best_params": {},
            "n_candidates": 1,
            "search_s": None,
            "cv_mean": candidate["cv_mean"],
            "cv_std": candidate["cv_std"],
            "cv_fold_scores": candidate["fold_scores"],
            "n_failed": int(candidate["cv_mean"] is None),
            "candidates": [candidate],
            "cv_shared_with": twin_name,
        }
    with joblib.parallel_config(backend=settings.backend, n_jobs=settings.n_jobs):
        chunk_size = max(1, joblib.effective_n_jobs(settings.n_jobs))
        search = ProgressGridSearchCV(
            contender.pipeline,
            contender.grid,
            scoring="accuracy",
            n_jobs=settings.n_jobs,
            cv=folds,
            refit=False,
            on_progress=lambda done, total, best: progress.update(
                done, total, f"candidates, best CV accuracy so far {best:.4f}"
            ),
            chunk_size=chunk_size,
        )
        start = time.perf_counter()
        with warnings.catch_warnings():
            # Epochs are capped on purpose: max_iter is part of the budget.
            warnings.simplefilter("ignore", ConvergenceWarning)
            search.fit(X_cv, y_cv)
        search_s = time.perf_counter() - start
    summary = _summarise_search(search, search_s, len(folds), progress)
    for params, candidate in zip(
        search.cv_results_["params"], summary["candidates"], strict=True
    ):
        pipeline = clone(contender.pipeline).set_params(**params)
        earlier.setdefault(_pipeline_key(pipeline), (contender.name, candidate))
    return summary


def _summarise_search(search, search_s, n_folds, progress):
    cv = search.cv_results_
    best = search.best_index_
    candidates = [
        {
            "params": _jsonable(params),
            "cv_mean": _finite_or_none(cv["mean_test_score"][i]),
            "cv_std": _finite_or_none(cv["std_test_score"][i]),
            "rank": int(cv["rank_test_score"][i]),
            "fold_scores": [
                _finite_or_none(cv[f"split{k}_test_score"][i]) for k in range(n_folds)
            ],
            "mean_fit_s": float(cv["mean_fit_time"][i]),
            "mean_score_s": float(cv["mean_score_time"][i]),
        }
        for i, params in enumerate(cv["params"])
    ]
    progress.note(
        f"best CV accuracy {cv['mean_test_score'][best]:.4f} "
        f"± {cv['std_test_score'][best]:.4f} with "
        f"{_short(search.best_params_) or 'the defaults'}"
    )
    return {
        "searched": True,
        "best_params": search.best_params_,
        "n_candidates": len(candidates),
        "search_s": search_s,
        "cv_mean": float(cv["mean_test_score"][best]),
        "cv_std": float(cv["std_test_score"][best]),
        "cv_fold_scores": candidates[best]["fold_scores"],
        "n_failed": int(np.sum(~np.isfinite(cv["mean_test_score"]))),
        "candidates": candidates,
        "cv_shared_with": None,
    }


def refit_and_test(contender, search, data, settings, progress, earlier=None):
    """Fit the best pipeline on the whole training set and test it.

    If an earlier contender's refit is the very same pipeline (same steps,
    same parameters, seeds included: SVC's defaults when they win the tuned
    SVC's grid), its fitted model and measurements are reused rather than
    measured a second time, and the record says so in ``refit_shared_with``.

    Parameters
    ----------
    contender : Contender
        The pipeline.

    search : dict
        The result of :func:`run_search`; its ``best_params`` are used.

    data : BenchmarkData
        The training and test sets.

    settings : Settings
        ``predict_repeats`` is used.

    progress : Progress
        Where to report.

    earlier : dict, default=None
        ``{name: (model, record)}`` of the contenders refitted before.

    Returns
    -------
    model : Pipeline
        The fitted pipeline.

    record : dict
        The contender's row of the results: its grid and search, the fit
        time, the median prediction time and each measured one, the test
        accuracy with its 95 % Wilson interval, the pickled size, the confusion
        matrix, and the warnings raised by the fit.
    """
    progress.step(f"{contender.name}: fit on {len(data.y_train)} images and test")
    model = clone(contender.pipeline).set_params(**search["best_params"])
    described = {
        "name": contender.name,
        "title": contender.title,
        "note": contender.note,
        "pipeline": repr(contender.pipeline),
        "grid": _jsonable(contender.grid),
        **{key: _jsonable(value) for key, value in search.items()},
        "params": _jsonable(_searched_and_fixed_params(model)),
    }
    for twin_name, (twin, twin_record) in (earlier or {}).items():
        if _pipeline_key(twin) == _pipeline_key(model):
            progress.note(
                f"the same pipeline as {twin_name}: its fit and predictions reused"
            )
            measured = {k: v for k, v in twin_record.items() if k not in described}
            return twin, {**described, **measured, "refit_shared_with": twin_name}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cpu_start = time.process_time()
        fit_s = _timed(model.fit, data.X_train, data.y_train)
        fit_cpu_s = time.process_time() - cpu_start
    y_pred, predict_runs = _timed_predictions(model, data.X_test, settings)
    n_correct = int(np.sum(y_pred == data.y_test))
    n_test = len(data.y_test)
    low, high = wilson_interval(n_correct, n_test)
    predict_s = statistics.median(predict_runs)
    progress.note(
        f"test accuracy {n_correct / n_test:.4f} [{low:.4f}, {high:.4f}], "
        f"fit {_duration(fit_s)}, predict {_duration(predict_s)} "
        f"(median of {len(predict_runs)})"
    )
    measured = {
        "fit_s": fit_s,
        "fit_cpu_s": fit_cpu_s,
        "predict_s": predict_s,
        "predict_s_runs": predict_runs,
        "n_test": n_test,
        "n_correct": n_correct,
        "test_accuracy": n_correct / n_test,
        "test_accuracy_ci95": [low, high],
        "model_bytes": len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)),
        "n_iter": _jsonable(getattr(model[-1], "n_iter_", None)),
        "fit_warnings": sorted({str(w.message) for w in caught}),
        "confusion_matrix": confusion_matrix(data.y_test, y_pred).tolist(),
    }
    return model, {**described, **measured, "refit_shared_with": None}


def _pipeline_key(model):
    """What makes two pipelines the same model: their steps and parameters."""
    steps = tuple(type(step).__qualname__ for _, step in model.steps)
    params = _jsonable(_searched_and_fixed_params(model))
    return steps, json.dumps(params, sort_keys=True)


def _searched_and_fixed_params(model):
    """Every parameter of the pipeline's steps, without nested estimators."""
    return {
        key: value
        for key, value in model.get_params(deep=True).items()
        if "__" in key and not hasattr(value, "get_params")
    }


def _timed(function, *args):
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def _timed_predictions(model, X, settings):
    """Predict `X` repeatedly; the labels and each time taken.

    At most ``predict_repeats`` times, and no more once the predictions have
    taken ``predict_budget_s`` seconds together; always at least once.
    """
    runs = []
    while len(runs) < settings.predict_repeats and (
        not runs or sum(runs) < settings.predict_budget_s
    ):
        start = time.perf_counter()
        y_pred = model.predict(X)
        runs.append(time.perf_counter() - start)
    return y_pred, runs


# The per-epoch fields of SigmoidMLPClassifier.history_ that the learning
# curve keeps; val_loss and val_accuracy are there when fit is given X_val.
HISTORY_FIELDS = (
    "train_loss",
    "val_loss",
    "train_accuracy",
    "val_accuracy",
    "learning_rate",
    "seconds",
)


def run_learning_curve(model, data, settings, progress):
    """Train the tuned SigmoidMLP once more, watching a held-out validation set.

    A stratified ``validation_size`` of the training set is held out (10,000
    images on MNIST, as in Nielsen's split); the preprocessing of the tuned
    pipeline is fitted on the rest, and its classifier is trained there with
    the tuned parameters, ``fit(X, y, X_val=..., y_val=...)``, which records
    the loss and accuracy on both parts after every epoch in ``history_``.
    The test set is not used.

    Parameters
    ----------
    model : Pipeline
        The tuned pipeline, fitted; its parameters are reused, not its weights.

    data : BenchmarkData
        The training set is split; the test set is not used.

    settings : Settings
        ``validation_size`` and ``seed`` are used.

    progress : Progress
        Where to report.

    Returns
    -------
    curve : dict
        The lists of :data:`HISTORY_FIELDS` and ``epochs``, one item per
        epoch, and the epoch of the best validation accuracy.
    """
    n_validation = min(settings.validation_size, len(data.y_train) // 4)
    progress.step(f"{SIGMOID_MLP}: learning curve, {n_validation} images held out")
    X_fit, X_val, y_fit, y_val = train_test_split(
        data.X_train,
        data.y_train,
        test_size=n_validation,
        stratify=data.y_train,
        random_state=settings.seed,
    )
    pipeline = clone(model)
    preprocessing, classifier = Pipeline(pipeline.steps[:-1]), pipeline[-1]
    Z_fit = preprocessing.fit_transform(X_fit)
    Z_val = preprocessing.transform(X_val)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier.fit(Z_fit, y_fit, X_val=Z_val, y_val=y_val)
    wall_s = time.perf_counter() - start
    history = classifier.history_
    curve = {name: [float(epoch[name]) for epoch in history] for name in HISTORY_FIELDS}
    best_epoch = int(np.argmax(curve["val_accuracy"])) + 1
    progress.note(
        f"{len(history)} epochs in {_duration(wall_s)}: validation loss "
        f"{curve['val_loss'][0]:.4f} -> {curve['val_loss'][-1]:.4f}, best "
        f"validation accuracy {curve['val_accuracy'][best_epoch - 1]:.4f} "
        f"after epoch {best_epoch}"
    )
    return {
        "contender": SIGMOID_MLP,
        "params": _jsonable(_searched_and_fixed_params(pipeline)),
        "n_fit": len(y_fit),
        "n_validation": n_validation,
        "epochs": [int(epoch["epoch"]) for epoch in history],
        **curve,
        "best_epoch": best_epoch,
        "best_val_accuracy": curve["val_accuracy"][best_epoch - 1],
        "wall_s": wall_s,
    }


def run_scaling(name, model, record, data, settings, progress):
    """Fit time, prediction time and accuracy against the training-set size.

    The tuned pipeline is fitted on stratified random subsets of the training
    set of each size in ``scaling_sizes`` smaller than it, and the point at
    the whole training set is the refit of the main table (the same fit, not
    a second one). Each model predicts the same stratified ``scaling_test_size``
    test images ``predict_repeats`` times.

    Parameters
    ----------
    name : str
        The contender.

    model : Pipeline
        Its pipeline fitted on the whole training set.

    record : dict
        Its row of the results, for the measured fit time.

    data : BenchmarkData
        The training and test sets.

    settings : Settings
        ``scaling_sizes``, ``scaling_test_size``, ``predict_repeats`` and
        ``seed`` are used.

    progress : Progress
        Where to report.

    Returns
    -------
    scaling : dict
        The points, and the log-log slope of fit time against size.
    """
    n_train = len(data.y_train)
    sizes = [*sorted({n for n in settings.scaling_sizes if n < n_train}), n_train]
    progress.step(f"{name}: scaling, n_train = {', '.join(map(str, sizes))}")
    X_test, y_test = _stratified_subset(
        data.X_test, data.y_test, settings.scaling_test_size, settings
    )
    points, done_samples, start = [], 0, time.perf_counter()
    for size in sizes:
        if size == n_train:
            fitted, fit_s = model, record["fit_s"]
        else:
            X, y = _stratified_subset(data.X_train, data.y_train, size, settings)
            fitted = clone(model)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                fit_s = _timed(fitted.fit, X, y)
        y_pred, predict_runs = _timed_predictions(fitted, X_test, settings)
        points.append(
            {
                "n_train": size,
                "fit_s": fit_s,
                "fit_is_main_refit": size == n_train,
                "predict_s": statistics.median(predict_runs),
                "predict_s_runs": predict_runs,
                "accuracy": float(np.mean(y_pred == y_test)),
            }
        )
        done_samples += size
        progress.update(
            len(points),
            len(sizes),
            f"sizes (n_train={size}: fit {_duration(fit_s)}, "
            f"accuracy {points[-1]['accuracy']:.4f})",
        )
    slope = loglog_slope([p["n_train"] for p in points], [p["fit_s"] for p in points])
    progress.note(f"log-log slope of fit time against n_train: {slope:.2f}")
    return {
        "contender": name,
        "params": record["params"],
        "n_test": len(y_test),
        "points": points,
        "fit_loglog_slope": slope,
        "wall_s": time.perf_counter() - start,
    }


def _jsonable(value):
    """`value` with tuples, numpy scalars and estimators made JSON-friendly."""
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return repr(value)


def _finite_or_none(value):
    value = float(value)
    return value if math.isfinite(value) else None


def _short(params):
    return ", ".join(f"{key.split('__')[-1]}={value}" for key, value in params.items())
