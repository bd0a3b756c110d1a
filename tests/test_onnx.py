"""The ONNX graph predicts what the estimator predicts.

Every output mode is converted with ``skl2onnx.to_onnx`` and run with ONNX
Runtime on scikit-learn's digits, scaled to [0, 1]: the labels must equal
``predict`` and the probabilities must be within 1e-5 of ``predict_proba``
in float32 and within 1e-12 in float64.
"""

import importlib

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknumpynet import SigmoidMLPClassifier

reason = 'ONNX export needs its extra: pip install "sknumpynet[onnx]"'
ort = pytest.importorskip("onnxruntime", reason=reason)
skl2onnx = pytest.importorskip("skl2onnx", reason=reason)
importlib.import_module("sknumpynet.onnx")  # registers the converter

ATOL = {np.float32: 1e-5, np.float64: 1e-12}

DIGITS, DIGIT_LABELS = load_digits(return_X_y=True)
X = DIGITS / 16

# Each output mode: the estimator's parameters and the target.
MODES = {
    "softmax": ({}, DIGIT_LABELS),
    "sigmoid": ({"output_activation": "sigmoid"}, DIGIT_LABELS),
    "binary-softmax": ({}, DIGIT_LABELS % 2),
    "binary-sigmoid": ({"output_activation": "sigmoid"}, DIGIT_LABELS % 2),
    "multilabel": (
        {},
        np.column_stack(
            [DIGIT_LABELS % 2, DIGIT_LABELS >= 5, np.isin(DIGIT_LABELS, [2, 3, 5, 7])]
        ).astype(int),
    ),
}


def _net(**params):
    """A small network with two hidden layers, trained for a few epochs."""
    return SigmoidMLPClassifier(
        **{"hidden_layer_sizes": (16, 8), "max_iter": 5, "random_state": 0, **params}
    )


def _run(onx, X):
    """Run a converted model with ONNX Runtime on ``X``."""
    session = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, {session.get_inputs()[0].name: X})


def _convert_and_run(model, X, **options):
    onx = skl2onnx.to_onnx(model, X[:1], options={"zipmap": False, **options})
    return _run(onx, X)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode", MODES)
def test_graph_predicts_as_the_estimator(mode, dtype):
    params, y = MODES[mode]
    X_typed = X.astype(dtype)
    clf = _net(**params).fit(X_typed, y)

    label, proba = _convert_and_run(clf, X_typed)

    assert proba.dtype == dtype
    assert_array_equal(label, clf.predict(X_typed))
    assert_allclose(proba, clf.predict_proba(X_typed), rtol=0, atol=ATOL[dtype])


@pytest.mark.parametrize(
    "mode, labels",
    [
        ("softmax", np.array([f"digit {d}" for d in range(10)])),
        ("binary-sigmoid", np.array(["even", "odd"])),
        ("binary-softmax", np.array([False, True])),
        ("sigmoid", np.arange(10, dtype=float) - 4.0),
    ],
)
def test_labels_of_any_type(mode, labels):
    params, y = MODES[mode]
    clf = _net(**params).fit(X, labels[y])

    label, _ = _convert_and_run(clf, X)

    assert_array_equal(label, clf.predict(X))
    assert label.dtype == (object if labels.dtype.kind == "U" else np.int64)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pipeline_with_a_scaler(dtype):
    X_raw = DIGITS.astype(dtype)
    pipe = make_pipeline(StandardScaler(), _net()).fit(X_raw, DIGIT_LABELS)

    onx = skl2onnx.to_onnx(
        pipe, X_raw[:1], options={SigmoidMLPClassifier: {"zipmap": False}}
    )
    label, proba = _run(onx, X_raw)

    assert_array_equal(label, pipe.predict(X_raw))
    assert_allclose(proba, pipe.predict_proba(X_raw), rtol=0, atol=ATOL[dtype])


def test_zipmap_gives_one_dict_of_probabilities_per_sample():
    X32 = X.astype(np.float32)
    clf = _net().fit(X32, DIGIT_LABELS)

    label, proba = _run(skl2onnx.to_onnx(clf, X32[:1]), X32[:3])

    assert_array_equal(label, clf.predict(X32[:3]))
    assert [sorted(row) for row in proba] == [list(clf.classes_)] * 3
    assert_allclose(
        [list(row.values()) for row in proba],
        clf.predict_proba(X32[:3]),
        rtol=0,
        atol=ATOL[np.float32],
    )


def test_float64_model_in_a_float32_graph():
    clf = _net().fit(X, DIGIT_LABELS)
    X32 = X.astype(np.float32)

    label, proba = _convert_and_run(clf, X32)

    assert_array_equal(label, clf.predict(X32))
    assert_allclose(proba, clf.predict_proba(X32), rtol=0, atol=ATOL[np.float32])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_outputs_that_all_underflow_still_sum_to_one(dtype):
    # Logits near -1000 make every sigmoid output 0 in floating point, so the
    # normalised probabilities are only defined by the limit predict_proba takes.
    X_typed = X.astype(dtype)
    clf = _net(output_activation="sigmoid").fit(X_typed, DIGIT_LABELS)
    clf.intercepts_[-1] -= 1000

    label, proba = _convert_and_run(clf, X_typed)

    assert_array_equal(label, clf.predict(X_typed))
    assert_allclose(proba, clf.predict_proba(X_typed), rtol=0, atol=ATOL[dtype])
    assert_allclose(proba.sum(axis=1), 1, atol=ATOL[dtype])


def test_unfitted_estimator_is_refused():
    with pytest.raises(NotFittedError, match="SigmoidMLPClassifier"):
        skl2onnx.to_onnx(_net(), X[:1])


def test_integer_input_is_refused_with_the_fix():
    clf = _net().fit(X, DIGIT_LABELS)
    with pytest.raises(TypeError, match=r"float32 or float64 input.*astype"):
        skl2onnx.to_onnx(clf, DIGITS[:1].astype(np.int64))


def test_labels_beyond_int64_are_refused():
    labels = np.array([2**63, 2**63 + 2048], dtype=np.uint64)
    clf = _net().fit(X, labels[DIGIT_LABELS % 2])
    with pytest.raises(ValueError, match="int64 cannot hold"):
        skl2onnx.to_onnx(clf, X[:1])
