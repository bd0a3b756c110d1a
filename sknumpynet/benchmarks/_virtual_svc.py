"""The virtual-support-vector SVM: an SVC refitted on distorted support vectors.

Schölkopf, Burges and Vapnik (1996) give an SVM prior knowledge of images by
fitting it once, adding distorted copies of its support vectors (the only
training images its decision function uses) and fitting again on those;
DeCoste and Schölkopf (2002) reach 99.44 % on deskewed MNIST that way. Both fits
are scikit-learn's: this module only builds the second training set.
"""

import numpy as np
from scipy import ndimage
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context, clone
from sklearn.svm import SVC
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .._images import check_image_rows

# The four one-pixel shifts of the papers, as (rows, columns): down, up, right, left.
ONE_PIXEL_SHIFTS = ((1, 0), (-1, 0), (0, 1), (0, -1))


class VirtualSVC(ClassifierMixin, BaseEstimator):
    """SVC fitted again on its support vectors and distorted copies of them.

    ``fit`` fits a clone of `estimator`, takes its support vectors
    (``support_``), adds ``len(ONE_PIXEL_SHIFTS)`` distorted copies of each and
    fits a fresh clone on the support vectors and their copies; that second
    fit predicts. Fitting time therefore counts both fits, as in the papers.

    Parameters
    ----------
    estimator : estimator with ``support_``, default=None
        The support vector machine fitted twice, such as ``SVC(C=10)``; None
        means ``SVC()``. Its parameters serve both fits.

    distortion : "shifts" or Augmentation, default="shifts"
        How the copies are made. ``"shifts"``: each support vector moved by one
        pixel down, up, right and left, the pixels vacated at the border set to
        0 (Schölkopf, Burges and Vapnik 1996). An augmentation of
        :mod:`sknumpynet.augmentation`, such as ``ElasticDistortion()``: four
        random copies of each support vector by its ``augment``, as many as the
        shifts make.

    image_shape : tuple of 2 int, default=(28, 28)
        ``(height, width)`` of the images stored in each row, for the shifts
        (an augmentation has its own).

    random_state : int, RandomState instance or None, default=None
        Seeds the random copies of an augmentation; the shifts draw nothing.

    Attributes
    ----------
    estimator_ : estimator
        The second fit, on the support vectors and their copies, which
        predicts.

    n_support_first_ : int
        The number of support vectors of the first fit.

    n_virtual_ : int
        The number of training images of the second fit: the support vectors
        and their copies.

    classes_ : ndarray of shape (n_classes,)
        The class labels.

    n_features_in_ : int
        The number of features seen during ``fit``.

    See Also
    --------
    sklearn.svm.SVC : The support vector machine fitted twice.
    sknumpynet.augmentation.ElasticDistortion : Distortions for the copies.

    References
    ----------
    B. Schölkopf, C. Burges and V. Vapnik, "Incorporating invariances in
    support vector learning machines", ICANN 1996.

    D. DeCoste and B. Schölkopf, "Training invariant support vector machines",
    Machine Learning 46, 2002.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.svm import SVC
    >>> from sknumpynet.benchmarks._virtual_svc import VirtualSVC
    >>> X, y = load_digits(return_X_y=True)
    >>> vsv = VirtualSVC(SVC(gamma=0.001), image_shape=(8, 8)).fit(X[:300], y[:300])
    >>> vsv.n_virtual_ == 5 * vsv.n_support_first_
    True
    >>> vsv.predict(X[300:303]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "distortion": [StrOptions({"shifts"}), HasMethods(["augment"])],
        "image_shape": [tuple],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        distortion="shifts",
        image_shape=(28, 28),
        random_state=None,
    ):
        self.estimator = estimator
        self.distortion = distortion
        self.image_shape = image_shape
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Fit the SVC, then fit it again on its distorted support vectors.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training images, one per row.

        y : array-like of shape (n_samples,)
            Their labels.

        Returns
        -------
        self : VirtualSVC
            The fitted classifier.
        """
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32])
        check_classification_targets(y)
        if isinstance(self.distortion, str):  # "shifts": check before a long fit
            check_image_rows("VirtualSVC", self.image_shape, X.shape[1])
        estimator = SVC() if self.estimator is None else self.estimator
        first = clone(estimator).fit(X, y)
        if not hasattr(first, "support_"):
            raise TypeError(
                f"VirtualSVC needs a support vector machine, whose fit sets "
                f"support_; {type(first).__name__} does not."
            )
        support_X, support_y = X[first.support_], y[first.support_]
        copies = self._copies(support_X, check_random_state(self.random_state))
        self.estimator_ = clone(estimator).fit(
            np.concatenate([support_X, *copies]),
            np.tile(support_y, 1 + len(copies)),
        )
        self.classes_ = self.estimator_.classes_
        self.n_support_first_ = len(first.support_)
        self.n_virtual_ = len(support_y) * (1 + len(copies))
        return self

    def _copies(self, X, rng):
        """The distorted copies of the rows of `X`, one array per copy."""
        if isinstance(self.distortion, str):  # "shifts"
            shape = check_image_rows("VirtualSVC", self.image_shape, X.shape[1])
            images = X.reshape(-1, *shape)
            return [
                ndimage.shift(images, (0, *offset), order=0, cval=0.0).reshape(X.shape)
                for offset in ONE_PIXEL_SHIFTS
            ]
        return [self.distortion.augment(X, rng) for _ in ONE_PIXEL_SHIFTS]

    def predict(self, X):
        """Predict the class of each image by the second fit.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Images, one per row.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            The predicted classes.
        """
        return self.estimator_.predict(self._validated(X))

    def decision_function(self, X):
        """The second fit's decision function of each image.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Images, one per row.

        Returns
        -------
        scores : ndarray of shape (n_samples, n_classes) or (n_samples,)
            As the estimator's ``decision_function`` returns them.
        """
        return self.estimator_.decision_function(self._validated(X))

    def _validated(self, X):
        check_is_fitted(self)
        return validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
