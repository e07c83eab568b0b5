"""focalaot from Python: numpy and buffers, every reduction, weights, per-class alpha, float16 and bfloat16,
errors and settings."""

import array

import numpy as np
import pytest

import focalaot
from reference import loss as reference_loss

RNG = np.random.default_rng(2017)
FLOAT32_TOLERANCE = 2e-6  # the library's per-element bound for float
FLOAT64_TOLERANCE = 1e-13  # and for double
REDUCTIONS = ["none", "sum", "mean", "normalized", "weighted_mean"]


def sample(n, dtype, soft=False):
    logits = np.concatenate([RNG.normal(0, 3, n - n // 4), RNG.uniform(-1e4, 1e4, n // 4)]).astype(dtype)
    targets = (RNG.uniform(0, 1, n) if soft else (RNG.uniform(0, 1, n) < 0.2)).astype(dtype)
    return logits, targets


def weights_for(n, dtype):
    weights = RNG.uniform(0, 2, n).astype(dtype)
    weights[::7] = 0
    return weights


def extra(reduction):
    """The keyword arguments a reduction needs (a normalizer for "normalized")."""
    return {"normalizer": 3.5} if reduction == "normalized" else {}


def relative_error(actual, expected):
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    significant = np.abs(expected) >= 1e-30
    return (np.abs(actual[significant] - expected[significant]) / np.abs(expected[significant])).max()


# bfloat16 has no numpy dtype: the test's own conversions (round to nearest, ties to even; NaN stays quiet).
def to_bfloat16_bits(values):
    values = np.asarray(values, np.float32)
    bits = values.view(np.uint32).astype(np.uint64)
    half, one, sixteen = np.uint64(0x7FFF), np.uint64(1), np.uint64(16)
    rounded = (bits + half + ((bits >> sixteen) & one)) >> sixteen
    quiet_nan = (bits >> sixteen) | np.uint64(0x40)
    return np.where(np.isnan(values), quiet_nan, rounded).astype(np.uint16)


def from_bfloat16_bits(bits):
    bits = np.asarray(bits, np.uint16)
    widened = np.atleast_1d(bits).astype(np.uint32) << np.uint32(16)
    return widened.view(np.float32).reshape(bits.shape)


def test_the_bfloat16_helper_rounds_to_nearest_even():
    values = np.array([1.0, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 1 + 2 ** -8 + 2 ** -20, -2.5, 3.4e38, -np.inf], np.float32)
    assert list(from_bfloat16_bits(to_bfloat16_bits(values))) == [
        1.0, 1.0, 1 + 2 ** -6, 1 + 2 ** -7, -2.5, np.inf, -np.inf]  # ties go to the even neighbour
    assert to_bfloat16_bits(np.float32(1e-40)) == 0x0001  # a subnormal: 1e-40 is about 1.09 * 2**-133
    assert to_bfloat16_bits(np.float32(np.nan)) == 0x7FC0


# --- values -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype, tolerance", [(np.float32, FLOAT32_TOLERANCE), (np.float64, FLOAT64_TOLERANCE)])
@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0, 3.3])
def test_losses_match_the_reference(dtype, tolerance, gamma):
    x, y = sample(301, dtype, soft=True)
    losses = focalaot.sigmoid_focal_loss(x, y, alpha=0.25, gamma=gamma)
    assert losses.dtype == dtype and losses.shape == x.shape
    expected = np.array([reference_loss(float(a), float(b), gamma, 0.25) for a, b in zip(x, y)])
    assert relative_error(losses, expected) <= tolerance


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_every_reduction_agrees_with_per_element_losses(reduction):
    x, y = sample(1000, np.float64)
    losses = focalaot.sigmoid_focal_loss(x, y)
    expected = {"none": losses, "sum": losses.sum(), "mean": losses.mean(), "normalized": losses.sum() / 3.5,
                "weighted_mean": losses.mean()}[reduction]  # without weights the weighted mean is the mean
    result = focalaot.sigmoid_focal_loss(x, y, reduction=reduction, **extra(reduction))
    if reduction == "none":
        np.testing.assert_array_equal(result, expected)
    else:
        assert type(result) is float
        assert result == pytest.approx(expected, rel=1e-13)


def test_shapes_are_kept_and_integer_labels_accepted():
    x = RNG.normal(0, 2, (4, 5)).astype(np.float32)
    labels = (RNG.uniform(0, 1, (4, 5)) < 0.5).astype(np.int64)
    losses = focalaot.sigmoid_focal_loss(x, labels)
    assert losses.shape == (4, 5)
    np.testing.assert_array_equal(losses, focalaot.sigmoid_focal_loss(x, labels.astype(np.float32)))


def test_buffers_work_like_numpy_arrays():
    x, y = sample(50, np.float32)
    w = weights_for(50, np.float32)
    from_buffers = focalaot.sigmoid_focal_loss(array.array("f", x.tobytes()), memoryview(y),
                                               weight=array.array("f", w.tobytes()))
    assert isinstance(from_buffers, array.array)
    np.testing.assert_array_equal(np.frombuffer(from_buffers, dtype=np.float32),
                                  focalaot.sigmoid_focal_loss(x, y, weight=w))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_fused_equals_forward_and_backward(reduction):
    x, y = sample(777, np.float32)
    settings = dict(gamma=1.5, alpha=[0.1, 0.3, 0.9], weight=weights_for(777, np.float32), reduction=reduction,
                    **extra(reduction))
    loss, gradient = focalaot.sigmoid_focal_loss_forward_backward(x, y, **settings)
    np.testing.assert_array_equal(np.asarray(loss), np.asarray(focalaot.sigmoid_focal_loss(x, y, **settings)))
    np.testing.assert_array_equal(gradient, focalaot.sigmoid_focal_loss_backward(x, y, **settings))


def test_upstream_gradient_scales_the_result():
    x, y = sample(64, np.float64)
    upstream = RNG.uniform(-2, 2, 64)
    plain = focalaot.sigmoid_focal_loss_backward(x, y)
    np.testing.assert_allclose(focalaot.sigmoid_focal_loss_backward(x, y, grad_output=upstream), plain * upstream,
                               rtol=1e-15)
    np.testing.assert_allclose(focalaot.sigmoid_focal_loss_backward(x, y, grad_output=3.0, reduction="sum"),
                               3 * plain, rtol=1e-15)


# --- weights --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_weights_multiply_loss_and_gradient(dtype):
    x, y = sample(500, dtype, soft=True)
    w = weights_for(500, dtype)
    loss, gradient = focalaot.sigmoid_focal_loss_forward_backward(x, y)
    weighted_loss, weighted_gradient = focalaot.sigmoid_focal_loss_forward_backward(x, y, weight=w)
    assert weighted_loss.dtype == dtype
    np.testing.assert_array_equal(weighted_loss, np.where(w == 0, 0, loss * w))  # one rounding, like numpy's
    np.testing.assert_array_equal(weighted_gradient, np.where(w == 0, 0, gradient * w))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_weight_zero_is_exactly_zero_even_for_infinite_logits(dtype):
    x = np.array([np.inf, -np.inf, np.inf, -np.inf, np.nan, 1.0], dtype)
    y = np.array([0, 1, 1, 0, 0.5, 1], dtype)
    w = np.array([0, 0, 0, 0, 0, 1], dtype)
    loss, gradient = focalaot.sigmoid_focal_loss_forward_backward(x, y, weight=w)
    for values in (loss[:5], gradient[:5]):
        assert (values == 0).all() and not np.signbit(values).any()
    assert loss[5] > 0
    unweighted = focalaot.sigmoid_focal_loss(x, y)
    assert np.isinf(unweighted[0]) and np.isnan(unweighted[4])  # what the weight 0 hides


@pytest.mark.parametrize("dtype, tolerance", [(np.float32, 1e-6), (np.float64, 1e-13)])
def test_weighted_mean_matches_numpy(dtype, tolerance):
    x, y = sample(2000, dtype, soft=True)
    w = weights_for(2000, dtype)
    losses = focalaot.sigmoid_focal_loss(x.astype(np.float64), y.astype(np.float64))
    expected = (losses * w).sum() / w.astype(np.float64).sum()
    assert focalaot.sigmoid_focal_loss(x, y, weight=w, reduction="weighted_mean") == pytest.approx(expected,
                                                                                                 rel=tolerance)
    gradient = focalaot.sigmoid_focal_loss_backward(x, y)  # each element's gradient times w / sum of w
    np.testing.assert_allclose(
        focalaot.sigmoid_focal_loss_backward(x, y, weight=w, reduction="weighted_mean"),
        gradient * (w / w.astype(np.float64).sum()), rtol=4 * np.finfo(dtype).eps, atol=1e-300)


def test_normalized_divides_the_sum_by_the_normalizer():
    x, y = sample(1000, np.float64)
    w = weights_for(1000, np.float64)
    total = focalaot.sigmoid_focal_loss(x, y, weight=w, reduction="sum")
    positives = float(y.sum())
    assert focalaot.sigmoid_focal_loss(x, y, weight=w, reduction="normalized", normalizer=positives) == \
        pytest.approx(total / positives, rel=1e-15)
    gradient = focalaot.sigmoid_focal_loss_backward(x, y, weight=w)
    np.testing.assert_allclose(
        focalaot.sigmoid_focal_loss_backward(x, y, weight=w, reduction="normalized", normalizer=positives),
        gradient / positives, rtol=1e-15)


# --- per-class alpha ------------------------------------------------------------------------------------------------

CLASS_ALPHA = [0.1, 0.25, 0.5, 0.75, 1.0]


@pytest.mark.parametrize("dtype, tolerance", [(np.float32, FLOAT32_TOLERANCE), (np.float64, FLOAT64_TOLERANCE)])
def test_per_class_alpha_matches_the_reference(dtype, tolerance):
    x = RNG.normal(0, 4, (60, 5)).astype(dtype)  # [N, C]: element i has class i % C
    y = RNG.uniform(0, 1, (60, 5)).astype(dtype)
    losses = focalaot.sigmoid_focal_loss(x, y, alpha=CLASS_ALPHA, gamma=1.5)
    expected = np.array([[reference_loss(float(x[n, c]), float(y[n, c]), 1.5, CLASS_ALPHA[c]) for c in range(5)]
                         for n in range(60)])
    assert relative_error(losses, expected) <= tolerance
    flat = focalaot.sigmoid_focal_loss(x.ravel(), y.ravel(), alpha=np.array(CLASS_ALPHA), gamma=1.5)
    np.testing.assert_array_equal(flat, losses.ravel())  # a flat layout of N * C elements is the same


def test_equal_class_alphas_are_the_scalar_alpha():
    x, y = sample(700, np.float32, soft=True)
    scalar = focalaot.sigmoid_focal_loss_forward_backward(x, y, alpha=0.6)
    per_class = focalaot.sigmoid_focal_loss_forward_backward(x, y, alpha=[0.6] * 7)
    np.testing.assert_array_equal(scalar[0], per_class[0])
    np.testing.assert_array_equal(scalar[1], per_class[1])


def test_a_negative_alpha_switches_alpha_off():
    x, y = sample(100, np.float64, soft=True)
    expected = np.array([reference_loss(float(a), float(b), 2.0, -1.0) for a, b in zip(x, y)])
    assert relative_error(focalaot.sigmoid_focal_loss(x, y, alpha=-1), expected) <= FLOAT64_TOLERANCE


# --- float16 and bfloat16 -------------------------------------------------------------------------------------------

def half_sample(n):
    return (RNG.uniform(-15, 15, n).astype(np.float32), RNG.uniform(0, 1, n).astype(np.float32),
            RNG.uniform(0, 3, n).astype(np.float32))


@pytest.mark.parametrize("reduction", ["none", "sum", "mean", "normalized", "weighted_mean"])
def test_float16_is_the_float32_result_rounded_once(reduction):
    x, y, w = (a.astype(np.float16) for a in half_sample(518))
    settings = dict(gamma=1.5, alpha=[0.2, 0.7], weight=w, reduction=reduction, **extra(reduction))
    loss, gradient = focalaot.sigmoid_focal_loss_forward_backward(x, y, **settings)
    loss32, gradient32 = focalaot.sigmoid_focal_loss_forward_backward(
        x.astype(np.float32), y.astype(np.float32), **dict(settings, weight=w.astype(np.float32)))
    assert gradient.dtype == np.float16
    np.testing.assert_array_equal(gradient, gradient32.astype(np.float16))
    if reduction == "none":
        np.testing.assert_array_equal(loss, loss32.astype(np.float16))
    else:
        assert type(loss) is float and float(np.float16(loss)) == loss  # widened from its 16 bits
        assert abs(loss - loss32) <= abs(loss32) / 2048  # within half a float16 step of the float result


@pytest.mark.parametrize("reduction", ["none", "sum", "mean", "normalized", "weighted_mean"])
def test_bfloat16_is_the_float32_result_rounded_once(reduction):
    x32, y32, w32 = half_sample(518)
    x, y, w = to_bfloat16_bits(x32), to_bfloat16_bits(y32), to_bfloat16_bits(w32)
    settings = dict(gamma=1.5, alpha=[0.2, 0.7], reduction=reduction, **extra(reduction))
    loss, gradient = focalaot.sigmoid_focal_loss_forward_backward(x, y, weight=w, dtype="bfloat16", **settings)
    loss32, gradient32 = focalaot.sigmoid_focal_loss_forward_backward(
        from_bfloat16_bits(x), from_bfloat16_bits(y), weight=from_bfloat16_bits(w), **settings)
    assert gradient.dtype == np.uint16 and gradient.shape == x.shape
    np.testing.assert_array_equal(gradient, to_bfloat16_bits(gradient32))
    if reduction == "none":
        np.testing.assert_array_equal(loss, to_bfloat16_bits(loss32))
    else:
        assert type(loss) is float and float(from_bfloat16_bits(to_bfloat16_bits(loss))) == loss
        assert abs(loss - loss32) <= abs(loss32) / 256


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_16_bit_upstream_gradients(dtype):
    x32, y32, upstream32 = half_sample(300)
    if dtype == "float16":
        encode, decode = (lambda a: np.asarray(a, np.float32).astype(np.float16).view(np.uint16)), \
            (lambda b: np.asarray(b, np.uint16).view(np.float16).astype(np.float32))
    else:
        encode, decode = to_bfloat16_bits, from_bfloat16_bits
    x, y, upstream = encode(x32), encode(y32), encode(upstream32)  # uint16 bit patterns, as dtype= allows
    gradient = focalaot.sigmoid_focal_loss_backward(x, y, grad_output=upstream, dtype=dtype)
    expected = focalaot.sigmoid_focal_loss_backward(decode(x), decode(y), grad_output=decode(upstream))
    np.testing.assert_array_equal(gradient, encode(expected))
    gradient = focalaot.sigmoid_focal_loss_backward(x, y, grad_output=2.5, reduction="sum", dtype=dtype)
    expected = focalaot.sigmoid_focal_loss_backward(decode(x), decode(y), grad_output=2.5, reduction="sum")
    np.testing.assert_array_equal(gradient, encode(expected))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_real_companions_of_16_bit_patterns_are_rounded_once_to_them(dtype):
    x32, y32, upstream32 = half_sample(300)
    if dtype == "float16":
        encode = lambda a: np.asarray(a, np.float64).astype(np.float16).view(np.uint16)  # noqa: E731
    else:
        encode = to_bfloat16_bits
    x = encode(x32)
    # 1 + 2^-8 + 2^-30 lies just above a bfloat16 tie; through float32 (1 + 2^-8, the tie) it would round down.
    weight = np.full(300, 1 + 2 ** -8 + 2 ** -30)
    weight_bits = np.full(300, 0x3F81 if dtype == "bfloat16" else encode(weight[:1])[0], np.uint16)
    hard = (y32 < 0.3).astype(np.float32)
    for targets, stored in ((y32, y32), (y32.astype(np.float64), y32), (y32.tolist(), y32), (hard.astype(np.int64), hard),
                            (hard.astype(bool), hard)):
        np.testing.assert_array_equal(
            focalaot.sigmoid_focal_loss(x, targets, weight=weight, reduction="none", dtype=dtype),
            focalaot.sigmoid_focal_loss(x, encode(stored), weight=weight_bits, reduction="none", dtype=dtype))
    np.testing.assert_array_equal(
        focalaot.sigmoid_focal_loss_backward(x, y32, grad_output=upstream32.astype(np.float64), dtype=dtype),
        focalaot.sigmoid_focal_loss_backward(x, encode(y32), grad_output=encode(upstream32), dtype=dtype))


def test_inputs_as_a_list_compute_in_float64():
    x, y = sample(20, np.float64)
    np.testing.assert_array_equal(focalaot.sigmoid_focal_loss(x.tolist(), y.tolist(), reduction="none"),
                                  focalaot.sigmoid_focal_loss(x, y, reduction="none"))
    assert focalaot.sigmoid_focal_loss(tuple(x), tuple(y), reduction="mean") == focalaot.sigmoid_focal_loss(x, y, reduction="mean")
    with pytest.raises(TypeError, match="inputs must be float32, float64 or float16"):
        focalaot.sigmoid_focal_loss([1, 2], [0, 1])  # integers are labels, not logits


def test_16_bit_buffers_are_uint16_bit_patterns():
    x32, y32, _ = half_sample(40)
    x, y = to_bfloat16_bits(x32), to_bfloat16_bits(y32)
    losses = focalaot.sigmoid_focal_loss(array.array("H", x.tobytes()), array.array("H", y.tobytes()),
                                         dtype="bfloat16")
    assert isinstance(losses, array.array) and losses.typecode == "H"
    np.testing.assert_array_equal(np.frombuffer(losses, np.uint16), focalaot.sigmoid_focal_loss(x, y, dtype="bfloat16"))


def test_element_type_rules():
    x, y = sample(10, np.float32)
    bits = to_bfloat16_bits(x)
    with pytest.raises(TypeError, match="bfloat16"):
        focalaot.sigmoid_focal_loss(bits, to_bfloat16_bits(y))  # uint16 needs dtype=
    with pytest.raises(TypeError, match="bfloat16"):
        focalaot.sigmoid_focal_loss(x, y, dtype="bfloat16")  # float32 values are not bfloat16 bits
    with pytest.raises(TypeError, match="targets must hold real numbers or bfloat16 bit patterns"):
        focalaot.sigmoid_focal_loss(bits, y.astype(np.complex64), dtype="bfloat16")
    with pytest.raises(TypeError, match="dtype"):
        focalaot.sigmoid_focal_loss(x, y, dtype="int8")
    with pytest.raises(TypeError, match="float32, float64 or float16"):
        focalaot.sigmoid_focal_loss(x.astype(np.int32), y)
    assert focalaot.sigmoid_focal_loss(x, y, dtype="float32").dtype == np.float32


# --- errors ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("arguments, fragment", [
    (dict(gamma=-1.0), "gamma"),
    (dict(gamma=float("nan")), "gamma"),
    (dict(alpha=1.5), "alpha"),
    (dict(alpha=[0.25, 1.5]), r"lpha\[1\] = 1.5"),
    (dict(alpha=[0.25, float("nan")]), r"lpha\[1\]"),
    (dict(alpha=[]), "alpha"),
    (dict(alpha=[0.1, 0.2, 0.3]), "alpha has 3"),  # 10 elements are not a multiple of 3 classes
    (dict(reduction="average"), "reduction"),
    (dict(reduction="normalized"), "normalizer"),
    (dict(reduction="normalized", normalizer=0.0), "normalizer"),
    (dict(reduction="normalized", normalizer=float("inf")), "normalizer"),
    (dict(reduction="mean", normalizer=2.0), "normalizer"),
])
def test_bad_arguments_raise_focal_error_naming_the_argument(arguments, fragment):
    x, y = sample(10, np.float32)
    with pytest.raises(focalaot.FocalError, match=fragment) as error:
        focalaot.sigmoid_focal_loss(x, y, **arguments)
    assert error.value.status == 2


@pytest.mark.parametrize("arguments, start", [
    (dict(gamma=-1.0), "gamma must be a finite number >= 0"),
    (dict(alpha=1.5), "alpha must be in [0, 1]"),
    (dict(alpha=[0.25, 1.5]), "alpha[1] = 1.5 is invalid"),
    (dict(reduction="normalized", normalizer=0.0), "normalizer must be a finite number > 0"),
    (dict(weight=np.full(10, -0.5, np.float32)), "weight[0] = -0.5 is invalid"),
])
def test_library_messages_name_the_python_argument_on_one_line(arguments, start):
    x, y = sample(10, np.float32)
    with pytest.raises(focalaot.FocalError) as error:
        focalaot.sigmoid_focal_loss(x, y, **arguments)
    message = str(error.value)
    assert message.startswith(start), message
    assert "\n" not in message and "(Parameter" not in message and "Actual value" not in message, message
    assert "options->" not in message and "class_alpha" not in message, message


def test_class_alphas_must_match_the_last_dimension():
    x = RNG.normal(0, 1, (6, 4)).astype(np.float32)
    with pytest.raises(focalaot.FocalError, match="last dimension"):
        focalaot.sigmoid_focal_loss(x, np.zeros_like(x), alpha=[0.25, 0.5, 0.75])


def test_bad_weights_raise():
    x, y = sample(10, np.float32)
    with pytest.raises(focalaot.FocalError, match="weight has shape"):
        focalaot.sigmoid_focal_loss(x, y, weight=np.ones(9, np.float32))
    w = np.ones(10, np.float32)
    w[3] = -0.5
    with pytest.raises(focalaot.FocalError, match=r"^weight\[3\] = -0.5 is invalid"):
        focalaot.sigmoid_focal_loss(x, y, weight=w)
    w[3] = np.nan
    with pytest.raises(focalaot.FocalError, match=r"^weight\[3\]"):
        focalaot.sigmoid_focal_loss_forward_backward(x, y, weight=w, reduction="weighted_mean")
    w[3] = np.inf
    with pytest.raises(focalaot.FocalError, match=r"^weight\[3\]"):
        focalaot.sigmoid_focal_loss_backward(x, y, weight=w)


def test_bad_targets_and_shapes_raise():
    x, y = sample(10, np.float64)
    y[3] = 1.5
    with pytest.raises(focalaot.FocalError, match=r"targets\[3\]") as error:
        focalaot.sigmoid_focal_loss(x, y)
    assert error.value.status == 2
    with pytest.raises(focalaot.FocalError, match="shape"):
        focalaot.sigmoid_focal_loss(x, y[:5])
    with pytest.raises(focalaot.FocalError, match="grad_output has 5 elements"):
        focalaot.sigmoid_focal_loss_backward(x, np.zeros_like(x), grad_output=np.ones(5))


@pytest.mark.parametrize("arguments, error, fragment", [
    (dict(alpha=None), TypeError, "alpha must be a number or a sequence"),
    (dict(alpha="0.25"), TypeError, "alpha must be a number or a sequence"),
    (dict(gamma="2"), TypeError, "gamma must be a number, not str"),
    (dict(gamma=None), TypeError, "gamma must be a number, not NoneType"),
    (dict(gamma=True), TypeError, "gamma must be a number, not bool"),
    (dict(gamma=np.bool_(True)), TypeError, "gamma must be a number, not bool"),
    (dict(poly_epsilon=False), TypeError, "poly_epsilon must be a number, not bool"),
    (dict(reduction="normalized", normalizer="3"), TypeError, "normalizer must be a number"),
])
def test_wrong_types_raise_type_error_naming_the_argument(arguments, error, fragment):
    x, y = sample(6, np.float32)
    for function in (focalaot.sigmoid_focal_loss, focalaot.sigmoid_focal_loss_backward,
                     focalaot.sigmoid_focal_loss_forward_backward):
        with pytest.raises(error, match=fragment):
            function(x, y, **arguments)


def test_grad_output_is_one_number_for_a_reduced_loss_and_like_inputs_otherwise():
    x, y = sample(6, np.float64)
    scaled = focalaot.sigmoid_focal_loss_backward(x, y, grad_output=2.0, reduction="mean")
    for one in (np.float32(2.0), np.array(2.0), np.array([2.0])):
        assert np.array_equal(focalaot.sigmoid_focal_loss_backward(x, y, grad_output=one, reduction="mean"), scaled)
    with pytest.raises(focalaot.FocalError, match=r"grad_output has shape \(6,\) but reduction='mean' gives one loss"):
        focalaot.sigmoid_focal_loss_backward(x, y, grad_output=np.ones(6), reduction="mean")
    with pytest.raises(TypeError, match="grad_output must be a number for reduction='sum'"):
        focalaot.sigmoid_focal_loss_backward(x, y, grad_output="1", reduction="sum")
    with pytest.raises(focalaot.FocalError, match=r"grad_output has shape \(2, 3\) but inputs has shape \(6,\)"):
        focalaot.sigmoid_focal_loss_backward(x, y, grad_output=np.ones((2, 3)))
    grid_x, grid_y = x.reshape(2, 3), y.reshape(2, 3)
    with pytest.raises(focalaot.FocalError, match=r"grad_output has shape \(3, 2\) but inputs has shape \(2, 3\)"):
        focalaot.sigmoid_focal_loss_backward(grid_x, grid_y, grad_output=np.ones((3, 2)))
    upstream = np.arange(6.0).reshape(2, 3)
    assert np.array_equal(focalaot.sigmoid_focal_loss_backward(grid_x, grid_y, grad_output=upstream),
                          focalaot.sigmoid_focal_loss_backward(x, y, grad_output=upstream.ravel()).reshape(2, 3))


def test_zero_dimensional_arrays_and_numpy_numbers_keep_their_kind():
    for dtype in (np.float32, np.float64, np.float16):
        x, y = np.array(0.3, dtype), np.array(1.0, dtype)
        expected = focalaot.sigmoid_focal_loss(x.reshape(1), y.reshape(1))[0]
        loss = focalaot.sigmoid_focal_loss(x, y)
        assert isinstance(loss, np.ndarray) and loss.shape == () and loss.dtype == dtype and loss == expected
        gradient = focalaot.sigmoid_focal_loss_backward(x, y)
        assert gradient.shape == () and gradient.dtype == dtype
        number = focalaot.sigmoid_focal_loss(dtype(0.3), dtype(1.0))
        assert type(number) is dtype and number == expected
        fused_loss, fused_gradient = focalaot.sigmoid_focal_loss_forward_backward(dtype(0.3), 1.0)
        assert type(fused_loss) is dtype and type(fused_gradient) is dtype and fused_gradient == gradient
        assert focalaot.sigmoid_focal_loss(dtype(0.3), dtype(1.0), reduction="sum") == float(expected)


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


def test_the_library_speaks_abi_2():
    from focalaot import _capi
    assert focalaot.FOCAL_ABI_VERSION == 2 == _capi.lib.focal_abi_version()
    assert focalaot.version() == _capi.FOCAL_VERSION_STRING == "0.2.0" == focalaot.__version__


def test_the_loaded_variant_is_named():
    import os
    variant = focalaot.loaded_variant()
    assert variant in ("x86-64-v4", "x86-64-v3", "x86-64-v2", "arm64")
    if os.environ.get("FOCALAOT_VARIANT"):
        assert variant == os.environ["FOCALAOT_VARIANT"]
