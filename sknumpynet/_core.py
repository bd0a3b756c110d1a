"""The numeric core: a network of sigmoid neurons, backpropagation and SGD.

Pure functions on numpy arrays, with no scikit-learn import and no estimator
state, so that each can be read, tested and checked against finite differences
on its own.

Notation and shapes
-------------------
Rows are samples. A network with layer sizes ``[n_0, n_1, ..., n_L]`` has
``L`` weight matrices and bias vectors::

    coefs[l]       W[l+1], shape (n_l, n_{l+1})
    intercepts[l]  b[l+1], shape (n_{l+1},)

For a batch ``X`` of shape ``(n_samples, n_0)`` the forward pass computes::

    A[0] = X
    A[l] = sigmoid(A[l-1] @ W[l] + b[l])       for the hidden layers l < L
    Z[L] = A[L-1] @ W[L] + b[L]                 the output logits
    A[L] = sigmoid(Z[L]) or softmax(Z[L])       the output activation

Backpropagation (Nielsen, chapter 2, in row-major form; ``*`` is the
elementwise product)::

    delta[L] = dC/dZ[L]                                  (output_delta)
    delta[l] = (delta[l+1] @ W[l+1].T) * A[l] * (1 - A[l])
    dC/dW[l] = A[l-1].T @ delta[l]
    dC/db[l] = delta[l] summed over the samples

Every function keeps the dtype of its inputs: float32 stays float32.
"""

import itertools

import numpy as np
from scipy.special import expit, log_expit, log_softmax, softmax

LOSSES = ("cross_entropy", "squared_error")
OUTPUT_ACTIVATIONS = ("sigmoid", "softmax")
INITS = ("nielsen", "large", "glorot")


def init_params(layer_sizes, init, rng, dtype):
    """Draw the initial weights and biases of a network.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_inputs, n_hidden_1, ..., n_outputs]``.
    init : {"nielsen", "large", "glorot"}
        ``"nielsen"``: weights N(0, 1/n_in), biases N(0, 1) (the book's
        default from chapter 3). ``"large"``: weights and biases N(0, 1) (the
        book's chapter 1). ``"glorot"``: weights uniform on
        ``[-r, r]`` with ``r = sqrt(6 / (n_in + n_out))``, biases zero
        (Glorot and Bengio, 2010).
    rng : numpy.random.RandomState
        Source of randomness; the global numpy state is never used.
    dtype : numpy dtype
        dtype of the returned arrays.

    Returns
    -------
    coefs : list of ndarray of shape (n_in, n_out)
    intercepts : list of ndarray of shape (n_out,)
    """
    coefs, intercepts = [], []
    for n_in, n_out in itertools.pairwise(layer_sizes):
        if init == "glorot":
            bound = np.sqrt(6.0 / (n_in + n_out))
            weights = rng.uniform(-bound, bound, size=(n_in, n_out))
            biases = np.zeros(n_out)
        else:
            scale = 1.0 / np.sqrt(n_in) if init == "nielsen" else 1.0
            weights = scale * rng.standard_normal(size=(n_in, n_out))
            biases = rng.standard_normal(size=n_out)
        coefs.append(weights.astype(dtype, copy=False))
        intercepts.append(biases.astype(dtype, copy=False))
    return coefs, intercepts


def forward(X, coefs, intercepts):
    """Run the forward pass and keep what backpropagation needs.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    coefs, intercepts : lists of ndarray
        The network's parameters (see the module docstring).

    Returns
    -------
    activations : list of arrays
        ``[X, A[1], ..., A[L-1]]``: the input and every hidden layer's
        sigmoid activations, the inputs of the ``L`` weight layers.
    logits : ndarray of shape (n_samples, n_outputs)
        ``Z[L]``, the output layer's weighted input before its activation.
    """
    activations = [X]
    for weights, biases in zip(coefs[:-1], intercepts[:-1], strict=True):
        hidden = activations[-1] @ weights
        hidden += biases
        activations.append(expit(hidden, out=hidden))
    logits = activations[-1] @ coefs[-1]
    logits += intercepts[-1]
    return activations, logits


def output_activation(logits, kind):
    """Apply the output layer's activation to its logits.

    Parameters
    ----------
    logits : ndarray of shape (n_samples, n_outputs)
    kind : {"sigmoid", "softmax"}

    Returns
    -------
    outputs : ndarray of shape (n_samples, n_outputs)
    """
    if kind == "softmax":
        return softmax(logits, axis=1)
    return expit(logits)


def log_output_activation(logits, kind):
    """Logarithm of :func:`output_activation`, computed without overflow.

    Parameters
    ----------
    logits : ndarray of shape (n_samples, n_outputs)
    kind : {"sigmoid", "softmax"}

    Returns
    -------
    log_outputs : ndarray of shape (n_samples, n_outputs)
    """
    if kind == "softmax":
        return log_softmax(logits, axis=1)
    return log_expit(logits)


def per_sample_loss(Y, logits, outputs, loss, kind):
    """The cost of each sample, summed over the output units.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs)
        Target indicator matrix (one-hot rows, or independent 0/1 labels).
    logits : ndarray of shape (n_samples, n_outputs)
        Output logits ``Z[L]``; cross-entropy is computed from them so that
        saturated outputs give a large finite cost instead of ``log(0)``.
    outputs : ndarray of shape (n_samples, n_outputs)
        ``output_activation(logits, kind)``.
    loss : {"cross_entropy", "squared_error"}
        ``"squared_error"`` is the book's quadratic cost ``0.5 * ||a - y||^2``.
        ``"cross_entropy"`` is ``-sum(y ln a + (1 - y) ln(1 - a))`` for
        sigmoid outputs and ``-sum(y ln a)`` for softmax outputs.
    kind : {"sigmoid", "softmax"}
        The output activation.

    Returns
    -------
    costs : ndarray of shape (n_samples,)
    """
    if loss == "squared_error":
        residual = outputs - Y
        return 0.5 * np.einsum("ij,ij->i", residual, residual)
    if kind == "softmax":
        return -np.einsum("ij,ij->i", Y, log_softmax(logits, axis=1))
    # -[y ln(sigmoid z) + (1 - y) ln(sigmoid(-z))] = -ln sigmoid(z) + (1 - y) z
    return np.sum((1 - Y) * logits - log_expit(logits), axis=1)


def output_delta(Y, outputs, loss, kind):
    """The error of the output layer, ``delta[L] = dC/dZ[L]``, per sample.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs)
    outputs : ndarray of shape (n_samples, n_outputs)
    loss : {"cross_entropy", "squared_error"}
    kind : {"sigmoid", "softmax"}

    Returns
    -------
    delta : ndarray of shape (n_samples, n_outputs)
        A new array. For cross-entropy with its matching output (sigmoid or
        softmax) it is ``a - y``: the ``sigmoid'(z)`` factor that slows the
        quadratic cost down on saturated units cancels (Nielsen, chapter 3).
    """
    delta = outputs - Y
    if loss == "cross_entropy":
        return delta
    if kind == "sigmoid":
        delta *= outputs * (1 - outputs)
        return delta
    # Softmax Jacobian applied to (a - y): a * ((a - y) - sum_k (a_k - y_k) a_k).
    delta -= np.einsum("ij,ij->i", delta, outputs)[:, np.newaxis]
    delta *= outputs
    return delta


def backward(activations, delta, coefs, l2):
    """Backpropagate the output error to the gradient of every parameter.

    Parameters
    ----------
    activations : list of arrays
        ``[X, A[1], ..., A[L-1]]`` from :func:`forward`.
    delta : ndarray of shape (n_samples, n_outputs)
        ``dC/dZ[L]`` with each row already scaled by its sample's share of the
        batch's mean cost (``1 / n_samples`` without sample weights). It is
        overwritten.
    coefs : list of ndarray
        The weights ``W[1], ..., W[L]``.
    l2 : float
        Coefficient of the L2 penalty ``0.5 * l2 * sum(W ** 2)``: its
        gradient ``l2 * W`` is added to every weight gradient.

    Returns
    -------
    coef_grads : list of ndarray
        ``dC/dW[l]``, shaped like ``coefs``.
    intercept_grads : list of ndarray
        ``dC/db[l]``, shaped like the intercepts.
    """
    n_layers = len(coefs)
    coef_grads = [None] * n_layers
    intercept_grads = [None] * n_layers
    for layer in range(n_layers - 1, -1, -1):
        inputs = activations[layer]
        coef_grads[layer] = np.asarray(inputs.T @ delta)
        if l2:
            coef_grads[layer] += l2 * coefs[layer]
        intercept_grads[layer] = delta.sum(axis=0)
        if layer > 0:
            # sigmoid'(z) = a * (1 - a), with a the layer's own activation.
            delta = delta @ coefs[layer].T
            delta *= inputs
            delta -= delta * inputs
    return coef_grads, intercept_grads


def l2_penalty(coefs, l2):
    """The L2 penalty ``0.5 * l2 * sum of squared weights`` (biases excluded).

    Parameters
    ----------
    coefs : list of ndarray
    l2 : float

    Returns
    -------
    penalty : float
    """
    if not l2:
        return 0.0
    return 0.5 * l2 * float(sum(np.vdot(weights, weights) for weights in coefs))


def sgd_update(params, grads, velocities, learning_rate, momentum, nesterov):
    """Apply one (momentum) SGD update to the parameters in place.

    Parameters
    ----------
    params : list of ndarray
        Weights and biases, updated in place.
    grads : list of ndarray
        Their gradients, in the same order.
    velocities : list of ndarray or None
        Momentum buffers shaped like ``params``, updated in place; ignored
        when ``momentum == 0``.
    learning_rate : float
        The step size, the book's eta.
    momentum : float
        ``v <- momentum * v - learning_rate * grad; param <- param + v``
        (Nielsen, chapter 3; plain SGD when 0).
    nesterov : bool
        Use Nesterov's momentum: ``param <- param + momentum * v -
        learning_rate * grad`` after the velocity update (Sutskever et al.,
        2013), as scikit-learn's SGD solver does.
    """
    velocities = velocities or [None] * len(params)
    for param, grad, velocity in zip(params, grads, velocities, strict=True):
        grad *= learning_rate
        if not momentum:
            param -= grad
            continue
        velocity *= momentum
        velocity -= grad
        if nesterov:
            param += momentum * velocity
            param -= grad
        else:
            param += velocity


def sgd_step(
    X,
    Y,
    row_scale,
    coefs,
    intercepts,
    velocities,
    *,
    loss,
    kind,
    l2,
    learning_rate,
    momentum,
    nesterov,
):
    """Forward, backward and update on one mini-batch.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (batch_size, n_features)
    Y : ndarray of shape (batch_size, n_outputs)
        Target indicator matrix.
    row_scale : ndarray of shape (batch_size,)
        Each sample's weight in the batch's mean cost: ``1 / batch_size``
        without sample weights.
    coefs, intercepts : lists of ndarray
        Updated in place.
    velocities : list of ndarray or None
        Momentum buffers for ``coefs + intercepts``, updated in place.
    loss, kind : str
        See :func:`per_sample_loss`.
    l2 : float
        L2 coefficient (see :func:`backward`).
    learning_rate, momentum, nesterov
        See :func:`sgd_update`.

    Returns
    -------
    batch_loss : float
        The regularised cost of the batch before the update.
    """
    activations, logits = forward(X, coefs, intercepts)
    outputs = output_activation(logits, kind)
    batch_loss = float(row_scale @ per_sample_loss(Y, logits, outputs, loss, kind))
    batch_loss += l2_penalty(coefs, l2)
    delta = output_delta(Y, outputs, loss, kind)
    delta *= row_scale[:, np.newaxis]
    coef_grads, intercept_grads = backward(activations, delta, coefs, l2)
    sgd_update(
        coefs + intercepts,
        coef_grads + intercept_grads,
        velocities,
        learning_rate,
        momentum,
        nesterov,
    )
    return batch_loss
