"""
The network's guesses on test digits, mistakes first
====================================================

A test accuracy of 98 % says how often the network is right, not how it is
wrong. :class:`~sknumpynet.inspection.ImagePredictionsDisplay` draws test
digits next to the network's three most probable classes, one bar per class
as long as its probability, as Andrej Karpathy's ConvNetJS MNIST demo does.
The bar of the true class is green; a wrong top guess is red, and its digit
is framed in red. By default the mistakes come first, the most confident
ones first: these are the digits worth looking at.

Set the environment variable ``SKNUMPYNET_EXAMPLES_QUICK=1`` to run on a
few thousand digits and a few epochs, as the documentation build does.
"""

# %%
# Train a network
# ---------------
# The default network: one hidden layer of 100 sigmoid neurons, trained on
# the 60,000 official training digits and tested on the 10,000 others.
import os

from sklearn.metrics import top_k_accuracy_score

from sknumpynet import SigmoidMLPClassifier
from sknumpynet.datasets import load_mnist
from sknumpynet.inspection import ImagePredictionsDisplay

QUICK = os.environ.get("SKNUMPYNET_EXAMPLES_QUICK") == "1"

X_train, X_test, y_train, y_test = load_mnist(return_X_y=True, split="train_test")
if QUICK:
    X_train, y_train = X_train[:5000], y_train[:5000]
n_epochs = 10 if QUICK else 30

clf = SigmoidMLPClassifier(max_iter=n_epochs, random_state=0).fit(X_train, y_train)
print(f"test accuracy: {clf.score(X_test, y_test):.4f}")

# %%
# The most confident mistakes
# ---------------------------
# ``from_estimator`` computes ``predict_proba`` on the test digits, keeps
# those whose most probable class is wrong, and draws them by decreasing
# probability of that wrong class. Each digit is titled with its true class.
display = ImagePredictionsDisplay.from_estimator(
    clf, X_test, y_test, image_shape=(28, 28), n_images=20
)

# %%
# The network is all but sure of these wrong answers: the red bar fills its
# box, and the true class gets so little probability that its bar hardly
# shows, when it is among the three guesses at all. Some of these digits are
# hard to read for a person too; others are plain digits written in an
# unusual style, which the training set had too few of. A network trained
# with the cross-entropy cost keeps pushing its outputs towards 0 and 1, so
# that a high probability is no promise of a right answer.
#
# The display keeps what it drew: ``indices`` are the rows of ``X_test``,
# ``top_classes`` and ``top_proba`` the guesses of each.
for row, guesses, proba in zip(
    display.indices[:5], display.top_classes[:5], display.top_proba[:5], strict=True
):
    answers = ", ".join(f"{c} ({p:.2f})" for c, p in zip(guesses, proba, strict=True))
    print(f"test digit {row}: a {y_test[row]}, taken for {answers}")

# %%
# How far off are the mistakes?
# -----------------------------
# For most of the mistakes the true class is the second guess, even when the
# first one took nearly all the probability.
# :func:`~sklearn.metrics.top_k_accuracy_score` counts a digit as right when
# its class is among the network's ``k`` most probable ones.
proba = clf.predict_proba(X_test)
for k in (1, 2, 3):
    score = top_k_accuracy_score(y_test, proba, k=k, labels=clf.classes_)
    print(f"true class among the top {k}: {score:.4f}")

# %%
# The test digits as they come
# ----------------------------
# With ``mistakes_first=False`` the display draws the first test digits in
# their order, as the ConvNetJS demo streams them: nearly all right, most
# with one long bar, the network sure of its answer.
display = ImagePredictionsDisplay.from_estimator(
    clf, X_test, y_test, n_images=10, mistakes_first=False
)
