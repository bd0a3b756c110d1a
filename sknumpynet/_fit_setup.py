"""What ``SigmoidMLPClassifier`` builds from its parameters to train.

The estimator's parameter constraints and the book's synonyms of its
options; the validated training data; the output activation and the target
matrix; the validation set; the state of one training run and the stopping
rule of one call to ``fit`` or ``partial_fit``. The estimator calls these and
sets its fitted attributes from what they return.

Each function receives the estimator only to read its public parameters and
fitted attributes (and to hand it to scikit-learn's ``validate_data``, which
records the features seen in ``fit`` on it); the private state it needs (the
label binarizer, the momentum, the random generator, and eta and the patience
count carried from the last call) is passed in explicitly. Nothing here sets
an attribute itself. This module imports ``_checks``, ``_core`` and
``_training``, never the estimator's module.
"""

import math
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.utils._param_validation import HasMethods, Interval, Options, StrOptions
from sklearn.utils.validation import column_or_1d, validate_data

from . import _checks, _core, _training

# The book's names, kept as synonyms of the names the ecosystem uses.
LOSS_SYNONYMS = {"cross_entropy": "log_loss"}
INIT_SYNONYMS = {
    "nielsen": "lecun_normal",
    "large": "standard_normal",
    "glorot": "glorot_uniform",
}

PARAMETER_CONSTRAINTS = {
    "hidden_layer_sizes": [
        "array-like",
        Interval(Integral, 1, None, closed="left"),
    ],
    "loss": [_checks.StrOptionsWithSynonyms(_core.LOSSES, LOSS_SYNONYMS)],
    "output_activation": [StrOptions({"auto", *_core.OUTPUT_ACTIVATIONS})],
    "init": [_checks.StrOptionsWithSynonyms(_core.INITS, INIT_SYNONYMS)],
    "dropout": [Interval(Real, 0, 1, closed="left")],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "batch_size": [
        StrOptions({"auto"}),
        Interval(Integral, 1, None, closed="left"),
    ],
    "learning_rate": [StrOptions({"constant", "invscaling", "adaptive", "cosine"})],
    "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
    "power_t": [Interval(Real, 0, None, closed="left")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "tol": [Interval(Real, 0, None, closed="left")],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "momentum": [Interval(Real, 0, 1, closed="left")],
    "nesterovs_momentum": ["boolean"],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "n_iter_no_change": [
        Interval(Integral, 1, None, closed="left"),
        Options(Real, {np.inf}),
    ],
    "class_weight": [dict, StrOptions({"balanced"}), None],
    "augment": [HasMethods(["augment", "check_n_features"]), None],
}


def validate_training_data(estimator, X, y, sample_weight, *, reset, classes):
    """Validated ``X``, ``y`` and ``sample_weight`` (times class weights).

    Parameters
    ----------
    estimator : SigmoidMLPClassifier
        Read for ``augment``, ``class_weight`` and ``alpha``, and handed to
        ``validate_data``, which records or checks the features of ``X``.
    X, y, sample_weight
        As passed to ``fit`` or ``partial_fit``.
    reset : bool
        Record the features of ``X`` (a new fit) rather than check them.
    classes : ndarray or None
        The classes of earlier calls of ``partial_fit``, or None.

    Returns
    -------
    X : ndarray or CSR matrix of float64 or float32
    y : ndarray
    sample_weight : ndarray of the dtype of ``X``
    """
    X, y = validate_data(
        estimator,
        X,
        y,
        reset=reset,
        accept_sparse=["csr", "csc"],
        dtype=(np.float64, np.float32),
        multi_output=True,
    )
    if sparse.issparse(X):
        X = X.tocsr()  # rows are sliced into mini-batches
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    _checks.check_targets(y)
    if estimator.augment is not None:
        estimator.augment.check_n_features(X.shape[1])
    _checks.warn_if_far_from_unit_scale(X)
    sample_weight = _checks.check_sample_weight(
        sample_weight,
        X,
        y,
        class_weight=estimator.class_weight,
        classes=classes,
        alpha=estimator.alpha,
    )
    return X, y, sample_weight


def output_activation(requested, multilabel):
    """The output activation for the ``output_activation`` parameter `requested`."""
    if requested == "auto":
        return "sigmoid" if multilabel else "softmax"
    if multilabel and requested == "softmax":
        raise ValueError(
            "output_activation='softmax' makes the classes exclusive and "
            "cannot fit a multilabel target; use output_activation='sigmoid' "
            "or 'auto'."
        )
    return requested


def target_matrix(label_binarizer, y, out_activation, dtype):
    """The indicator matrix of ``y``, one column per output unit.

    It has the dtype of the data, so that the arithmetic with it on each
    mini-batch needs no casts.
    """
    Y = label_binarizer.transform(y)
    if Y.shape[1] == 1 and out_activation == "softmax":
        Y = np.hstack([1 - Y, Y])  # softmax needs one unit per class
    return Y.astype(dtype)


def validation_set(estimator, samples, validation_data, *, label_binarizer, split_rng):
    """The indices of the training samples, and the validation set or None.

    Parameters
    ----------
    estimator : SigmoidMLPClassifier
        Read for ``early_stopping``, ``validation_fraction`` and
        ``out_activation_``, and handed to ``_checks.check_validation_data``.
    samples : _checks.LabelledSamples
        The training data.
    validation_data : _checks.ValidationData
        ``X_val``, ``y_val`` and ``sample_weight_val`` as passed to ``fit``.
    label_binarizer : LabelBinarizer
        Fitted on the training labels.
    split_rng : numpy.random.RandomState or None
        Draws the split of ``validation_fraction`` of `samples` that
        ``early_stopping`` watches when `validation_data` is empty; None for
        no split (``partial_fit``).

    Returns
    -------
    train_idx : ndarray of int
        The rows of `samples` to train on.
    validation : _checks.LabelledSamples or None
    """
    train_idx = np.arange(samples.X.shape[0])
    dtype = samples.X.dtype
    if any(value is not None for value in validation_data):
        X_val, y_val, weight = _checks.check_validation_data(
            estimator, validation_data, dtype=dtype, label_binarizer=label_binarizer
        )
        Y_val = target_matrix(label_binarizer, y_val, estimator.out_activation_, dtype)
        return train_idx, _checks.LabelledSamples(X_val, Y_val, y_val, weight)
    if estimator.early_stopping and split_rng is not None:
        # Samples of weight 0 go to neither side of the split.
        train_idx, val_idx = _checks.validation_split(
            samples.y, samples.weight, estimator.validation_fraction, split_rng
        )
        return train_idx, _checks.LabelledSamples(*(part[val_idx] for part in samples))
    return train_idx, None


def training_run(estimator, samples, train_idx, *, velocity, rng):
    """The state of one call's training, from copies of the fitted weights.

    Parameters
    ----------
    estimator : SigmoidMLPClassifier
        Read for its training parameters, ``coefs_``, ``intercepts_``,
        ``out_activation_`` and ``t_``.
    samples : _checks.LabelledSamples
        The training data.
    train_idx : ndarray of int
        The rows of `samples` to train on.
    velocity : ndarray
        The momentum the last call left.
    rng : numpy.random.RandomState
        The generator of the fit, which training draws from.

    Returns
    -------
    run : _training.TrainingRun
        The weights and the momentum are copied into arrays of the data's
        dtype, the weights into one flat array (see ``_core.FlatParams``);
        training updates the copies.
    """
    dtype = samples.X.dtype
    sample_scale, n_effective = _checks.training_sample_scale(
        samples.weight,
        train_idx,
        dtype,
        estimator.alpha,
        estimator.class_weight is not None,
    )
    batch_size = 200 if estimator.batch_size == "auto" else estimator.batch_size
    params = _core.flatten_params(
        [w.astype(dtype, copy=False) for w in estimator.coefs_],
        [b.astype(dtype, copy=False) for b in estimator.intercepts_],
    )
    return _training.TrainingRun(
        X=samples.X,
        Y=samples.Y,
        y=samples.y,
        sample_scale=sample_scale,
        train_idx=train_idx,
        batch_size=min(batch_size, len(train_idx)),
        params=params,
        grads=_core.unflatten_params(
            np.empty_like(params.flat), [w.shape for w in params.coefs]
        ),
        velocity=velocity.astype(dtype),
        rng=rng,
        shuffle=estimator.shuffle,
        rule=_step_rule(estimator, l2=estimator.alpha / n_effective),
        t=estimator.t_,
        augment=estimator.augment,
    )


def _step_rule(estimator, l2):
    """The settings of one SGD step, from the estimator's parameters."""
    return _core.StepRule(
        loss=LOSS_SYNONYMS.get(estimator.loss, estimator.loss),
        out_activation=estimator.out_activation_,
        l2=l2,
        learning_rate=estimator.learning_rate_init,
        momentum=estimator.momentum,
        nesterov=estimator.nesterovs_momentum,
        dropout=estimator.dropout,
    )


def stopping_rule(estimator, *, early_stopping, learning_rate, no_improvement_count):
    """The stopping rule of one call, from the state the last call left.

    Parameters
    ----------
    estimator : SigmoidMLPClassifier
        Read for its schedule and stopping parameters, ``n_iter_``,
        ``best_validation_score_`` and ``best_loss_``.
    early_stopping : bool
        Whether this call watches the validation score.
    learning_rate : float
        The eta the last call ended with.
    no_improvement_count : int
        The epochs without improvement the last call ended with.

    Returns
    -------
    rule : _training.StoppingRule
    """
    if early_stopping:
        best_score = estimator.best_validation_score_
    else:
        # partial_fit after an early-stopped fit has no best loss yet.
        best_loss = estimator.best_loss_
        best_score = -math.inf if best_loss is None else -best_loss
    schedule = _training.Schedule(
        kind=estimator.learning_rate,
        learning_rate_init=estimator.learning_rate_init,
        power_t=estimator.power_t,
        max_iter=estimator.max_iter,
    )
    return _training.StoppingRule(
        schedule=schedule,
        tol=estimator.tol,
        n_iter_no_change=estimator.n_iter_no_change,
        early_stopping=early_stopping,
        epoch=estimator.n_iter_,
        learning_rate=learning_rate,
        best_score=best_score,
        no_improvement_count=no_improvement_count,
    )
