"""Export to ONNX, to predict with ONNX Runtime instead of scikit-learn.

Importing this module registers a converter for
:class:`~sknumpynet.SigmoidMLPClassifier` with
`skl2onnx <https://onnx.ai/sklearn-onnx/>`_, so that ``skl2onnx.to_onnx``
converts the estimator, alone or as a step of a
:class:`~sklearn.pipeline.Pipeline`, like scikit-learn's own classifiers. It
needs skl2onnx, and onnxruntime to run the graphs: both come with the ``onnx``
extra::

    pip install "sknumpynet[onnx]"

The graph computes what :meth:`~sknumpynet.SigmoidMLPClassifier.predict` and
:meth:`~sknumpynet.SigmoidMLPClassifier.predict_proba` compute, for every
output mode (softmax, independent sigmoids normalised to sum to 1, a single
sigmoid for two classes, multilabel), in float32 or float64 as the sample
passed to ``to_onnx``. Its two outputs are ``label`` and ``probabilities``,
the latter as a list of dicts unless the option ``zipmap`` is False, as for
every skl2onnx classifier.

Examples
--------
>>> import numpy as np
>>> import onnxruntime as ort
>>> from skl2onnx import to_onnx
>>> from sklearn.datasets import load_digits
>>> from sknumpynet import SigmoidMLPClassifier
>>> import sknumpynet.onnx  # registers the converter
>>> X, y = load_digits(return_X_y=True)
>>> X = (X / 16).astype(np.float32)
>>> clf = SigmoidMLPClassifier((20,), max_iter=5, random_state=0).fit(X, y)
>>> onx = to_onnx(clf, X[:1], options={"zipmap": False})
>>> session = ort.InferenceSession(
...     onx.SerializeToString(), providers=["CPUExecutionProvider"])
>>> label, proba = session.run(None, {"X": X})
>>> bool((label == clf.predict(X)).all())
True
>>> float(np.abs(proba - clf.predict_proba(X)).max()) < 1e-5
True
"""

import numbers

import numpy as np

try:
    from onnx import TensorProto
    from onnx.helper import np_dtype_to_tensor_dtype
    from skl2onnx import update_registered_converter
    from skl2onnx._parse import _parse_sklearn_classifier
    from skl2onnx.algebra.onnx_ops import (
        OnnxAbs,
        OnnxAdd,
        OnnxArgMax,
        OnnxCast,
        OnnxConcat,
        OnnxExp,
        OnnxGather,
        OnnxGemm,
        OnnxGreater,
        OnnxLog,
        OnnxMin,
        OnnxNeg,
        OnnxSigmoid,
        OnnxSoftmax,
        OnnxSub,
    )
    from skl2onnx.common.data_types import (
        DoubleTensorType,
        FloatTensorType,
        Int64TensorType,
        StringTensorType,
        guess_numpy_type,
    )
    from skl2onnx.common.utils import check_input_and_output_numbers
    from skl2onnx.common.utils_classifier import get_label_classes
except ModuleNotFoundError as exc:
    raise ModuleNotFoundError(
        "sknumpynet.onnx converts with skl2onnx, which is not installed. "
        'pip install "sknumpynet[onnx]" installs it, and onnxruntime to run '
        "the graphs."
    ) from exc
from sklearn.utils.validation import check_is_fitted

from ._classifier import SigmoidMLPClassifier

__all__ = []

# The options every skl2onnx classifier takes; skl2onnx's classifier parser
# reads them to add a ZipMap or the class labels after the converter's outputs.
_OPTIONS = {
    "zipmap": [True, False, "columns"],
    "nocl": [True, False],
    "output_class_labels": [False, True],
}


def _is_multilabel(model):
    return model._label_binarizer.y_type_ == "multilabel-indicator"


def _label_values(classes):
    """The class labels as ONNX can hold them: int64, or strings.

    Float and boolean labels become int64, as in skl2onnx's own converters;
    scikit-learn accepts float labels only when they are whole numbers.
    """
    labels = classes.tolist()
    if all(isinstance(label, str) for label in labels):
        return np.array(labels, dtype=object)
    if all(
        isinstance(label, numbers.Real)
        and float(label).is_integer()
        and -(2**63) <= label < 2**63
        for label in labels
    ):
        return np.array(labels, dtype=np.int64)
    raise ValueError(
        "The ONNX graph of a SigmoidMLPClassifier returns labels as int64 or "
        f"strings, but classes_ is {classes.tolist()!r}, which int64 cannot "
        "hold. Encode the labels before fitting, for example with LabelEncoder."
    )


def _parse(scope, model, inputs, custom_parsers=None):
    """skl2onnx's parser of classifiers, after checking that ``model`` is fitted.

    Without the check, the parser of an unfitted model fails on a missing
    ``classes_`` with a message that does not say why.
    """
    check_is_fitted(model)
    return _parse_sklearn_classifier(scope, model, inputs, custom_parsers)


def _calculate_output_shapes(operator):
    """Declare the types and shapes of the label and probability outputs.

    Parameters
    ----------
    operator : skl2onnx.common._topology.Operator
        The operator of a fitted :class:`~sknumpynet.SigmoidMLPClassifier`, as
        skl2onnx's parser declares it.
    """
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=2)
    input_type = operator.inputs[0].type
    if not isinstance(input_type, (FloatTensorType, DoubleTensorType)):
        raise TypeError(
            "A SigmoidMLPClassifier converts to ONNX for float32 or float64 input, "
            f"got {type(input_type).__name__}. Pass a float sample to to_onnx, "
            "such as X[:1].astype(np.float32)."
        )
    model = operator.raw_operator
    n_samples = operator.inputs[0].get_first_dimension()
    classes = get_label_classes(operator.scope_inst, model)
    if _is_multilabel(model):
        label_type = Int64TensorType([n_samples, len(classes)])
    elif _label_values(classes).dtype == object:
        label_type = StringTensorType([n_samples])
    else:
        label_type = Int64TensorType([n_samples])
    operator.outputs[0].set_type(label_type)
    operator.outputs[1].set_type(type(input_type)([n_samples, len(classes)]))


def _initializer(scope, container, name, values):
    """Store ``values`` in the graph under a readable name, and return the name."""
    unique_name = scope.get_unique_variable_name(name)
    if values.dtype == object:  # strings, which ONNX stores as bytes
        onnx_type = TensorProto.STRING
        content = [label.encode("utf-8") for label in values]
    else:
        onnx_type, content = np_dtype_to_tensor_dtype(values.dtype), values.ravel()
    container.add_initializer(unique_name, onnx_type, values.shape, content)
    return unique_name


def _logits(model, X, dtype, scope, container):
    """The output layer's weighted inputs: Gemm and Sigmoid, layer by layer."""
    opv = container.target_opset
    activations = X
    layers = zip(model.coefs_, model.intercepts_, strict=True)
    for i, (coef, intercept) in enumerate(layers, start=1):
        is_output = i == len(model.coefs_)
        activations = OnnxGemm(
            activations,
            _initializer(scope, container, f"coefs_{i - 1}", coef.astype(dtype)),
            _initializer(
                scope, container, f"intercepts_{i - 1}", intercept.astype(dtype)
            ),
            op_version=opv,
            output_names=_names(scope, "logits" if is_output else f"weighted_{i}"),
        )
        if not is_output:
            activations = OnnxSigmoid(
                activations, op_version=opv, output_names=_names(scope, f"hidden_{i}")
            )
    return activations


def _names(scope, name):
    """A one-name list for ``output_names``, unique in the graph."""
    return [scope.get_unique_variable_name(name)]


def _scores_and_probabilities(model, logits, dtype, opv, proba_name):
    """Scores whose row maximum is the predicted class, and the probabilities.

    As in ``predict_proba``: softmax outputs; a single sigmoid unit ``s`` for
    two classes gives ``[1 - s, s]``, computed as ``sigmoid([-z, z])``; several
    sigmoid units are normalised to sum to 1 in log space, as a softmax of
    ``log(sigmoid(z))``, which stays finite when every output underflows to 0.
    """
    named = {"op_version": opv, "output_names": [proba_name]}
    if model.out_activation_ == "softmax":
        return logits, OnnxSoftmax(logits, axis=1, **named)
    if model.n_outputs_ == 1:
        negated = OnnxNeg(logits, op_version=opv)
        scores = OnnxConcat(negated, logits, axis=1, op_version=opv)
        return scores, OnnxSigmoid(scores, **named)
    return logits, OnnxSoftmax(_log_sigmoid(logits, dtype, opv), axis=1, **named)


def _log_sigmoid(z, dtype, opv):
    """``log(sigmoid(z)) = min(z, 0) - log(1 + exp(-|z|))``, finite for any z.

    ONNX has no log-sigmoid, and ONNX Runtime's Softplus takes float32 only.
    """
    one = np.array([1], dtype=dtype)
    zero = np.array([0], dtype=dtype)
    exp_minus_abs = OnnxExp(
        OnnxNeg(OnnxAbs(z, op_version=opv), op_version=opv), op_version=opv
    )
    return OnnxSub(
        OnnxMin(z, zero, op_version=opv),
        OnnxLog(OnnxAdd(exp_minus_abs, one, op_version=opv), op_version=opv),
        op_version=opv,
    )


def _convert(scope, operator, container):
    """Write the ONNX nodes of a fitted :class:`~sknumpynet.SigmoidMLPClassifier`.

    Parameters
    ----------
    scope : skl2onnx.common._topology.Scope
        The naming scope of the graph.
    operator : skl2onnx.common._topology.Operator
        The operator of the estimator, with one input and the outputs
        ``label`` and ``probabilities``.
    container : skl2onnx.common._container.ModelComponentContainer
        The graph under construction.
    """
    model = operator.raw_operator
    opv = container.target_opset
    dtype = guess_numpy_type(operator.inputs[0].type)
    label_name, proba_name = operator.outputs
    logits = _logits(model, operator.inputs[0], dtype, scope, container)
    if _is_multilabel(model):
        # As predict: a label is set where its logit is positive.
        proba = OnnxSigmoid(logits, op_version=opv, output_names=[proba_name])
        positive = OnnxGreater(logits, np.array([0], dtype=dtype), op_version=opv)
        label = OnnxCast(
            positive,
            to=TensorProto.INT64,
            op_version=opv,
            output_names=[label_name],
        )
    else:
        scores, proba = _scores_and_probabilities(model, logits, dtype, opv, proba_name)
        classes = _label_values(get_label_classes(scope, model))
        best = OnnxArgMax(
            scores,
            axis=1,
            keepdims=0,
            op_version=opv,
            output_names=_names(scope, "best"),
        )
        label = OnnxGather(
            _initializer(scope, container, "classes", classes),
            best,
            op_version=opv,
            output_names=[label_name],
        )
    label.add_to(scope, container)
    proba.add_to(scope, container)


update_registered_converter(
    SigmoidMLPClassifier,
    "SknumpynetSigmoidMLPClassifier",
    _calculate_output_shapes,
    _convert,
    parser=_parse,
    options=_OPTIONS,
)
