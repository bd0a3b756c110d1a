"""The prefetcher: results in order, computed ahead, and no thread left behind.

The training loop may distort the next chunk of rows in a worker thread while
it trains on this one; that must change nothing but the time: the same chunks
in the same order whatever the timing, errors raised where they happen, and
no thread still running once the loop is left, however it is left.
"""

import threading
import time

import numpy as np
import pytest

from sknumpynet._prefetch import prefetch

# Generous: only reached if the behaviour under test is broken.
TIMEOUT = 10.0


def _worker_threads():
    return [
        thread
        for thread in threading.enumerate()
        if thread.name == "sknumpynet-prefetch"
    ]


@pytest.fixture(autouse=True)
def no_thread_outlives_the_test():
    assert not _worker_threads()
    yield
    assert not _worker_threads()


def test_results_come_in_the_order_of_the_items():
    # Items that take longer come first: the order is still the items'.
    def slow_square(x):
        time.sleep(0.002 * (10 - x))
        return x * x

    with prefetch(slow_square, range(10)) as squares:
        assert list(squares) == [x * x for x in range(10)]


@pytest.mark.parametrize("caller_pause", [0.0, 0.005])
def test_random_draws_are_those_of_a_plain_loop_whatever_the_timing(caller_pause):
    def draws(rng):
        return lambda size: rng.random(size)

    sizes = [3, 1, 4, 1, 5, 9, 2, 6]
    plain_loop = draws(np.random.default_rng(0))
    expected = [plain_loop(size) for size in sizes]
    got = []
    with prefetch(draws(np.random.default_rng(0)), sizes, ahead=2) as results:
        for result in results:
            time.sleep(caller_pause)
            got.append(result)
    for result, reference in zip(got, expected, strict=True):
        np.testing.assert_array_equal(result, reference)


def test_the_next_item_is_computed_while_the_caller_uses_this_one():
    second_started = threading.Event()

    def compute(item):
        if item == 1:
            second_started.set()
        return item

    with prefetch(compute, range(3)) as results:
        for item in results:
            if item == 0:
                assert second_started.wait(TIMEOUT)


def test_an_error_in_the_worker_reaches_the_caller_after_the_earlier_results():
    def fails_on_three(x):
        if x == 3:
            raise ZeroDivisionError("item three")
        return x

    got = []
    with (
        pytest.raises(ZeroDivisionError, match="item three"),
        prefetch(fails_on_three, range(10)) as results,
    ):
        for result in results:
            got.append(result)
    assert got == [0, 1, 2]


@pytest.mark.parametrize("leave_by", ["break", KeyboardInterrupt, ValueError])
def test_leaving_the_loop_early_stops_the_worker(leave_by):
    computed = []

    def record(item):
        computed.append(item)
        return item

    def consume():
        with prefetch(record, range(1000)) as results:
            for item in results:
                if item == 2:
                    if leave_by == "break":
                        break
                    raise leave_by

    if leave_by == "break":
        consume()
    else:
        with pytest.raises(leave_by):
            consume()
    # The worker stopped after at most the item it was on and the one waiting.
    assert len(computed) <= 5


def test_iterating_outside_the_with_block_is_refused():
    prefetcher = prefetch(abs, range(3))
    with pytest.raises(RuntimeError, match="with block"):
        next(iter(prefetcher))
    with prefetcher:
        pass
    with pytest.raises(RuntimeError, match="with block"):
        next(iter(prefetcher))


def test_ahead_must_be_positive():
    with pytest.raises(ValueError, match="ahead"):
        prefetch(abs, range(3), ahead=0)
