"""The Displays of sknumpynet.inspection draw what the estimator learned."""

import json
import subprocess
import sys

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import NotFittedError
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from sknumpynet import SigmoidMLPClassifier
from sknumpynet.inspection import HiddenUnitsDisplay, TrainingCurveDisplay

plt = pytest.importorskip("matplotlib.pyplot")
pytestmark = pytest.mark.usefixtures("close_figures")


def _fit(X, y, **fit_params):
    clf = SigmoidMLPClassifier(hidden_layer_sizes=(10,), max_iter=4, random_state=0)
    return clf.fit(X, y, **fit_params)


@pytest.fixture(scope="module")
def clf_with_val(digits):
    X_train, X_val, y_train, y_val = digits
    return _fit(X_train, y_train, X_val=X_val, y_val=y_val)


@pytest.fixture(scope="module")
def clf_without_val(digits):
    X_train, _, y_train, _ = digits
    return _fit(X_train, y_train)


def _column(history, key):
    return [epoch[key] for epoch in history]


# ------------------------------------------------------------ TrainingCurveDisplay


def test_training_curves_hold_the_history_with_validation(clf_with_val):
    history = clf_with_val.history_
    display = TrainingCurveDisplay.from_estimator(clf_with_val)

    assert set(display.lines_) == {
        "train_loss",
        "val_loss",
        "train_accuracy",
        "val_accuracy",
    }
    for key, line in display.lines_.items():
        np.testing.assert_array_equal(line.get_ydata(), _column(history, key))
        np.testing.assert_array_equal(line.get_xdata(), _column(history, "epoch"))
    loss_ax, accuracy_ax = display.axes_
    assert loss_ax.get_ylabel() == "Loss"
    assert accuracy_ax.get_ylabel() == "Accuracy"
    assert display.lines_["train_loss"].axes is loss_ax
    assert display.lines_["val_accuracy"].axes is accuracy_ax
    # Loss left, accuracy right, on one figure.
    assert loss_ax.get_position().x0 < accuracy_ax.get_position().x0
    assert display.figure_ is loss_ax.figure is accuracy_ax.figure
    # The validation line is dashed, in its training line's colour.
    train, val = display.lines_["train_loss"], display.lines_["val_loss"]
    assert val.get_linestyle() == "--"
    assert val.get_color() == train.get_color()
    display.figure_.canvas.draw()


def test_training_curves_without_validation_draw_no_validation_line(
    clf_without_val,
):
    display = TrainingCurveDisplay.from_estimator(clf_without_val)

    assert set(display.lines_) == {"train_loss", "train_accuracy"}
    np.testing.assert_array_equal(
        display.lines_["train_loss"].get_ydata(), clf_without_val.loss_curve_
    )
    assert len(display.axes_) == 2
    labels = [text.get_text() for text in display.axes_[0].get_legend().get_texts()]
    assert labels == ["training"]


def test_training_curves_of_a_pipeline_are_those_of_its_last_step(digits):
    X_train, _, y_train, _ = digits
    clf = SigmoidMLPClassifier(
        hidden_layer_sizes=(10,), max_iter=3, early_stopping=True, random_state=0
    )
    pipe = make_pipeline(MinMaxScaler(), clf)
    pipe.fit(X_train, y_train)

    display = TrainingCurveDisplay.from_estimator(pipe)

    # early_stopping holds out validation data: its curves are drawn too.
    np.testing.assert_array_equal(
        display.lines_["train_loss"].get_ydata(), pipe[-1].loss_curve_
    )
    np.testing.assert_array_equal(
        display.lines_["val_accuracy"].get_ydata(), pipe[-1].validation_scores_
    )


def test_training_curves_need_a_fitted_estimator_with_a_history(digits):
    X_train, _, y_train, _ = digits
    for unfitted in (
        SigmoidMLPClassifier(),
        make_pipeline(MinMaxScaler(), SigmoidMLPClassifier()),
    ):
        with pytest.raises(NotFittedError):
            TrainingCurveDisplay.from_estimator(unfitted)
    dummy = DummyClassifier().fit(X_train, y_train)
    with pytest.raises(TypeError, match=r"history_.*DummyClassifier"):
        TrainingCurveDisplay.from_estimator(dummy)


def test_training_curves_from_a_saved_history(clf_with_val, tmp_path):
    path = tmp_path / "history.json"
    path.write_text(json.dumps(clf_with_val.history_))
    history = json.loads(path.read_text())

    from_list = TrainingCurveDisplay.from_history(history)
    expected = TrainingCurveDisplay.from_estimator(clf_with_val)

    assert set(from_list.lines_) == set(expected.lines_)
    for key, line in from_list.lines_.items():
        np.testing.assert_array_equal(
            line.get_xydata(), expected.lines_[key].get_xydata()
        )


def test_training_curves_from_a_dataframe(clf_without_val):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(clf_without_val.history_)

    display = TrainingCurveDisplay.from_history(frame)
    by_hand = TrainingCurveDisplay(
        epochs=frame["epoch"],
        train_loss=frame["train_loss"],
        train_accuracy=frame.get("train_accuracy"),
        val_loss=frame.get("val_loss"),
        val_accuracy=frame.get("val_accuracy"),
    ).plot()

    assert (
        set(display.lines_) == set(by_hand.lines_) == {"train_loss", "train_accuracy"}
    )
    for key, line in display.lines_.items():
        np.testing.assert_array_equal(line.get_ydata(), frame[key])
        np.testing.assert_array_equal(by_hand.lines_[key].get_ydata(), frame[key])


def test_history_without_train_loss_is_refused():
    with pytest.raises(ValueError, match="train_loss"):
        TrainingCurveDisplay.from_history([{"epoch": 1, "val_loss": 0.3}])


def test_training_curves_from_arrays_draw_only_what_is_given():
    display = TrainingCurveDisplay(train_loss=[3.0, 2.0, 1.5, 1.4]).plot()

    assert list(display.lines_) == ["train_loss"]
    assert display.axes_.shape == (1,)
    np.testing.assert_array_equal(
        display.lines_["train_loss"].get_xydata(),
        [[1, 3.0], [2, 2.0], [3, 1.5], [4, 1.4]],
    )
    assert display.axes_[0].get_xlabel() == "Epoch"


def test_runs_drawn_on_the_same_axes_are_told_apart_by_name():
    first = TrainingCurveDisplay(
        train_loss=[1.0, 0.5], val_accuracy=[0.5, 0.6], name="alpha=0"
    ).plot()
    second = TrainingCurveDisplay(
        train_loss=[1.2, 0.7], val_accuracy=[0.6, 0.8], name="alpha=5"
    ).plot(ax=first.axes_)

    assert second.figure_ is first.figure_
    labels = [text.get_text() for text in first.axes_[0].get_legend().get_texts()]
    assert labels == ["alpha=0 (training)", "alpha=5 (training)"]
    assert len(first.axes_[1].get_lines()) == 2
    # Each run keeps its colour from one axes to the next.
    assert (
        second.lines_["train_loss"].get_color()
        != first.lines_["train_loss"].get_color()
    )


def test_metrics_choose_and_order_the_axes():
    display = TrainingCurveDisplay(
        train_loss=[1.0, 0.5], train_accuracy=[0.5, 0.7]
    ).plot(metrics=["accuracy", "loss"])
    assert [ax.get_ylabel() for ax in display.axes_] == ["Accuracy", "Loss"]

    _, ax = plt.subplots()
    display = TrainingCurveDisplay(
        train_loss=[1.0, 0.5], train_accuracy=[0.5, 0.7]
    ).plot(metrics="accuracy", ax=ax)
    assert list(display.lines_) == ["train_accuracy"]
    assert display.axes_[0] is ax


def test_style_keywords_reach_the_lines():
    display = TrainingCurveDisplay(train_loss=[1.0, 0.5], val_loss=[1.1, 0.8]).plot(
        train_kw={"c": "black", "lw": 3}, val_kw={"ls": ":"}
    )
    assert display.lines_["train_loss"].get_linewidth() == 3
    assert display.lines_["val_loss"].get_linestyle() == ":"
    assert display.lines_["val_loss"].get_color() == "black"


@pytest.mark.parametrize(
    "arrays, plot_params, match",
    [
        ({"train_loss": [1.0, 0.5], "val_loss": [1.0]}, {}, "val_loss .*2 values"),
        ({"train_loss": [1.0, 0.5], "epochs": [1, 2, 3]}, {}, "epochs"),
        ({"train_loss": [1.0, 0.5]}, {"metrics": ["accuracy"]}, "no accuracy"),
        ({"train_loss": [1.0, 0.5]}, {"metrics": ["loss", "loss"]}, "at most once"),
        ({"train_loss": [1.0, 0.5]}, {"metrics": ["score"]}, "'loss' and/or"),
    ],
)
def test_training_curves_reject_inconsistent_input(arrays, plot_params, match):
    with pytest.raises(ValueError, match=match):
        TrainingCurveDisplay(**arrays).plot(**plot_params)


def test_ax_must_hold_one_axes_per_metric_or_be_one_axes_to_split():
    display = TrainingCurveDisplay(train_loss=[1.0, 0.5], train_accuracy=[0.1, 0.2])
    _, axes = plt.subplots(1, 3)
    with pytest.raises(ValueError, match=r"one Axes per metric drawn \(2: loss, acc"):
        display.plot(ax=axes)
    _, ax = plt.subplots()
    display.plot(ax=ax)
    assert display.bounding_ax_ is ax and not ax.axison
    assert [axis.get_ylabel() for axis in display.axes_] == ["Loss", "Accuracy"]
    assert set(display.axes_) == set(ax.figure.axes) - {ax}
    with pytest.raises(ValueError, match="axes_"):
        display.plot(ax=ax)  # already split


# ------------------------------------------------------------- HiddenUnitsDisplay


def test_hidden_units_are_the_reshaped_first_layer_weights(clf_without_val):
    weights = clf_without_val.coefs_[0]
    display = HiddenUnitsDisplay.from_estimator(clf_without_val, image_shape=(8, 8))

    assert display.images_.shape == (10,)
    assert display.axes_.shape == (3, 4)
    for k, image in enumerate(display.images_):
        np.testing.assert_array_equal(image.get_array(), weights[:, k].reshape(8, 8))
        # "unit": each neuron on its own scale, symmetric around 0.
        limit = np.abs(weights[:, k]).max()
        assert image.get_clim() == pytest.approx((-limit, limit))
        assert image.axes is display.axes_.flat[k]
    assert all(not ax.axison for ax in display.axes_.flat[10:])
    assert display.figure_ is display.axes_[0, 0].figure
    display.figure_.canvas.draw()


def test_hidden_units_global_and_fixed_colour_scales(clf_without_val):
    weights = clf_without_val.coefs_[0]

    display = HiddenUnitsDisplay.from_estimator(
        clf_without_val, image_shape=(8, 8), n_units=3, vmax="global"
    )
    limit = np.abs(weights[:, :3]).max()
    assert {image.get_clim() for image in display.images_} == {(-limit, limit)}

    display = HiddenUnitsDisplay.from_estimator(
        clf_without_val, image_shape=(8, 8), n_units=3, vmax=0.5
    )
    assert {image.get_clim() for image in display.images_} == {(-0.5, 0.5)}


def test_hidden_units_split_a_single_axes_into_a_grid(clf_without_val):
    _, ax = plt.subplots()
    display = HiddenUnitsDisplay.from_estimator(
        clf_without_val, image_shape=(8, 8), n_units=5, n_cols=3, ax=ax
    )
    assert display.bounding_ax_ is ax and not ax.axison
    assert display.axes_.shape == (2, 3)
    assert set(display.axes_.flat) == set(ax.figure.axes) - {ax}
    assert not display.axes_[1, 2].axison  # the sixth cell holds no neuron


def test_n_units_draws_the_first_units_on_the_given_axes(clf_without_val):
    _, axes = plt.subplots(2, 3)
    display = HiddenUnitsDisplay.from_estimator(
        clf_without_val, image_shape=(8, 8), n_units=5, ax=axes
    )

    assert display.images_.shape == (5,)
    assert display.axes_.shape == (2, 3)
    np.testing.assert_array_equal(
        display.images_[4].get_array(), clf_without_val.coefs_[0][:, 4].reshape(8, 8)
    )
    assert display.images_[4].axes is axes[1, 1]
    assert not axes[1, 2].images


def test_hidden_units_of_a_pipeline_are_those_of_its_last_step(digits):
    X_train, _, y_train, _ = digits
    clf = SigmoidMLPClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    pipe = make_pipeline(MinMaxScaler(), clf)
    pipe.fit(X_train, y_train)

    display = HiddenUnitsDisplay.from_estimator(pipe, image_shape=(8, 8))

    np.testing.assert_array_equal(
        display.images_[3].get_array(), pipe[-1].coefs_[0][:, 3].reshape(8, 8)
    )


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_hidden_units_of_scikit_learns_mlp(digits):
    X_train, _, y_train, _ = digits
    mlp = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    mlp.fit(X_train, y_train)

    display = HiddenUnitsDisplay.from_estimator(mlp, image_shape=(8, 8))

    np.testing.assert_array_equal(
        display.images_[2].get_array(), mlp.coefs_[0][:, 2].reshape(8, 8)
    )


def test_hidden_units_need_a_fitted_network(digits):
    for unfitted in (
        SigmoidMLPClassifier(),
        make_pipeline(MinMaxScaler(), SigmoidMLPClassifier()),
    ):
        with pytest.raises(NotFittedError):
            HiddenUnitsDisplay.from_estimator(unfitted)
    X_train, _, y_train, _ = digits
    dummy = DummyClassifier().fit(X_train, y_train)
    with pytest.raises(TypeError, match=r"coefs_.*DummyClassifier"):
        HiddenUnitsDisplay.from_estimator(dummy, image_shape=(8, 8))


def test_image_shape_must_match_the_number_of_features(clf_without_val):
    # The default is MNIST's 28 x 28, but the digits are 8 x 8.
    with pytest.raises(
        ValueError,
        match=r"HiddenUnitsDisplay.*\(28, 28\) has 784 pixels.* 64 features.*\(8, 8\)",
    ):
        HiddenUnitsDisplay.from_estimator(clf_without_val)
    with pytest.raises(ValueError, match="two positive ints"):
        HiddenUnitsDisplay.from_estimator(clf_without_val, image_shape=(8, 8, 1))


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_units": 0}, "between 1 and the 10 neurons"),
        ({"n_units": 11}, "between 1 and the 10 neurons"),
        ({"vmax": "max"}, "vmax must be"),
        ({"vmax": -1.0}, "vmax must be"),
        ({"n_cols": 0}, "n_cols"),
    ],
)
def test_hidden_units_reject_bad_parameters(clf_without_val, params, match):
    with pytest.raises(ValueError, match=match):
        HiddenUnitsDisplay.from_estimator(clf_without_val, image_shape=(8, 8), **params)


def test_hidden_units_need_one_axes_per_neuron(clf_without_val):
    _, axes = plt.subplots(2, 2)
    with pytest.raises(ValueError, match=r"at least one Axes per neuron \(10\)"):
        HiddenUnitsDisplay.from_estimator(clf_without_val, image_shape=(8, 8), ax=axes)


def test_hidden_units_from_arrays_need_a_stack_of_images():
    with pytest.raises(ValueError, match=r"\(n_units, height, width\)"):
        HiddenUnitsDisplay(np.zeros((3, 64))).plot()
    # A neuron whose weights are all zero is drawn, white, without a warning.
    display = HiddenUnitsDisplay(np.zeros((1, 2, 2))).plot()
    assert display.images_[0].get_clim() == (-1.0, 1.0)


# ------------------------------------------------------------------- matplotlib


def test_importing_needs_no_matplotlib_and_plotting_says_what_is_missing():
    code = (
        "import sys\n"
        "sys.modules['matplotlib'] = None\n"
        "from sknumpynet.inspection import TrainingCurveDisplay\n"
        "try:\n"
        "    TrainingCurveDisplay(train_loss=[1.0]).plot()\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "TrainingCurveDisplay.plot requires matplotlib" in result.stdout
