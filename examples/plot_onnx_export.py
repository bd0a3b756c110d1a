"""
Export to ONNX and predict with ONNX Runtime
============================================

A trained :class:`~sknumpynet.SigmoidMLPClassifier` is a few weight matrices
and a rule to turn outputs into labels. Exported to `ONNX <https://onnx.ai>`_,
it runs in ONNX Runtime: in Python without scikit-learn or sknumpynet, or from
C, C++, C#, Java or JavaScript. This example trains a network on MNIST, converts
it with skl2onnx (``pip install "sknumpynet[onnx]"``), saves it, runs the file
with ONNX Runtime, checks that it predicts what the estimator predicts, and
compares the prediction times. :doc:`/user_guide/deploying` explains each step.

With ``SKNUMPYNET_EXAMPLES_QUICK=1``, as in the documentation build, the network
trains on 3,000 images for 10 epochs instead of 60,000 for 30: the figures on
this page come from that run.
"""

# %%
# Train a network
# ---------------
# MNIST's pixels load as float32 in [0, 1], so the network trains in float32.
import os
import tempfile
import timeit
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import onnxruntime as ort
from skl2onnx import to_onnx
from threadpoolctl import threadpool_limits

import sknumpynet.onnx  # noqa: F401 (registers the converter with skl2onnx)
from sknumpynet import SigmoidMLPClassifier
from sknumpynet.datasets import load_mnist

QUICK = os.environ.get("SKNUMPYNET_EXAMPLES_QUICK") == "1"

X_train, X_test, y_train, y_test = load_mnist(split="train_test", return_X_y=True)
if QUICK:
    X_train, y_train = X_train[:3_000], y_train[:3_000]

clf = SigmoidMLPClassifier(max_iter=10 if QUICK else 30, random_state=0)
clf.fit(X_train, y_train)
accuracy = clf.score(X_test, y_test)
print(f"trained on {len(X_train)} images, test accuracy {accuracy:.4f}")

# %%
# Convert and save
# ----------------
# Importing :mod:`sknumpynet.onnx` taught skl2onnx the estimator. The sample
# ``X_train[:1]`` gives the input its name (``X``), its number of columns and
# its type: float32 here, float64 for a float64 sample. ``zipmap=False``
# returns the probabilities as a matrix rather than one dict per image.
onx = to_onnx(clf, X_train[:1], options={"zipmap": False})
folder = tempfile.TemporaryDirectory()  # removed when the script ends
path = Path(folder.name) / "mnist_net.onnx"
path.write_bytes(onx.SerializeToString())
print(f"{path.name}: {path.stat().st_size / 1024:.0f} KiB")

# %%
# What the graph contains: one Gemm (``X @ W + b``) per layer with a Sigmoid
# after each hidden one, then a Softmax for the probabilities and an ArgMax
# of the output layer's weighted inputs, whose index picks the label.
for node in onx.graph.node:
    print(f"{node.op_type:<8} {', '.join(node.input):<40} -> {', '.join(node.output)}")
for tensor in onx.graph.initializer:
    print(f"{tensor.name:<24} {list(tensor.dims)}")

# %%
# Predict with ONNX Runtime
# -------------------------
# The session reads the file; from here on nothing needs scikit-learn. It runs
# on one thread, as numpy does below, so that the times compare the two on
# equal terms.
options = ort.SessionOptions()
options.intra_op_num_threads = 1
session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
labels, proba = session.run(None, {"X": X_test})

print("labels equal to predict:", np.array_equal(labels, clf.predict(X_test)))
print(
    "largest difference from predict_proba:",
    f"{np.abs(proba - clf.predict_proba(X_test)).max():.1e}",
)

# %%
# How fast?
# ---------
# The best of a few runs of each, for batches from a single image (a web
# service answering one request) to the whole test set.


def best_time(predict, X):
    """The shortest of 5 runs of ``predict(X)``, in seconds."""
    return min(timeit.repeat(lambda: predict(X), number=1, repeat=5))


batch_sizes = [1, 10, 100, 1_000, 10_000]
with threadpool_limits(limits=1):  # numpy on one thread too
    numpy_times = [best_time(clf.predict_proba, X_test[:n]) for n in batch_sizes]
onnx_times = [
    best_time(lambda X: session.run(None, {"X": X}), X_test[:n]) for n in batch_sizes
]
for n, t_np, t_ort in zip(batch_sizes, numpy_times, onnx_times, strict=True):
    print(
        f"{n:>6} images: predict_proba {t_np * 1e3:8.3f} ms, "
        f"ONNX Runtime {t_ort * 1e3:8.3f} ms"
    )

fig, ax = plt.subplots(figsize=(6, 4))
ax.loglog(batch_sizes, numpy_times, "o-", label="SigmoidMLPClassifier.predict_proba")
ax.loglog(batch_sizes, onnx_times, "s-", label="ONNX Runtime, labels and probabilities")
ax.set_xlabel("images per call")
ax.set_ylabel("seconds per call (best of 5)")
ax.set_title("Prediction time on one thread")
ax.legend()
fig.tight_layout()

# %%
# For a single image the estimator spends its time in Python, checking the
# input and calling numpy once per layer, while ONNX Runtime runs the whole
# graph in C++; for large batches both spend their time in matrix products.
