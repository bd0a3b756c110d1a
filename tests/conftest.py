"""Test-session setup shared by every test module.

Hypothesis profiles
-------------------
The property-based tests (``tests/test_properties.py``) draw their examples
under the profile named by the environment variable
``SKNUMPYNET_HYPOTHESIS_PROFILE``:

``quick`` (the default)
    100 examples per test, enough to catch a broken property in the run
    of the README's test command, which must stay fast.
``thorough``
    10,000 examples per test, for CI: ``.ci/run`` sets
    ``SKNUMPYNET_HYPOTHESIS_PROFILE=thorough``.
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
settings.load_profile(os.environ.get("SKNUMPYNET_HYPOTHESIS_PROFILE", "quick"))


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
