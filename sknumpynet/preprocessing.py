"""Preprocessing of images for any classifier: deskewing.

Unlike the random distortions of :mod:`sknumpynet.augmentation`, which apply
to the training mini-batches only, a preprocessing step is a scikit-learn
transformer: it changes every image the same way, at fit and at prediction
time, as a step of a :class:`~sklearn.pipeline.Pipeline`. The user guide
explains when it helps (:doc:`/user_guide/preprocessing`).
"""

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils import gen_batches
from sklearn.utils.validation import validate_data

from ._images import check_image_rows, check_image_shape

__all__ = ["Deskew"]

# Rows deskewed at once: a few intermediate arrays of this many images stay
# small (tens of MB), and larger batches are no faster.
_BATCH_ROWS = 2048


class Deskew(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    r"""Straighten each image by a shear that makes its principal axis upright.

    Handwriting slants, and the same digit slanted two ways is two different
    lists of pixels to a classifier. Deskewing removes the slant of each image
    from its own second moments, the oldest preprocessing of MNIST: many of
    the SVM and k-nearest-neighbour rows of LeCun's MNIST table use it.

    Each row of ``X`` is read as a grey-level image of ``image_shape``, stored
    row after row (C order), as :func:`~sknumpynet.datasets.load_mnist`
    returns its 784 features. For each image, with pixel intensities as
    weights, the transform computes the centre of mass
    :math:`(\bar r, \bar c)` (mean row, mean column), the variance of the
    row index :math:`\operatorname{var}(r)` and the covariance
    :math:`\operatorname{cov}(r, c)`, and the skew
    :math:`\alpha = \operatorname{cov}(r, c) / \operatorname{var}(r)`: the
    columns a stroke moves to the right per row down. The output pixel at row
    :math:`r`, column :math:`c` takes the input's value at row :math:`r`,
    column :math:`c + \alpha (r - \bar r)`, by linear interpolation between
    the two pixels of that row around it (bilinear interpolation, whose
    vertical part is idle since the rows stay whole); pixels read from outside
    the image are 0. After this horizontal shear about the row of the centre
    of mass, the covariance of row and column is 0 and the centre of mass is
    where it was, as long as no ink is sheared out of the image.

    Parameters
    ----------
    image_shape : tuple of 2 int, default=(28, 28)
        ``(height, width)`` of the images stored in each row: ``X`` must have
        ``height * width`` features.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :term:`fit`: ``height * width``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    sknumpynet.augmentation.RandomAffine : Random shears (and more) of the
        training images, to teach a network that slant does not matter.

    Notes
    -----
    ``fit`` learns nothing (each image is deskewed by its own moments); it
    checks the data and records the number of features, so that ``transform``
    can check that it receives the same. ``transform`` also works without
    ``fit``.

    The pixels are weights, so they must be non-negative grey levels: put
    ``Deskew`` before any centring or standardisation of the pixels, not
    after. A blank image (all zeros), or one whose ink lies in a single row,
    has no skew to remove and is returned as it is. Sparse input is refused:
    a sheared image is no sparser than the original, so densify it first
    (``X.toarray()``). float32 and float64 input keep their dtype; other
    dtypes become float64.

    The method follows the deskewing of Ghosh, Wan and Liu's MNIST notes and
    of OpenCV's handwritten-digits tutorial (skew ``mu11 / mu02`` from the
    image moments). Ghosh et al. also move the centre of mass to the centre of
    the image and interpolate with cubic splines; OpenCV shears about the
    middle row of the image. Here the shear is about the centre of mass, which
    stays in place, with bilinear interpolation. The result is that of
    :func:`scipy.ndimage.affine_transform` with ``order=1`` and
    ``mode="grid-constant"`` applied to each image with its own shear,
    computed for all the images at once.

    Importing :mod:`sknumpynet.onnx` registers a converter of ``Deskew`` with
    skl2onnx, so a pipeline that starts with it can be exported to ONNX.

    References
    ----------
    Y. LeCun, C. Cortes and C. J. C. Burges, "The MNIST database of
    handwritten digits", http://yann.lecun.com/exdb/mnist/ (the table of
    results, whose rows say which used deskewing).

    D. Ghosh, A. Wan and S. Liu, "Deskewing", https://fsix.github.io/mnist/.

    OpenCV, "OCR of hand-written data using SVM", OpenCV-Python tutorials.

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynet.preprocessing import Deskew
    >>> slanted = np.fliplr(np.eye(5, dtype=np.float32))  # a stroke like "/"
    >>> deskew = Deskew(image_shape=(5, 5))
    >>> upright = deskew.fit_transform(slanted.reshape(1, 25))
    >>> upright.reshape(5, 5)
    array([[0., 0., 1., 0., 0.],
           [0., 0., 1., 0., 0.],
           [0., 0., 1., 0., 0.],
           [0., 0., 1., 0., 0.],
           [0., 0., 1., 0., 0.]], dtype=float32)

    In a pipeline, before any classifier:

    >>> from sklearn.datasets import load_digits
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.svm import SVC
    >>> X, y = load_digits(return_X_y=True)
    >>> model = make_pipeline(Deskew(image_shape=(8, 8)), SVC())
    >>> round(model.fit(X[:1000], y[:1000]).score(X[1000:], y[1000:]), 2)
    0.97
    """

    _parameter_constraints: dict = {"image_shape": ["array-like"]}

    def __init__(self, image_shape=(28, 28)):
        self.image_shape = image_shape

    def fit(self, X, y=None):
        """Check that `X` holds images of `image_shape`; learn nothing else.

        Parameters
        ----------
        X : array-like of shape (n_samples, height * width)
            The images, one per row, stored row after row, with non-negative
            grey levels.

        y : None
            Ignored.

        Returns
        -------
        self : Deskew
            The transformer, with `n_features_in_` (and `feature_names_in_`)
            set.
        """
        X = validate_data(self, X, dtype=(np.float64, np.float32))
        self._check_images(X)
        return self

    def transform(self, X):
        """Shear each image so that its principal axis is upright.

        Parameters
        ----------
        X : array-like of shape (n_samples, height * width)
            The images, one per row, stored row after row, with non-negative
            grey levels. Left untouched.

        Returns
        -------
        X_deskewed : ndarray of shape (n_samples, height * width)
            The deskewed images, float32 for float32 input and float64
            otherwise.
        """
        # No check_is_fitted: the transformer is stateless (its requires_fit
        # tag is False), as scikit-learn's Normalizer is.
        X = validate_data(self, X, dtype=(np.float64, np.float32), reset=False)
        height, width = self._check_images(X)
        X_deskewed = np.empty_like(X)
        for batch in gen_batches(X.shape[0], _BATCH_ROWS):
            images = X[batch].reshape(-1, height, width)
            X_deskewed[batch] = _deskew(images).reshape(images.shape[0], -1)
        return X_deskewed

    def _check_images(self, X):
        """Raise a ValueError unless `X` holds images Deskew can weigh.

        Returns ``(height, width)``.
        """
        self._validate_params()
        height, width = check_image_shape(self.image_shape)
        _check_grey_levels(X, max(height, width))
        return check_image_rows("Deskew", self.image_shape, X.shape[1])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.positive_only = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _check_grey_levels(X, side):
    """Raise a ValueError if `X` has negative or overflowing grey levels.

    The moments sum the grey levels times squared positions up to `side`
    over all the pixels of an image, in float64.
    """
    if X.min() < 0:
        raise ValueError(
            f"Negative values in data passed to Deskew (min {X.min():g}): the "
            "grey levels weigh each pixel's position, so they must be >= 0. "
            "Put Deskew before any centring or standardisation of the pixels."
        )
    largest = np.finfo(np.float64).max / (X.shape[1] * side**2)
    if X.max() > largest:
        raise ValueError(
            f"Grey levels up to {X.max():g} passed to Deskew overflow its "
            f"moments, which hold up to {largest:.1e}. Scale the images, "
            "for example to [0, 1]."
        )


def _deskew(images):
    """Deskew `images` (n_images, height, width); return a new array."""
    skew, row_centre = _skew(images)
    rows = np.arange(images.shape[1])
    # Output column c of row r reads the input at column c + shift[r].
    shifts = skew[:, None] * (rows - row_centre[:, None])
    return _shift_rows(images, shifts)


def _skew(images):
    """The skew ``cov(r, c) / var(r)`` and mean row of each image, in float64.

    Images with no ink, or with all their ink in one row, get a skew of 0.
    """
    _, height, width = images.shape
    rows = np.arange(height, dtype=np.float64)
    # Per image row: its ink and its ink times the column index, as one
    # matrix product, in float64 so that float32 sums keep their precision.
    weights = np.stack([np.ones(width), np.arange(width, dtype=np.float64)], axis=1)
    profiles = np.matmul(images, weights)
    ink, ink_times_col = profiles[..., 0], profiles[..., 1]
    mass = ink.sum(axis=1)
    has_ink = mass > 0
    mass[~has_ink] = 1.0  # any non-zero value: such images keep a skew of 0
    row_centre = (ink @ rows) / mass
    col_centre = ink_times_col.sum(axis=1) / mass
    row_offset = rows - row_centre[:, None]
    row_variance = (row_offset**2 * ink).sum(axis=1) / mass
    # Per row: the ink times its column's offset from the column centre.
    ink_times_col_offset = ink_times_col - col_centre[:, None] * ink
    covariance = (row_offset * ink_times_col_offset).sum(axis=1) / mass
    # Ink in a single row leaves a variance of rounding errors only, about
    # eps * height**2, where the skew would be noise divided by noise.
    sheared = has_ink & (row_variance > np.finfo(np.float64).eps * height**2)
    skew = np.divide(
        covariance, row_variance, out=np.zeros_like(covariance), where=sheared
    )
    return skew, row_centre


def _shift_rows(images, shifts):
    """Shift each image row left by its own fractional number of columns.

    Parameters
    ----------
    images : ndarray of shape (n_images, height, width)
        The images; float32 or float64.
    shifts : ndarray of shape (n_images, height)
        Output column ``c`` of a row takes the input's value at column
        ``c + shift`` of that row, interpolated linearly; 0 outside the image.

    Returns
    -------
    shifted : ndarray of shape (n_images, height, width)
        A new array of the dtype of `images`.
    """
    n_images, height, width = images.shape
    whole = np.floor(shifts)
    fraction = (shifts - whole).astype(images.dtype)[..., None]
    # Each row gets `width + 1` zeros on both sides, so that the two windows
    # of `width` pixels a row reads start inside the padded row even when
    # every pixel comes from outside the image.
    pad = width + 1
    np.clip(whole, -pad, width, out=whole)
    padded = np.pad(images, ((0, 0), (0, 0), (pad, pad)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, width, axis=2)
    start = whole.astype(np.intp) + pad
    image_index = np.arange(n_images)[:, None]
    row_index = np.arange(height)
    left = windows[image_index, row_index, start]
    right = windows[image_index, row_index, start + 1]
    # left + fraction * (right - left), in place.
    right -= left
    right *= fraction
    left += right
    return left
