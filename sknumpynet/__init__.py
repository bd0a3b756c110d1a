"""sknumpynet: a scikit-learn classifier of sigmoid neurons, trained in plain numpy."""

from ._checks import FeatureScaleWarning
from ._classifier import SigmoidMLPClassifier

__version__ = "0.1.0"

__all__ = ["FeatureScaleWarning", "SigmoidMLPClassifier", "__version__"]
