"""Speed and memory of SigmoidMLPClassifier, measured against its anchors.

Run ``python -m sknumpynet.benchmarks.speed`` (``--quick`` for a smoke run,
``--only recipes threads`` for some groups of figures). Every figure is
measured in the same run as the anchor it is compared with, as the median of
``--repeats`` runs taken in turn, and printed as a ratio beside both absolute
figures. The groups and their figures:

``epochs``
    1. seconds per epoch against ``MLPClassifier(solver="sgd",
    activation="logistic", momentum=0.9)``, same architecture, batch size and
    dtype (float32), for hidden sizes 30, 100 and 800 at batches of 10 and
    128;
    2. seconds per epoch at batch 128 against the matrix-multiply floor: the
    time of the epoch's matrix products alone, on preallocated arrays;
``accuracy``
    3. test accuracy and fit time of a high-accuracy configuration (300
    neurons, Glorot initialisation, dropout 0.3, batches of 100, 35 epochs);
    4. test accuracy and fit time of the defaults;
``memory``
    5. memory allocated by ``fit`` on top of the float32 training data
    (tracemalloc, which sees numpy's allocations);
``scaling``
    6. the log-log slope of fit time against the number of training samples;
``augmentation``
    7. the seconds of distorting the training set with ``RandomShift`` and
    ``ElasticDistortion``, a chunk of mini-batches per call as ``fit`` does,
    against one unaugmented epoch of 800 neurons at batches of 128;
``threads``
    8. the defaults' fit (5 epochs) with one competing busy process against
    the same fit on the otherwise idle machine;
    9. one epoch with the BLAS threads ``fit`` chooses against one with every
    BLAS thread, for hidden sizes 30, 100, 300 and 800 at batches of 128 and
    the defaults' 100 at 200;
``recipes``
    10. each recipe of :mod:`sknumpynet.benchmarks._recipes`, fitted once on
    the 60,000 training images: its test accuracy and fit time against its
    targets, beside the tuned SVC fitted on the same images in the same run.
"""

import argparse
import platform
import sys
import tracemalloc
from datetime import datetime
from functools import partial

import numpy as np
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_info

from sknumpynet import SigmoidMLPClassifier
from sknumpynet.benchmarks._environment import cpu_model
from sknumpynet.benchmarks._progress import stopwatch
from sknumpynet.benchmarks._speed_training import (
    NAME_WIDTH,
    QUICK_MAX_ITER,
    augmentation_figures,
    fit_quietly,
    interleaved_medians,
    load_train_test,
    ours,
    recipe_figures,
    row,
    thread_figures,
)
from sknumpynet.benchmarks._stats import loglog_slope

# One hidden layer, regularised by dropout rather than L2, so that it can be
# wide enough to fit MNIST well within a minute.
HIGH_ACCURACY_PARAMS = dict(
    hidden_layer_sizes=(300,),
    init="glorot",
    dropout=0.3,
    batch_size=100,
    max_iter=35,
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


def epoch_figures(mnist, args):
    """1 and 2. Seconds per epoch against MLPClassifier and the matmul floor."""
    X_train, _, y_train, _ = mnist
    hidden_sizes = (30, 100) if args.quick else (30, 100, 800)
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


def accuracy_figures(mnist, args):
    """3 and 4. Test accuracy and fit time of two configurations."""
    X_train, X_test, y_train, y_test = mnist
    for label, params, accuracy_target, seconds_target in [
        ("3. documented config", HIGH_ACCURACY_PARAMS, 0.985, 60.0),
        ("4. defaults", {}, 0.975, 15.0),
    ]:
        if args.quick:
            params = {**params, "max_iter": QUICK_MAX_ITER}
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


def memory_figure(mnist, args):
    """5. Memory that fit allocates, relative to the float32 training data."""
    X_train, _, y_train, _ = mnist
    extra = fit_peak_extra_bytes(X_train, y_train)
    row(
        "5. fit allocations / float32 data (<= 0.25)",
        extra / 2**20, X_train.nbytes / 2**20, "MiB", extra / X_train.nbytes,
        lambda r: r <= 0.25,
    )  # fmt: skip


def scaling_figure(mnist, args):
    """6. The log-log slope of fit time against the number of samples."""
    X_train, _, y_train, _ = mnist
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


# The groups of figures that --only selects, in the order they run.
FIGURES = {
    "epochs": epoch_figures,
    "accuracy": accuracy_figures,
    "memory": memory_figure,
    "scaling": scaling_figure,
    "augmentation": augmentation_figures,
    "threads": thread_figures,
    "recipes": recipe_figures,
}


def parse_args(argv):
    """The command line: ``--repeats``, ``--quick`` and ``--only``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--quick", action="store_true", help="10k training samples, fewer sizes"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=FIGURES,
        default=list(FIGURES),
        metavar="GROUP",
        help=f"run only these groups of figures, of: {', '.join(FIGURES)}",
    )
    return parser.parse_args(argv)


def main(argv=None):
    """Measure and print the figures; see the module docstring."""
    args = parse_args(argv)
    mnist = load_train_test("mnist", args.quick)
    X_train = mnist[0]
    threads = ", ".join(
        f"{info['internal_api']}={info['num_threads']}" for info in threadpool_info()
    )
    print(f"# sknumpynet speed benchmark, {datetime.now():%Y-%m-%d %H:%M}")
    print(f"# machine: {cpu_model()}, threads: {threads}")
    print(f"# numpy {np.__version__}, python {platform.python_version()}")
    print(
        f"# MNIST train {X_train.shape} {X_train.dtype}; median of {args.repeats} runs"
    )
    header = f"{'figure':<{NAME_WIDTH}} {'ours':>14} {'anchor':>14} {'ratio':>7}"
    print(header, flush=True)
    for group, figures in FIGURES.items():
        if group in args.only:
            figures(mnist, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
