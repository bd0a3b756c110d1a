"""ImagePredictionsDisplay draws test images with the top guesses, mistakes first."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from sknumpynet import SigmoidMLPClassifier
from sknumpynet.inspection import ImagePredictionsDisplay

plt = pytest.importorskip("matplotlib.pyplot")
to_rgba = pytest.importorskip("matplotlib.colors").to_rgba
pytestmark = pytest.mark.usefixtures("close_figures")


@pytest.fixture(scope="module")
def clf(digits):
    X_train, _, y_train, _ = digits
    return LogisticRegression(max_iter=1000).fit(X_train, y_train)


@pytest.fixture(scope="module")
def test_proba(clf, digits):
    _, X_test, _, _ = digits
    return clf.predict_proba(X_test)


def _draw(clf, digits, **params):
    _, X_test, _, y_test = digits
    return ImagePredictionsDisplay.from_estimator(
        clf, X_test, y_test, **{"image_shape": (8, 8), **params}
    )


def test_mistakes_come_first_most_confident_first(clf, digits, test_proba):
    _, _, _, y_test = digits
    predicted = clf.classes_[test_proba.argmax(axis=1)]
    mistakes = np.flatnonzero(predicted != y_test)
    right = np.flatnonzero(predicted == y_test)
    assert 3 <= len(mistakes) < 30

    display = _draw(clf, digits, n_images=len(mistakes) + 3)

    n_mistakes = len(mistakes)
    np.testing.assert_array_equal(display.is_mistake, [True] * n_mistakes + [False] * 3)
    assert set(display.indices[:n_mistakes]) == set(mistakes)
    confidence = test_proba[display.indices[:n_mistakes]].max(axis=1)
    assert np.all(np.diff(confidence) <= 0)
    np.testing.assert_array_equal(display.top_proba[:n_mistakes, 0], confidence)
    # The right answers follow in their order in the data.
    np.testing.assert_array_equal(display.indices[n_mistakes:], right[:3])


def test_top_guesses_are_the_most_probable_classes(clf, digits, test_proba):
    _, X_test, _, y_test = digits
    display = _draw(clf, digits, n_images=6, n_top=4, mistakes_first=False)

    order = np.argsort(test_proba[:6], axis=1)[:, ::-1][:, :4]
    np.testing.assert_array_equal(display.indices, np.arange(6))
    np.testing.assert_array_equal(display.top_classes, clf.classes_[order])
    np.testing.assert_allclose(
        display.top_proba, np.take_along_axis(test_proba[:6], order, axis=1)
    )
    np.testing.assert_array_equal(display.y_true, y_test[:6])
    np.testing.assert_array_equal(
        display.is_mistake, clf.predict(X_test[:6]) != y_test[:6]
    )
    for k in range(6):
        np.testing.assert_array_equal(
            display.images_[k].get_array(), X_test[k].reshape(8, 8)
        )
        widths = [bar.get_width() for bar in display.bars_[k]]
        np.testing.assert_allclose(widths, display.top_proba[k])
        labels = [tick.get_text() for tick in display.axes_[k, 1].get_yticklabels()]
        assert labels == [str(label) for label in display.top_classes[k]]


def test_from_estimator_equals_from_predictions(clf, digits, test_proba):
    _, X_test, _, y_test = digits
    from_estimator = _draw(clf, digits, n_images=4, n_top=2)
    from_predictions = ImagePredictionsDisplay.from_predictions(
        y_test,
        test_proba,
        X_test.reshape(-1, 8, 8),
        classes=clf.classes_,
        n_images=4,
        n_top=2,
    )

    for name in ("indices", "images", "y_true", "top_classes", "top_proba"):
        np.testing.assert_array_equal(
            getattr(from_estimator, name), getattr(from_predictions, name)
        )


def test_grid_holds_an_image_and_its_bars_per_image(clf, digits):
    display = _draw(clf, digits, n_images=7, n_cols=3)

    # 3 rows of 3 cells: the 2 cells left over are removed.
    assert display.axes_.shape == (7, 2)
    assert len(display.figure_.axes) == 14
    assert sum(bool(ax.images) for ax in display.figure_.axes) == 7
    for k in range(7):
        image_ax, bar_ax = display.axes_[k]
        assert display.images_[k].axes is image_ax
        assert display.bars_[k][0].axes is bar_ax
        assert image_ax.get_title() == str(display.y_true[k])
    # Row by row: the fourth image starts the second row.
    first, fourth = (
        display.axes_[0, 0].get_position(),
        display.axes_[3, 0].get_position(),
    )
    assert fourth.x0 == pytest.approx(first.x0)
    assert fourth.y0 < first.y0
    display.figure_.canvas.draw()


def test_colours_tell_the_true_class_and_the_mistakes(clf, digits):
    display = _draw(clf, digits, n_images=4)
    assert display.is_mistake[0]

    green, red, grey = (to_rgba(c) for c in ("tab:green", "tab:red", "tab:gray"))
    for k in range(4):
        expected = [
            green if label == display.y_true[k] else red if i == 0 else grey
            for i, label in enumerate(display.top_classes[k])
        ]
        assert [bar.get_facecolor() for bar in display.bars_[k]] == expected
        frame = display.axes_[k, 0].spines["left"].get_edgecolor()
        assert (frame == red) == display.is_mistake[k]


def test_a_pipeline_draws_the_images_as_given(digits):
    X_train, X_test, y_train, y_test = digits
    names = np.array(["zero", "one", "two", "three", "four", *"56789"])
    pipe = make_pipeline(
        StandardScaler(),
        SigmoidMLPClassifier(hidden_layer_sizes=(10,), max_iter=3, random_state=0),
    )
    pipe.fit(X_train * 16, names[y_train])

    display = ImagePredictionsDisplay.from_estimator(
        pipe, X_test * 16, names[y_test], image_shape=(8, 8), n_images=3
    )

    rows = display.indices
    np.testing.assert_array_equal(display.images, (X_test[rows] * 16).reshape(-1, 8, 8))
    np.testing.assert_array_equal(display.y_true, names[y_test[rows]])
    assert set(display.top_classes.ravel()) <= set(names)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_images": 0}, r"n_images must be an int between 1 and the 450 images"),
        ({"n_images": 451}, r"n_images must be an int between 1 and the 450 images"),
        ({"n_images": 2.0}, "n_images must be an int"),
        ({"n_top": 0}, r"n_top must be an int between 1 and the 10 classes"),
        ({"n_top": 11}, r"n_top must be an int between 1 and the 10 classes"),
        ({"n_images": 2, "n_cols": 0}, "n_cols must be a positive int"),
    ],
)
def test_out_of_range_counts_are_refused(clf, digits, params, match):
    with pytest.raises(ValueError, match=match):
        _draw(clf, digits, **params)


def test_image_shape_must_match_the_number_of_features(clf, digits):
    _, X_test, _, y_test = digits
    # The default is MNIST's 28 x 28, but the digits are 8 x 8.
    with pytest.raises(
        ValueError,
        match=r"ImagePredictionsDisplay.*\(28, 28\) has 784 pixels.* X has 64 features",
    ):
        ImagePredictionsDisplay.from_estimator(clf, X_test, y_test)
    with pytest.raises(ValueError, match="two positive ints"):
        _draw(clf, digits, image_shape=(8, 8, 1))


def test_estimator_must_be_a_fitted_classifier_with_probabilities(digits):
    X_train, _, y_train, _ = digits
    with pytest.raises(NotFittedError):
        _draw(LogisticRegression(), digits)
    for estimator in (SVC(), LinearRegression()):
        estimator.fit(X_train[:200], y_train[:200])
        with pytest.raises(
            TypeError, match=f"predict_proba.*{type(estimator).__name__}"
        ):
            _draw(estimator, digits)


@pytest.mark.parametrize(
    "y_true, y_proba, images, classes, match",
    [
        ([0, 1], [[0.9, 0.1]] * 2, np.zeros((2, 4)), [0, 1], r"\(n_samples, height"),
        ([0, 1], [[0.9, 0.1]] * 2, np.zeros((3, 2, 2)), [0, 1], "inconsistent"),
        ([0, 1], [[0.9, 0.1]] * 2, np.zeros((2, 2, 2)), [0, 1, 2], "2 columns"),
        (["0", "1"], [[0.9, 0.1]] * 2, np.zeros((2, 2, 2)), [0, 1], "strings"),
        ([[0, 1], [1, 0]], [[0.9, 0.1]] * 2, np.zeros((2, 2, 2)), [0, 1], "1-d"),
    ],
)
def test_inconsistent_predictions_are_refused(y_true, y_proba, images, classes, match):
    with pytest.raises(ValueError, match=match):
        ImagePredictionsDisplay.from_predictions(
            y_true, y_proba, images, classes=classes, n_images=1, n_top=1
        )


def test_constructor_arrays_must_agree():
    display = ImagePredictionsDisplay(
        np.zeros((2, 3, 3)), [1, 2], [[1, 0]], [[0.6, 0.4]]
    )
    with pytest.raises(ValueError, match="one row for each of the 2 images"):
        display.plot()


def test_a_single_axes_is_split_into_the_grid_and_style_keywords_apply(clf, digits):
    fig = plt.figure()
    left, right = fig.subfigures(1, 2)
    ax = right.subplots()
    display = _draw(
        clf,
        digits,
        n_images=2,
        ax=ax,
        im_kw={"cmap": "viridis"},
        bar_kw={"color": "black"},
    )

    assert display.figure_ is right
    assert display.bounding_ax_ is ax and not ax.axison
    assert set(display.axes_.ravel()) == set(right.axes) - {ax}
    assert not left.axes
    assert display.images_[0].get_cmap().name == "viridis"
    assert {bar.get_facecolor() for bar in display.bars_[1]} == {to_rgba("black")}


def test_an_array_of_axes_is_used_in_pairs(clf, digits):
    _, axes = plt.subplots(2, 4)
    display = _draw(clf, digits, n_images=4, ax=axes)

    np.testing.assert_array_equal(display.axes_, axes.reshape(4, 2))
    assert display.bounding_ax_ is None
    assert display.images_[1].axes is axes[0, 2]
    with pytest.raises(ValueError, match=r"two Axes per image.*\(6 for 3 images\)"):
        _draw(clf, digits, n_images=3, ax=axes)


def test_without_matplotlib_plotting_says_what_is_missing():
    code = (
        "import sys\n"
        "sys.modules['matplotlib'] = None\n"
        "import numpy as np\n"
        "from sknumpynet.inspection import ImagePredictionsDisplay as D\n"
        "display = D(np.zeros((1, 2, 2)), [1], [[0, 1]], [[0.7, 0.3]])\n"
        "print(display.is_mistake)\n"
        "for draw in (display.plot, lambda: D.from_predictions(\n"
        "        [1], [[0.7, 0.3]], np.zeros((1, 2, 2)), classes=[0, 1])):\n"
        "    try:\n"
        "        draw()\n"
        "    except ImportError as error:\n"
        "        print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "[ True]"
    assert "ImagePredictionsDisplay.plot requires matplotlib" in lines[1]
    assert "ImagePredictionsDisplay.from_predictions requires matplotlib" in lines[2]
