"""Hostile input: every bad call gets scikit-learn's error type and a clear message.

Each row of ``FIT_CASES`` and ``FITTED_CASES`` is one row of the table in
``docs/user_guide/robustness.rst``: an input, the exception it raises (the exact
type, not a subclass) and the facts its message must name, whole words such as
``NaN``, ``sample_weight`` or the offending value. No row may end in a traceback
from inside numpy or :mod:`sknumpynet._core`.

The rest of the module covers input that is extreme but valid (it must train
and predict without warnings from numpy), networks too large for the memory of
the machine, divergence and interruption cases that ``test_classifier.py``
does not already cover.
"""

import copy
import itertools
import math
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from sknumpynet import FeatureScaleWarning, SigmoidMLPClassifier, _classifier, _core

X, y = make_classification(
    n_samples=30,
    n_features=4,
    n_informative=3,
    n_redundant=0,
    n_classes=3,
    random_state=0,
)
X = (X - X.mean(axis=0)) / X.std(axis=0)
N_BATCHES = 3  # per epoch, with _net()'s batch_size=10 on the 30 samples


def _net(**params):
    """A network small enough that a hostile case costs milliseconds."""
    params = {
        "hidden_layer_sizes": (5,),
        "max_iter": 5,
        "batch_size": 10,
        "random_state": 0,
        **params,
    }
    return SigmoidMLPClassifier(**params)


def _X_with(value, at=(0, 0), dtype=np.float64):
    X_bad = X.astype(dtype)
    X_bad[at] = value
    return X_bad


def _weights_with(value, at=0):
    weights = np.ones(len(y))
    weights[at] = value
    return weights


@pytest.fixture(scope="module")
def fitted():
    return _net().fit(X, y)


@pytest.fixture(scope="module")
def fitted_on_frame():
    return _net().fit(pd.DataFrame(X, columns=list("abcd")), y)


def _assert_not_raised_inside_numpy_or_the_core(excinfo):
    """The innermost frame is a validation function, not an arithmetic one."""
    innermost = Path(str(excinfo.traceback[-1].path)).resolve()
    assert innermost != Path(_core.__file__).resolve(), "raised inside the core"
    assert Path(np.__file__).resolve().parent not in innermost.parents, (
        f"raised inside numpy, at {innermost}"
    )


def _assert_message_names(error, facts):
    """Each fact stands in the message as a whole word, whatever the wording."""
    message = str(error)
    for fact in facts:
        assert re.search(rf"(?<!\w){re.escape(fact)}(?!\w)", message), (
            f"the message does not name {fact!r}: {message}"
        )


# One row of the documented table each. The facts are what a user needs to
# find the problem (the input, the offending value, what was expected), not
# the sentences of scikit-learn, numpy or Python, which change between versions.
FIT_CASES = [
    # -- X
    pytest.param(
        lambda: _net().fit(_X_with(np.nan), y), ValueError, ("X", "NaN"), id="NaN-in-X"
    ),
    pytest.param(
        lambda: _net().fit(_X_with(np.inf), y),
        ValueError,
        ("X", "infinity"),
        id="inf-in-X",
    ),
    pytest.param(
        lambda: _net().fit(_X_with(-np.inf), y),
        ValueError,
        ("X", "infinity"),
        id="minus-inf-in-X",
    ),
    pytest.param(
        lambda: _net().fit(sparse.csr_matrix(_X_with(np.nan)), y),
        ValueError,
        ("X", "NaN"),
        id="NaN-in-sparse-X",
    ),
    pytest.param(
        lambda: _net().fit(np.empty((0, 4)), []),
        ValueError,
        ("0 sample",),
        id="empty-X",
    ),
    pytest.param(
        lambda: _net().fit(np.empty((30, 0)), y),
        ValueError,
        ("0 feature",),
        id="X-without-features",
    ),
    pytest.param(
        lambda: _net().fit(X[:1], y[:1]),
        ValueError,
        ("2 classes", "one class"),
        id="single-sample",
    ),
    pytest.param(
        lambda: _net().fit(X, np.zeros(len(y))),
        ValueError,
        ("2 classes", "one class"),
        id="single-class",
    ),
    pytest.param(
        lambda: _net().fit(X, y[:-1]),
        ValueError,
        ("samples", "30", "29"),
        id="y-of-the-wrong-length",
    ),
    pytest.param(
        lambda: _net().fit([[0.0, 1.0], [2.0]], [0, 1]),
        ValueError,
        ("inhomogeneous",),
        id="ragged-X",
    ),
    pytest.param(
        lambda: _net().fit(np.array([[0.0, None], [1.0, 2.0]]), [0, 1]),
        ValueError,
        ("X", "NaN"),
        id="object-X-with-None",
    ),
    pytest.param(
        lambda: _net().fit(np.array([[0.0, {}], [1.0, 2.0]], dtype=object), [0, 1]),
        TypeError,
        ("float", "dict"),
        id="object-X-with-a-dict",
    ),
    pytest.param(
        lambda: _net().fit([["a", "b"], ["c", "d"]], [0, 1]),
        ValueError,
        ("float", "'a'"),
        id="string-features",
    ),
    pytest.param(
        lambda: _net().fit(X.reshape(30, 2, 2), y), ValueError, ("dim 3",), id="3-D-X"
    ),
    pytest.param(lambda: _net().fit(X[:, 0], y), ValueError, ("2D", "1D"), id="1-D-X"),
    pytest.param(
        lambda: _net().fit(X + 1j, y), ValueError, ("Complex",), id="complex-X"
    ),
    # -- y
    pytest.param(
        lambda: _net().fit(X, None), ValueError, ("y", "None"), id="y-is-None"
    ),
    pytest.param(
        lambda: _net().fit(X, np.where(y == 0, np.nan, y)),
        ValueError,
        ("y", "NaN"),
        id="NaN-in-y",
    ),
    pytest.param(
        lambda: _net().fit(X, np.linspace(0.0, 1.0, len(y))),
        ValueError,
        ("continuous",),
        id="continuous-y",
    ),
    pytest.param(
        lambda: _net().fit(X, np.array(["a", 1, 2] * 10, dtype=object)),
        ValueError,
        ("y", "string", "number"),
        id="strings-and-numbers-in-y",
    ),
    pytest.param(
        lambda: _net().fit(X, np.c_[y, y]),
        ValueError,
        ("Multioutput",),
        id="multiclass-multioutput-y",
    ),
    # -- sample_weight
    pytest.param(
        lambda: _net().fit(X, y, sample_weight=_weights_with(-1.0)),
        ValueError,
        ("Negative", "sample_weight"),
        id="negative-sample_weight",
    ),
    pytest.param(
        lambda: _net().fit(X, y, sample_weight=_weights_with(np.nan)),
        ValueError,
        ("sample_weight", "NaN"),
        id="NaN-sample_weight",
    ),
    pytest.param(
        lambda: _net().fit(X, y, sample_weight=_weights_with(np.inf)),
        ValueError,
        ("sample_weight", "infinity"),
        id="inf-sample_weight",
    ),
    pytest.param(
        lambda: _net().fit(X, y, sample_weight=np.zeros(len(y))),
        ValueError,
        ("Sample weights", "non-zero"),
        id="all-zero-sample_weight",
    ),
    pytest.param(
        lambda: _net().fit(X, y, sample_weight=np.ones(len(y) - 1)),
        ValueError,
        ("sample_weight", "(29,)", "(30,)"),
        id="sample_weight-of-the-wrong-length",
    ),
    pytest.param(
        lambda: _net().fit(X, y, sample_weight=(y == 0).astype(float)),
        ValueError,
        ("2 classes", "non-zero sample weight", "one class"),
        id="zero-sample_weight-on-all-but-one-class",
    ),
    pytest.param(
        lambda: _net().fit(X, y, sample_weight=np.full(len(y), 1e308)),
        ValueError,
        ("sample_weight", "inf", "float64"),
        id="sample_weight-summing-past-the-largest-float",
    ),
    pytest.param(
        lambda: _net().fit(X, y, sample_weight=np.full(len(y), 1e-320)),
        ValueError,
        ("sample_weight", "3e-319", "float64"),
        id="subnormal-sample_weight",
    ),
    pytest.param(
        lambda: _net().fit(X.astype(np.float32), y, sample_weight=_weights_with(1e300)),
        ValueError,
        ("sample_weight", "1e+300", "float32"),
        id="sample_weight-too-large-for-float32",
    ),
    # -- class_weight
    pytest.param(
        lambda: _net(class_weight={0: 1.0, 1: 1.0, 2: 1.0, 7: 5.0}).fit(X, y),
        ValueError,
        ("class_weight", "[7]"),
        id="class_weight-with-an-unknown-class",
    ),
    pytest.param(
        lambda: _net(class_weight={0: 1.0, "2": 5.0}).fit(X, y),
        ValueError,
        ("class_weight", "['2']"),
        id="class_weight-with-a-label-of-the-wrong-type",
    ),
    pytest.param(
        lambda: _net(class_weight={0: -1.0, 1: 1.0, 2: 1.0}).fit(X, y),
        ValueError,
        ("class_weight", "-1.0"),
        id="negative-class_weight",
    ),
    pytest.param(
        lambda: _net(class_weight={0: np.nan, 1: 1.0, 2: 1.0}).fit(X, y),
        ValueError,
        ("class_weight", "nan"),
        id="NaN-class_weight",
    ),
    pytest.param(
        lambda: _net(class_weight="balanced").fit(X, np.c_[y == 0, y == 1]),
        ValueError,
        ("class_weight", "multilabel"),
        id="class_weight-with-a-multilabel-y",
    ),
    pytest.param(
        lambda: _net(class_weight="balanced").partial_fit(X, y, classes=[0, 1, 2]),
        ValueError,
        ("class_weight='balanced'", "partial_fit"),
        id="balanced-class_weight-in-partial_fit",
    ),
    # -- hidden_layer_sizes
    pytest.param(
        lambda: _net(hidden_layer_sizes=(5, 0)).fit(X, y),
        InvalidParameterError,
        ("hidden_layer_sizes", "(5, 0)"),
        id="hidden_layer_sizes-with-a-0",
    ),
    pytest.param(
        lambda: _net(hidden_layer_sizes=(5, -2)).fit(X, y),
        InvalidParameterError,
        ("hidden_layer_sizes", "(5, -2)"),
        id="negative-hidden_layer_sizes",
    ),
    pytest.param(
        lambda: _net(hidden_layer_sizes=0).fit(X, y),
        InvalidParameterError,
        ("hidden_layer_sizes", "0"),
        id="hidden_layer_sizes-is-0",
    ),
    pytest.param(
        lambda: _net(hidden_layer_sizes=(2.5,)).fit(X, y),
        InvalidParameterError,
        ("hidden_layer_sizes", "(2.5,)"),
        id="fractional-hidden_layer_sizes",
    ),
    pytest.param(
        lambda: _net(hidden_layer_sizes=("5",)).fit(X, y),
        InvalidParameterError,
        ("hidden_layer_sizes", "('5',)"),
        id="string-hidden_layer_sizes",
    ),
    pytest.param(
        lambda: _net(hidden_layer_sizes=[[5], [5, 5]]).fit(X, y),
        InvalidParameterError,
        ("hidden_layer_sizes", "[[5], [5, 5]]"),
        id="nested-hidden_layer_sizes",
    ),
    # -- the first call to partial_fit
    pytest.param(
        lambda: _net().partial_fit(X, y),
        ValueError,
        ("classes", "first", "partial_fit"),
        id="partial_fit-without-classes",
    ),
    pytest.param(
        lambda: _net().partial_fit(X[y == 0], y[y == 0], classes=[0]),
        ValueError,
        ("2 classes", "[0]"),
        id="partial_fit-with-a-single-class",
    ),
    pytest.param(
        lambda: _net().partial_fit(X, y, classes=[0, 1]),
        ValueError,
        ("[0 1]", "[0 1 2]"),
        id="partial_fit-with-too-few-classes",
    ),
]


@pytest.mark.parametrize(("call", "error", "facts"), FIT_CASES)
def test_hostile_input_to_fit_gets_a_clear_error(call, error, facts):
    with pytest.raises(error) as excinfo:
        call()
    assert excinfo.type is error
    _assert_message_names(excinfo.value, facts)
    _assert_not_raised_inside_numpy_or_the_core(excinfo)


# The same on a fitted model, which the call must leave as it was.
FITTED_CASES = [
    pytest.param(
        lambda clf: clf.predict(X[:, :3]),
        ValueError,
        ("3 features", "4 features"),
        id="predict-with-the-wrong-number-of-features",
    ),
    pytest.param(
        lambda clf: clf.predict_proba(_X_with(np.nan)),
        ValueError,
        ("X", "NaN"),
        id="predict_proba-with-NaN",
    ),
    pytest.param(
        lambda clf: clf.predict_log_proba(_X_with(np.inf)),
        ValueError,
        ("X", "infinity"),
        id="predict_log_proba-with-inf",
    ),
    pytest.param(
        lambda clf: clf.predict(X.reshape(30, 2, 2)),
        ValueError,
        ("dim 3",),
        id="predict-with-3-D-X",
    ),
    pytest.param(
        lambda clf: clf.predict(np.empty((0, 4))),
        ValueError,
        ("0 sample",),
        id="predict-with-empty-X",
    ),
    pytest.param(
        lambda clf: clf.partial_fit(X, np.where(y == 2, 3, y)),
        ValueError,
        ("classes_", "[0 1 2]", "[0 1 3]"),
        id="partial_fit-with-a-new-class",
    ),
    pytest.param(
        lambda clf: clf.partial_fit(X[:, :3], y),
        ValueError,
        ("3 features", "4 features"),
        id="partial_fit-with-the-wrong-number-of-features",
    ),
    pytest.param(
        lambda clf: clf.partial_fit(X, np.c_[y == 0, y == 1]),
        ValueError,
        ("multilabel", "partial_fit"),
        id="partial_fit-switching-to-multilabel",
    ),
    pytest.param(
        lambda clf: clf.set_params(warm_start=True).fit(X[:, :3], y),
        ValueError,
        ("3 features", "4 features"),
        id="warm_start-with-the-wrong-number-of-features",
    ),
    pytest.param(
        lambda clf: clf.set_params(warm_start=True).fit(X[y < 2], y[y < 2]),
        ValueError,
        ("warm_start", "[0 1 2]", "[0 1]"),
        id="warm_start-with-other-classes",
    ),
]


def _fitted_state(clf):
    return {
        "coefs_": [w.copy() for w in clf.coefs_],
        "intercepts_": [b.copy() for b in clf.intercepts_],
        "n_iter_": clf.n_iter_,
        "t_": clf.t_,
        "loss_curve_": list(clf.loss_curve_),
        "classes_": clf.classes_.copy(),
        "n_features_in_": clf.n_features_in_,
        "proba": clf.predict_proba(X),
    }


@pytest.mark.parametrize(("call", "error", "facts"), FITTED_CASES)
def test_hostile_input_to_a_fitted_model_gets_a_clear_error_and_changes_nothing(
    fitted, call, error, facts
):
    clf = copy.deepcopy(fitted)
    before = _fitted_state(clf)
    with pytest.raises(error) as excinfo:
        call(clf)
    assert excinfo.type is error
    _assert_message_names(excinfo.value, facts)
    _assert_not_raised_inside_numpy_or_the_core(excinfo)
    after = _fitted_state(clf)
    for name, value in before.items():
        if isinstance(value, list):
            assert len(after[name]) == len(value), name
            for new, old in zip(after[name], value, strict=True):
                np.testing.assert_array_equal(new, old, err_msg=name)
        else:
            np.testing.assert_array_equal(after[name], value, err_msg=name)


def test_predict_before_fit_is_a_not_fitted_error():
    with pytest.raises(NotFittedError) as excinfo:
        _net().predict(X)
    _assert_message_names(excinfo.value, ("SigmoidMLPClassifier", "fit"))


def test_feature_names_must_match_the_ones_seen_in_fit(fitted_on_frame):
    renamed = pd.DataFrame(X, columns=list("abce"))
    with pytest.raises(ValueError) as excinfo:
        fitted_on_frame.predict(renamed)
    assert excinfo.type is ValueError
    # The name that is new, and the one that is missing.
    _assert_message_names(excinfo.value, ("feature names", "e", "d"))


# -- networks too large for memory ---------------------------------------------


def _n_params(layer_sizes):
    return sum((n_in + 1) * n_out for n_in, n_out in itertools.pairwise(layer_sizes))


@pytest.mark.parametrize(
    ("hidden_layer_sizes", "dtype"),
    [
        ((10**6, 10**6), np.float64),  # 24 TB: more than any machine has
        ((10**6, 10**6), np.float32),  # half of it
        ((10**20,), np.float64),  # more elements than numpy can index
    ],
)
def test_too_large_network_is_refused_before_allocating(
    monkeypatch, hidden_layer_sizes, dtype
):
    def allocate(*args, **kwargs):
        raise AssertionError("the weights were allocated before the size check")

    monkeypatch.setattr(_classifier._core, "init_params", allocate)
    n_bytes = (
        3  # weights and biases, their momentum and their gradients
        * _n_params([4, *hidden_layer_sizes, 3])
        * np.dtype(dtype).itemsize
    )
    clf = _net(hidden_layer_sizes=hidden_layer_sizes)
    with pytest.raises(MemoryError) as excinfo:
        clf.fit(X.astype(dtype), y)
    message = str(excinfo.value)
    assert f"{n_bytes:,} bytes ({n_bytes / 2**30:.1f} GiB)" in message
    assert np.dtype(dtype).name in message
    assert "smaller hidden layers" in message
    assert not hasattr(clf, "coefs_")


# -- extreme but valid input ---------------------------------------------------


def _assert_valid_probabilities(clf, X_pred):
    proba = clf.predict_proba(X_pred)
    assert np.all(np.isfinite(proba)) and np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert set(clf.predict(X_pred)) <= set(clf.classes_)


EXTREME_BUT_VALID = [
    pytest.param(lambda: (X * 1e30, y), id="1e30-in-X"),
    pytest.param(lambda: ((X * 1e30).astype(np.float32), y), id="1e30-in-float32-X"),
    pytest.param(lambda: (X * 1e300, y), id="1e300-in-X"),
    pytest.param(lambda: (X * 1e-300, y), id="1e-300-in-X"),
    pytest.param(lambda: (_X_with(1e30, at=(slice(None), 0)), y), id="1e30-column"),
    pytest.param(lambda: (np.zeros_like(X), y), id="all-zero-X"),
    pytest.param(lambda: (X[:3], np.array([0, 1, 2])), id="one-sample-per-class"),
    pytest.param(lambda: (np.r_[X, X], np.r_[y, (y + 1) % 3]), id="conflicting-labels"),
]


@pytest.mark.parametrize("make_data", EXTREME_BUT_VALID)
def test_extreme_but_valid_input_trains_and_predicts_without_numpy_warnings(
    make_data,
):
    X_extreme, y_extreme = make_data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's RuntimeWarnings above all
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", FeatureScaleWarning)  # tested elsewhere
        clf = _net().fit(X_extreme, y_extreme)
        _assert_valid_probabilities(clf, X_extreme)
        _assert_valid_probabilities(clf, -X_extreme)
    assert all(np.all(np.isfinite(w)) for w in clf.coefs_ + clf.intercepts_)
    assert clf.predict_proba(X_extreme).dtype == X_extreme.dtype


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_predict_on_values_near_the_largest_float_saturates(dtype):
    clf = _net().fit(X.astype(dtype), y)
    # Weighted inputs overflow to +-inf, which saturates the hidden units. (Mixed
    # signs would make scikit-learn's finiteness check itself warn, as it sums X.)
    for sign in (1, -1):
        X_huge = np.full_like(X, sign * np.finfo(dtype).max, dtype=dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            _assert_valid_probabilities(clf, X_huge)


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        ([2.0, -2.0, -2.0], [1.0, 0.0, 0.0]),  # one logit +inf: that class
        ([2.0, 2.0, -2.0], [0.5, 0.5, 0.0]),  # two logits +inf: a tie
    ],
)
@pytest.mark.parametrize("method", ["predict_proba", "predict_log_proba"])
def test_infinite_logits_give_the_limiting_probabilities(weights, expected, method):
    # Without a hidden layer the logits are X @ W + b: nothing saturates them.
    clf = _net(hidden_layer_sizes=()).fit(X[:, :1], y)
    clf.coefs_[0][:] = weights
    X_huge = np.full((2, 1), 1e308)  # 2e308 overflows to inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = getattr(clf, method)(X_huge)
    proba = np.exp(result) if method == "predict_log_proba" else result
    np.testing.assert_allclose(proba, [expected, expected], atol=1e-12)
    np.testing.assert_array_equal(clf.predict(X_huge), [0, 0])


def test_weighted_inputs_that_come_out_nan_are_refused(fitted, monkeypatch):
    # Whether a sum of products that overflow to +inf and -inf gives NaN
    # depends on the BLAS; a forward pass that returns NaN stands in for it.
    real_forward = _classifier._core.forward

    def forward_with_nan(*args, **kwargs):
        activations, logits = real_forward(*args, **kwargs)
        logits[0, 0] = np.nan
        return activations, logits

    monkeypatch.setattr(_classifier._core, "forward", forward_with_nan)
    for method in (fitted.predict, fitted.predict_proba, fitted.predict_log_proba):
        with pytest.raises(
            ValueError, match=r"overflow float64 \(inf - inf\).*Scale the features"
        ):
            method(X)


@pytest.mark.parametrize("random_state", range(6))
def test_early_stopping_with_mostly_zero_weights_splits_the_weighted_samples(
    random_state,
):
    # Six samples of non-zero weight among thirty: split all thirty, and one
    # side can end up with a total weight of 0.
    weighted = np.sort(np.r_[np.flatnonzero(y == 0)[:3], np.flatnonzero(y == 1)[:3]])
    sample_weight = np.zeros(len(y))
    sample_weight[weighted] = 1.0
    # A third of six holds out 2 samples, the fewest a validation set may have.
    params = {
        "early_stopping": True,
        "validation_fraction": 1 / 3,
        "random_state": random_state,
    }
    clf = _net(**params).fit(X, y, sample_weight=sample_weight)
    # Samples of weight 0 do not exist for the model, as if they were removed.
    without = _net(**params).fit(X[weighted], y[weighted])
    np.testing.assert_array_equal(clf.classes_, without.classes_)
    for a, b in zip(clf.coefs_, without.coefs_, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert clf.validation_scores_ == without.validation_scores_


# -- divergence (test_classifier.py covers a huge learning rate after two good
# epochs and float32 features of 1e18) ------------------------------------------


def _diverging_step(at_call):
    """An sgd_step whose ``at_call``-th call reports a NaN cost, as a blow-up does."""
    real_step = _classifier._core.sgd_step
    calls = []

    def step(*args, **kwargs):
        calls.append(1)
        cost, logits = real_step(*args, **kwargs)
        return (math.nan if len(calls) == at_call else cost), logits

    return step


def _interrupting_step(at_call):
    """An sgd_step that raises KeyboardInterrupt on its ``at_call``-th call."""
    real_step = _classifier._core.sgd_step
    calls = []

    def step(*args, **kwargs):
        calls.append(1)
        if len(calls) == at_call:
            raise KeyboardInterrupt
        return real_step(*args, **kwargs)

    return step


def _initial_weights(interrupted_fit, X_fit):
    """The weights a fit starts from: those of a fit stopped in its first step."""
    clf = _net()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_classifier._core, "sgd_step", _interrupting_step(1))
        assert "its initial weights" in interrupted_fit(clf.fit, X_fit, y)
    return clf.coefs_ + clf.intercepts_


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_divergence_in_the_first_epoch_keeps_the_initial_weights(
    interrupted_fit, dtype
):
    X_typed = X.astype(dtype)
    with pytest.warns(ConvergenceWarning, match=r"diverged in epoch 1\b"):
        clf = _net(learning_rate_init=1e300).fit(X_typed, y)
    assert clf.n_iter_ == 0 and clf.loss_curve_ == [] and clf.loss_ is None
    initial = _initial_weights(interrupted_fit, X_typed)
    for kept, first in zip(clf.coefs_ + clf.intercepts_, initial, strict=True):
        np.testing.assert_array_equal(kept, first)
    _assert_valid_probabilities(clf, X_typed)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_extreme_inputs_with_a_huge_learning_rate_diverge_cleanly(dtype):
    X_extreme = (X * 1e6).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.warns(
            ConvergenceWarning,
            match=r"Training diverged in epoch \d+: .* Lower learning_rate_init "
            r"\(now 1000000.0\)",
        ):
            clf = _net(learning_rate_init=1e6, max_iter=50).fit(X_extreme, y)
        _assert_valid_probabilities(clf, X_extreme)
    assert clf.n_iter_ < 50 and len(clf.loss_curve_) == clf.n_iter_
    assert all(np.all(np.isfinite(w)) for w in clf.coefs_ + clf.intercepts_)


def test_huge_learning_rate_in_partial_fit_keeps_the_initial_weights(
    interrupted_fit,
):
    clf = _net(learning_rate_init=1e300)
    for _ in range(2):  # and keeps them, however often it is called
        with pytest.warns(ConvergenceWarning, match=r"diverged in epoch 1\b"):
            clf.partial_fit(X, y, classes=[0, 1, 2])
    assert clf.n_iter_ == 0 and clf.loss_curve_ == []
    initial = _initial_weights(interrupted_fit, X)
    for kept, first in zip(clf.coefs_ + clf.intercepts_, initial, strict=True):
        np.testing.assert_array_equal(kept, first)
    _assert_valid_probabilities(clf, X)


def test_divergence_in_partial_fit_keeps_the_weights_from_before_the_call(
    monkeypatch,
):
    clf = _net()
    clf.partial_fit(X, y, classes=[0, 1, 2])
    before = [w.copy() for w in clf.coefs_ + clf.intercepts_]
    monkeypatch.setattr(_classifier._core, "sgd_step", _diverging_step(2))
    with pytest.warns(ConvergenceWarning, match=r"diverged in epoch 2\b"):
        clf.partial_fit(X, y)
    assert clf.n_iter_ == 1
    for kept, old in zip(clf.coefs_ + clf.intercepts_, before, strict=True):
        np.testing.assert_array_equal(kept, old)
    _assert_valid_probabilities(clf, X)


def test_training_after_a_diverged_partial_fit_continues_as_if_it_never_ran(
    monkeypatch,
):
    """A diverged epoch rolls back the momentum and the sample count too."""
    untouched, recovered = _net(shuffle=False), _net(shuffle=False)
    for clf in (untouched, recovered):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    with monkeypatch.context() as patch:
        # The second mini-batch diverges, after the first has moved the momentum.
        patch.setattr(_classifier._core, "sgd_step", _diverging_step(2))
        with pytest.warns(ConvergenceWarning, match=r"diverged in epoch 2\b"):
            recovered.partial_fit(X, y)
    for clf in (untouched, recovered):
        clf.partial_fit(X, y)
    assert recovered.t_ == untouched.t_ and recovered.n_iter_ == untouched.n_iter_
    for a, b in zip(
        recovered.coefs_ + recovered.intercepts_,
        untouched.coefs_ + untouched.intercepts_,
        strict=True,
    ):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "params",
    [
        # N(0, 1) weights on inputs of 1e4: every unit at 0 or 1
        {"init": "standard_normal"},
        {
            "init": "standard_normal",
            "loss": "squared_error",
            "output_activation": "sigmoid",
        },
    ],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_saturated_units_train_without_nan_or_numpy_warnings(params, dtype):
    X_saturating = (X * 1e4).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", FeatureScaleWarning)
        clf = _net(learning_rate_init=10.0, max_iter=10, **params).fit(X_saturating, y)
        _assert_valid_probabilities(clf, X_saturating)
    assert clf.n_iter_ >= 1
    assert all(np.all(np.isfinite(w)) for w in clf.coefs_ + clf.intercepts_)
    assert np.all(np.isfinite(clf.loss_curve_))


# A learning rate this large makes the validation score wander; a constant one
# lets a fit of fewer epochs replay the same steps.
EARLY_STOPPING_THAT_WANDERS = {
    "early_stopping": True,
    "learning_rate": "constant",
    "learning_rate_init": 3.0,
    "batch_size": 9,
}


def _replay_best_epoch(params, best_epoch):
    """The same seed replays the same initialisation, split and shuffles."""
    return _net(**params, max_iter=best_epoch).fit(X, y)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_early_stopping_keeps_the_best_epoch_when_training_diverges_and_says_so(
    monkeypatch,
):
    """Divergence in epoch 7 keeps the best epoch's weights."""
    params = EARLY_STOPPING_THAT_WANDERS
    n_batches = 3  # 27 training samples in batches of 9
    monkeypatch.setattr(_classifier._core, "sgd_step", _diverging_step(7 * n_batches))
    with pytest.warns(ConvergenceWarning) as record:
        clf = _net(**params, max_iter=20).fit(X, y)
    best_epoch = int(np.argmax(clf.validation_scores_)) + 1
    assert clf.n_iter_ == 6 and best_epoch < 6, "the test needs a best epoch before 6"
    assert re.search(
        rf"diverged in epoch 7: .* so the weights of epoch {best_epoch} \(the best "
        r"validation score\) were kept",
        str(record[0].message),
    )
    monkeypatch.undo()
    best = _replay_best_epoch(params, best_epoch)
    for kept, replayed in zip(clf.coefs_, best.coefs_, strict=True):
        np.testing.assert_array_equal(kept, replayed)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_early_stopping_keeps_the_best_epoch_when_interrupted_and_says_so(
    monkeypatch, interrupted_fit
):
    """Ctrl-C in epoch 7 keeps the best epoch's weights."""
    params = EARLY_STOPPING_THAT_WANDERS
    n_batches = 3
    monkeypatch.setattr(
        _classifier._core, "sgd_step", _interrupting_step(6 * n_batches + 2)
    )
    clf = _net(**params, max_iter=20)
    message = interrupted_fit(clf.fit, X, y)
    best_epoch = int(np.argmax(clf.validation_scores_)) + 1
    assert clf.n_iter_ == 6 and best_epoch < 6, "the test needs a best epoch before 6"
    assert re.search(
        rf"interrupted by user after 6 complete epochs .*; the model keeps the "
        rf"weights of epoch {best_epoch} \(the best validation score\)",
        message,
    )
    monkeypatch.undo()
    best = _replay_best_epoch(params, best_epoch)
    for kept, replayed in zip(clf.coefs_, best.coefs_, strict=True):
        np.testing.assert_array_equal(kept, replayed)


# -- interruption (test_classifier.py covers the Ctrl-C signal) ----------------


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "at_call",
    [1, N_BATCHES, N_BATCHES + 1, 3 * N_BATCHES],
    ids=["first-batch", "last-batch-of-epoch-1", "first-batch-of-epoch-2", "epoch-3"],
)
def test_keyboard_interrupt_anywhere_keeps_the_last_complete_epoch_and_goes_on(
    monkeypatch, interrupted_fit, at_call
):
    monkeypatch.setattr(_classifier._core, "sgd_step", _interrupting_step(at_call))
    # A constant rate: a fit of fewer epochs takes the same steps.
    clf = _net(max_iter=10, learning_rate="constant")
    n_epochs = (at_call - 1) // N_BATCHES
    message = interrupted_fit(clf.fit, X, y)
    kept = "the weights of the last complete epoch" if n_epochs else "initial weights"
    assert re.search(
        rf"interrupted by user after {n_epochs} complete epochs? "
        rf"\({len(y) * n_epochs} samples seen\); the model keeps .*{kept}",
        message,
    ), message
    assert clf.n_iter_ == n_epochs and len(clf.loss_curve_) == n_epochs
    assert clf.t_ == len(y) * n_epochs
    _assert_valid_probabilities(clf, X)
    # The model is the one a fit of the completed epochs makes.
    monkeypatch.undo()
    if n_epochs:
        completed = _net(max_iter=n_epochs, learning_rate="constant").fit(X, y)
        for kept_w, expected in zip(clf.coefs_, completed.coefs_, strict=True):
            np.testing.assert_array_equal(kept_w, expected)
    # The next fit starts afresh and completes.
    clf.fit(X, y)
    assert clf.n_iter_ == clf.max_iter


def test_keyboard_interrupt_in_partial_fit_keeps_the_epochs_before(
    monkeypatch, interrupted_fit
):
    clf = _net()
    clf.partial_fit(X, y, classes=[0, 1, 2])
    before = [w.copy() for w in clf.coefs_ + clf.intercepts_]
    monkeypatch.setattr(_classifier._core, "sgd_step", _interrupting_step(2))
    assert "after 1 complete epoch " in interrupted_fit(clf.partial_fit, X, y)
    assert clf.n_iter_ == 1 and clf.t_ == len(y)
    for kept, old in zip(clf.coefs_ + clf.intercepts_, before, strict=True):
        np.testing.assert_array_equal(kept, old)
    _assert_valid_probabilities(clf, X)
