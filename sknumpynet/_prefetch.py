"""Compute the next items of a sequence in a worker thread, in order.

The training loop distorts each chunk of training rows before it trains on
them. Most of the work of both (BLAS products, numpy loops) runs without
Python's global interpreter lock, so a worker thread can distort the next
chunk while the caller trains on this one, on another core.

:func:`prefetch` returns a :class:`Prefetcher`, a context manager whose
iterator yields ``function(item)`` for each item, in the order of the items.
The worker calls ``function`` on one item at a time, in that order, so a
``function`` that draws from a random generator of its own gives the same
results whatever the timing of the threads. Leaving the ``with`` block, by
the end of the loop, a ``break``, an exception or ``KeyboardInterrupt``,
stops the worker and waits for it: no thread outlives the block.
"""

import queue
import threading

# How often a worker waiting to hand over a result checks whether the caller
# has left, in seconds.
_POLL_SECONDS = 0.05


def prefetch(function, items, ahead=1):
    """Compute ``function(item)`` for each item in a worker thread, in order.

    Parameters
    ----------
    function : callable
        Called with one item at a time, in order, in the worker thread.
    items : iterable
        The items, read by the worker thread.
    ahead : int, default=1
        The most results computed and not yet taken by the caller.

    Returns
    -------
    prefetcher : Prefetcher
        A context manager; iterate over it inside the ``with`` block.

    Examples
    --------
    >>> from sknumpynet._prefetch import prefetch
    >>> with prefetch(lambda x: x * x, range(5)) as squares:
    ...     list(squares)
    [0, 1, 4, 9, 16]
    """
    return Prefetcher(function, items, ahead)


class Prefetcher:
    """Results of a function over items, computed ahead by a worker thread.

    Made by :func:`prefetch`, whose parameters it takes. An exception raised
    by ``function`` is raised again by the iterator, where its result would
    have been.
    """

    def __init__(self, function, items, ahead=1):
        if ahead < 1:
            raise ValueError(f"ahead must be at least 1; got {ahead}.")
        self._function = function
        self._items = items
        self._results = queue.Queue(maxsize=ahead)
        self._closed = threading.Event()
        self._worker = threading.Thread(
            target=self._work, name="sknumpynet-prefetch", daemon=True
        )

    def __enter__(self):
        self._worker.start()
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __iter__(self):
        if self._worker.ident is None or self._closed.is_set():
            raise RuntimeError("Iterate over a Prefetcher inside its with block.")
        while True:
            kind, value = self._results.get()
            if kind == "error":
                raise value
            if kind == "done":
                return
            yield value

    def close(self):
        """Stop the worker after the item it is on, and wait for it."""
        self._closed.set()
        if self._worker.ident is not None:
            self._worker.join()

    def _work(self):
        try:
            for item in self._items:
                if not self._hand_over("result", self._function(item)):
                    return
        except BaseException as error:  # the caller gets it, whatever it is
            self._hand_over("error", error)
            return
        self._hand_over("done", None)

    def _hand_over(self, kind, value):
        """Queue a result for the caller; False once the caller has left."""
        while not self._closed.is_set():
            try:
                self._results.put((kind, value), timeout=_POLL_SECONDS)
            except queue.Full:
                continue
            return True
        return False
