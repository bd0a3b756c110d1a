"""Behaviour of SigmoidMLPClassifier that users rely on."""

import re
import signal
import threading
import warnings

import numpy as np
import pytest
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import (
    make_classification,
    make_multilabel_classification,
)
from sklearn.ensemble import StackingClassifier, VotingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils._param_validation import InvalidParameterError
from threadpoolctl import threadpool_limits

from sknumpynet import SigmoidMLPClassifier, _classifier


def test_learns_xor():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 10, dtype=float)
    y = np.array([0, 1, 1, 0] * 10)
    clf = SigmoidMLPClassifier(
        hidden_layer_sizes=(4,),
        learning_rate_init=1.0,
        alpha=0.0,
        max_iter=200,
        random_state=0,
    )
    clf.fit(X, y)
    np.testing.assert_array_equal(
        clf.predict([[0, 0], [0, 1], [1, 0], [1, 1]]), [0, 1, 1, 0]
    )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {
            "loss": "log_loss",
            "output_activation": "sigmoid",
            "hidden_layer_sizes": (64, 32),
            "max_iter": 100,
        },
    ],
)
def test_reaches_95_percent_on_digits(digits, params):
    X_train, X_test, y_train, y_test = digits
    clf = SigmoidMLPClassifier(random_state=0, **params).fit(X_train, y_train)
    assert clf.score(X_test, y_test) >= 0.95


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_books_chapter_1_network_learns_digits(digits):
    X_train, X_test, y_train, y_test = digits
    # Quadratic cost, sigmoid outputs, N(0, 1) weights, eta=3, batches of 10.
    # Its N(0, 1) weights start many neurons saturated, so its accuracy on this
    # small set varies widely with the seed: the test asks only that it learns.
    clf = SigmoidMLPClassifier(
        loss="squared_error",
        output_activation="sigmoid",
        init="large",
        learning_rate="constant",
        learning_rate_init=3.0,
        momentum=0.0,
        batch_size=10,
        alpha=0.0,
        random_state=0,
    ).fit(X_train, y_train)
    assert clf.score(X_test, y_test) >= 0.5  # ten classes: chance is 0.1


def test_predict_proba_is_a_distribution_and_agrees_with_predict(digits):
    X_train, X_test, y_train, _ = digits
    for output in ("softmax", "sigmoid"):
        clf = SigmoidMLPClassifier(
            output_activation=output, max_iter=20, random_state=0
        )
        clf.fit(X_train, y_train)
        proba = clf.predict_proba(X_test)
        assert proba.shape == (len(X_test), 10)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
        assert np.all((proba >= 0) & (proba <= 1))
        np.testing.assert_array_equal(
            clf.classes_[proba.argmax(axis=1)], clf.predict(X_test)
        )
        np.testing.assert_allclose(
            np.log(proba), clf.predict_log_proba(X_test), atol=1e-12
        )


def test_saturated_network_gives_finite_probabilities():
    X, y = make_classification(n_samples=60, n_features=5, random_state=0)
    for output in ("softmax", "sigmoid"):
        clf = SigmoidMLPClassifier(
            output_activation=output, max_iter=5, random_state=0
        ).fit(X, y)
        clf.coefs_[-1] *= 1e4  # outputs pinned at 0 or 1
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            proba = clf.predict_proba(X)
            log_proba = clf.predict_log_proba(X)
        assert np.all(np.isfinite(proba)) and np.all(np.isfinite(log_proba))
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_keeps_the_input_dtype(digits, dtype):
    X_train, X_test, y_train, _ = digits
    clf = SigmoidMLPClassifier(max_iter=3, random_state=0).fit(
        X_train.astype(dtype), y_train
    )
    assert all(w.dtype == dtype for w in clf.coefs_ + clf.intercepts_)
    assert clf.predict_proba(X_test.astype(dtype)).dtype == dtype


def test_same_random_state_gives_identical_coefs(small_problem):
    X, y = small_problem
    a = SigmoidMLPClassifier(max_iter=5, random_state=3).fit(X, y)
    b = SigmoidMLPClassifier(max_iter=5, random_state=3).fit(X, y)
    c = SigmoidMLPClassifier(max_iter=5, random_state=4).fit(X, y)
    for wa, wb in zip(a.coefs_, b.coefs_, strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])


def test_sample_weight_two_equals_repeating_the_row(small_problem):
    X, y = small_problem
    weights = np.ones(len(y))
    weights[:30] = 2
    repeated_X = np.vstack([X, X[:30]])
    repeated_y = np.concatenate([y, y[:30]])
    # Full-batch gradient descent: the same steps whatever the sample order.
    params = dict(batch_size=1000, max_iter=50, learning_rate_init=0.5, random_state=0)
    weighted = SigmoidMLPClassifier(**params).fit(X, y, sample_weight=weights)
    repeated = SigmoidMLPClassifier(**params).fit(repeated_X, repeated_y)
    np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(
        weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-8
    )


def test_zero_sample_weight_equals_dropping_the_row(small_problem):
    X, y = small_problem
    weights = np.ones(len(y))
    weights[::4] = 0
    params = dict(batch_size=1000, max_iter=20, random_state=0)
    weighted = SigmoidMLPClassifier(**params).fit(X, y, sample_weight=weights)
    dropped = SigmoidMLPClassifier(**params).fit(X[weights > 0], y[weights > 0])
    np.testing.assert_allclose(
        weighted.predict_proba(X), dropped.predict_proba(X), rtol=1e-8
    )


def test_class_weight_dict_equals_sample_weight_and_balanced_helps_minority():
    X, y = make_classification(
        n_samples=400, n_features=6, weights=[0.9, 0.1], class_sep=0.5, random_state=0
    )
    params = dict(max_iter=30, random_state=0)
    by_class = SigmoidMLPClassifier(class_weight={0: 1.0, 1: 5.0}, **params).fit(X, y)
    by_sample = SigmoidMLPClassifier(**params).fit(
        X, y, sample_weight=np.where(y == 1, 5.0, 1.0)
    )
    np.testing.assert_allclose(by_class.predict_proba(X), by_sample.predict_proba(X))
    plain = SigmoidMLPClassifier(**params).fit(X, y)
    balanced = SigmoidMLPClassifier(class_weight="balanced", **params).fit(X, y)
    minority_recall = [
        np.mean(clf.predict(X[y == 1]) == 1) for clf in (plain, balanced)
    ]
    assert minority_recall[1] > minority_recall[0]


def test_multilabel_uses_independent_sigmoid_outputs():
    X, Y = make_multilabel_classification(n_samples=200, n_classes=4, random_state=0)
    X = X / X.max()
    clf = SigmoidMLPClassifier(max_iter=100, batch_size=20, alpha=0.1, random_state=0)
    clf.fit(X, Y)
    assert clf.out_activation_ == "sigmoid"
    assert clf.predict(X).shape == Y.shape
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape
    assert not np.allclose(proba.sum(axis=1), 1.0)  # labels are not exclusive
    np.testing.assert_array_equal(clf.predict(X), (proba > 0.5).astype(int))
    majority_hamming = np.maximum(Y.mean(axis=0), 1 - Y.mean(axis=0)).mean()
    assert np.mean(clf.predict(X) == Y) > majority_hamming + 0.15
    with pytest.raises(ValueError, match="multilabel"):
        SigmoidMLPClassifier(output_activation="softmax").fit(X, Y)


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_binary_string_labels(output):
    X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    labels = np.array(["cat", "dog"])[y]
    clf = SigmoidMLPClassifier(output_activation=output, random_state=0).fit(X, labels)
    assert clf.n_outputs_ == (1 if output == "sigmoid" else 2)
    assert set(clf.predict(X)) <= {"cat", "dog"}
    assert clf.score(X, labels) > 0.9
    assert clf.predict_proba(X).shape == (100, 2)


def test_sparse_input_gives_the_same_model_as_dense(small_problem):
    X, y = small_problem
    X = np.where(np.abs(X) > 1, X, 0.0)
    dense = SigmoidMLPClassifier(max_iter=5, random_state=0).fit(X, y)
    for container in (sparse.csr_matrix, sparse.csc_array):
        sparse_fit = SigmoidMLPClassifier(max_iter=5, random_state=0).fit(
            container(X), y
        )
        np.testing.assert_allclose(sparse_fit.coefs_[0], dense.coefs_[0], rtol=1e-10)
        np.testing.assert_allclose(
            sparse_fit.predict_proba(container(X)), dense.predict_proba(X), rtol=1e-10
        )


@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_partial_fit_epochs_equal_fit_epochs(small_problem, dropout):
    X, y = small_problem
    params = dict(max_iter=4, tol=0.0, random_state=7, alpha=0.1, dropout=dropout)
    fitted = SigmoidMLPClassifier(**params).fit(X, y)
    streamed = SigmoidMLPClassifier(**params)
    for _ in range(4):
        streamed.partial_fit(X, y, classes=np.unique(y))
    assert streamed.n_iter_ == fitted.n_iter_ == 4
    for a, b in zip(fitted.coefs_, streamed.coefs_, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(streamed.loss_curve_, fitted.loss_curve_)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_early_stopping_restores_the_best_weights(digits):
    X_train, _, y_train, _ = digits
    # A learning rate this large makes the validation score wander; a constant
    # one lets a shorter fit replay the same steps.
    params = dict(
        early_stopping=True,
        learning_rate="constant",
        learning_rate_init=2.0,
        n_iter_no_change=4,
        random_state=0,
    )
    clf = SigmoidMLPClassifier(**params)
    # One BLAS thread in every fit: the same sums in the same order.
    with threadpool_limits(1, user_api="blas"):
        clf.fit(X_train, y_train)
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None
    scores = np.asarray(clf.validation_scores_)
    assert np.argmax(scores) < clf.n_iter_ - 1, "the run should end past its best epoch"
    # The same seed replays the same initialisation, split and shuffles.
    best_epoch_model = SigmoidMLPClassifier(
        **params, max_iter=int(np.argmax(scores)) + 1
    )
    with threadpool_limits(1, user_api="blas"):
        best_epoch_model.fit(X_train, y_train)
    for a, b in zip(best_epoch_model.coefs_, clf.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    # The optimiser's momentum is that of the best epoch too: training on
    # continues as it would have from there.
    for model in (clf, best_epoch_model):
        with threadpool_limits(1, user_api="blas"):
            model.set_params(shuffle=False).partial_fit(X_train, y_train)
    for a, b in zip(best_epoch_model.coefs_, clf.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)


def test_adaptive_learning_rate_halves_until_one_128th():
    X, y = make_classification(n_samples=100, n_features=5, random_state=0)
    clf = SigmoidMLPClassifier(
        learning_rate="adaptive", n_iter_no_change=2, tol=10.0, max_iter=1000
    )
    clf.fit(X, y)  # with tol=10 only the first epoch improves: then 7 halvings
    # As in scikit-learn, eta changes after n_iter_no_change + 1 epochs without
    # improvement; the seventh halving, to 1/128, ends training.
    assert clf.n_iter_ == 1 + 3 * 7
    rates = [record["learning_rate"] for record in clf.history_]
    eta = clf.learning_rate_init
    assert rates == [eta] * 4 + [eta / 2**k for k in range(1, 7) for _ in range(3)]


def test_warm_start_continues_from_the_previous_weights(small_problem):
    X, y = small_problem
    clf = SigmoidMLPClassifier(max_iter=3, warm_start=True, random_state=0)
    clf.fit(X, y)
    first_coefs = clf.coefs_[0].copy()
    clf.fit(X, y)
    # As in scikit-learn, n_iter_ counts the epochs of the last fit; the curves
    # and the history go on.
    assert clf.n_iter_ == 3 and len(clf.loss_curve_) == len(clf.history_) == 6
    assert not np.array_equal(first_coefs, clf.coefs_[0])


@pytest.mark.parametrize(
    "name, value",
    [
        ("hidden_layer_sizes", (10, 0)),
        ("hidden_layer_sizes", -3),
        ("loss", "hinge"),
        ("output_activation", "relu"),
        ("init", "he_normal"),
        ("alpha", -1.0),
        ("batch_size", 0),
        ("learning_rate", "optimal"),
        ("learning_rate_init", 0.0),
        ("max_iter", 0),
        ("momentum", 1.0),
        ("validation_fraction", 1.0),
        ("n_iter_no_change", 0),
        ("class_weight", "uniform"),
    ],
)
def test_invalid_parameters_are_refused_by_name_and_value(small_problem, name, value):
    X, y = small_problem
    with pytest.raises(InvalidParameterError) as excinfo:
        SigmoidMLPClassifier(**{name: value}).fit(X, y)
    message = str(excinfo.value)
    assert re.search(rf"\b{name}\b", message), message
    assert repr(value) in message, message


@pytest.mark.parametrize(
    "param, synonym, name",
    [
        ("loss", "cross_entropy", "log_loss"),
        ("init", "nielsen", "lecun_normal"),
        ("init", "large", "standard_normal"),
        ("init", "glorot", "glorot_uniform"),
    ],
)
def test_the_books_names_are_synonyms_that_train_the_same_network(
    small_problem, param, synonym, name
):
    X, y = small_problem
    book, ecosystem = (
        SigmoidMLPClassifier(max_iter=3, random_state=0, **{param: value}).fit(X, y)
        for value in (synonym, name)
    )
    for a, b in zip(
        book.coefs_ + book.intercepts_,
        ecosystem.coefs_ + ecosystem.intercepts_,
        strict=True,
    ):
        np.testing.assert_array_equal(a, b)
    assert book.loss_curve_ == ecosystem.loss_curve_
    assert book.get_params()[param] == synonym  # kept as given, for clone


@pytest.mark.parametrize(
    "param, value, facts",
    [
        (
            "loss",
            "logloss",
            [
                "'log_loss'",
                "'squared_error'",
                "'cross_entropy' is a synonym of 'log_loss'",
            ],
        ),
        (
            "init",
            "he_normal",
            [
                "'lecun_normal'",
                "'glorot_uniform'",
                "'nielsen' is a synonym of 'lecun_normal'",
                "'large' is a synonym of 'standard_normal'",
                "'glorot' is a synonym of 'glorot_uniform'",
            ],
        ),
    ],
)
def test_a_refused_name_lists_the_names_and_their_synonyms(
    small_problem, param, value, facts
):
    X, y = small_problem
    with pytest.raises(InvalidParameterError, match=param) as excinfo:
        SigmoidMLPClassifier(**{param: value}).fit(X, y)
    for fact in [repr(value), *facts]:
        assert fact in str(excinfo.value)


def test_works_in_pipeline_and_grid_search_with_two_jobs(digits):
    X_train, X_test, y_train, y_test = digits
    pipe = make_pipeline(
        MinMaxScaler(), SigmoidMLPClassifier(max_iter=30, random_state=0)
    )
    grid = GridSearchCV(
        pipe,
        {"sigmoidmlpclassifier__hidden_layer_sizes": [(20,), (50,)]},
        cv=3,
        n_jobs=2,
    )
    grid.fit(X_train, y_train)
    assert grid.best_params_["sigmoidmlpclassifier__hidden_layer_sizes"] in [
        (20,),
        (50,),
    ]
    assert grid.score(X_test, y_test) > 0.9


def test_works_in_scikit_learn_meta_estimators(small_problem):
    X, y = small_problem
    net = SigmoidMLPClassifier(max_iter=30, random_state=0)
    meta_estimators = [
        CalibratedClassifierCV(net, cv=3),
        VotingClassifier([("net", net), ("lr", LogisticRegression())], voting="soft"),
        StackingClassifier([("net", net)], final_estimator=LogisticRegression(), cv=3),
    ]
    for meta in meta_estimators:
        meta.fit(X, y)
        np.testing.assert_allclose(meta.predict_proba(X).sum(axis=1), 1.0)
    scores = cross_validate(net, X, y, cv=3)["test_score"]
    assert scores.mean() > 0.6


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_divergence_keeps_the_last_finite_weights(digits, dtype):
    X_train, X_test, y_train, _ = digits
    # Two good epochs, then a step size that blows the weights up.
    clf = SigmoidMLPClassifier(max_iter=2, warm_start=True, random_state=0)
    clf.fit(X_train.astype(dtype), y_train)
    good = [w.copy() for w in clf.coefs_ + clf.intercepts_]
    clf.set_params(learning_rate_init=1e4, max_iter=50)
    # Epochs are numbered as in history_, from the initialisation on.
    with pytest.warns(ConvergenceWarning, match="diverged in epoch 3"):
        clf.fit(X_train.astype(dtype), y_train)
    assert clf.n_iter_ == 0  # no epoch of this fit completed
    assert len(clf.loss_curve_) == len(clf.history_) == 2
    for kept, before in zip(clf.coefs_ + clf.intercepts_, good, strict=True):
        np.testing.assert_array_equal(kept, before)
    proba = clf.predict_proba(X_test.astype(dtype))
    assert np.all(np.isfinite(proba))


def test_nan_from_overflowing_features_is_caught():
    X, y = make_classification(n_samples=200, n_features=5, random_state=0)
    X = (X * 1e18).astype(np.float32)  # pre-activations overflow float32
    with pytest.warns(ConvergenceWarning, match="diverged in epoch"):
        clf = SigmoidMLPClassifier(learning_rate_init=1e4, random_state=0).fit(X, y)
    assert clf.n_iter_ < clf.max_iter and len(clf.loss_curve_) == clf.n_iter_
    assert np.all(np.isfinite(clf.predict_proba(X)))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_huge_learning_rate_never_gives_nan_probabilities(small_problem):
    X, y = small_problem
    clf = SigmoidMLPClassifier(learning_rate_init=1e4, max_iter=20, random_state=0).fit(
        X, y
    )
    proba = clf.predict_proba(X)
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


@pytest.fixture
def python_sigint_handler():
    """Python's own SIGINT handler, as in a terminal.

    A shell that starts the tests in the background hands them SIGINT ignored.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread(),
    reason="signals are delivered to the main thread only",
)
def test_ctrl_c_keeps_the_last_complete_epoch_and_goes_on(
    small_problem, monkeypatch, python_sigint_handler, interrupted_fit
):
    X, y = small_problem
    real_step = _classifier._core.sgd_step
    calls = []

    def step_with_ctrl_c(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            signal.raise_signal(signal.SIGINT)  # arrives in epoch 2's first batch
        return real_step(*args, **kwargs)

    monkeypatch.setattr(_classifier._core, "sgd_step", step_with_ctrl_c)
    params = dict(batch_size=50, learning_rate="constant", random_state=0)
    clf = SigmoidMLPClassifier(max_iter=10, **params)
    message = interrupted_fit(clf.fit, X, y)
    assert "after 1 complete epoch (120 samples seen)" in message
    assert len(calls) == 4, "the interrupted batch completes, no more"
    assert clf.n_iter_ == 1 and clf.t_ == 120
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    monkeypatch.undo()
    one_epoch = SigmoidMLPClassifier(max_iter=1, **params).fit(X, y)
    for kept, expected in zip(
        clf.coefs_ + clf.intercepts_,
        one_epoch.coefs_ + one_epoch.intercepts_,
        strict=True,
    ):
        np.testing.assert_array_equal(kept, expected)


def test_dropout_trains_differently_and_predicts_deterministically(digits):
    X_train, X_test, y_train, y_test = digits
    params = dict(hidden_layer_sizes=(64,), max_iter=20, random_state=0)
    plain = SigmoidMLPClassifier(**params).fit(X_train, y_train)
    dropped = SigmoidMLPClassifier(dropout=0.3, **params).fit(X_train, y_train)
    assert not np.allclose(plain.coefs_[0], dropped.coefs_[0])
    np.testing.assert_array_equal(
        dropped.predict_proba(X_test), dropped.predict_proba(X_test)
    )
    assert dropped.score(X_test, y_test) > 0.9
