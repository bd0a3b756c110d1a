"""The run: its configuration, the order of its steps, and what it records."""

import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

import joblib
import numpy as np
from scipy.stats import binomtest
from sklearn.base import clone
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from ._contenders import (
    borrowed_params,
    make_contenders,
    params_text,
    pipeline_key,
    step_params,
)
from ._data import load_benchmark_data, stratified_subset
from ._environment import describe_environment, search_backend
from ._measure import LEARNING_CURVE, Job, PredictionTiming, run_jobs
from ._stats import least_favourable, loglog_slope, mcnemar_test
from ._tuning import FACTOR, halving_schedule, shared_cv, tune

SCHEMA_VERSION = 3


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
    n_train=3_000,
    n_test=2_000,
    cv_subset=1_800,
    scaling_sizes=(300, 1_000, 3_000),
    scaling_test_size=500,
    validation_size=500,
)


def run_benchmark(config, progress, command):
    """Run every step of the benchmark, reported to `progress`; return the results.

    With ``config.blas_threads`` set, every BLAS library of this process is
    limited to that many threads for the whole run. `command`, the command line
    that started it, is recorded with ``run``, ``environment``, ``data``,
    ``contenders`` (one row each, with the McNemar test against the strongest
    SVM), ``learning_curve`` and ``scaling``.
    """
    started = datetime.now(timezone.utc)
    with threadpool_limits(limits=config.blas_threads, user_api="blas"):
        progress.step(f"load {config.dataset}")
        data = load_benchmark_data(
            config.dataset,
            n_train=config.n_train,
            n_test=config.n_test,
            seed=config.seed,
            data_home=config.data_home,
        )
        progress.note(
            f"{len(data.y_train)} training and {len(data.y_test)} test images of "
            f"{data.X_train.shape[1]} pixels ({data.source})"
        )
        plan = _Plan(data, config)
        progress.plan(len(plan.tuned) + 1)
        with search_backend(
            config.backend, config.n_jobs, config.scheduler_address
        ) as backend:
            for contender in plan.tuned:
                plan.tune(contender, progress)
        jobs = plan.measure(progress)
        progress.end_step()
    run = {
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "duration_s": progress.elapsed(),
        "main_process_cpu_s": time.process_time(),
        "command": command,
        "config": asdict(config),
        "search_backend": backend,
        "side_by_side_processes": plan.n_processes,
        "steps": list(progress.finished),
    }
    rows = [plan.row(c, jobs.rows[c.name]) for c in plan.contenders]
    reference = _strongest_svm(plan.contenders, rows)
    for row in rows:
        row["mcnemar"] = _versus(row["name"], jobs.rows, reference, data.y_test)
    return {
        "schema_version": SCHEMA_VERSION,
        "run": run,
        "environment": describe_environment(),
        "data": plan.data_record,
        "contenders": rows,
        "mcnemar_reference": reference and reference["name"],
        "learning_curve": jobs.curve and jobs.curve.measured,
        "scaling": [
            _scaling(name, scaling, meaningful=not config.quick)
            for name, scaling in jobs.scaling.items()
        ],
    }


@dataclass
class _Jobs:
    """The jobs of a run: each row's seeds, its scaling study, the learning curve."""

    rows: dict = field(default_factory=dict)
    scaling: dict = field(default_factory=dict)
    curve: Job | None = None
    unique: dict = field(default_factory=dict)

    def add_row_job(self, job):
        """Add the job of a row's seed, or the identical job made before."""
        name = job.contender
        job = self.unique.setdefault(pipeline_key(job.pipeline), job)
        self.rows.setdefault(name, []).append(job)

    def in_order(self):
        """Every job to run once: the rows' as added, the learning curve, the studies.

        The studies' sizes come largest first, so that the small fits fill in
        while the last long ones end.
        """
        studies = sorted(
            (job for jobs in self.scaling.values() for job in jobs),
            key=lambda job: -job.n_train,
        )
        curve = [self.curve] if self.curve else []
        return [*self.unique.values(), *curve, *studies]


class _Plan:
    """The contenders of a run, their tuning folds, searches and measurements."""

    def __init__(self, data, config):
        self.data, self.config = data, config
        rows = stratified_subset(data.y_train, config.cv_subset, config.seed)
        X_cv, y_cv = data.X_train[rows], data.y_train[rows]
        folds = StratifiedKFold(config.cv_folds, shuffle=True, random_state=config.seed)
        self.X_cv, self.y_cv = X_cv, y_cv
        self.folds = list(folds.split(X_cv, y_cv))
        self.schedule = halving_schedule(len(y_cv))
        gamma_scale = float(1 / (X_cv.shape[1] * X_cv.var()))
        self.data_record = {
            "name": data.name,
            "source": data.source,
            "n_train": len(data.y_train),
            "n_test": len(data.y_test),
            "n_features": int(data.X_train.shape[1]),
            "image_shape": list(data.image_shape),
            "class_names": data.class_names,
            "cv_subset": len(y_cv),
            "cv_folds": config.cv_folds,
            "halving_factor": FACTOR,
            "halving_schedule": self.schedule,
            "gamma_scale": gamma_scale,
        }
        contenders = make_contenders(
            gamma_scale=gamma_scale,
            seed=config.seed,
            dataset=config.dataset,
            image_shape=data.image_shape,
        )
        wanted = config.contenders  # when empty, all but the optional ones
        self.contenders = [
            c for c in contenders if c.name in wanted or not (wanted or c.optional)
        ]
        self.tuned = [c for c in self.contenders if c.grid is not None]
        self.n_processes = max(1, joblib.effective_n_jobs(config.n_jobs))
        self.n_validation = min(config.validation_size, len(data.y_train) // 4)
        self.searches = {}

    def tune(self, contender, progress):
        """Tune `contender` on the joblib backend in use, as a step of its own."""
        rounds = ", ".join(map(str, self.schedule))
        progress.step(
            f"{contender.name}: successive halving, rounds of {rounds} images"
        )
        search = tune(
            contender, self.X_cv, self.y_cv, self.folds, seed=self.config.seed
        )
        self.searches[contender.name] = search
        for r in search["rounds"]:
            progress.note(
                f"round {r['round']}: {r['n_candidates']} candidate(s) on "
                f"{r['n_images']} images, best CV accuracy {r['best_cv']:.4f}"
            )
        progress.note(f"best: {params_text(search['best_params'])}")

    def measure(self, progress):
        """Make and run every fit with the best parameters known, as one step."""
        jobs = self._jobs()
        ordered = jobs.in_order()
        progress.step(
            f"{len(ordered)} fits (each row's seeds, the learning curve, the scaling "
            f"study), {self.n_processes} at a time, one BLAS thread each"
        )
        config = self.config
        run_jobs(
            ordered,
            self.data,
            PredictionTiming(config.predict_repeats, config.predict_budget_s),
            n_processes=self.n_processes,
            progress=progress,
        )
        return jobs

    def params(self, contender):
        """The parameters `contender`'s row is fitted with: chosen, borrowed or none."""
        if contender.name in self.searches:
            return self.searches[contender.name]["best_params"]
        lender = self.searches.get(contender.params_from)
        if lender is None:
            return {}
        return borrowed_params(contender.pipeline, lender["best_params"])

    def _jobs(self):
        """Every fit to measure, identical ones once (see :class:`_Jobs`)."""
        config, y_train, y_test = self.config, self.data.y_train, self.data.y_test
        n_train = len(y_train)
        test_rows = stratified_subset(y_test, config.scaling_test_size, config.seed)
        n_scaling_test = min(config.scaling_test_size, len(y_test))
        sizes = sorted({n for n in config.scaling_sizes if n <= n_train})
        jobs = _Jobs()
        # The SVMs' fits first: they are the longest, libsvm's growing with the
        # square of the images.
        for c in sorted(self.contenders, key=lambda c: not c.svm):
            pipeline = clone(c.pipeline).set_params(**self.params(c))
            for seed in range(config.seed, config.seed + c.n_seeds):
                seeded = _with_seed(clone(pipeline), seed)
                jobs.add_row_job(Job(c.name, seeded, n_train, len(y_test), seed=seed))
            if c.scaling and len(sizes) > 1:
                jobs.scaling[c.name] = [
                    Job(
                        c.name,
                        clone(pipeline),
                        n,
                        n_scaling_test,
                        train_rows=stratified_subset(y_train, n, config.seed),
                        test_rows=test_rows,
                    )
                    for n in sizes
                ]
            if c.learning_curve:
                jobs.curve = Job(
                    c.name,
                    clone(pipeline),
                    n_train - self.n_validation,
                    self.n_validation,
                    seed=config.seed,
                    kind=LEARNING_CURVE,
                )
        return jobs

    def row(self, contender, jobs):
        """The contender's row of the results: tuning, seeds and test figures."""
        if contender.name in self.searches:
            search = self.searches[contender.name]
        else:
            tuned = {c.name: (c, self.searches[c.name]) for c in self.tuned}
            search = {"best_params": self.params(contender), "n_candidates": 1}
            search |= {"search_s": None, **shared_cv(contender, tuned)}
        y_test = self.data.y_test
        keys = ("accuracy", "fit_s", "fit_cpu_s", "predict_s", "predict_s_runs")
        seeds = [
            {"seed": job.seed} | {k: job.measured[k] for k in keys} for job in jobs
        ]
        accuracies, fit_s = ([s[k] for s in seeds] for k in ("accuracy", "fit_s"))
        n_test, mean = len(y_test), float(np.mean(accuracies))
        interval = binomtest(round(mean * n_test), n_test).proportion_ci(
            method="wilson"
        )
        shared = {job.contender for job in jobs} - {contender.name}
        first = jobs[0].measured
        return {
            "name": contender.name,
            "title": contender.title,
            "note": contender.note,
            "grid": contender.grid,
            "params_from": contender.params_from if search["best_params"] else None,
            "svm": contender.svm,
            "params": step_params(jobs[0].pipeline),
            "rounds": [],
            "candidates": [],
            "cv_shared_with": None,
            **search,
            "refit_shared_with": shared.pop() if shared else None,
            "seeds": seeds,
            "test_accuracy": mean,
            "test_accuracy_std": _std(accuracies),
            "test_accuracy_ci95": [float(interval.low), float(interval.high)],
            "fit_s": float(np.mean(fit_s)),
            "fit_s_std": _std(fit_s),
            "fit_cpu_s": float(np.mean([s["fit_cpu_s"] for s in seeds])),
            "predict_s": float(np.mean([s["predict_s"] for s in seeds])),
            **{k: first[k] for k in ("predict_onnx_s", "onnx_agreement", "onnx_note")},
            "n_test": n_test,
            "model_bytes": first["model_bytes"],
            "n_iter": first["n_iter"],
            "fit_warnings": sorted(
                {w for job in jobs for w in job.measured["fit_warnings"]}
            ),
            "confusion_matrix": confusion_matrix(y_test, first["y_pred"]).tolist(),
        }


def _with_seed(pipeline, seed):
    """`pipeline` with every random_state that is set replaced by `seed`."""
    params = pipeline.get_params().items()
    seeds = {k: seed for k, v in params if k.endswith("random_state") and v is not None}
    return pipeline.set_params(**seeds)


def _strongest_svm(contenders, rows):
    """The row of the SVM most accurate on the test set, None without SVMs.

    Every row is tested against it: the strongest baseline a practitioner
    would build.
    """
    svms = [row for c, row in zip(contenders, rows, strict=True) if c.svm]
    return max(svms, key=lambda row: row["test_accuracy"], default=None)


def _versus(name, row_jobs, reference, y_test):
    """Row `name`'s exact McNemar test against the `reference` row, seed by seed.

    `row_jobs` maps each row's name to the jobs of its seeds. The verdict and
    its p-value are those of the least favourable seed; the discordant counts
    of each seed are kept, not its predictions. None for the reference itself,
    or without one.
    """
    if reference is None or name == reference["name"]:
        return None
    # The reference's first seed: its predictions, as its confusion matrix.
    reference_pred = row_jobs[reference["name"]][0].measured["y_pred"]
    jobs = row_jobs[name]
    tests = [
        mcnemar_test(y_test, job.measured["y_pred"], reference_pred) for job in jobs
    ]
    weakest = least_favourable(tests)
    return {
        "against": reference["name"],
        "verdict": weakest.verdict,
        "p_value": weakest.p_value,
        "seeds": [
            {
                "seed": job.seed,
                "only_this": test.only_first,
                "only_reference": test.only_second,
                "p_value": test.p_value,
            }
            for job, test in zip(jobs, tests, strict=True)
        ],
    }


def _scaling(name, jobs, *, meaningful):
    """The scaling study of `name`: a point per training-set size, and the slope.

    The log-log slope of fit time is None unless `meaningful`: the fits of a
    quick run are too short for their growth to show.
    """
    keys = ("fit_s", "predict_s", "predict_s_runs", "accuracy")
    points = [{"n_train": j.n_train} | {k: j.measured[k] for k in keys} for j in jobs]
    slope = None
    if meaningful:
        slope = loglog_slope(
            [p["n_train"] for p in points], [p["fit_s"] for p in points]
        )
    return {
        "contender": name,
        "params": step_params(jobs[0].pipeline),
        "n_test": jobs[0].n_test,
        "points": points,
        "fit_loglog_slope": slope,
    }


def _std(values):
    """Sample standard deviation; 0 for a single value."""
    return float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
