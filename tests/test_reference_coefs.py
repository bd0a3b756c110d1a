"""Refactors of the training loop leave the trained weights unchanged, bit for bit.

``tests/data/reference_coefs.npz`` holds the ``coefs_`` and ``intercepts_`` that
a few configurations trained to before the training loop moved into its own
module, and the numpy version that computed them. With that numpy the weights
must be equal bit for bit; another numpy rounds some sums differently in the
last place, so there they must agree to a few units in the last place. On a
machine whose BLAS kernels differ, regenerate the file from a commit known to
be right with ``python tests/test_reference_coefs.py``, and commit it with a
note; ``python tests/test_reference_coefs.py defaults`` regenerates only the
named configurations (after a deliberate change of the defaults, say) and
keeps the others.
"""

from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits
from threadpoolctl import threadpool_limits

from sknumpynet import SigmoidMLPClassifier

REFERENCE = Path(__file__).parent / "data" / "reference_coefs.npz"

# The configurations other than "defaults" name the schedule and eta their
# references were trained with, so that they do not follow the defaults.
CONSTANT_ETA = {"learning_rate": "constant", "learning_rate_init": 0.2}

# Each configuration trains for fewer epochs than n_iter_no_change, so that
# the stopping rule cannot end it early.
CONFIGURATIONS = {
    "defaults": {},
    "float32": CONSTANT_ETA,
    "nielsen_chapter1": {
        "hidden_layer_sizes": (30,),
        "loss": "squared_error",
        "output_activation": "sigmoid",
        "init": "large",
        "learning_rate": "constant",
        "learning_rate_init": 3.0,
        "batch_size": 10,
        "momentum": 0.0,
        "alpha": 0.0,
    },
    "class_weight": {
        "class_weight": "balanced",
        "learning_rate": "invscaling",
        "learning_rate_init": 0.2,
    },
    "sample_weight": {"dropout": 0.2, "batch_size": 64, **CONSTANT_ETA},
    "early_stopping": {
        "early_stopping": True,
        "learning_rate": "adaptive",
        "learning_rate_init": 0.2,
    },
}


def _train(name):
    X, y = load_digits(return_X_y=True)
    X, y = X[:400] / 16.0, y[:400]
    if name == "float32":
        X = X.astype(np.float32)
    if name == "class_weight":
        keep = (y != 3) | (np.arange(len(y)) % 4 == 0)  # make class 3 rare
        X, y = X[keep], y[keep]
    sample_weight = None
    if name == "sample_weight":
        sample_weight = np.random.default_rng(0).uniform(0, 3, size=len(y))
    params = {"max_iter": 5, "random_state": 0, **CONFIGURATIONS[name]}
    clf = SigmoidMLPClassifier(**params)
    with threadpool_limits(1):
        clf.fit(X, y, sample_weight=sample_weight)
    return {
        **{f"{name}/coef{i}": w for i, w in enumerate(clf.coefs_)},
        **{f"{name}/intercept{i}": b for i, b in enumerate(clf.intercepts_)},
    }


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_trained_weights_equal_the_reference(name):
    reference = np.load(REFERENCE)
    same_numpy = str(reference["numpy_version"]) == np.__version__
    trained = _train(name)
    assert sorted(trained) == sorted(k for k in reference if k.startswith(name + "/"))
    for key, value in trained.items():
        assert value.dtype == reference[key].dtype, key
        if same_numpy:
            np.testing.assert_array_equal(value, reference[key], err_msg=key)
        else:
            eps = np.finfo(value.dtype).eps
            np.testing.assert_allclose(
                value, reference[key], rtol=64 * eps, atol=8 * eps, err_msg=key
            )


if __name__ == "__main__":
    import sys
    import warnings

    names = sys.argv[1:] or list(CONFIGURATIONS)
    kept = {}
    if sys.argv[1:]:  # the other configurations keep their reference
        with np.load(REFERENCE) as reference:
            kept = {
                key: reference[key]
                for key in reference
                if key != "numpy_version" and key.split("/")[0] not in names
            }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        arrays = {k: v for name in names for k, v in _train(name).items()}
    np.savez_compressed(
        REFERENCE, **kept, **arrays, numpy_version=np.array(np.__version__)
    )
    print(f"wrote {len(arrays)} arrays of {names} to {REFERENCE}")
