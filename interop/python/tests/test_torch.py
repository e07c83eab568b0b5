"""focalaot.torch against torchvision.ops.sigmoid_focal_loss: loss and gradient, every reduction."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
torchvision_ops = pytest.importorskip("torchvision.ops")
focal_torch = pytest.importorskip("focalaot.torch")

RNG = np.random.default_rng(1406)

@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("gamma, alpha", [(2.0, 0.25), (0.0, -1.0), (0.5, 0.6), (3.7, 1.0)])
def test_matches_torchvision_in_float64(reduction, gamma, alpha):
    # Moderate logits: torchvision's 1 - p_t cancels in float64 too (relative error ~1e-16 / (1 - p_t)).
    x = torch.tensor(np.clip(RNG.normal(0, 2.5, 500), -10, 10), dtype=torch.float64, requires_grad=True)
    y = torch.tensor(np.where(RNG.uniform(0, 1, 500) < 0.5, RNG.uniform(0, 1, 500), RNG.uniform(0, 1, 500) < 0.3),
                     dtype=torch.float64)
    x_ref = x.detach().clone().requires_grad_(True)
    ours = focal_torch.sigmoid_focal_loss(x, y, alpha=alpha, gamma=gamma, reduction=reduction)
    theirs = torchvision_ops.sigmoid_focal_loss(x_ref, y, alpha=alpha, gamma=gamma, reduction=reduction)
    torch.testing.assert_close(ours, theirs, rtol=1e-10, atol=1e-300)
    upstream = torch.rand_like(ours)
    ours.backward(upstream)
    theirs.backward(upstream)
    torch.testing.assert_close(x.grad, x_ref.grad, rtol=1e-10, atol=1e-15)


def test_torch_float32_drop_in_matches_float64_torchvision():
    x = torch.tensor(RNG.normal(0, 3, 4096), dtype=torch.float32, requires_grad=True)
    y = (torch.rand(4096, dtype=torch.float32) < 0.1).to(torch.float32)
    loss = focal_torch.sigmoid_focal_loss(x, y, reduction="mean")
    assert loss.dtype == torch.float32
    loss.backward()
    x64 = x.detach().double().requires_grad_(True)
    reference = torchvision_ops.sigmoid_focal_loss(x64, y.double(), reduction="mean")
    reference.backward()
    assert abs(loss.item() - reference.item()) <= 1e-6 * reference.item()
    torch.testing.assert_close(x.grad.double(), x64.grad, rtol=2e-6, atol=1e-12)
