"""The timed groups of ``speed.py`` (figures 1 to 9) and what every group shares.

Each group receives the data, the run's :class:`Settings` and a
:class:`SpeedLog`, and gives the log each figure it measures beside its anchor.
Timed figures are the median of ``Settings.repeats`` runs, each run of the
figure followed by one of its anchor, so that the machine's noise hits both.
"""

import math
import subprocess
import sys
import tracemalloc
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import partial

import numpy as np
from sklearn.neural_network import MLPClassifier
from threadpoolctl import ThreadpoolController, threadpool_limits

from .. import SigmoidMLPClassifier
from ..augmentation import ElasticDistortion, RandomAffine, RandomShift
from ..datasets import load_fashion_mnist, load_mnist
from ._data import BenchmarkData
from ._progress import stopwatch
from ._stats import loglog_slope

LOADERS = {"mnist": load_mnist, "fashion-mnist": load_fashion_mnist}
QUICK_TRAIN_SIZE = 10_000
NAME_WIDTH = 72


@dataclass(frozen=True)
class Settings:
    """What a run was asked for: repeats of timed figures, seeds, quick or not.

    ``svcs`` maps each recipe's data set to the tuned SVC
    (:class:`~sknumpynet.benchmarks._speed_recipes.Baseline`) its recipes are
    compared with; only the ``recipes`` group reads it.
    """

    repeats: int = 3
    quick: bool = False
    seeds: int = 3
    svcs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Figure:
    """A measured value beside its anchor, measured in the same run."""

    group: str
    name: str
    value: float
    anchor: float
    unit: str = ""

    @property
    def ratio(self):
        """``value / anchor``."""
        return self.value / self.anchor

    def as_dict(self):
        """The figure's fields and its ratio, for JSON."""
        return asdict(self) | {"ratio": self.ratio}


class SpeedLog:
    """Print a run's figures and notes as they come, and keep them for ``--json``.

    ``group`` names the group that runs; ``results`` holds the records a
    group keeps beyond its figures (the recipes' seeds, the SVCs).
    """

    def __init__(self):
        self.started, self.group = datetime.now(), None
        self.figures, self.notes, self.results = [], [], []

    def heading(self, text):
        """Say how the group's figures are measured."""
        self.notes.append({"group": self.group, "text": text})
        print(f"# {text}", flush=True)

    def figure(self, name, value, anchor, unit=""):
        """Print and keep a figure, its anchor and their ratio."""
        figure = Figure(self.group, name, float(value), float(anchor), unit)
        self.figures.append(figure)
        print(
            f"{name:<{NAME_WIDTH}} {value:>10.4g} {unit:<3} {anchor:>10.4g} {unit:<3} "
            f"{figure.ratio:>7.3f}",
            flush=True,
        )

    def note(self, text):
        """Print and keep a line that explains the figures above it."""
        self.notes.append({"group": self.group, "text": text})
        print(f"   {text}", flush=True)

    def as_dict(self):
        """The figures, notes and results, for JSON."""
        return {
            "figures": [figure.as_dict() for figure in self.figures],
            "notes": self.notes,
            "results": self.results,
        }


def load_train_test(dataset, quick):
    """The float32 train/test split of `dataset`; 10,000 training images if `quick`."""
    X, X_test, y, y_test = LOADERS[dataset](return_X_y=True, split="train_test")
    source = f"sknumpynet.datasets.{LOADERS[dataset].__name__}, official split"
    if quick:
        X, y = X[:QUICK_TRAIN_SIZE], y[:QUICK_TRAIN_SIZE]
        source += f", first {len(y)} training images"
    return BenchmarkData(
        name=dataset,
        X_train=X,
        y_train=y,
        X_test=X_test,
        y_test=y_test,
        class_names=[],
        source=source,
        image_shape=(28, 28),
    )


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


def median_last_epoch_seconds(estimators, X, y, repeats):
    """Median ``"seconds"`` of the last epoch in ``history_`` of each estimator.

    The estimators are fitted in turn, `repeats` times, so that the machine's
    noise hits each alike.
    """
    seconds = np.empty((repeats, len(estimators)))
    for repeat in range(repeats):
        for i, estimator in enumerate(estimators):
            estimator.fit(X, y)
            seconds[repeat, i] = estimator.history_[-1]["seconds"]
    return np.median(seconds, axis=0)


def one_epoch(hidden, batch_size, estimator=SigmoidMLPClassifier, **params):
    """An unfitted `estimator` of one hidden layer, trained for one epoch."""
    params |= dict(max_iter=1, random_state=0)
    return estimator(hidden_layer_sizes=(hidden,), batch_size=batch_size, **params)


class BlasThreadsSeen:
    """A fit callback (scikit-learn >= 1.9) noting the BLAS threads of each fit.

    The estimator calls it as each fit and each epoch begins and ends; the
    fewest threads seen in a fit are those it trained with, since a limit that
    fit sets holds during its epochs only. ``per_fit`` lists them, a fit after
    another; it stays empty with an older scikit-learn, which has no callbacks.
    """

    def __init__(self):
        self.per_fit = []
        self._controller, self._fewest = None, math.inf

    def watch(self, estimator):
        """Set this callback on `estimator`, if it takes callbacks; return it."""
        if hasattr(estimator, "set_callbacks"):
            estimator.set_callbacks(self)
        return estimator

    def setup(self, estimator, context):
        """A fit begins."""
        if self._controller is None:
            self._controller = ThreadpoolController().select(user_api="blas")
        self._fewest = math.inf

    def on_fit_task_begin(self, estimator, context):
        """A fit or an epoch begins."""
        self._look()

    def on_fit_task_end(self, estimator, context):
        """A fit or an epoch ends: keep training."""
        self._look()
        return False

    def teardown(self, estimator, context):
        """A fit ended."""
        self.per_fit.append(self._fewest)

    def text(self):
        """The threads of each fit noted, in order."""
        if not self.per_fit:
            return "not seen (fit callbacks need scikit-learn >= 1.9)"
        return ", ".join(str(threads) for threads in self.per_fit)

    def _look(self):
        threads = max(
            (info["num_threads"] for info in self._controller.info()), default=1
        )
        self._fewest = min(self._fewest, threads)


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


def epoch_figures(data, settings, log):
    """1 and 2. Seconds per epoch against MLPClassifier and the matmul floor."""
    X, y = data.X_train, data.y_train
    n_classes = len(np.unique(y))
    log.heading(
        "1, 2: one epoch of fit against MLPClassifier(solver='sgd', "
        "activation='logistic', momentum=0.9), the book's network, and against "
        "the epoch's matrix products alone on preallocated arrays (the floor)"
    )
    book = dict(solver="sgd", activation="logistic", momentum=0.9)
    for batch_size in (10, 128):
        for hidden in (30, 100) if settings.quick else (30, 100, 800):
            clf = one_epoch(hidden, batch_size)
            mlp = one_epoch(hidden, batch_size, MLPClassifier, **book)
            runs = [partial(clf.fit, X, y), partial(mlp.fit, X, y)]
            if batch_size == 128:
                runs.append(partial(matmul_floor_epoch, X, hidden, n_classes, 128))
            ours, anchor, *floor = median_seconds(runs, settings.repeats)
            network = f"h={hidden} b={batch_size}"
            log.figure(f"1. s/epoch vs MLPClassifier, {network}", ours, anchor, "s")
            if floor:
                log.figure(
                    f"2. s/epoch vs matmul floor, {network}", ours, floor[0], "s"
                )


# Figure 3's network: a wide layer, dropout rather than L2.
WIDE_DROPOUT = dict(
    hidden_layer_sizes=(300,), init="glorot", dropout=0.3, batch_size=100, max_iter=35
)


def accuracy_figures(data, settings, log):
    """3 and 4. Test accuracy and fit time of two networks, beside MLPClassifier's."""
    log.heading(
        "3, 4: one fit each, beside MLPClassifier (scikit-learn's defaults: "
        "ReLU, Adam) with the same hidden layers, batch size and epochs"
    )
    networks = {"3. (300,), dropout 0.3, 35 epochs": WIDE_DROPOUT, "4. defaults": {}}
    for title, params in networks.items():
        ours = SigmoidMLPClassifier(random_state=0, **params)
        if settings.quick:
            ours.set_params(max_iter=2)
        shape = ours.get_params()
        anchor = MLPClassifier(
            hidden_layer_sizes=shape["hidden_layer_sizes"],
            batch_size=shape["batch_size"],
            max_iter=shape["max_iter"],
            random_state=0,
        )
        ours_fit, anchor_fit = (fit_and_score(est, data) for est in (ours, anchor))
        name = f"{title}: test accuracy vs MLPClassifier"
        log.figure(name, ours_fit["accuracy"], anchor_fit["accuracy"])
        name = f"{title}: fit seconds vs MLPClassifier"
        log.figure(name, ours_fit["fit_s"], anchor_fit["fit_s"], "s")


def fit_and_score(estimator, data):
    """Fit `estimator` on the training set: its ``fit_s`` and test ``accuracy``."""
    with stopwatch() as fit:
        estimator.fit(data.X_train, data.y_train)
    accuracy = estimator.score(data.X_test, data.y_test)
    return {"fit_s": fit.wall, "accuracy": accuracy}


def memory_figure(data, settings, log):
    """5. Peak memory that a default fit allocates beyond its float32 input."""
    X, y = data.X_train, data.y_train
    log.heading("5: tracemalloc's peak during one epoch of the defaults")
    clf = SigmoidMLPClassifier(max_iter=1, random_state=0)
    tracemalloc.start()
    clf.fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    name = "5. fit allocations / float32 data"
    log.figure(name, peak / 2**20, X.nbytes / 2**20, "MiB")


def scaling_figure(data, settings, log):
    """6. The log-log slope of fit time against the number of samples."""
    X, y = data.X_train, data.y_train
    log.heading(
        "6: 3 epochs of the defaults on the first n images, for 5 values of n "
        "from a twelfth of the training set to all of it; anchor: a linear fit time"
    )
    sizes = [len(y) * share // 12 for share in (1, 2, 4, 8, 12)]
    clf = SigmoidMLPClassifier(max_iter=3, random_state=0)
    fits = [partial(clf.fit, X[:n], y[:n]) for n in sizes]
    fit_times = median_seconds(fits, settings.repeats)
    name = f"6. log-log slope of fit time against n, n={sizes[0]}..{sizes[-1]}"
    log.figure(name, loglog_slope(sizes, fit_times), 1.0)
    log.note("fit seconds (3 epochs each): " + ", ".join(f"{t:.2f}" for t in fit_times))


def augmentation_figures(data, settings, log):
    """7. What each transform adds to an epoch inside fit, on 1 and 2 BLAS threads."""
    X, y = data.X_train, data.y_train
    log.heading(
        "7: seconds of epoch 2 of fit(max_iter=2), from history_, of the (800,) "
        "network at batches of 128 with each augment and without, fits in turn, "
        "with 1 BLAS thread allowed and with 2; value: the seconds augment adds, "
        "anchor: the unaugmented epoch"
    )
    # The elastic distortion twice: a field per image, and a field shared by
    # 16 images as in the quick MNIST recipe (whose smaller alpha does the
    # same work).
    transforms = [
        RandomShift(),
        RandomAffine(),
        ElasticDistortion(),
        ElasticDistortion(images_per_field=16),
    ]
    for threads in (1, 2):
        seen = BlasThreadsSeen()
        fits = [
            seen.watch(
                SigmoidMLPClassifier(
                    hidden_layer_sizes=(800,),
                    batch_size=128,
                    max_iter=2,
                    augment=augment,
                    random_state=0,
                )
            )
            for augment in (None, *transforms)
        ]
        with threadpool_limits(limits=threads, user_api="blas"):
            plain, *augmented = median_last_epoch_seconds(fits, X, y, settings.repeats)
        allowed = f"{threads} BLAS thread{'s' if threads > 1 else ''}"
        for transform, seconds in zip(transforms, augmented, strict=True):
            log.figure(
                f"7. {transform!r} in fit / epoch, {allowed}",
                seconds - plain,
                plain,
                "s",
            )
        log.note(f"BLAS threads of each fit, in turn, {allowed} allowed: {seen.text()}")


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


def one_blas_thread():
    """A context in which BLAS uses one thread, a limit that fit keeps."""
    return threadpool_limits(limits=1, user_api="blas")


def thread_figures(data, settings, log):
    """8 and 9. Fit's choice of BLAS threads: on a busy machine, against one thread."""
    X, y = data.X_train, data.y_train
    log.heading(
        "8, 9: fit as it chooses its BLAS threads, with a Python loop keeping "
        "one core busy against the idle machine, and against one BLAS thread"
    )
    seen = BlasThreadsSeen()
    fit = partial(
        seen.watch(SigmoidMLPClassifier(max_iter=5, random_state=0)).fit, X, y
    )
    idle, busy = median_seconds(
        [fit, fit], settings.repeats, [nullcontext, busy_process]
    )
    log.figure("8. defaults' fit, 5 epochs, busy / idle machine", busy, idle, "s")
    log.note(f"BLAS threads of the idle and busy fits, in turn: {seen.text()}")
    # 30 to 800 neurons at batches of 128, and the defaults: 100 at 200.
    networks = [(30, 128), (100, 128), (300, 128), (800, 128), (100, 200)]
    used = []
    for hidden, batch_size in networks:
        seen = BlasThreadsSeen()
        fit = partial(seen.watch(one_epoch(hidden, batch_size)).fit, X, y)
        contexts = [nullcontext, one_blas_thread]
        chosen, one = median_seconds([fit, fit], settings.repeats, contexts)
        network = f"h={hidden} b={batch_size}"
        log.figure(
            f"9. s/epoch, fit's choice / one BLAS thread, {network}", chosen, one, "s"
        )
        used.append(f"{network}: {seen.text()}")
    log.note(
        "BLAS threads of each timed fit, its choice and one in turn: " + "; ".join(used)
    )
