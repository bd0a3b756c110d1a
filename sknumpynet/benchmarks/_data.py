"""The data of a run: the training and test sets, and stratified subsets of them."""

from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

DATASETS = ("mnist", "fashion-mnist", "digits")


@dataclass
class BenchmarkData:
    """Training and test sets of a run, and where they come from."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    class_names: list
    source: str


def load_benchmark_data(dataset, *, n_train, n_test, seed, data_home):
    """Load the training and test sets of a run, in pixels of [0, 1].

    MNIST and Fashion-MNIST come with their official split (60,000 training
    and 10,000 test images); digits is split 75 % / 25 %, stratified.

    Parameters
    ----------
    dataset : {"mnist", "fashion-mnist", "digits"}

    n_train, n_test : int or None
        Sizes of stratified random subsets to use; None for the whole sets.

    seed : int
        Seed of the subsets and of digits' split.

    data_home : str or None
        Data folder of :mod:`sknumpynet.datasets`.

    Returns
    -------
    data : BenchmarkData
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
        names = digits.target_names
        source = "sklearn.datasets.load_digits, pixels / 16, 75/25 stratified split"
    else:
        from ..datasets import load_fashion_mnist, load_mnist

        loader = load_mnist if dataset == "mnist" else load_fashion_mnist
        bunch = loader(split="train_test", data_home=data_home)
        X_train, y_train = bunch.train.data, bunch.train.target
        X_test, y_test = bunch.test.data, bunch.test.target
        names = bunch.target_names
        source = f"sknumpynet.datasets.{loader.__name__}, official train/test split"
    train = stratified_subset(y_train, n_train, seed)
    test = stratified_subset(y_test, n_test, seed)
    return BenchmarkData(
        dataset, X_train[train], y_train[train], X_test[test], y_test[test],
        [str(name) for name in names], source,
    )  # fmt: skip


def stratified_subset(y, size, seed):
    """Rows of a stratified random subset of `size` labels, or of all of them.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)

    size : int or None
        None, or `size` >= ``len(y)``, selects every row.

    seed : int

    Returns
    -------
    rows : ndarray of int or slice
        ``slice(None)`` for every row, so that indexing gives a view, not a copy.
    """
    if size is None or size >= len(y):
        return slice(None)
    rows = np.arange(len(y))
    return train_test_split(rows, train_size=size, stratify=y, random_state=seed)[0]
