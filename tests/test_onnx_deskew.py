"""The ONNX graph of Deskew deskews as ``transform`` does.

Converted with ``skl2onnx.to_onnx`` and run with ONNX Runtime, alone and
before a classifier, on images that take every path of the transform: slanted
and upright strokes, a blank image, ink in one row, and shears that push ink
out of the image.
"""

import importlib

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits
from sklearn.pipeline import make_pipeline
from sklearn.svm import SVC

from sknumpynet import SigmoidMLPClassifier
from sknumpynet.preprocessing import Deskew

reason = 'ONNX export needs its extra: pip install "sknumpynet[onnx]"'
ort = pytest.importorskip("onnxruntime", reason=reason)
skl2onnx = pytest.importorskip("skl2onnx", reason=reason)
importlib.import_module("sknumpynet.onnx")  # registers the converters

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ATOL = {np.float32: 1e-5, np.float64: 1e-12}

DIGITS, DIGIT_LABELS = load_digits(return_X_y=True)
SLOPES = [-1.5, -0.6, -0.2, 0.0, 0.3, 0.8, 0.5]


def _strokes():
    """28 x 28 images: strokes of many slants, one row, blank, ink sheared out."""
    rng = np.random.default_rng(0)
    rows = np.arange(4, 24)
    images = np.zeros((9, 28, 28))
    for image, slope in zip(images[:7], SLOPES, strict=True):
        cols = np.clip(np.round(13.5 + slope * (rows - 13.5)), 0, 27).astype(int)
        image[rows, cols] = rng.random(len(rows))
    images[6, 26, :] = 1.0  # a full bottom row: the shear pushes part of it out
    images[7, 9, 3:20] = 1.0  # ink in one row: no skew to remove
    return images.reshape(len(images), -1)  # images[8] is blank


def _run(model, X, options=None):
    onx = skl2onnx.to_onnx(model, X[:1], options=options)
    session = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, {session.get_inputs()[0].name: X})


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_graph_deskews_as_transform(dtype):
    X = np.concatenate([_strokes(), np.random.default_rng(1).random((4, 784))])
    X = X.astype(dtype)
    deskew = Deskew().fit(X)

    (X_deskewed,) = _run(deskew, X)

    assert X_deskewed.dtype == dtype
    assert_allclose(X_deskewed, deskew.transform(X), rtol=0, atol=ATOL[dtype])


# skl2onnx's SVC converter reads probA_ and probB_, which scikit-learn 1.9
# deprecates.
@pytest.mark.filterwarnings("ignore:Attribute `prob[AB]_` was deprecated:FutureWarning")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pipelines_before_the_network_and_svc_predict_as_scikit_learn(dtype):
    X, y = (DIGITS[:400] / 16).astype(dtype), DIGIT_LABELS[:400]
    classifiers = [
        SigmoidMLPClassifier(hidden_layer_sizes=(16,), max_iter=5, random_state=0),
        SVC(),
    ]
    for classifier in classifiers:
        model = make_pipeline(Deskew(image_shape=(8, 8)), classifier).fit(X, y)
        # ZipMap, skl2onnx's default last node of a classifier, takes float32 only.
        label, *_ = _run(model, X, options={id(classifier): {"zipmap": False}})
        assert_array_equal(label, model.predict(X))


def test_conversion_refuses_rows_that_are_not_images_of_image_shape():
    with pytest.raises(ValueError, match=r"image_shape=\(28, 28\)") as error:
        skl2onnx.to_onnx(Deskew(), DIGITS[:1].astype(np.float32))
    assert "64 features" in str(error.value)


def test_conversion_refuses_integer_input():
    with pytest.raises(TypeError, match="float32 or float64"):
        skl2onnx.to_onnx(Deskew(image_shape=(8, 8)), DIGITS[:1].astype(np.int64))
