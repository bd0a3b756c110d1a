"""Ctrl-C as a real SIGINT: it stops a whole search, and a plain fit keeps its model.

Each test runs a script in a Python process of its own, waits until training
has started (verbose mode prints a table row after each epoch), sends the
process SIGINT as a terminal does on Ctrl-C, and reads what happened.
"""

import re
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="SIGINT cannot be sent to a process on Windows"
)

# A terminal's Python handles Ctrl-C with default_int_handler; a shell that
# starts the tests in the background hands them SIGINT ignored.
SETUP = """\
import signal
signal.signal(signal.SIGINT, signal.default_int_handler)

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from sknumpynet import SigmoidMLPClassifier

X, y = load_digits(return_X_y=True)
# So many epochs that only Ctrl-C ends a fit.
clf = SigmoidMLPClassifier(
    hidden_layer_sizes=(16,), max_iter=100_000, n_iter_no_change=np.inf,
    verbose=True, random_state=0,
)
pipe = make_pipeline(MinMaxScaler(), clf)
"""

RUNS = {
    "grid-search": """
GridSearchCV(
    pipe, {"sigmoidmlpclassifier__alpha": [0.0, 1.0]}, cv=2, n_jobs=1
).fit(X, y)
print("the search went on")
""",
    "cross-validate": """
cross_validate(pipe, X, y, cv=2, n_jobs=1)
print("cross-validation went on")
""",
    "fit": """
try:
    clf.fit(X / 16, y)
except KeyboardInterrupt:
    print(f"accuracy={clf.score(X / 16, y):.3f} n_iter_={clf.n_iter_}")
""",
}

# An epoch's row of the verbose table starts with the epoch's number.
EPOCH_ROW = re.compile(r"^\s+\d+\s")
SECONDS_TO_STOP = 5


def _interrupt_after(run, n_epochs):
    """Run ``SETUP`` and ``RUNS[run]``, Ctrl-C it after ``n_epochs``; its output."""
    process = subprocess.Popen(
        [sys.executable, "-u", "-c", SETUP + RUNS[run]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    printed = []
    for line in process.stdout:
        printed.append(line)
        if sum(bool(EPOCH_ROW.match(row)) for row in printed) == n_epochs:
            break
    else:
        pytest.fail(f"training never started: {process.communicate()[1]}")
    process.send_signal(signal.SIGINT)
    sent = time.monotonic()
    try:
        stdout, stderr = process.communicate(timeout=SECONDS_TO_STOP)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail(f"still running {SECONDS_TO_STOP} s after Ctrl-C")
    assert time.monotonic() - sent < SECONDS_TO_STOP
    return process.returncode, "".join(printed) + stdout, stderr


@pytest.mark.thorough
@pytest.mark.parametrize("run", ["grid-search", "cross-validate"])
def test_ctrl_c_stops_a_search_of_pipelines_after_the_model_is_kept(run):
    returncode, stdout, stderr = _interrupt_after(run, n_epochs=1)
    assert returncode != 0
    assert "KeyboardInterrupt" in stderr.splitlines()[-1]
    assert stderr.count("Training interrupted by user") == 1
    # Each fit prints the table's header first: no other candidate or fold ran.
    assert stdout.count("train_loss") == 1
    assert "went on" not in stdout


def test_ctrl_c_during_fit_leaves_a_model_that_predicts():
    returncode, stdout, stderr = _interrupt_after("fit", n_epochs=5)
    assert returncode == 0, stderr
    assert "the model keeps the weights of the last complete epoch" in stderr
    result = re.search(r"accuracy=(\S+) n_iter_=(\d+)", stdout)
    assert result, stdout
    # The epoch Ctrl-C lands in is rolled back and not printed.
    n_rows = len([line for line in stdout.splitlines() if EPOCH_ROW.match(line)])
    assert int(result[2]) == n_rows >= 5
    assert float(result[1]) > 0.5  # ten classes: chance is 0.1
