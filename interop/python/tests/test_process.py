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
    return (focalaot.sigmoid_focal_loss(x, y), focalaot.sigmoid_focal_loss(x, y, reduction="sum"),
            focalaot.sigmoid_focal_loss(x, y, weight=1 + y, reduction="weighted_mean"))


def test_a_forked_child_finishes_a_pooled_call():
    x, y = _pooled_inputs()
    expected = focalaot.sigmoid_focal_loss(x, y)  # the parent's worker threads now exist
    expected_sum = focalaot.sigmoid_focal_loss(x, y, reduction="sum")
    expected_weighted = focalaot.sigmoid_focal_loss(x, y, weight=1 + y, reduction="weighted_mean")
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        results = [pool.apply_async(_child_losses, (i,)) for i in range(2)]
        for result in results:
            losses, total, weighted = result.get(timeout=60)  # a deadlocked child raises TimeoutError
            assert np.array_equal(losses, expected)
            assert total == expected_sum and weighted == expected_weighted
    assert np.array_equal(focalaot.sigmoid_focal_loss(x, y), expected)


@pytest.mark.parametrize("dtype, function", [(np.float32, "focal_sigmoid_forward_f32"),
                                             (np.float64, "focal_sigmoid_forward_f64"),
                                             (np.float16, "focal_sigmoid_forward_f16")])
def test_an_output_over_invalid_targets_names_the_bad_target(dtype, function):
    x = np.zeros(4, dtype)
    y = np.array([0, 1, 2, 0], dtype)
    options = _capi.focal_options()
    assert _capi.lib.focal_options_init(ctypes.byref(options)) == _capi.FOCAL_OK
    options.alpha = -1.0
    storage = ctypes.c_uint16 if dtype == np.float16 else np.ctypeslib.as_ctypes_type(dtype)
    pointer = ctypes.POINTER(storage)
    status = getattr(_capi.lib, function)(x.ctypes.data_as(pointer), y.ctypes.data_as(pointer), 4,
                                          ctypes.byref(options), y.ctypes.data_as(pointer))
    assert status == _capi.FOCAL_ERROR_INVALID_ARGUMENT
    assert "targets[2] = 2 is invalid" in _capi.last_error_message()


def test_in_place_over_the_logits_with_weights():
    x = np.array([0.5, -3, 4, np.inf], np.float32)
    y = np.array([1, 0, 0.5, 1], np.float32)
    w = np.array([1, 0.5, 0, 2], np.float32)
    expected = focalaot.sigmoid_focal_loss(x, y, weight=w)
    options = _capi.focal_options()
    _capi.lib.focal_options_init(ctypes.byref(options))
    options.weights = w.ctypes.data
    pointer = ctypes.POINTER(ctypes.c_float)
    assert _capi.lib.focal_sigmoid_forward_f32(x.ctypes.data_as(pointer), y.ctypes.data_as(pointer), 4,
                                               ctypes.byref(options), x.ctypes.data_as(pointer)) == _capi.FOCAL_OK
    np.testing.assert_array_equal(x, expected)
    options.weights = x.ctypes.data  # an output over the weights is refused
    assert _capi.lib.focal_sigmoid_forward_f32(y.ctypes.data_as(pointer), y.ctypes.data_as(pointer), 4,
                                               ctypes.byref(options), x.ctypes.data_as(pointer)) \
        == _capi.FOCAL_ERROR_INVALID_ARGUMENT
    assert "out must not overlap options->weights" in _capi.last_error_message()


def test_gamma_above_the_maximum_is_an_error_and_the_maximum_is_finite():
    x = np.array([0, 5, -5], np.float32)
    y = np.array([0, 1, 0.5], np.float32)
    with pytest.raises(focalaot.FocalError, match="gamma"):
        focalaot.sigmoid_focal_loss_backward(x, y, gamma=1e39)
    assert np.isfinite(focalaot.sigmoid_focal_loss_backward(x, y, gamma=1e6)).all()


def _run_python(code, **environment):
    """Runs code in a fresh interpreter that imports this checkout's focalaot; returns (exit code, stderr)."""
    import os
    import subprocess
    import sys
    from pathlib import Path
    env = dict(os.environ, PYTHONPATH=str(Path(focalaot.__file__).resolve().parents[1]), **environment)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    return result.returncode, result.stderr


def test_a_dispatcher_without_variants_says_what_is_missing(tmp_path):
    import shutil
    alone = tmp_path / "libfocalaot.so"
    shutil.copy(_capi.lib._name, alone)
    code, stderr = _run_python("import focalaot", FOCALAOT_LIBRARY=str(alone), FOCALAOT_VARIANT="")
    assert code != 0 and "LibraryNotFoundError" in stderr
    assert "ABI version -1" not in stderr
    assert "loaded no library variant" in stderr and str(tmp_path / "libfocalaot-") in stderr


def test_an_unknown_variant_lists_the_valid_names():
    code, stderr = _run_python("import focalaot", FOCALAOT_LIBRARY=_capi.lib._name, FOCALAOT_VARIANT="bogus")
    assert code != 0 and "FOCALAOT_VARIANT=bogus is not a variant name" in stderr
    assert "x86-64-v2" in stderr and "arm64" not in stderr or "arm64" in stderr and "x86-64-v2" not in stderr


def test_a_bad_simd_path_is_an_unsupported_setting():
    check = ("import focalaot, numpy\n"
             "try:\n"
             "    focalaot.sigmoid_focal_loss(numpy.zeros(3, 'f'), numpy.ones(3, 'f'))\n"
             "except focalaot.FocalError as error:\n"
             "    assert error.status == 3, error.status\n"
             "    assert \"FOCALAOT_SIMD_PATH='bogus'\" in str(error) and 'vector512' in str(error), str(error)\n"
             "else:\n"
             "    raise SystemExit('no error')\n")
    code, stderr = _run_python(check, FOCALAOT_LIBRARY=_capi.lib._name, FOCALAOT_SIMD_PATH="bogus")
    assert code == 0, stderr
