"""Watching training: validation data, the per-epoch history, verbose and callbacks."""

import re
import warnings

import numpy as np
import pytest
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.fixes import parse_version

from sknumpynet import SigmoidMLPClassifier

SKLEARN_VERSION = parse_version(sklearn.__version__).release
needs_callbacks = pytest.mark.skipif(
    SKLEARN_VERSION < (1, 9), reason="sklearn.callback is new in scikit-learn 1.9"
)

HISTORY_KEYS = ["epoch", "train_loss", "train_accuracy", "learning_rate", "seconds"]
VALIDATION_KEYS = ["val_loss", "val_accuracy"]


def test_history_has_one_record_per_epoch(digits):
    X, X_val, y, y_val = digits
    clf = SigmoidMLPClassifier(max_iter=4, random_state=0).fit(X, y)
    assert clf.n_iter_ == len(clf.history_) == len(clf.loss_curve_) == 4
    assert [record["epoch"] for record in clf.history_] == [1, 2, 3, 4]
    assert all(list(record) == HISTORY_KEYS for record in clf.history_)
    assert [r["train_loss"] for r in clf.history_] == clf.loss_curve_
    assert clf.validation_loss_curve_ is None
    assert clf.validation_scores_ is None

    # partial_fit and warm_start go on counting the same epochs in history_;
    # n_iter_ counts those of the last fit, as in MLPClassifier.
    clf.partial_fit(X, y)
    assert clf.n_iter_ == len(clf.history_) == len(clf.loss_curve_) == 5
    clf.set_params(warm_start=True, max_iter=2)
    clf.fit(X, y, X_val=X_val, y_val=y_val)
    assert clf.n_iter_ == 2 and len(clf.history_) == 7
    assert [r["epoch"] for r in clf.history_] == list(range(1, 8))
    # Validation curves belong to the last call to fit.
    assert len(clf.validation_loss_curve_) == len(clf.validation_scores_) == 2
    assert list(clf.history_[-1]) == HISTORY_KEYS[:3] + VALIDATION_KEYS + [
        "learning_rate",
        "seconds",
    ]


def test_history_becomes_a_dataframe(digits):
    pd = pytest.importorskip("pandas")
    X, X_val, y, y_val = digits
    clf = SigmoidMLPClassifier(max_iter=3, random_state=0).fit(
        X, y, X_val=X_val, y_val=y_val
    )
    frame = pd.DataFrame(clf.history_)
    assert frame.shape == (3, 7)
    np.testing.assert_array_equal(frame["val_accuracy"], clf.validation_scores_)
    assert (frame["seconds"] > 0).all()
    assert frame["learning_rate"].iloc[0] == clf.learning_rate_init
    assert frame["learning_rate"].is_monotonic_decreasing  # the cosine schedule


def test_validation_loss_and_accuracy_are_measured_on_X_val(digits):
    X, X_val, y, y_val = digits
    clf = SigmoidMLPClassifier(max_iter=3, alpha=2.0, random_state=0)
    clf.fit(X, y, X_val=X_val, y_val=y_val)
    last = clf.history_[-1]
    squared_weights = sum(float((w**2).sum()) for w in clf.coefs_)
    penalty = clf.alpha / (2 * len(X)) * squared_weights
    expected_loss = log_loss(y_val, clf.predict_proba(X_val)) + penalty
    assert last["val_loss"] == pytest.approx(expected_loss, rel=1e-6)
    assert clf.validation_loss_curve_[-1] == last["val_loss"]
    assert last["val_accuracy"] == pytest.approx(clf.score(X_val, y_val))
    # X_val is monitored, not trained on: the weights match a fit without it.
    plain = SigmoidMLPClassifier(max_iter=3, alpha=2.0, random_state=0).fit(X, y)
    for with_val, without in zip(clf.coefs_, plain.coefs_, strict=True):
        np.testing.assert_array_equal(with_val, without)


def test_sample_weight_val_weighs_the_validation_samples(digits):
    X, X_val, y, y_val = digits
    weight = np.zeros(len(y_val))
    weight[:100] = 1.0
    params = dict(max_iter=2, random_state=0)
    weighted = SigmoidMLPClassifier(**params).fit(
        X, y, X_val=X_val, y_val=y_val, sample_weight_val=weight
    )
    subset = SigmoidMLPClassifier(**params).fit(
        X, y, X_val=X_val[:100], y_val=y_val[:100]
    )
    np.testing.assert_allclose(
        weighted.validation_loss_curve_, subset.validation_loss_curve_, rtol=1e-12
    )
    np.testing.assert_allclose(
        weighted.validation_scores_, subset.validation_scores_, rtol=1e-12
    )


def test_train_accuracy_is_that_of_the_weights_each_batch_saw(digits):
    # One full batch per epoch: epoch 2 predicts with the weights after epoch 1.
    X, _, y, _ = digits
    params = dict(batch_size=len(X), shuffle=False, random_state=0)
    one = SigmoidMLPClassifier(max_iter=1, **params).fit(X, y)
    two = SigmoidMLPClassifier(max_iter=2, **params).fit(X, y)
    assert two.history_[1]["train_accuracy"] == pytest.approx(one.score(X, y))


def test_early_stopping_on_X_val_keeps_the_best_epoch(digits):
    X, X_val, y, y_val = digits
    clf = SigmoidMLPClassifier(
        early_stopping=True,
        n_iter_no_change=3,
        learning_rate_init=1.0,
        max_iter=40,
        random_state=0,
    )
    clf.fit(X, y, X_val=X_val, y_val=y_val)
    scores = clf.validation_scores_
    assert len(scores) == clf.n_iter_ < 40
    best_epoch = int(np.argmax(scores))
    assert best_epoch < clf.n_iter_ - 1, "the run should stop after its best epoch"
    assert clf.best_validation_score_ == max(scores)
    assert clf.score(X_val, y_val) == pytest.approx(max(scores))
    # Every epoch trained on all of X: no validation_fraction was held out of it.
    assert clf.t_ == clf.n_iter_ * len(X)


def test_verbose_prints_one_row_per_epoch(digits, capsys):
    X, X_val, y, y_val = digits
    clf = SigmoidMLPClassifier(max_iter=3, verbose=1, random_state=0)
    clf.fit(X, y, X_val=X_val, y_val=y_val)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [*HISTORY_KEYS[:3], *VALIDATION_KEYS, *HISTORY_KEYS[3:]]
    rows = [line.split() for line in lines[1:4]]
    assert [int(row[0]) for row in rows] == [1, 2, 3]
    for row, record in zip(rows, clf.history_, strict=True):
        assert float(row[1]) == pytest.approx(record["train_loss"], abs=1e-4)
        assert float(row[4]) == pytest.approx(record["val_accuracy"], abs=1e-4)
    # Each column lines up under its name.
    for row_line in lines[1:4]:
        assert len(row_line) == len(lines[0])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"X_val": "X"}, "X_val and y_val must be passed together"),
        ({"y_val": "y"}, "X_val and y_val must be passed together"),
        ({"sample_weight_val": "w"}, "sample_weight_val was passed without X_val"),
        ({"X_val": "X", "y_val": "unseen"}, "y_val has labels that are not among"),
        ({"X_val": "X3", "y_val": "y"}, "3 features"),
        ({"X_val": "X", "y_val": "y", "sample_weight_val": "zeros"}, "non-zero"),
    ],
)
def test_bad_validation_data_is_refused(digits, kwargs, message):
    X, X_val, y, y_val = digits
    values = {
        "X": X_val,
        "y": y_val,
        "X3": X_val[:, :3],
        "unseen": np.where(y_val == 0, 10, y_val),
        "w": np.ones(len(y_val)),
        "zeros": np.zeros(len(y_val)),
    }
    with pytest.raises(ValueError, match=re.escape(message)):
        SigmoidMLPClassifier(max_iter=1).fit(
            X, y, **{name: values[key] for name, key in kwargs.items()}
        )


def test_multilabel_validation_data():
    rng = np.random.RandomState(0)
    X = rng.rand(300, 6)
    Y = (X[:, :3] > 0.5).astype(int)
    clf = SigmoidMLPClassifier(max_iter=3, random_state=0).fit(
        X[:200], Y[:200], X_val=X[200:], y_val=Y[200:]
    )
    assert clf.validation_scores_[-1] == pytest.approx(clf.score(X[200:], Y[200:]))
    with pytest.raises(ValueError, match="label indicator matrix with 3 columns"):
        clf.fit(X[:200], Y[:200], X_val=X[200:], y_val=Y[200:, :2])


@pytest.mark.skipif(
    SKLEARN_VERSION < (1, 7), reason="Pipeline(transform_input=...) is new in 1.7"
)
def test_pipeline_transforms_X_val_with_metadata_routing(digits):
    X, X_val, y, y_val = digits
    X, X_val = X * 16, X_val * 16  # raw pixel counts, for the scaler to scale
    with sklearn.config_context(enable_metadata_routing=True):
        clf = SigmoidMLPClassifier(max_iter=2, random_state=0)
        clf.set_fit_request(X_val=True, y_val=True)
        pipe = Pipeline(
            [("scale", StandardScaler()), ("net", clf)], transform_input=["X_val"]
        )
        pipe.fit(X, y, X_val=X_val, y_val=y_val)
    assert pipe[-1].validation_scores_[-1] == pytest.approx(pipe.score(X_val, y_val))


# ------------------------------------------------------------------ callbacks


class _RecordingCallback:
    """Records the hooks it gets; asks to stop at the end of epoch ``stop_at``."""

    def __init__(self, stop_at=None):
        self.stop_at = stop_at
        self.events = []

    def setup(self, estimator, context):
        self.events.append(("setup", context.task_name))

    def on_fit_task_begin(self, estimator, context):
        self.events.append(("begin", context.task_name))

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        self.events.append(("end", context.task_name))
        if context.task_name == "epoch":
            self.n_iter_seen = fitted_estimator.n_iter_
            return fitted_estimator.n_iter_ == self.stop_at
        return False

    def teardown(self, estimator, context):
        self.events.append(("teardown", context.task_name))


@needs_callbacks
def test_callbacks_get_one_task_per_epoch(digits):
    X, _, y, _ = digits
    callback = _RecordingCallback()
    clf = SigmoidMLPClassifier(max_iter=3, random_state=0).set_callbacks(callback)
    clf.fit(X, y)
    assert callback.events == [
        ("setup", "fit"),
        ("begin", "fit"),
        *[("begin", "epoch"), ("end", "epoch")] * 3,
        ("end", "fit"),
        ("teardown", "fit"),
    ]
    callback.events.clear()
    clf.partial_fit(X, y)
    assert callback.events.count(("end", "epoch")) == 1
    assert callback.events[1] == ("begin", "partial_fit")


@needs_callbacks
def test_a_callback_can_stop_training(digits):
    X, _, y, _ = digits
    callback = _RecordingCallback(stop_at=2)
    clf = SigmoidMLPClassifier(max_iter=10, random_state=0).set_callbacks(callback)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # a stop is not max_iter
        clf.fit(X, y)
    assert clf.n_iter_ == len(clf.history_) == callback.n_iter_seen == 2


@needs_callbacks
def test_scoring_monitor_scores_every_epoch(digits):
    from sklearn.callback import ScoringMonitor

    X, _, y, _ = digits
    monitor = ScoringMonitor(scoring="accuracy")
    clf = SigmoidMLPClassifier(max_iter=3, random_state=0).set_callbacks(monitor)
    clf.fit(X, y)
    log = monitor.get_logs().data
    epoch_scores = [row["accuracy"] for row in log if row["task_name"] == "epoch"]
    assert len(epoch_scores) == 3
    # The last epoch's copy predicts as the fitted estimator does.
    assert epoch_scores[-1] == pytest.approx(clf.score(X, y))


@needs_callbacks
def test_grid_search_with_a_progress_bar_runs_to_the_end(digits):
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar

    X, _, y, _ = digits
    pipe = make_pipeline(StandardScaler(), SigmoidMLPClassifier(max_iter=2))
    search = GridSearchCV(pipe, {"sigmoidmlpclassifier__alpha": [0.0, 1.0]}, cv=2)
    search.set_callbacks(ProgressBar(max_propagation_depth=None))
    search.fit(X, y)
    assert search.best_estimator_[-1].n_iter_ == 2
    assert len(search.cv_results_["mean_test_score"]) == 2
    # Propagated callbacks are removed from the sub-estimators afterwards.
    assert not hasattr(search.best_estimator_[-1], "_skl_callbacks")


@pytest.mark.skipif(SKLEARN_VERSION >= (1, 9), reason="scikit-learn has callbacks")
def test_without_sklearn_callbacks_the_estimator_has_no_set_callbacks(digits):
    X, _, y, _ = digits
    clf = SigmoidMLPClassifier(max_iter=2).fit(X, y)
    assert not hasattr(clf, "set_callbacks")
    assert len(clf.history_) == 2
