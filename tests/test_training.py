"""The training loop: augmentation, the cosine schedule, BLAS threads, callbacks."""

import math
import pickle
import time
import warnings

import numpy as np
import pytest
import sklearn
from scipy import sparse
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.fixes import parse_version
from threadpoolctl import threadpool_info, threadpool_limits

from sknumpynet import SigmoidMLPClassifier, _checks, _classifier, _core, _training
from sknumpynet.augmentation import GaussianNoise, RandomShift


class _RowRecorder(GaussianNoise):
    """Gaussian noise that remembers every row it was asked to transform."""

    def augment(self, X, rng):
        self.seen_.append(X.copy())
        return super().augment(X, rng)


# ----------------------------------------------------------------- augment


def test_augment_sees_only_the_training_rows(digits):
    X, X_val, y, y_val = digits
    recorder = _RowRecorder(std=0.1)
    recorder.seen_ = []
    clf = SigmoidMLPClassifier(
        max_iter=2, early_stopping=True, random_state=0, augment=recorder
    )
    clf.fit(X, y)
    seen = np.vstack(recorder.seen_)
    # Each epoch transforms every training row once, and no held-out row.
    n_train = len(X) - math.ceil(0.1 * len(X))
    assert len(seen) == 2 * n_train
    seen_rows = {row.tobytes() for row in seen}
    assert len(seen_rows) == n_train
    assert sum(row.tobytes() in seen_rows for row in X) == n_train

    recorder.seen_.clear()
    clf.set_params(early_stopping=False, warm_start=True, max_iter=1)
    clf.fit(X, y, X_val=X_val, y_val=y_val)
    assert not {row.tobytes() for row in X_val} & {
        row.tobytes() for row in np.vstack(recorder.seen_)
    }
    recorder.seen_.clear()
    clf.predict_proba(X_val)
    clf.score(X_val, y_val)
    assert recorder.seen_ == []


def test_augment_changes_training_and_the_same_seed_gives_the_same_model(digits):
    X, _, y, _ = digits
    plain = SigmoidMLPClassifier(max_iter=3, random_state=0).fit(X, y)
    params = {"max_iter": 3, "random_state": 0, "augment": RandomShift((8, 8), 1)}
    first = SigmoidMLPClassifier(**params).fit(X, y)
    second = SigmoidMLPClassifier(**params).fit(X, y)
    assert not np.array_equal(plain.coefs_[0], first.coefs_[0])
    for a, b in zip(first.coefs_, second.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)


def test_augment_keeps_partial_fit_equal_to_fit(digits):
    X, _, y, _ = digits
    params = {"max_iter": 3, "random_state": 0, "augment": GaussianNoise(std=0.2)}
    fitted = SigmoidMLPClassifier(**params).fit(X, y)
    streamed = SigmoidMLPClassifier(**params)
    for _ in range(3):
        streamed.partial_fit(X, y, classes=np.unique(y))
    for a, b in zip(fitted.coefs_, streamed.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)


def test_augment_on_sparse_data_trains_on_dense_chunks(digits):
    X, _, y, _ = digits
    params = {"max_iter": 3, "random_state": 0, "augment": GaussianNoise(std=0.1)}
    dense = SigmoidMLPClassifier(**params).fit(X, y)
    from_sparse = SigmoidMLPClassifier(**params).fit(sparse.csr_matrix(X), y)
    for a, b in zip(dense.coefs_, from_sparse.coefs_, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_augment_with_the_wrong_image_shape_is_refused_at_fit(digits):
    X, _, y, _ = digits
    clf = SigmoidMLPClassifier(augment=RandomShift(image_shape=(28, 28)))
    with pytest.raises(ValueError, match=r"784.*64|64.*784"):
        clf.fit(X, y)
    with pytest.raises(InvalidParameterError, match="augment"):
        SigmoidMLPClassifier(augment="shift").fit(X, y)


def test_augment_survives_clone_and_pickle(digits):
    X, X_test, y, _ = digits
    clf = SigmoidMLPClassifier(max_iter=2, random_state=0, augment=RandomShift((8, 8)))
    cloned = clone(clf)
    assert cloned.augment is not clf.augment
    assert cloned.augment.get_params() == clf.augment.get_params()
    clf.fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(
        restored.predict_proba(X_test), clf.predict_proba(X_test)
    )


# ---------------------------------------------------------- cosine schedule


def test_cosine_schedule_anneals_over_max_iter_even_with_early_stopping(digits):
    X, _, y, _ = digits
    clf = SigmoidMLPClassifier(
        learning_rate="cosine", learning_rate_init=0.2, max_iter=10, random_state=0
    )
    clf.fit(X, y)
    rates = [record["learning_rate"] for record in clf.history_]
    expected = 0.1 * (1 + np.cos(np.pi * np.arange(10) / 10))
    np.testing.assert_allclose(rates, expected)
    assert rates[-1] < 0.03 * rates[0]  # nearly 0 in the last epoch

    stopped = SigmoidMLPClassifier(
        learning_rate="cosine",
        max_iter=40,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=1,
        tol=1.0,  # no epoch after the first improves by a whole point
        random_state=0,
    )
    stopped.fit(X, y)
    assert stopped.n_iter_ == 3
    rates = [record["learning_rate"] for record in stopped.history_]
    # Still the first epochs of a 40-epoch annealing.
    eta = stopped.learning_rate_init
    np.testing.assert_allclose(rates, eta / 2 * (1 + np.cos(np.pi * np.arange(3) / 40)))


def test_the_loss_plateau_does_not_cut_a_cosine_schedule_short(digits):
    X, _, y, _ = digits
    # With tol=10 no epoch after the first improves the training loss enough.
    params = dict(tol=10.0, n_iter_no_change=1, max_iter=6, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nor does it warn at max_iter
        cosine = SigmoidMLPClassifier(**params).fit(X, y)
    assert cosine.n_iter_ == 6
    constant = SigmoidMLPClassifier(learning_rate="constant", **params).fit(X, y)
    assert constant.n_iter_ == 1 + 2


@pytest.mark.parametrize(
    "learning_rate, warns",
    [("constant", True), ("invscaling", True), ("adaptive", True), ("cosine", False)],
)
def test_reaching_max_iter_warns_unless_the_schedule_ends_there(
    small_problem, learning_rate, warns
):
    X, y = small_problem
    clf = SigmoidMLPClassifier(learning_rate=learning_rate, max_iter=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.fit(X, y)
    # As MLPClassifier does, for the schedules it shares.
    assert [warning.category for warning in caught] == (
        [ConvergenceWarning] if warns else []
    )
    if warns:
        assert "Maximum iterations (2)" in str(caught[0].message)


def test_the_quickstart_and_a_grid_search_of_the_defaults_warn_nothing():
    X, y = load_digits(return_X_y=True)
    X = X / 16
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        SigmoidMLPClassifier(random_state=0).fit(X, y)
        # Two candidates, three folds; smaller networks for speed.
        search = GridSearchCV(
            SigmoidMLPClassifier(random_state=0),
            {"hidden_layer_sizes": [(16,), (32,)]},
            cv=3,
        )
        search.fit(X[:600], y[:600])
    assert [str(warning.message) for warning in caught] == []


def test_partial_fit_past_max_iter_keeps_the_last_cosine_rate(digits):
    X, _, y, _ = digits
    clf = SigmoidMLPClassifier(learning_rate="cosine", max_iter=3, random_state=0)
    for _ in range(5):
        clf.partial_fit(X, y, classes=np.unique(y))
    rates = [record["learning_rate"] for record in clf.history_]
    assert rates[2] == rates[3] == rates[4] < rates[1] < rates[0]


# ----------------------------------------------------------------- threads


def _blas_threads_during_fit(monkeypatch, clf, X, y):
    """The BLAS threads in force while the epochs run."""
    seen = []
    real_run_epochs = _training.run_epochs

    def recording_run_epochs(*args, **kwargs):
        seen.extend(
            info["num_threads"]
            for info in threadpool_info()
            if info["user_api"] == "blas"
        )
        return real_run_epochs(*args, **kwargs)

    monkeypatch.setattr(_training, "run_epochs", recording_run_epochs)
    clf.fit(X, y)
    return seen


def _step_slower_with(n_threads_that_wait):
    """An sgd_step that waits 2 ms when BLAS has ``n_threads_that_wait`` threads.

    It stands for a machine where that thread count is slow: two threads on a
    busy machine, one on an idle one.
    """
    real_step = _core.sgd_step

    def step(*args, **kwargs):
        blas = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
        if max(blas) == n_threads_that_wait:
            time.sleep(0.002)
        return real_step(*args, **kwargs)

    return step


needs_two_blas_threads = pytest.mark.skipif(
    max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas") < 2,
    reason="BLAS runs one thread here",
)


@needs_two_blas_threads
@pytest.mark.parametrize(
    "slow, chosen", [(2, [1]), pytest.param(1, [2], marks=pytest.mark.thorough)]
)
def test_fit_trains_with_the_blas_threads_that_step_faster(
    digits, monkeypatch, slow, chosen
):
    X, _, y, _ = digits
    monkeypatch.setattr(_core, "sgd_step", _step_slower_with(slow))
    # 60 mini-batches an epoch over four epochs: enough for the trial steps.
    clf = SigmoidMLPClassifier(batch_size=10, max_iter=4, random_state=0)
    with threadpool_limits(2, user_api="blas"):
        seen = _blas_threads_during_fit(monkeypatch, clf, X, y)
    assert sorted(set(seen)) == chosen


def test_the_thread_trials_leave_the_run_untouched(digits):
    X, _, y, _ = digits
    clf = SigmoidMLPClassifier(batch_size=10, dropout=0.2, random_state=0)
    clf.set_params(max_iter=1).fit(X, y)
    samples = _checks.LabelledSamples(
        X, clf._target_matrix(y, X.dtype), y, np.ones(len(y))
    )
    run = clf._training_run(samples, np.arange(len(y)))
    before, rng_before = run.snapshot(), run.rng.get_state()[1].copy()
    with threadpool_limits(2, user_api="blas"):
        _training.choose_blas_threads(run, n_epochs=10)
    np.testing.assert_array_equal(run.params.flat, before.weights)
    np.testing.assert_array_equal(run.velocity, before.velocity)
    assert run.t == before.t
    np.testing.assert_array_equal(run.rng.get_state()[1], rng_before)


@pytest.mark.thorough
def test_a_users_blas_limit_is_kept(digits, monkeypatch):
    X, _, y, _ = digits
    monkeypatch.setattr(_core, "sgd_step", _step_slower_with(1))
    clf = SigmoidMLPClassifier(batch_size=10, max_iter=4, random_state=0)
    with threadpool_limits(1, user_api="blas"):
        seen = _blas_threads_during_fit(monkeypatch, clf, X, y)
    assert set(seen) == {1}


# --------------------------------------------------------------- callbacks

needs_callbacks = pytest.mark.skipif(
    parse_version(sklearn.__version__).release < (1, 9),
    reason="sklearn.callback is new in scikit-learn 1.9",
)


class _EpochEnds:
    """Counts the begun and ended epoch tasks and the estimator each end saw."""

    def __init__(self):
        self.begun, self.ended = 0, []

    def setup(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        self.begun += context.task_name == "epoch"

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        if context.task_name == "epoch":
            self.ended.append(fitted_estimator)
        return False

    def teardown(self, estimator, context):
        pass


def _failing_step(at_call, failure):
    real_step = _classifier._core.sgd_step
    calls = []

    def step(*args, **kwargs):
        calls.append(1)
        cost, logits = real_step(*args, **kwargs)
        if len(calls) == at_call:
            if failure == "ctrl-c":
                raise KeyboardInterrupt
            return float("nan"), logits
        return cost, logits

    return step


@needs_callbacks
@pytest.mark.parametrize("failure", ["diverge", "ctrl-c"])
def test_a_failed_epoch_ends_its_callback_task_like_a_normal_one(
    digits, monkeypatch, interrupted_fit, failure
):
    X, _, y, _ = digits
    callback = _EpochEnds()
    clf = SigmoidMLPClassifier(max_iter=5, batch_size=100, random_state=0)
    clf.set_callbacks(callback)
    # The first mini-batch of the third epoch fails.
    n_batches = math.ceil(len(X) / 100)
    monkeypatch.setattr(
        _classifier._core, "sgd_step", _failing_step(2 * n_batches + 1, failure)
    )
    if failure == "ctrl-c":
        interrupted_fit(clf.fit, X, y)
    else:
        with pytest.warns(ConvergenceWarning, match="diverged"):
            clf.fit(X, y)
    assert callback.begun == len(callback.ended) == 3
    last = callback.ended[-1]
    assert last is not None and last.n_iter_ == 2
    np.testing.assert_array_equal(last.predict(X), clf.predict(X))
