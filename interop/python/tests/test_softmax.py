"""focalaot.softmax_focal_loss and focalaot.torch.softmax_focal_loss against torch's cross_entropy, a torch composite
of the focal loss (the kornia / mmcv formula) and torch's gradcheck: values, gradients, every option, the [N, C, d]
layout, errors."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
focal_torch = pytest.importorskip("focalaot.torch")
import focalaot  # noqa: E402

F = torch.nn.functional
RNG = np.random.default_rng(2024)
REDUCTIONS = ["none", "sum", "mean", "normalized", "weighted_mean"]


def sample(rows, classes, spread=3.0, ignored=0):
    x = torch.tensor(RNG.normal(0, spread, (rows, classes)), dtype=torch.float64, requires_grad=True)
    t = torch.tensor(RNG.integers(0, classes, rows), dtype=torch.int64)
    t[:ignored] = -100
    return x, t


def composite(x, t, alpha, gamma, reduction, label_smoothing=0.0, weight=None, normalizer=None, ignore_index=-100,
              poly_epsilon=0.0):
    """The focal loss written out in torch: -Σ_j a_j y'_j (1 - p_j)^γ log p_j per row (kornia's focal_loss formula,
    mmcv's with a scalar alpha), plus Poly-1's ε Σ_j y'_j (1 - p_j)^(γ+1), reduced by this package's rules."""
    classes = x.shape[1]
    log_p = F.log_softmax(x, dim=1)
    if t.is_floating_point():
        y = t
        kept = torch.ones(x.shape[0], dtype=torch.bool)
    else:
        kept = t != ignore_index
        y = F.one_hot(torch.where(kept, t, 0), classes).to(x.dtype) * kept[:, None]
    y = (1 - label_smoothing) * y + label_smoothing / classes * kept[:, None].to(x.dtype)
    a = torch.as_tensor(alpha, dtype=x.dtype) if not isinstance(alpha, float) or alpha >= 0 else torch.tensor(1.0, dtype=x.dtype)
    per_row = -(a * y * (1 - log_p.exp()) ** gamma * log_p).sum(dim=1)
    per_row = per_row + poly_epsilon * (y * (1 - log_p.exp()) ** (gamma + 1)).sum(dim=1)
    if weight is not None:
        per_row = per_row * weight
    if reduction == "none":
        return per_row
    if reduction == "sum":
        return per_row.sum()
    if reduction == "mean":
        return per_row.sum() / kept.sum()
    if reduction == "normalized":
        return per_row.sum() / normalizer
    target_alpha = (a * (t if t.is_floating_point() else F.one_hot(torch.where(kept, t, 0), classes) * kept[:, None]))
    target_alpha = target_alpha.sum(dim=1) if target_alpha.ndim == 2 else target_alpha
    return per_row.sum() / ((weight if weight is not None else 1) * target_alpha).sum()


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_gamma_zero_without_alpha_is_cross_entropy(reduction, label_smoothing):
    x, t = sample(37, 11, ignored=3)
    ours = focal_torch.softmax_focal_loss(x, t, alpha=-1.0, gamma=0.0, reduction=reduction, label_smoothing=label_smoothing)
    torch.autograd.backward(ours, torch.ones_like(ours))
    gradient = x.grad.clone()
    x.grad = None
    expected = F.cross_entropy(x, t, reduction=reduction, label_smoothing=label_smoothing)
    torch.autograd.backward(expected, torch.ones_like(expected))
    if reduction == "none":
        expected = expected.detach()
    torch.testing.assert_close(ours.detach(), expected.detach(), rtol=1e-13, atol=0)
    torch.testing.assert_close(gradient, x.grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
def test_class_weights_and_weighted_mean_are_cross_entropys_weight(label_smoothing):
    x, t = sample(29, 7, ignored=2)
    class_weights = torch.tensor(RNG.uniform(0.1, 3.0, 7), dtype=torch.float64)
    ours = focal_torch.softmax_focal_loss(x, t, alpha=class_weights, gamma=0.0, reduction="weighted_mean",
                                          label_smoothing=label_smoothing)
    expected = F.cross_entropy(x, t, weight=class_weights, label_smoothing=label_smoothing)
    torch.testing.assert_close(ours, expected.detach(), rtol=1e-13, atol=0)
    ours.backward()
    gradient = x.grad.clone()
    x.grad = None
    expected.backward()
    torch.testing.assert_close(gradient, x.grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("gamma", [0.5, 1.0, 2.0, 2.7, 5.0])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_focal_loss_and_gradient_match_the_composite(gamma, reduction):
    x, t = sample(41, 13, spread=2.0, ignored=4)
    alpha = 0.25
    weight = torch.tensor(RNG.uniform(0, 2, 41), dtype=torch.float64)
    kwargs = {"normalizer": 7.5} if reduction == "normalized" else {}
    ours = focal_torch.softmax_focal_loss(x, t, alpha=alpha, gamma=gamma, reduction=reduction, weight=weight,
                                          label_smoothing=0.05, **kwargs)
    torch.autograd.backward(ours, torch.ones_like(ours))
    gradient = x.grad.clone()
    x.grad = None
    expected = composite(x, t, alpha, gamma, reduction, label_smoothing=0.05, weight=weight, **kwargs)
    torch.autograd.backward(expected, torch.ones_like(expected))
    torch.testing.assert_close(ours.detach(), expected.detach(), rtol=1e-11, atol=1e-15)
    torch.testing.assert_close(gradient, x.grad, rtol=1e-9, atol=1e-13)


def test_soft_targets_and_per_class_alpha_match_the_composite():
    x, _ = sample(23, 9)
    y = torch.tensor(RNG.dirichlet(np.ones(9), 23), dtype=torch.float64)
    alpha = RNG.uniform(0, 2, 9).tolist()
    ours = focal_torch.softmax_focal_loss(x, y, alpha=alpha, gamma=1.5, reduction="sum", label_smoothing=0.1)
    ours.backward()
    gradient = x.grad.clone()
    x.grad = None
    expected = composite(x, y, alpha, 1.5, "sum", label_smoothing=0.1)
    expected.backward()
    torch.testing.assert_close(ours.detach(), expected.detach(), rtol=1e-12, atol=0)
    torch.testing.assert_close(gradient, x.grad, rtol=1e-10, atol=1e-14)


def test_the_class_dimension_second_layout_is_cross_entropys():
    x = torch.tensor(RNG.normal(0, 2, (3, 5, 4, 6)), dtype=torch.float64, requires_grad=True)
    t = torch.tensor(RNG.integers(0, 5, (3, 4, 6)))
    t[0, 0, :3] = -100
    ours = focal_torch.softmax_focal_loss(x, t, alpha=-1.0, gamma=0.0, reduction="none")
    assert ours.shape == (3, 4, 6)
    ours.sum().backward()
    gradient = x.grad.clone()
    x.grad = None
    expected = F.cross_entropy(x, t, reduction="none")
    expected.sum().backward()
    torch.testing.assert_close(ours.detach(), expected.detach(), rtol=1e-13, atol=0)
    torch.testing.assert_close(gradient, x.grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("soft", [False, True])
def test_class_dimension_second_inputs_give_the_bits_of_their_rows(soft):
    # [N, C, H, W] is read in place as [N, C, S]; each position gives the bits of its gathered row of classes.
    x = RNG.normal(0, 3, (2, 5, 3, 4)).astype(np.float32)
    rows = np.ascontiguousarray(np.moveaxis(x, 1, -1).reshape(-1, 5))
    if soft:
        t = RNG.dirichlet(np.ones(5), (2, 3, 4)).astype(np.float32)      # [N, H, W, C]
        t_nchw, t_rows = np.ascontiguousarray(np.moveaxis(t, -1, 1)), t.reshape(-1, 5)
    else:
        t_nchw = RNG.integers(0, 5, (2, 3, 4))
        t_nchw[1, 2, :2] = -100
        t_rows = t_nchw.reshape(-1)
    w = RNG.uniform(0, 2, (2, 3, 4)).astype(np.float32)
    arguments = dict(gamma=1.5, label_smoothing=0.05, weight=w)
    loss, gradient = focalaot.softmax_focal_loss_forward_backward(x, t_nchw, **arguments)
    row_loss, row_gradient = focalaot.softmax_focal_loss_forward_backward(rows, t_rows, gamma=1.5, label_smoothing=0.05,
                                                                         weight=w.reshape(-1))
    assert loss.shape == (2, 3, 4) and gradient.shape == x.shape
    np.testing.assert_array_equal(loss.reshape(-1), row_loss)
    np.testing.assert_array_equal(np.moveaxis(gradient, 1, -1).reshape(-1, 5), row_gradient)
    # A non-contiguous view (every other row of the image) is copied, then computed the same way.
    view, t_view = x[:, :, ::2], (t_nchw[:, :, ::2] if soft else t_nchw[:, ::2])
    np.testing.assert_array_equal(focalaot.softmax_focal_loss(view, t_view, gamma=1.5),
                                  focalaot.softmax_focal_loss(np.ascontiguousarray(view), np.ascontiguousarray(t_view), gamma=1.5))


@pytest.mark.parametrize("gamma", [0.5, 2.0])
def test_gradcheck(gamma):
    x, t = sample(6, 5, spread=1.5)
    assert torch.autograd.gradcheck(
        lambda z: focal_torch.softmax_focal_loss(z, t, gamma=gamma, label_smoothing=0.1, reduction="none"), (x,))


def test_confident_rows_stay_exact_where_the_composite_cancels():
    # p_t = 1 - 1e-20: 1 - p_t is 0 in float64, so the composite's loss is 0; the exact value is ~1e-40 * 46.
    x = torch.tensor([[46.0, 0.0, 0.0]], dtype=torch.float64, requires_grad=True)
    t = torch.tensor([0])
    loss = focal_torch.softmax_focal_loss(x, t, alpha=-1.0, gamma=2.0)
    q = 2 * np.exp(-46.0) / (1 + 2 * np.exp(-46.0))
    exact = q ** 2 * np.log1p(2 * np.exp(-46.0))
    assert loss.item() == pytest.approx(exact, rel=1e-13)
    assert composite(x, t, -1.0, 2.0, "none").item() == 0.0


def test_float32_matches_float64_within_the_float_bound():
    x, t = sample(50, 80, spread=4.0)
    ours32 = focalaot.softmax_focal_loss(x.detach().numpy().astype(np.float32), t.numpy(), gamma=2.0)
    x32 = x.detach().to(torch.float32).to(torch.float64).numpy()
    ours64 = focalaot.softmax_focal_loss(x32, t.numpy(), gamma=2.0)
    np.testing.assert_allclose(ours32, ours64, rtol=4e-6, atol=0)


def test_numpy_functions_agree_bit_for_bit():
    x, t = sample(9, 6)
    xs, ts = x.detach().numpy().astype(np.float32), t.numpy().astype(np.int32)
    loss = focalaot.softmax_focal_loss(xs, ts, gamma=2.0, label_smoothing=0.1)
    gradient = focalaot.softmax_focal_loss_backward(xs, ts, gamma=2.0, label_smoothing=0.1)
    fused_loss, fused_gradient = focalaot.softmax_focal_loss_forward_backward(xs, ts, gamma=2.0, label_smoothing=0.1)
    np.testing.assert_array_equal(loss, fused_loss)
    np.testing.assert_array_equal(gradient, fused_gradient)
    np.testing.assert_array_equal(loss, focalaot.softmax_focal_loss(xs, ts.astype(np.int64), gamma=2.0, label_smoothing=0.1))
    assert gradient.dtype == np.float32 and gradient.shape == xs.shape


def test_all_ignored_mean_is_nan_and_sum_is_zero():
    x = np.zeros((3, 4))
    t = np.full(3, -100)
    assert np.isnan(focalaot.softmax_focal_loss(x, t, reduction="mean"))
    assert focalaot.softmax_focal_loss(x, t, reduction="sum") == 0.0


def test_errors_name_the_argument():
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(focalaot.FocalError, match=r"targets\[1\] = 3 is invalid: .* or equal ignore_index \(-100\)\.$"):
        focalaot.softmax_focal_loss(x, np.array([0, 3]))
    with pytest.raises(focalaot.FocalError, match="label_smoothing"):
        focalaot.softmax_focal_loss(x, np.array([0, 1]), label_smoothing=2.0)
    with pytest.raises(focalaot.FocalError, match="alpha has 2 per-class values"):
        focalaot.softmax_focal_loss(x, np.array([0, 1]), alpha=[1.0, 2.0])
    with pytest.raises(focalaot.FocalError, match="targets has shape"):
        focalaot.softmax_focal_loss(x, np.array([0, 1, 2]))
    with pytest.raises(TypeError, match="float32, float64, float16 or bfloat16"):
        focalaot.softmax_focal_loss(x.astype(np.int32), np.array([0, 1]))
    with pytest.raises(TypeError, match="uint16 bit patterns"):
        focalaot.softmax_focal_loss(x, np.array([0, 1]), dtype="bfloat16")
    with pytest.raises(focalaot.FocalError, match="weight"):
        focalaot.softmax_focal_loss(x, np.array([0, 1]), weight=np.ones(3))
    with pytest.raises(TypeError, match="float32, float64, float16 or bfloat16"):
        focal_torch.softmax_focal_loss(torch.zeros(2, 3, dtype=torch.int32), torch.tensor([0, 1]))


def test_a_class_alpha_beyond_float_range_is_refused_for_float_inputs_not_nan():
    # float32 and 16-bit rows compute in float, where 1e300 would be infinity and a confident row's loss NaN.
    x = np.array([[0.0, 100.0, -3.0]])
    for dtype in (np.float32, np.float16):
        with pytest.raises(focalaot.FocalError, match=r"^alpha\[1\] = 1E\+300 is invalid: .* at most 3\.4028235E\+38"):
            focalaot.softmax_focal_loss(x.astype(dtype), np.array([1]), alpha=[1.0, 1e300, 1.0], reduction="none")
    loss = focalaot.softmax_focal_loss(x, np.array([1]), alpha=[1.0, 1e300, 1.0], reduction="none")
    assert np.isfinite(loss).all() and loss[0] > 0


def test_rows_scaled_beyond_float_range_give_no_nan():
    # weight * alpha = 3e40 and an upstream of 1e300 lie beyond float's range: the rows run scaled by powers of two.
    x = np.array([[0.0, 100.0, -3.0], [1.0, 2.0, 3.0]], np.float32)
    t = np.array([1, 0])
    loss, grad = focalaot.softmax_focal_loss_forward_backward(
        x, t, alpha=[1.0, 3e38, 1.0], weight=np.array([100.0, 2.0], np.float32), reduction="none")
    assert loss[0] == 0 and np.isfinite(loss[1]) and not np.isnan(grad).any()
    grad = focalaot.softmax_focal_loss_backward(x, t, reduction="normalized", normalizer=1e-300)
    unit = focalaot.softmax_focal_loss_backward(x, t, reduction="sum")
    # The second row's gradient is the sum's (each about 0.1) times 1e300: +-infinity in float, never NaN.
    assert not np.isnan(grad).any()
    np.testing.assert_array_equal(grad[1], np.copysign(np.inf, unit[1]))


def test_class_indices_and_ignore_index_past_int64_are_refused_not_wrapped():
    # 2^64 - 100 would wrap to -100, ignore_index, and the sample would vanish from the mean without an error.
    x = np.zeros((3, 4), np.float32)
    wrapped = np.array([1, 2**64 - 100, 0], np.uint64)
    with pytest.raises(focalaot.FocalError,
                       match=r"^targets\[1\] = 18446744073709551516 is invalid: .* \[0, 4\) or equal ignore_index \(-100\)\.$"):
        focalaot.softmax_focal_loss(x, wrapped, reduction="mean")
    with pytest.raises(focalaot.FocalError, match=r"^ignore_index must fit in int64, not 18446744073709551615$"):
        focalaot.softmax_focal_loss(x, np.array([1, -1, 0]), ignore_index=2**64 - 1)  # would wrap to -1, ignoring row 1
    in_range = np.array([1, 3, 0], np.uint64)
    assert focalaot.softmax_focal_loss(x, in_range, reduction="sum") == focalaot.softmax_focal_loss(
        x, in_range.astype(np.int64), reduction="sum")


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("inputs_shape", [(5, 4), (4,), (2, 4, 3)])
def test_bit_pattern_probabilities_are_soft_targets(dtype, inputs_shape):
    # With inputs as uint16 bit patterns, targets of the same shape and dtype are probabilities in the same encoding
    # (not class indices); targets of the loss's shape stay class indices.
    values = RNG.normal(0, 2, inputs_shape).astype(np.float32)
    probabilities = RNG.dirichlet(np.ones(4), int(np.prod(inputs_shape)) // 4).astype(np.float32)
    probabilities = np.moveaxis(probabilities.reshape((-1,) + inputs_shape[2:] + (4,)), -1, 1 if len(inputs_shape) > 1 else 0)
    probabilities = probabilities.reshape(inputs_shape)
    if dtype == "float16":
        encode = lambda v: v.astype(np.float16).view(np.uint16)  # noqa: E731
        decode = lambda b: b.view(np.float16)  # noqa: E731
    else:
        encode = _bfloat16_bits
        decode = _bfloat16_value
    x, y = encode(values), encode(probabilities)
    loss = np.asarray(focalaot.softmax_focal_loss(x, y, dtype=dtype))
    widened = np.asarray(focalaot.softmax_focal_loss(decode(x).astype(np.float32), decode(y).astype(np.float32)))
    assert loss.dtype == np.uint16 and loss.shape == widened.shape
    np.testing.assert_array_equal(loss, encode(widened))
    indices = RNG.integers(0, 4, inputs_shape[:1] + inputs_shape[2:] if len(inputs_shape) > 1 else ()).astype(np.uint16)
    by_index = focalaot.softmax_focal_loss(x, indices, dtype=dtype)
    np.testing.assert_array_equal(by_index, focalaot.softmax_focal_loss(x, indices.astype(np.int64), dtype=dtype))


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_torch_16_bit_inputs_take_soft_targets(dtype):
    # Soft targets follow the inputs to their 16-bit dtype: the call is the float32 call on the widened data, each
    # per-sample loss and each gradient rounded once.
    x = torch.tensor(RNG.normal(0, 2, (6, 5)), dtype=torch.float32).to(dtype).requires_grad_()
    p = torch.softmax(torch.tensor(RNG.normal(0, 1, (6, 5)), dtype=torch.float32), dim=1)
    loss = focal_torch.softmax_focal_loss(x, p)
    loss.sum().backward()
    wide = x.detach().float().requires_grad_()
    expected = focal_torch.softmax_focal_loss(wide, p.to(dtype).float())
    expected.sum().backward()
    assert loss.dtype == dtype and x.grad.dtype == dtype
    assert torch.equal(loss, expected.detach().to(dtype))
    assert torch.equal(x.grad, wide.grad.to(dtype))


@pytest.mark.parametrize("reduction", ["none", "mean"])
def test_double_backward_fails_loudly_naming_the_softmax_loss(reduction):
    x, t = sample(4, 3)
    loss = focal_torch.softmax_focal_loss(x, t, reduction=reduction).sum()
    (gradient,) = torch.autograd.grad(loss, x, create_graph=True)
    with pytest.raises(RuntimeError, match=r"^focalaot\.torch\.softmax_focal_loss has no second derivative: .* "
                                           r"use a composite of torch operations .* for that$"):
        gradient.pow(2).sum().backward()


def _bfloat16_bits(values):
    """Values rounded to bfloat16 by torch (nearest, ties to even), as bit patterns."""
    return torch.from_numpy(np.asarray(values, np.float32)).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)


def _bfloat16_value(bits):
    return (np.asarray(bits, np.uint32) << 16).view(np.float32)


@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_float16_and_bfloat16_are_the_float32_results_rounded_once(label_smoothing):
    x, t = sample(13, 9, spread=3.0, ignored=2)
    x16 = x.detach().numpy().astype(np.float16)
    loss16, grad16 = focalaot.softmax_focal_loss_forward_backward(x16, t.numpy(), label_smoothing=label_smoothing)
    loss32, grad32 = focalaot.softmax_focal_loss_forward_backward(x16.astype(np.float32), t.numpy(),
                                                                  label_smoothing=label_smoothing)
    assert loss16.dtype == np.float16 and grad16.dtype == np.float16
    np.testing.assert_array_equal(loss16, loss32.astype(np.float16))
    np.testing.assert_array_equal(grad16, grad32.astype(np.float16))

    bits = _bfloat16_bits(x.detach().numpy())
    lossbf, gradbf = focalaot.softmax_focal_loss_forward_backward(bits, t.numpy(), label_smoothing=label_smoothing,
                                                                  dtype="bfloat16")
    widened = _bfloat16_value(bits)
    loss32, grad32 = focalaot.softmax_focal_loss_forward_backward(widened, t.numpy(), label_smoothing=label_smoothing)
    expected = _bfloat16_bits(grad32)
    assert gradbf.dtype == np.uint16
    np.testing.assert_array_equal(gradbf, expected)
    np.testing.assert_array_equal(lossbf, _bfloat16_bits(loss32))


@pytest.mark.parametrize("reduction, then", [("mean", None), ("mean", "triple"), ("none", "sum"), ("none", "mean")])
def test_the_torch_gradient_is_the_librarys_for_its_upstream_gradient(reduction, then):
    # An upstream gradient of 1 takes the fused gradient, any other one the backward entry: the library's bits either way.
    x, t = sample(12, 5, ignored=2)
    upstream = {"mean": np.full(12, 1 / 12), "triple": 3.0}.get(then)
    expected = focalaot.softmax_focal_loss_backward(x.detach().numpy(), t.numpy(), upstream, reduction=reduction)
    loss = focal_torch.softmax_focal_loss(x, t, reduction=reduction)
    {None: loss, "triple": 3 * loss, "sum": loss.sum(), "mean": loss.mean()}[then].backward()
    np.testing.assert_array_equal(x.grad.numpy(), expected)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_sixteen_bit_tensors_train_with_autograd(dtype):
    x, t = sample(10, 6)
    x16 = x.detach().to(dtype).requires_grad_(True)
    loss = focal_torch.softmax_focal_loss(x16, t, reduction="mean", label_smoothing=0.1)
    assert loss.dtype == dtype
    loss.backward()
    assert x16.grad.dtype == dtype
    reference = x16.detach().to(torch.float32).requires_grad_(True)
    expected = focal_torch.softmax_focal_loss(reference, t, reduction="mean", label_smoothing=0.1)
    expected.backward()
    torch.testing.assert_close(x16.grad, reference.grad.to(dtype), rtol=0, atol=0)
    torch.testing.assert_close(loss.float(), expected.detach(), rtol=1e-2, atol=0)


@pytest.mark.parametrize("poly_epsilon", [1.0, -1.0, 2.5])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_poly1_matches_the_composite(poly_epsilon, label_smoothing):
    x, t = sample(31, 10, spread=2.0, ignored=2)
    ours = focal_torch.softmax_focal_loss(x, t, gamma=2.0, reduction="mean", label_smoothing=label_smoothing,
                                          poly_epsilon=poly_epsilon)
    ours.backward()
    gradient = x.grad.clone()
    x.grad = None
    expected = composite(x, t, 0.25, 2.0, "mean", label_smoothing=label_smoothing, poly_epsilon=poly_epsilon)
    expected.backward()
    torch.testing.assert_close(ours.detach(), expected.detach(), rtol=1e-11, atol=1e-15)
    torch.testing.assert_close(gradient, x.grad, rtol=1e-9, atol=1e-13)
    with pytest.raises(focalaot.FocalError, match="poly_epsilon"):
        focalaot.softmax_focal_loss(x.detach().numpy(), t.numpy(), poly_epsilon=-2.0)


def test_flsd53_takes_gamma_5_below_p_0_2_and_3_above():
    x, t = sample(40, 6, spread=1.5)
    ours = focal_torch.softmax_focal_loss(x, t, alpha=-1.0, reduction="none", sample_dependent_gamma=True)
    ours.sum().backward()
    gradient = x.grad.clone()
    x.grad = None
    p_t = F.softmax(x, dim=1).gather(1, t[:, None])[:, 0].detach()
    assert (p_t < 0.2).any() and (p_t >= 0.2).any()
    five = composite(x, t, -1.0, 5.0, "none")
    three = composite(x, t, -1.0, 3.0, "none")
    expected = torch.where(p_t < 0.2, five, three)
    expected.sum().backward()
    torch.testing.assert_close(ours.detach(), expected.detach(), rtol=1e-11, atol=1e-15)
    torch.testing.assert_close(gradient, x.grad, rtol=1e-9, atol=1e-13)
    with pytest.raises(focalaot.FocalError, match="gamma must keep its default"):
        focalaot.softmax_focal_loss(x.detach().numpy(), t.numpy(), gamma=3.0, sample_dependent_gamma=True)
