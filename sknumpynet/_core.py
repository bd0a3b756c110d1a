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

    delta[L] = dC/dZ[L]                      (output_delta, loss_and_delta)
    delta[l] = (delta[l+1] @ W[l+1].T) * A[l] * (1 - A[l])
    dC/dW[l] = A[l-1].T @ delta[l]
    dC/db[l] = delta[l] summed over the samples

Training keeps every parameter in one flat array, weights first and biases
after them (:class:`FlatParams`): ``coefs`` and ``intercepts`` are views into it,
so that the update, the L2 penalty and a snapshot of the network are each one
operation on one array, whatever the depth.

Every function keeps the dtype of its inputs: float32 stays float32.
"""

import itertools
from typing import NamedTuple

import numpy as np
from scipy.special import expit, log_expit

LOSSES = ("log_loss", "squared_error")
OUTPUT_ACTIVATIONS = ("sigmoid", "softmax")
INITS = ("lecun_normal", "standard_normal", "glorot_uniform")


def init_params(layer_sizes, init, rng, dtype):
    """Draw the initial weights and biases of a network.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_inputs, n_hidden_1, ..., n_outputs]``.
    init : {"lecun_normal", "standard_normal", "glorot_uniform"}
        ``"lecun_normal"``: weights N(0, 1/n_in) (not truncated, unlike
        Keras'), biases N(0, 1) (the book's default from chapter 3).
        ``"standard_normal"``: weights and biases N(0, 1) (the book's chapter
        1). ``"glorot_uniform"``: weights uniform on ``[-r, r]`` with
        ``r = sqrt(6 / (n_in + n_out))``, biases zero (Glorot and Bengio,
        2010).
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
        if init == "glorot_uniform":
            bound = np.sqrt(6.0 / (n_in + n_out))
            weights = rng.uniform(-bound, bound, size=(n_in, n_out))
            biases = np.zeros(n_out)
        else:
            scale = 1.0 / np.sqrt(n_in) if init == "lecun_normal" else 1.0
            weights = scale * rng.standard_normal(size=(n_in, n_out))
            biases = rng.standard_normal(size=n_out)
        coefs.append(weights.astype(dtype, copy=False))
        intercepts.append(biases.astype(dtype, copy=False))
    return coefs, intercepts


def forward(X, coefs, intercepts, dropout=0.0, rng=None):
    """Run the forward pass and keep what backpropagation needs.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    coefs, intercepts : lists of ndarray
        The network's parameters (see the module docstring).
    dropout : float, default=0.0
        Probability of silencing each hidden neuron, drawn anew for every
        sample (Srivastava et al., 2014). Kept neurons are scaled by
        ``1 / (1 - dropout)`` ("inverted dropout"), so that prediction uses
        the network as it is, with ``dropout=0``.
    rng : numpy.random.Generator, default=None
        Source of the dropout masks; needed when ``dropout > 0``.

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
        sigmoid_(hidden)
        if dropout:
            keep = 1.0 - dropout
            hidden *= rng.random(hidden.shape, dtype=hidden.dtype) < keep
            hidden *= 1.0 / keep
        activations.append(hidden)
    logits = activations[-1] @ coefs[-1]
    logits += intercepts[-1]
    return activations, logits


class FlatParams(NamedTuple):
    """A network's parameters in one flat array, with per-layer views into it.

    Attributes
    ----------
    flat : ndarray of shape (n_params,)
        Every weight (layer by layer, row-major), then every bias.
    coefs : list of ndarray
        Views of ``flat`` shaped ``(n_l, n_{l+1})``.
    intercepts : list of ndarray
        Views of ``flat`` shaped ``(n_{l+1},)``.
    n_weights : int
        Number of weights: ``flat[:n_weights]`` is what L2 penalises.
    """

    flat: np.ndarray
    coefs: list
    intercepts: list
    n_weights: int


def flatten_params(coefs, intercepts):
    """Copy ``coefs`` and ``intercepts`` into a new :class:`FlatParams`.

    Parameters
    ----------
    coefs, intercepts : lists of ndarray
        Shaped as in the module docstring, all of one dtype.

    Returns
    -------
    params : FlatParams
    """
    flat = np.concatenate([w.ravel() for w in coefs] + list(intercepts))
    return unflatten_params(flat, [w.shape for w in coefs])


def unflatten_params(flat, coef_shapes):
    """Views of ``flat`` as the weights and biases of layers of ``coef_shapes``.

    Parameters
    ----------
    flat : ndarray of shape (n_params,)
    coef_shapes : list of (int, int)

    Returns
    -------
    params : FlatParams
    """
    coefs, intercepts, start = [], [], 0
    for n_in, n_out in coef_shapes:
        coefs.append(flat[start : start + n_in * n_out].reshape(n_in, n_out))
        start += n_in * n_out
    n_weights = start
    for _, n_out in coef_shapes:
        intercepts.append(flat[start : start + n_out])
        start += n_out
    return FlatParams(flat, coefs, intercepts, n_weights)


def sigmoid_(z):
    """``1 / (1 + exp(-z))`` computed in place in ``z``, which is returned.

    Five vectorised passes run about twice as fast as ``scipy.special.expit``
    on float32 hidden layers. Clipping ``-z`` at 30 keeps activations above
    ``sigmoid(-30) = 9e-14``, so that backprop's products stay clear of
    subnormal floats, whose arithmetic is many times slower.
    """
    np.negative(z, out=z)
    np.minimum(z, 30, out=z)
    np.exp(z, out=z)
    z += 1
    return np.reciprocal(z, out=z)


def output_activation(logits, out_activation):
    """Apply the output layer's activation to its logits.

    Parameters
    ----------
    logits : ndarray of shape (n_samples, n_outputs)
    out_activation : {"sigmoid", "softmax"}

    Returns
    -------
    outputs : ndarray of shape (n_samples, n_outputs)
        A new array.
    """
    if out_activation == "sigmoid":
        return expit(logits)
    outputs = logits - logits.max(axis=1, keepdims=True)
    np.exp(outputs, out=outputs)
    outputs /= outputs.sum(axis=1, keepdims=True)
    return outputs


def log_output_activation(logits, out_activation):
    """Logarithm of :func:`output_activation`, computed without overflow.

    Parameters
    ----------
    logits : ndarray of shape (n_samples, n_outputs)
    out_activation : {"sigmoid", "softmax"}

    Returns
    -------
    log_outputs : ndarray of shape (n_samples, n_outputs)
    """
    if out_activation == "sigmoid":
        return log_expit(logits)
    shifted = logits - logits.max(axis=1, keepdims=True)
    shifted -= np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return shifted


def per_sample_loss(Y, logits, outputs, loss, out_activation):
    """The cost of each sample, summed over the output units.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs)
        Target indicator matrix (one-hot rows, or independent 0/1 labels).
    logits : ndarray of shape (n_samples, n_outputs)
        Output logits ``Z[L]``; cross-entropy is computed from them so that
        saturated outputs give a large finite cost instead of ``log(0)``.
    outputs : ndarray of shape (n_samples, n_outputs)
        ``output_activation(logits, out_activation)``.
    loss : {"log_loss", "squared_error"}
        ``"squared_error"`` is the book's quadratic cost ``0.5 * ||a - y||^2``.
        ``"log_loss"``, the cross-entropy, is ``-sum(y ln a + (1 - y) ln(1 - a))`` for
        sigmoid outputs and ``-sum(y ln a)`` for softmax outputs.
    out_activation : {"sigmoid", "softmax"}
        The output activation.

    Returns
    -------
    costs : ndarray of shape (n_samples,)
    """
    if loss == "squared_error":
        residual = outputs - Y
        return 0.5 * np.einsum("ij,ij->i", residual, residual)
    if out_activation == "softmax":
        return -np.einsum("ij,ij->i", Y, log_output_activation(logits, out_activation))
    # -[y ln(sigmoid z) + (1 - y) ln(sigmoid(-z))] = -ln sigmoid(z) + (1 - y) z
    return np.einsum("ij,ij->i", 1 - Y, logits) - log_expit(logits).sum(axis=1)


def output_delta(Y, outputs, loss, out_activation):
    """The error of the output layer, ``delta[L] = dC/dZ[L]``, per sample.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs)
    outputs : ndarray of shape (n_samples, n_outputs)
    loss : {"log_loss", "squared_error"}
    out_activation : {"sigmoid", "softmax"}

    Returns
    -------
    delta : ndarray of shape (n_samples, n_outputs)
        A new array. For cross-entropy with its matching output (sigmoid or
        softmax) it is ``a - y``: the ``sigmoid'(z)`` factor that slows the
        quadratic cost down on saturated units cancels (Nielsen, chapter 3).
    """
    delta = outputs - Y
    if loss == "log_loss":
        return delta
    if out_activation == "sigmoid":
        delta *= outputs * (1 - outputs)
        return delta
    # Softmax Jacobian applied to (a - y): a * ((a - y) - sum_k (a_k - y_k) a_k).
    delta -= np.einsum("ij,ij->i", delta, outputs)[:, np.newaxis]
    delta *= outputs
    return delta


def loss_and_delta(Y, logits, loss, out_activation):
    """:func:`per_sample_loss` and :func:`output_delta` of one batch at once.

    Softmax with cross-entropy, the default, shares its exponentials between
    the two: with ``s = z - max(z)`` and ``S = sum(exp(s))`` per row, the
    cost is ``ln S - s[y]`` and the error is ``exp(s) / S - y``. That saves
    five of the fourteen array passes the two functions make apart, which
    matters for small batches, where each pass costs about as much as the
    arithmetic. The other pairs call the two functions.

    Parameters
    ----------
    Y, logits, loss, out_activation
        See :func:`per_sample_loss`; for softmax, ``Y``'s rows are one-hot.

    Returns
    -------
    costs : ndarray of shape (n_samples,)
    delta : ndarray of shape (n_samples, n_outputs)
    """
    if loss == "log_loss" and out_activation == "softmax":
        shifted = logits - logits.max(axis=1, keepdims=True)
        delta = np.exp(shifted)
        sums = delta.sum(axis=1)
        delta /= sums[:, np.newaxis]
        delta -= Y
        costs = np.log(sums)
        costs -= np.einsum("ij,ij->i", Y, shifted)
        return costs, delta
    outputs = output_activation(logits, out_activation)
    return (
        per_sample_loss(Y, logits, outputs, loss, out_activation),
        output_delta(Y, outputs, loss, out_activation),
    )


def backward(activations, delta, params, l2, grads, dropout=0.0):
    """Backpropagate the output error to the gradient of every parameter.

    Parameters
    ----------
    activations : list of arrays
        ``[X, A[1], ..., A[L-1]]`` from :func:`forward`.
    delta : ndarray of shape (n_samples, n_outputs)
        ``dC/dZ[L]`` with each row already scaled by its sample's share of the
        batch's mean cost (``1 / n_samples`` without sample weights).
    params : FlatParams
        The network's parameters.
    l2 : float
        Coefficient of the L2 penalty ``0.5 * l2 * sum(W ** 2)``: its
        gradient ``l2 * W`` is added to every weight gradient.
    grads : FlatParams
        Shaped like ``params``; overwritten with ``dC/dW`` and ``dC/db``.
    dropout : float, default=0.0
        The dropout probability the activations were computed with.
    """
    keep = 1.0 - dropout
    # A product with a vector of ones sums delta's columns, several times
    # faster than np.sum on a batch of a few hundred rows.
    ones = np.ones(len(delta), delta.dtype)
    for layer in range(len(params.coefs) - 1, -1, -1):
        inputs = activations[layer]
        if isinstance(inputs, np.ndarray):
            np.matmul(inputs.T, delta, out=grads.coefs[layer])
        else:  # a sparse matrix
            grads.coefs[layer][...] = inputs.T @ delta
        np.matmul(ones, delta, out=grads.intercepts[layer])
        if layer > 0:
            # sigmoid'(z) = a * (1 - a). Under inverted dropout the stored
            # activation is d = a * mask / keep, and d(d)/dz = d * (1 - keep * d):
            # the same formula, zero for silenced neurons.
            delta = delta @ params.coefs[layer].T
            delta *= inputs
            delta -= keep * delta * inputs if dropout else delta * inputs
    if l2:
        grads.flat[: params.n_weights] += l2 * params.flat[: params.n_weights]


def l2_penalty(params, l2):
    """The L2 penalty ``0.5 * l2 * sum of squared weights`` (biases excluded).

    Parameters
    ----------
    params : FlatParams
    l2 : float

    Returns
    -------
    penalty : float
    """
    if not l2:
        return 0.0
    weights = params.flat[: params.n_weights]
    return 0.5 * l2 * float(weights @ weights)


def sgd_update(params, steps, velocity, momentum, nesterov):
    """Apply one (momentum) SGD update to the parameters in place.

    Parameters
    ----------
    params : ndarray of shape (n_params,)
        The flat parameters, updated in place.
    steps : ndarray of shape (n_params,)
        The gradient already multiplied by the learning rate eta; used as
        scratch space afterwards.
    velocity : ndarray of shape (n_params,)
        Momentum buffer, updated in place; unused when ``momentum == 0``.
    momentum : float
        ``v <- momentum * v - steps; param <- param + v`` (Nielsen,
        chapter 3; plain SGD ``param <- param - steps`` when 0).
    nesterov : bool
        Use Nesterov's momentum: ``param <- param + momentum * v - steps``
        after the velocity update (Sutskever et al., 2013), as
        scikit-learn's SGD solver does.
    """
    if not momentum:
        params -= steps
        return
    velocity *= momentum
    velocity -= steps
    if nesterov:
        params -= steps
        # BLAS axpy would save this pass, but OpenBLAS's level-1 threads stall
        # behind its matrix-product threads (several times slower here).
        params += np.multiply(velocity, momentum, out=steps)
    else:
        params += velocity


class StepRule(NamedTuple):
    """The settings of a mini-batch step, shared by the steps of an epoch.

    Attributes
    ----------
    loss, out_activation : str
        See :func:`per_sample_loss`.
    l2 : float
        L2 coefficient of the mean cost (the book's lambda / n; see
        :func:`backward`).
    learning_rate : float
        eta.
    momentum : float, default=0.0
    nesterov : bool, default=False
        See :func:`sgd_update`.
    dropout : float, default=0.0
        See :func:`forward`.
    """

    loss: str
    out_activation: str
    l2: float
    learning_rate: float
    momentum: float = 0.0
    nesterov: bool = False
    dropout: float = 0.0


class SGDState(NamedTuple):
    """What the steps of a run change, each array updated in place.

    Attributes
    ----------
    params : FlatParams
        The network's parameters.
    grads : FlatParams
        Work space shaped like ``params``, overwritten by each step.
    velocity : ndarray of shape (n_params,)
        Momentum buffer.
    rng : numpy.random.Generator or None, default=None
        Draws the dropout masks; None without dropout.
    """

    params: FlatParams
    grads: FlatParams
    velocity: np.ndarray
    rng: np.random.Generator | None = None


def sgd_step(X, Y, row_scale, state, rule):
    """Forward, backward and update on one mini-batch.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (batch_size, n_features)
    Y : ndarray of shape (batch_size, n_outputs)
        Target indicator matrix.
    row_scale : ndarray of shape (batch_size,)
        Each sample's weight in the batch's mean cost: ``1 / batch_size``
        without sample weights.
    state : SGDState
        The parameters and momentum, updated in place; ``grads`` is
        overwritten with the step, the learning rate times the gradient.
    rule : StepRule

    Returns
    -------
    batch_cost : float
        The batch's mean cost before the update, without the L2 penalty.
    logits : ndarray of shape (batch_size, n_outputs)
        The output layer's weighted inputs before the update (with dropout,
        those of the thinned network): the batch's predictions, for free.
    """
    params, eta = state.params, rule.learning_rate
    activations, logits = forward(
        X, params.coefs, params.intercepts, rule.dropout, state.rng
    )
    costs, delta = loss_and_delta(Y, logits, rule.loss, rule.out_activation)
    batch_cost = float(row_scale @ costs)
    # Scaling the small output error by eta scales every gradient by eta.
    delta *= (eta * row_scale)[:, np.newaxis]
    backward(activations, delta, params, eta * rule.l2, state.grads, rule.dropout)
    sgd_update(
        params.flat, state.grads.flat, state.velocity, rule.momentum, rule.nesterov
    )
    return batch_cost, logits


def predict_logits(X, coefs, intercepts):
    """The output logits of a batch, finite for any finite input.

    Huge inputs overflow weighted inputs to +-inf, which the sigmoid saturates
    as it should. Infinite logits are clipped to a quarter of the largest
    float, so that softmax gets the limiting probabilities instead of
    inf - inf; only a NaN (inf - inf in a sum) has no answer.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    coefs, intercepts : lists of ndarray

    Returns
    -------
    logits : ndarray of shape (n_samples, n_outputs)
        NaN in the rows whose weighted inputs overflow to inf - inf.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        _, logits = forward(X, coefs, intercepts)
        overflowed = np.isnan(logits).any(axis=1)
        if logits.dtype == np.float32 and overflowed.any():
            # Products that overflow float32 (from inputs near 1e20, say) may
            # still have a finite sum: redo those rows in float64.
            _, logits[overflowed] = forward(
                X[overflowed].astype(np.float64),
                [w.astype(np.float64) for w in coefs],
                [b.astype(np.float64) for b in intercepts],
            )
    largest = np.finfo(logits.dtype).max / 4
    return np.clip(logits, -largest, largest, out=logits)
