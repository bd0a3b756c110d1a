"""Checks of the estimator's input: parameters, targets, weights, validation data.

Each function takes what it checks and returns the checked value or raises an
error that names the problem; none changes an estimator or reads its private
attributes. (:func:`check_validation_data` hands the estimator to
scikit-learn's ``validate_data``, which compares ``X_val`` with the features
seen in ``fit``.)
"""

import itertools
import math
import os
import warnings
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
from scipy import sparse
from sklearn.model_selection import train_test_split
from sklearn.utils._param_validation import InvalidParameterError, StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import _check_sample_weight, column_or_1d, validate_data

# Sigmoid neurons learn from inputs of about unit scale: weighted inputs of a
# few hundred saturate them from the first step. Features whose root mean
# square exceeds this get a warning at fit.
FEATURE_SCALE_LIMIT = 50.0


class FeatureScaleWarning(UserWarning):
    """Warning that features are far from the scale sigmoid neurons learn from.

    :class:`~sknumpynet.SigmoidMLPClassifier` raises it at ``fit`` when the
    root mean square of some feature exceeds 50, as for pixels left at 0..255:
    the hidden neurons saturate and the network learns little. Scale the
    features (``MinMaxScaler`` or ``StandardScaler`` in a ``Pipeline``), or
    silence it with ``warnings.filterwarnings("ignore",
    category=FeatureScaleWarning)``.
    """


class StrOptionsWithSynonyms(StrOptions):
    """scikit-learn's ``StrOptions`` constraint, for names that have synonyms.

    It accepts the names and their synonyms; the error for any other value
    lists the names and says which name each synonym stands for.

    Parameters
    ----------
    names : sequence of str
        The accepted names, in the order the error lists them.
    synonyms : dict of str to str
        Each synonym, and the name it stands for.
    """

    def __init__(self, names, synonyms):
        super().__init__({*names, *synonyms})
        self.names = tuple(names)
        self.synonyms = dict(synonyms)

    def __str__(self):
        names = ", ".join(repr(name) for name in self.names)
        synonyms = "; ".join(
            f"{synonym!r} is a synonym of {name!r}"
            for synonym, name in self.synonyms.items()
        )
        return f"a str among {{{names}}} ({synonyms})"


class ValidationData(NamedTuple):
    """``X_val``, ``y_val`` and ``sample_weight_val`` as passed to ``fit``."""

    X: object = None
    y: object = None
    sample_weight: object = None


class LabelledSamples(NamedTuple):
    """Validated samples: inputs, target matrix, labels and weights.

    The training data and the validation set are each one of these.
    """

    X: object
    Y: np.ndarray
    y: np.ndarray
    weight: np.ndarray


def check_hidden_layer_sizes(hidden_layer_sizes):
    """``hidden_layer_sizes`` as a list of positive ints, or raise.

    The constraint "array-like" lets through ``(0,)``, ``(2.5,)``, ``("a",)``
    and ragged nestings, which numpy would otherwise reject with an error of
    its own, or silently truncate.
    """
    try:
        sizes = np.atleast_1d(np.asarray(hidden_layer_sizes, dtype=object))
    except ValueError:  # ragged nesting
        sizes = None
    if (
        sizes is None
        or sizes.ndim != 1
        or not all(
            isinstance(size, Integral) and not isinstance(size, bool) and size > 0
            for size in sizes
        )
    ):
        raise InvalidParameterError(
            "hidden_layer_sizes must contain positive integers, got "
            f"{hidden_layer_sizes!r}."
        )
    return [int(size) for size in sizes]


def physical_memory():
    """Bytes of RAM of this machine, or inf where the OS does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):  # Windows
        return math.inf


def check_network_fits_in_memory(layer_sizes, hidden_layer_sizes, dtype):
    """Refuse a network larger than the machine's memory, before numpy tries.

    numpy may half succeed in allocating it, and then fail somewhere else.

    Returns
    -------
    n_params : int
        Number of weights and biases.
    needs : str
        What the network needs, for an error if the allocation fails anyway.
    """
    n_params = sum(
        (n_in + 1) * n_out for n_in, n_out in itertools.pairwise(layer_sizes)
    )
    # Parameters, momentum buffers and their gradients.
    n_bytes = 3 * n_params * np.dtype(dtype).itemsize
    needs = (
        f"hidden_layer_sizes={hidden_layer_sizes!r} on {layer_sizes[0]} "
        f"features needs {n_params:,} parameters: {n_bytes:,} bytes "
        f"({n_bytes / 2**30:.1f} GiB) of {np.dtype(dtype)} for weights, momentum "
        "and gradients"
    )
    memory = physical_memory()
    if n_bytes > memory:
        raise MemoryError(
            f"{needs}, more than the {memory / 2**30:.1f} GiB of memory of "
            "this machine. Use smaller hidden layers."
        )
    return n_params, needs


def check_targets(y):
    """scikit-learn's check of classification targets, for mixed labels too.

    ``check_classification_targets`` sorts the labels, which raises numpy's
    TypeError when strings and numbers are mixed in an object array.
    """
    if y.dtype == object and len({isinstance(label, str) for label in y.flat}) > 1:
        kinds = sorted({type(label).__name__ for label in y.flat})
        raise ValueError(
            f"Mix of label input types (string and number): y has labels of types "
            f"{kinds}. Use labels of one type."
        )
    check_classification_targets(y)


def check_partial_fit_classes(classes):
    """Refuse fewer than 2 classes before the first partial_fit stores them."""
    if len(np.unique(np.asarray(classes))) < 2:
        raise ValueError(
            "SigmoidMLPClassifier needs at least 2 classes, but the classes "
            f"passed to partial_fit are {np.asarray(classes).tolist()!r}. Pass "
            "every class that will ever be seen."
        )


def class_weight_of_samples(class_weight, classes, y):
    """The weight of each sample's class under a ``class_weight`` dict.

    Checked against all the ``classes`` (in partial_fit, those of every
    chunk): scikit-learn's ``compute_sample_weight`` ignores keys that are not
    classes, so that a misspelt label silently weighs nothing, refuses a dict
    that names a class the chunk lacks, and turns string labels such as "1"
    into integers (scikit-learn#34883). A negative or NaN weight would make
    its class vanish with a message about the number of classes.
    """
    known = set(np.asarray(classes).tolist())
    unknown = [label for label in class_weight if label not in known]
    if unknown:
        raise ValueError(
            f"class_weight names classes that are not in y: {unknown}. The "
            f"classes are {sorted(known, key=str)}."
        )
    invalid = {
        label: weight
        for label, weight in class_weight.items()
        if not (isinstance(weight, Real) and 0 <= weight < math.inf)
    }
    if invalid:
        raise ValueError(
            "class_weight must map classes to non-negative finite numbers, got "
            f"{invalid}."
        )
    # Labels outside ``classes`` are refused later, with the classes checks.
    return np.array([float(class_weight.get(label, 1.0)) for label in y.tolist()])


def check_weight_range(sample_weight, dtype, alpha, with_class_weight=False):
    """Cast the weights to ``dtype``, refusing a sum training cannot divide by.

    Weights count samples: the cost is divided by their sum, and so is
    ``alpha``. A sum that overflows (weights of 1e308, or of 1e300 in float32)
    or one whose reciprocal does (weights of 1e-320) would turn every step
    into inf or NaN.
    """
    with np.errstate(over="ignore", divide="ignore"):
        typed = sample_weight.astype(dtype)
        total = typed.sum()
        largest_ratio = max(len(typed), alpha) / total
        if np.isfinite(total) and np.isfinite(largest_ratio):
            return typed
        total = sample_weight.sum()
    raise ValueError(
        f"sample_weight{' times class_weight' if with_class_weight else ''} sums "
        f"to {total:.3g}, out of the range of {np.dtype(dtype).name} training, "
        "which divides the cost and alpha by that sum. Multiply the weights by a "
        "common factor to bring the sum into range, and alpha by the same factor "
        "to regularise as much."
    )


def training_sample_scale(sample_weight, train_idx, dtype, alpha, class_weighted):
    """Each sample's weight relative to the training samples' mean, and their sum.

    All ones without weights. An early-stopping split can leave the training
    part a sum of weights that the whole passed but training cannot divide by:
    it is checked again. Only training samples' scales are used, and they
    cannot overflow; a held-out sample's can, if its weight dwarfs theirs.
    """
    if len(train_idx) < len(sample_weight):
        check_weight_range(sample_weight[train_idx], dtype, alpha, class_weighted)
    n_effective = float(sample_weight[train_idx].sum())
    with np.errstate(over="ignore"):
        return sample_weight * (len(train_idx) / n_effective), n_effective


def check_sample_weight(sample_weight, X, y, *, class_weight, classes, alpha):
    """Validate ``sample_weight`` and multiply ``class_weight`` into it.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, n_labels)
    class_weight : dict, "balanced" or None
    classes : ndarray or None
        Every class the model has (in ``partial_fit``, those of every chunk),
        or None in ``fit``, where they are the classes of ``y``.
    alpha : float
        The L2 strength, divided by the weights' sum in training.

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,) in the dtype of ``X``
    """
    # In float64: weights too large for float32 are refused below, by name.
    sample_weight = _check_sample_weight(
        sample_weight, X, dtype=np.float64, ensure_non_negative=True
    )
    if class_weight is not None:
        if y.ndim > 1:
            raise ValueError(
                "class_weight is not supported for multilabel targets; pass "
                "sample_weight instead."
            )
        if classes is not None and class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' is not supported for partial_fit, "
                "which sees one chunk of the data at a time. Compute the "
                "weights on all the data with "
                "sklearn.utils.class_weight.compute_class_weight and pass "
                "them as a dict."
            )
        if isinstance(class_weight, dict):
            classes = np.unique(y) if classes is None else classes
            weight_of_class = class_weight_of_samples(class_weight, classes, y)
        else:
            weight_of_class = compute_sample_weight(class_weight, y)
        with np.errstate(over="ignore"):  # an inf is refused below
            sample_weight = sample_weight * weight_of_class
    if not np.any(sample_weight > 0):
        raise ValueError("Sample weights must contain at least one non-zero number.")
    return check_weight_range(sample_weight, X.dtype, alpha, class_weight is not None)


def check_validation_data(estimator, data, *, dtype, label_binarizer):
    """Validate ``X_val``, ``y_val`` and ``sample_weight_val`` for ``fit``.

    Parameters
    ----------
    estimator : estimator
        The estimator being fitted, whose ``n_features_in_`` and feature
        names scikit-learn's ``validate_data`` checks ``X_val`` against.
    data : ValidationData
    dtype : numpy dtype
        The dtype of the training data.
    label_binarizer : LabelBinarizer
        Fitted on the training labels.

    Returns
    -------
    X_val : {ndarray, sparse matrix} of ``dtype``
    y_val : ndarray, 1-D for single-label targets
    weight : ndarray of shape (n_val_samples,) of ``dtype``
        ``sample_weight_val``, or ones.
    """
    X_val, y_val = data.X, data.y
    if (X_val is None) != (y_val is None):
        raise ValueError(
            "X_val and y_val must be passed together: got "
            f"X_val={'None' if X_val is None else 'an array'} and "
            f"y_val={'None' if y_val is None else 'an array'}."
        )
    if X_val is None:
        raise ValueError("sample_weight_val was passed without X_val and y_val.")
    X_val, y_val = validate_data(
        estimator,
        X_val,
        y_val,
        reset=False,
        accept_sparse=["csr", "csc"],
        dtype=dtype,
        multi_output=True,
    )
    if y_val.ndim == 2 and y_val.shape[1] == 1:
        y_val = column_or_1d(y_val, warn=True)
    classes = label_binarizer.classes_
    if label_binarizer.y_type_ == "multilabel-indicator":
        if y_val.ndim != 2 or y_val.shape[1] != len(classes):
            raise ValueError(
                f"y_val must be a label indicator matrix with {len(classes)} "
                f"columns, like the training y; got shape {y_val.shape}."
            )
    elif y_val.ndim != 1:
        raise ValueError(
            f"y_val must be 1-D like the training y; got shape {y_val.shape}."
        )
    else:
        unseen = np.setdiff1d(np.unique(y_val), classes)
        if unseen.size:
            raise ValueError(
                f"y_val has labels that are not among the training classes "
                f"{classes}: {unseen}."
            )
    weight = _check_sample_weight(
        data.sample_weight, X_val, dtype=dtype, ensure_non_negative=True
    )
    if not np.any(weight > 0):
        raise ValueError(
            "The validation set has no sample with a non-zero weight, so "
            "its loss and accuracy are undefined."
        )
    return X_val, y_val, weight


def validation_split(y, sample_weight, validation_fraction, rng):
    """Training and validation indices, stratified when every class fits.

    Samples of weight 0 go to neither side: either side could otherwise end
    up with a total weight of 0. As scikit-learn's MLPClassifier does, a
    validation set of fewer than 2 samples is refused; where a class has too
    few samples for a stratified split, the split is random (MLPClassifier
    raises).
    """
    candidates = np.flatnonzero(sample_weight > 0)
    y = y[candidates]
    n_samples = len(y)
    n_val = math.ceil(validation_fraction * n_samples)
    if n_val < 2 or n_val >= n_samples:
        raise ValueError(
            f"The validation set is too small: early_stopping holds out "
            f"validation_fraction={validation_fraction} of {n_samples} samples of "
            f"non-zero weight, which leaves {n_val} to validate on and "
            f"{n_samples - n_val} to train on; both need at least 2 and 1. Use "
            "more samples, another validation_fraction, or early_stopping=False."
        )
    stratify = None
    if y.ndim == 1:
        _, counts = np.unique(y, return_counts=True)
        # On tiny data a stratified split is impossible; a random one is not.
        if counts.min() >= 2 and min(n_val, n_samples - n_val) >= len(counts):
            stratify = y
    return train_test_split(
        candidates, test_size=n_val, random_state=rng, stratify=stratify
    )


def warn_if_far_from_unit_scale(X):
    """Warn when features are far from the scale sigmoid neurons learn from.

    Digits left at 0..255 instead of 0..1, say, saturate the hidden neurons
    from the first step: the network then learns little and says nothing.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if sparse.issparse(X):
            mean_square = np.asarray(X.multiply(X).mean(axis=0)).ravel()
        else:
            mean_square = np.einsum("ij,ij->j", X, X, dtype=np.float64) / len(X)
        root_mean_square = np.sqrt(mean_square)
    far = np.flatnonzero(~(root_mean_square <= FEATURE_SCALE_LIMIT))
    if far.size:
        shown = ", ".join(str(i) for i in far[:5]) + (", ..." if far.size > 5 else "")
        warnings.warn(
            f"{far.size} of {X.shape[1]} features (indices {shown}) have a root "
            f"mean square of up to {np.nanmax(root_mean_square[far]):.3g}, far "
            f"above {FEATURE_SCALE_LIMIT:g}: sigmoid neurons saturate on inputs "
            "far from unit scale and learn little. Scale the features, for "
            "example with MinMaxScaler or StandardScaler in a Pipeline.",
            FeatureScaleWarning,
        )


def check_two_classes(label_binarizer, estimator_name):
    """Refuse single-label targets of one class: there is nothing to learn."""
    classes = label_binarizer.classes_
    if label_binarizer.y_type_ != "multilabel-indicator" and len(classes) < 2:
        (label,) = classes.tolist()
        raise ValueError(
            f"{estimator_name} needs samples of at least 2 classes (with "
            "non-zero sample weight) in the data, but the data contains only "
            f"one class: {label!r}."
        )


def check_same_classes(label_binarizer, y, *, warm_start):
    """Refuse targets that do not fit the classes a model already has.

    A warm-started fit needs exactly the classes of the previous fit;
    ``partial_fit`` accepts any subset of the classes it was given; neither
    may switch between multilabel and single-label targets.
    """
    multilabel = type_of_target(y).startswith("multilabel")
    seen = label_binarizer.classes_
    if warm_start:
        labels = np.arange(y.shape[1]) if multilabel else np.unique(y)
        if not np.array_equal(np.sort(labels), np.sort(seen)):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes "
                f"as in the previous call to fit. Previously got {seen}, `y` "
                f"has {labels}."
            )
    elif not multilabel:
        unseen = np.setdiff1d(np.unique(y), seen)
        if unseen.size:
            raise ValueError(
                f"`y` has classes not in `self.classes_`. `self.classes_` has "
                f"{seen}. 'y' has {np.unique(y)}."
            )
    if multilabel != (label_binarizer.y_type_ == "multilabel-indicator"):
        raise ValueError(
            "The type of target (multilabel or not) must not change between "
            "calls to fit with warm_start or to partial_fit."
        )
