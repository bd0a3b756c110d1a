"""
What the hidden neurons look for
================================

Each neuron of the first hidden layer computes ``sigmoid(x @ w + b)``: it
weighs the 784 pixels of a digit ``x`` with its own 784 weights ``w``.
Drawn as a 28 x 28 image, ``w`` shows the pattern that turns the neuron on:
red pixels push it on, blue pixels push it off, white pixels do not matter.
:class:`~sknumpynet.inspection.HiddenUnitsDisplay` draws these images for a
fitted :class:`~sknumpynet.SigmoidMLPClassifier`, the way Michael Nielsen's
book and Andrej Karpathy's ConvNetJS demos show them.

Set the environment variable ``SKNUMPYNET_EXAMPLES_QUICK=1`` to run on a
few thousand digits and a few epochs, as the documentation build does.
"""

# %%
# Train a network
# ---------------
# The default network: one hidden layer of 100 sigmoid neurons, trained on
# the 60,000 official training digits.
import os

from sknumpynet import SigmoidMLPClassifier
from sknumpynet.datasets import load_mnist
from sknumpynet.inspection import HiddenUnitsDisplay

QUICK = os.environ.get("SKNUMPYNET_EXAMPLES_QUICK") == "1"

X_train, X_test, y_train, y_test = load_mnist(return_X_y=True, split="train_test")
if QUICK:
    X_train, y_train = X_train[:5000], y_train[:5000]
n_epochs = 10 if QUICK else 30

clf = SigmoidMLPClassifier(max_iter=n_epochs, random_state=0).fit(X_train, y_train)
print(f"test accuracy: {clf.score(X_test, y_test):.4f}")

# %%
# The weights of the 100 hidden neurons
# -------------------------------------
# ``clf.coefs_[0]`` has one column per hidden neuron; the display reshapes
# each column into the 28 x 28 grid of the pixels. Each neuron is drawn on its
# own colour scale, from ``-max|w|`` (blue) to ``+max|w|`` (red), so that every
# pattern shows in full contrast.
display = HiddenUnitsDisplay.from_estimator(clf, image_shape=(28, 28))

# %%
# None of the neurons looks like a digit: each one responds to strokes and
# blobs in some places and against them in others, and the output layer
# combines their answers. The border pixels are white, since they are
# (almost) always 0 in MNIST: a weight on a pixel that is 0 receives no
# gradient and keeps its small initial value.
#
# One colour scale for all the neurons
# ------------------------------------
# With ``vmax="global"`` all neurons share the scale of the largest weight,
# and one colour bar serves them all. Neurons whose images looked like
# noise on their own scale now look pale: training barely moved their
# weights from where the random initialisation put them.
display = HiddenUnitsDisplay.from_estimator(clf, vmax="global")
colorbar = display.figure_.colorbar(display.images_[0], ax=display.axes_, shrink=0.6)

# %%
# Why the initialisation shows
# ----------------------------
# Chapter 1 of Nielsen's book starts from weights drawn from N(0, 1); chapter
# 3 scales them down to N(0, 1/784), our default ``init="lecun_normal"``. The
# network trained from large weights still classifies most digits right,
# but its pictures are noise: training changes each weight by far less than
# the random value it started with.
large_init = SigmoidMLPClassifier(
    init="standard_normal", max_iter=n_epochs, random_state=0
).fit(X_train, y_train)
print(f"test accuracy from N(0, 1) weights: {large_init.score(X_test, y_test):.4f}")

# %%
# The first 25 neurons of each network, side by side: ``ax`` takes a grid of
# axes to draw on, here one in each half of the figure.
import matplotlib.pyplot as plt

fig = plt.figure(figsize=(10, 5.4))
networks = {'init="lecun_normal" (default)': clf, 'init="standard_normal"': large_init}
for subfig, (title, network) in zip(
    fig.subfigures(1, 2), networks.items(), strict=True
):
    axes = subfig.subplots(5, 5, gridspec_kw={"wspace": 0.05, "hspace": 0.05})
    HiddenUnitsDisplay.from_estimator(network, n_units=25, ax=axes)
    subfig.suptitle(title)
