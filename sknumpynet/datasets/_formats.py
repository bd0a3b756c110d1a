"""Readers and writers for the file formats the digit data sets come in.

Every reader returns a :class:`RawDataset`: the images as ``uint8`` pixel
values 0-255, shape ``(n_samples, height, width)``, the labels as ``uint8``,
and where the official training rows end. Scaling to floats happens later, in
one place, whatever the source was.

The formats:

* IDX, the format of the original MNIST and Fashion-MNIST files
  (``train-images-idx3-ubyte`` and friends, gzipped or not): two zero bytes,
  a type code (``0x08`` for unsigned bytes), the number of dimensions, one
  big-endian ``uint32`` per dimension, then the values in C order.
* Nielsen's ``mnist.pkl.gz``: a gzipped Python 2 pickle of three
  ``(pixels, labels)`` pairs (train 50,000, validation 10,000, test 10,000)
  with ``float32`` pixels scaled to ``[0, 1)``.
* The ``.npz`` file sknumpynet writes as its cache.
"""

import codecs
import contextlib
import gzip
import hashlib
import io
import math
import os
import pickle
import secrets
import struct
import zipfile
import zlib
from typing import NamedTuple

import numpy as np

from ._errors import DataFileError

try:  # numpy >= 2 names its internals numpy._core; older numpy, numpy.core
    from numpy._core import multiarray as _multiarray
except ImportError:  # pragma: no cover
    from numpy.core import multiarray as _multiarray

NPZ_FORMAT_VERSION = 1

_GZIP_MAGIC = b"\x1f\x8b"

# IDX type codes, from the format description on the MNIST page.
_IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


class RawDataset(NamedTuple):
    """Images and labels as stored on disk, before any scaling.

    Attributes
    ----------
    images : ndarray of shape (n_samples, height, width), dtype=uint8
        Pixel values 0-255; the official training rows come first.

    labels : ndarray of shape (n_samples,), dtype=uint8
        Class indices.

    n_train : int
        The first ``n_train`` rows are the official training set, the rest the
        test set.

    n_validation : int
        The last ``n_validation`` training rows form the validation set of the
        ``"train_val_test"`` split.
    """

    images: np.ndarray
    labels: np.ndarray
    n_train: int
    n_validation: int


def check_raw_dataset(raw, filename, n_classes):
    """Raise :class:`DataFileError` unless `raw` is a consistent data set.

    Parameters
    ----------
    raw : RawDataset
        The data set to check.

    filename : str or os.PathLike
        The file it came from, named in the error.

    n_classes : int
        Labels must lie in ``range(n_classes)``.

    Returns
    -------
    raw : RawDataset
        The same data set.
    """
    images, labels, n_train, n_validation = raw
    if images.ndim != 3 or images.dtype != np.uint8:
        raise DataFileError(
            filename,
            f"expected uint8 images of shape (n_samples, height, width), got "
            f"{images.dtype} of shape {images.shape}",
        )
    if labels.ndim != 1 or len(labels) != len(images):
        raise DataFileError(
            filename,
            f"{len(images)} images but {len(labels)} labels; images and labels "
            f"must have the same length",
        )
    if not np.issubdtype(labels.dtype, np.integer) or (
        labels.size and not 0 <= labels.min() <= labels.max() < n_classes
    ):
        raise DataFileError(filename, f"labels must be integers in 0..{n_classes - 1}")
    if not 0 <= n_validation <= n_train <= len(images):
        raise DataFileError(
            filename,
            f"inconsistent split sizes: n_train={n_train}, "
            f"n_validation={n_validation}, n_samples={len(images)}",
        )
    return raw


def sha256_hexdigest(content):
    """Return the SHA-256 of `content` as a hexadecimal string.

    Parameters
    ----------
    content : bytes
        The bytes to hash.

    Returns
    -------
    hexdigest : str
        64 hexadecimal digits.
    """
    return hashlib.sha256(content).hexdigest()


def check_sha256(content, expected_sha256, filename, fix):
    """Raise :class:`DataFileError` if `content` does not hash to the expected value.

    Parameters
    ----------
    content : bytes
        The bytes read from `filename`.

    expected_sha256 : str
        The SHA-256 they must have.

    filename : str or os.PathLike
        The file they came from, named in the error.

    fix : str
        How to get a good copy, appended to the error message.
    """
    actual_sha256 = sha256_hexdigest(content)
    if actual_sha256 != expected_sha256:
        raise DataFileError(
            filename,
            f"checksum mismatch: SHA-256 is {actual_sha256}, expected "
            f"{expected_sha256}; the file is corrupt or not the expected version. "
            f"{fix}",
        )


def read_bytes(path, decompress=True):
    """Return the content of `path`, decompressed if it is gzipped.

    Gzip is recognised by its magic bytes, not by the file name.

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.

    decompress : bool, default=True
        Whether to decompress gzipped content.

    Returns
    -------
    content : bytes
        The (decompressed) content.
    """
    try:
        with open(path, "rb") as file:
            content = file.read()
    except OSError as exc:
        raise DataFileError(path, f"cannot read the file ({exc})") from exc
    if decompress:
        content = decompress_gzip(content, path)
    return content


def decompress_gzip(content, filename):
    """Decompress `content` if it starts with the gzip magic bytes.

    Parameters
    ----------
    content : bytes
        The content of a file, gzipped or not.

    filename : str or os.PathLike
        The file it came from, named in errors.

    Returns
    -------
    content : bytes
        The decompressed content, or `content` itself if it is not gzipped.
    """
    if content[:2] != _GZIP_MAGIC:
        return content
    try:
        return gzip.decompress(content)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise DataFileError(
            filename, f"truncated or corrupt gzip data ({exc})"
        ) from exc


def parse_idx(content, filename):
    """Parse the bytes of an IDX file into an array.

    Parameters
    ----------
    content : bytes
        The uncompressed content of an IDX file.

    filename : str or os.PathLike
        The file it came from, named in errors.

    Returns
    -------
    array : ndarray
        A writable array with the shape and type the header announces.
    """
    if len(content) < 4 or content[:2] != b"\0\0" or content[2] not in _IDX_DTYPES:
        raise DataFileError(
            filename,
            f"not an IDX file: wrong magic number 0x{content[:4].hex()} (expected "
            f"0x0000 followed by a type code such as 08 and the number of "
            f"dimensions)",
        )
    dtype, ndim = _IDX_DTYPES[content[2]], content[3]
    header_size = 4 + 4 * ndim
    if len(content) < header_size:
        raise DataFileError(
            filename, f"truncated: the IDX header of {ndim} dimensions is incomplete"
        )
    shape = struct.unpack(f">{ndim}I", content[4:header_size])
    expected_size = header_size + math.prod(shape) * dtype.itemsize
    if len(content) != expected_size:
        problem = "truncated" if len(content) < expected_size else "too long"
        raise DataFileError(
            filename,
            f"{problem}: the header announces an array of shape {shape} "
            f"({expected_size} bytes with the header) but the file holds "
            f"{len(content)} bytes",
        )
    array = np.frombuffer(content, dtype=dtype, offset=header_size).reshape(shape)
    return array.astype(dtype.newbyteorder("="))


def read_idx(path, expected_ndim, expected_sha256=None, fix=""):
    """Read an ``uint8`` IDX file, gzipped or not.

    Parameters
    ----------
    path : str or os.PathLike
        The IDX file.

    expected_ndim : int
        3 for images, 1 for labels.

    expected_sha256 : str, default=None
        If given, the SHA-256 the uncompressed content must have.

    fix : str, default=""
        How to get a good copy, appended to a checksum error.

    Returns
    -------
    array : ndarray of dtype uint8
        The values of the file.
    """
    content = read_bytes(path)
    if expected_sha256 is not None:
        check_sha256(content, expected_sha256, path, fix)
    array = parse_idx(content, path)
    if array.dtype != np.uint8 or array.ndim != expected_ndim:
        raise DataFileError(
            path,
            f"expected unsigned bytes in {expected_ndim} dimension(s), found "
            f"{array.dtype} of shape {array.shape}",
        )
    return array


def read_idx_dataset(train_files, test_files, n_classes, checksums=None, fix=""):
    """Read the four IDX files of an MNIST-like data set.

    Parameters
    ----------
    train_files : tuple of (path, path)
        The training images and labels.

    test_files : tuple of (path, path)
        The test images and labels.

    n_classes : int
        Labels must lie in ``range(n_classes)``.

    checksums : dict of {str: str}, default=None
        Expected SHA-256 of the uncompressed content, by file name (the last
        path component without ``.gz``).

    fix : str, default=""
        How to get a good copy, appended to a checksum error.

    Returns
    -------
    raw : RawDataset
        Training rows first; the validation set is the last sixth of them
        (10,000 of the 60,000 official training images).
    """
    parts = []
    for images_path, labels_path in (train_files, test_files):
        images = read_idx(images_path, 3, _checksum(checksums, images_path), fix)
        labels = read_idx(labels_path, 1, _checksum(checksums, labels_path), fix)
        if len(images) != len(labels):
            raise DataFileError(
                labels_path,
                f"holds {len(labels)} labels but {images_path} holds "
                f"{len(images)} images; they must have the same length",
            )
        parts.append((images, labels))
    (train_images, train_labels), (test_images, test_labels) = parts
    raw = RawDataset(
        images=np.concatenate([train_images, test_images]),
        labels=np.concatenate([train_labels, test_labels]),
        n_train=len(train_images),
        n_validation=len(train_images) // 6,
    )
    return check_raw_dataset(raw, train_files[0], n_classes)


def _checksum(checksums, path):
    if checksums is None:
        return None
    return checksums[os.path.basename(path).removesuffix(".gz")]


# The only globals a pickle of numpy arrays refers to. Python 3 writes the bytes
# of an array into a protocol 2 pickle as _codecs.encode(text, "latin1").
_ARRAY_PICKLE_GLOBALS = {
    ("_codecs", "encode"): codecs.encode,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("numpy.core.multiarray", "_reconstruct"): _multiarray._reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _multiarray._reconstruct,
    ("numpy.core.multiarray", "scalar"): _multiarray.scalar,
    ("numpy._core.multiarray", "scalar"): _multiarray.scalar,
}


class _NumpyArrayUnpickler(pickle.Unpickler):
    """Unpickle numpy arrays and nothing else: no other code can run."""

    def find_class(self, module, name):
        try:
            return _ARRAY_PICKLE_GLOBALS[module, name]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name}: only numpy arrays are expected"
            ) from None


def read_nielsen_pickle(path, n_classes, expected_sha256=None, fix=""):
    """Read Nielsen's ``mnist.pkl.gz`` (or any pickle of the same layout).

    Parameters
    ----------
    path : str or os.PathLike
        The pickle, gzipped or not.

    n_classes : int
        Labels must lie in ``range(n_classes)``.

    expected_sha256 : str, default=None
        If given, the SHA-256 the file (as stored, compressed) must have. It is
        checked before unpickling.

    fix : str, default=""
        How to get a good copy, appended to a checksum error.

    Returns
    -------
    raw : RawDataset
        Train, validation and test rows in this order, so the first
        ``n_train`` rows are train + validation.
    """
    content = read_bytes(path, decompress=False)
    if expected_sha256 is not None:
        check_sha256(content, expected_sha256, path, fix)
    content = decompress_gzip(content, path)
    try:
        parts = _NumpyArrayUnpickler(io.BytesIO(content), encoding="latin1").load()
    except Exception as exc:
        raise DataFileError(path, f"not a readable pickle ({exc})") from exc
    images, labels = _unpack_nielsen_parts(parts, path)
    n_train, n_validation, _ = (len(part) for part in labels)
    raw = RawDataset(
        images=np.concatenate(images),
        labels=np.concatenate(labels),
        n_train=n_train + n_validation,
        n_validation=n_validation,
    )
    return check_raw_dataset(raw, path, n_classes)


def _unpack_nielsen_parts(parts, path):
    """Check the (train, validation, test) layout; return images and labels."""
    layout_error = DataFileError(
        path,
        "expected a tuple (train, validation, test) of (pixels, labels) pairs "
        "with float pixels of shape (n_samples, n_pixels)",
    )
    if not isinstance(parts, tuple | list) or len(parts) != 3:
        raise layout_error
    images, labels = [], []
    for part in parts:
        if not isinstance(part, tuple | list) or len(part) != 2:
            raise layout_error
        pixels, part_labels = (np.asarray(array) for array in part)
        if pixels.ndim != 2 or part_labels.ndim != 1:
            raise layout_error
        if not np.issubdtype(pixels.dtype, np.floating):
            raise DataFileError(path, f"pixels must be floats, not {pixels.dtype}")
        if len(pixels) != len(part_labels):
            raise DataFileError(
                path,
                f"{len(pixels)} images but {len(part_labels)} labels in one part; "
                f"images and labels must have the same length",
            )
        images.append(_pixels_to_images(pixels, path))
        labels.append(_labels_to_uint8(part_labels, path))
    return images, labels


def _pixels_to_images(pixels, path):
    """Turn flat float pixels k/256 (or k/255) back into uint8 images k."""
    side = math.isqrt(pixels.shape[1])
    if side * side != pixels.shape[1]:
        raise DataFileError(
            path, f"{pixels.shape[1]} pixels per image do not form a square image"
        )
    # Nielsen's pixels are exactly k/256 for k in 0..255 (checked on the real
    # file), so multiplying by 256 recovers the bytes without rounding. Files
    # scaled by 1/255 are accepted too; they round to the nearest byte.
    pixels = np.asarray(pixels, dtype=np.float32)
    for scale, tolerance in ((256, 0.0), (255, 1e-3)):
        scaled = pixels * np.float32(scale)
        levels = np.rint(scaled)
        error = np.abs(scaled - levels, out=scaled)
        if error.max(initial=0) <= tolerance and _in_byte_range(levels):
            return levels.astype(np.uint8).reshape(-1, side, side)
    raise DataFileError(
        path, "pixels are neither multiples of 1/256 nor of 1/255 in [0, 1]"
    )


def _in_byte_range(levels):
    return levels.size == 0 or (levels.min() >= 0 and levels.max() <= 255)


def _labels_to_uint8(labels, path):
    if not np.issubdtype(labels.dtype, np.integer) or (
        labels.size and (labels.min() < 0 or labels.max() > 255)
    ):
        raise DataFileError(path, "labels must be integers in 0..255")
    return labels.astype(np.uint8)


def read_npz(path):
    """Read a data set from a ``.npz`` file written by :func:`write_npz_atomic`.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.npz`` file.

    Returns
    -------
    raw : RawDataset
        The data set it holds. Its consistency is not checked here.
    """
    try:
        # An open file of ours, which is closed even when np.load fails.
        with open(path, "rb") as file:
            npz = np.load(file, allow_pickle=False)
            if not isinstance(npz, np.lib.npyio.NpzFile):  # a lone .npy array
                raise DataFileError(
                    path, "unreadable, truncated or corrupt .npz file (an .npy array)"
                )
            with npz:
                version = int(npz["format_version"])
                if version != NPZ_FORMAT_VERSION:
                    raise DataFileError(
                        path,
                        f"written in format version {version}, this version of "
                        f"sknumpynet reads version {NPZ_FORMAT_VERSION}",
                    )
                return RawDataset(
                    images=npz["images"],
                    labels=npz["labels"],
                    n_train=int(npz["n_train"]),
                    n_validation=int(npz["n_validation"]),
                )
    except DataFileError:
        raise
    except KeyError as exc:
        raise DataFileError(
            path, f"not a data set written by sknumpynet (no array {exc})"
        ) from exc
    except (
        OSError,
        ValueError,
        TypeError,
        EOFError,
        zipfile.BadZipFile,
        zlib.error,
    ) as exc:
        raise DataFileError(
            path, f"unreadable, truncated or corrupt .npz file ({exc})"
        ) from exc


def write_npz_atomic(path, raw):
    """Write `raw` to a compressed ``.npz`` file, all or nothing.

    The data are written to a temporary file in the same folder, flushed to
    disk, then renamed over `path` with :func:`os.replace`, which is atomic. An
    interrupted write leaves no file at `path`: at most a ``*.part`` file that
    no reader looks at (it is removed unless the process is killed).

    Parameters
    ----------
    path : str or os.PathLike
        Where to write.

    raw : RawDataset
        The data set to write.
    """
    # A name no other process picks; "x" mode creates it with the umask's
    # permissions, where tempfile.mkstemp would make it private to the user.
    temporary_path = f"{path}.{secrets.token_hex(8)}.part"
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    try:
        with open(temporary_path, "xb") as file:
            np.savez_compressed(
                file,
                images=raw.images,
                labels=raw.labels,
                n_train=raw.n_train,
                n_validation=raw.n_validation,
                format_version=NPZ_FORMAT_VERSION,
            )
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary_path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary_path)
        raise
