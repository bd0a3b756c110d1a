"""
Distorted digits: data augmentation and an annealed learning rate
==================================================================

A network of sigmoid neurons knows nothing of the geometry of its inputs: to
it a digit is 784 unrelated numbers. Training on randomly distorted copies of
the training digits (:mod:`sknumpynet.augmentation`) teaches it that a digit
moved, turned or written by a shakier hand is still the same digit
(Simard, Steinkraus and Platt, 2003). This example draws what the distortions
do, then trains the same network with and without elastic distortions, with a
learning rate that falls along half a cosine (``learning_rate="cosine"``).

Set the environment variable ``SKNUMPYNET_EXAMPLES_QUICK=1`` to train on a
few thousand digits for a few epochs, as the documentation build does; the
full run trains on MNIST's 60,000 training digits for 30 epochs per network.
"""

# %%
# What the distortions do
# -----------------------
# The first eight training digits, and one random distortion of each by the
# three image transforms with their default parameters.
import os
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sknumpynet import SigmoidMLPClassifier
from sknumpynet.augmentation import ElasticDistortion, RandomAffine, RandomShift
from sknumpynet.datasets import load_mnist

QUICK = os.environ.get("SKNUMPYNET_EXAMPLES_QUICK") == "1"

X_train, X_test, y_train, y_test = load_mnist(return_X_y=True, split="train_test")
first = X_train[:8]
rows = {
    "original": first,
    "RandomShift()": RandomShift().augment(first, np.random.default_rng(0)),
    "RandomAffine()": RandomAffine().augment(first, np.random.default_rng(0)),
    "ElasticDistortion()": ElasticDistortion().augment(first, np.random.default_rng(0)),
}
fig, axes = plt.subplots(len(rows), len(first), figsize=(8, 4.6), layout="constrained")
for ax_row, (name, images) in zip(axes, rows.items(), strict=True):
    ax_row[0].set_title(name, loc="left", fontsize="medium")
    for ax, image in zip(ax_row, images, strict=True):
        ax.imshow(image.reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
        ax.set_axis_off()

# %%
# The same network with and without distortions
# ----------------------------------------------
# 800 sigmoid neurons, as in Simard et al., mini-batches of 128 and a
# learning rate annealed from 0.1 to nearly 0 over the epochs. The
# distortions apply to the training mini-batches only: the test digits are
# scored as they are.
if QUICK:
    X_train, y_train, X_test, y_test = (
        X_train[:3000],
        y_train[:3000],
        X_test[:2000],
        y_test[:2000],
    )
hidden, epochs = ((100,), 5) if QUICK else ((800,), 30)
for augment in (None, ElasticDistortion()):
    clf = SigmoidMLPClassifier(
        hidden_layer_sizes=hidden,
        batch_size=128,
        learning_rate="cosine",
        learning_rate_init=0.1,
        max_iter=epochs,
        augment=augment,
        random_state=0,
    )
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, y_train)
    seconds = time.perf_counter() - started
    print(
        f"augment={augment!r}: test accuracy {clf.score(X_test, y_test):.4f}, "
        f"fit {seconds:.0f} s"
    )

# %%
# On the full data the distorted training generalises better: the network
# cannot learn the exact pixels of a training digit, only what survives the
# distortions. It also fits its training data more slowly, so it needs more
# epochs; :doc:`/user_guide/augmentation` lists measured recipes.
plt.show()
