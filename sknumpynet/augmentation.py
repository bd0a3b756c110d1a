"""Random distortions of the training data (data augmentation).

A fully connected network knows nothing of the geometry of its inputs: to it a
28 x 28 digit is a list of 784 numbers, and the same digit moved by one pixel
is a different list. Training on randomly distorted copies of the training
images teaches it that such changes do not change the class (Simard,
Steinkraus and Platt, 2003). The user guide explains when this helps
(:doc:`/user_guide/augmentation`).

Each transform is a small object with two methods:

``check_n_features(n_features)``
    Raise a :class:`ValueError` that says what to change if the parameters are
    invalid or the transform cannot apply to rows of ``n_features`` values.
``augment(X, rng)``
    Return a new array of the shape and dtype of ``X`` (float32 or float64,
    one sample per row), with every row distorted at random by draws from the
    :class:`numpy.random.Generator` ``rng``; ``X`` is left untouched.

The image transforms read each row as a grey-level image of ``image_shape``
``(height, width)`` stored row after row (C order), as ``load_mnist`` returns
its 784 features. They work on a whole array of rows at once, with no Python
loop over the images. The checks of ``image_shape``, which the rest of the
package shares, and the resampling helpers live in ``sknumpynet._images``, the
one module of the package this one imports.

The transforms derive from :class:`~sklearn.base.BaseEstimator`: they have
``get_params`` and ``set_params``, can be cloned, pickled and saved with
``skops.io``, and print their parameters.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, InvalidParameterError
from sklearn.utils.metaestimators import _BaseComposition

from ._images import (
    bilinear,
    blocks,
    check_image_rows,
    check_image_shape,
    gaussian_smooth,
    interpolate,
    resampling,
)

__all__ = [
    "Augmentation",
    "Chain",
    "ElasticDistortion",
    "GaussianNoise",
    "RandomAffine",
    "RandomShift",
]

_FINITE = Interval(Real, None, None, closed="neither")
_NON_NEGATIVE = Interval(Real, 0, None, closed="left")


class Augmentation(BaseEstimator):
    """Base class of the random transforms of training data.

    A subclass declares its parameters in ``__init__`` and
    ``_parameter_constraints``, as scikit-learn estimators do, and implements
    :meth:`augment`. :meth:`check_n_features` validates the parameters against
    the constraints, then calls ``_check_values(n_features)``, where a subclass
    makes the checks that constraints cannot express.

    See Also
    --------
    RandomShift : Whole-pixel shifts of images.
    RandomAffine : Rotation, scaling, shear and shift of images.
    ElasticDistortion : Smooth random distortions of images.
    GaussianNoise : Noise added to any features.
    """

    _parameter_constraints: dict = {}

    def check_n_features(self, n_features):
        """Check the parameters, and that the transform applies to the data.

        Parameters
        ----------
        n_features : int
            The number of features (values per row) of the data to augment.

        Raises
        ------
        ValueError
            If a parameter is invalid, or the transform cannot apply to rows
            of ``n_features`` values.
        """
        self._validate_params()
        self._check_values(n_features)

    def _check_values(self, n_features):
        """Raise a ValueError for what the parameter constraints cannot check."""

    def augment(self, X, rng):
        """Return a randomly distorted copy of `X`.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features), dtype float32 or float64
            The rows to distort. Left untouched.
        rng : numpy.random.Generator
            The source of every random draw: the same state gives the same
            output. Anything :func:`numpy.random.default_rng` accepts works too;
            a :class:`numpy.random.RandomState` is drawn from, not copied.

        Returns
        -------
        X_augmented : ndarray of shape (n_samples, n_features)
            A new array of the dtype of `X`.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement augment")

    def _check_rows(self, X):
        """Validate the parameters and `X`, the array :meth:`augment` receives."""
        if not (
            isinstance(X, np.ndarray)
            and X.ndim == 2
            and X.dtype in (np.float32, np.float64)
        ):
            raise ValueError(
                f"{type(self).__name__}.augment expects a 2-D float32 or float64 "
                f"ndarray (one sample per row); got {type(X).__name__} "
                f"with shape {np.shape(X)} and dtype {getattr(X, 'dtype', None)}."
            )
        self.check_n_features(X.shape[1])


class _ImageAugmentation(Augmentation):
    """Base of the transforms that distort each row as an image.

    Subclasses implement ``_distort(images, rng)`` on an array of shape
    ``(n_samples, height, width)``, returning a new array of that shape.
    """

    _parameter_constraints: dict = {
        "image_shape": ["array-like"],
        "fill_value": [_FINITE],
    }

    def _check_values(self, n_features):
        check_image_rows(type(self).__name__, self.image_shape, n_features)

    def augment(self, X, rng):
        """Return a copy of `X` with every image distorted at random.

        Parameters
        ----------
        X : ndarray of shape (n_samples, height * width), dtype float32 or float64
            The images, one per row, stored row after row. Left untouched.
        rng : numpy.random.Generator
            The source of every random draw: the same state gives the same
            output. Anything :func:`numpy.random.default_rng` accepts works too;
            a :class:`numpy.random.RandomState` is drawn from, not copied.

        Returns
        -------
        X_augmented : ndarray of shape (n_samples, height * width)
            A new array of the dtype of `X`.
        """
        self._check_rows(X)
        images = X.reshape(-1, *check_image_shape(self.image_shape))
        distorted = self._distort(images, np.random.default_rng(rng))
        return distorted.reshape(X.shape)


class RandomShift(_ImageAugmentation):
    """Shift each image by a random whole number of pixels.

    Each image moves by ``dy`` rows and ``dx`` columns, each drawn uniformly
    and independently from the integers in ``[-max_shift, max_shift]``
    (positive: down and to the right). No interpolation: pixel values are
    copied; the pixels vacated at the border get ``fill_value``.

    Parameters
    ----------
    image_shape : tuple of 2 int, default=(28, 28)
        ``(height, width)`` of the images stored in each row.
    max_shift : int, default=2
        The largest shift, in pixels, along each axis. 0 leaves the images
        unchanged.
    fill_value : float, default=0.0
        The value of the pixels shifted in from outside the image (0 is the
        background of MNIST).

    See Also
    --------
    RandomAffine : Shifts by fractions of a pixel, with rotation, scaling
        and shear.

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynet.augmentation import RandomShift
    >>> X = np.zeros((2, 9), dtype=np.float32)
    >>> X[:, 4] = 1.0  # two 3 x 3 images with a dot in the middle
    >>> shift = RandomShift(image_shape=(3, 3), max_shift=1)
    >>> shift.check_n_features(X.shape[1])
    >>> X_shifted = shift.augment(X, np.random.default_rng(0))
    >>> X_shifted.shape, X_shifted.dtype
    ((2, 9), dtype('float32'))

    A shift of at most one pixel moves the dot but keeps it in the image:

    >>> X_shifted.sum(axis=1)
    array([1., 1.], dtype=float32)
    """

    _parameter_constraints: dict = {
        **_ImageAugmentation._parameter_constraints,
        "max_shift": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(self, image_shape=(28, 28), max_shift=2, fill_value=0.0):
        self.image_shape = image_shape
        self.max_shift = max_shift
        self.fill_value = fill_value

    def _distort(self, images, rng):
        n_samples, height, width = images.shape
        pad = self.max_shift
        padded = np.pad(
            images, ((0, 0), (pad, pad), (pad, pad)), constant_values=self.fill_value
        )
        # Shifting the content by +s shows the window of the padded image that
        # starts at pad - s.
        dy, dx = rng.integers(-pad, pad + 1, size=(2, n_samples, 1, 1))
        rows = pad - dy + np.arange(height)[:, None]
        cols = pad - dx + np.arange(width)
        return padded[np.arange(n_samples)[:, None, None], rows, cols]


class RandomAffine(_ImageAugmentation):
    """Rotate, scale, shear and shift each image by random amounts.

    For each image an angle, a scale factor, a shear angle and a shift along
    each axis are drawn uniformly from their ranges; the image is scaled, then
    sheared, then rotated about its centre, then shifted, and resampled by
    bilinear interpolation. Pixels that come from outside the image get
    ``fill_value``. This is torchvision's ``RandomAffine`` with angles in
    degrees and shifts in pixels.

    Each range is given as a number ``r`` for ``[-r, r]`` or as a pair
    ``(low, high)``.

    Parameters
    ----------
    image_shape : tuple of 2 int, default=(28, 28)
        ``(height, width)`` of the images stored in each row.
    rotation : float or tuple of 2 float, default=10.0
        Range of the rotation angle in degrees; positive turns the image
        counter-clockwise as displayed (first row at the top).
    scale : tuple of 2 float, default=(0.9, 1.1)
        ``(low, high)`` range of the scale factor, both > 0; above 1 enlarges.
    shear : float or tuple of 2 float, default=10.0
        Range of the shear angle in degrees, parallel to the rows: a pixel at
        distance ``d`` below the centre moves ``d * tan(shear)`` to the right.
    shift : float or tuple of 2 float, default=2.0
        Range of the shift in pixels, drawn independently for the rows (down)
        and the columns (right). Unlike torchvision's ``translate``, a pair is
        a range, not one maximum per axis.
    fill_value : float, default=0.0
        The value of the pixels that come from outside the image (0 is the
        background of MNIST).

    See Also
    --------
    RandomShift : Whole-pixel shifts only, without interpolation; faster.
    ElasticDistortion : Smooth local distortions, as by another hand.

    Notes
    -----
    With all ranges at zero strength (``rotation=0, scale=(1, 1), shear=0,
    shift=0``) the transform returns the images unchanged. Simard et al.
    (2003) reduced the test error of a fully connected network on MNIST from
    1.6 % to 1.1 % by training on affine distortions.

    References
    ----------
    P. Y. Simard, D. Steinkraus and J. C. Platt, "Best practices for
    convolutional neural networks applied to visual document analysis",
    ICDAR 2003.

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynet.augmentation import RandomAffine
    >>> image = np.arange(9, dtype=np.float32).reshape(3, 3)
    >>> quarter_turn = RandomAffine(
    ...     image_shape=(3, 3), rotation=(90, 90), scale=(1, 1), shear=0, shift=0
    ... )
    >>> rotated = quarter_turn.augment(image.reshape(1, 9), np.random.default_rng(0))
    >>> np.allclose(rotated.reshape(3, 3), np.rot90(image), atol=1e-5)
    True
    """

    _parameter_constraints: dict = {
        **_ImageAugmentation._parameter_constraints,
        "rotation": [_NON_NEGATIVE, "array-like"],
        # Numbers are accepted here so that the error for one says "a pair".
        "scale": [Real, "array-like"],
        "shear": [_NON_NEGATIVE, "array-like"],
        "shift": [_NON_NEGATIVE, "array-like"],
    }

    def __init__(
        self,
        image_shape=(28, 28),
        rotation=10.0,
        scale=(0.9, 1.1),
        shear=10.0,
        shift=2.0,
        fill_value=0.0,
    ):
        self.image_shape = image_shape
        self.rotation = rotation
        self.scale = scale
        self.shear = shear
        self.shift = shift
        self.fill_value = fill_value

    def _check_values(self, n_features):
        super()._check_values(n_features)
        for name in ("rotation", "scale", "shear", "shift"):
            _uniform_range(self, name)

    def _distort(self, images, rng):
        n_samples, height, width = images.shape
        angle, scale, shear, dy, dx = (
            rng.uniform(*range_, size=n_samples)
            for range_ in (
                np.deg2rad(_uniform_range(self, "rotation")),
                _uniform_range(self, "scale"),
                np.deg2rad(_uniform_range(self, "shear")),
                _uniform_range(self, "shift"),
                _uniform_range(self, "shift"),
            )
        )
        # The forward map of an offset (x, y) from the centre, y pointing down,
        # is rotation @ shear @ scale; each output pixel reads the input at
        # the inverse map of its offset: scale⁻¹ @ shear⁻¹ @ rotation⁻¹.
        cos, sin, tan = np.cos(angle), np.sin(angle), np.tan(shear)
        inverse = np.array([[cos - tan * sin, -sin - tan * cos], [sin, cos]]) / scale
        inverse = inverse.astype(images.dtype)[..., None, None]
        shifts = np.array([dy, dx], dtype=images.dtype)[..., None, None]
        distorted = np.empty_like(images)
        for block in blocks(n_samples):
            rows, cols = _affine_positions(
                inverse[:, :, block], shifts[:, block], height, width
            )
            distorted[block] = bilinear(images[block], rows, cols, self.fill_value)
        return distorted


class ElasticDistortion(_ImageAugmentation):
    """Distort each image by a random smooth displacement field.

    The elastic distortion of Simard, Steinkraus and Platt (2003): for each
    image, two fields of the image's shape (the displacement along the rows
    and along the columns) are drawn uniformly in ``[-1, 1]``, smoothed by a
    gaussian of standard deviation ``sigma`` pixels and multiplied by
    ``alpha``. Each output pixel takes the value of the input at its own
    position plus its displacement, by bilinear interpolation; pixels that
    come from outside the image get ``fill_value``.

    A small ``sigma`` gives nearly independent displacements, which look
    like noise; a large one moves the whole image almost rigidly. In between
    (``sigma`` around 4 pixels on 28 x 28 digits, with ``alpha`` around 34)
    the strokes bend as if written by a different hand.

    Parameters
    ----------
    image_shape : tuple of 2 int, default=(28, 28)
        ``(height, width)`` of the images stored in each row.
    alpha : float, default=34.0
        Scale of the smoothed displacement field, in pixels. 0 leaves the
        images unchanged.
    sigma : float, default=4.0
        Standard deviation in pixels of the gaussian that smooths the field.
        The field is smoothed with zero padding beyond the borders
        (:func:`scipy.ndimage.gaussian_filter` with ``mode="constant"``).
    fill_value : float, default=0.0
        The value of the pixels that come from outside the image (0 is the
        background of MNIST).
    images_per_field : int, default=1
        How many images share each displacement field. 1 draws a field for
        every image, as Simard et al. did. A larger value draws one field for
        every ``images_per_field`` images of a call to :meth:`augment` and
        gives each field to that many of them, chosen at random: drawing and
        smoothing a field and preparing its interpolation is then done once
        for all its images, which makes the distortion cheaper, but the
        images of a call are distorted in fewer different ways.

    See Also
    --------
    RandomAffine : Global rotation, scaling, shear and shift.

    Notes
    -----
    Simard et al. (2003) reduced the test error of a fully connected network
    of 800 hidden units on MNIST from 1.6 % to 0.7 % by training on elastic
    distortions (1.1 % with affine ones); Cireşan et al. (2010) reached 0.35 %
    with larger networks trained on elastic and affine distortions.

    The gaussian smoothing is computed as two matrix products, with the
    ``(height, height)`` and ``(width, width)`` matrices of the 1-D filter:
    the result of :func:`scipy.ndimage.gaussian_filter`, at a lower cost for
    images this small.

    Shared fields follow Loosli, Canu and Bottou (2007), who distorted the
    digits of their "infinite MNIST" by a fixed bank of 1,522 precomputed
    fields. Here the fields are drawn again at each call from ``rng``, so
    the transform keeps no state: the same ``rng`` state gives the same
    output, whatever was distorted before. The user guide says what sharing
    saves and what it costs in accuracy (:doc:`/user_guide/augmentation`).

    References
    ----------
    P. Y. Simard, D. Steinkraus and J. C. Platt, "Best practices for
    convolutional neural networks applied to visual document analysis",
    ICDAR 2003.

    G. Loosli, S. Canu and L. Bottou, "Training invariant support vector
    machines using selective sampling", in Large Scale Kernel Machines, MIT
    Press, 2007.

    D. C. Cireşan, U. Meier, L. M. Gambardella and J. Schmidhuber, "Deep,
    big, simple neural nets for handwritten digit recognition", Neural
    Computation 22(12), 2010.

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynet.augmentation import ElasticDistortion
    >>> X = np.random.default_rng(0).random((5, 784), dtype=np.float32)
    >>> elastic = ElasticDistortion(sigma=5.0)
    >>> elastic
    ElasticDistortion(sigma=5.0)
    >>> X_distorted = elastic.augment(X, np.random.default_rng(1))
    >>> X_distorted.shape, X_distorted.dtype
    ((5, 784), dtype('float32'))

    Bilinear interpolation mixes neighbouring pixels (and the fill value), so
    the values stay within the range of the input:

    >>> bool(X_distorted.min() >= 0.0 and X_distorted.max() <= 1.0)
    True
    """

    _parameter_constraints: dict = {
        **_ImageAugmentation._parameter_constraints,
        "alpha": [_NON_NEGATIVE],
        "sigma": [Interval(Real, 0, None, closed="neither")],
        "images_per_field": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        image_shape=(28, 28),
        alpha=34.0,
        sigma=4.0,
        fill_value=0.0,
        images_per_field=1,
    ):
        self.image_shape = image_shape
        self.alpha = alpha
        self.sigma = sigma
        self.fill_value = fill_value
        self.images_per_field = images_per_field

    def _distort(self, images, rng):
        n_samples = len(images)
        if self.images_per_field == 1:
            fields = self._draw_fields(n_samples, images.dtype, rng)
            distorted = np.empty_like(images)
            for block in blocks(n_samples):
                rows, cols = self._positions(fields[:, block])
                distorted[block] = bilinear(images[block], rows, cols, self.fill_value)
            return distorted
        return self._distort_by_shared_fields(images, rng)

    def _distort_by_shared_fields(self, images, rng):
        """Distort each image by one of n_samples / images_per_field fields."""
        n_samples = len(images)
        n_fields = -(-n_samples // self.images_per_field)
        fields = self._draw_fields(n_fields, images.dtype, rng)
        index, row_weight, col_weight = resampling(*self._positions(fields))
        # Each field distorts images_per_field images (one fewer for some
        # when they do not divide evenly), chosen at random.
        field_of = rng.permutation(n_samples) % n_fields
        distorted = np.empty_like(images)
        for block in blocks(n_samples):
            chosen = field_of[block]
            distorted[block] = interpolate(
                images[block],
                index[chosen],
                row_weight[chosen],
                col_weight[chosen],
                self.fill_value,
            )
        return distorted

    def _draw_fields(self, n_fields, dtype, rng):
        """Uniform random fields in [-1, 1], of shape (2, n_fields, height, width)."""
        fields = rng.random(
            (2, n_fields, *check_image_shape(self.image_shape)), dtype=dtype
        )
        fields *= 2
        fields -= 1
        return fields

    def _positions(self, fields):
        """The positions (rows, cols) each pixel reads, displaced by `fields`."""
        *_, height, width = fields.shape
        rows, cols = gaussian_smooth(fields, self.sigma)
        rows *= self.alpha
        rows += np.arange(height, dtype=fields.dtype)[:, None]
        cols *= self.alpha
        cols += np.arange(width, dtype=fields.dtype)
        return rows, cols


class GaussianNoise(Augmentation):
    """Add independent gaussian noise to every feature.

    For data that are not images: each value gets ``N(0, std**2)`` noise
    added. It applies to any number of features. Standardise the features
    first (:class:`~sklearn.preprocessing.StandardScaler`), so that one
    ``std`` means the same for all of them.

    Parameters
    ----------
    std : float, default=0.1
        Standard deviation of the noise. 0 leaves the data unchanged.

    See Also
    --------
    RandomShift, RandomAffine, ElasticDistortion : Distortions of images.

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynet.augmentation import GaussianNoise
    >>> X = np.zeros((1000, 20))
    >>> noisy = GaussianNoise(std=0.5).augment(X, np.random.default_rng(0))
    >>> noisy.shape, noisy.dtype
    ((1000, 20), dtype('float64'))
    >>> round(float(noisy.std()), 1)
    0.5
    """

    _parameter_constraints: dict = {"std": [_NON_NEGATIVE]}

    def __init__(self, std=0.1):
        self.std = std

    def augment(self, X, rng):
        """Return a copy of `X` with gaussian noise added.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features), dtype float32 or float64
            The rows to add noise to. Left untouched.
        rng : numpy.random.Generator
            The source of every random draw: the same state gives the same
            output. Anything :func:`numpy.random.default_rng` accepts works too;
            a :class:`numpy.random.RandomState` is drawn from, not copied.

        Returns
        -------
        X_augmented : ndarray of shape (n_samples, n_features)
            A new array of the dtype of `X`.
        """
        self._check_rows(X)
        noisy = np.random.default_rng(rng).standard_normal(X.shape, dtype=X.dtype)
        noisy *= self.std
        noisy += X
        return noisy


class Chain(Augmentation, _BaseComposition):
    """Apply several transforms in turn, as one transform.

    Each row is distorted by the first transform, its result by the second,
    and so on, all drawing from the same ``rng``: Cireşan et al. (2010)
    trained on digits moved by a random affine map and then distorted
    elastically. As in a :class:`~sklearn.pipeline.Pipeline`, the transforms
    are named, so that their parameters can be set and searched as
    ``<name>__<parameter>`` (``augment__elastic__sigma`` through the
    estimator).

    Parameters
    ----------
    steps : list of (str, transform) tuples
        The transforms in the order they apply, each with a name of its own.
        An empty list leaves the rows unchanged.

    See Also
    --------
    RandomAffine, ElasticDistortion : The pair of Cireşan et al.

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynet.augmentation import Chain, ElasticDistortion, RandomAffine
    >>> chain = Chain([("affine", RandomAffine()), ("elastic", ElasticDistortion())])
    >>> chain = chain.set_params(elastic__sigma=5.0)
    >>> chain.steps[1]
    ('elastic', ElasticDistortion(sigma=5.0))
    >>> X = np.random.default_rng(0).random((5, 784), dtype=np.float32)
    >>> chain.augment(X, np.random.default_rng(1)).shape
    (5, 784)
    """

    _parameter_constraints: dict = {"steps": [list]}

    def __init__(self, steps):
        self.steps = steps

    def get_params(self, deep=True):
        """Get the parameters, with those of each step as ``<name>__<parameter>``.

        Parameters
        ----------
        deep : bool, default=True
            Also return the steps and their parameters.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        return self._get_params("steps", deep=deep)

    def set_params(self, **params):
        """Set the parameters, those of a step as ``<name>__<parameter>``.

        Parameters
        ----------
        **params : dict
            Parameters of the chain, steps by name, or parameters of steps.

        Returns
        -------
        self : Chain
        """
        self._set_params("steps", **params)
        return self

    def _check_values(self, n_features):
        for step in self.steps:
            if not (
                isinstance(step, tuple)
                and len(step) == 2
                and isinstance(step[0], str)
                and hasattr(step[1], "augment")
                and hasattr(step[1], "check_n_features")
            ):
                raise InvalidParameterError(
                    "Each of the steps of Chain must be a (name, transform) "
                    "pair, the transform having augment and check_n_features "
                    f"methods; got {step!r}."
                )
        self._validate_names([name for name, _ in self.steps])
        for _, transform in self.steps:
            transform.check_n_features(n_features)

    def augment(self, X, rng):
        """Return a copy of `X` distorted by each step in turn.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features), dtype float32 or float64
            The rows to distort. Left untouched.
        rng : numpy.random.Generator
            The source of every random draw of every step: the same state
            gives the same output. Anything :func:`numpy.random.default_rng`
            accepts works too; a :class:`numpy.random.RandomState` is drawn
            from, not copied.

        Returns
        -------
        X_augmented : ndarray of shape (n_samples, n_features)
            A new array of the dtype of `X`.
        """
        self._check_rows(X)
        rng = np.random.default_rng(rng)
        X_augmented = X.copy() if not self.steps else X
        for _, transform in self.steps:
            X_augmented = transform.augment(X_augmented, rng)
        return X_augmented


def _uniform_range(transform, name):
    """Return (low, high) of the uniform draw that parameter `name` describes.

    A number ``r`` stands for ``(-r, r)``; ``scale`` must be a pair of
    positive numbers.
    """
    value = getattr(transform, name)
    if isinstance(value, Real) and name != "scale":
        return -float(value), float(value)
    try:
        low, high = (float(bound) for bound in value)
    except (TypeError, ValueError):
        low = high = np.nan
    if not (np.isfinite(low) and np.isfinite(high) and low <= high) or (
        name == "scale" and low <= 0
    ):
        kind = "positive numbers" if name == "scale" else "numbers"
        raise InvalidParameterError(
            f"The {name!r} parameter of {type(transform).__name__} must be "
            f"a pair (low, high) of {kind} with low <= high; got {value!r}."
        )
    return low, high


def _affine_positions(inverse, shifts, height, width):
    """The positions (rows, cols) each pixel reads, for :class:`RandomAffine`.

    `inverse` (2, 2, n_samples, 1, 1) maps an output pixel's offset (x, y)
    from the centre to the offset it reads, after `shifts` (2, n_samples, 1,
    1), the shift (down, right) of each image, is undone.
    """
    dtype = inverse.dtype
    centre_y, centre_x = (height - 1) / 2, (width - 1) / 2
    y = np.arange(height, dtype=dtype)[:, None] - centre_y
    x = np.arange(width, dtype=dtype) - centre_x
    y = y - shifts[0]
    x = x - shifts[1]
    cols = inverse[0, 0] * x + inverse[0, 1] * y
    cols += centre_x
    rows = inverse[1, 0] * x + inverse[1, 1] * y
    rows += centre_y
    return rows, cols
