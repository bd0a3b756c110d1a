"""Where a name is shared with scikit-learn's MLPClassifier, so is the behaviour.

Each test runs both estimators side by side, ``MLPClassifier`` with the sgd
solver and logistic activation, and asserts that they agree; where this
network differs on purpose (the parameter table in
``docs/user_guide/parameters.rst`` lists every difference), the test says so.
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from sknumpynet import FeatureScaleWarning, SigmoidMLPClassifier

# Both estimators run the constant schedule to max_iter here, where both warn;
# the tests that are about that warning catch it.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def few_digits(digits):
    """300 training digits: both estimators fit them in milliseconds."""
    X_train, _, y_train, _ = digits
    return X_train[:300], y_train[:300]


def _pair(**params):
    """The two estimators with the same shared parameters."""
    return [
        SigmoidMLPClassifier(**params),
        MLPClassifier(solver="sgd", activation="logistic", **params),
    ]


def test_n_iter_counts_the_epochs_of_the_last_warm_fit(few_digits):
    X, y = few_digits
    pair = _pair(learning_rate="constant", max_iter=3, warm_start=True, random_state=0)
    for clf in pair:
        clf.fit(X, y)
        clf.fit(X, y)
        assert clf.n_iter_ == 3, type(clf).__name__
        assert len(clf.loss_curve_) == 6, type(clf).__name__
        # n_iter_ == max_iter is how a user sees a run that did not converge.
        with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
            clf.fit(X, y)
    # The network's history goes on counting from the initialisation.
    assert [record["epoch"] for record in pair[0].history_] == list(range(1, 10))


@pytest.mark.parametrize("n_iter_no_change", [1, 3])
def test_the_stopping_rule_acts_after_n_iter_no_change_plus_one_epochs(
    few_digits, n_iter_no_change
):
    X, y = few_digits
    # With tol this large only the first epoch improves on the initial inf.
    pairs = _pair(
        learning_rate="constant",
        tol=10.0,
        n_iter_no_change=n_iter_no_change,
        max_iter=50,
    )
    n_iters = [clf.fit(X, y).n_iter_ for clf in pairs]
    assert n_iters == [1 + n_iter_no_change + 1] * 2


def test_n_iter_no_change_inf_turns_the_stopping_rule_off(few_digits):
    X, y = few_digits
    pairs = _pair(
        learning_rate="constant", tol=10.0, n_iter_no_change=np.inf, max_iter=8
    )
    for clf in pairs:
        with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
            clf.fit(X, y)
        assert clf.n_iter_ == 8, type(clf).__name__


def test_adaptive_schedule_halves_where_mlpclassifier_divides_by_5(few_digits):
    X, y = few_digits
    ours, theirs = _pair(
        learning_rate="adaptive", tol=10.0, n_iter_no_change=1, max_iter=4
    )
    ours.fit(X, y)
    theirs.fit(X, y)
    # One plateau of n_iter_no_change + 1 epochs after the first: one change,
    # in force in the fourth epoch.
    assert ours.history_[3]["learning_rate"] == ours.learning_rate_init / 2
    assert theirs._optimizer.learning_rate == theirs.learning_rate_init / 5


def test_an_early_stopping_split_of_fewer_than_2_samples_is_refused(few_digits):
    X, y = few_digits
    X, y = X[:2], np.array([0, 1])
    for clf in _pair(early_stopping=True):
        with pytest.raises(ValueError):
            clf.fit(X, y)
    with pytest.raises(ValueError, match="validation set is too small"):
        SigmoidMLPClassifier(early_stopping=True).fit(X, y)
    # Twenty samples hold out ceil(0.1 * 20) = 2: enough for both.
    X20, y20 = few_digits[0][:20], np.arange(20) % 2
    for clf in _pair(early_stopping=True, max_iter=2):
        clf.fit(X20, y20)
        assert len(clf.validation_scores_) == 2


def test_warm_start_restarts_the_schedule_and_partial_fit_continues_it(few_digits):
    X, y = few_digits
    clf = SigmoidMLPClassifier(
        learning_rate="invscaling", max_iter=2, warm_start=True, random_state=0
    )
    clf.fit(X, y)
    clf.fit(X, y)
    clf.partial_fit(X, y)
    rates = [record["learning_rate"] for record in clf.history_]
    eta = clf.learning_rate_init / np.sqrt([1, 2, 1, 2, 3])
    np.testing.assert_allclose(rates, eta)
    # MLPClassifier continues invscaling from t_ (samples seen), a documented
    # difference: its rate after a warm fit is below learning_rate_init.
    theirs = MLPClassifier(
        solver="sgd", learning_rate="invscaling", max_iter=2, warm_start=True
    )
    theirs.fit(X, y)
    theirs.fit(X, y)
    assert theirs._optimizer.learning_rate < theirs.learning_rate_init / 10


def test_features_far_from_unit_scale_get_a_warning_that_says_what_to_do(few_digits):
    X, y = few_digits
    pixels = X * 255  # digits left at 0..255
    with pytest.warns(FeatureScaleWarning, match="MinMaxScaler") as record:
        SigmoidMLPClassifier(max_iter=1, random_state=0).fit(pixels, y)
    message = str(record[0].message)
    assert "features (indices" in message
    busiest = int(np.argmax((pixels**2).mean(axis=0)))
    assert str(busiest) in message or "..." in message
    with warnings.catch_warnings():
        warnings.simplefilter("error", FeatureScaleWarning)
        make_pipeline(MinMaxScaler(), SigmoidMLPClassifier(max_iter=1)).fit(pixels, y)
        SigmoidMLPClassifier(max_iter=1).fit(X, y)
