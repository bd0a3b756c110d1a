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

It also registers a converter for :class:`~sknumpynet.preprocessing.Deskew`,
so that a pipeline that deskews the images before the network (or before an
SVC) converts as a whole. Its graph computes the moments in float64 and reads
the sheared rows with ``GatherElements`` (ONNX opset 11 or later); it does not
check the grey levels as ``transform`` does.

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
        OnnxAnd,
        OnnxArgMax,
        OnnxCast,
        OnnxConcat,
        OnnxDiv,
        OnnxExp,
        OnnxFloor,
        OnnxGather,
        OnnxGatherElements,
        OnnxGemm,
        OnnxGreater,
        OnnxLog,
        OnnxMatMul,
        OnnxMax,
        OnnxMin,
        OnnxMul,
        OnnxNeg,
        OnnxPad,
        OnnxReshape,
        OnnxSigmoid,
        OnnxSoftmax,
        OnnxSub,
        OnnxWhere,
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
from ._images import check_image_rows
from .preprocessing import Deskew

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


def _float_input_type(operator, converted, n_outputs):
    """The type of the operator's one input, checked to be float32 or float64.

    Parameters
    ----------
    operator : skl2onnx.common._topology.Operator
        The operator whose output shapes are being declared.
    converted : str
        What is converted, as the error message names it.
    n_outputs : int
        The number of outputs the operator must have.

    Returns
    -------
    input_type : FloatTensorType or DoubleTensorType
    """
    check_input_and_output_numbers(
        operator, input_count_range=1, output_count_range=n_outputs
    )
    input_type = operator.inputs[0].type
    if not isinstance(input_type, (FloatTensorType, DoubleTensorType)):
        raise TypeError(
            f"{converted} converts to ONNX for float32 or float64 input, got "
            f"{type(input_type).__name__}. Pass a float sample to to_onnx, "
            "such as X[:1].astype(np.float32)."
        )
    return input_type


def _calculate_output_shapes(operator):
    """Declare the types and shapes of the label and probability outputs.

    Parameters
    ----------
    operator : skl2onnx.common._topology.Operator
        The operator of a fitted :class:`~sknumpynet.SigmoidMLPClassifier`, as
        skl2onnx's parser declares it.
    """
    input_type = _float_input_type(operator, "A SigmoidMLPClassifier", n_outputs=2)
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


# Deskew: the moments and the shear of sknumpynet.preprocessing, node by node.


def _deskew_output_shape(operator):
    """Declare the output of a :class:`~sknumpynet.preprocessing.Deskew`.

    Parameters
    ----------
    operator : skl2onnx.common._topology.Operator
        The operator of the transformer, with one input and one output.
    """
    input_type = _float_input_type(operator, "Deskew", n_outputs=1)
    height, width = _deskew_image_shape(operator)
    n_samples = operator.inputs[0].get_first_dimension()
    operator.outputs[0].set_type(type(input_type)([n_samples, height * width]))


def _deskew_image_shape(operator):
    """``(height, width)`` of the images, checked against the input's width."""
    n_features = operator.inputs[0].get_second_dimension()
    if n_features is None:
        raise ValueError(
            "Deskew converts to ONNX for a known number of features; give "
            "to_onnx a sample of the data, such as X[:1]."
        )
    return check_image_rows("Deskew", operator.raw_operator.image_shape, n_features)


def _constant(values, dtype=np.float64):
    """An array for an ONNX node to hold as a constant (float64 by default)."""
    return np.asarray(values, dtype=dtype)


def _onnx_skew(images, height, width, opv):
    """The skew and each row's offset from the mean row, in float64 nodes.

    As ``sknumpynet.preprocessing._skew``: images with no ink, or with all
    their ink in one row, get a skew of 0.
    """
    ones_h, rows = _constant(np.ones(height)), _constant(np.arange(height))
    doubles = OnnxCast(images, to=TensorProto.DOUBLE, op_version=opv)
    ink = OnnxMatMul(doubles, _constant(np.ones(width)), op_version=opv)
    ink_times_col = OnnxMatMul(doubles, _constant(np.arange(width)), op_version=opv)
    mass = OnnxMatMul(ink, ones_h, op_version=opv)
    has_ink = OnnxGreater(mass, _constant([0.0]), op_version=opv)
    mass = OnnxWhere(has_ink, mass, _constant([1.0]), op_version=opv)

    def per_image_mean(per_row):
        return OnnxDiv(
            OnnxMatMul(per_row, ones_h, op_version=opv), mass, op_version=opv
        )

    def as_column(per_image):
        return OnnxReshape(per_image, _constant([-1, 1], np.int64), op_version=opv)

    row_centre = OnnxDiv(OnnxMatMul(ink, rows, op_version=opv), mass, op_version=opv)
    col_centre = per_image_mean(ink_times_col)
    row_offset = OnnxSub(rows, as_column(row_centre), op_version=opv)
    row_variance = per_image_mean(
        OnnxMul(OnnxMul(row_offset, row_offset, op_version=opv), ink, op_version=opv)
    )
    ink_times_col_offset = OnnxSub(
        ink_times_col,
        OnnxMul(as_column(col_centre), ink, op_version=opv),
        op_version=opv,
    )
    covariance = per_image_mean(
        OnnxMul(row_offset, ink_times_col_offset, op_version=opv)
    )
    threshold = _constant([np.finfo(np.float64).eps * height**2])
    sheared = OnnxAnd(
        has_ink, OnnxGreater(row_variance, threshold, op_version=opv), op_version=opv
    )
    variance = OnnxWhere(sheared, row_variance, _constant([1.0]), op_version=opv)
    skew = OnnxWhere(
        sheared,
        OnnxDiv(covariance, variance, op_version=opv),
        _constant([0.0]),
        op_version=opv,
    )
    return as_column(skew), row_offset


def _onnx_shift_rows(images, shifts, image_shape, dtype, opv):
    """As ``sknumpynet.preprocessing._shift_rows``, with GatherElements.

    ``images`` is a node of shape (n_images, height, width) and type `dtype`;
    ``shifts`` of shape (n_images, height), float64.
    """
    height, width = image_shape
    pad = width + 1
    whole = OnnxFloor(shifts, op_version=opv)
    fraction = OnnxReshape(
        OnnxCast(
            OnnxSub(shifts, whole, op_version=opv),
            to=np_dtype_to_tensor_dtype(np.dtype(dtype)),
            op_version=opv,
        ),
        _constant([-1, height, 1], np.int64),
        op_version=opv,
    )
    whole = OnnxMax(
        OnnxMin(whole, _constant([width]), op_version=opv),
        _constant([-pad]),
        op_version=opv,
    )
    start = OnnxReshape(
        OnnxCast(
            OnnxAdd(whole, _constant([pad]), op_version=opv),
            to=TensorProto.INT64,
            op_version=opv,
        ),
        _constant([-1, height, 1], np.int64),
        op_version=opv,
    )
    left_index = OnnxAdd(start, _constant(np.arange(width), np.int64), op_version=opv)
    right_index = OnnxAdd(left_index, _constant([1], np.int64), op_version=opv)
    padded = OnnxPad(
        images, _constant([0, 0, pad, 0, 0, pad], np.int64), op_version=opv
    )
    left = OnnxGatherElements(padded, left_index, axis=2, op_version=opv)
    right = OnnxGatherElements(padded, right_index, axis=2, op_version=opv)
    step = OnnxMul(OnnxSub(right, left, op_version=opv), fraction, op_version=opv)
    return OnnxAdd(left, step, op_version=opv)


def _convert_deskew(scope, operator, container):
    """Write the ONNX nodes of a :class:`~sknumpynet.preprocessing.Deskew`.

    Parameters
    ----------
    scope : skl2onnx.common._topology.Scope
        The naming scope of the graph.
    operator : skl2onnx.common._topology.Operator
        The operator of the transformer, with one input and one output.
    container : skl2onnx.common._container.ModelComponentContainer
        The graph under construction.
    """
    opv = container.target_opset
    if opv < 11:
        raise RuntimeError(
            "Deskew converts to ONNX opset 11 or later, which has GatherElements; "
            f"got target_opset={opv}."
        )
    X = operator.inputs[0]
    image_shape = _deskew_image_shape(operator)
    images = OnnxReshape(X, _constant([-1, *image_shape], np.int64), op_version=opv)
    skew, row_offset = _onnx_skew(images, *image_shape, opv)
    shifts = OnnxMul(skew, row_offset, op_version=opv)
    dtype = guess_numpy_type(X.type)
    deskewed = _onnx_shift_rows(images, shifts, image_shape, dtype, opv)
    OnnxReshape(
        deskewed,
        _constant([-1, image_shape[0] * image_shape[1]], np.int64),
        op_version=opv,
        output_names=[operator.outputs[0]],
    ).add_to(scope, container)


update_registered_converter(
    Deskew, "SknumpynetDeskew", _deskew_output_shape, _convert_deskew
)
