"""
Multilabel classification: several answers per image
====================================================

In multilabel classification a sample can have any number of labels at
once. Here each MNIST digit gets four yes/no labels that describe it: is it
odd, is it 5 or more, is it a prime, and is it usually written with a closed
loop (0, 6, 8, 9)? A 7 is odd, large and prime, with no loop; an 8 is large
with a loop.

Given a 0/1 indicator matrix as ``y``,
:class:`~sknumpynet.SigmoidMLPClassifier` gives its output layer one
independent sigmoid neuron per label (``output_activation="auto"`` picks
sigmoid rather than softmax, which would force the labels to compete), trained
with the cross-entropy cost. One hidden layer serves all four labels.

With ``SKNUMPYNET_EXAMPLES_QUICK=1``, as in the documentation build, the
networks train on 5,000 images for 10 epochs instead of 20,000 for 30, and
score on 2,000 test images: the figures on this page come from that run.
"""

# %%
# Labels from digits
# ------------------
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import accuracy_score, f1_score, hamming_loss
from sklearn.model_selection import train_test_split
from sklearn.multioutput import MultiOutputClassifier

from sknumpynet import SigmoidMLPClassifier
from sknumpynet.datasets import load_mnist

QUICK = os.environ.get("SKNUMPYNET_EXAMPLES_QUICK") == "1"

X_train, X_test, y_train, y_test = load_mnist(split="train_test", return_X_y=True)
X_train, _, y_train, _ = train_test_split(
    X_train,
    y_train,
    train_size=5_000 if QUICK else 20_000,
    stratify=y_train,
    random_state=0,
)
if QUICK:
    X_test, y_test = X_test[:2_000], y_test[:2_000]

LABELS = ["odd", "5 or more", "prime", "loop"]


def describe(digits):
    """The indicator matrix of the four labels of each digit."""
    return np.column_stack(
        [
            digits % 2 == 1,
            digits >= 5,
            np.isin(digits, [2, 3, 5, 7]),
            np.isin(digits, [0, 6, 8, 9]),
        ]
    ).astype(int)


Y_train, Y_test = describe(y_train), describe(y_test)
print("digits  ", y_train[:5])
print("labels  ", LABELS)
print(Y_train[:5])


params = {"max_iter": 10 if QUICK else 30, "random_state": 0}

# %%
# One network, four labels
# ------------------------
# ``fit`` sees a two-dimensional ``y`` of zeros and ones and builds four
# sigmoid outputs. ``predict`` answers with an indicator matrix, setting each
# label whose output exceeds 0.5; ``predict_proba`` gives the four
# probabilities, which need not sum to 1.
net = SigmoidMLPClassifier(**params).fit(X_train, Y_train)
print("output activation:", net.out_activation_)
print("predicted labels of the first test images:")
print(net.predict(X_test[:3]))
print(net.predict_proba(X_test[:3]).round(3))

# %%
# How good is it? There is more than one way to count with several labels:
#
# * the *subset accuracy* counts an image as right only if all four labels
#   are (what ``score`` returns for multilabel targets);
# * the *Hamming loss* is the share of wrong labels, over all images and
#   labels;
# * the F1 score of each label balances its precision and recall.


def report(name, Y_pred):
    per_label = f1_score(Y_test, Y_pred, average=None)
    print(
        f"{name:<34} subset accuracy {accuracy_score(Y_test, Y_pred):.4f}, "
        f"Hamming loss {hamming_loss(Y_test, Y_pred):.4f}, F1 "
        + ", ".join(
            f"{label} {f:.3f}" for label, f in zip(LABELS, per_label, strict=True)
        )
    )


report("one network, shared hidden layer", net.predict(X_test))

# %%
# Two other ways to the same labels
# ---------------------------------
# :class:`~sklearn.multioutput.MultiOutputClassifier` trains one binary network
# per label, four times the work, with nothing shared between them. And since
# here the labels are a function of the digit, a 10-class network can predict
# the digit and the labels can be read from it: an option that ordinary
# multilabel data, where labels are not determined by a class, does not offer.
separate = MultiOutputClassifier(SigmoidMLPClassifier(**params)).fit(X_train, Y_train)
report("four separate networks", separate.predict(X_test))

digit_net = SigmoidMLPClassifier(**params).fit(X_train, y_train)
report("10-class network, then labels", describe(digit_net.predict(X_test)))

# %%
# Which labels are hard
# ---------------------
# The images whose labels the shared network gets most wrong, by the number
# of wrong labels and then by the network's confidence, with the labels it
# predicts (and its probability for each) next to the digit's true ones.
proba = net.predict_proba(X_test)
wrong = (net.predict(X_test) != Y_test).sum(axis=1)
confidence = np.abs(proba - 0.5).sum(axis=1)
worst = np.lexsort((-confidence, -wrong))[:6]

fig, axes = plt.subplots(1, 6, figsize=(10, 2.6))
for ax, i in zip(axes, worst, strict=True):
    ax.imshow(X_test[i].reshape(28, 28), cmap="gray_r")
    predicted = [
        f"{label} {p:.0%}" for label, p in zip(LABELS, proba[i], strict=True) if p > 0.5
    ]
    ax.set_title(f"a {y_test[i]}", fontsize=9)
    ax.set_xlabel("\n".join(predicted) or "(no label)", fontsize=7)
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("predicted labels (probability)", fontsize=9)
fig.tight_layout()
