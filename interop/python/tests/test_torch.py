"""focalaot.torch against torchvision.ops.sigmoid_focal_loss and an explicit torch composite: loss and gradient,
every reduction, weights, per-class alpha, float16 and bfloat16 tensors, errors."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
torchvision_ops = pytest.importorskip("torchvision.ops")
focal_torch = pytest.importorskip("focalaot.torch")
import focalaot  # noqa: E402

RNG = np.random.default_rng(1406)
REDUCTIONS = ["none", "sum", "mean", "normalized", "weighted_mean"]


def moderate_sample(shape):
    # Moderate logits: torchvision's 1 - p_t cancels in float64 too (relative error ~1e-16 / (1 - p_t)).
    n = int(np.prod(shape))
    x = torch.tensor(np.clip(RNG.normal(0, 2.5, n), -10, 10).reshape(shape), dtype=torch.float64, requires_grad=True)
    y = torch.tensor(np.where(RNG.uniform(0, 1, n) < 0.5, RNG.uniform(0, 1, n), RNG.uniform(0, 1, n) < 0.3)
                     .reshape(shape), dtype=torch.float64)
    return x, y


def composite(x, y, alpha, gamma, reduction, weight=None, normalizer=None):
    """The focal loss written out in torch: torchvision's formula with per-class alpha and weights."""
    p = torch.sigmoid(x)
    ce = torch.nn.functional.binary_cross_entropy_with_logits(x, y, reduction="none")
    p_t = p * y + (1 - p) * (1 - y)
    loss = ce * (1 - p_t) ** gamma
    alpha = torch.as_tensor(alpha, dtype=x.dtype)
    if alpha.ndim or alpha >= 0:
        loss = (alpha * y + (1 - alpha) * (1 - y)) * loss  # a [C] alpha broadcasts over the last dimension
    if weight is not None:
        loss = loss * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.mean()
    if reduction == "normalized":
        return loss.sum() / normalizer
    return loss.sum() / (weight.sum() if weight is not None else loss.numel())


def extra(reduction):
    return {"normalizer": 7.5} if reduction == "normalized" else {}


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("gamma, alpha", [(2.0, 0.25), (0.0, -1.0), (0.5, 0.6), (3.7, 1.0)])
def test_matches_torchvision_in_float64(reduction, gamma, alpha):
    x, y = moderate_sample((500,))
    x_ref = x.detach().clone().requires_grad_(True)
    ours = focal_torch.sigmoid_focal_loss(x, y, alpha=alpha, gamma=gamma, reduction=reduction)
    theirs = torchvision_ops.sigmoid_focal_loss(x_ref, y, alpha=alpha, gamma=gamma, reduction=reduction)
    torch.testing.assert_close(ours, theirs, rtol=1e-10, atol=1e-300)
    upstream = torch.rand_like(ours)
    ours.backward(upstream)
    theirs.backward(upstream)
    torch.testing.assert_close(x.grad, x_ref.grad, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("alpha", [0.25, [0.1, 0.5, 0.9, 0.0], "tensor"])
def test_weights_and_class_alpha_match_the_composite_in_float64(reduction, alpha):
    x, y = moderate_sample((120, 4))
    if alpha == "tensor":
        alpha = torch.tensor([0.3, 0.7, 1.0, 0.2], dtype=torch.float64)
    weight = torch.tensor(RNG.uniform(0, 2, (120, 4)), dtype=torch.float64)
    weight[::5] = 0
    x_ref = x.detach().clone().requires_grad_(True)
    ours = focal_torch.sigmoid_focal_loss(x, y, alpha=alpha, gamma=1.5, reduction=reduction, weight=weight,
                                          **extra(reduction))
    theirs = composite(x_ref, y, alpha, 1.5, reduction, weight=weight, **extra(reduction))
    assert ours.dtype == torch.float64 and ours.shape == theirs.shape
    torch.testing.assert_close(ours, theirs, rtol=1e-10, atol=1e-300)
    upstream = torch.rand_like(ours)
    ours.backward(upstream)
    theirs.backward(upstream)
    torch.testing.assert_close(x.grad, x_ref.grad, rtol=1e-10, atol=1e-15)


def test_normalizer_may_be_a_tensor():
    x, y = moderate_sample((64,))
    positives = (y > 0.5).sum()
    ours = focal_torch.sigmoid_focal_loss(x, y, reduction="normalized", normalizer=positives)
    torch.testing.assert_close(ours, composite(x, y, 0.25, 2.0, "normalized", normalizer=float(positives)),
                               rtol=1e-12, atol=0)
    message = r"^normalizer must be a number or a one-element tensor, not a tensor of shape \(2,\)$"
    with pytest.raises(focalaot.FocalError, match=message):
        focal_torch.sigmoid_focal_loss(x, y, reduction="normalized", normalizer=torch.tensor([4.0, 2.0]))
    with pytest.raises(focalaot.FocalError, match=message):
        focal_torch.softmax_focal_loss(x.reshape(16, 4), torch.zeros(16, dtype=torch.int64), reduction="normalized",
                                       normalizer=torch.tensor([4.0, 2.0]))


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


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_16_bit_tensors_are_the_float32_result_rounded_once(dtype, reduction):
    x = torch.tensor(RNG.uniform(-15, 15, (100, 3)), dtype=dtype, requires_grad=True)
    y = torch.tensor(RNG.uniform(0, 1, (100, 3)), dtype=dtype)
    weight = torch.tensor(RNG.uniform(0, 3, (100, 3)), dtype=dtype)
    settings = dict(alpha=[0.2, 0.5, 0.8], gamma=1.5, reduction=reduction, **extra(reduction))
    loss = focal_torch.sigmoid_focal_loss(x, y, weight=weight, **settings)
    x32 = x.detach().float().requires_grad_(True)
    loss32 = focal_torch.sigmoid_focal_loss(x32, y.float(), weight=weight.float(), **settings)
    assert loss.dtype == dtype and loss.shape == loss32.shape
    upstream = torch.rand_like(loss32).to(dtype)  # exact in float32 too
    loss.backward(upstream)
    loss32.backward(upstream.float())
    assert x.grad.dtype == dtype
    assert torch.equal(x.grad, x32.grad.to(dtype))  # torch's conversion rounds to nearest even
    if reduction == "none":
        assert torch.equal(loss.detach(), loss32.detach().to(dtype))
    else:
        step = 2.0 ** -11 if dtype == torch.float16 else 2.0 ** -8
        assert abs(loss.item() - loss32.item()) <= step * abs(loss32.item())


def test_the_numpy_api_agrees_with_the_torch_module():
    x, y = moderate_sample((30, 2))
    weight = torch.rand(30, 2, dtype=torch.float64)
    ours = focal_torch.sigmoid_focal_loss(x, y, alpha=torch.tensor([0.4, 0.6]), weight=weight,
                                          reduction="weighted_mean")
    numpy_result = focalaot.sigmoid_focal_loss(x.detach().numpy(), y.numpy(), alpha=torch.tensor([0.4, 0.6]),
                                               weight=weight.numpy(), reduction="weighted_mean")
    assert ours.item() == numpy_result


def test_non_contiguous_tensors_are_read_in_logical_order():
    x, y = moderate_sample((3, 8))
    loss = focal_torch.sigmoid_focal_loss(x.t(), y.t(), alpha=[0.1, 0.2, 0.3])
    expected = focal_torch.sigmoid_focal_loss(x.t().contiguous(), y.t().contiguous(), alpha=[0.1, 0.2, 0.3])
    assert torch.equal(loss, expected)
    loss.sum().backward()  # the upstream gradient of a sum is an expanded (stride 0) tensor
    assert x.grad.shape == x.shape


@pytest.mark.parametrize("arguments, error, fragment", [
    (dict(reduction="average"), focalaot.FocalError, "reduction"),
    (dict(reduction="normalized"), focalaot.FocalError, "normalizer"),
    (dict(alpha=torch.tensor([0.2, 1.5])), focalaot.FocalError, r"lpha\[1\] = 1.5"),
    (dict(alpha=[0.2, 0.3, 0.5]), focalaot.FocalError, "last dimension"),
    (dict(weight=torch.ones(5, 3)), focalaot.FocalError, "weight has shape"),
    (dict(weight=torch.full((5, 2), -1.0)), focalaot.FocalError, r"^weight\[0\] = -1"),
    (dict(targets=torch.ones(2, 5)), focalaot.FocalError, "targets has shape"),
    (dict(inputs=torch.zeros(5, 2, dtype=torch.int32)), TypeError, "float32, float64, float16 or bfloat16"),
    (dict(inputs=torch.zeros(5, 2, device="meta")), ValueError, "CPU"),
])
def test_errors(arguments, error, fragment):
    call = dict(inputs=torch.zeros(5, 2), targets=torch.ones(5, 2))
    call.update(arguments)
    with pytest.raises(error, match=fragment):
        focal_torch.sigmoid_focal_loss(**call)


def test_a_zero_dimensional_tensor_gives_a_zero_dimensional_loss_and_gradient():
    x = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    loss = focal_torch.sigmoid_focal_loss(x, torch.tensor(1.0, dtype=torch.float64))
    assert loss.shape == torch.Size([])
    loss.backward()
    assert x.grad.shape == torch.Size([])


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_double_backward_fails_loudly(reduction):
    x = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64)
    loss = focal_torch.sigmoid_focal_loss(x, y, reduction=reduction).sum()
    (gradient,) = torch.autograd.grad(loss, x, create_graph=True)
    with pytest.raises(RuntimeError, match=r"^focalaot\.torch\.sigmoid_focal_loss has no second derivative: .* "
                                           r"use torchvision\.ops\.sigmoid_focal_loss for that$"):
        (gradient.pow(2).sum() + x.sum()).backward()


def test_targets_and_weights_get_no_gradient():
    x, y = moderate_sample((4, 3))
    y.requires_grad_(True)
    weight = torch.rand(4, 3, dtype=torch.float64, requires_grad=True)
    focal_torch.sigmoid_focal_loss(x, y, weight=weight, reduction="sum").backward()
    assert x.grad is not None and y.grad is None and weight.grad is None


def _counting(monkeypatch, table_name):
    """Counts the calls of the library entries in focalaot._api's table (FORWARD, BACKWARD or FORWARD_BACKWARD)."""
    from focalaot import _api
    table = getattr(_api, table_name)
    calls = []
    for suffix, function in list(table.items()):
        def counted(*arguments, _function=function):
            calls.append(1)
            return _function(*arguments)
        monkeypatch.setitem(table, suffix, counted)
    return calls


_THEN = {None: lambda loss: loss, "sum": torch.sum, "mean": torch.mean, "triple": lambda loss: 3 * loss}


@pytest.mark.parametrize("reduction, then", [("mean", None), ("sum", None), ("mean", "triple"), ("none", "sum"),
                                             ("none", "mean")])
def test_a_training_step_computes_loss_and_gradient_in_one_pass(monkeypatch, reduction, then):
    x, y = moderate_sample((40, 3))
    upstream = {"mean": np.full((40, 3), 1 / 120), "triple": 3.0}.get(then)
    expected = focalaot.sigmoid_focal_loss_backward(x.detach().numpy(), y.numpy(), reduction=reduction,
                                                    grad_output=upstream)
    forward, backward = _counting(monkeypatch, "FORWARD"), _counting(monkeypatch, "BACKWARD")
    fused = _counting(monkeypatch, "FORWARD_BACKWARD")
    loss = focal_torch.sigmoid_focal_loss(x, y, reduction=reduction)
    _THEN[then](loss).backward()
    assert len(fused) == 1 and len(forward) == 0
    # An upstream gradient of 1 (a reduced loss, or the sum of the losses) uses the fused gradient as it is;
    # any other one (the mean of the losses, or 3 times a reduced loss) calls the backward entry, for the library's bits.
    assert len(backward) == (0 if upstream is None else 1)
    assert np.array_equal(x.grad.numpy(), expected)


def test_without_a_gradient_only_the_loss_is_computed(monkeypatch):
    x, y = moderate_sample((10,))
    forward, fused = _counting(monkeypatch, "FORWARD"), _counting(monkeypatch, "FORWARD_BACKWARD")
    with torch.no_grad():
        focal_torch.sigmoid_focal_loss(x, y, reduction="mean")
    focal_torch.sigmoid_focal_loss(x.detach(), y, reduction="mean")
    assert len(forward) == 2 and len(fused) == 0


def test_a_retained_graph_gives_the_same_gradient_twice():
    x, y = moderate_sample((7, 2))
    loss = focal_torch.sigmoid_focal_loss(x, y, reduction="mean")
    loss.backward(retain_graph=True)
    first = x.grad.clone()
    loss.backward()
    assert torch.equal(x.grad, 2 * first)
