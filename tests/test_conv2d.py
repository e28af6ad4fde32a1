"""Conv2D, MaxPool2D and AvgPool2D: shapes, gradients (finite differences in
float64), equality with PyTorch (channels-first there, channels-last here), the
two computation paths of Conv2D, max-pool ties, inputs changed in place, bad
inputs, dtypes."""
import numpy as np
import pytest

import diy_nn as nn
import diy_nn.conv2d as conv2d

F64 = dict(rtol=1e-10, atol=1e-12)
F32 = dict(rtol=1e-4, atol=1e-5)

# (k_size, stride, padding, h, w): strides below, equal to and above the kernel
# size, paddings, non-square images, and sizes that leave rows and columns unused
# at the end ((h + 2 p - k) % stride != 0).
GEOMETRIES = [(1, 1, 0, 4, 5), (3, 1, 0, 6, 7), (3, 1, 1, 5, 5), (3, 2, 0, 8, 7),
              (2, 2, 0, 7, 6), (2, 3, 1, 7, 8), (5, 2, 2, 6, 5), (4, 3, 0, 10, 9)]
CHANNELS = [(1, 1), (1, 3), (2, 4), (5, 2)]
POOL_GEOMETRIES = [(2, 2, 6, 8), (2, 2, 7, 5), (3, 3, 8, 7), (3, 2, 7, 8),
                   (2, 1, 5, 6), (3, 1, 5, 5), (2, 3, 8, 8)]


def geometry_id(g):
    return "k{}-s{}-p{}-{}x{}".format(*g)


def pool_id(g):
    return "k{}-s{}-{}x{}".format(*g)


@pytest.fixture(params=["columns", "offsets"])
def path(request, monkeypatch):
    """Run a test through both ways Conv2D computes: the window matrix (im2col)
    and the loop over the kernel offsets, which it takes for large batches."""
    columns = request.param == "columns"
    monkeypatch.setattr(conv2d, "fits_window_matrix", lambda *args: columns)
    return request.param


def test_conv2d_builds_the_window_matrix_for_a_training_batch():
    assert conv2d.fits_window_matrix(128 * 28 * 28, 9 * 32, 64, 4)


def test_conv2d_loops_over_offsets_when_the_window_matrix_would_be_large():
    rows = 4096 * 28 * 28                  # 3.7 GB of windows for 32 channels
    assert not conv2d.fits_window_matrix(rows, 9 * 32, 64, 4)


def test_conv2d_builds_the_window_matrix_when_it_is_smaller_than_the_output():
    # One channel in, 32 out: 9 numbers a window against 32 an output position.
    assert conv2d.fits_window_matrix(10**8, 9, 32, 4)
    assert conv2d.COLUMNS_BYTES < 10**8 * 9 * 4


def test_conv2d_fast_path_gives_way_to_the_offsets_when_the_matrix_would_be_large(
        monkeypatch, rng):
    conv = nn.Conv2D(3, 2, 4, rng=0, dtype=np.float64)
    X = rng.standard_normal((2, 6, 6, 2))
    assert conv2d.im2col_forward(X, conv._parameters["W"], 1) is not None
    monkeypatch.setattr(conv2d, "COLUMNS_BYTES", 0)
    assert conv2d.im2col_forward(X, conv._parameters["W"], 1) is None


def conv2d_by_loops(X, W, b, stride, padding):
    """Equation (3) of the chapter, written out with a loop over everything."""
    Xp = np.pad(X, ((0, 0), (padding, padding), (padding, padding), (0, 0)))
    k = W.shape[0]
    h_out = (Xp.shape[1] - k) // stride + 1
    w_out = (Xp.shape[2] - k) // stride + 1
    out = np.zeros((len(X), h_out, w_out, W.shape[3]))
    for n in range(len(X)):
        for y in range(h_out):
            for x in range(w_out):
                for i in range(k):
                    for j in range(k):
                        out[n, y, x] += Xp[n, y * stride + i, x * stride + j] @ W[i, j]
                out[n, y, x] += b
    return out


# --- shapes and parameters ------------------------------------------------------

@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_conv2d_output_size_is_size_plus_twice_padding_minus_k_over_stride_plus_one(
        geometry, rng):
    k, s, p, h, w = geometry
    out = nn.Conv2D(k, 2, 3, stride=s, padding=p, rng=0)(
        rng.standard_normal((4, h, w, 2)))
    assert out.shape == (4, (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1, 3)


def test_conv2d_parameters_have_the_course_shapes():
    conv = nn.Conv2D(3, 2, 5)
    assert conv._parameters["W"].shape == (3, 3, 2, 5)
    assert conv._parameters["b"].shape == (5,)
    assert conv._gradient["W"].shape == (3, 3, 2, 5)


def test_conv2d_default_init_is_uniform_within_one_over_sqrt_fan_in_as_torch():
    conv = nn.Conv2D(3, 4, 300, rng=0)
    bound = 1 / np.sqrt(3 * 3 * 4)
    W = conv._parameters["W"]
    assert bound >= np.abs(W).max() > 0.95 * bound
    assert np.abs(conv._parameters["b"]).max() <= bound


def test_conv2d_same_seed_gives_same_parameters():
    a, b = nn.Conv2D(3, 2, 4, rng=7), nn.Conv2D(3, 2, 4, rng=7)
    np.testing.assert_array_equal(a._parameters["W"], b._parameters["W"])
    np.testing.assert_array_equal(a._parameters["b"], b._parameters["b"])


def test_conv2d_without_bias_has_only_w():
    conv = nn.Conv2D(3, 2, 4, bias=False)
    assert list(conv._parameters) == ["W"]


def test_conv2d_repr_shows_the_arguments_that_differ_from_the_defaults():
    assert repr(nn.Conv2D(3, 1, 32)) == "Conv2D(3, 1, 32)"
    assert repr(nn.Conv2D(5, 2, 4, stride=2, padding=1)) == \
        "Conv2D(5, 2, 4, stride=2, padding=1)"


@pytest.mark.parametrize("geometry", GEOMETRIES[:4] + GEOMETRIES[5:], ids=geometry_id)
def test_conv2d_forward_is_the_sum_over_offsets_written_with_loops(geometry, path, rng):
    k, s, p, h, w = geometry
    conv = nn.Conv2D(k, 2, 3, stride=s, padding=p, rng=0, dtype=np.float64)
    X = rng.standard_normal((2, h, w, 2))
    expected = conv2d_by_loops(X, conv._parameters["W"], conv._parameters["b"], s, p)
    np.testing.assert_allclose(conv(X), expected, **F64)


# --- gradients ------------------------------------------------------------------

@pytest.mark.parametrize("channels", CHANNELS, ids=lambda c: f"c{c[0]}-{c[1]}")
@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_conv2d_passes_gradcheck(geometry, channels, path, rng):
    k, s, p, h, w = geometry
    conv = nn.Conv2D(k, *channels, stride=s, padding=p, rng=0)
    result = nn.gradcheck(conv, rng.standard_normal((2, h, w, channels[0])))
    assert result, result


def test_conv2d_without_bias_passes_gradcheck(rng):
    result = nn.gradcheck(nn.Conv2D(3, 2, 3, bias=False, rng=0),
                          rng.standard_normal((2, 5, 6, 2)))
    assert result, result


def test_conv2d_input_gradient_is_zero_on_pixels_no_window_meets(rng):
    # 8 columns, k 3, stride 2: windows start at 0, 2, 4; columns 7 is unused.
    conv = nn.Conv2D(3, 1, 2, stride=2, rng=0, dtype=np.float64)
    X = rng.standard_normal((2, 8, 8, 1))
    dX = conv.backward_delta(X, rng.standard_normal(conv(X).shape))
    assert np.all(dX[:, 7] == 0) and np.all(dX[:, :, 7] == 0)
    assert np.all(dX[:, :7, :7] != 0)


def test_conv2d_parameter_gradients_accumulate_until_zero_grad(rng):
    conv = nn.Conv2D(3, 2, 3, rng=0, dtype=np.float64)
    X = rng.standard_normal((2, 5, 5, 2))
    delta = rng.standard_normal(conv(X).shape)
    conv.backward_update_gradient(X, delta)
    once = conv._gradient["W"].copy()
    conv.backward_update_gradient(X, delta)
    np.testing.assert_allclose(conv._gradient["W"], 2 * once, **F64)
    conv.zero_grad()
    assert not conv._gradient["W"].any() and not conv._gradient["b"].any()


@pytest.mark.parametrize("pool", [nn.MaxPool2D, nn.AvgPool2D])
@pytest.mark.parametrize("geometry", POOL_GEOMETRIES, ids=pool_id)
def test_pool_passes_gradcheck(pool, geometry, rng):
    k, s, h, w = geometry
    # Distinct values, far apart: no tie can flip under the finite differences.
    X = rng.permutation(2 * h * w * 3).reshape(2, h, w, 3) / 10.0
    result = nn.gradcheck(pool(k, s), X)
    assert result, result


@pytest.mark.parametrize("pool", [nn.MaxPool2D, nn.AvgPool2D])
@pytest.mark.parametrize("geometry", POOL_GEOMETRIES, ids=pool_id)
def test_pool_output_size_is_size_minus_k_over_stride_plus_one(pool, geometry, rng):
    k, s, h, w = geometry
    out = pool(k, s)(rng.standard_normal((2, h, w, 3)))
    assert out.shape == (2, (h - k) // s + 1, (w - k) // s + 1, 3)


def test_pool_stride_defaults_to_kernel_size_as_in_torch():
    assert nn.MaxPool2D(3).stride == 3 and nn.AvgPool2D(2).stride == 2


def test_maxpool_tie_sends_all_the_gradient_to_the_first_maximum_in_row_major_order():
    X = np.array([[0.0, 5.0], [5.0, 5.0]]).reshape(1, 2, 2, 1)
    dX = nn.MaxPool2D(2).backward_delta(X, np.full((1, 1, 1, 1), 3.0))
    np.testing.assert_array_equal(dX.reshape(2, 2), [[0.0, 3.0], [0.0, 0.0]])


def test_maxpool_tie_in_overlapping_windows_goes_to_each_windows_first_maximum():
    # Two 2x2 windows, one column apart, all ones: each sends its delta to its
    # own top-left pixel.
    X = np.ones((1, 2, 3, 1))
    dX = nn.MaxPool2D(2, 1).backward_delta(X, np.array([1.0, 2.0]).reshape(1, 1, 2, 1))
    np.testing.assert_array_equal(dX.reshape(2, 3), [[1.0, 2.0, 0.0], [0.0, 0.0, 0.0]])


def test_avgpool_spreads_delta_over_k_squared_pixels():
    delta = np.full((1, 1, 1, 1), 8.0)
    dX = nn.AvgPool2D(2).backward_delta(np.zeros((1, 2, 2, 1)), delta)
    np.testing.assert_array_equal(dX.ravel(), [2.0, 2.0, 2.0, 2.0])


# --- equality with PyTorch ------------------------------------------------------

def to_torch(torch, A):
    """(batch, h, w, chan) -> PyTorch's (batch, chan, h, w)."""
    return torch.tensor(np.ascontiguousarray(A.transpose(0, 3, 1, 2)))


def from_torch(t):
    return t.detach().numpy().transpose(0, 2, 3, 1)


def torch_conv2d(torch, conv, X, delta):
    """PyTorch's output and the three gradients of sum(out * delta), in our layout."""
    x = to_torch(torch, X).requires_grad_()
    # Our W is (k, k, chan_in, chan_out); PyTorch's (chan_out, chan_in, k, k).
    W = torch.tensor(conv._parameters["W"].transpose(3, 2, 0, 1).copy(),
                     requires_grad=True)
    b = torch.tensor(conv._parameters["b"], requires_grad=True)
    out = torch.nn.functional.conv2d(x, W, b, stride=conv.stride, padding=conv.padding)
    (out * to_torch(torch, delta)).sum().backward()
    return (from_torch(out), from_torch(x.grad), W.grad.numpy().transpose(2, 3, 1, 0),
            b.grad.numpy())


def our_conv2d(conv, X, delta):
    out = conv(X)
    conv.zero_grad()
    conv.backward_update_gradient(X, delta)
    return (out, conv.backward_delta(X, delta), conv._gradient["W"],
            conv._gradient["b"])


@pytest.mark.parametrize("channels", CHANNELS, ids=lambda c: f"c{c[0]}-{c[1]}")
@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_conv2d_forward_and_gradients_match_torch_in_float64(
        geometry, channels, path, torch, rng):
    k, s, p, h, w = geometry
    conv = nn.Conv2D(k, *channels, stride=s, padding=p, rng=0, dtype=np.float64)
    X = rng.standard_normal((3, h, w, channels[0]))
    delta = rng.standard_normal(conv(X).shape)
    for ours, theirs in zip(our_conv2d(conv, X, delta),
                            torch_conv2d(torch, conv, X, delta)):
        np.testing.assert_allclose(ours, theirs, **F64)


def test_conv2d_matches_torch_in_float32(path, torch, rng):
    conv = nn.Conv2D(3, 4, 8, stride=1, padding=1, rng=0)
    X = rng.standard_normal((5, 12, 12, 4)).astype(np.float32)
    delta = rng.standard_normal((5, 12, 12, 8)).astype(np.float32)
    for ours, theirs in zip(our_conv2d(conv, X, delta),
                            torch_conv2d(torch, conv, X, delta)):
        assert ours.dtype == np.float32
        np.testing.assert_allclose(ours, theirs, **F32)


POOLS = {
    "MaxPool2D": (nn.MaxPool2D, "max_pool2d"),
    "AvgPool2D": (nn.AvgPool2D, "avg_pool2d"),
}


@pytest.mark.parametrize("pair", POOLS.values(), ids=POOLS.keys())
@pytest.mark.parametrize("geometry", POOL_GEOMETRIES, ids=pool_id)
def test_pool_forward_and_backward_match_torch(pair, geometry, torch, rng):
    make, function = pair
    k, s, h, w = geometry
    X = rng.standard_normal((3, h, w, 4))
    pool = make(k, s)
    out = pool(X)
    delta = rng.standard_normal(out.shape)
    x = to_torch(torch, X).requires_grad_()
    expected = getattr(torch.nn.functional, function)(x, k, s)
    (expected * to_torch(torch, delta)).sum().backward()
    np.testing.assert_allclose(out, from_torch(expected), **F64)
    np.testing.assert_allclose(pool.backward_delta(X, delta), from_torch(x.grad), **F64)


@pytest.mark.parametrize("geometry", POOL_GEOMETRIES, ids=pool_id)
def test_maxpool_breaks_ties_as_torch_does(geometry, torch, rng):
    k, s, h, w = geometry
    # Small integers: most windows hold their maximum several times.
    X = rng.integers(0, 3, size=(3, h, w, 2)).astype(np.float64)
    pool = nn.MaxPool2D(k, s)
    delta = rng.standard_normal(pool(X).shape)
    x = to_torch(torch, X).requires_grad_()
    (torch.nn.functional.max_pool2d(x, k, s) * to_torch(torch, delta)).sum().backward()
    np.testing.assert_allclose(pool.backward_delta(X, delta), from_torch(x.grad), **F64)


# --- an input changed in place --------------------------------------------------

def test_conv2d_gradients_follow_an_input_changed_in_place(path, rng):
    conv = nn.Conv2D(3, 2, 3, padding=1, rng=0, dtype=np.float64)
    fresh = nn.Conv2D(3, 2, 3, padding=1, rng=0, dtype=np.float64)
    X = rng.standard_normal((2, 5, 5, 2))
    delta = rng.standard_normal((2, 5, 5, 3))
    conv(X)
    X *= -2
    X += 1
    conv.backward_update_gradient(X, delta)
    fresh.backward_update_gradient(X.copy(), delta)
    np.testing.assert_allclose(conv._gradient["W"], fresh._gradient["W"], **F64)
    np.testing.assert_allclose(conv.backward_delta(X, delta),
                               fresh.backward_delta(X.copy(), delta), **F64)


@pytest.mark.parametrize("pool", [nn.MaxPool2D, nn.AvgPool2D])
def test_pool_gradient_follows_an_input_changed_in_place(pool, rng):
    X = rng.standard_normal((2, 6, 6, 3))
    delta = rng.standard_normal((2, 3, 3, 3))
    module = pool(2)
    module(X)
    X[...] = rng.standard_normal(X.shape)
    np.testing.assert_allclose(module.backward_delta(X, delta),
                               pool(2).backward_delta(X.copy(), delta), **F64)


# --- memory layouts -------------------------------------------------------------

def test_conv2d_gives_the_same_answer_on_a_strided_view_as_on_its_copy(path, rng):
    conv = nn.Conv2D(3, 2, 3, stride=2, padding=1, rng=0, dtype=np.float64)
    big = rng.standard_normal((4, 11, 9, 4))
    X = big[::2, ::-1, 1:, 1::2]                 # not contiguous, one stride negative
    delta = rng.standard_normal(conv(X).shape)
    fresh = nn.Conv2D(3, 2, 3, stride=2, padding=1, rng=0, dtype=np.float64)
    np.testing.assert_allclose(conv(X), fresh(X.copy()), **F64)
    conv.backward_update_gradient(X, delta)
    fresh.backward_update_gradient(X.copy(), delta)
    np.testing.assert_allclose(conv._gradient["W"], fresh._gradient["W"], **F64)
    np.testing.assert_allclose(conv.backward_delta(X, delta),
                               fresh.backward_delta(X.copy(), delta), **F64)


@pytest.mark.parametrize("pool", [nn.MaxPool2D, nn.AvgPool2D])
@pytest.mark.parametrize("stride", [2, 1])
def test_pool_gives_the_same_answer_on_a_strided_view_as_on_its_copy(pool, stride, rng):
    X = rng.standard_normal((4, 9, 10, 6))[::2, ::-1, 1:, ::2]
    module = pool(2, stride)
    out = module(X)
    delta = rng.standard_normal(out.shape)
    np.testing.assert_array_equal(out, module(X.copy()))
    np.testing.assert_array_equal(module.backward_delta(X, delta),
                                  module.backward_delta(X.copy(), delta))


# --- dtypes ---------------------------------------------------------------------

def test_conv2d_keeps_float32_in_forward_and_both_gradients(rng):
    conv = nn.Conv2D(3, 2, 4, rng=0)
    X = rng.standard_normal((2, 6, 6, 2)).astype(np.float32)
    out = conv(X)
    delta = np.ones_like(out)
    conv.backward_update_gradient(X, delta)
    assert out.dtype == np.float32
    assert conv.backward_delta(X, delta).dtype == np.float32
    assert conv._gradient["W"].dtype == np.float32


def test_conv2d_converts_a_float64_input_to_its_float32_parameters(rng):
    out = nn.Conv2D(3, 1, 2, rng=0)(rng.standard_normal((2, 5, 5, 1)))
    assert out.dtype == np.float32


def test_conv2d_float64_parameters_with_dtype_argument():
    conv = nn.Conv2D(3, 1, 2, dtype=np.float64)
    assert conv._parameters["W"].dtype == np.float64


@pytest.mark.parametrize("pool", [nn.MaxPool2D, nn.AvgPool2D])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pool_keeps_the_input_dtype(pool, dtype, rng):
    X = rng.standard_normal((2, 4, 4, 3)).astype(dtype)
    out = pool(2)(X)
    assert out.dtype == dtype
    assert pool(2).backward_delta(X, np.ones_like(out)).dtype == dtype


@pytest.mark.parametrize("pool", [nn.MaxPool2D, nn.AvgPool2D])
def test_pool_turns_an_integer_image_into_the_default_float(pool):
    out = pool(2)(np.arange(32).reshape(2, 4, 4, 1))
    assert out.dtype == np.float32


# --- bad inputs -----------------------------------------------------------------

def test_conv2d_rejects_an_image_smaller_than_the_kernel(rng):
    with pytest.raises(ValueError, match=r"Conv2D\(5, 1, 2\): expected an input of "
                       r"shape \(batch, h >= 5, w >= 5, 1\), got \(2, 4, 6, 1\)"):
        nn.Conv2D(5, 1, 2)(rng.standard_normal((2, 4, 6, 1)))


def test_conv2d_padding_lets_a_smaller_image_through(rng):
    assert nn.Conv2D(5, 1, 2, padding=1)(rng.standard_normal((2, 3, 3, 1))).shape == \
        (2, 1, 1, 2)


def test_conv2d_rejects_the_wrong_number_of_channels(rng):
    with pytest.raises(ValueError, match=r"Conv2D\(3, 2, 4\): expected an input of "
                       r"shape \(batch, h >= 3, w >= 3, 2\), got \(2, 5, 5, 3\) "
                       r"\(3 channels instead of 2; the arguments of Conv2D are "
                       r"\(k_size, chan_in, chan_out\), not PyTorch's"):
        nn.Conv2D(3, 2, 4)(rng.standard_normal((2, 5, 5, 3)))


def test_conv2d_rejects_a_3d_array_and_suggests_a_channel_axis(rng):
    with pytest.raises(ValueError, match=r"got \(2, 5, 5\) \(a 3-D array: add a "
                       r"channel axis"):
        nn.Conv2D(3, 1, 4)(rng.standard_normal((2, 5, 5)))


def test_conv2d_rejects_a_flat_batch(rng):
    with pytest.raises(ValueError, match=r"Conv2D\(3, 1, 4\): .* got \(2, 25\)"):
        nn.Conv2D(3, 1, 4)(rng.standard_normal((2, 25)))


def test_conv2d_rejects_delta_of_the_wrong_shape(rng):
    conv = nn.Conv2D(3, 1, 4)
    X = rng.standard_normal((2, 5, 5, 1))
    with pytest.raises(ValueError, match=r"Conv2D\(3, 1, 4\): expected delta of shape "
                       r"\(2, 3, 3, 4\)"):
        conv.backward_delta(X, np.zeros((2, 3, 3, 3)))
    with pytest.raises(ValueError, match=r"expected delta of shape"):
        conv.backward_update_gradient(X, np.zeros((2, 5, 5, 4)))


def test_conv2d_rejects_nan_in_the_input():
    X = np.zeros((1, 4, 4, 1))
    X[0, 2, 1, 0] = np.nan
    with pytest.raises(nn.NonFiniteInputError, match=r"Conv2D"):
        nn.Conv2D(3, 1, 1)(X)


@pytest.mark.parametrize("pool", [nn.MaxPool2D, nn.AvgPool2D])
def test_pool_rejects_an_image_smaller_than_the_window(pool, rng):
    with pytest.raises(ValueError, match=pool.__name__ + r"\(3, 3\): expected an input "
                       r"of shape \(batch, h >= 3, w >= 3, chan\), got \(2, 2, 5, 1\)"):
        pool(3)(rng.standard_normal((2, 2, 5, 1)))


@pytest.mark.parametrize("pool", [nn.MaxPool2D, nn.AvgPool2D])
def test_pool_rejects_a_3d_array(pool, rng):
    with pytest.raises(ValueError, match=r"got \(2, 4, 4\) \(a 3-D array"):
        pool(2)(rng.standard_normal((2, 4, 4)))


@pytest.mark.parametrize("pool", [nn.MaxPool2D, nn.AvgPool2D])
def test_pool_rejects_delta_of_the_wrong_shape(pool, rng):
    with pytest.raises(ValueError, match=r"expected delta of shape \(2, 2, 2, 3\)"):
        pool(2).backward_delta(rng.standard_normal((2, 4, 4, 3)),
                               np.zeros((2, 2, 2, 1)))


@pytest.mark.parametrize("args, error, message", [
    ((0, 1, 1), ValueError, r"Conv2D: expected k_size >= 1, got 0"),
    ((3, 0, 1), ValueError, r"Conv2D: expected chan_in >= 1, got 0"),
    ((3, 1, -2), ValueError, r"Conv2D: expected chan_out >= 1, got -2"),
    ((3, 1.0, 2), TypeError, r"Conv2D: expected chan_in to be an integer"),
    ((3, 1, 2, 0), ValueError, r"Conv2D: expected stride >= 1, got 0"),
    ((3, 1, 2, 1, -1), ValueError, r"Conv2D: expected padding >= 0, got -1"),
    ((3, 1, 2, 1, 0.5), TypeError, r"Conv2D: expected padding to be an integer"),
], ids=["k0", "chan_in0", "chan_out-2", "float-chan", "stride0", "padding-1",
        "padding-float"])
def test_conv2d_rejects_bad_constructor_arguments(args, error, message):
    with pytest.raises(error, match=message):
        nn.Conv2D(*args)


@pytest.mark.parametrize("pool", [nn.MaxPool2D, nn.AvgPool2D])
@pytest.mark.parametrize("args, error", [((0,), ValueError), ((2, 0), ValueError),
                                         ((2.0,), TypeError), ((True,), TypeError)],
                         ids=["k0", "stride0", "float", "bool"])
def test_pool_rejects_bad_constructor_arguments(pool, args, error):
    with pytest.raises(error, match=pool.__name__ + ": expected"):
        pool(*args)


# --- in a network ---------------------------------------------------------------

def test_a_small_cnn_passes_gradcheck(rng):
    net = nn.Sequential(
        nn.Conv2D(3, 1, 3, padding=1, rng=0), nn.TanH(), nn.MaxPool2D(2),
        nn.Conv2D(2, 3, 2, rng=1), nn.AvgPool2D(2), nn.Flatten(),
        nn.Linear(2, 3, rng=2),
    )
    result = nn.gradcheck(net, rng.standard_normal((2, 6, 6, 1)))
    assert result, result


def test_a_small_cnn_learns_to_separate_two_patterns(rng):
    # Horizontal against vertical bars, at random places, with noise.
    n = 64
    X = 0.1 * rng.standard_normal((n, 8, 8, 1)).astype(np.float32)
    y = np.arange(n) % 2
    where = rng.integers(0, 8, size=n)
    for i in range(n):
        if y[i]:
            X[i, where[i], :, 0] += 1
        else:
            X[i, :, where[i], 0] += 1
    net = nn.Sequential(nn.Conv2D(3, 1, 4, rng=0), nn.ReLU(), nn.MaxPool2D(2),
                        nn.Flatten(), nn.Linear(36, 2, rng=1))
    nn.SGD(net, nn.CELoss(), X, y, batch_size=16, epochs=30, eps=0.1, rng=0,
           progress=False)
    assert nn.accuracy(y, net(X)) >= 0.95
