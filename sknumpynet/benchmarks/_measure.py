"""Measuring: timed fits and predictions, side by side on the cores.

Every fit runs in a worker process of one BLAS thread, as many at a time as
there are processes: libsvm and liblinear are single-threaded anyway, and a
network's seeds gain more from running side by side than from sharing the
cores' BLAS threads one fit at a time.
"""

import pickle
import statistics
import warnings
from dataclasses import dataclass, field

import joblib
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from ._progress import format_duration, stopwatch

# What a job measures: a fit and its test predictions, or a learning curve.
FIT = "fit"
LEARNING_CURVE = "learning curve"


@dataclass
class Job:
    """One fit on rows of the training set, then predictions of test rows.

    A job of `kind` ``LEARNING_CURVE`` instead fits on the training set less
    `n_test` images held out, which it scores after every epoch. ``measured``
    holds what :func:`fit_and_predict` (with the ``accuracy`` and
    ``n_correct`` of the predictions) or :func:`learning_curve` returned.
    """

    contender: str
    pipeline: object
    n_train: int
    n_test: int
    seed: int | None = None
    train_rows: object = field(default_factory=lambda: slice(None))
    test_rows: object = field(default_factory=lambda: slice(None))
    kind: str = FIT
    measured: dict | None = None


@dataclass(frozen=True)
class PredictionTiming:
    """How often a prediction is timed: `repeats` times, fewer after `budget_s`."""

    repeats: int
    budget_s: float

    def runs(self, call):
        """Time up to `repeats` calls, none started once they took `budget_s` in all.

        Returns the wall seconds of each call, and what the last one returned.
        """
        runs = []
        while len(runs) < self.repeats and sum(runs) < self.budget_s:
            with stopwatch() as took:
                result = call()
            runs.append(took.wall)
        return runs, result


def fit_and_predict(pipeline, X, y, X_test, timing, *, blas_threads=None):
    """Fit `pipeline` in place on `X`, `y` and predict `X_test`, timing both.

    Predictions are timed as `timing` says; `blas_threads` limits the BLAS
    threads of both (None leaves them be). Returns ``fit_s`` and ``fit_cpu_s``,
    ``predict_s`` (median) and every run in ``predict_s_runs``, ``y_pred``, the
    pickled size ``model_bytes``, ``n_iter``, the messages of the fit's
    warnings, and the same predictions by ONNX Runtime (:func:`onnx_predictions`).
    """
    with (
        threadpool_limits(limits=blas_threads, user_api="blas"),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        with stopwatch() as fit:
            pipeline.fit(X, y)
        runs, y_pred = timing.runs(lambda: pipeline.predict(X_test))
    n_iter = getattr(pipeline[-1], "n_iter_", None)
    if sum(runs) < timing.budget_s:
        onnx = onnx_predictions(pipeline, X_test, y_pred, blas_threads, timing)
    else:
        onnx = _no_onnx(f"not timed: its own took {format_duration(runs[0])}")
    return {
        "fit_s": fit.wall,
        "fit_cpu_s": fit.cpu,
        "predict_s": statistics.median(runs),
        "predict_s_runs": runs,
        **onnx,
        "y_pred": y_pred,
        "model_bytes": len(pickle.dumps(pipeline, protocol=pickle.HIGHEST_PROTOCOL)),
        "n_iter": None if n_iter is None else np.asarray(n_iter).tolist(),
        "fit_warnings": sorted({str(w.message) for w in caught}),
    }


def onnx_predictions(pipeline, X_test, y_pred, n_threads, timing):
    """Time the fitted `pipeline`'s predictions by ONNX Runtime, if installed.

    The pipeline is converted by skl2onnx (with sknumpynet's converter) for
    inputs of `X_test`'s dtype and run with `n_threads` intra-op threads (None:
    every core). Returns ``predict_onnx_s`` (median of the runs),
    ``onnx_agreement`` (share of labels equal to `y_pred`) and ``onnx_note``,
    why there is no figure when there is none.
    """
    try:
        import onnxruntime
        from skl2onnx import to_onnx

        import sknumpynet.onnx  # noqa: F401  (registers the converter)
    except ImportError:
        return _no_onnx("the onnx extra is not installed")
    # skl2onnx converts estimators, not the "passthrough" placeholder.
    steps = [step for step in pipeline.steps if step[1] != "passthrough"]
    model = steps[0][1] if len(steps) == 1 else Pipeline(steps)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = n_threads or 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            graph = to_onnx(model, X_test[:1])
        session = onnxruntime.InferenceSession(
            graph.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # neither library has a common error class
        return _no_onnx(f"no ONNX Runtime session of it ({type(exc).__name__})")
    feed = {session.get_inputs()[0].name: X_test}
    label = session.get_outputs()[0].name
    runs, (labels,) = timing.runs(lambda: session.run([label], feed))
    return {
        "predict_onnx_s": statistics.median(runs),
        "onnx_agreement": float(np.mean(labels == y_pred)),
        "onnx_note": "",
    }


def _no_onnx(note):
    return {"predict_onnx_s": None, "onnx_agreement": None, "onnx_note": note}


def run_jobs(jobs, data, timing, *, n_processes, progress):
    """Run `jobs` side by side, storing each one's ``measured``.

    The jobs start in their order in `n_processes` worker processes of one
    BLAS thread each; `progress` notes each one as it ends. Predictions are
    timed as the :class:`PredictionTiming` `timing` says.
    """
    parallel = joblib.Parallel(
        n_jobs=min(n_processes, len(jobs)) or 1,
        backend="loky",
        return_as="generator",
        batch_size=1,
    )
    delayed = joblib.delayed(_run_job)
    arrays = data.X_train, data.y_train, data.X_test
    measured = parallel(delayed(job, *arrays, timing) for job in jobs)
    for job, figures in zip(jobs, measured, strict=True):
        job.measured = figures
        if job.kind == LEARNING_CURVE:
            progress.note(
                f"{job.contender}, learning curve: best validation accuracy "
                f"{figures['best_val_accuracy']:.4f} after epoch "
                f"{figures['best_epoch']}"
            )
            continue
        y_test = data.y_test[job.test_rows]
        figures["n_correct"] = int(np.sum(figures["y_pred"] == y_test))
        figures["accuracy"] = figures["n_correct"] / len(y_test)
        which = f"seed {job.seed}" if job.seed is not None else f"n_train={job.n_train}"
        progress.note(
            f"{job.contender}, {which}: accuracy {figures['accuracy']:.4f}, fit "
            f"{format_duration(figures['fit_s'])}, predict "
            f"{format_duration(figures['predict_s'])}"
        )


def _run_job(job, X_train, y_train, X_test, timing):
    # The arrays are arguments, not attributes of the job, so that joblib
    # hands them to the workers as memory maps instead of copies.
    if job.kind == LEARNING_CURVE:
        with threadpool_limits(limits=1, user_api="blas"):
            return learning_curve(
                job.pipeline, X_train, y_train, n_validation=job.n_test, seed=job.seed
            )
    return fit_and_predict(
        job.pipeline,
        X_train[job.train_rows],
        y_train[job.train_rows],
        X_test[job.test_rows],
        timing,
        blas_threads=1,
    )


def learning_curve(pipeline, X, y, *, n_validation, seed):
    """Train `pipeline`'s classifier once more, watching held-out images.

    The pipeline is fitted on `X`, `y` less a stratified `n_validation` of
    them, which ``fit(X_val=..., y_val=...)`` scores after every epoch in
    ``history_``; the test set is not used. Returns ``history``, ``n_fit``,
    ``n_validation``, the best epoch and its validation accuracy, and the wall
    time.
    """
    X_fit, X_val, y_fit, y_val = train_test_split(
        X, y, test_size=n_validation, stratify=y, random_state=seed
    )
    preprocessing, classifier = pipeline[:-1], pipeline[-1]
    Z_fit, Z_val = preprocessing.fit_transform(X_fit), preprocessing.transform(X_val)
    with stopwatch() as took, warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier.fit(Z_fit, y_fit, X_val=Z_val, y_val=y_val)
    history = [dict(epoch) for epoch in classifier.history_]
    best = max(history, key=lambda epoch: epoch["val_accuracy"])
    return {
        "history": history,
        "n_fit": len(y_fit),
        "n_validation": n_validation,
        "best_epoch": best["epoch"],
        "best_val_accuracy": best["val_accuracy"],
        "wall_s": took.wall,
    }
