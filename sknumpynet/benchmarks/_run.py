"""The run: its configuration, the order of its steps, and what it records."""

import math
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from functools import partial

import joblib
import numpy as np
from scipy.stats import binomtest
from sklearn.base import clone
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import ParameterGrid, ParameterSampler, StratifiedKFold
from threadpoolctl import threadpool_limits

from ._contenders import make_contenders, params_text, pipeline_key, step_params
from ._data import load_benchmark_data, stratified_subset
from ._environment import describe_environment, search_backend
from ._measure import Job, PredictionTiming, fit_and_predict, learning_curve, run_jobs
from ._stats import loglog_slope
from ._tuning import FACTOR, halving_schedule, shared_cv, tune


@dataclass
class Config:
    """What to run and where; every field is recorded in the results."""

    dataset: str = "mnist"
    quick: bool = False
    seed: int = 0
    n_jobs: int = -1
    backend: str = "loky"
    scheduler_address: str | None = None
    contenders: tuple = ()
    n_train: int | None = None
    n_test: int | None = None
    # The smallest multiple of 9 (rounds of a ninth, a third and all of it) of
    # at least 30,000 images: 20,000 training images a fold in the last round.
    cv_subset: int = 30_006
    cv_folds: int = 3
    scaling_sizes: tuple = (1_000, 2_000, 5_000, 10_000, 20_000)
    scaling_test_size: int = 2_000
    validation_size: int = 10_000
    predict_repeats: int = 3
    predict_budget_s: float = 30.0
    blas_threads: int | None = None
    data_home: str | None = None


# The sizes of --quick, which the options given override.
QUICK = dict(
    n_train=3_000, n_test=2_000, cv_subset=1_800, scaling_sizes=(300, 1_000, 3_000),
    scaling_test_size=500, validation_size=500,
)  # fmt: skip


def run_benchmark(config, progress, command):
    """Run every step of the benchmark, reported to `progress`; return the results.

    With ``config.blas_threads`` set, every BLAS library of this process is
    limited to that many threads for the whole run. `command`, the command line
    that started it, is recorded with ``run``, ``environment``, ``data``,
    ``contenders`` (one row each), ``learning_curve`` and ``scaling``.
    """
    started = datetime.now(timezone.utc)
    with threadpool_limits(limits=config.blas_threads, user_api="blas"):
        progress.step(f"load {config.dataset}")
        data = load_benchmark_data(
            config.dataset, n_train=config.n_train, n_test=config.n_test,
            seed=config.seed, data_home=config.data_home,
        )  # fmt: skip
        progress.note(
            f"{len(data.y_train)} training and {len(data.y_test)} test images of "
            f"{data.X_train.shape[1]} pixels ({data.source})"
        )
        plan = _Plan(data, config)
        plan.run(progress, 1)  # the calibration
        with search_backend(
            config.backend, config.n_jobs, config.scheduler_address
        ) as backend:
            plan.run(progress, len(plan.tuned))
        plan.run(progress)
        progress.end_step()
    run = {
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "duration_s": progress.elapsed(), "main_process_cpu_s": time.process_time(),
        "command": command, "config": asdict(config), "search_backend": backend,
        "side_by_side_processes": plan.n_processes, "steps": list(progress.finished),
    }  # fmt: skip
    tuned = {c.name: (c, plan.searches[c.name]) for c in plan.tuned}
    rows = [_row(c, tuned, plan.rows[c.name], data.y_test) for c in plan.contenders]
    return {
        "schema_version": 2, "run": run, "environment": describe_environment(),
        "data": plan.data_record, "contenders": rows, "learning_curve": plan.curve,
        "scaling": [_scaling(name, jobs) for name, jobs in plan.scaling.items()],
    }  # fmt: skip


class _Plan:
    """The steps after the loading, each with its title, estimated seconds and action.

    The estimates are functions, called again before each step: the calibration
    and the tunings change them.
    """

    def __init__(self, data, config):
        self.data, self.config = data, config
        rows = stratified_subset(data.y_train, config.cv_subset, config.seed)
        X_cv, y_cv = data.X_train[rows], data.y_train[rows]
        folds = StratifiedKFold(config.cv_folds, shuffle=True, random_state=config.seed)
        self.cv = X_cv, y_cv, list(folds.split(X_cv, y_cv))
        self.schedule = halving_schedule(len(y_cv))
        gamma_scale = float(1 / (X_cv.shape[1] * X_cv.var()))
        self.data_record = {
            "name": data.name, "source": data.source, "n_train": len(data.y_train),
            "n_test": len(data.y_test), "n_features": int(data.X_train.shape[1]),
            "class_names": data.class_names, "cv_subset": len(y_cv),
            "cv_folds": config.cv_folds, "halving_factor": FACTOR,
            "halving_schedule": self.schedule, "gamma_scale": gamma_scale,
        }  # fmt: skip
        contenders = make_contenders(
            gamma_scale=gamma_scale, seed=config.seed, dataset=config.dataset
        )
        wanted = config.contenders  # all when empty
        self.contenders = [c for c in contenders if not wanted or c.name in wanted]
        self.tuned = [c for c in self.contenders if c.grid is not None]
        self.n_processes = max(1, joblib.effective_n_jobs(config.n_jobs))
        self.n_validation = min(config.validation_size, len(data.y_train) // 4)
        self.side_by_side = f"one-core fits, {self.n_processes} at a time"
        # (n_fit, fit_s, n_predict, predict_s, growth) of one measurement each.
        self.costs = {c.name: (1, math.nan, 1, math.nan, 1) for c in self.contenders}
        self.searches, self.curve, self.n_done = {}, None, 0
        self._make_jobs()
        self.steps = self._steps()

    def run(self, progress, n_steps=None):
        """Run the next `n_steps` steps (default: all left), estimating before each."""
        for title, _, action in self.steps[self.n_done :][:n_steps]:
            progress.plan([estimate() for _, estimate, _ in self.steps[self.n_done :]])
            progress.step(title)
            action(progress)
            self.n_done += 1

    def _steps(self):
        """``(title, estimated seconds, action)`` of every step, in order.

        Small timed fits give the time left; the tunings run on the joblib
        backend chosen; then each row is fitted and tested once per seed, the
        tuned SigmoidMLP learns once more watching held-out images, and the
        scaling contenders are fitted on subsets of growing size; one-core fits
        last, side by side (see ``_measure``).
        """
        here = [c for c in self.contenders if not c.one_core]
        rounds = ", ".join(map(str, self.schedule))
        n_fit = len(self.data.y_train) - self.n_validation
        calibration = "time small fits of each contender, to estimate the time left"
        steps = [(calibration, lambda: math.nan, self._calibrate)]
        steps += [
            (f"{c.name}: successive halving, rounds of {rounds} images",
             partial(self._tuning_s, c), partial(self._tune, c))
            for c in self.tuned
        ]  # fmt: skip
        steps += [self._fits(self._step(c, "fits on the training set")) for c in here]
        steps += [
            (f"{c.name}: learning curve, {self.n_validation} images held out",
             partial(self._seconds, c.name, n_fit, self.n_validation),
             partial(self._learning_curve, c.name))
            for c in here if c.learning_curve
        ]  # fmt: skip
        scaled = [c for c in here if c.name in self.scaling]
        steps += [self._fits(self._step(c, "scaling study")) for c in scaled]
        if len(here) < len(self.contenders):
            steps.append(self._fits(self.side_by_side))
        return steps

    def _step(self, contender, what):
        """The title of the step that makes `contender`'s fits of `what`."""
        return self.side_by_side if contender.one_core else f"{contender.name}: {what}"

    def _fits(self, title):
        """The step that measures the jobs of `title`."""
        return title, partial(self._fits_s, title), partial(self._run_jobs, title)

    def _fits_s(self, title):
        """Estimated seconds of the jobs of `title`, each job's noted on it."""
        jobs = [job for job in self.jobs if job.step == title]
        for job in jobs:
            job.estimate_s = self._seconds(job.contender, job.n_train, job.n_test)
        seconds = [job.estimate_s for job in jobs]
        if title == self.side_by_side:  # the cores share these fits
            return max(max(seconds), sum(seconds) / self.n_processes)
        return sum(seconds)

    def _run_jobs(self, title, progress):
        """Measure the jobs of `title`, which an identical row may have left empty."""
        jobs = [job for job in self.jobs if job.step == title]
        if not jobs:
            progress.note("its fits are those of an identical row, made before")
        config = self.config
        timing = PredictionTiming(config.predict_repeats, config.predict_budget_s)
        run_jobs(
            jobs, self.data, timing, n_processes=self.n_processes, progress=progress
        )

    def _calibrate(self, progress):
        """Time small fits of each contender and of two candidates of its grid.

        The candidates of a grid can differ in cost many times over.
        """
        data, seed = self.data, self.config.seed
        n, m = min(2_000, len(data.y_train) // 4), min(500, len(data.y_test))
        for c in self.contenders:
            sampled = ParameterSampler(c.grid, 2, random_state=seed) if c.grid else []
            timed = [
                fit_and_predict(
                    clone(c.pipeline).set_params(**params), data.X_train[:n],
                    data.y_train[:n], data.X_test[:m], PredictionTiming(1, math.inf),
                )
                for params in [{}, *sampled]
            ]  # fmt: skip
            fit_s = np.mean([t["fit_s"] for t in timed])
            predict_s = np.mean([t["predict_s"] for t in timed])
            self.costs[c.name] = n, fit_s, m, predict_s, c.fit_growth

    def _tune(self, contender, progress):
        """Tune `contender`; the fits after use its best parameters, and their cost."""
        search = tune(contender, *self.cv, seed=self.config.seed)
        self.searches[contender.name] = search
        params, top = search["best_params"], search["rounds"][-1]
        best = next(c for c in search["candidates"][::-1] if c["params"] == params)
        n_fit = top["n_train_per_fold"]
        self.costs[contender.name] = (
            n_fit, best["mean_fit_s"], top["n_images"] - n_fit, best["mean_score_s"],
            contender.fit_growth,
        )  # fmt: skip
        self._make_jobs()
        for r in search["rounds"]:
            progress.note(
                f"round {r['round']}: {r['n_candidates']} candidate(s) on "
                f"{r['n_images']} images, best CV accuracy {r['best_cv']:.4f}"
            )
        progress.note(f"best: {params_text(params)}")

    def _tuning_s(self, contender):
        """Estimated seconds of the rounds of `contender`'s search, on every fold."""
        n_candidates, k = len(ParameterGrid(contender.grid)), self.config.cv_folds
        seconds = sum(
            math.ceil(n_candidates / FACTOR**r) * k
            * self._seconds(contender.name, n * (k - 1) / k, n / k)
            for r, n in enumerate(self.schedule)
        )  # fmt: skip
        return seconds / self.n_processes

    def _seconds(self, name, n_fit, n_predict):
        """Seconds to fit and predict, scaled from the cost measured.

        The fit grows as ``n**growth``, a prediction as the number of images
        times ``n**(growth - 1)`` (a kernel machine compares each image with a
        number of support vectors that grows with ``n``).
        """
        n, fit_s, m, predict_s, growth = self.costs[name]
        ratio = n_fit / n
        return fit_s * ratio**growth + predict_s * n_predict / m * ratio ** (growth - 1)

    def _learning_curve(self, name, progress):
        """Train the row's pipeline once more, watching held-out images."""
        self.curve = learning_curve(
            clone(self.rows[name][0].pipeline), self.data,
            n_validation=self.n_validation, seed=self.config.seed,
        )  # fmt: skip
        progress.note(
            f"best validation accuracy {self.curve['best_val_accuracy']:.4f} "
            f"after epoch {self.curve['best_epoch']}"
        )

    def _make_jobs(self):
        """Every fit to measure with the best parameters known, identical ones once.

        ``rows[name]`` holds the jobs of a row's seeds, ``scaling[name]`` those of
        its scaling study; each job names its step.
        """
        config, y_train, y_test = self.config, self.data.y_train, self.data.y_test
        n_train, n_test = len(y_train), len(y_test)
        test_rows = stratified_subset(y_test, config.scaling_test_size, config.seed)
        n_scaling_test = min(config.scaling_test_size, n_test)
        sizes = sorted({n for n in config.scaling_sizes if n <= n_train})
        self.rows, self.scaling, unique = {}, {}, {}
        for c in self.contenders:
            params = self.searches.get(c.name, {}).get("best_params", {})
            pipeline = clone(c.pipeline).set_params(**params)
            step = self._step(c, "fits on the training set")
            self.rows[c.name] = []
            for seed in range(config.seed, config.seed + c.n_seeds):
                seeded = _with_seed(clone(pipeline), seed)
                job = Job(c.name, step, seeded, c.one_core, n_train, n_test, seed=seed)
                self.rows[c.name].append(unique.setdefault(pipeline_key(seeded), job))
            if c.scaling and len(sizes) > 1:
                step = self._step(c, "scaling study")
                self.scaling[c.name] = [
                    Job(c.name, step, clone(pipeline), c.one_core, n, n_scaling_test,
                        train_rows=stratified_subset(y_train, n, config.seed),
                        test_rows=test_rows)
                    for n in sizes
                ]  # fmt: skip
        self.jobs = [*unique.values(), *(j for js in self.scaling.values() for j in js)]


def _with_seed(pipeline, seed):
    """`pipeline` with every random_state that is set replaced by `seed`."""
    params = pipeline.get_params().items()
    seeds = {k: seed for k, v in params if k.endswith("random_state") and v is not None}
    return pipeline.set_params(**seeds)


def _row(contender, tuned, jobs, y_test):
    """The contender's row of the results: tuning, seeds and test figures."""
    if contender.name in tuned:
        search = tuned[contender.name][1]
    else:
        search = {"best_params": {}, "n_candidates": 1, "search_s": None}
        search |= shared_cv(contender, tuned)
    keys = ("accuracy", "fit_s", "fit_cpu_s", "predict_s", "predict_s_runs")
    seeds = [{"seed": job.seed} | {k: job.measured[k] for k in keys} for job in jobs]
    accuracies, fit_s = ([s[k] for s in seeds] for k in ("accuracy", "fit_s"))
    n_test, mean = len(y_test), float(np.mean(accuracies))
    interval = binomtest(round(mean * n_test), n_test).proportion_ci(method="wilson")
    shared = {job.contender for job in jobs} - {contender.name}
    first = jobs[0].measured
    return {
        "name": contender.name, "title": contender.title, "note": contender.note,
        "grid": contender.grid, "params": step_params(jobs[0].pipeline),
        "rounds": [], "candidates": [], "cv_shared_with": None, **search,
        "one_core": contender.one_core,
        "refit_shared_with": shared.pop() if shared else None, "seeds": seeds,
        "test_accuracy": mean, "test_accuracy_std": _std(accuracies),
        "test_accuracy_ci95": [float(interval.low), float(interval.high)],
        "fit_s": float(np.mean(fit_s)), "fit_s_std": _std(fit_s),
        "fit_cpu_s": float(np.mean([s["fit_cpu_s"] for s in seeds])),
        "predict_s": float(np.mean([s["predict_s"] for s in seeds])),
        **{k: first[k] for k in ("predict_onnx_s", "onnx_agreement", "onnx_note")},
        "n_test": n_test, "model_bytes": first["model_bytes"],
        "n_iter": first["n_iter"],
        "fit_warnings": sorted({w for j in jobs for w in j.measured["fit_warnings"]}),
        "confusion_matrix": confusion_matrix(y_test, first["y_pred"]).tolist(),
    }  # fmt: skip


def _scaling(name, jobs):
    """The scaling study of `name`: a point per training-set size, the log-log slope."""
    keys = ("fit_s", "predict_s", "predict_s_runs", "accuracy")
    points = [{"n_train": j.n_train} | {k: j.measured[k] for k in keys} for j in jobs]
    slope = loglog_slope([p["n_train"] for p in points], [p["fit_s"] for p in points])
    return {
        "contender": name, "params": step_params(jobs[0].pipeline),
        "n_test": jobs[0].n_test, "points": points, "fit_loglog_slope": slope,
    }  # fmt: skip


def _std(values):
    """Sample standard deviation; 0 for a single value."""
    return float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
