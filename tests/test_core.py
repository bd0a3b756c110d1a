"""The numeric core against independent references: finite differences, dtypes."""

import itertools
import warnings

import numpy as np
import pytest
from scipy.special import expit

from sknumpynet import _core

LOSS_OUTPUT_PAIRS = list(itertools.product(_core.LOSSES, _core.OUTPUT_ACTIVATIONS))


def _problem(
    hidden_sizes, out_activation, n_samples=7, n_features=4, n_outputs=3, seed=0
):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features))
    if out_activation == "softmax":
        Y = np.eye(n_outputs)[rng.randint(n_outputs, size=n_samples)]
    else:  # independent sigmoid outputs: any 0/1 pattern
        Y = rng.randint(2, size=(n_samples, n_outputs)).astype(float)
    coefs, intercepts = _core.init_params(
        [n_features, *hidden_sizes, n_outputs], "standard_normal", rng, np.float64
    )
    # Unequal sample weights, as sample_weight produces.
    row_scale = rng.uniform(0.5, 2.0, size=n_samples)
    row_scale /= row_scale.sum()
    return X, Y, row_scale, coefs, intercepts


def _objective(
    X, Y, row_scale, coefs, intercepts, loss, out_activation, l2, dropout=0.0
):
    # A fresh generator with a fixed seed draws the same dropout masks each time.
    rng = np.random.default_rng(0)
    _, logits = _core.forward(X, coefs, intercepts, dropout, rng)
    outputs = _core.output_activation(logits, out_activation)
    costs = _core.per_sample_loss(Y, logits, outputs, loss, out_activation)
    penalty = 0.5 * l2 * sum(np.sum(w**2) for w in coefs)
    return row_scale @ costs + penalty


def _backprop(
    X, Y, row_scale, coefs, intercepts, loss, out_activation, l2, dropout=0.0
):
    params = _core.flatten_params(coefs, intercepts)
    rng = np.random.default_rng(0)
    activations, logits = _core.forward(
        X, params.coefs, params.intercepts, dropout, rng
    )
    outputs = _core.output_activation(logits, out_activation)
    delta = (
        _core.output_delta(Y, outputs, loss, out_activation) * row_scale[:, np.newaxis]
    )
    grads = _core.unflatten_params(
        np.full_like(params.flat, np.nan), [w.shape for w in coefs]
    )
    _core.backward(activations, delta, params, l2, grads, dropout)
    assert _core.l2_penalty(params, l2) == pytest.approx(
        _objective(
            X, Y, row_scale, coefs, intercepts, loss, out_activation, l2, dropout
        )
        - _objective(
            X, Y, row_scale, coefs, intercepts, loss, out_activation, 0.0, dropout
        )
    )
    return grads.coefs, grads.intercepts


@pytest.mark.parametrize("loss, out_activation", LOSS_OUTPUT_PAIRS)
@pytest.mark.parametrize("hidden_sizes", [(5,), (5, 4), (6, 5, 4)])
@pytest.mark.parametrize("l2, dropout", [(0.0, 0.0), (0.3, 0.0), (0.3, 0.4)])
def test_backprop_matches_finite_differences(
    loss, out_activation, hidden_sizes, l2, dropout
):
    X, Y, row_scale, coefs, intercepts = _problem(hidden_sizes, out_activation)
    coef_grads, intercept_grads = _backprop(
        X, Y, row_scale, coefs, intercepts, loss, out_activation, l2, dropout
    )
    eps = 1e-6
    problem = (X, Y, row_scale, coefs, intercepts)
    for params, grads in [(coefs, coef_grads), (intercepts, intercept_grads)]:
        for param, grad in zip(params, grads, strict=True):
            numeric = np.zeros_like(param)
            for index in np.ndindex(param.shape):
                original = param[index]
                param[index] = original + eps
                up = _objective(*problem, loss, out_activation, l2, dropout)
                param[index] = original - eps
                down = _objective(*problem, loss, out_activation, l2, dropout)
                param[index] = original
                numeric[index] = (up - down) / (2 * eps)
            np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("loss, out_activation", LOSS_OUTPUT_PAIRS)
def test_per_sample_loss_matches_the_textbook_formulas(loss, out_activation):
    X, Y, _, coefs, intercepts = _problem((5,), out_activation)
    _, logits = _core.forward(X, coefs, intercepts)
    a = _core.output_activation(logits, out_activation)
    if loss == "squared_error":
        expected = 0.5 * ((a - Y) ** 2).sum(axis=1)
    elif out_activation == "softmax":
        expected = -(Y * np.log(a)).sum(axis=1)
    else:
        expected = -(Y * np.log(a) + (1 - Y) * np.log(1 - a)).sum(axis=1)
    np.testing.assert_allclose(
        _core.per_sample_loss(Y, logits, a, loss, out_activation), expected, rtol=1e-10
    )


@pytest.mark.parametrize("loss, out_activation", LOSS_OUTPUT_PAIRS)
@pytest.mark.parametrize("scale", [1.0, 1e4])
def test_loss_and_delta_agree_with_the_reference_functions(loss, out_activation, scale):
    # The fused softmax cross-entropy must equal the two readable functions,
    # on saturated logits too.
    X, Y, _, coefs, intercepts = _problem((5,), out_activation)
    _, logits = _core.forward(X, coefs, intercepts)
    logits *= scale
    outputs = _core.output_activation(logits, out_activation)
    costs, delta = _core.loss_and_delta(Y, logits, loss, out_activation)
    np.testing.assert_allclose(
        costs,
        _core.per_sample_loss(Y, logits, outputs, loss, out_activation),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        delta,
        _core.output_delta(Y, outputs, loss, out_activation),
        rtol=1e-12,
        atol=1e-15,
    )


def test_forward_matches_a_per_sample_loop():
    # Nielsen's network.py feeds one column vector at a time; the batch must agree.
    X, _, _, coefs, intercepts = _problem((5, 4), "sigmoid")
    activations, logits = _core.forward(X, coefs, intercepts)
    for row, x in enumerate(X):
        a = x
        for weights, biases in zip(coefs[:-1], intercepts[:-1], strict=True):
            a = expit(weights.T @ a + biases)
        np.testing.assert_allclose(activations[-1][row], a)
        np.testing.assert_allclose(logits[row], coefs[-1].T @ a + intercepts[-1])


@pytest.mark.parametrize("loss, out_activation", LOSS_OUTPUT_PAIRS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sgd_step_keeps_the_dtype(loss, out_activation, dtype):
    X, Y, row_scale, coefs, intercepts = _problem((5, 4), out_activation)
    X, Y, row_scale = X.astype(dtype), Y.astype(dtype), row_scale.astype(dtype)
    params = _core.flatten_params(
        [w.astype(dtype) for w in coefs], [b.astype(dtype) for b in intercepts]
    )
    before = params.flat.copy()
    grads = _core.unflatten_params(np.empty_like(params.flat), [w.shape for w in coefs])
    velocity = np.zeros_like(params.flat)
    expected_logits = _core.forward(X, params.coefs, params.intercepts)[1]
    rule = _core.StepRule(
        loss=loss,
        out_activation=out_activation,
        l2=0.1,
        learning_rate=0.5,
        momentum=0.9,
        nesterov=True,
    )
    state = _core.SGDState(params, grads, velocity)
    batch_cost, logits = _core.sgd_step(X, Y, row_scale, state, rule)
    assert np.isfinite(batch_cost)
    # The logits returned are those before the update.
    np.testing.assert_allclose(logits, expected_logits, rtol=1e-5)
    assert not np.array_equal(before, params.flat)
    for array in (params.flat, grads.flat, velocity, *params.coefs, *params.intercepts):
        assert array.dtype == dtype


@pytest.mark.parametrize("loss, out_activation", LOSS_OUTPUT_PAIRS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_saturated_outputs_give_finite_loss_and_delta(loss, out_activation, dtype):
    # Pre-activations of +-1e4 saturate every unit at exactly 0 or 1.
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0]], dtype=dtype)
    Y = np.array([[0, 1, 0], [0, 1, 0]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            outputs = _core.output_activation(logits, out_activation)
            costs = _core.per_sample_loss(Y, logits, outputs, loss, out_activation)
            delta = _core.output_delta(Y, outputs, loss, out_activation)
            log_outputs = _core.log_output_activation(logits, out_activation)
    for array in (outputs, costs, delta):
        assert np.all(np.isfinite(array))
        assert array.dtype == dtype
    assert np.all(np.isfinite(log_outputs[:, 2]))
    if loss == "log_loss":
        # The wrong, saturated answer costs about |z|, not log(0) = inf.
        assert costs[0] == pytest.approx(2e4, rel=1e-3)


@pytest.mark.parametrize(
    "momentum, nesterov", [(0.0, False), (0.9, False), (0.9, True)]
)
def test_sgd_update_follows_its_formula(momentum, nesterov):
    param, grad, velocity = np.array([1.0]), np.array([0.5]), np.array([0.2])
    new_velocity = momentum * 0.2 - 0.1 * 0.5
    if momentum == 0:
        expected = 1.0 - 0.1 * 0.5
    elif nesterov:
        expected = 1.0 + momentum * new_velocity - 0.1 * 0.5
    else:
        expected = 1.0 + new_velocity
    _core.sgd_update(param, 0.1 * grad, velocity, momentum, nesterov)
    assert param[0] == pytest.approx(expected)
    if momentum:
        assert velocity[0] == pytest.approx(new_velocity)


def test_flat_params_are_views_weights_first():
    coefs, intercepts = _core.init_params(
        [3, 4, 2], "lecun_normal", np.random.RandomState(0), float
    )
    params = _core.flatten_params(coefs, intercepts)
    assert params.n_weights == 3 * 4 + 4 * 2
    assert params.flat.size == params.n_weights + 4 + 2
    params.flat[:] = np.arange(params.flat.size)
    assert params.coefs[1][0, 0] == 12 and params.intercepts[0][0] == 20
    for view, original in zip(params.coefs, coefs, strict=True):
        assert view.base is params.flat and view.shape == original.shape


@pytest.mark.parametrize("init", _core.INITS)
def test_init_params_shapes_scales_and_reproducibility(init):
    sizes = [400, 300, 10]
    coefs, intercepts = _core.init_params(
        sizes, init, np.random.RandomState(0), np.float32
    )
    again, _ = _core.init_params(sizes, init, np.random.RandomState(0), np.float32)
    assert [w.shape for w in coefs] == [(400, 300), (300, 10)]
    assert [b.shape for b in intercepts] == [(300,), (10,)]
    assert all(w.dtype == np.float32 for w in coefs + intercepts)
    np.testing.assert_array_equal(coefs[0], again[0])
    expected_std = {
        "lecun_normal": 1 / np.sqrt(400),
        "standard_normal": 1.0,
        "glorot_uniform": np.sqrt(6 / 700) / np.sqrt(3),
    }[init]
    assert coefs[0].std() == pytest.approx(expected_std, rel=0.02)
