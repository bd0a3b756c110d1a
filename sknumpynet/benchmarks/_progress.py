"""Timing and progress: one stopwatch, one duration format, one progress printer."""

import math
import sys
import threading
import time


class stopwatch:  # lower case, as contextlib.suppress: it reads as a call
    """Time the block: ``with stopwatch() as t: ...``, then ``t.wall``, ``t.cpu``.

    Wall-clock and CPU seconds, NaN until the block ends; ``cpu`` adds up every
    thread of this process.
    """

    wall = cpu = math.nan

    def __enter__(self):
        self._started = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc_info):
        wall, cpu = self._started
        self.wall, self.cpu = time.perf_counter() - wall, time.process_time() - cpu


def format_duration(seconds):
    """``"42.0 s"`` below a minute, else ``"21 min 07 s"``; ``"?"`` if unknown.

    Examples
    --------
    >>> format_duration(1319.7)
    '22 min 00 s'
    """
    if not math.isfinite(seconds):
        return "?"
    if seconds < 59.95:
        return f"{seconds:.1f} s"
    # Round first, so that 59.7 s carries into the minutes.
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s"


class Progress:
    """Print on stderr which step runs, for how long, and how many are left.

    Lines go to `stream`, or to ``sys.stderr`` as it is at each line, each
    with the time since the start. While it is open as a context manager, a
    background thread prints a line whenever nothing was printed for
    `heartbeat_s` seconds, so that a long fit is not silent. The number of
    steps announced counts `n_unplanned` steps after the planned ones, such
    as writing the results. No time left is guessed: fits differ in cost
    many times over, and docs/benchmarks.md gives the time of a full run.
    """

    def __init__(self, stream=None, heartbeat_s=50.0, n_unplanned=0):
        self.stream, self.heartbeat_s = stream, heartbeat_s
        self.n_unplanned, self.n_steps = n_unplanned, 0
        self.start = self.step_start = self.last_print = time.perf_counter()
        self.finished = []  # {"step", "seconds"} of every step that ended
        self.title = None  # the step that runs
        self._lock, self._stop = threading.Lock(), threading.Event()
        self._thread = threading.Thread(target=self._heartbeat, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self.end_step()
        self._stop.set()
        self._thread.join()

    def elapsed(self):
        """Seconds since the run started."""
        return time.perf_counter() - self.start

    def plan(self, n_steps):
        """Announce that `n_steps` steps are still to start, before the unplanned."""
        self.n_steps = len(self.finished) + bool(self.title) + n_steps
        self.n_steps += self.n_unplanned

    def step(self, title):
        """End the current step and announce the next."""
        self.end_step()
        self.title, self.step_start = title, time.perf_counter()
        number = len(self.finished) + 1
        of = f"/{self.n_steps}" if number <= self.n_steps else ""
        self._print(f"step {number}{of}: {title}")

    def end_step(self):
        """Record the duration of the current step, if one runs."""
        if self.title is not None:
            seconds = time.perf_counter() - self.step_start
            self.finished.append({"step": self.title, "seconds": seconds})
            self.title = None

    def note(self, message):
        """Print a result or a fact of the current step."""
        self._print(f"  {message}")

    def _heartbeat(self):
        """Note the step that runs whenever nothing was printed for a while."""
        while not self._stop.wait(min(5.0, self.heartbeat_s)):
            if self.title and time.perf_counter() - self.last_print >= self.heartbeat_s:
                in_step = format_duration(time.perf_counter() - self.step_start)
                self.note(f"... {self.title}: {in_step} so far")

    def _print(self, message):
        """Print `message` with the time since the start."""
        with self._lock:
            stream = sys.stderr if self.stream is None else self.stream
            stamp = format_duration(self.elapsed())
            print(f"[{stamp:>12}] {message}", file=stream, flush=True)
            self.last_print = time.perf_counter()
