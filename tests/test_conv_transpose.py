"""ConvTranspose1D: the adjoint of Conv1D. Shapes, gradients (finite differences
in float64), equality with Conv1D's input gradient and with PyTorch's
conv_transpose1d, inputs changed in place, bad inputs, dtypes."""
import numpy as np
import pytest

import diy_nn as nn

F64 = dict(rtol=1e-10, atol=1e-12)
F32 = dict(rtol=1e-4, atol=1e-5)

# (k_size, stride, length): strides below, equal to and above the kernel size
# (above: output positions no input reaches).
GEOMETRIES = [(1, 1, 4), (3, 1, 5), (3, 2, 5), (2, 2, 4), (4, 3, 3), (2, 3, 4),
              (5, 1, 1)]
CHANNELS = [(1, 1), (1, 3), (3, 2)]


def geometry_id(g):
    return "k{}-s{}-L{}".format(*g)


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_conv_transpose_output_length_is_length_minus_one_times_stride_plus_k(
        geometry, rng):
    k, s, length = geometry
    out = nn.ConvTranspose1D(k, 2, 3, stride=s, rng=0)(
        rng.standard_normal((4, length, 2)))
    assert out.shape == (4, (length - 1) * s + k, 3)


def test_conv_transpose_parameters_have_the_course_shapes():
    m = nn.ConvTranspose1D(3, 2, 5)
    assert m._parameters["W"].shape == (3, 2, 5)
    assert m._parameters["b"].shape == (5,)


def test_conv_transpose_default_init_is_torchs_uniform_on_one_over_sqrt_chan_out_k():
    m = nn.ConvTranspose1D(3, 300, 4, rng=0)
    bound = 1 / np.sqrt(4 * 3)
    assert bound >= np.abs(m._parameters["W"]).max() > 0.95 * bound
    assert np.abs(m._parameters["b"]).max() <= bound


def test_conv_transpose_repr_shows_the_arguments_that_differ_from_the_defaults():
    assert repr(nn.ConvTranspose1D(3, 1, 2)) == "ConvTranspose1D(3, 1, 2)"
    assert repr(nn.ConvTranspose1D(3, 1, 2, stride=2, bias=False)) == \
        "ConvTranspose1D(3, 1, 2, stride=2, bias=False)"


def test_conv_transpose_forward_spreads_each_input_with_loops(rng):
    m = nn.ConvTranspose1D(3, 2, 4, stride=2, rng=0, dtype=np.float64)
    X = rng.standard_normal((2, 4, 2))
    W, b = m._parameters["W"], m._parameters["b"]
    expected = np.zeros((2, 9, 4))
    for n in range(2):
        for t in range(4):
            for j in range(3):
                expected[n, 2 * t + j] += X[n, t] @ W[j]
    expected += b
    np.testing.assert_allclose(m(X), expected, **F64)


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_conv_transpose_forward_is_conv1d_input_gradient(geometry, rng):
    k, s, length = geometry
    m = nn.ConvTranspose1D(k, 3, 2, stride=s, bias=False, rng=0, dtype=np.float64)
    conv = nn.Conv1D(k, 2, 3, stride=s, rng=1, dtype=np.float64)
    conv._parameters["W"][...] = m._parameters["W"].transpose(0, 2, 1)
    X = rng.standard_normal((2, length, 3))
    conv_input = np.zeros((2, (length - 1) * s + k, 2))
    np.testing.assert_allclose(m(X), conv.backward_delta(conv_input, X), **F64)


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_conv_transpose_is_the_adjoint_of_conv1d(geometry, rng):
    # <Conv1D(x), y> = <x, ConvTranspose1D(y)> for every x and y.
    k, s, length = geometry
    m = nn.ConvTranspose1D(k, 3, 2, stride=s, bias=False, rng=0, dtype=np.float64)
    conv = nn.Conv1D(k, 2, 3, stride=s, bias=False, rng=1, dtype=np.float64)
    conv._parameters["W"][...] = m._parameters["W"].transpose(0, 2, 1)
    x = rng.standard_normal((2, (length - 1) * s + k, 2))
    y = rng.standard_normal((2, length, 3))
    np.testing.assert_allclose(np.sum(conv(x) * y), np.sum(x * m(y)), **F64)


@pytest.mark.parametrize("channels", CHANNELS, ids=lambda c: f"c{c[0]}-{c[1]}")
@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_conv_transpose_passes_gradcheck(geometry, channels, rng):
    k, s, length = geometry
    m = nn.ConvTranspose1D(k, *channels, stride=s, rng=0)
    result = nn.gradcheck(m, rng.standard_normal((2, length, channels[0])))
    assert result, result


def test_conv_transpose_without_bias_passes_gradcheck(rng):
    result = nn.gradcheck(nn.ConvTranspose1D(3, 2, 2, stride=2, bias=False, rng=0),
                          rng.standard_normal((2, 4, 2)))
    assert result, result


def torch_conv_transpose(torch, m, X, delta):
    x = torch.tensor(X.transpose(0, 2, 1).copy(), requires_grad=True)
    # Our W is (k, chan_in, chan_out); PyTorch's (chan_in, chan_out, k).
    W = torch.tensor(m._parameters["W"].transpose(1, 2, 0).copy(), requires_grad=True)
    b = torch.tensor(m._parameters["b"], requires_grad=True)
    out = torch.nn.functional.conv_transpose1d(x, W, b, stride=m.stride)
    (out * torch.tensor(delta.transpose(0, 2, 1).copy())).sum().backward()
    return (out.detach().numpy().transpose(0, 2, 1), x.grad.numpy().transpose(0, 2, 1),
            W.grad.numpy().transpose(2, 0, 1), b.grad.numpy())


def ours(m, X, delta):
    out = m(X)
    m.zero_grad()
    m.backward_update_gradient(X, delta)
    return out, m.backward_delta(X, delta), m._gradient["W"], m._gradient["b"]


@pytest.mark.parametrize("channels", CHANNELS, ids=lambda c: f"c{c[0]}-{c[1]}")
@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_conv_transpose_matches_torch_with_weight_permuted_1_2_0_in_float64(
        geometry, channels, torch, rng):
    k, s, length = geometry
    m = nn.ConvTranspose1D(k, *channels, stride=s, rng=0, dtype=np.float64)
    X = rng.standard_normal((3, length, channels[0]))
    delta = rng.standard_normal(m(X).shape)
    for a, b in zip(ours(m, X, delta), torch_conv_transpose(torch, m, X, delta)):
        np.testing.assert_allclose(a, b, **F64)


def test_conv_transpose_matches_torch_in_float32(torch, rng):
    m = nn.ConvTranspose1D(4, 3, 5, stride=2, rng=0)
    X = rng.standard_normal((4, 10, 3)).astype(np.float32)
    delta = rng.standard_normal((4, 22, 5)).astype(np.float32)
    for a, b in zip(ours(m, X, delta), torch_conv_transpose(torch, m, X, delta)):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, b, **F32)


def test_conv_transpose_gradients_follow_an_input_changed_in_place(rng):
    m = nn.ConvTranspose1D(3, 2, 2, stride=2, rng=0, dtype=np.float64)
    fresh = nn.ConvTranspose1D(3, 2, 2, stride=2, rng=0, dtype=np.float64)
    X = rng.standard_normal((2, 4, 2))
    delta = rng.standard_normal((2, 9, 2))
    m(X)
    X *= -3
    m.backward_update_gradient(X, delta)
    fresh.backward_update_gradient(X.copy(), delta)
    np.testing.assert_allclose(m._gradient["W"], fresh._gradient["W"], **F64)
    np.testing.assert_allclose(m.backward_delta(X, delta),
                               fresh.backward_delta(X.copy(), delta), **F64)


def test_conv_transpose_keeps_float32(rng):
    m = nn.ConvTranspose1D(3, 2, 2, rng=0)
    X = rng.standard_normal((2, 4, 2)).astype(np.float32)
    out = m(X)
    m.backward_update_gradient(X, np.ones_like(out))
    assert out.dtype == np.float32
    assert m.backward_delta(X, np.ones_like(out)).dtype == np.float32
    assert m._gradient["W"].dtype == np.float32


def test_conv_transpose_converts_a_float64_input_to_its_float32_parameters(rng):
    assert nn.ConvTranspose1D(3, 1, 2, rng=0)(rng.standard_normal((2, 4, 1))).dtype == \
        np.float32


def test_conv_transpose_rejects_the_wrong_number_of_channels(rng):
    with pytest.raises(ValueError, match=r"ConvTranspose1D\(3, 2, 4\): expected an "
                       r"input of shape \(batch, length, 2\), got \(2, 5, 3\)"):
        nn.ConvTranspose1D(3, 2, 4)(rng.standard_normal((2, 5, 3)))


def test_conv_transpose_rejects_a_2d_array(rng):
    with pytest.raises(ValueError, match=r"ConvTranspose1D\(3, 1, 4\): .*got \(2, 5\)"):
        nn.ConvTranspose1D(3, 1, 4)(rng.standard_normal((2, 5)))


def test_conv_transpose_rejects_an_empty_sequence():
    with pytest.raises(ValueError,
                       match=r"ConvTranspose1D\(3, 1, 4\): .*got \(2, 0, 1\)"):
        nn.ConvTranspose1D(3, 1, 4)(np.zeros((2, 0, 1)))


def test_conv_transpose_rejects_delta_of_the_wrong_shape(rng):
    m = nn.ConvTranspose1D(3, 1, 4, stride=2)
    X = rng.standard_normal((2, 5, 1))
    with pytest.raises(ValueError, match=r"ConvTranspose1D\(3, 1, 4, stride=2\): "
                       r"expected delta of shape \(2, 11, 4\)"):
        m.backward_delta(X, np.zeros((2, 5, 4)))


@pytest.mark.parametrize("args, error, message", [
    ((0, 1, 1), ValueError, r"ConvTranspose1D: expected k_size >= 1, got 0"),
    ((3, 0, 1), ValueError, r"ConvTranspose1D: expected chan_in >= 1, got 0"),
    ((3, 1, 2.0), TypeError, r"ConvTranspose1D: expected chan_out to be an integer"),
    ((3, 1, 2, 0), ValueError, r"ConvTranspose1D: expected stride >= 1, got 0"),
], ids=["k0", "chan_in0", "float-chan", "stride0"])
def test_conv_transpose_rejects_bad_constructor_arguments(args, error, message):
    with pytest.raises(error, match=message):
        nn.ConvTranspose1D(*args)


def test_conv1d_then_conv_transpose_gives_back_the_input_length(rng):
    X = rng.standard_normal((2, 17, 1))
    net = nn.Sequential(nn.Conv1D(3, 1, 4, stride=2, rng=0), nn.ReLU(),
                        nn.ConvTranspose1D(3, 4, 1, stride=2, rng=1))
    assert net(X).shape == X.shape
    result = nn.gradcheck(net, X)
    assert result, result
