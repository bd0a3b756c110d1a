"""scikit-learn's own estimator checks."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sknumpynet import SigmoidMLPClassifier

ESTIMATORS = [
    SigmoidMLPClassifier(),
    SigmoidMLPClassifier(loss="squared_error", output_activation="sigmoid"),
    SigmoidMLPClassifier(output_activation="softmax"),
    SigmoidMLPClassifier(early_stopping=True),
]

# A held-out validation set cannot treat a sample of weight 2 like two copies
# of it: the copies can land on both sides of the split, the weighted sample
# only on one. Without early stopping the equivalence holds and is checked.
EARLY_STOPPING_WEIGHT_REASON = (
    "the validation split of early stopping sees repeated samples as distinct"
)


def _expected_failed_checks(estimator):
    if not estimator.early_stopping:
        return {}
    return {
        "check_sample_weight_equivalence_on_dense_data": EARLY_STOPPING_WEIGHT_REASON,
        "check_sample_weight_equivalence_on_sparse_data": EARLY_STOPPING_WEIGHT_REASON,
    }


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
