"""The groups of figures of ``speed.py``; :data:`FIGURES` names them for ``--only``."""

import subprocess
import sys
import tracemalloc
from contextlib import contextmanager, nullcontext
from functools import partial
from unittest import mock

import numpy as np
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC

from .. import SigmoidMLPClassifier, _training
from ..augmentation import ElasticDistortion, RandomShift
from ..datasets import load_fashion_mnist, load_mnist
from ._contenders import params_text
from ._progress import stopwatch
from ._recipes import RECIPES, Recipe
from ._stats import loglog_slope

LOADERS = {"mnist": load_mnist, "fashion-mnist": load_fashion_mnist}
NAME_WIDTH = 60

# The svc-tuned row's best_params in docs/benchmarks/<dataset>/results.json.
TUNED_SVC_PARAMS = {
    "mnist": dict(C=100.0, gamma=0.0269),
    "fashion-mnist": dict(C=10.0, gamma=0.0204),
}


def load_train_test(dataset, quick):
    """The float32 train/test split of `dataset`; 10,000 training images if `quick`."""
    X, X_test, y, y_test = LOADERS[dataset](return_X_y=True, split="train_test")
    if quick:
        X, y = X[:10_000], y[:10_000]
    return X, X_test, y, y_test


def median_seconds(runs, repeats, contexts=None):
    """Median seconds of each of `runs`, timed in turn, each in its untimed context."""
    contexts = contexts or [nullcontext] * len(runs)
    times = np.empty((repeats, len(runs)))
    for repeat in range(repeats):
        for i, (run, context) in enumerate(zip(runs, contexts, strict=True)):
            with context(), stopwatch() as took:
                run()
            times[repeat, i] = took.wall
    return np.median(times, axis=0)


def one_epoch(hidden, batch_size, estimator=SigmoidMLPClassifier, **params):
    """An unfitted `estimator` of one hidden layer, trained for one epoch."""
    params |= dict(max_iter=1, random_state=0)
    return estimator(hidden_layer_sizes=(hidden,), batch_size=batch_size, **params)


def fit_noting_threads(estimator, X, y, seen):
    """Fit `estimator`, then append the BLAS threads its fit chose to `seen`."""
    estimator.fit(X, y)
    seen.append(estimator._blas_threads or "all")


def row(name, ours, anchor, unit, *, at_most=None, at_least=None, ratio=None):
    """Print a figure, its anchor, their ratio (ours / anchor) and its verdict."""
    ratio = ours / anchor if ratio is None else ratio
    ok = ratio >= at_least if at_most is None else ratio <= at_most
    print(
        f"{name:<{NAME_WIDTH}} {ours:>10.4g} {unit:<3} {anchor:>10.4g} {unit:<3} "
        f"{ratio:>7.2f}  {'ok' if ok else 'MISSED'}",
        flush=True,
    )


def matmul_floor_epoch(X, hidden, n_classes, batch_size):
    """Run one epoch's matrix products alone: forward, weight gradients, deltas."""
    rng = np.random.default_rng(0)
    W1 = rng.standard_normal((X.shape[1], hidden), dtype=X.dtype)
    W2 = rng.standard_normal((hidden, n_classes), dtype=X.dtype)
    A1, D1 = np.empty((2, batch_size, hidden), X.dtype)
    Z2 = np.empty((batch_size, n_classes), X.dtype)
    G1, G2 = np.empty_like(W1), np.empty_like(W2)
    for start in range(0, X.shape[0] - batch_size + 1, batch_size):
        Xb = X[start : start + batch_size]
        np.matmul(Xb, W1, out=A1)
        np.matmul(A1, W2, out=Z2)
        np.matmul(A1.T, Z2, out=G2)
        np.matmul(Z2, W2.T, out=D1)
        np.matmul(Xb.T, D1, out=G1)


def epoch_figures(mnist, args):
    """1 and 2. Seconds per epoch against MLPClassifier and the matmul floor."""
    X, _, y, _ = mnist
    n_classes = len(np.unique(y))
    # MLPClassifier set up as the book's network.
    book = dict(solver="sgd", activation="logistic", momentum=0.9)
    for batch_size, target in [(10, 3.0), (128, 1.5)]:
        for hidden in (30, 100) if args.quick else (30, 100, 800):
            clf = one_epoch(hidden, batch_size)
            mlp = one_epoch(hidden, batch_size, MLPClassifier, **book)
            runs = [partial(clf.fit, X, y), partial(mlp.fit, X, y)]
            if batch_size == 128:
                runs.append(partial(matmul_floor_epoch, X, hidden, n_classes, 128))
            ours, anchor, *floor = median_seconds(runs, args.repeats)
            network = f"h={hidden} b={batch_size}"
            name = f"1. s/epoch vs MLPClassifier, {network} (>= {target})"
            row(name, ours, anchor, "s", at_least=target, ratio=anchor / ours)
            if floor:
                name = f"2. s/epoch vs matmul floor, {network} (<= 1.5)"
                row(name, ours, floor[0], "s", at_most=1.5)


def accuracy_figures(mnist, args):
    """3 and 4. Accuracy and fit time of a high-accuracy configuration and defaults."""
    # A wide layer, dropout rather than L2.
    wide = dict(hidden_layer_sizes=(300,), init="glorot", dropout=0.3, batch_size=100)
    config = Recipe("documented config", "mnist", 0.985, 60.0, {**wide, "max_iter": 35})
    recipe_rows("3", config, mnist, args.quick)
    recipe_rows("4", Recipe("defaults", "mnist", 0.975, 15.0, {}), mnist, args.quick)


def memory_figure(mnist, args):
    """5. Peak memory that a default fit allocates beyond its float32 input."""
    X, _, y, _ = mnist
    clf = SigmoidMLPClassifier(max_iter=1, random_state=0)
    tracemalloc.start()
    clf.fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    name = "5. fit allocations / float32 data (<= 0.25)"
    row(name, peak / 2**20, X.nbytes / 2**20, "MiB", at_most=0.25)


def scaling_figure(mnist, args):
    """6. The log-log slope of fit time against the number of samples."""
    X, _, y, _ = mnist
    sizes = [n for n in (5000, 10000, 20000, 40000) if n < len(y)] + [len(y)]
    clf = SigmoidMLPClassifier(max_iter=3, random_state=0)
    fits = [partial(clf.fit, X[:n], y[:n]) for n in sizes]
    fit_times = median_seconds(fits, args.repeats)
    name = f"6. log-log slope of fit time, n={sizes[0]}..{sizes[-1]} (<= 1.1)"
    row(name, loglog_slope(sizes, fit_times), 1.1, "", at_most=1.0)
    print("   fit seconds (3 epochs each): " + ", ".join(f"{t:.2f}" for t in fit_times))


def augment_in_chunks(augmentation, X, batch_size):
    """Distort every row of `X`, one chunk of mini-batches per call, as fit does."""
    chunk_rows = _training.rows_per_chunk(batch_size)
    rng = np.random.default_rng(0)
    for start in range(0, len(X), chunk_rows):
        augmentation.augment(X[start : start + chunk_rows], rng)


def augmentation_figures(mnist, args):
    """7. Seconds of distorting the training set, per unaugmented epoch."""
    X, _, y, _ = mnist
    epoch = partial(one_epoch(800, 128).fit, X, y)
    # Each transform and the most it may cost, in unaugmented epochs.
    for augmentation, target in [(RandomShift(), 0.5), (ElasticDistortion(), 1.0)]:
        augment = partial(augment_in_chunks, augmentation, X, 128)
        augment_s, epoch_s = median_seconds([augment, epoch], args.repeats)
        name = f"7. {type(augmentation).__name__} / epoch, h=800 b=128 (<= {target})"
        row(name, augment_s, epoch_s, "s", at_most=target)


@contextmanager
def busy_process():
    """Keep one core busy with a Python loop, already running, for the block."""
    # The loop says when it runs, so that no timing starts before.
    command = [sys.executable, "-c", "print('busy', flush=True)\nwhile True: pass"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            process.stdout.readline()
            yield process
        finally:
            process.kill()


def thread_figures(mnist, args):
    """8 and 9. Fit's choice of BLAS threads, on a busy and on an idle machine."""
    X, _, y, _ = mnist
    clf, seen = SigmoidMLPClassifier(max_iter=5, random_state=0), []
    fit = partial(fit_noting_threads, clf, X, y, seen)
    idle, busy = median_seconds([fit, fit], args.repeats, [nullcontext, busy_process])
    name = "8. defaults' fit, 5 epochs, busy / idle machine (<= 1.3)"
    row(name, busy, idle, "s", at_most=1.3)
    print(f"   BLAS threads chosen by the idle and busy fits: {seen}")
    # Fit's choice turned off (no limit): every product may use every thread.
    no_choice = partial(
        mock.patch.object, _training, "choose_blas_threads", return_value=None
    )
    # 30 to 800 neurons at batches of 128, and the defaults: 100 at 200.
    networks = [(30, 128), (100, 128), (300, 128), (800, 128), (100, 200)]
    used = []
    for hidden, batch_size in networks:
        clf, seen = one_epoch(hidden, batch_size), []
        runs = [partial(fit_noting_threads, clf, X, y, seen), partial(clf.fit, X, y)]
        chosen, every = median_seconds(runs, args.repeats, [nullcontext, no_choice])
        network = f"h={hidden} b={batch_size}"
        name = f"9. s/epoch, chosen / all BLAS threads, {network} (<= 1.1)"
        row(name, chosen, every, "s", at_most=1.1)
        used.append(f"{network}: {seen}")
    print("   BLAS threads chosen by each timed fit: " + ", ".join(used))


def recipe_figures(mnist, args):
    """10. Each recipe against its targets, beside its data set's tuned SVC."""
    for dataset in dict.fromkeys(recipe.dataset for recipe in RECIPES):
        data = mnist if dataset == "mnist" else load_train_test(dataset, args.quick)
        X, X_test, y, y_test = data
        svc = SVC(**TUNED_SVC_PARAMS[dataset])
        with stopwatch() as svc_fit:
            svc.fit(X, y)
        print(
            f"   tuned SVC ({params_text(TUNED_SVC_PARAMS[dataset])}) on {dataset}, "
            f"{len(X)} images: test accuracy {svc.score(X_test, y_test):.4f}, "
            f"fit {svc_fit.wall:.4g} s",
            flush=True,
        )
        for recipe in RECIPES:
            if recipe.dataset == dataset:
                recipe_rows("10", recipe, data, args.quick, svc_fit.wall)


def recipe_rows(number, recipe, data, quick, svc_fit_seconds=None):
    """Fit `recipe` (two epochs if `quick`); print its accuracy and fit seconds."""
    X, X_test, y, y_test = data
    clf = recipe.make_pipeline(random_state=0)
    if quick:
        clf.set_params(clf__max_iter=2)
    with stopwatch() as fit:
        clf.fit(X, y)
    name = f"{number}. {recipe.name}"
    accuracy_name = f"{name}: test accuracy (>= {recipe.min_accuracy:g})"
    row(accuracy_name, clf.score(X_test, y_test), recipe.min_accuracy, "", at_least=1)
    limit = recipe.max_fit_seconds or svc_fit_seconds
    limit_text = f"{limit:g}" if recipe.max_fit_seconds else "SVC's fit"
    row(f"{name}: fit seconds (<= {limit_text})", fit.wall, limit, "s", at_most=1.0)


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
