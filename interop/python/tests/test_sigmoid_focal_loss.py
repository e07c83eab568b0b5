"""focalaot from Python: numpy and buffers, every reduction, errors, settings, and torchvision in float64."""

import array

import numpy as np
import pytest

import focalaot
from reference import loss as reference_loss

RNG = np.random.default_rng(2017)
FLOAT32_TOLERANCE = 2e-6  # the library's per-element bound for float
FLOAT64_TOLERANCE = 1e-13  # and for double


def sample(n, dtype, soft=False):
    logits = np.concatenate([RNG.normal(0, 3, n - n // 4), RNG.uniform(-1e4, 1e4, n // 4)]).astype(dtype)
    targets = (RNG.uniform(0, 1, n) if soft else (RNG.uniform(0, 1, n) < 0.2)).astype(dtype)
    return logits, targets


@pytest.mark.parametrize("dtype, tolerance", [(np.float32, FLOAT32_TOLERANCE), (np.float64, FLOAT64_TOLERANCE)])
@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0, 3.3])
def test_losses_match_the_reference(dtype, tolerance, gamma):
    x, y = sample(301, dtype, soft=True)
    losses = focalaot.sigmoid_focal_loss(x, y, alpha=0.25, gamma=gamma)
    assert losses.dtype == dtype and losses.shape == x.shape
    expected = np.array([reference_loss(float(a), float(b), gamma, 0.25) for a, b in zip(x, y)])
    significant = np.abs(expected) >= 1e-30
    relative = np.abs(losses[significant] - expected[significant]) / np.abs(expected[significant])
    assert relative.max() <= tolerance


def test_reductions_agree_with_per_element_losses():
    x, y = sample(1000, np.float64)
    losses = focalaot.sigmoid_focal_loss(x, y)
    assert focalaot.sigmoid_focal_loss(x, y, reduction="sum") == pytest.approx(losses.sum(), rel=1e-13)
    assert focalaot.sigmoid_focal_loss(x, y, reduction="mean") == pytest.approx(losses.mean(), rel=1e-13)


def test_shapes_are_kept_and_integer_labels_accepted():
    x = RNG.normal(0, 2, (4, 5)).astype(np.float32)
    labels = (RNG.uniform(0, 1, (4, 5)) < 0.5).astype(np.int64)
    losses = focalaot.sigmoid_focal_loss(x, labels)
    assert losses.shape == (4, 5)
    np.testing.assert_array_equal(losses, focalaot.sigmoid_focal_loss(x, labels.astype(np.float32)))


def test_buffers_work_like_numpy_arrays():
    x, y = sample(50, np.float32)
    from_buffers = focalaot.sigmoid_focal_loss(array.array("f", x.tobytes()), memoryview(y))
    assert isinstance(from_buffers, array.array)
    np.testing.assert_array_equal(np.frombuffer(from_buffers, dtype=np.float32), focalaot.sigmoid_focal_loss(x, y))


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_fused_equals_forward_and_backward(reduction):
    x, y = sample(777, np.float32)
    loss, gradient = focalaot.sigmoid_focal_loss_forward_backward(x, y, gamma=1.5, reduction=reduction)
    np.testing.assert_array_equal(np.asarray(loss), np.asarray(focalaot.sigmoid_focal_loss(x, y, gamma=1.5, reduction=reduction)))
    np.testing.assert_array_equal(gradient, focalaot.sigmoid_focal_loss_backward(x, y, gamma=1.5, reduction=reduction))


def test_upstream_gradient_scales_the_result():
    x, y = sample(64, np.float64)
    upstream = RNG.uniform(-2, 2, 64)
    plain = focalaot.sigmoid_focal_loss_backward(x, y)
    np.testing.assert_allclose(focalaot.sigmoid_focal_loss_backward(x, y, grad_output=upstream), plain * upstream, rtol=1e-15)
    np.testing.assert_allclose(focalaot.sigmoid_focal_loss_backward(x, y, grad_output=3.0, reduction="sum"), 3 * plain, rtol=1e-15)


@pytest.mark.parametrize("arguments, fragment", [
    (dict(gamma=-1.0), "gamma"),
    (dict(gamma=float("nan")), "gamma"),
    (dict(alpha=1.5), "alpha"),
    (dict(reduction="average"), "reduction"),
])
def test_bad_arguments_raise_focal_error_naming_the_argument(arguments, fragment):
    x, y = sample(10, np.float32)
    with pytest.raises(focalaot.FocalError, match=fragment):
        focalaot.sigmoid_focal_loss(x, y, **arguments)


def test_bad_targets_and_shapes_raise():
    x, y = sample(10, np.float64)
    y[3] = 1.5
    with pytest.raises(focalaot.FocalError, match=r"targets\[3\]") as error:
        focalaot.sigmoid_focal_loss(x, y)
    assert error.value.status == 2
    with pytest.raises(focalaot.FocalError, match="shape"):
        focalaot.sigmoid_focal_loss(x, y[:5])
    with pytest.raises(TypeError, match="float32 or float64"):
        focalaot.sigmoid_focal_loss(x.astype(np.int32), y)


def test_settings_do_not_change_results():
    x, y = sample(200_003, np.float32)
    expected = focalaot.sigmoid_focal_loss(x, y, reduction="mean")
    best = focalaot.get_isa()
    try:
        for isa in range(best, focalaot.FOCAL_ISA_SCALAR - 1, -1):
            focalaot.set_max_isa(isa)
            assert focalaot.get_isa() == isa
            for threads in (1, 2, 3):
                focalaot.set_num_threads(threads)
                assert focalaot.sigmoid_focal_loss(x, y, reduction="mean") == expected
        with pytest.raises(focalaot.FocalError):
            focalaot.set_max_isa(99)
    finally:
        focalaot.set_max_isa(best)
        focalaot.set_num_threads(0)
