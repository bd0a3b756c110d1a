"""scikit-learn's own estimator checks."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sknumpynet import SigmoidMLPClassifier
from sknumpynet.augmentation import GaussianNoise

# The defaults, and a network that distorts its training rows: the two paths
# every fit takes. The other settings run with the thorough test profile.
ESTIMATORS = [
    SigmoidMLPClassifier(),
    SigmoidMLPClassifier(augment=GaussianNoise(std=0.05)),
]
MORE_ESTIMATORS = [
    SigmoidMLPClassifier(loss="squared_error", output_activation="sigmoid"),
    SigmoidMLPClassifier(output_activation="softmax"),
    # The checks fit on 10 samples: early stopping needs 2 of them to validate.
    SigmoidMLPClassifier(early_stopping=True, validation_fraction=0.2),
    SigmoidMLPClassifier(dropout=0.2),
]

# Three settings draw randomness per sample, so a sample of weight 2 cannot
# behave exactly like two copies of it: a held-out validation split can put
# the copies on both sides, dropout gives each copy its own mask and
# augmentation its own distortion. Without them the equivalence holds exactly
# and is checked.
PER_SAMPLE_RANDOMNESS = {
    "early_stopping": "the validation split of early stopping sees copies as distinct",
    "dropout": "dropout draws an independent mask for each copy of a sample",
    "augment": "augmentation distorts each copy of a sample independently",
}


def _expected_failed_checks(estimator):
    params = estimator.get_params()
    for name, reason in PER_SAMPLE_RANDOMNESS.items():
        if params[name]:
            return {
                "check_sample_weight_equivalence_on_dense_data": reason,
                "check_sample_weight_equivalence_on_sparse_data": reason,
            }
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.thorough
@parametrize_with_checks(
    MORE_ESTIMATORS, expected_failed_checks=_expected_failed_checks
)
def test_sklearn_compatible_estimator_in_other_settings(estimator, check):
    check(estimator)
