"""OpenCL devices from Python: listing, and every operation on a device giving the CPU's bits (PoCL in CI)."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import focalaot

DEVICES = focalaot.devices()
needs_device = pytest.mark.skipif(not DEVICES, reason=f"no OpenCL device: {focalaot.unavailable_reason()}")

# Two canonical chunks and a ragged tail: the device's lane sums, tree and chunk order all take part.
N = 2 * 16384 + 1002  # a multiple of the 5 classes of the per-class alpha below
REDUCTIONS = ["none", "sum", "mean", "normalized", "weighted_mean"]


def _inputs(dtype, finite):
    rng = np.random.default_rng(11)
    x = rng.normal(0, 4, N)
    x[::97] = 1e4
    x[5::97] = -1e4
    if not finite:
        x[1::53] = np.inf
        x[2::53] = -np.inf
        x[3::53] = np.nan
    y = np.where(rng.uniform(size=N) < 0.5, (rng.uniform(size=N) < 0.2).astype(float), rng.uniform(size=N))
    w = np.where(rng.uniform(size=N) < 0.1, 0.0, rng.uniform(0, 2, N))
    upstream = rng.normal(size=N)
    as_type = (lambda a: a.astype(np.float32).view(np.uint32).__rshift__(16).astype(np.uint16)) if dtype == "bfloat16" \
        else (lambda a: a.astype(dtype))
    return as_type(x), as_type(y), as_type(w), as_type(upstream)


def _bits(value):
    array = np.asarray(value)
    return array.view(f"u{array.dtype.itemsize}") if array.dtype.kind == "f" else array


def _same(a, b):
    if isinstance(a, tuple):
        return all(_same(p, q) for p, q in zip(a, b))
    if isinstance(a, float):
        return np.float64(a).view(np.uint64) == np.float64(b).view(np.uint64)
    return np.array_equal(_bits(a), _bits(b))


def test_devices_are_listed():
    for index, device in enumerate(DEVICES):
        assert device.index == index
        assert device.name and device.vendor and device.version
        assert isinstance(device.fp64, bool)
    assert (focalaot.unavailable_reason() == "") == bool(DEVICES)


@needs_device
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_every_operation_on_a_device_gives_the_cpu_bits(dtype, reduction):
    device = DEVICES[0]
    if dtype == "float64" and not device.fp64:
        pytest.skip("the device has no fp64")
    x, y, w, upstream = _inputs(dtype, finite=reduction != "none")
    common = dict(alpha=[0.25, 0.9, 0.0, 1.0, 0.6], gamma=2.0, reduction=reduction, weight=w,
                  normalizer=321.5 if reduction == "normalized" else None,
                  dtype="bfloat16" if dtype == "bfloat16" else None)
    for gamma in (2.0, 0.7):
        common["gamma"] = gamma
        cpu = focalaot.sigmoid_focal_loss(x, y, **common)
        assert _same(cpu, focalaot.sigmoid_focal_loss(x, y, device=device, **common))
        grad_output = upstream if reduction == "none" else 0.75
        cpu = focalaot.sigmoid_focal_loss_backward(x, y, grad_output, **common)
        assert _same(cpu, focalaot.sigmoid_focal_loss_backward(x, y, grad_output, device=device.index, **common))
        cpu = focalaot.sigmoid_focal_loss_forward_backward(x, y, **common)
        assert _same(cpu, focalaot.sigmoid_focal_loss_forward_backward(x, y, device=device, **common))


@needs_device
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("reduction", ["none", "mean", "weighted_mean"])
def test_the_softmax_form_on_a_device_gives_the_cpu_bits(dtype, reduction):
    device = DEVICES[0]
    if not device.fp64:
        pytest.skip("the softmax form on a device needs fp64")
    rng = np.random.default_rng(23)
    x = rng.normal(0, 4, (6, 81, 2, 3)).astype(dtype)               # [N, C, H, W]: read in place as [N, C, S]
    labels = rng.integers(0, 81, (6, 2, 3))
    labels[0, 0] = -100
    probabilities = rng.dirichlet(np.ones(81), (6, 2, 3)).transpose(0, 3, 1, 2).astype(dtype)
    w = rng.uniform(0, 2, (6, 2, 3)).astype(dtype)
    for targets, options in ((labels, dict(label_smoothing=0.1, poly_epsilon=1.0)),
                             (probabilities, dict(sample_dependent_gamma=True, alpha=list(rng.uniform(0, 1, 81))))):
        common = dict(reduction=reduction, weight=w, **options)
        cpu = focalaot.softmax_focal_loss_forward_backward(x, targets, **common)
        assert _same(cpu, focalaot.softmax_focal_loss_forward_backward(x, targets, device=device, **common))
        grad_output = rng.normal(size=(6, 2, 3)).astype(dtype) if reduction == "none" else 0.5
        cpu = focalaot.softmax_focal_loss_backward(x, targets, grad_output, **common)
        assert _same(cpu, focalaot.softmax_focal_loss_backward(x, targets, grad_output, device=device.index, **common))
    with pytest.raises(focalaot.FocalError, match=r"targets\[4\]"):
        focalaot.softmax_focal_loss(x.reshape(6, 81, 6)[:, :, 0], np.array([0, 1, 2, 3, 81, 5]), device=device)


@needs_device
def test_device_errors_are_clear():
    x = np.zeros(4, np.float32)
    y = np.array([0, 1, 2, 0], np.float32)
    with pytest.raises(focalaot.FocalError, match=r"targets\[2\]"):
        focalaot.sigmoid_focal_loss(x, y, device=0)
    with pytest.raises(focalaot.FocalError, match="device"):
        focalaot.sigmoid_focal_loss(x, np.zeros(4, np.float32), device=len(DEVICES))
    with pytest.raises(TypeError, match="device"):
        focalaot.sigmoid_focal_loss(x, np.zeros(4, np.float32), device="gpu")
    assert focalaot.sigmoid_focal_loss(x, np.zeros(4, np.float32), device="cpu").shape == (4,)


def test_without_an_opencl_platform_there_are_no_devices_and_the_cpu_works(tmp_path):
    empty = tmp_path / "vendors"
    empty.mkdir()
    script = textwrap.dedent("""
        import json, sys, time
        sys.path.insert(0, sys.argv[1])
        import numpy as np
        import focalaot
        start = time.perf_counter()
        devices = focalaot.devices()
        elapsed = time.perf_counter() - start
        loss = focalaot.sigmoid_focal_loss(np.array([0.5, -2.0], np.float32), np.array([1.0, 0.0], np.float32),
                                           reduction="sum")
        print(json.dumps([len(devices), focalaot.unavailable_reason(), elapsed, loss]))
    """)
    package = str(Path(__file__).resolve().parents[1])
    environment = dict(os.environ, OCL_ICD_VENDORS=str(empty))
    environment.pop("OCL_ICD_FILENAMES", None)
    result = subprocess.run([sys.executable, "-c", script, package], env=environment, capture_output=True, text=True,
                            timeout=60, check=True)
    count, reason, elapsed, loss = json.loads(result.stdout)
    assert count == 0
    assert reason
    assert elapsed < 0.1
    assert loss == focalaot.sigmoid_focal_loss(np.array([0.5, -2.0], np.float32), np.array([1.0, 0.0], np.float32),
                                               reduction="sum")


@needs_device
def test_a_program_that_does_not_build_is_a_device_error_with_the_build_log():
    if "PoCL" not in DEVICES[0].version:
        pytest.skip("the build failure is provoked through PoCL's POCL_EXTRA_BUILD_FLAGS")
    script = textwrap.dedent("""
        import json, sys
        sys.path.insert(0, sys.argv[1])
        import numpy as np
        import focalaot
        try:
            focalaot.sigmoid_focal_loss(np.array([0.5], np.float32), np.array([1.0], np.float32), gamma=1.5, device=0)
            print(json.dumps(None))
        except focalaot.FocalError as error:
            print(json.dumps([error.status, str(error)]))
    """)
    package = str(Path(__file__).resolve().parents[1])
    # A macro that breaks the program's source: PoCL reads these at start-up and adds them to every build.
    environment = dict(os.environ, POCL_EXTRA_BUILD_FLAGS="-Dfocal_load=1", POCL_KERNEL_CACHE="0")
    result = subprocess.run([sys.executable, "-c", script, package], env=environment, capture_output=True, text=True,
                            timeout=120, check=True)
    status, message = json.loads(result.stdout)
    assert status == focalaot._capi.FOCAL_ERROR_DEVICE
    assert "clBuildProgram failed with OpenCL status -11" in message  # CL_BUILD_PROGRAM_FAILURE
    assert "error" in message.lower() and "Build log" in message
