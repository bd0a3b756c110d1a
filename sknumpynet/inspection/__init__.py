"""Pictures of a trained network, in scikit-learn's ``Display`` style.

:class:`TrainingCurveDisplay` draws the loss and accuracy after each epoch,
:class:`HiddenUnitsDisplay` the first layer's weights as images,
:class:`ImagePredictionsDisplay` test images with the classifier's top guesses,
mistakes first. matplotlib is imported only when something is drawn, so
importing this module does not need it.
"""

from ._hidden_units import HiddenUnitsDisplay
from ._predictions import ImagePredictionsDisplay
from ._training_curve import TrainingCurveDisplay

__all__ = ["HiddenUnitsDisplay", "ImagePredictionsDisplay", "TrainingCurveDisplay"]
