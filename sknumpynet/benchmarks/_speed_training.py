"""Figures of ``speed.py`` on training options, and the helpers it shares.

The groups of figures here measure what the training options cost and what
they reach:

- ``augmentation``: the seconds of distorting the training set once, as a
  share of one unaugmented epoch;
- ``threads``: the defaults' fit with one competing busy process against the
  same fit on the idle machine, and each network's epoch with the BLAS threads
  that ``fit`` chooses against one with every BLAS thread;
- ``recipes``: each recipe of :mod:`sknumpynet.benchmarks._recipes`, fitted
  once, against its accuracy and time targets and the tuned SVC fitted on the
  same images in the same run.

Each group is a function of the MNIST data and the parsed command line, which
prints its rows with :func:`row`.
"""

import statistics
import subprocess
import sys
import warnings
from contextlib import contextmanager, nullcontext
from functools import partial
from unittest import mock

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.svm import SVC

from .. import SigmoidMLPClassifier, _training
from ..augmentation import ElasticDistortion, RandomShift
from ..datasets import load_fashion_mnist, load_mnist
from ._contenders import params_text
from ._progress import stopwatch
from ._recipes import RECIPES

LOADERS = {"mnist": load_mnist, "fashion-mnist": load_fashion_mnist}

# The tuned SVC of the committed reports (``best_params`` of the svc-tuned row
# in docs/benchmarks/<dataset>/results.json).
TUNED_SVC_PARAMS = {
    "mnist": dict(C=10.0, gamma=0.027),
    "fashion-mnist": dict(C=10.0, gamma=0.0205),
}

# --quick: the first training images only, and recipes cut to a few epochs.
QUICK_N_TRAIN = 10_000
QUICK_MAX_ITER = 2

# Each transform with the most it may cost, in unaugmented epochs of (800,)
# at batches of 128.
AUGMENTATION_TARGETS = [(RandomShift(), 0.5), (ElasticDistortion(), 1.0)]

# Hidden size and batch size of the networks whose epoch must not get slower
# by fit's choice of BLAS threads; (100, 200) are the defaults.
THREAD_CHOICE_NETWORKS = [(30, 128), (100, 128), (300, 128), (800, 128), (100, 200)]

# Width of the figure's name, the first column of the table.
NAME_WIDTH = 60

# The competing process says when it runs, so that no timing starts before.
_BUSY_LOOP = "print('busy', flush=True)\nwhile True:\n    pass"


def load_train_test(dataset, quick):
    """The official training and test images of `dataset`, float32.

    Parameters
    ----------
    dataset : {"mnist", "fashion-mnist"}
    quick : bool
        Keep only the first ``QUICK_N_TRAIN`` training images.

    Returns
    -------
    X_train, X_test, y_train, y_test : ndarray
    """
    X_train, X_test, y_train, y_test = LOADERS[dataset](
        return_X_y=True, split="train_test"
    )
    if quick:
        X_train, y_train = X_train[:QUICK_N_TRAIN], y_train[:QUICK_N_TRAIN]
    return X_train, X_test, y_train, y_test


def interleaved_medians(runs, repeats, around=None):
    """Median seconds of each of ``runs``, timed in turn so that noise hits all.

    Parameters
    ----------
    runs : dict of str to callable
    repeats : int
    around : dict of str to callable, default=None
        For some of the names of ``runs``, a function returning the context
        manager to run it in, entered and left outside the timing.

    Returns
    -------
    seconds : dict of str to float
    """
    around = around or {}
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            with around.get(name, nullcontext)(), stopwatch() as took:
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


def row(name, ours_value, anchor_value, unit, ratio, target):
    """Print one figure: both values, their ratio, and whether it meets `target`."""
    verdict = "ok" if target(ratio) else "MISSED"
    print(
        f"{name:<{NAME_WIDTH}} {ours_value:>10.4g} {unit:<3} "
        f"{anchor_value:>10.4g} {unit:<3} {ratio:>7.2f}  {verdict}",
        flush=True,
    )


@contextmanager
def busy_process():
    """Keep one core busy with a single-threaded Python loop for the block.

    Yields
    ------
    process : subprocess.Popen
        Already looping when the block starts; killed and reaped when it ends.
    """
    command = [sys.executable, "-c", _BUSY_LOOP]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            process.stdout.readline()
            yield process
        finally:
            process.kill()


def all_blas_threads():
    """Turn off fit's choice of BLAS threads: every product may use them all."""
    return mock.patch.object(
        _training, "choose_blas_threads", lambda run, n_epochs: None
    )


def fit_recording_threads(estimator, X, y, seen):
    """Fit `estimator` and append the BLAS threads its fit chose to `seen`."""
    fit_quietly(estimator, X, y)
    seen.append("all" if estimator._blas_threads is None else estimator._blas_threads)


def augment_in_chunks(augmentation, X, batch_size):
    """Distort every row of `X`, one chunk of mini-batches per call, as fit does."""
    chunk_rows = _training.rows_per_chunk(batch_size)
    rng = np.random.default_rng(0)
    for start in range(0, len(X), chunk_rows):
        augmentation.augment(X[start : start + chunk_rows], rng)


def augmentation_figures(mnist, args):
    """7. Seconds of distorting the training set, per unaugmented epoch."""
    X, _, y, _ = mnist
    hidden, batch_size = 800, 128
    runs = {"epoch": partial(fit_quietly, ours(hidden, batch_size), X, y)}
    for augmentation, _ in AUGMENTATION_TARGETS:
        runs[type(augmentation).__name__] = partial(
            augment_in_chunks, augmentation, X, batch_size
        )
    seconds = interleaved_medians(runs, args.repeats)
    for augmentation, target in AUGMENTATION_TARGETS:
        name = type(augmentation).__name__
        row(
            f"7. {name} / epoch, h={hidden} b={batch_size} (<= {target})",
            seconds[name], seconds["epoch"], "s", seconds[name] / seconds["epoch"],
            lambda r, t=target: r <= t,
        )  # fmt: skip


def busy_machine_figure(mnist, args):
    """8. The defaults' fit beside one busy process, against the idle machine."""
    X, _, y, _ = mnist
    clf = SigmoidMLPClassifier(random_state=0, max_iter=5)
    seen = []
    fit = partial(fit_recording_threads, clf, X, y, seen)
    seconds = interleaved_medians(
        {"idle": fit, "busy": fit}, args.repeats, around={"busy": busy_process}
    )
    row(
        "8. defaults' fit, 5 epochs, busy / idle machine (<= 1.3)",
        seconds["busy"], seconds["idle"], "s", seconds["busy"] / seconds["idle"],
        lambda r: r <= 1.3,
    )  # fmt: skip
    print(f"   BLAS threads chosen by the idle and busy fits: {seen}")


def thread_choice_figures(mnist, args):
    """9. Each network's epoch with fit's BLAS threads, against all threads."""
    X, _, y, _ = mnist
    used = []
    for hidden, batch_size in THREAD_CHOICE_NETWORKS:
        clf, seen = ours(hidden, batch_size), []
        seconds = interleaved_medians(
            {
                "chosen": partial(fit_recording_threads, clf, X, y, seen),
                "all": partial(fit_quietly, clf, X, y),
            },
            args.repeats,
            around={"all": all_blas_threads},
        )
        row(
            f"9. s/epoch, chosen / all BLAS threads, h={hidden} b={batch_size} "
            "(<= 1.1)",
            seconds["chosen"], seconds["all"], "s",
            seconds["chosen"] / seconds["all"], lambda r: r <= 1.1,
        )  # fmt: skip
        used.append(f"h={hidden} b={batch_size}: {seen}")
    print("   BLAS threads chosen by each timed fit: " + ", ".join(used))


def thread_figures(mnist, args):
    """8 and 9: fit's choice of BLAS threads, on a busy and on an idle machine."""
    busy_machine_figure(mnist, args)
    thread_choice_figures(mnist, args)


def recipe_figures(mnist, args):
    """10. Each recipe's test accuracy and fit seconds against its targets.

    A target of no longer than SVC is the fit of the tuned SVC on the same
    images in this run, one per data set.
    """
    for dataset in dict.fromkeys(recipe.dataset for recipe in RECIPES):
        data = mnist if dataset == "mnist" else load_train_test(dataset, args.quick)
        X_train, X_test, y_train, y_test = data
        svc = SVC(**TUNED_SVC_PARAMS[dataset])
        with stopwatch() as svc_fit:
            svc.fit(X_train, y_train)
        print(
            f"   tuned SVC ({params_text(TUNED_SVC_PARAMS[dataset])}) on {dataset}, "
            f"{len(X_train)} images: test accuracy {svc.score(X_test, y_test):.4f}, "
            f"fit {svc_fit.wall:.4g} s",
            flush=True,
        )
        for recipe in RECIPES:
            if recipe.dataset == dataset:
                recipe_rows(recipe, data, svc_fit.wall, args.quick)


def recipe_rows(recipe, data, svc_fit_seconds, quick):
    """Fit `recipe` once and print its accuracy and fit-time rows."""
    X_train, X_test, y_train, y_test = data
    clf = recipe.make_estimator(random_state=0)
    if quick:
        clf.set_params(max_iter=QUICK_MAX_ITER)
    with stopwatch() as fit:
        fit_quietly(clf, X_train, y_train)
    accuracy = clf.score(X_test, y_test)
    row(
        f"10. {recipe.name}: test accuracy (>= {recipe.min_accuracy:g})",
        accuracy, recipe.min_accuracy, "", accuracy / recipe.min_accuracy,
        lambda r: r >= 1.0,
    )  # fmt: skip
    if recipe.max_fit_seconds is None:
        limit, limit_text = svc_fit_seconds, "SVC's fit"
    else:
        limit, limit_text = recipe.max_fit_seconds, f"{recipe.max_fit_seconds:g}"
    row(
        f"10. {recipe.name}: fit seconds (<= {limit_text})",
        fit.wall, limit, "s", fit.wall / limit, lambda r: r <= 1.0,
    )  # fmt: skip
