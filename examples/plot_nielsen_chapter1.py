"""
The book's chapter-1 network
============================

Chapter 1 of Michael Nielsen's *Neural Networks and Deep Learning* trains a
network of 784 input neurons, 30 sigmoid hidden neurons and 10 sigmoid output
neurons on MNIST, with the quadratic cost and plain stochastic gradient
descent: 30 epochs of mini-batches of 10 at a learning rate
:math:`\\eta = 3`. After each epoch it prints how many of the 10,000 test
images the network classifies right, and reaches about 95 %. In the book::

    net = network.Network([784, 30, 10])
    net.SGD(training_data, 30, 10, 3.0, test_data=test_data)

This example runs the same network with
:class:`~sknumpynet.SigmoidMLPClassifier`, epoch by epoch as the book does,
and looks at what happens inside when learning stalls.
:doc:`/user_guide/parameters` translates every parameter.

With ``SKNUMPYNET_EXAMPLES_QUICK=1``, as in the documentation build, it trains
on 10,000 images for 10 epochs, so the accuracies printed on this page are
lower than the book's. The full run trains on the book's 50,000 images for 30
epochs; the committed benchmark, which trains the same network on all 60,000
training images, measured 95.11 % (:doc:`/benchmarks`).
"""

# %%
# The data
# --------
# The book splits MNIST's 60,000 training images into 50,000 to train on and
# 10,000 to validate on; ``split="train_val_test"`` gives the same split. The
# pixels are floats in [0, 1], one image per row.
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import recall_score

from sknumpynet import SigmoidMLPClassifier, _core
from sknumpynet.datasets import load_mnist

QUICK = os.environ.get("SKNUMPYNET_EXAMPLES_QUICK") == "1"

X_train, X_val, X_test, y_train, y_val, y_test = load_mnist(
    split="train_val_test", return_X_y=True
)
if QUICK:
    X_train, y_train = X_train[:10_000], y_train[:10_000]
n_epochs = 10 if QUICK else 30
print(f"training images {X_train.shape}, test images {X_test.shape}")

# %%
# The network
# -----------
# ``Network([784, 30, 10])``: the input and output sizes come from the data,
# so only the hidden layer is given. The other parameters turn off what the
# package adds to chapter 1 by default: the softmax output, the cross-entropy
# cost, the chapter-3 initial weights, momentum and L2 regularisation.
net = SigmoidMLPClassifier(
    hidden_layer_sizes=(30,),
    loss="squared_error",  # the quadratic cost, C = |a - y|^2 / 2
    output_activation="sigmoid",  # ten independent sigmoid output neurons
    init="standard_normal",  # weights and biases drawn from N(0, 1)
    learning_rate="constant",  # the same eta in every epoch
    learning_rate_init=3.0,  # eta
    batch_size=10,  # mini_batch_size
    momentum=0.0,  # plain SGD
    alpha=0.0,  # no regularisation
    random_state=0,
)

# %%
# Training, one epoch at a time
# -----------------------------
# ``partial_fit`` runs one epoch of mini-batch SGD per call and keeps the
# weights between calls; the first call names the classes. With the same
# ``random_state``, ``n`` calls give exactly the network that
# ``fit(X_train, y_train)`` with ``max_iter=n`` would. Between epochs we score
# the test images, as the book's ``test_data`` argument does, and keep the
# share of each digit recognised (its recall). We also keep, after the first
# epoch, what each output neuron says about the images of its own digit.
digits = np.arange(10)
accuracies, recalls = [], []
for epoch in range(n_epochs):
    net.partial_fit(X_train, y_train, classes=digits)
    predicted = net.predict(X_test)
    accuracies.append(np.mean(predicted == y_test))
    recalls.append(recall_score(y_test, predicted, average=None))
    print(f"Epoch {epoch}: {np.sum(predicted == y_test)} / {len(y_test)}")
    if epoch == 0:
        _, logits = _core.forward(X_test, net.coefs_, net.intercepts_)
        outputs = _core.output_activation(logits, "sigmoid")
        own_output = [outputs[y_test == d, d].mean() for d in digits]
        own_slope = [
            np.mean(outputs[y_test == d, d] * (1 - outputs[y_test == d, d]))
            for d in digits
        ]
recalls = np.array(recalls)

# %%
# ``fit(X_train, y_train, X_val=X_test, y_val=y_test)`` with
# ``max_iter=n_epochs`` would record the same accuracies in ``history_``
# (:doc:`/user_guide/watching`). The accuracy climbs fast in the first epochs
# and then creeps; the dotted line is the book's "about 95 %".
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(np.arange(n_epochs), accuracies, "o-", label="test accuracy")
ax.axhline(0.95, color="grey", linestyle=":", label="the book: about 95 %")
ax.set(xlabel="epoch", ylabel="accuracy", title="[784, 30, 10], quadratic cost")
ax.legend()
fig.tight_layout()

# %%
# Which digits are learned when
# -----------------------------
# Each row below is one digit, each column one epoch, and the colour the share
# of that digit's test images the network gets right.
fig, ax = plt.subplots(figsize=(7, 3.5))
image = ax.imshow(recalls.T, vmin=0, vmax=1, cmap="viridis", aspect="auto")
ax.set(xlabel="epoch", ylabel="digit", yticks=digits)
fig.colorbar(image, label="recall")
fig.tight_layout()

first_learned = [
    int(np.argmax(recalls[:, d] >= 0.5)) if np.any(recalls[:, d] >= 0.5) else None
    for d in digits
]
for d in digits:
    when = "never" if first_learned[d] is None else f"from epoch {first_learned[d]}"
    print(f"digit {d}: recall above 50 % {when}")

# %%
# A digit that is learned many epochs after the others, or not at all, has a
# *saturated* output neuron. After the first epoch, this is the mean output of
# each digit's own neuron on the images of that digit, where it should say 1,
# and the mean slope :math:`\sigma'(z) = a (1 - a)` of its sigmoid there:
for d in digits:
    print(f"digit {d}: output {own_output[d]:.4f}, slope {own_slope[d]:.5f}")

# %%
# A neuron whose output is close to 0 where it should be 1 is as wrong as it
# can be, yet with the quadratic cost its error is
# :math:`(a - y)\,\sigma'(z)`, and a slope near 0 makes that error, and every
# gradient that flows from it, tiny: the neuron learns very slowly exactly
# when it is most wrong. This is the learning slowdown of Nielsen's chapter 3,
# and the reason for the cross-entropy cost, whose error is :math:`a - y`
# whatever the slope (:doc:`/user_guide/costs`). The weights drawn from
# :math:`\mathcal N(0, 1)` (``init="standard_normal"``) make saturation likely
# from the start; chapter 3's smaller initial weights (``init="lecun_normal"``) are the
# other half of the cure. Both are the package's defaults.
print(f"test accuracy after {n_epochs} epochs: {net.score(X_test, y_test):.4f}")
