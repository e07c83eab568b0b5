"""Process-level behaviour: fork()ed workers (multiprocessing, torch's DataLoader) and in-place error paths."""

import ctypes
import multiprocessing

import numpy as np
import pytest

import focalaot
from focalaot import _capi

POOLED_N = 300_000  # above the size at which a call runs on the library's worker threads


def _pooled_inputs():
    rng = np.random.default_rng(5)
    return rng.normal(0, 3, POOLED_N).astype(np.float32), (rng.uniform(0, 1, POOLED_N) < 0.1).astype(np.float32)


def _child_losses(_):
    x, y = _pooled_inputs()
    return focalaot.sigmoid_focal_loss(x, y), focalaot.sigmoid_focal_loss(x, y, reduction="sum")


def test_a_forked_child_finishes_a_pooled_call():
    x, y = _pooled_inputs()
    expected = focalaot.sigmoid_focal_loss(x, y)  # the parent's worker threads now exist
    expected_sum = focalaot.sigmoid_focal_loss(x, y, reduction="sum")
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        results = [pool.apply_async(_child_losses, (i,)) for i in range(2)]
        for result in results:
            losses, total = result.get(timeout=60)  # a deadlocked child raises multiprocessing.TimeoutError
            assert np.array_equal(losses, expected)
            assert np.float32(total).tobytes() == np.float32(expected_sum).tobytes()
    assert np.array_equal(focalaot.sigmoid_focal_loss(x, y), expected)


@pytest.mark.parametrize("dtype, function", [(np.float32, "focal_sigmoid_forward_f32"),
                                             (np.float64, "focal_sigmoid_forward_f64")])
def test_an_output_over_invalid_targets_names_the_bad_target(dtype, function):
    x = np.zeros(4, dtype)
    y = np.array([0, 1, 2, 0], dtype)
    pointer = np.ctypeslib.as_ctypes_type(dtype)
    status = getattr(_capi.lib, function)(x.ctypes.data_as(ctypes.POINTER(pointer)),
                                          y.ctypes.data_as(ctypes.POINTER(pointer)), 4, 2.0, -1.0,
                                          _capi.FOCAL_REDUCTION_NONE, y.ctypes.data_as(ctypes.POINTER(pointer)))
    assert status == _capi.FOCAL_ERROR_INVALID_ARGUMENT
    assert "targets[2] = 2 is invalid" in _capi.last_error_message()


def test_gamma_above_the_maximum_is_an_error_and_the_maximum_is_finite():
    x = np.array([0, 5, -5], np.float32)
    y = np.array([0, 1, 0.5], np.float32)
    with pytest.raises(focalaot.FocalError, match="gamma"):
        focalaot.sigmoid_focal_loss_backward(x, y, gamma=1e39)
    assert np.isfinite(focalaot.sigmoid_focal_loss_backward(x, y, gamma=1e6)).all()
