"""Speed and memory of SigmoidMLPClassifier, measured against its anchors.

Run ``python -m sknumpynet.benchmarks.speed`` (``--quick`` for a smoke run).
Every figure is measured in the same run as the anchor it is compared with,
as the median of ``--repeats`` runs, and printed as a ratio beside both
absolute figures:

1. seconds per epoch against ``MLPClassifier(solver="sgd",
   activation="logistic", momentum=0.9)``, same architecture, batch size and
   dtype (float32), for hidden sizes 30, 100 and 800 at batches of 10 and 128;
2. seconds per epoch at batch 128 against the matrix-multiply floor: the time
   of the epoch's matrix products alone, on preallocated arrays;
3. test accuracy and fit time of a high-accuracy configuration (300 neurons,
   Glorot initialisation, dropout 0.3, batches of 100, 35 epochs);
4. test accuracy and fit time of the defaults;
5. memory allocated by ``fit`` on top of the float32 training data
   (tracemalloc, which sees numpy's allocations);
6. the log-log slope of fit time against the number of training samples.
"""

import argparse
import platform
import statistics
import sys
import tracemalloc
import warnings
from datetime import datetime
from functools import partial

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_info

from sknumpynet import SigmoidMLPClassifier
from sknumpynet.benchmarks._environment import cpu_model
from sknumpynet.benchmarks._progress import stopwatch
from sknumpynet.benchmarks._stats import loglog_slope
from sknumpynet.datasets import load_mnist

# One hidden layer, regularised by dropout rather than L2, so that it can be
# wide enough to fit MNIST well within a minute.
HIGH_ACCURACY_PARAMS = dict(
    hidden_layer_sizes=(300,),
    init="glorot",
    dropout=0.3,
    batch_size=100,
    max_iter=35,
)


def interleaved_medians(runs, repeats):
    """Median seconds of each of ``runs``, timed in turn so that noise hits all."""
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            with stopwatch() as took:
                run()
            times[name].append(took.wall)
    return {name: statistics.median(values) for name, values in times.items()}


def fit_quietly(estimator, X, y):
    """Fit ``estimator``, silencing the expected warning of too few epochs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.fit(X, y)


def ours(hidden, batch_size):
    """One epoch of SigmoidMLPClassifier."""
    return SigmoidMLPClassifier(
        hidden_layer_sizes=(hidden,), batch_size=batch_size, max_iter=1, random_state=0
    )


def sklearn_mlp(hidden, batch_size):
    """One epoch of MLPClassifier set up as the book's network: the anchor."""
    return MLPClassifier(
        hidden_layer_sizes=(hidden,),
        solver="sgd",
        activation="logistic",
        momentum=0.9,
        batch_size=batch_size,
        max_iter=1,
        random_state=0,
    )


def matmul_floor_epoch(X, hidden, n_classes, batch_size):
    """Run one epoch's matrix products alone: forward, weight gradients, deltas."""
    rng = np.random.RandomState(0)
    dtype = X.dtype
    W1 = rng.standard_normal((X.shape[1], hidden)).astype(dtype)
    W2 = rng.standard_normal((hidden, n_classes)).astype(dtype)
    A1 = np.empty((batch_size, hidden), dtype)
    Z2 = np.empty((batch_size, n_classes), dtype)
    D1 = np.empty((batch_size, hidden), dtype)
    G1, G2 = np.empty_like(W1), np.empty_like(W2)
    for start in range(0, X.shape[0] - batch_size + 1, batch_size):
        Xb = X[start : start + batch_size]
        np.matmul(Xb, W1, out=A1)
        np.matmul(A1, W2, out=Z2)
        np.matmul(A1.T, Z2, out=G2)
        np.matmul(Z2, W2.T, out=D1)
        np.matmul(Xb.T, D1, out=G1)


def fit_peak_extra_bytes(X, y):
    """Peak bytes that a default fit allocates beyond its input."""
    clf = SigmoidMLPClassifier(max_iter=1, random_state=0)
    tracemalloc.start()
    fit_quietly(clf, X, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def row(name, ours_value, anchor_value, unit, ratio, target):
    """Print one figure: both values, their ratio, and whether it meets `target`."""
    verdict = "ok" if target(ratio) else "MISSED"
    print(
        f"{name:<44} {ours_value:>10.4g} {unit:<3} {anchor_value:>10.4g} {unit:<3} "
        f"{ratio:>7.2f}  {verdict}"
    )


def main(argv=None):
    """Measure and print every figure; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="10k samples, fewer sizes")
    args = parser.parse_args(argv)

    X_train, X_test, y_train, y_test = load_mnist(return_X_y=True, split="train_test")
    if args.quick:
        X_train, y_train = X_train[:10000], y_train[:10000]
    hidden_sizes = (30, 100) if args.quick else (30, 100, 800)

    threads = ", ".join(
        f"{info['internal_api']}={info['num_threads']}" for info in threadpool_info()
    )
    print(f"# sknumpynet speed benchmark, {datetime.now():%Y-%m-%d %H:%M}")
    print(f"# machine: {cpu_model()}, threads: {threads}")
    print(f"# numpy {np.__version__}, python {platform.python_version()}")
    print(
        f"# MNIST train {X_train.shape} {X_train.dtype}; median of {args.repeats} runs"
    )
    print(f"{'figure':<44} {'ours':>14} {'anchor':>14} {'ratio':>7}")

    n_classes = len(np.unique(y_train))
    for batch_size in (10, 128):
        for hidden in hidden_sizes:
            runs = {
                "ours": partial(
                    fit_quietly, ours(hidden, batch_size), X_train, y_train
                ),
                "mlp": partial(
                    fit_quietly, sklearn_mlp(hidden, batch_size), X_train, y_train
                ),
            }
            if batch_size == 128:
                runs["floor"] = partial(
                    matmul_floor_epoch, X_train, hidden, n_classes, batch_size
                )
            seconds = interleaved_medians(runs, args.repeats)
            target = 3.0 if batch_size == 10 else 1.5
            row(
                f"1. s/epoch vs MLPClassifier, h={hidden} b={batch_size} (>= {target})",
                seconds["ours"], seconds["mlp"], "s", seconds["mlp"] / seconds["ours"],
                lambda r, t=target: r >= t,
            )  # fmt: skip
            if batch_size == 128:
                row(
                    f"2. s/epoch vs matmul floor, h={hidden} b=128 (<= 1.5)",
                    seconds["ours"], seconds["floor"], "s",
                    seconds["ours"] / seconds["floor"], lambda r: r <= 1.5,
                )  # fmt: skip
            sys.stdout.flush()

    for label, params, accuracy_target, seconds_target in [
        ("3. documented config", HIGH_ACCURACY_PARAMS, 0.985, 60.0),
        ("4. defaults", {}, 0.975, 15.0),
    ]:
        if args.quick:
            params = {**params, "max_iter": 2}
        clf = SigmoidMLPClassifier(random_state=0, **params)
        with stopwatch() as fit:
            fit_quietly(clf, X_train, y_train)
        fit_s = fit.wall
        accuracy = clf.score(X_test, y_test)
        row(
            f"{label}: test accuracy (>= {accuracy_target})",
            accuracy, accuracy_target, "", accuracy / accuracy_target,
            lambda r: r >= 1.0,
        )  # fmt: skip
        row(
            f"{label}: fit seconds (<= {seconds_target:g})",
            fit_s, seconds_target, "s", fit_s / seconds_target, lambda r: r <= 1.0,
        )  # fmt: skip

    extra = fit_peak_extra_bytes(X_train, y_train)
    row(
        "5. fit allocations / float32 data (<= 0.25)",
        extra / 2**20, X_train.nbytes / 2**20, "MiB", extra / X_train.nbytes,
        lambda r: r <= 0.25,
    )  # fmt: skip

    sizes = sorted({n for n in (5000, 10000, 20000, 40000) if n < len(y_train)})
    sizes.append(len(y_train))
    fits = {
        n: partial(
            fit_quietly,
            SigmoidMLPClassifier(max_iter=3, random_state=0),
            X_train[:n],
            y_train[:n],
        )
        for n in sizes
    }
    fit_times = list(interleaved_medians(fits, args.repeats).values())
    slope = loglog_slope(sizes, fit_times)
    row(
        f"6. log-log slope of fit time, n={sizes[0]}..{sizes[-1]} (<= 1.1)",
        slope, 1.1, "", slope / 1.1, lambda r: r <= 1.0,
    )  # fmt: skip
    print("   fit seconds (3 epochs each): " + ", ".join(f"{t:.2f}" for t in fit_times))
    return 0


if __name__ == "__main__":
    sys.exit(main())
