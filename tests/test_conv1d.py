"""Conv1D, MaxPool1D, AvgPool1D and Flatten: shapes, gradients (finite differences
in float64), equality with PyTorch, bad inputs, dtypes."""
import numpy as np
import pytest

import diy_nn as nn

F64 = dict(rtol=1e-10, atol=1e-12)
F32 = dict(rtol=1e-4, atol=1e-5)

# (k_size, stride, length): strides below, equal to and above the kernel size,
# and lengths that leave positions unused at the end ((length - k) % stride != 0).
GEOMETRIES = [(1, 1, 5), (3, 1, 9), (3, 2, 10), (2, 2, 9), (4, 3, 12), (2, 3, 10),
              (5, 1, 5)]
CHANNELS = [(1, 1), (1, 4), (3, 2)]


def geometry_id(g):
    return f"k{g[0]}-s{g[1]}-L{g[2]}"


# --- shapes and layout -------------------------------------------------------

@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_conv1d_output_length_is_length_minus_k_over_stride_plus_one(geometry, rng):
    k, s, length = geometry
    out = nn.Conv1D(k, 2, 3, stride=s, rng=0)(rng.standard_normal((4, length, 2)))
    assert out.shape == (4, (length - k) // s + 1, 3)


def test_conv1d_parameters_have_the_course_shapes():
    conv = nn.Conv1D(3, 2, 5)
    assert conv._parameters["W"].shape == (3, 2, 5)
    assert conv._parameters["b"].shape == (5,)
    assert conv._gradient["W"].shape == (3, 2, 5)


def test_conv1d_default_init_is_uniform_within_one_over_sqrt_fan_in():
    conv = nn.Conv1D(3, 4, 200, rng=0)
    bound = 1 / np.sqrt(3 * 4)
    W = conv._parameters["W"]
    assert np.abs(W).max() <= bound and np.abs(W).max() > 0.95 * bound
    assert np.abs(conv._parameters["b"]).max() <= bound


def test_conv1d_same_seed_gives_same_parameters():
    a, b = nn.Conv1D(3, 2, 4, rng=7), nn.Conv1D(3, 2, 4, rng=7)
    np.testing.assert_array_equal(a._parameters["W"], b._parameters["W"])


def test_conv1d_forward_is_the_sum_over_offsets_written_with_loops(rng):
    conv = nn.Conv1D(3, 2, 4, stride=2, rng=0, dtype=np.float64)
    X = rng.standard_normal((2, 9, 2))
    W, b = conv._parameters["W"], conv._parameters["b"]
    expected = np.zeros((2, 4, 4))
    for n in range(2):
        for t in range(4):
            for j in range(3):
                expected[n, t] += X[n, 2 * t + j] @ W[j]
            expected[n, t] += b
    np.testing.assert_allclose(conv(X), expected, **F64)


@pytest.mark.parametrize("pool", [nn.MaxPool1D, nn.AvgPool1D])
@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_pool_output_length_is_length_minus_k_over_stride_plus_one(pool, geometry, rng):
    k, s, length = geometry
    out = pool(k, s)(rng.standard_normal((2, length, 3)))
    assert out.shape == (2, (length - k) // s + 1, 3)


def test_pool_stride_defaults_to_kernel_size_as_in_torch():
    assert nn.MaxPool1D(3).stride == 3 and nn.AvgPool1D(2).stride == 2


def test_flatten_keeps_batch_and_multiplies_the_rest(rng):
    X = rng.standard_normal((4, 3, 5))
    out = nn.Flatten()(X)
    assert out.shape == (4, 15)
    np.testing.assert_array_equal(out[1], X[1].ravel())


def test_flatten_backward_reshapes_delta_to_the_input(rng):
    X = rng.standard_normal((4, 3, 5))
    delta = rng.standard_normal((4, 15))
    np.testing.assert_array_equal(nn.Flatten().backward_delta(X, delta),
                                  delta.reshape(4, 3, 5))


# --- gradient checks (float64) ----------------------------------------------

@pytest.mark.parametrize("channels", CHANNELS, ids=str)
@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_conv1d_gradients_pass_gradcheck(geometry, channels, rng):
    k, s, length = geometry
    c_in, c_out = channels
    result = nn.gradcheck(nn.Conv1D(k, c_in, c_out, stride=s, rng=1),
                          rng.standard_normal((3, length, c_in)))
    assert result, result.report()


def test_conv1d_without_bias_passes_gradcheck(rng):
    conv = nn.Conv1D(3, 2, 3, stride=2, bias=False, rng=1)
    assert "b" not in conv._parameters
    assert nn.gradcheck(conv, rng.standard_normal((2, 8, 2)))


@pytest.mark.parametrize("pool", [nn.MaxPool1D, nn.AvgPool1D])
@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_pool_gradients_pass_gradcheck(pool, geometry, rng):
    k, s, length = geometry
    # Distinct values far apart: no tie within a finite-difference step.
    X = rng.permutation(3 * length * 3).reshape(3, length, 3) / 7.0
    result = nn.gradcheck(pool(k, s), X)
    assert result, result.report()


def test_flatten_passes_gradcheck(rng):
    assert nn.gradcheck(nn.Flatten(), rng.standard_normal((3, 4, 2)))


def test_course_network_passes_gradcheck(rng):
    net = nn.Sequential(nn.Conv1D(3, 1, 4, rng=0), nn.MaxPool1D(2, 2), nn.Flatten(),
                        nn.Linear(4 * 4, 5, rng=1), nn.ReLU(), nn.Linear(5, 3, rng=2))
    X = rng.standard_normal((2, 10, 1))
    assert nn.gradcheck(net, X)


# --- max-pooling ties ---------------------------------------------------------

def test_maxpool_tie_sends_the_whole_gradient_to_the_first_maximum():
    # Windows [1, 1], [0, 3], [2, 2]: the first and the last hold a tie.
    X = np.array([[[1.0], [1.0], [0.0], [3.0], [2.0], [2.0]]])
    delta = np.array([[[10.0], [20.0], [30.0]]])
    dX = nn.MaxPool1D(2, 2).backward_delta(X, delta)
    np.testing.assert_array_equal(dX[0, :, 0], [10, 0, 0, 20, 30, 0])


def test_maxpool_overlapping_windows_add_their_gradients_at_a_shared_maximum():
    X = np.array([[[0.0], [5.0], [1.0], [2.0]]])
    delta = np.array([[[1.0], [2.0], [4.0]]])
    dX = nn.MaxPool1D(2, 1).backward_delta(X, delta)
    np.testing.assert_array_equal(dX[0, :, 0], [0, 3, 0, 4])


def test_maxpool_ties_match_torch(torch):
    X = np.array([[[1.0, 2.0], [1.0, 2.0], [4.0, 0.0], [4.0, 0.0], [4.0, 0.0]]])
    delta = np.arange(1.0, 7.0).reshape(1, 3, 2)
    pool = nn.MaxPool1D(3, 1)
    out, grad = _torch_pool(torch, "max_pool1d", X, delta, 3, 1)
    np.testing.assert_allclose(pool(X), out)
    np.testing.assert_allclose(pool.backward_delta(X, delta), grad)


# --- equality with PyTorch ----------------------------------------------------

def _torch_conv(torch, conv, X, delta):
    """Output, dL/dX, dL/dW and dL/db of torch's conv1d with the same
    parameters; channels-last arrays are permuted to torch's (batch, chan, length)."""
    x = torch.tensor(X.transpose(0, 2, 1), requires_grad=True)
    # Ours is W[j, c_in, c_out], torch's weight[c_out, c_in, j].
    w = torch.tensor(conv._parameters["W"].transpose(2, 1, 0), requires_grad=True)
    b = torch.tensor(conv._parameters["b"], requires_grad=True)
    out = torch.nn.functional.conv1d(x, w, b, stride=conv.stride)
    (out * torch.tensor(delta.transpose(0, 2, 1))).sum().backward()
    return (out.detach().numpy().transpose(0, 2, 1), x.grad.numpy().transpose(0, 2, 1),
            w.grad.numpy().transpose(2, 1, 0), b.grad.numpy())


def _torch_pool(torch, name, X, delta, k, s):
    x = torch.tensor(X.transpose(0, 2, 1), requires_grad=True)
    out = getattr(torch.nn.functional, name)(x, k, s)
    (out * torch.tensor(delta.transpose(0, 2, 1))).sum().backward()
    return out.detach().numpy().transpose(0, 2, 1), x.grad.numpy().transpose(0, 2, 1)


def _conv_against_torch(torch, rng, geometry, channels, dtype, tol):
    k, s, length = geometry
    c_in, c_out = channels
    conv = nn.Conv1D(k, c_in, c_out, stride=s, rng=3, dtype=dtype)
    X = rng.standard_normal((4, length, c_in)).astype(dtype)
    n_out = (length - k) // s + 1
    delta = rng.standard_normal((4, n_out, c_out)).astype(dtype)
    out, dX, dW, db = _torch_conv(torch, conv, X, delta)
    np.testing.assert_allclose(conv(X), out, **tol)
    np.testing.assert_allclose(conv.backward_delta(X, delta), dX, **tol)
    conv.backward_update_gradient(X, delta)
    np.testing.assert_allclose(conv._gradient["W"], dW, **tol)
    np.testing.assert_allclose(conv._gradient["b"], db, **tol)


@pytest.mark.parametrize("channels", CHANNELS, ids=str)
@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_conv1d_matches_torch_in_float64(geometry, channels, torch, rng):
    _conv_against_torch(torch, rng, geometry, channels, np.float64, F64)


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_conv1d_matches_torch_in_float32(geometry, torch, rng):
    _conv_against_torch(torch, rng, geometry, (3, 5), np.float32, F32)


@pytest.mark.parametrize("name,pool", [("max_pool1d", nn.MaxPool1D),
                                       ("avg_pool1d", nn.AvgPool1D)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_pool_matches_torch(name, pool, dtype, geometry, torch, rng):
    k, s, length = geometry
    X = rng.standard_normal((3, length, 4)).astype(dtype)
    delta = rng.standard_normal((3, (length - k) // s + 1, 4)).astype(dtype)
    out, grad = _torch_pool(torch, name, X, delta, k, s)
    module = pool(k, s)
    tol = F64 if dtype == np.float64 else F32
    np.testing.assert_allclose(module(X), out, **tol)
    np.testing.assert_allclose(module.backward_delta(X, delta), grad, **tol)


# --- a gradient from (input, delta) alone ------------------------------------

@pytest.mark.parametrize("make", [lambda: nn.Conv1D(3, 2, 4, stride=2, rng=0),
                                  lambda: nn.MaxPool1D(2, 1), lambda: nn.AvgPool1D(3, 2),
                                  nn.Flatten], ids=["conv", "max", "avg", "flatten"])
def test_gradient_uses_the_input_given_to_backward_not_the_one_of_forward(make, rng):
    module = make()
    X = rng.standard_normal((3, 9, 2)).astype(np.float32)
    delta = rng.standard_normal(module(X).shape).astype(np.float32)
    module.forward(X)
    X[...] = rng.standard_normal(X.shape)            # changed in place after forward
    fresh = make()
    if module._parameters:
        fresh._parameters = {k: v.copy() for k, v in module._parameters.items()}
        fresh._gradient = {k: np.zeros_like(v) for k, v in module._parameters.items()}
    fresh.forward(X.copy())
    np.testing.assert_array_equal(module.backward_delta(X, delta),
                                  fresh.backward_delta(X.copy(), delta))
    module.backward_update_gradient(X, delta)
    fresh.backward_update_gradient(X.copy(), delta)
    for name in module._gradient:
        np.testing.assert_array_equal(module._gradient[name], fresh._gradient[name])


# --- dtypes -------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("make", [lambda d: nn.Conv1D(3, 2, 4, dtype=d),
                                  lambda d: nn.MaxPool1D(2, 2),
                                  lambda d: nn.AvgPool1D(2, 1), lambda d: nn.Flatten()],
                         ids=["conv", "max", "avg", "flatten"])
def test_dtype_is_kept_forward_and_backward(make, dtype, rng):
    module = make(dtype)
    X = rng.standard_normal((2, 8, 2)).astype(dtype)
    out = module(X)
    assert out.dtype == dtype
    assert module.backward_delta(X, np.ones_like(out)).dtype == dtype


def test_conv1d_converts_an_input_to_its_parameters_dtype(rng):
    conv = nn.Conv1D(3, 1, 2)                       # float32 parameters
    assert conv(rng.standard_normal((2, 6, 1))).dtype == np.float32


def test_conv1d_integer_input_is_accepted():
    assert nn.Conv1D(2, 1, 1)(np.arange(6).reshape(1, 6, 1)).dtype == np.float32


# --- bad inputs and bad arguments ---------------------------------------------

@pytest.mark.parametrize("make", [lambda: nn.Conv1D(3, 2, 4), lambda: nn.MaxPool1D(3, 1),
                                  lambda: nn.AvgPool1D(3, 2)],
                         ids=["conv", "max", "avg"])
def test_sequence_shorter_than_kernel_is_refused(make):
    module = make()
    with pytest.raises(ValueError, match=r"expected .*length >= 3.*got \(2, 2, 2\)"):
        module(np.zeros((2, 2, 2)))
    assert type(module).__name__ in repr(module)


@pytest.mark.parametrize("make", [lambda: nn.Conv1D(3, 2, 4), lambda: nn.MaxPool1D(2),
                                  lambda: nn.AvgPool1D(2)], ids=["conv", "max", "avg"])
def test_two_dimensional_input_is_refused_with_a_hint(make):
    with pytest.raises(ValueError, match=r"(Conv1D|Pool1D).*got \(4, 10\).*2-D"):
        make()(np.zeros((4, 10)))


def test_conv1d_wrong_number_of_channels_is_refused():
    with pytest.raises(ValueError,
                       match=r"Conv1D\(3, 2, 4\): expected .*\(batch, length >= 3, 2\)"
                             r", got \(5, 10, 3\)"):
        nn.Conv1D(3, 2, 4)(np.zeros((5, 10, 3)))


def test_conv1d_nan_input_is_refused():
    X = np.zeros((2, 5, 1))
    X[1, 2, 0] = np.nan
    with pytest.raises(nn.NonFiniteInputError):
        nn.Conv1D(2, 1, 1)(X)


def test_conv1d_delta_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="delta"):
        nn.Conv1D(3, 1, 2).backward_delta(np.zeros((2, 8, 1)), np.zeros((2, 5, 2)))


def test_flatten_refuses_a_one_dimensional_input():
    with pytest.raises(ValueError, match="Flatten"):
        nn.Flatten()(np.zeros(5))


@pytest.mark.parametrize("args", [(0, 1, 1), (3, 0, 1), (3, 1, -2), (3, 1, 1, 0)])
def test_conv1d_refuses_non_positive_sizes(args):
    with pytest.raises(ValueError, match="Conv1D"):
        nn.Conv1D(*args)


@pytest.mark.parametrize("args", [(2.5, 1, 1), (3, "1", 1), (True, 1, 1)])
def test_conv1d_refuses_non_integer_sizes(args):
    with pytest.raises(TypeError, match="Conv1D"):
        nn.Conv1D(*args)


@pytest.mark.parametrize("pool", [nn.MaxPool1D, nn.AvgPool1D])
def test_pool_refuses_bad_kernel_or_stride(pool):
    with pytest.raises(ValueError, match=pool.__name__):
        pool(0)
    with pytest.raises(ValueError, match=pool.__name__):
        pool(2, -1)
    with pytest.raises(TypeError, match=pool.__name__):
        pool(2.0)


def test_repr_names_the_arguments():
    assert repr(nn.Conv1D(3, 1, 32)) == "Conv1D(3, 1, 32)"
    assert repr(nn.Conv1D(3, 1, 32, stride=2)) == "Conv1D(3, 1, 32, stride=2)"
    assert repr(nn.MaxPool1D(2, 2)) == "MaxPool1D(2, 2)"
    assert repr(nn.Flatten()) == "Flatten()"
