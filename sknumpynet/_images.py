"""Rows of pixels read as images: their shape, and resampling them.

Every part of the package that reads a row of ``height * width`` values as a
grey-level image stored row after row (C order), as ``load_mnist`` returns
its 784 features, checks ``image_shape`` here: the transforms of
:mod:`sknumpynet.augmentation`, :class:`~sknumpynet.preprocessing.Deskew`, the
displays of :mod:`sknumpynet.inspection` and the benchmarks' ``VirtualSVC``.
The resampling helpers sample a stack of images at fractional positions by
bilinear interpolation, and smooth a stack by a gaussian, with no Python loop
over the images.

This module imports numpy, scipy and scikit-learn only, nothing of the
package.
"""

import math
from numbers import Integral

import numpy as np
from scipy import ndimage
from sklearn.utils._param_validation import InvalidParameterError

# Images resampled at once: enough to share the cost of each numpy call, few
# enough that the temporary arrays stay in the CPU's cache.
BLOCK_IMAGES = 256


def check_image_shape(image_shape):
    """Return `image_shape` as ``(height, width)``, or raise if it is not one.

    Parameters
    ----------
    image_shape : sequence of int
        The ``(height, width)`` of the images stored in each row.

    Returns
    -------
    height, width : int

    Raises
    ------
    sklearn.utils._param_validation.InvalidParameterError
        A :class:`ValueError`, unless `image_shape` is two positive ints.
    """
    sizes = tuple(image_shape)
    if (
        len(sizes) == 2
        and all(isinstance(size, Integral) for size in sizes)
        and min(sizes) >= 1
    ):
        return int(sizes[0]), int(sizes[1])
    raise InvalidParameterError(
        "image_shape must be a pair (height, width) of two positive ints, such "
        f"as (28, 28) for MNIST; got {image_shape!r}."
    )


def check_image_rows(owner, image_shape, n_features, features_of="the data"):
    """Return `image_shape` as ``(height, width)`` if rows of `n_features` fit it.

    Parameters
    ----------
    owner : str
        The name of what has the `image_shape`, for the error message.
    image_shape : sequence of int
        The ``(height, width)`` of the images stored in each row.
    n_features : int
        The number of values in each row of the data.
    features_of : str, default="the data"
        What has the `n_features`, for the error message.

    Returns
    -------
    height, width : int

    Raises
    ------
    ValueError
        If `image_shape` is not two positive ints, or its images do not have
        `n_features` pixels: the message says what to set.
    """
    height, width = check_image_shape(image_shape)
    if n_features != height * width:
        raise ValueError(
            f"{owner}: image_shape=({height}, {width}) has {height * width} "
            f"pixels, but {features_of} has {n_features} features. Set "
            "image_shape to the (height, width) of the "
            f"images{_square_hint(n_features)}."
        )
    return height, width


def _square_hint(n_features):
    """Suggest a square image_shape for `n_features` pixels, if there is one."""
    side = math.isqrt(n_features)
    if side * side == n_features:
        return f", such as ({side}, {side}) for {n_features} features"
    return ""


def blocks(n_samples):
    """Slices of at most ``BLOCK_IMAGES`` images that cover `n_samples` images."""
    return (
        slice(start, start + BLOCK_IMAGES)
        for start in range(0, n_samples, BLOCK_IMAGES)
    )


def _gaussian_matrix(size, sigma, dtype):
    """Return the matrix G with G @ v = gaussian_filter1d(v, sigma, mode="constant").

    Its columns are the filtered unit vectors, since the filter is linear.
    """
    filtered = ndimage.gaussian_filter1d(np.eye(size), sigma, axis=0, mode="constant")
    return filtered.astype(dtype)


def gaussian_smooth(fields, sigma):
    """Smooth each image of `fields` (..., height, width) by a 2-D gaussian.

    The result of ``scipy.ndimage.gaussian_filter`` with ``mode="constant"``
    over the last two axes, as one matrix product along the rows of all the
    images and one along their columns.
    """
    *_, height, width = fields.shape
    along_columns = (
        fields.reshape(-1, width) @ _gaussian_matrix(width, sigma, fields.dtype).T
    )
    along_rows = np.matmul(
        _gaussian_matrix(height, sigma, fields.dtype),
        along_columns.reshape(-1, height, width),
    )
    return along_rows.reshape(fields.shape)


def _split_coordinate(coordinates, size):
    """Split coordinates in place into whole pixels and fractions in [0, 1].

    Coordinates below -1 or above `size` are clipped there: at the padding
    pixel just outside the image, which holds the fill value. Returns the
    whole pixels as int indices in [-1, size - 1]; `coordinates` become the
    interpolation weights of the following pixel.
    """
    np.clip(coordinates, -1, size, out=coordinates)
    whole = np.floor(coordinates)
    np.minimum(whole, size - 1, out=whole)
    coordinates -= whole
    return whole.astype(np.intp)


def resampling(rows, cols):
    """Return where each output pixel reads its image, for :func:`interpolate`.

    `rows` and `cols` (..., height, width) are the positions to read, and are
    overwritten. Returns the flat index, in an image padded by one pixel on
    each side, of the pixel above and to the left of each position, then the
    weights of the next row and of the next column.
    """
    *_, height, width = rows.shape
    top = _split_coordinate(rows, height)
    left = _split_coordinate(cols, width)
    top += 1
    top *= width + 2
    top += left
    top += 1
    return top, rows, cols


def interpolate(images, index, row_weight, col_weight, fill_value):
    """Sample each image where :func:`resampling` says, by bilinear interpolation.

    Parameters
    ----------
    images : ndarray of shape (n_samples, height, width)
        The images to sample.
    index, row_weight, col_weight : ndarray of shape (n_samples, height, width)
        What :func:`resampling` returns, for each image.
    fill_value : float
        The value of the input outside the image.

    Returns
    -------
    sampled : ndarray of shape (n_samples, height, width)
        A new array of the dtype of `images`.
    """
    n_samples, height, width = images.shape
    # A one-pixel border of fill_value around each image: the four neighbours
    # of any clipped position are then in the padded image.
    padded = np.full((n_samples, height + 2, width + 2), fill_value, images.dtype)
    padded[:, 1:-1, 1:-1] = images
    padded_width = width + 2
    image_start = np.arange(n_samples) * (height + 2) * padded_width
    index = index + image_start[:, None, None]
    # Taking from the flat array shifted by one pixel (a view) reads the
    # neighbour to the right without building a second index array.
    flat = padded.ravel()
    top_left, top_right = flat.take(index), flat[1:].take(index)
    below = flat[padded_width:]
    bottom_left, bottom_right = below.take(index), below[1:].take(index)
    # Linear interpolation as a + w * (b - a), in place, along the columns
    # and then along the rows.
    top_right -= top_left
    top_right *= col_weight
    top_left += top_right
    bottom_right -= bottom_left
    bottom_right *= col_weight
    bottom_left += bottom_right
    bottom_left -= top_left
    bottom_left *= row_weight
    top_left += bottom_left
    # Each value is a weighted mean of pixels and fill_value, but the rounding
    # of a + w * (b - a) can step an ulp past b: clip, so that the output
    # never leaves the range of its inputs (pixels in [0, 1] stay in [0, 1]).
    low, high = images.min(initial=fill_value), images.max(initial=fill_value)
    return np.clip(top_left, low, high, out=top_left)


def bilinear(images, rows, cols, fill_value):
    """Sample `images` at fractional positions by bilinear interpolation.

    Parameters
    ----------
    images : ndarray of shape (n_samples, height, width)
        The images to sample.
    rows, cols : ndarray of shape (n_samples, height, width)
        For each output pixel, the position in its input image to read
        (row, column). Overwritten with interpolation weights.
    fill_value : float
        The value of the input outside the image.

    Returns
    -------
    sampled : ndarray of shape (n_samples, height, width)
        A new array of the dtype of `images`.
    """
    return interpolate(images, *resampling(rows, cols), fill_value)
