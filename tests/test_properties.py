"""Property-based tests: whatever the problem, fit succeeds or refuses it clearly.

Hypothesis draws problems of random shapes, dtypes (float64 to bool, dense or
sparse), label types (integers, strings, booleans, integral floats, object
arrays, multilabel indicators), sample weights (from 0 to 1e308), class weights
and hyper-parameters. For every problem:

- ``fit`` (or ``partial_fit``) succeeds or raises one of the errors documented
  in ``docs/user_guide/robustness.rst`` (``DOCUMENTED_FIT_ERRORS``), and never
  lets a RuntimeWarning out of numpy (pytest turns those into errors);
- ``predict_proba`` is finite, in [0, 1], and its rows sum to 1 for single-label
  targets; ``predict`` returns only labels from ``classes_``;
- float32 input is trained and predicted in float32.

How many examples each test draws, and whether they are the same on every
run, is set by the Hypothesis profile that ``tests/conftest.py`` loads: a quick
one by default, ``SKNUMPYNET_TEST_PROFILE=thorough`` for 10,000 examples
per test (as CI runs them), ``explore`` for new random ones.
"""

import itertools
import math
import re
import warnings
from functools import cache

import numpy as np
from hypothesis import assume, given, note
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning

from sknumpynet import FeatureScaleWarning, SigmoidMLPClassifier

# Errors a generated problem may legitimately get, as documented in the table of
# docs/user_guide/robustness.rst. Anything else fails the test.
DOCUMENTED_FIT_ERRORS = [
    r"needs samples of at least 2 classes \(with non-zero sample weight\)",
    r"needs at least 2 classes, but the classes passed to partial_fit are",
    r"Sample weights must contain at least one non-zero number",
    r"sample_weight( times class_weight)? sums to .*, out of the range of float",
    r"The validation set is too small: early_stopping holds out validation_fraction=",
    r"class_weight is not supported for multilabel targets",
    r"class_weight names classes that are not in y",
    r"class_weight='balanced' is not supported for partial_fit",
    r"output_activation='softmax' makes the classes exclusive",
]


def _assert_documented(error):
    if type(error) is not ValueError or not any(
        re.search(pattern, str(error)) for pattern in DOCUMENTED_FIT_ERRORS
    ):
        raise AssertionError(f"undocumented error: {error!r}") from error


# -- strategies ----------------------------------------------------------------

X_DTYPES = [np.float64, np.float32, np.float16, np.int64, np.int8, np.uint8, bool]


@st.composite
def feature_matrices(draw, n_samples, n_features, magnitudes=(1.0, 1.0, 1e4, 1e30)):
    """``X`` of a random dtype, dense or sparse, with values up to a magnitude.

    ``math.inf`` in ``magnitudes`` stands for the largest values whose sum
    still fits in the dtype: scikit-learn's finiteness check sums ``X``, and
    itself warns when that sum is ``inf - inf``.
    """
    dtype = np.dtype(draw(st.sampled_from(X_DTYPES)))
    if dtype.kind == "f":
        largest = float(np.finfo(dtype).max) / (n_samples * n_features)
        magnitude = min(draw(st.sampled_from(magnitudes)), largest)
        magnitude = float(dtype.type(magnitude))
        elements = st.floats(
            -magnitude, magnitude, width=8 * dtype.itemsize, allow_subnormal=True
        )
    else:
        elements = hnp.from_dtype(dtype)
    X = draw(hnp.arrays(dtype, (n_samples, n_features), elements=elements))
    if dtype != np.float16 and draw(st.booleans()):
        X = sparse.csr_matrix(X)
    return X


LABEL_KINDS = ["int", "str", "bool", "float", "object-str", "multilabel"]


@st.composite
def targets(draw, n_samples, kind):
    """``(y, classes)``: a target of ``kind`` and every class it may contain."""
    if kind == "multilabel":
        n_labels = draw(st.integers(2, 4))
        y = draw(
            hnp.arrays(np.int64, (n_samples, n_labels), elements=st.integers(0, 1))
        )
        return y, np.arange(n_labels)
    n_classes = draw(st.integers(1, 2 if kind == "bool" else 4))
    # numpy drops trailing NULs from its strings: "\x00" would become "".
    text = st.text(st.characters(exclude_characters="\x00"), max_size=3)
    distinct = {
        "int": st.integers(-(2**40), 2**40),
        "str": text,
        "object-str": text,
        "float": st.integers(-1000, 1000).map(float),
        "bool": st.booleans(),
    }[kind]
    classes = draw(
        st.lists(distinct, min_size=n_classes, max_size=n_classes, unique=True)
    )
    index = draw(
        st.lists(st.integers(0, n_classes - 1), min_size=n_samples, max_size=n_samples)
    )
    y = np.asarray([classes[i] for i in index], dtype=object)
    if kind != "object-str":
        y = np.asarray(y.tolist())
    return y, np.asarray(classes, dtype=y.dtype)


def sample_weights(n_samples):
    weight = st.one_of(
        st.just(0.0),
        st.floats(0.0, 10.0),
        st.floats(0.0, 1e308, allow_subnormal=True),  # 1e308, 1e-320, ...
    )
    return st.one_of(st.none(), hnp.arrays(np.float64, n_samples, elements=weight))


@st.composite
def class_weights(draw, classes, kind):
    if kind == "multilabel":
        return draw(st.sampled_from([None, "balanced"]))
    choice = draw(st.sampled_from(["none", "balanced", "dict"]))
    if choice == "none":
        return None
    if choice == "balanced":
        return "balanced"
    # Weights for some of the classes; the others get weight 1.
    named = draw(st.lists(st.sampled_from(classes.tolist()), unique=True))
    return {label: draw(st.floats(0.1, 10.0)) for label in named}


def _grid(**options):
    """Every combination of ``options``, for a single draw of all of them."""
    return [
        dict(zip(options, values, strict=True))
        for values in itertools.product(*options.values())
    ]


# Hyper-parameters in a few draws of coupled groups: every draw costs time in
# every example.
ARCHITECTURES = _grid(
    hidden_layer_sizes=[(), (1,), (3,), (2, 2)],
    init=["lecun_normal", "standard_normal", "glorot_uniform"],
    dropout=[0.0, 0.5],
)
OUTPUTS = _grid(
    loss=["log_loss", "squared_error"],
    output_activation=["auto", "sigmoid", "softmax"],
)
OPTIMISERS = _grid(
    learning_rate=["constant", "invscaling", "adaptive"],
    learning_rate_init=[0.2, 10.0, 1e6],
    momentum=[0.9, 0.0],
    alpha=[1.0, 0.0, 100.0],
)
STOPPING = _grid(
    max_iter=[1, 2, 3], early_stopping=[False, True], n_iter_no_change=[1, 3]
)


@st.composite
def estimators(draw):
    return SigmoidMLPClassifier(
        **draw(st.sampled_from(ARCHITECTURES)),
        **draw(st.sampled_from(OUTPUTS)),
        **draw(st.sampled_from(OPTIMISERS)),
        **draw(st.sampled_from(STOPPING)),
        batch_size=draw(st.one_of(st.just("auto"), st.integers(1, 8))),
        random_state=draw(st.integers(0, 2**31 - 1)),
    )


@st.composite
def problems(draw):
    n_samples = draw(st.integers(1, 16))
    n_features = draw(st.integers(1, 4))
    kind = draw(st.sampled_from(LABEL_KINDS))
    X = draw(feature_matrices(n_samples, n_features))
    y, classes = draw(targets(n_samples, kind))
    return {
        "X": X,
        "y": y,
        "classes": classes,
        "kind": kind,
        "sample_weight": draw(sample_weights(n_samples)),
        "clf": draw(estimators()).set_params(
            class_weight=draw(class_weights(classes, kind))
        ),
    }


# -- the properties ------------------------------------------------------------


def _training_dtype(X):
    return np.float32 if X.dtype == np.float32 else np.float64


def _assert_valid_model(clf, X, kind):
    """The properties every fitted model has, whatever it was fitted on."""
    dtype = _training_dtype(X)
    assert all(w.dtype == dtype for w in clf.coefs_ + clf.intercepts_)
    assert all(np.all(np.isfinite(w)) for w in clf.coefs_ + clf.intercepts_)
    proba = clf.predict_proba(X)
    assert proba.dtype == dtype
    assert proba.shape == (X.shape[0], max(len(clf.classes_), 2))
    assert np.all(np.isfinite(proba)), proba
    assert np.all((proba >= 0) & (proba <= 1)), proba
    predicted = clf.predict(X)
    if kind == "multilabel":
        assert predicted.shape == (X.shape[0], len(clf.classes_))
        assert set(np.unique(predicted)) <= {0, 1}
    else:
        tolerance = 1e-5 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=tolerance)
        assert predicted.shape == (X.shape[0],)
        assert set(predicted.tolist()) <= set(clf.classes_.tolist())
        assert predicted.dtype == clf.classes_.dtype


def _run_quietly(call):
    """Run ``call``, letting every warning but the documented ones fail the test.

    ConvergenceWarning, and FeatureScaleWarning for the generated features far
    from unit scale.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", FeatureScaleWarning)
        return call()


@given(problem=problems())
def test_fit_succeeds_or_raises_a_documented_error(problem):
    X, y, clf, kind = problem["X"], problem["y"], problem["clf"], problem["kind"]
    note(f"X: {X.dtype} {X.shape} sparse={sparse.issparse(X)}; y: {kind} {y!r}")
    try:
        _run_quietly(lambda: clf.fit(X, y, sample_weight=problem["sample_weight"]))
    except ValueError as error:
        _assert_documented(error)
        if kind != "multilabel" and problem["sample_weight"] is None:
            # Without weights, fit can only fail for a documented reason that
            # the data shows.
            single_class = len(np.unique(y)) < 2
            assert (
                single_class
                or problem["clf"].early_stopping
                or (problem["clf"].class_weight is not None)
            ), error
        return
    if kind != "multilabel" and problem["sample_weight"] is None:
        assert len(clf.classes_) == len(np.unique(y))
    _run_quietly(lambda: _assert_valid_model(clf, X, kind))


@given(
    problem=problems(),
    n_chunks=st.integers(1, 3),
)
def test_partial_fit_streams_keep_a_valid_model(problem, n_chunks):
    X, y, clf, kind = problem["X"], problem["y"], problem["clf"], problem["kind"]
    assume(clf.class_weight != "balanced")  # refused by partial_fit, by design
    chunks = np.array_split(np.arange(X.shape[0]), n_chunks)
    weights = problem["sample_weight"]
    for i, chunk in enumerate(chunks):
        if len(chunk) == 0:
            continue
        try:
            _run_quietly(
                lambda chunk=chunk: clf.partial_fit(
                    X[chunk],
                    y[chunk],
                    classes=problem["classes"],
                    sample_weight=None if weights is None else weights[chunk],
                )
            )
        except ValueError as error:
            _assert_documented(error)
            if i == 0:
                return
            continue
        assert clf.n_iter_ <= i + 1
    _run_quietly(lambda: _assert_valid_model(clf, X, kind))


@cache
def _fitted_model(dtype, hidden_layer_sizes, output_activation, multilabel):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3)).astype(dtype)
    y = (X[:, :2] > 0).astype(int) if multilabel else (X[:, 0] > 0) + (X[:, 1] > 0)
    clf = SigmoidMLPClassifier(
        hidden_layer_sizes=hidden_layer_sizes,
        output_activation=output_activation,
        max_iter=20,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(X, y)


@st.composite
def predict_cases(draw):
    model = (
        draw(st.sampled_from([np.float64, np.float32])),
        draw(st.sampled_from([(), (3,), (4, 2)])),
        draw(st.sampled_from(["softmax", "sigmoid"])),
    )
    multilabel = model[2] == "sigmoid" and draw(st.booleans())
    magnitudes = (1.0, 1e4, 1e30, math.inf)
    X = draw(feature_matrices(draw(st.integers(1, 12)), 3, magnitudes))
    return _fitted_model(*model, multilabel), X, multilabel


def _overflow_possible(clf, X):
    """Whether some weighted input of the first layer may overflow."""
    largest = float(abs(X).max())
    dtype = np.result_type(_training_dtype(X), clf.coefs_[0].dtype)
    bound = largest * float(np.abs(clf.coefs_[0]).max()) * X.shape[1]
    return bound + float(np.abs(clf.intercepts_[0]).max()) > np.finfo(dtype).max / 2


@given(case=predict_cases())
def test_predictions_are_valid_for_any_input(case):
    clf, X, multilabel = case
    note(f"X: {X.dtype} {X.shape} max |X| {abs(X).max()}")
    try:
        proba = _run_quietly(lambda: clf.predict_proba(X))
    except ValueError as error:
        # Products that overflow to +inf and -inf in one sum may give NaN.
        assert "overflow" in str(error) and _overflow_possible(clf, X), error
        return
    expected_dtype = (
        np.float32
        if (clf.coefs_[0].dtype == np.float32 and X.dtype == np.float32)
        else np.float64
    )
    assert proba.dtype == expected_dtype
    assert np.all(np.isfinite(proba)) and np.all((proba >= 0) & (proba <= 1))
    if not multilabel:
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
        predicted = _run_quietly(lambda: clf.predict(X))
        assert set(predicted.tolist()) <= set(clf.classes_.tolist())
    assert math.isfinite(float(proba.sum()))
