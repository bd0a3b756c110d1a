"""
Sample weights and class weights
================================

Not every training sample deserves the same say. Two common cases, on MNIST:

* a class is rare, and the network learns to ignore it: ``class_weight``
  gives each class a weight in the cost;
* some labels are less reliable than others: ``sample_weight`` gives each
  sample its own weight.

In both cases a sample of weight :math:`w` counts :math:`w` times in the mean
cost that SGD minimises, so its gradient pulls :math:`w` times as hard (see
:doc:`/scikit_learn` for how weights reach the network in pipelines and
searches).

With ``SKNUMPYNET_EXAMPLES_QUICK=1``, as in the documentation build, the
networks train on 5,000 images for 10 epochs instead of 20,000 for 30, and
score on 2,000 test images: the figures on this page come from that run.
"""

# %%
# The data
# --------
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import balanced_accuracy_score, precision_score, recall_score
from sklearn.model_selection import train_test_split

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
params = {"max_iter": 10 if QUICK else 30, "random_state": 0}


# %%
# A rare class
# ------------
# Keep only 3 % of the eights in the training set, so that an eight is about
# 30 times rarer than any other digit. The test set is left as it is.
rng = np.random.RandomState(0)
keep = (y_train != 8) | (rng.uniform(size=len(y_train)) < 0.03)
X_rare, y_rare = X_train[keep], y_train[keep]
print(f"{np.sum(y_rare == 8)} eights among {len(y_rare)} training images")

# %%
# Train the network as it comes, then with ``class_weight="balanced"``, which
# weighs each class by ``n_samples / (n_classes * n_samples_of_the_class)``:
# every class then carries the same total weight, and each of the few eights
# counts many times over.
models = {
    "no weights": SigmoidMLPClassifier(**params),
    'class_weight="balanced"': SigmoidMLPClassifier(class_weight="balanced", **params),
}
for name, model in models.items():
    predicted = model.fit(X_rare, y_rare).predict(X_test)
    recall = recall_score(y_test, predicted, labels=[8], average=None)[0]
    precision = precision_score(
        y_test, predicted, labels=[8], average=None, zero_division=0
    )[0]
    print(
        f"{name}: accuracy {np.mean(predicted == y_test):.4f}, balanced accuracy "
        f"{balanced_accuracy_score(y_test, predicted):.4f}\n"
        f"    eights found (recall) {recall:.3f}, "
        f"right when it says 8 (precision) {precision:.3f}"
    )

# %%
# Recall is the share of the test eights that the network finds; precision
# the share of its "8" answers that are right (0 when it never answers "8").
# Without weights the network has seen too few eights to bet on them, and
# misses many. With balanced weights it answers "8" more readily and finds
# more of them; the precision tells how many false alarms that costs. Which
# trade-off is right depends on what a missed eight costs compared with a
# false one. The recall of every digit:
fig, ax = plt.subplots(figsize=(7, 3))
width = 0.4
for offset, (name, model) in zip((-width / 2, width / 2), models.items(), strict=True):
    recalls = recall_score(y_test, model.predict(X_test), average=None)
    ax.bar(np.arange(10) + offset, recalls, width, label=name)
ax.set(xlabel="digit", ylabel="recall on the test set", xticks=range(10))
ax.set_ylim(0, 1.05)
ax.legend(loc="lower left")
fig.tight_layout()

# %%
# Unreliable labels
# -----------------
# Now suppose half of the training images come from a careful source and the
# other half from a sloppy one, where 40 % of the labels were replaced by a
# random digit. We know which image came from where, but not which labels
# are wrong. The test labels are the clean official ones.
sloppy = rng.uniform(size=len(y_train)) < 0.5
y_noisy = y_train.copy()
flipped = sloppy & (rng.uniform(size=len(y_train)) < 0.4)
y_noisy[flipped] = rng.randint(10, size=flipped.sum())
share_wrong = np.mean(y_noisy != y_train)
print(
    f"{sloppy.sum()} images from the sloppy source; "
    f"{share_wrong:.1%} of all training labels wrong"
)

# %%
# ``sample_weight`` gives the sloppy images less say. A weight of 1 trusts
# them fully, 0 ignores them (the network then learns from the careful half
# only), and the weights in between trust them partly.
sloppy_weights = [1.0, 0.5, 0.2, 0.1, 0.0]
accuracies = []
for w in sloppy_weights:
    sample_weight = np.where(sloppy, w, 1.0)
    model = SigmoidMLPClassifier(**params).fit(
        X_train, y_noisy, sample_weight=sample_weight
    )
    accuracies.append(model.score(X_test, y_test))
    print(f"weight of the sloppy images {w:.1f}: test accuracy {accuracies[-1]:.4f}")

# %%
# Wrong labels pull the network away from the right answers, so giving the
# sloppy images less weight helps. But they also bring many right labels, and
# whether a small weight beats ignoring them (weight 0) depends on how much
# data there is: in a full run of this script (20,000 images, 30 epochs) a
# weight of 0.1 did best, 0.9637 against 0.9576 for a weight of 0 and 0.9334
# for trusting them fully. In practice the weight is a parameter to choose by
# cross-validation like any other (with metadata routing, see
# :doc:`/scikit_learn`).
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(sloppy_weights, accuracies, "o-")
ax.set(xlabel="weight of the sloppy images", ylabel="test accuracy")
ax.invert_xaxis()
fig.tight_layout()
