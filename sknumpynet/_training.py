"""The training loop: epochs of mini-batch SGD around the numeric core.

scikit-learn keeps its optimisers in ``_stochastic_optimizers.py`` and skorch
its stopping rules and schedules in callbacks; here the pieces of one run of
training are:

- :class:`TrainingRun`, the state of one call to ``fit`` or ``partial_fit``:
  the data, each sample's scale, the parameters with their gradients and
  momentum, the random generator and the count of samples seen;
- :class:`Schedule`, the schedule of eta;
- :class:`StoppingRule`, which owns ``tol``, the patience, the halving of the
  adaptive schedule, the best score and the state of the best epoch;
- ``_epoch_monitor.EpochMonitor``, which measures each epoch on the training
  and validation data, prints it in verbose mode and tells scikit-learn's
  callbacks (through ``_callbacks.CallbackTasks``): the loop receives one and
  calls its methods, so this module does not import it;
- :func:`run_epoch`, one pass of mini-batch SGD, and :func:`run_epochs`, the
  loop that ties them together, rolls back an epoch that diverged or was
  interrupted, and returns what happened as a :class:`TrainingResult`.

The estimator builds these from its parameters and data, passes in what only
it knows as a callable (the labels it predicts from output logits), and sets
its fitted attributes from the result. Nothing here imports the estimator or
reads or sets its attributes; the estimator object only passes through, as
the ``estimator`` argument of scikit-learn's callback hooks.
"""

import enum
import math
import os
import signal
import statistics
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import ThreadpoolController

from . import _core

# A cross-entropy this many times that of guessing uniformly means the weights
# have blown up: no run that is learning gets there.
DIVERGED_COST_FACTOR = 1000.0

# The book's chapter-3 schedule: halve eta on each plateau, stop at eta_0 / 128.
ADAPTIVE_DIVISOR = 2.0
ADAPTIVE_FLOOR = 1.0 / 128.0

# Rows gathered (and augmented) at once: a few mini-batches, so that the
# per-call cost of indexing and of the augmentation is shared, while the copy
# stays a few megabytes whatever the size of X.
CHUNK_ROWS = 2048


# Timed trials with each BLAS thread count before training, after one warm-up
# trial each, of a few consecutive steps, so that threads that spin between the
# steps of a busy machine count; and the fewest mini-batches a run must have
# for the trials to be worth their cost.
THREAD_TRIALS = 4
STEPS_PER_TRIAL = 3
THREAD_TRIAL_MIN_BATCHES = 200


class Snapshot(NamedTuple):
    """Copies of what an epoch that is rolled back restores.

    Attributes
    ----------
    weights : ndarray of shape (n_params,)
        The flat parameters.
    velocity : ndarray of shape (n_params,)
        The momentum buffer.
    t : int
        Samples seen by the optimiser.
    """

    weights: np.ndarray
    velocity: np.ndarray
    t: int


@dataclass
class TrainingRun:
    """The state of one call to ``fit`` or ``partial_fit``.

    Attributes
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
        Targets, in the dtype of ``X``.
    y : ndarray of shape (n_samples,) or (n_samples, n_labels)
        The labels, for the training accuracy.
    sample_scale : ndarray of shape (n_samples,)
        Each sample's weight relative to the mean training weight.
    train_idx : ndarray of int
        The rows trained on (the others are held out for validation).
    batch_size : int
    params, grads : FlatParams
        The parameters, updated in place, and the work space of the steps.
    velocity : ndarray of shape (n_params,)
        The momentum buffer, updated in place.
    rng : numpy.random.RandomState
        Draws the shuffles and seeds the dropout and augmentation generators.
    rule : sknumpynet._core.StepRule
        The settings of the steps; each epoch gives it the schedule's eta.
    shuffle : bool
        Draw a new order of the training rows before each epoch.
    t : int
        Samples seen by the optimiser, counting every applied mini-batch.
    augment : object or None
        An :mod:`sknumpynet.augmentation` transform applied to the rows of
        each chunk of mini-batches, or None.
    """

    X: object
    Y: np.ndarray
    y: np.ndarray
    sample_scale: np.ndarray
    train_idx: np.ndarray
    batch_size: int
    params: _core.FlatParams
    grads: _core.FlatParams
    velocity: np.ndarray
    rng: np.random.RandomState
    rule: _core.StepRule
    shuffle: bool = True
    t: int = 0
    augment: object = None

    def snapshot(self):
        """Copies of the weights, the momentum and ``t``, as a :class:`Snapshot`."""
        return Snapshot(self.params.flat.copy(), self.velocity.copy(), self.t)

    def restore(self, snapshot):
        """Put back the weights, momentum and ``t`` of ``snapshot`` in place."""
        self.restore_weights(snapshot)
        self.t = snapshot.t

    def restore_weights(self, snapshot):
        """Put back the weights and momentum of ``snapshot``, keeping ``t``."""
        self.params.flat[:] = snapshot.weights
        self.velocity[:] = snapshot.velocity

    def cost_limit(self):
        """The mean cost above which a run counts as diverged."""
        n_outputs = self.Y.shape[1]
        if self.rule.loss == "squared_error":
            return math.inf  # bounded by 0.5 per output: only NaN can diverge
        if self.rule.out_activation == "softmax":
            uniform_cost = math.log(n_outputs)
        else:
            uniform_cost = n_outputs * math.log(2.0)
        return DIVERGED_COST_FACTOR * uniform_cost


@dataclass
class EpochResult:
    """What one pass over the training data gives.

    Attributes
    ----------
    order : ndarray of int
        The training rows in the order they were trained on.
    learning_rate : float
        eta during the epoch.
    logits : ndarray of shape (n_train, n_outputs)
        ``logits[i]`` are the outputs of sample ``order[i]`` just before its
        mini-batch's update.
    mean_cost : float
        The mean cost of the mini-batches, each before its update, without
        the L2 penalty; NaN when the epoch diverged.
    diverged : bool
        Whether a cost became NaN, infinite or absurdly large.
    """

    order: np.ndarray
    learning_rate: float
    logits: np.ndarray
    mean_cost: float = math.nan
    diverged: bool = False


def _seeded_generator(run, wanted):
    """A generator seeded from the run's random state, or None if not wanted.

    One generator per epoch, so that ``partial_fit`` replays ``fit``'s epochs.
    """
    return np.random.default_rng(run.rng.randint(2**31)) if wanted else None


def run_epoch(run, order, learning_rate, stop_requested):
    """One pass of mini-batch SGD over the rows ``order`` of the run's data.

    Parameters
    ----------
    run : TrainingRun
        Its parameters, velocity and ``t`` are updated in place.
    order : ndarray of int
        The training rows in the order of this epoch.
    learning_rate : float
        eta for every mini-batch of the epoch.
    stop_requested : list
        Non-empty once Ctrl-C has arrived: then ``KeyboardInterrupt`` is
        raised after the current mini-batch.

    Returns
    -------
    result : EpochResult
    """
    batch_size = run.batch_size
    # Each sample's share of its batch's mean cost, for the whole epoch at once.
    row_scales = run.sample_scale[order] / batch_size
    last_size = len(order) % batch_size
    if last_size:
        row_scales[-last_size:] *= batch_size / last_size
    rule = run.rule._replace(learning_rate=learning_rate)
    dropout_rng = _seeded_generator(run, rule.dropout)
    state = _core.SGDState(run.params, run.grads, run.velocity, dropout_rng)
    augment_rng = _seeded_generator(run, run.augment is not None)
    cost_limit = run.cost_limit()
    logits = np.empty((len(order), run.Y.shape[1]), dtype=run.Y.dtype)
    chunk_rows = rows_per_chunk(batch_size)
    total_cost = 0.0
    for chunk_start in range(0, len(order), chunk_rows):
        rows = order[chunk_start : chunk_start + chunk_rows]
        X_chunk = run.X[rows]
        if run.augment is not None:
            X_chunk = run.augment.augment(_dense(X_chunk), augment_rng)
        for start in range(0, len(rows), batch_size):
            batch = slice(start, start + batch_size)
            at = chunk_start + start
            batch_cost, batch_logits = _core.sgd_step(
                X_chunk[batch],
                run.Y[rows[batch]],
                row_scales[at : at + batch_size],
                state,
                rule,
            )
            n_rows = len(batch_logits)
            logits[at : at + n_rows] = batch_logits
            run.t += n_rows
            total_cost += batch_cost * n_rows
            if not batch_cost <= cost_limit:  # also true for NaN
                return EpochResult(order, learning_rate, logits, diverged=True)
            if stop_requested:
                raise KeyboardInterrupt
    return EpochResult(order, learning_rate, logits, total_cost / len(order))


def rows_per_chunk(batch_size):
    """Rows gathered and augmented at once: whole mini-batches, about CHUNK_ROWS."""
    return max(1, CHUNK_ROWS // batch_size) * batch_size


def _dense(X):
    """A dense copy of a sparse chunk; dense arrays as they are."""
    return X.toarray() if hasattr(X, "toarray") else X


@dataclass(frozen=True)
class Schedule:
    """The schedule of eta over the epochs of a run.

    Attributes
    ----------
    kind : {"constant", "invscaling", "adaptive", "cosine"}
    learning_rate_init, power_t, max_iter
        The estimator's parameters.
    """

    kind: str
    learning_rate_init: float
    power_t: float
    max_iter: int

    @property
    def anneals(self):
        """Whether the schedule is built to end at ``max_iter`` (``"cosine"``)."""
        return self.kind == "cosine"

    def rate(self, epoch, adaptive_rate):
        """eta during ``epoch`` (counting from 0 since the schedule started).

        ``adaptive_rate`` is the current eta of the ``"adaptive"`` schedule,
        and of ``"constant"``, where it never changes.
        """
        if self.kind == "invscaling":
            return self.learning_rate_init / (epoch + 1) ** self.power_t
        if self.kind == "cosine":
            # Half a cosine from eta_0 at the first epoch towards 0 at
            # max_iter; epochs past max_iter (partial_fit) keep the last eta.
            progress = min(epoch, self.max_iter - 1) / self.max_iter
            return self.learning_rate_init * 0.5 * (1.0 + math.cos(math.pi * progress))
        return adaptive_rate


@dataclass
class StoppingRule:
    """Decides eta for each epoch and, after it, whether training goes on.

    The monitored score is the validation accuracy with early stopping
    (higher is better), else the training objective (lower is better). When
    it has not improved by ``tol`` for more than ``n_iter_no_change``
    consecutive epochs, training stops, or with the adaptive schedule eta is
    halved, until it falls to 1/128 of its initial value. A schedule that
    anneals to the end of ``max_iter`` is not cut short by a plateau of the
    training objective: its last epochs, with a small eta, are the point of
    it. With early stopping the user asked for the validation rule, and it
    applies to every schedule.

    The estimator builds the rule from its parameters and from the state its
    previous call left (``epoch``, ``learning_rate``, ``best_score``,
    ``no_improvement_count``); :func:`run_epochs` returns the state it leaves.

    Attributes
    ----------
    schedule : Schedule
    tol : float
    n_iter_no_change : int or float
        ``math.inf`` never stops.
    early_stopping : bool
        Monitor ``"val_accuracy"`` instead of ``"train_loss"``.
    epoch : int
        Epochs completed since the schedule started.
    learning_rate : float
        The current eta of the adaptive (or constant) schedule.
    best_score : float
        Best monitored score so far, in "higher is better" form.
    no_improvement_count : int
    best_epoch : int or None
        The epoch (counting from 1) whose state was kept as the best, with
        early stopping.
    best_state : Snapshot or None
        The state of the best epoch, with early stopping.
    message : str or None
        What the last call to :meth:`update` decided, if anything but going on.
    """

    schedule: Schedule
    tol: float
    n_iter_no_change: float
    early_stopping: bool
    epoch: int = 0
    learning_rate: float = math.nan
    best_score: float = -math.inf
    no_improvement_count: int = 0
    best_epoch: int | None = None
    best_state: Snapshot | None = field(default=None, repr=False)
    message: str | None = None

    @property
    def adaptive(self):
        """Whether a plateau halves eta instead of stopping training."""
        return self.schedule.kind == "adaptive"

    def next_learning_rate(self):
        """eta for the next epoch."""
        return self.schedule.rate(self.epoch, self.learning_rate)

    def update(self, record, run):
        """Take an epoch's record into account; return whether to stop.

        Parameters
        ----------
        record : dict
            The epoch's history record, with ``"train_loss"`` and, with early
            stopping, ``"val_accuracy"``.
        run : TrainingRun
            Snapshotted when the epoch is the best so far, with early stopping.

        Returns
        -------
        stop : bool
        """
        self.message = None
        self.epoch += 1
        score = record["val_accuracy"] if self.early_stopping else -record["train_loss"]
        improved = score > self.best_score + self.tol
        if self.early_stopping and score > self.best_score:
            # The best epoch's momentum too: a later partial_fit continues from
            # that epoch, not with the momentum of the epochs after it.
            self.best_state, self.best_epoch = run.snapshot(), record["epoch"]
        self.best_score = max(score, self.best_score)
        self.no_improvement_count = 0 if improved else self.no_improvement_count + 1
        if self.no_improvement_count <= self.n_iter_no_change:
            return False
        if self.schedule.anneals and not self.early_stopping:
            return False
        self.no_improvement_count = 0
        monitored = "Validation score" if self.early_stopping else "Training loss"
        if self.adaptive:
            return self._halve_learning_rate(monitored)
        self.message = (
            f"{monitored} did not improve more than tol={self.tol} for "
            f"{self.n_iter_no_change} consecutive epochs. Stopping."
        )
        return True

    def _halve_learning_rate(self, monitored):
        """Halve eta on a plateau; return whether it has reached its floor."""
        self.learning_rate /= ADAPTIVE_DIVISOR
        floor = self.schedule.learning_rate_init * ADAPTIVE_FLOOR
        if self.learning_rate > floor * (1 + 1e-9):
            self.message = f"Setting learning rate to {self.learning_rate:.6g}"
            return False
        self.message = (
            f"{monitored} stopped improving and the learning rate fell to "
            "1/128 of learning_rate_init. Stopping."
        )
        return True


class Ending(enum.Enum):
    """How a call to :func:`run_epochs` ended."""

    MAX_ITER = "max_iter"
    STOPPED = "stopped"
    DIVERGED = "diverged"
    INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class TrainingResult:
    """What a call to :func:`run_epochs` did, for the estimator to store.

    Attributes
    ----------
    ending : Ending
    records : list of dict
        One history record per epoch completed by this call.
    epochs_before : int
        Epochs trained before this call, since the weights were drawn.
    t : int
        Samples seen by the optimiser, after any rollback.
    n_iter : int
        Epochs completed since the schedule started.
    learning_rate : float
        The adaptive schedule's eta, for a later call to continue from.
    no_improvement_count : int
        The stopping rule's count of epochs without improvement.
    best_score : float
        The best monitored score, in "higher is better" form: the validation
        accuracy with early stopping, else minus the training objective.
    best_epoch : int or None
        With early stopping, the epoch (counting from 1) whose weights the
        model keeps.
    """

    ending: Ending
    records: list
    epochs_before: int
    t: int
    n_iter: int
    learning_rate: float
    no_improvement_count: int
    best_score: float
    best_epoch: int | None

    def curve(self, key):
        """The value of ``key`` in each record that has it, in epoch order."""
        return [record[key] for record in self.records if key in record]


def run_epochs(run, rule, monitor, n_epochs):
    """Train for up to ``n_epochs`` epochs and return what happened.

    An epoch that diverges or is interrupted (Ctrl-C, or a
    ``KeyboardInterrupt`` raised during a step) is rolled back: the run keeps
    the weights, momentum and ``t`` of the last complete epoch. Ctrl-C that
    arrives after an epoch's last mini-batch ends training after that epoch.
    Either way the result's ending is ``Ending.INTERRUPTED``, for the caller
    to raise ``KeyboardInterrupt`` again once it has stored the model.

    Parameters
    ----------
    run : TrainingRun
        Updated in place; after early stopping it holds the best epoch's state.
    rule : StoppingRule
        Updated in place.
    monitor : sknumpynet._epoch_monitor.EpochMonitor
    n_epochs : int

    Returns
    -------
    result : TrainingResult
    """
    epochs_before = monitor.epochs_before
    with (
        _stop_requests() as stop_requested,
        np.errstate(over="ignore", invalid="ignore"),
    ):
        for _ in range(n_epochs):
            ending = _train_epoch(run, rule, monitor, stop_requested)
            if ending is not None or stop_requested:
                break
        else:
            ending = Ending.MAX_ITER
    if stop_requested:
        ending = Ending.INTERRUPTED
    if rule.best_state is not None:
        run.restore_weights(rule.best_state)
    return TrainingResult(
        ending=ending,
        records=monitor.records,
        epochs_before=epochs_before,
        t=run.t,
        n_iter=rule.epoch,
        learning_rate=rule.learning_rate,
        no_improvement_count=rule.no_improvement_count,
        best_score=rule.best_score,
        best_epoch=rule.best_epoch,
    )


def _train_epoch(run, rule, monitor, stop_requested):
    """Train and record one epoch; return how training ends, or None to go on."""
    monitor.begin_epoch()
    started = time.perf_counter()
    epoch_start = run.snapshot()
    order = run.rng.permutation(run.train_idx) if run.shuffle else run.train_idx
    try:
        result = run_epoch(run, order, rule.next_learning_rate(), stop_requested)
    except KeyboardInterrupt:
        ending = Ending.INTERRUPTED
    else:
        diverged = result.diverged or not np.isfinite(run.params.flat).all()
        ending = Ending.DIVERGED if diverged else None
    if ending is not None:
        run.restore(epoch_start)
        monitor.abort_epoch(run, rule)
        return ending
    record = monitor.measure(run, result, started)
    stop = rule.update(record, run)
    if monitor.end_epoch(record, rule, run) or stop:
        return Ending.STOPPED
    return None


@contextmanager
def _stop_requests():
    """Turn Ctrl-C during training into a request to stop at a safe point.

    The request is granted after the current mini-batch (the epoch is then
    rolled back) or, if it arrives while an epoch is measured, once that
    epoch is recorded; a ``KeyboardInterrupt`` never lands halfway through an
    update or a record.

    Yields a list that is non-empty once SIGINT has arrived. Signal handlers
    can only be set from the main thread; elsewhere Ctrl-C cannot reach the
    training loop anyway, and a user's own SIGINT handler is left alone.
    """
    requests = []
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield requests
        return
    previous = signal.signal(
        signal.SIGINT, lambda signum, frame: requests.append(signum)
    )
    try:
        yield requests
    finally:
        signal.signal(signal.SIGINT, previous)


def warn_about_ending(result, run, rule, *, incremental):
    """Warn when training ended for a reason the user should hear about.

    Parameters
    ----------
    result : TrainingResult
    run : TrainingRun
    rule : StoppingRule
        The run and the rule ``result`` came from, for their settings.
    incremental : bool
        Whether the call was ``partial_fit``, which always ends at its one
        epoch.
    """
    epochs_trained = result.epochs_before + len(result.records)
    if result.ending is Ending.DIVERGED:
        kept = _kept_weights(
            result, f"the weights from the end of epoch {epochs_trained}"
        )
        warnings.warn(
            f"Training diverged in epoch {epochs_trained + 1}: the training cost "
            "became NaN, infinite or over "
            f"{DIVERGED_COST_FACTOR:g} times that of guessing uniformly, so "
            f"{kept} were kept and training stopped. Lower learning_rate_init "
            f"(now {rule.schedule.learning_rate_init}) or momentum (now "
            f"{run.rule.momentum}), or scale the features (for example with "
            "StandardScaler or MinMaxScaler).",
            ConvergenceWarning,
        )
    elif result.ending is Ending.INTERRUPTED:
        kept = _kept_weights(
            result,
            "the weights of the last complete epoch"
            if epochs_trained
            else "its initial weights",
        )
        epochs = f"{result.n_iter} complete epoch{'' if result.n_iter == 1 else 's'}"
        warnings.warn(
            f"Training interrupted by user after {epochs} ({result.t} samples "
            f"seen); the model keeps {kept}. The KeyboardInterrupt goes on, to "
            "stop any search or pipeline around fit: catch it to carry on with "
            "the model.",
            UserWarning,
        )
    elif (
        result.ending is Ending.MAX_ITER
        and not incremental
        and not rule.schedule.anneals  # it ends at max_iter by design
    ):
        warnings.warn(
            f"Stochastic Optimizer: Maximum iterations ({rule.schedule.max_iter}) "
            "reached and the optimization hasn't converged yet.",
            ConvergenceWarning,
        )


def _kept_weights(result, otherwise):
    """Which weights a run that ends early leaves in the model."""
    if result.best_epoch is None:
        return otherwise
    return f"the weights of epoch {result.best_epoch} (the best validation score)"


def choose_blas_threads(run, n_epochs):
    """The BLAS thread limit under which the run's steps are faster now, or None.

    On an idle machine a second BLAS thread shortens a mini-batch step; on a
    busy one it waits for a core that is not free, and the step takes several
    times longer. So a few steps are timed with one thread and with every
    thread, alternately, on copies of the parameters (training itself is not
    touched), and the faster count is kept: 1, or None for no limit. A limit
    the user set (``threadpool_limits`` around ``fit``, ``OPENBLAS_NUM_THREADS``)
    shows as fewer threads than cores, and is kept, as it is for runs too short
    for the trials to pay.
    """
    n_batches = n_epochs * math.ceil(len(run.train_idx) / run.batch_size)
    if n_batches < THREAD_TRIAL_MIN_BATCHES:
        return None
    controller = ThreadpoolController().select(user_api="blas")
    n_threads = max((info["num_threads"] for info in controller.info()), default=1)
    if n_threads < _n_cores() or n_threads == 1:
        return None
    rows = run.train_idx[: run.batch_size]
    X_batch, Y_batch = run.X[rows], run.Y[rows]  # sparse stays sparse, as in training
    row_scale = run.sample_scale[rows] / len(rows)
    params = _core.unflatten_params(
        run.params.flat.copy(), [w.shape for w in run.params.coefs]
    )
    grads = _core.unflatten_params(
        np.empty_like(params.flat), [w.shape for w in params.coefs]
    )
    # Copies of the weights and momentum, and a dropout generator of the trials'
    # own: the run's state and random draws stay as they are.
    state = _core.SGDState(params, grads, run.velocity.copy(), np.random.default_rng(0))
    rule = run.rule._replace(learning_rate=0.0)
    seconds = {1: [], n_threads: []}
    with np.errstate(over="ignore", invalid="ignore"):
        for trial in range(2 * (THREAD_TRIALS + 1)):
            limit = 1 if trial % 2 else n_threads
            with controller.limit(limits=limit):
                started = time.perf_counter()
                for _ in range(STEPS_PER_TRIAL):
                    _core.sgd_step(X_batch, Y_batch, row_scale, state, rule)
                seconds[limit].append(time.perf_counter() - started)
    one, every = (statistics.median(seconds[n][1:]) for n in (1, n_threads))
    return 1 if one < every else None


def _n_cores():
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
