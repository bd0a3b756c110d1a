"""Test-session setup and the fixtures that several test modules share.

Test profiles
-------------
How much the suite runs is set by the environment variable
``SKNUMPYNET_TEST_PROFILE``:

``quick`` (the default)
    100 Hypothesis examples per property-based test
    (``tests/test_properties.py``), and the tests marked ``thorough`` are
    skipped: those repeat, on more configurations or at greater length,
    what a quicker test already checks. This keeps the README's test
    command fast.
``thorough``
    10,000 examples per property-based test and every ``thorough`` test,
    for CI: ``.ci/run`` sets ``SKNUMPYNET_TEST_PROFILE=thorough``.
``explore``
    ``thorough`` with new random examples on every run, to hunt for
    failures locally.

``quick`` and ``thorough`` draw the same examples on every run
(``derandomize=True``) and write no example database, so that a failure in
CI shows up again on any machine; the blob Hypothesis prints with a failure
replays it (``@reproduce_failure``).
"""

import os
import warnings

import pytest
from hypothesis import HealthCheck, settings
from sklearn.datasets import load_digits, make_classification
from sklearn.model_selection import train_test_split

# scikit-learn's check_array_api_input runs only when SciPy's array-API mode is
# on, and SciPy reads this variable once, when it is first imported.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

settings.register_profile(
    "quick",
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    # Every example fits a network: slow by Hypothesis' measure, by design.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough", settings.get_profile("quick"), max_examples=10_000
)
settings.register_profile(
    "explore", settings.get_profile("thorough"), derandomize=False
)
TEST_PROFILE = os.environ.get("SKNUMPYNET_TEST_PROFILE", "quick")
settings.load_profile(TEST_PROFILE)


def pytest_collection_modifyitems(config, items):
    """Skip the ``thorough`` tests under the quick profile, saying how to run them."""
    if TEST_PROFILE != "quick":
        return
    skip = pytest.mark.skip(reason="runs with SKNUMPYNET_TEST_PROFILE=thorough (CI)")
    for item in items:
        if "thorough" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def interrupted_fit():
    """Run a fit that is interrupted; return the message of its one warning.

    An interrupted fit stores its model, warns, and lets the KeyboardInterrupt
    go on. (``pytest.warns`` checks nothing when its block ends in a
    KeyboardInterrupt, hence a function of its own.)
    """

    def run(fit, *args, **kwargs):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(KeyboardInterrupt):
                fit(*args, **kwargs)
        messages = [
            str(warning.message)
            for warning in caught
            if warning.category is UserWarning
            and "interrupted by user" in str(warning.message)
        ]
        assert len(messages) == 1, [str(warning.message) for warning in caught]
        return messages[0]

    return run


@pytest.fixture(scope="session")
def digits():
    """scikit-learn's 1,797 digits, pixels scaled to [0, 1], split 3:1.

    ``(X_train, X_test, y_train, y_test)`` as ``train_test_split`` returns
    them: 1,347 training and 450 test digits of 64 features.
    """
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.25, random_state=0)


@pytest.fixture(scope="session")
def small_problem():
    """``(X, y)``: 120 samples of 8 features in 3 classes, fitted in milliseconds."""
    return make_classification(
        n_samples=120, n_features=8, n_informative=5, n_classes=3, random_state=0
    )


@pytest.fixture
def close_figures():
    """Close the matplotlib figures a test opened."""
    plt = pytest.importorskip("matplotlib.pyplot")
    yield
    plt.close("all")
