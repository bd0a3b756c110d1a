"""Exceptions raised by the data set loaders."""


class DataFileError(OSError):
    """A data file exists but cannot be trusted.

    Raised when an IDX file, a pickle, a cached ``.npz`` file or a file shipped
    by another package is unreadable, truncated, corrupt, has the wrong magic
    number or checksum, or holds images and labels of different lengths.

    Parameters
    ----------
    filename : str or os.PathLike
        The file that could not be used.

    problem : str
        What is wrong with it, and if possible how to fix it.

    Attributes
    ----------
    filename : str
        The file that could not be used.

    problem : str
        What is wrong with it.

    Examples
    --------
    >>> from sknumpynet.datasets import DataFileError
    >>> error = DataFileError("train-images-idx3-ubyte", "wrong magic number")
    >>> print(error)
    train-images-idx3-ubyte: wrong magic number
    >>> isinstance(error, OSError)
    True
    """

    def __init__(self, filename, problem):
        super().__init__(f"{filename}: {problem}")
        self.filename = str(filename)
        self.problem = problem

    def __str__(self):
        return f"{self.filename}: {self.problem}"

    def __reduce__(self):
        return type(self), (self.filename, self.problem)


class DatasetNotFoundError(OSError):
    """No source could provide the data set.

    The message lists every source that was tried, in order, why it failed and
    the one-line fix for each.

    Parameters
    ----------
    dataset : str
        Name of the data set, e.g. ``"MNIST"``.

    attempts : list of tuple of (str, str, str)
        One ``(source, reason, fix)`` triple per source tried, in order.

    Attributes
    ----------
    attempts : list of tuple of (str, str, str)
        One ``(source, reason, fix)`` triple per source tried, in order.

    Examples
    --------
    >>> from sknumpynet.datasets import DatasetNotFoundError
    >>> error = DatasetNotFoundError(
    ...     "MNIST", [("OpenML", "no network", "connect to the internet")]
    ... )
    >>> print(error)
    Could not load MNIST from any source. Tried, in order:
      1. OpenML: no network.
         Fix: connect to the internet
    """

    def __init__(self, dataset, attempts):
        self.dataset = dataset
        self.attempts = list(attempts)
        super().__init__(self._message())

    def _message(self):
        lines = [f"Could not load {self.dataset} from any source. Tried, in order:"]
        for number, (source, reason, fix) in enumerate(self.attempts, start=1):
            lines.append(f"  {number}. {source}: {reason}.")
            lines.append(f"     Fix: {fix}")
        return "\n".join(lines)

    def __str__(self):
        return self._message()

    def __reduce__(self):
        return type(self), (self.dataset, self.attempts)
