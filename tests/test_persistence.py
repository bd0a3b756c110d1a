"""Saving, loading and sharing a fitted model.

A model saved with ``skops.io`` must load without trusting any type beyond the
estimator's own class (skops refuses to load unknown types, which is what makes
it safe for files from others); a loaded model, whether from skops, pickle or
joblib, must predict exactly as the original and continue training exactly as
the original would. A fitted model must also give the same answers when eight
threads call it at once.
"""

import copy
import io
import pickle
import threading
from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pytest
import skops.io as sio
from scipy import sparse
from sklearn.base import clone
from sklearn.datasets import make_classification
from skops.io.exceptions import UntrustedTypesFoundException

from sknumpynet import SigmoidMLPClassifier

ESTIMATOR_TYPE = "sknumpynet._classifier.SigmoidMLPClassifier"

X, y = make_classification(
    n_samples=60,
    n_features=5,
    n_informative=4,
    n_redundant=0,
    n_classes=3,
    random_state=0,
)
X = (X - X.mean(axis=0)) / X.std(axis=0)


def _net(**params):
    return SigmoidMLPClassifier(
        **{"hidden_layer_sizes": (4,), "max_iter": 3, "random_state": 0, **params}
    )


def _partial_fitted():
    clf = _net()
    clf.partial_fit(X, y, classes=[0, 1, 2])
    return clf


# Each model exercises a different part of the fitted state.
MODELS = {
    "multiclass": lambda: _net().fit(X, y),
    "binary-string-labels": lambda: _net().fit(X, np.where(y == 0, "no", "yes")),
    "multilabel": lambda: _net().fit(X, np.c_[y == 0, y == 1, y == 2]),
    "float32": lambda: _net().fit(X.astype(np.float32), y),
    "sparse": lambda: _net().fit(sparse.csr_matrix(X), y),
    "early-stopping": lambda: _net(early_stopping=True).fit(X, y),
    "class-weight": lambda: _net(class_weight={0: 2.0, 1: 1.0, 2: 0.5}).fit(X, y),
    "random-state-instance": lambda: _net(random_state=np.random.RandomState(0)).fit(
        X, y
    ),
    "dropout-sigmoid": lambda: _net(
        dropout=0.5, output_activation="sigmoid", loss="squared_error"
    ).fit(X, y),
    "partial-fit": _partial_fitted,
}


def _skops_round_trip(clf):
    dumped = sio.dumps(clf)
    untrusted = sio.get_untrusted_types(data=dumped)
    assert set(untrusted) <= {ESTIMATOR_TYPE}, f"skops does not trust {untrusted}"
    return sio.loads(dumped, trusted=untrusted)


def _pickle_round_trip(clf):
    return pickle.loads(pickle.dumps(clf))


def _joblib_round_trip(clf):
    buffer = io.BytesIO()
    joblib.dump(clf, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


ROUND_TRIPS = {
    "skops": _skops_round_trip,
    "pickle": _pickle_round_trip,
    "joblib": _joblib_round_trip,
}


def _assert_same_params(loaded, clf):
    params, loaded_params = clf.get_params(), loaded.get_params()
    if isinstance(params["random_state"], np.random.RandomState):
        # A RandomState equals only itself; compare what it will draw.
        state, loaded_state = (
            p.pop("random_state").get_state() for p in (params, loaded_params)
        )
        for a, b in zip(state, loaded_state, strict=True):
            np.testing.assert_array_equal(a, b)
    assert loaded_params == params


@pytest.mark.parametrize("round_trip", ROUND_TRIPS.values(), ids=ROUND_TRIPS)
@pytest.mark.parametrize("make_model", MODELS.values(), ids=MODELS)
def test_loaded_model_predicts_exactly_as_the_original(make_model, round_trip):
    clf = make_model()
    loaded = round_trip(clf)
    assert type(loaded) is SigmoidMLPClassifier
    _assert_same_params(loaded, clf)
    X_in = X.astype(clf.coefs_[0].dtype)
    for method in ("predict", "predict_proba", "predict_log_proba"):
        expected = getattr(clf, method)(X_in)
        got = getattr(loaded, method)(X_in)
        np.testing.assert_array_equal(got, expected, err_msg=method)
        assert got.dtype == expected.dtype
    np.testing.assert_array_equal(loaded.classes_, clf.classes_)
    assert loaded.n_iter_ == clf.n_iter_ and loaded.t_ == clf.t_
    assert loaded.loss_curve_ == clf.loss_curve_


@pytest.mark.parametrize("round_trip", ROUND_TRIPS.values(), ids=ROUND_TRIPS)
def test_loaded_model_continues_training_exactly_as_the_original(round_trip):
    # The random state, the momentum and the learning rate are part of what is
    # saved: partial_fit on the loaded copy replays the original's next epoch.
    clf = _partial_fitted()
    loaded = round_trip(clf)
    clf.partial_fit(X, y)
    loaded.partial_fit(X, y)
    for a, b in zip(
        clf.coefs_ + clf.intercepts_, loaded.coefs_ + loaded.intercepts_, strict=True
    ):
        np.testing.assert_array_equal(a, b)


def test_skops_lists_only_the_estimator_as_untrusted_and_refuses_to_load_without():
    clf = MODELS["multiclass"]()
    dumped = sio.dumps(clf)
    assert sio.get_untrusted_types(data=dumped) == [ESTIMATOR_TYPE]
    with pytest.raises(UntrustedTypesFoundException, match=ESTIMATOR_TYPE):
        sio.loads(dumped)
    loaded = sio.loads(dumped, trusted=[ESTIMATOR_TYPE])
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_skops_round_trip_of_a_file(tmp_path):
    clf = MODELS["float32"]()
    path = tmp_path / "model.skops"
    sio.dump(clf, path)
    assert sio.get_untrusted_types(file=path) == [ESTIMATOR_TYPE]
    loaded = sio.load(path, trusted=[ESTIMATOR_TYPE])
    X32 = X.astype(np.float32)
    np.testing.assert_array_equal(loaded.predict_proba(X32), clf.predict_proba(X32))


def test_unfitted_model_round_trips():
    clf = _net(hidden_layer_sizes=(3, 2), alpha=0.5)
    for round_trip in ROUND_TRIPS.values():
        loaded = round_trip(clf)
        assert loaded.get_params() == clf.get_params()
        assert not hasattr(loaded, "coefs_")


# -- threads -------------------------------------------------------------------


N_THREADS = 8


def test_predict_proba_from_eight_threads_at_once_matches_serial_calls():
    clf = MODELS["multiclass"]()
    chunks = [np.roll(X, shift, axis=0) for shift in range(N_THREADS)]
    serial = [clf.predict_proba(chunk) for chunk in chunks]
    start = threading.Barrier(N_THREADS)

    def call(chunk):
        start.wait()  # all threads inside predict_proba together
        return [clf.predict_proba(chunk) for _ in range(20)]

    with ThreadPoolExecutor(N_THREADS) as pool:
        results = list(pool.map(call, chunks))
    for expected, repeats in zip(serial, results, strict=True):
        for got in repeats:
            np.testing.assert_array_equal(got, expected)


def test_fit_in_threads_matches_fit_in_the_main_thread():
    # Away from the main thread no Ctrl-C handler can be installed: training
    # must not depend on it.
    template = _net(max_iter=5)
    expected = clone(template).fit(X, y)

    def fit_one(_):
        return clone(template).fit(X, y)

    with ThreadPoolExecutor(4) as pool:
        models = list(pool.map(fit_one, range(4)))
    for clf in models:
        for a, b in zip(clf.coefs_, expected.coefs_, strict=True):
            np.testing.assert_array_equal(a, b)


def test_deep_copy_is_independent_of_the_original():
    clf = _partial_fitted()
    twin = copy.deepcopy(clf)
    twin.partial_fit(X, y)
    assert clf.n_iter_ == 1 and twin.n_iter_ == 2
    assert not np.array_equal(clf.coefs_[0], twin.coefs_[0])
