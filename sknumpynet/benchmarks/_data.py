"""The data of a run: the training and test sets, and stratified subsets of them."""

from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

DATASETS = ("mnist", "fashion-mnist", "digits")


@dataclass
class BenchmarkData:
    """Training and test sets of a run, in pixels of [0, 1], and their source.

    Each row is an image of ``image_shape`` ``(height, width)``, stored row
    after row.
    """

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    class_names: list
    source: str
    image_shape: tuple


def load_benchmark_data(dataset, *, n_train, n_test, seed, data_home):
    """Load `dataset`, keeping stratified subsets of `n_train` and `n_test` images.

    MNIST and Fashion-MNIST keep their official split; digits is split 75/25,
    stratified. None sizes keep whole sets; `data_home` is that of
    :mod:`sknumpynet.datasets`.
    """
    if dataset == "digits":
        digits = load_digits()
        X_train, X_test, y_train, y_test = train_test_split(
            (digits.data / 16).astype(np.float32),
            digits.target,
            test_size=0.25,
            stratify=digits.target,
            random_state=seed,
        )
        names, image_shape = digits.target_names, digits.images.shape[1:]
        source = "sklearn.datasets.load_digits, pixels / 16, 75/25 stratified split"
    else:
        from ..datasets import load_fashion_mnist, load_mnist

        loader = load_mnist if dataset == "mnist" else load_fashion_mnist
        bunch = loader(split="train_test", data_home=data_home)
        X_train, y_train = bunch.train.data, bunch.train.target
        X_test, y_test = bunch.test.data, bunch.test.target
        names, image_shape = bunch.target_names, (28, 28)
        source = f"sknumpynet.datasets.{loader.__name__}, official train/test split"
    train = stratified_subset(y_train, n_train, seed)
    test = stratified_subset(y_test, n_test, seed)
    return BenchmarkData(
        name=dataset,
        X_train=X_train[train],
        y_train=y_train[train],
        X_test=X_test[test],
        y_test=y_test[test],
        class_names=[str(name) for name in names],
        source=source,
        image_shape=tuple(int(size) for size in image_shape),
    )


def stratified_subset(y, size, seed):
    """Rows of a stratified random subset of `size` labels of `y`.

    ``slice(None)`` when `size` is None or covers `y`, so that indexing gives
    a view rather than a copy.
    """
    if size is None or size >= len(y):
        return slice(None)
    rows = np.arange(len(y))
    return train_test_split(rows, train_size=size, stratify=y, random_state=seed)[0]
