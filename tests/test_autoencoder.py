"""AutoEncoder: decoder(encoder(X)), with optional tied weights (TiedLinear)."""
import copy

import numpy as np
import pytest

import diy_nn as nn
from diy_nn.autoencoder import AutoEncoder, TiedLinear


def _halves(dtype=np.float64, d=12, h=7, k=3):
    encoder = nn.Sequential(nn.Linear(d, h, rng=1, dtype=dtype), nn.TanH(),
                            nn.Linear(h, k, rng=2, dtype=dtype), nn.TanH())
    decoder = nn.Sequential(nn.Linear(k, h, rng=3, dtype=dtype), nn.TanH(),
                            nn.Linear(h, d, rng=4, dtype=dtype))
    return encoder, decoder


def _ae(tied=False, dtype=np.float64):
    ae = AutoEncoder(*_halves(dtype), tied=tied)
    if tied:
        # Tied biases start at zero: give them values, so that the tests see them.
        for name, p, _ in ae.named_parameters():
            if name.startswith("decoder"):
                p[...] = np.random.default_rng(5).uniform(-0.5, 0.5, p.shape)
    return ae


# --- what it computes ---------------------------------------------------------------

def test_forward_is_decoder_of_encoder(rng):
    ae = _ae()
    X = rng.random((5, 12))
    np.testing.assert_array_equal(ae(X), ae.decoder(ae.encoder(X)))
    np.testing.assert_array_equal(ae.decode(ae.encode(X)), ae.forward(X))


def test_encode_gives_the_code_of_the_encoder(rng):
    ae = _ae()
    X = rng.random((5, 12))
    assert ae.encode(X).shape == (5, 3)


def test_decode_with_probabilities_applies_a_sigmoid(rng):
    ae = _ae()
    Z = rng.standard_normal((4, 3))
    logits = ae.decode(Z)
    np.testing.assert_allclose(ae.decode(Z, probabilities=True),
                               1 / (1 + np.exp(-logits)), rtol=1e-12)


def test_tied_decoder_uses_the_transpose_of_the_mirror_encoder_weight(rng):
    ae = _ae(tied=True)
    W0 = ae.encoder[0]._parameters["W"]     # (12, 7)
    W2 = ae.encoder[2]._parameters["W"]     # (7, 3)
    b0 = ae.decoder[0]._parameters["b"]
    b2 = ae.decoder[2]._parameters["b"]
    Z = rng.standard_normal((4, 3))
    expected = np.tanh(Z @ W2.T + b0) @ W0.T + b2
    np.testing.assert_allclose(ae.decode(Z), expected, rtol=1e-12)
    assert isinstance(ae.decoder[0], TiedLinear)
    assert ae.decoder[0].linear is ae.encoder[2]


def test_tied_weights_are_one_array_updated_once(rng):
    ae = _ae(tied=True)
    names = [name for name, _, _ in ae.named_parameters()]
    assert names == ["encoder.0.W", "encoder.0.b", "encoder.2.W", "encoder.2.b",
                     "decoder.0.b", "decoder.2.b"]
    before = ae.encoder[0]._parameters["W"].copy()
    X = rng.random((6, 12))
    ae.forward(X)
    ae.backward(rng.standard_normal((6, 12)))
    ae.update_parameters(0.1)
    g = ae.encoder[0]._gradient["W"]
    np.testing.assert_allclose(ae.encoder[0]._parameters["W"], before - 0.1 * g)
    # The decoder reads the updated array: no second copy to drift apart.
    assert ae.decoder[2]._W() is ae.encoder[0]._parameters["W"]


def test_tied_keeps_the_decoder_biases():
    encoder, decoder = _halves()
    b = decoder[2]._parameters["b"].copy()
    ae = AutoEncoder(encoder, decoder, tied=True)
    np.testing.assert_array_equal(ae.decoder[2]._parameters["b"], b)


def test_tied_gradient_is_the_sum_of_both_uses(rng):
    # One Linear each side, no activation: L = sum(delta * ((X W + b) W^T + c)).
    W = rng.standard_normal((5, 2))
    enc, dec = nn.Linear(5, 2, dtype=np.float64), nn.Linear(2, 5, dtype=np.float64)
    enc._parameters["W"][...] = W
    ae = AutoEncoder(enc, dec, tied=True)
    X, delta = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    Z = ae.encode(X)
    ae.forward(X)
    ae.backward(delta)
    encoder_use = X.T @ (delta @ W)      # dL/dW through the code
    decoder_use = delta.T @ Z            # dL/dW through the reconstruction
    np.testing.assert_allclose(enc._gradient["W"], encoder_use + decoder_use,
                               rtol=1e-12)


# --- gradients --------------------------------------------------------------------

@pytest.mark.parametrize("tied", [False, True])
def test_gradcheck_float64(tied, rng):
    result = nn.gradcheck(_ae(tied), rng.random((6, 12)))
    assert result, result.report()


def test_gradcheck_tied_linear_alone(rng):
    linear = nn.Linear(5, 3, rng=0, dtype=np.float64)
    layer = TiedLinear(linear, b=rng.standard_normal(5))
    module = nn.Sequential(linear, layer)   # W used twice, as in a tied auto-encoder
    assert nn.gradcheck(module, rng.standard_normal((4, 5)))


@pytest.mark.parametrize("tied", [False, True])
def test_backward_agrees_with_the_module_interface(tied, rng):
    ae, other = _ae(tied), _ae(tied)
    X, delta = rng.random((6, 12)), rng.standard_normal((6, 12))
    ae.forward(X)
    dx = ae.backward(delta)
    other.backward_update_gradient(X, delta)
    np.testing.assert_allclose(other.backward_delta(X, delta), dx, rtol=1e-12)
    for (_, g1), (_, g2) in zip(ae.parameters(), other.parameters()):
        np.testing.assert_allclose(g1, g2, rtol=1e-12)


def test_gradient_does_not_depend_on_an_input_changed_after_forward(rng):
    ae, other = _ae(), _ae()
    X, delta = rng.random((6, 12)), rng.standard_normal((6, 12))
    expected = other.backward_delta(X.copy(), delta)
    ae.forward(X)
    X_given = X.copy()
    X[...] = 0          # the caller reuses its buffer
    np.testing.assert_allclose(ae.backward_delta(X_given, delta), expected, rtol=1e-12)


def test_backward_delta_leaves_parameter_gradients_alone(rng):
    ae = _ae(tied=True)
    X = rng.random((3, 12))
    ae.backward_delta(X, rng.standard_normal((3, 12)))
    assert all(not g.any() for _, g in ae.parameters())


def test_backward_accumulates_until_zero_grad(rng):
    ae = _ae(tied=True)
    X, delta = rng.random((3, 12)), rng.standard_normal((3, 12))
    ae.forward(X)
    ae.backward(delta)
    once = [g.copy() for _, g in ae.parameters()]
    ae.forward(X)
    ae.backward(delta)
    for (_, g), g1 in zip(ae.parameters(), once):
        np.testing.assert_allclose(g, 2 * g1, rtol=1e-12)
    ae.zero_grad()
    assert all(not g.any() for _, g in ae.parameters())


def test_backward_needs_a_forward_first(rng):
    ae = _ae()
    with pytest.raises(RuntimeError, match="call forward first"):
        ae.backward(rng.standard_normal((2, 12)))
    ae.forward(rng.random((2, 12)))
    ae.encode(rng.random((2, 12)))   # encode replaces what the encoder kept
    with pytest.raises(RuntimeError, match="call forward first"):
        ae.backward(rng.standard_normal((2, 12)))


def test_training_with_optim_lowers_the_reconstruction_loss(rng):
    X = rng.random((64, 12)).astype(np.float32)
    for tied in (False, True):
        ae = AutoEncoder(*_halves(np.float32), tied=tied)
        optim = nn.Optim(ae, nn.MSELoss(), eps=1e-2, rule="adam")
        first = optim.step(X, X)
        for _ in range(100):
            last = optim.step(X, X)
        assert last < 0.5 * first
        assert ae.encoder[0]._parameters["W"].dtype == np.float32


# --- PyTorch --------------------------------------------------------------------

def _torch_ae(torch, ae, tied):
    """The same auto-encoder in PyTorch, weights copied (torch stores W^T)."""
    p = {name: torch.tensor(v, requires_grad=True) for name, v, _ in
         ae.named_parameters()}

    def forward(x):
        h = torch.tanh(x @ p["encoder.0.W"] + p["encoder.0.b"])
        z = torch.tanh(h @ p["encoder.2.W"] + p["encoder.2.b"])
        W0 = p["encoder.2.W"].T if tied else p["decoder.0.W"]
        W2 = p["encoder.0.W"].T if tied else p["decoder.2.W"]
        h = torch.tanh(torch.nn.functional.linear(z, W0.T, p["decoder.0.b"]))
        return torch.nn.functional.linear(h, W2.T, p["decoder.2.b"])

    return forward, p


@pytest.mark.parametrize("tied", [False, True])
def test_forward_and_backward_match_torch(tied, torch, rng):
    ae = _ae(tied)
    X, delta = rng.random((8, 12)), rng.standard_normal((8, 12))
    forward, p = _torch_ae(torch, ae, tied)
    x = torch.tensor(X, requires_grad=True)
    out = forward(x)
    (out * torch.tensor(delta)).sum().backward()
    np.testing.assert_allclose(ae.forward(X), out.detach().numpy(), rtol=1e-12)
    dx = ae.backward(delta)
    np.testing.assert_allclose(dx, x.grad.numpy(), rtol=1e-10, atol=1e-12)
    for name, _, g in ae.named_parameters():
        np.testing.assert_allclose(g, p[name].grad.numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=name)


def test_tied_bce_with_logits_gradients_match_torch(torch, rng):
    ae = _ae(tied=True)
    X = rng.random((8, 12))
    forward, p = _torch_ae(torch, ae, tied=True)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(
        forward(torch.tensor(X)), torch.tensor(X), reduction="sum") / len(X)
    loss.backward()
    bce = nn.BCEWithLogitsLoss()
    logits = ae.forward(X)
    assert bce(X, logits).mean() == pytest.approx(loss.item(), rel=1e-10)
    ae.backward(bce.backward(X, logits))
    for name, _, g in ae.named_parameters():
        np.testing.assert_allclose(g, p[name].grad.numpy(), rtol=1e-9, atol=1e-12,
                                   err_msg=name)


# --- bad input ------------------------------------------------------------------

def test_code_width_mismatch_is_a_value_error_at_construction():
    encoder = nn.Sequential(nn.Linear(12, 4), nn.TanH())
    decoder = nn.Sequential(nn.Linear(3, 12))
    with pytest.raises(ValueError, match="code of width 4.*input of width 3"):
        AutoEncoder(encoder, decoder)


def test_output_width_mismatch_is_a_value_error_at_construction():
    with pytest.raises(ValueError, match="output has width 10.*input has width 12"):
        AutoEncoder(nn.Linear(12, 4), nn.Sequential(nn.Linear(4, 10), nn.Sigmoid()))


class _Doubler(nn.Module):
    """A module whose widths cannot be read before data: (batch, n) -> (batch, 2n)."""

    def forward(self, X):
        return np.concatenate([X, X], axis=1)


def test_output_shape_mismatch_is_a_value_error_at_first_forward(rng):
    ae = AutoEncoder(nn.Linear(12, 3), _Doubler())
    with pytest.raises(ValueError, match=r"output has shape \(2, 6\).*\(2, 12\)"):
        ae.forward(rng.random((2, 12)))


def test_code_the_decoder_does_not_take_is_a_value_error_at_first_forward(rng):
    ae = AutoEncoder(_Doubler(), nn.Linear(5, 4))
    with pytest.raises(ValueError, match=r"does not take a code of shape \(2, 4\)"):
        ae.forward(rng.random((2, 2)))


def test_wrong_input_width_names_the_layer(rng):
    ae = _ae()
    with pytest.raises(ValueError, match=r"Linear\(12, 7\).*\(batch, 12\).*\(2, 5\)"):
        ae.forward(rng.random((2, 5)))


def test_tied_needs_mirror_linear_layers():
    encoder = nn.Sequential(nn.Linear(12, 4), nn.TanH())
    decoder = nn.Sequential(nn.Linear(4, 6), nn.TanH(), nn.Linear(6, 12))
    with pytest.raises(ValueError, match="1 Linear layers and the decoder 2"):
        AutoEncoder(encoder, decoder, tied=True)


def test_tied_needs_transposed_shapes():
    encoder = nn.Sequential(nn.Linear(12, 6), nn.TanH(), nn.Linear(6, 4))
    decoder = nn.Sequential(nn.Linear(4, 5), nn.TanH(), nn.Linear(5, 12))
    with pytest.raises(ValueError, match=r"Linear\(4, 5\).*Linear\(6, 4\)"):
        AutoEncoder(encoder, decoder, tied=True)


def test_encoder_and_decoder_must_be_modules():
    with pytest.raises(TypeError, match="encoder to be a Module"):
        AutoEncoder(lambda x: x, nn.Linear(2, 2))
    layer = nn.Linear(2, 2)
    with pytest.raises(ValueError, match="two different modules"):
        AutoEncoder(layer, layer)


def test_tied_linear_needs_a_linear():
    with pytest.raises(TypeError, match="TiedLinear: expected the Linear"):
        TiedLinear(nn.TanH())


# --- modes, copies, repr ----------------------------------------------------------

def test_train_and_eval_reach_encoder_and_decoder():
    encoder = nn.Sequential(nn.Linear(12, 4), nn.Dropout(0.5))
    decoder = nn.Sequential(nn.Dropout(0.5), nn.Linear(4, 12))
    ae = AutoEncoder(encoder, decoder)
    ae.eval()
    assert not ae.training and not encoder[1].training and not decoder[0].training
    ae.train()
    assert ae.training and encoder[1].training and decoder[0].training


def test_astype_converts_the_shared_weight_once(rng):
    ae = AutoEncoder(*_halves(np.float32), tied=True).astype(np.float64)
    assert all(p.dtype == np.float64 for p, _ in ae.parameters())
    assert ae.decoder[0]._W() is ae.encoder[2]._parameters["W"]
    assert ae.forward(rng.random((2, 12))).dtype == np.float64


def test_deepcopy_keeps_the_tie():
    ae = copy.deepcopy(_ae(tied=True))
    assert ae.decoder[2].linear is ae.encoder[0]


def test_num_parameters_counts_a_tied_weight_once():
    untied, tied = _ae(), _ae(tied=True)
    shared = 12 * 7 + 7 * 3
    assert untied.num_parameters() - tied.num_parameters() == shared


def test_repr_shows_both_halves_and_the_tie():
    text = repr(_ae(tied=True))
    assert text.startswith("AutoEncoder(\n  encoder=Sequential(")
    assert "decoder=Sequential(" in text and "tied=True" in text
    assert "TiedLinear(7, 12; W: the transpose of Linear(12, 7))" in text
    assert "tied" not in repr(_ae())
