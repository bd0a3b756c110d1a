"""
Straightened digits: deskewing before an SVC and before the network
====================================================================

Handwriting slants, and to a classifier the same digit slanted two ways is two
different lists of pixels. :class:`~sknumpynet.preprocessing.Deskew` shears
each image so that its principal axis, found from its second moments, is
upright, and leaves its centre of mass where it was. This example draws what
it does to MNIST digits, then fits the same PCA + SVC and the same network
with and without it, the deskewing as the first step of a
:class:`~sklearn.pipeline.Pipeline`.

Set the environment variable ``SKNUMPYNET_EXAMPLES_QUICK=1`` to fit on 5,000
training digits and score 2,000 test digits, as the documentation build does;
the full run fits on MNIST's 60,000 training digits and scores the official
10,000 test digits.
"""

# %%
# Before and after
# ----------------
# The first ten training digits, as they are and deskewed. Slanted strokes
# come out upright; an upright digit barely changes.
import os
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.decomposition import PCA
from sklearn.pipeline import make_pipeline
from sklearn.svm import SVC

from sknumpynet import SigmoidMLPClassifier
from sknumpynet.datasets import load_mnist
from sknumpynet.preprocessing import Deskew

QUICK = os.environ.get("SKNUMPYNET_EXAMPLES_QUICK") == "1"

X_train, X_test, y_train, y_test = load_mnist(return_X_y=True, split="train_test")
first = X_train[:10]
rows = {"original": first, "Deskew()": Deskew().fit_transform(first)}
fig, axes = plt.subplots(len(rows), len(first), figsize=(8, 2.1), layout="constrained")
for ax_row, (name, images) in zip(axes, rows.items(), strict=True):
    ax_row[0].set_title(name, loc="left", fontsize="medium")
    for ax, image in zip(ax_row, images, strict=True):
        ax.imshow(image.reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
        ax.set_axis_off()

# %%
# The skew removed
# ----------------
# Each digit's skew is the covariance of its row and column indices, weighted
# by the ink, over the variance of its row index: how many columns its strokes
# move to the right per row down. Deskewing brings it to 0, except for the few
# digits whose shear pushes ink past the border of the image.


def skew(X):
    """The skew cov(row, col) / var(row) of each 28 x 28 image in X."""
    images = X.reshape(-1, 28, 28).astype(np.float64)
    rows, cols = np.mgrid[:28, :28]
    mass = images.sum(axis=(1, 2))
    row_centre = (images * rows).sum(axis=(1, 2)) / mass
    col_centre = (images * cols).sum(axis=(1, 2)) / mass
    row_offset = rows - row_centre[:, None, None]
    col_offset = cols - col_centre[:, None, None]
    covariance = (images * row_offset * col_offset).sum(axis=(1, 2))
    return covariance / (images * row_offset**2).sum(axis=(1, 2))


sample = X_train[:5000]
fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
bins = np.linspace(-1, 1, 81)
ax.hist(skew(sample), bins=bins, label="original", alpha=0.6)
ax.hist(skew(Deskew().fit_transform(sample)), bins=bins, label="deskewed", alpha=0.6)
ax.set_xlabel("skew (columns to the right per row down)")
ax.set_ylabel("digits")
ax.legend()

# %%
# With and without deskewing
# --------------------------
# The same two classifiers with their default parameters, with
# ``"passthrough"`` or ``Deskew()`` as the first step: an RBF SVC on the first
# 40 principal components, and the network. Nothing is tuned: the comparison
# uses each model as it comes.
if QUICK:
    X_train, y_train = X_train[:5000], y_train[:5000]
    X_test, y_test = X_test[:2000], y_test[:2000]

classifiers = {
    "PCA(40) + SVC": lambda: make_pipeline(PCA(40, random_state=0), SVC()),
    "SigmoidMLPClassifier": lambda: SigmoidMLPClassifier(random_state=0),
}
for name, make_classifier in classifiers.items():
    for step in ("passthrough", Deskew()):
        model = make_pipeline(step, make_classifier())
        started = time.perf_counter()
        model.fit(X_train, y_train)
        seconds = time.perf_counter() - started
        print(
            f"{name:>20}, {step!s:>11}: test accuracy "
            f"{model.score(X_test, y_test):.4f}, fit {seconds:.0f} s"
        )

# %%
# Both gain from straight digits: fewer of the differences between two images
# of the same digit are slant, so more of what the classifier learns is
# shape. :doc:`/user_guide/preprocessing` gives the figures of the full run
# and explains why the clothes of Fashion-MNIST gain nothing.
plt.show()
