"""
Training curves: watching a network learn, and overfit
======================================================

After every epoch, :class:`~sknumpynet.SigmoidMLPClassifier` records the loss
and the accuracy on the training data and, when it is given validation data,
on the validation data too, in ``history_``.
:class:`~sknumpynet.inspection.TrainingCurveDisplay` draws them: the loss on
the left, the accuracy on the right, training lines solid and validation
lines dashed.

The second half reproduces the experiment of chapter 3 of Michael Nielsen's
*Neural Networks and Deep Learning*: a network trained on only 1,000 digits
learns them by heart, and L2 regularisation (weight decay) makes it
generalise better.

Set the environment variable ``SKNUMPYNET_EXAMPLES_QUICK=1`` to run on a
few thousand digits and a few epochs, as the documentation build does.
"""

# %%
# The data
# --------
# Nielsen's split of MNIST: 50,000 digits to train on and 10,000 to validate
# on. The 10,000 test digits stay untouched until a model has been chosen.
import os
import warnings

from sklearn.exceptions import ConvergenceWarning

from sknumpynet import SigmoidMLPClassifier
from sknumpynet.datasets import load_mnist
from sknumpynet.inspection import TrainingCurveDisplay

QUICK = os.environ.get("SKNUMPYNET_EXAMPLES_QUICK") == "1"

X_train, X_val, _, y_train, y_val, _ = load_mnist(
    return_X_y=True, split="train_val_test"
)
if QUICK:
    X_train, y_train = X_train[:3000], y_train[:3000]
    X_val, y_val = X_val[:1000], y_val[:1000]
print(f"{len(X_train)} training and {len(X_val)} validation digits")

# %%
# Loss and accuracy per epoch
# ---------------------------
# Passing ``X_val`` and ``y_val`` to ``fit`` only monitors them: unlike
# ``early_stopping=True``, they do not stop the training.
clf = SigmoidMLPClassifier(max_iter=5 if QUICK else 30, random_state=0)
clf.fit(X_train, y_train, X_val=X_val, y_val=y_val)

display = TrainingCurveDisplay.from_estimator(clf)

# %%
# The lines hold exactly what ``history_`` recorded, one dict per epoch
# (``pandas.DataFrame(clf.history_)`` makes it a table):
for epoch in clf.history_[-3:]:
    print(
        f"epoch {epoch['epoch']:2d}: "
        f"loss {epoch['train_loss']:.4f} / {epoch['val_loss']:.4f}, "
        f"accuracy {epoch['train_accuracy']:.4f} / {epoch['val_accuracy']:.4f}"
    )

# %%
# The training accuracy is measured on each mini-batch just before the update
# it causes, as Keras reports it. In the first epochs the network improves
# during the epoch, so the training accuracy lags behind the validation
# accuracy, which is measured on the weights at the end of the epoch.
#
# Overfitting, and what L2 regularisation does about it
# -----------------------------------------------------
# Nielsen's chapter 3 trains 30 hidden neurons on the first 1,000 training
# digits only, with mini-batches of 10, eta = 0.5, no momentum, and the large
# initial weights of chapter 1 (``init="standard_normal"``; the default
# ``"lecun_normal"`` initialisation is itself a remedy against overfitting,
# the book's next section). The network soon classifies all of its 1,000
# digits right, but the validation accuracy stops improving long before: what
# it learns after that is peculiarities of these 1,000 digits.
# ``n_iter_no_change=n_epochs`` turns the stopping rule off, so that every run
# lasts ``n_epochs`` epochs.
n_epochs = 60 if QUICK else 400
book_network = {
    "hidden_layer_sizes": (30,),
    "init": "standard_normal",
    "batch_size": 10,
    "learning_rate": "constant",
    "learning_rate_init": 0.5,
    "momentum": 0.0,
    "max_iter": n_epochs,
    "n_iter_no_change": n_epochs,
    "random_state": 0,
}
X_small, y_small = X_train[:1000], y_train[:1000]

with warnings.catch_warnings():
    # A constant rate that runs all n_epochs epochs warns at max_iter, as
    # scikit-learn's MLPClassifier does; here that is the plan.
    warnings.simplefilter("ignore", ConvergenceWarning)
    unregularised = SigmoidMLPClassifier(alpha=0.0, **book_network).fit(
        X_small, y_small, X_val=X_val, y_val=y_val
    )
    # The book's lambda = 0.1 on n = 1,000 digits is alpha = 0.1.
    regularised = SigmoidMLPClassifier(alpha=0.1, **book_network).fit(
        X_small, y_small, X_val=X_val, y_val=y_val
    )

# %%
# Drawing the second run on the axes of the first, with a ``name`` for each,
# puts them side by side. Both networks soon classify all 1,000 training
# digits right. The validation accuracy of the unregularised one stops at
# about 83 % after a few dozen epochs; with weight decay it keeps climbing,
# to about 89 % (the book reports 82 % and 87 %). The regularised training
# loss stays higher: it includes the penalty on the weights.
comparison = TrainingCurveDisplay.from_estimator(unregularised, name="alpha=0")
TrainingCurveDisplay.from_estimator(regularised, name="alpha=0.1", ax=comparison.axes_)
comparison.axes_[1].set_ylim(0.5, 1.01)

for name, model in [("alpha=0", unregularised), ("alpha=0.1", regularised)]:
    last = model.history_[-1]
    print(
        f"{name}: training accuracy {last['train_accuracy']:.3f}, "
        f"validation accuracy {last['val_accuracy']:.3f}"
    )

# %%
# The validation loss of the unregularised network rises again while its
# training loss keeps falling: it grows ever more confident, and on the
# digits it gets wrong, ever more wrong. This is the classic sign of
# overfitting, and the reason early stopping (``early_stopping=True``)
# watches the validation data.
