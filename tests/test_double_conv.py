"""DoubleConv1D: a horizontal (1 x k) and a vertical (k x 1) convolution of an
image, added. It equals a Conv2D whose kernel is a cross, and PyTorch's conv2d
with 1 x k and k x 1 kernels cropped to the common output; gradients, inputs
changed in place, bad inputs, dtypes."""
import numpy as np
import pytest

import diy_nn as nn

F64 = dict(rtol=1e-10, atol=1e-12)

# (k_size, stride, padding, h, w), as for Conv2D; even kernels too.
GEOMETRIES = [(1, 1, 0, 3, 4), (3, 1, 0, 5, 6), (3, 1, 1, 5, 5), (3, 2, 0, 7, 8),
              (2, 1, 0, 4, 5), (4, 3, 1, 8, 9), (5, 2, 2, 6, 7)]


def geometry_id(g):
    return "k{}-s{}-p{}-{}x{}".format(*g)


def cross_conv2d(m):
    """The Conv2D with the cross kernel: Wh on the middle row, Wv on the middle
    column (both on the centre), zero elsewhere; the bias of ``m``."""
    k, c = m.k_size, (m.k_size - 1) // 2
    conv = nn.Conv2D(k, m.chan_in, m.chan_out, stride=m.stride, padding=m.padding,
                     dtype=np.float64)
    W = np.zeros((k, k, m.chan_in, m.chan_out))
    W[c, :] += m.horizontal._parameters["W"]
    W[:, c] += m.vertical._parameters["W"]
    conv._parameters["W"][...] = W
    conv._parameters["b"][...] = m.horizontal._parameters["b"]
    return conv


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_double_conv_output_has_the_size_of_conv2d(geometry, rng):
    k, s, p, h, w = geometry
    out = nn.DoubleConv1D(k, 2, 3, stride=s, padding=p, rng=0)(
        rng.standard_normal((4, h, w, 2)))
    assert out.shape == (4, (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1, 3)


def test_double_conv_has_two_conv1d_kernels_and_one_bias():
    m = nn.DoubleConv1D(3, 2, 5)
    names = {name: p.shape for name, p, _ in m.named_parameters()}
    assert names == {"0.W": (3, 2, 5), "0.b": (5,), "1.W": (3, 2, 5)}
    assert m.num_parameters() == 2 * 3 * 2 * 5 + 5


def test_double_conv_kernels_are_drawn_independently_from_one_seed():
    m = nn.DoubleConv1D(3, 2, 5, rng=0)
    again = nn.DoubleConv1D(3, 2, 5, rng=0)
    Wh, Wv = m.horizontal._parameters["W"], m.vertical._parameters["W"]
    assert not np.array_equal(Wh, Wv)
    np.testing.assert_array_equal(Wh, again.horizontal._parameters["W"])


def test_double_conv_forward_written_with_loops(rng):
    m = nn.DoubleConv1D(3, 2, 3, rng=0, dtype=np.float64)
    X = rng.standard_normal((2, 5, 6, 2))
    Wh, Wv = m.horizontal._parameters["W"], m.vertical._parameters["W"]
    expected = np.zeros((2, 3, 4, 3))
    for n in range(2):
        for y in range(3):
            for x in range(4):
                for j in range(3):
                    expected[n, y, x] += X[n, y + 1, x + j] @ Wh[j]    # along a row
                    expected[n, y, x] += X[n, y + j, x + 1] @ Wv[j]    # along a column
    expected += m.horizontal._parameters["b"]
    np.testing.assert_allclose(m(X), expected, **F64)


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_double_conv_equals_conv2d_with_a_cross_shaped_kernel(geometry, rng):
    k, s, p, h, w = geometry
    m = nn.DoubleConv1D(k, 2, 3, stride=s, padding=p, rng=0, dtype=np.float64)
    conv = cross_conv2d(m)
    X = rng.standard_normal((3, h, w, 2))
    out = m(X)
    np.testing.assert_allclose(out, conv(X), **F64)
    delta = rng.standard_normal(out.shape)
    np.testing.assert_allclose(m.backward_delta(X, delta),
                               conv.backward_delta(X, delta), **F64)


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_double_conv_parameter_gradients_are_the_cross_of_conv2ds(geometry, rng):
    k, s, p, h, w = geometry
    c = (k - 1) // 2
    m = nn.DoubleConv1D(k, 2, 3, stride=s, padding=p, rng=0, dtype=np.float64)
    conv = cross_conv2d(m)
    X = rng.standard_normal((3, h, w, 2))
    delta = rng.standard_normal(m(X).shape)
    m.backward_update_gradient(X, delta)
    conv.backward_update_gradient(X, delta)
    # dL/dWh is the middle row of the Conv2D's kernel gradient, dL/dWv its column.
    np.testing.assert_allclose(m.horizontal._gradient["W"], conv._gradient["W"][c, :],
                               **F64)
    np.testing.assert_allclose(m.vertical._gradient["W"], conv._gradient["W"][:, c],
                               **F64)
    np.testing.assert_allclose(m.horizontal._gradient["b"], conv._gradient["b"], **F64)


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_double_conv_equals_torch_conv2d_with_1_by_k_and_k_by_1_kernels_cropped(
        geometry, torch, rng):
    k, s, p, h, w = geometry
    c = (k - 1) // 2
    m = nn.DoubleConv1D(k, 2, 3, stride=s, padding=p, rng=0, dtype=np.float64)
    X = rng.standard_normal((3, h, w, 2))
    out = m(X)
    F = torch.nn.functional
    x = F.pad(torch.tensor(X.transpose(0, 3, 1, 2).copy()), (p, p, p, p))
    # (k, chan_in, chan_out) -> PyTorch's (chan_out, chan_in, 1, k) and (.., k, 1).
    Wh = m.horizontal._parameters["W"].transpose(2, 1, 0)[:, :, None]
    Wv = m.vertical._parameters["W"].transpose(2, 1, 0)[:, :, :, None]
    Wh, Wv = torch.tensor(Wh.copy()), torch.tensor(Wv.copy())
    h_out, w_out = out.shape[1:3]
    # The rows y s + c of the horizontal output, the columns x s + c of the vertical.
    horizontal = F.conv2d(x, Wh, stride=(1, s))[:, :, c:c + s * (h_out - 1) + 1:s]
    vertical = F.conv2d(x, Wv, stride=(s, 1))[:, :, :, c:c + s * (w_out - 1) + 1:s]
    expected = (horizontal + vertical).numpy().transpose(0, 2, 3, 1)
    np.testing.assert_allclose(out, expected + m.horizontal._parameters["b"], **F64)


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_double_conv_passes_gradcheck(geometry, rng):
    k, s, p, h, w = geometry
    m = nn.DoubleConv1D(k, 2, 3, stride=s, padding=p, rng=0)
    result = nn.gradcheck(m, rng.standard_normal((2, h, w, 2)))
    assert result, result


def test_double_conv_gradients_follow_an_input_changed_in_place(rng):
    m = nn.DoubleConv1D(3, 2, 2, padding=1, rng=0, dtype=np.float64)
    fresh = nn.DoubleConv1D(3, 2, 2, padding=1, rng=0, dtype=np.float64)
    X = rng.standard_normal((2, 5, 4, 2))
    delta = rng.standard_normal((2, 5, 4, 2))
    m(X)
    X *= -2
    m.backward_update_gradient(X, delta)
    fresh.backward_update_gradient(X.copy(), delta)
    for (_, g), (_, g_fresh) in zip(m.parameters(), fresh.parameters()):
        np.testing.assert_allclose(g, g_fresh, **F64)
    np.testing.assert_allclose(m.backward_delta(X, delta),
                               fresh.backward_delta(X.copy(), delta), **F64)


def test_double_conv_keeps_float32(rng):
    m = nn.DoubleConv1D(3, 2, 2, rng=0)
    X = rng.standard_normal((2, 5, 5, 2)).astype(np.float32)
    out = m(X)
    m.backward_update_gradient(X, np.ones_like(out))
    assert out.dtype == np.float32
    assert m.backward_delta(X, np.ones_like(out)).dtype == np.float32
    assert all(g.dtype == np.float32 for _, g in m.parameters())


def test_double_conv_zero_grad_reaches_both_kernels(rng):
    m = nn.DoubleConv1D(3, 1, 2, rng=0)
    X = rng.standard_normal((2, 4, 4, 1))
    m.backward_update_gradient(X, np.ones_like(m(X)))
    m.zero_grad()
    assert not any(g.any() for _, g in m.parameters())


def test_double_conv_rejects_an_image_smaller_than_the_kernel(rng):
    with pytest.raises(ValueError, match=r"DoubleConv1D\(5, 1, 2\): expected an input "
                       r"of shape \(batch, h >= 5, w >= 5, 1\), got \(2, 6, 4, 1\)"):
        nn.DoubleConv1D(5, 1, 2)(rng.standard_normal((2, 6, 4, 1)))


def test_double_conv_rejects_the_wrong_number_of_channels(rng):
    with pytest.raises(ValueError, match=r"DoubleConv1D\(3, 2, 2\): .*got "
                       r"\(2, 5, 5, 1\) \(1 channel instead of 2;"):
        nn.DoubleConv1D(3, 2, 2)(rng.standard_normal((2, 5, 5, 1)))


def test_double_conv_rejects_a_3d_array(rng):
    with pytest.raises(ValueError, match=r"DoubleConv1D\(3, 1, 2\): .*got \(2, 5, 5\) "
                       r"\(a 3-D array"):
        nn.DoubleConv1D(3, 1, 2)(rng.standard_normal((2, 5, 5)))


def test_double_conv_rejects_delta_of_the_wrong_shape(rng):
    with pytest.raises(ValueError, match=r"DoubleConv1D\(3, 1, 2\): expected delta of "
                       r"shape \(2, 3, 3, 2\)"):
        nn.DoubleConv1D(3, 1, 2).backward_delta(rng.standard_normal((2, 5, 5, 1)),
                                               np.zeros((2, 5, 5, 2)))


@pytest.mark.parametrize("args, error, message", [
    ((0, 1, 1), ValueError, r"DoubleConv1D: expected k_size >= 1, got 0"),
    ((3, 1, 0), ValueError, r"DoubleConv1D: expected chan_out >= 1, got 0"),
    ((3, 1.5, 2), TypeError, r"DoubleConv1D: expected chan_in to be an integer"),
    ((3, 1, 2, 0), ValueError, r"DoubleConv1D: expected stride >= 1, got 0"),
    ((3, 1, 2, 1, -1), ValueError, r"DoubleConv1D: expected padding >= 0, got -1"),
], ids=["k0", "chan_out0", "float-chan", "stride0", "padding-1"])
def test_double_conv_rejects_bad_constructor_arguments(args, error, message):
    with pytest.raises(error, match=message):
        nn.DoubleConv1D(*args)
