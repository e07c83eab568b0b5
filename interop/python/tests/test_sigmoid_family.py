"""The focal family on the sigmoid form: Poly-1 (poly_epsilon) and FLSD-53 (sample_dependent_gamma), through the
numpy API against the float64 reference and through focalaot.torch against a torch autograd composite."""

import math

import numpy as np
import pytest

import focalaot
from reference import loss as focal_reference, sigmoid

RNG = np.random.default_rng(2022)


def sample(n, dtype):
    x = RNG.normal(0, 3, n).astype(dtype)
    y = np.where(RNG.uniform(0, 1, n) < 0.3, RNG.uniform(0, 1, n), RNG.uniform(0, 1, n) < 0.4).astype(dtype)
    return x, y


def complement(x, y):
    return y * sigmoid(-x) + (1.0 - y) * sigmoid(x)


def family_reference(x, y, gamma, alpha, poly_epsilon, sample_dependent):
    """Loss and the size of its parts, in float64 from the formulas (FLSD-53: gamma 5 where q > 0.8, else 3)."""
    q = complement(x, y)
    if sample_dependent:
        gamma = 5.0 if q > 0.8 else 3.0
    focal = focal_reference(x, y, gamma, alpha)
    poly = poly_epsilon * q ** (gamma + 1)
    return focal + poly, abs(focal) + abs(poly)


@pytest.mark.parametrize("dtype, tolerance", [(np.float32, 4e-6), (np.float64, 1e-12)])
@pytest.mark.parametrize("gamma, poly_epsilon, sample_dependent", [
    (2.0, 1.0, False), (0.0, -1.0, False), (0.7, 2.5, False), (2.0, 0.0, True), (2.0, 1.0, True)])
def test_losses_match_the_reference(dtype, tolerance, gamma, poly_epsilon, sample_dependent):
    x, y = sample(300, dtype)
    arguments = dict(alpha=0.25, poly_epsilon=poly_epsilon, sample_dependent_gamma=sample_dependent)
    if not sample_dependent:
        arguments["gamma"] = gamma
    losses = focalaot.sigmoid_focal_loss(x, y, **arguments)
    for i in range(len(x)):
        expected, size = family_reference(float(x[i]), float(y[i]), gamma, 0.25, poly_epsilon, sample_dependent)
        assert abs(float(losses[i]) - expected) <= tolerance * size + 1e-300, (i, x[i], y[i], losses[i], expected)
    total = focalaot.sigmoid_focal_loss(x, y, reduction="sum", **arguments)
    assert math.isclose(total, float(np.sum(losses, dtype=np.float64)), rel_tol=10 * tolerance)


def test_fused_equals_forward_and_backward():
    x, y = sample(257, np.float32)
    arguments = dict(poly_epsilon=0.5, sample_dependent_gamma=True, reduction="mean")
    loss, gradient = focalaot.sigmoid_focal_loss_forward_backward(x, y, **arguments)
    assert loss == focalaot.sigmoid_focal_loss(x, y, **arguments)
    assert np.array_equal(gradient, focalaot.sigmoid_focal_loss_backward(x, y, 1.0, **arguments))


@pytest.mark.parametrize("arguments, fragment", [
    (dict(poly_epsilon=-1.5), "poly_epsilon"),
    (dict(poly_epsilon=float("nan")), "poly_epsilon"),
    (dict(sample_dependent_gamma=True, gamma=3.0), "gamma"),
])
def test_bad_family_options_raise_naming_the_argument(arguments, fragment):
    x, y = sample(10, np.float32)
    with pytest.raises(focalaot.FocalError, match=fragment):
        focalaot.sigmoid_focal_loss(x, y, **arguments)


torch = pytest.importorskip("torch")
focal_torch = pytest.importorskip("focalaot.torch")


def torch_composite(x, y, alpha, gamma, poly_epsilon, sample_dependent):
    """torchvision's sigmoid focal loss plus Poly-1's term, with FLSD-53's gamma chosen per element (not differentiated)."""
    p = torch.sigmoid(x)
    ce = torch.nn.functional.binary_cross_entropy_with_logits(x, y, reduction="none")
    q = 1 - (p * y + (1 - p) * (1 - y))
    if sample_dependent:
        gamma = torch.where(q.detach() > 0.8, 5.0, 3.0).to(x.dtype)
    loss = (alpha * y + (1 - alpha) * (1 - y)) * ce * q ** gamma
    return loss + poly_epsilon * q ** (gamma + 1)


@pytest.mark.parametrize("gamma, poly_epsilon, sample_dependent", [(2.0, 1.0, False), (1.5, -0.5, False), (2.0, 2.0, True)])
def test_torch_values_and_gradients_match_the_composite_in_float64(gamma, poly_epsilon, sample_dependent):
    x = torch.tensor(np.clip(RNG.normal(0, 2.5, 400), -10, 10), dtype=torch.float64, requires_grad=True)
    y = torch.tensor(RNG.uniform(0, 1, 400) < 0.3, dtype=torch.float64)
    x_ref = x.detach().clone().requires_grad_(True)
    arguments = dict(alpha=0.25, poly_epsilon=poly_epsilon, sample_dependent_gamma=sample_dependent)
    if not sample_dependent:
        arguments["gamma"] = gamma
    ours = focal_torch.sigmoid_focal_loss(x, y, reduction="sum", **arguments)
    theirs = torch_composite(x_ref, y, 0.25, gamma, poly_epsilon, sample_dependent).sum()
    # The composite's 1 - p_t cancels for moderate logits (relative error ~1e-16 / q), hence the tolerance.
    torch.testing.assert_close(ours, theirs, rtol=1e-9, atol=1e-300)
    ours.backward()
    theirs.backward()
    torch.testing.assert_close(x.grad, x_ref.grad, rtol=1e-8, atol=1e-14)
