"""The measure of each epoch of training: its history record.

:class:`EpochMonitor` is what the training loop (``_training.run_epochs``)
tells when an epoch begins and ends: it computes the epoch's record of
``history_`` (the training loss and accuracy over the epoch's mini-batches,
the validation loss and accuracy, eta and the seconds the epoch took), prints
it in verbose mode and passes the epoch on to scikit-learn's callbacks. It
imports the numeric core for the losses, and nothing of the estimator or of
the loop.
"""

import time

import numpy as np
from sklearn.metrics import accuracy_score

from . import _core

# How verbose mode prints each column of a history record.
_EPOCH_FORMATS = {
    "epoch": "d",
    "train_loss": ".4f",
    "train_accuracy": ".4f",
    "val_loss": ".4f",
    "val_accuracy": ".4f",
    "learning_rate": ".4g",
    "seconds": ".2f",
}


class EpochMonitor:
    """Measures each epoch, prints it in verbose mode and tells the callbacks.

    Parameters
    ----------
    predict_from_logits : callable
        Maps an array of output logits to labels as ``predict`` does, for
        the accuracies.
    validation : LabelledSamples or None
        Evaluated after each epoch.
    callbacks : sknumpynet._callbacks.CallbackTasks
        Told when each epoch begins and ends.
    verbose : bool
        Print each epoch's record as a table row when the epoch ends.
    history : list of dict
        The records of the epochs trained before this call: the new records
        number on from them, and verbose mode prints the header again when
        the columns change.

    Attributes
    ----------
    records : list of dict
        The records of the epochs completed so far, as in ``history_``.
    epochs_before : int
        The number of records in ``history``.
    """

    def __init__(self, *, predict_from_logits, validation, callbacks, verbose, history):
        self.predict_from_logits = predict_from_logits
        self.validation = validation
        self.callbacks = callbacks
        self.verbose = verbose
        self.epochs_before = len(history)
        self._columns = tuple(history[-1]) if history else None
        self.records = []

    def begin_epoch(self):
        """An epoch is about to start."""
        self.callbacks.begin_epoch()

    def measure(self, run, result, started):
        """The history record of a completed epoch.

        ``started`` is the ``time.perf_counter()`` of the epoch's start.
        """
        order = result.order
        penalty = _core.l2_penalty(run.params, run.rule.l2)
        record = {
            "epoch": self.epochs_before + len(self.records) + 1,
            "train_loss": result.mean_cost + penalty,
            "train_accuracy": accuracy_score(
                run.y[order],
                self.predict_from_logits(result.logits),
                sample_weight=run.sample_scale[order],
            ),
        }
        if self.validation is not None:
            record["val_loss"], record["val_accuracy"] = self._evaluate(run, penalty)
        record["learning_rate"] = result.learning_rate
        record["seconds"] = time.perf_counter() - started
        return record

    def end_epoch(self, record, rule, run):
        """Keep a completed epoch's record; True when a callback asks to stop."""
        self.records.append(record)
        if self.verbose:
            _print_epoch(record, header=tuple(record) != self._columns)
            self._columns = tuple(record)
            if rule.message:
                print(rule.message)
        return self.callbacks.end_epoch(run, rule.epoch)

    def abort_epoch(self, run, rule):
        """End an epoch that diverged or was interrupted, without a record."""
        self.callbacks.end_epoch(run, rule.epoch)

    def _evaluate(self, run, penalty):
        """The objective and the accuracy on the validation set."""
        validation, step_rule = self.validation, run.rule
        logits = _core.predict_logits(
            validation.X, run.params.coefs, run.params.intercepts
        )
        outputs = _core.output_activation(logits, step_rule.out_activation)
        costs = _core.per_sample_loss(
            validation.Y, logits, outputs, step_rule.loss, step_rule.out_activation
        )
        loss = float(np.average(costs, weights=validation.weight)) + penalty
        accuracy = accuracy_score(
            validation.y,
            self.predict_from_logits(logits),
            sample_weight=validation.weight,
        )
        return loss, float(accuracy)


def _print_epoch(record, header):
    """Print one epoch's record as a table row, after a header if asked."""
    if header:
        print("  ".join(f"{name:>8}" for name in record))
    print(
        "  ".join(
            f"{value:>{max(8, len(name))}{_EPOCH_FORMATS[name]}}"
            for name, value in record.items()
        )
    )
