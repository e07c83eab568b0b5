"""The peer benchmark's own checks: its float64 reference, the library patch, and a --quick run of every harness
(built by ``dotnet pwsh build.ps1 test -Suite peers``, which runs these tests)."""

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import run  # noqa: E402  (bench/peers/run.py, found through the path above)
import weaken_version  # noqa: E402

ALL_PEERS = {"focalaot-dotnet", "focalaot-c", "focalaot-python", "torchsharp", "tensorprimitives", "c-libm", "torchvision"}
FOCALAOT_PEERS = {peer for peer in ALL_PEERS if peer.startswith("focalaot")}


def naive(logits, targets, alpha=run.ALPHA, gamma=run.GAMMA):
    """The textbook formula in float64: accurate where nothing cancels (moderate logits)."""
    p = 1.0 / (1.0 + np.exp(-logits))
    p_t = np.where(targets == 1.0, p, 1.0 - p)
    alpha_t = np.where(targets == 1.0, alpha, 1.0 - alpha)
    return -alpha_t * (1.0 - p_t) ** gamma * np.log(p_t)


def test_reference_loss_is_the_textbook_formula_where_nothing_cancels():
    logits = np.linspace(-4.0, 4.0, 81)
    for target in (0.0, 1.0):
        targets = np.full_like(logits, target)
        loss, _ = run.reference(logits, targets)
        np.testing.assert_allclose(loss, naive(logits, targets), rtol=1e-12)


def test_reference_takes_one_alpha_per_class():
    logits = np.linspace(-4.0, 4.0, 24).reshape(8, 3)
    alpha = np.array([0.1, 0.5, 0.8])
    targets = (np.arange(24).reshape(8, 3) % 5 == 0).astype(np.float64)
    loss, gradient = run.reference(logits, targets, alpha)
    np.testing.assert_allclose(loss, naive(logits, targets, alpha=alpha), rtol=1e-12)
    for column in range(3):
        _, expected = run.reference(logits[:, column], targets[:, column], alpha[column])
        np.testing.assert_array_equal(gradient[:, column], expected)


def test_reference_gradient_is_the_derivative_of_its_loss():
    logits = np.concatenate([np.linspace(-30.0, 30.0, 121), [-0.3, 1e-3, 0.7]])
    step = 1e-5 * np.maximum(1.0, np.abs(logits))
    for target in (0.0, 1.0):
        targets = np.full_like(logits, target)
        _, gradient = run.reference(logits, targets)
        above, _ = run.reference(logits + step, targets)
        below, _ = run.reference(logits - step, targets)
        np.testing.assert_allclose(gradient, (above - below) / (2 * step), rtol=1e-6, atol=1e-300)


def test_reference_keeps_its_digits_where_one_minus_p_t_cancels():
    # t = 0, x = -30: 1 - p_t = σ(-30) ≈ 9.4e-14 is mostly rounding error when computed as 1 - (1 - σ(-30)) in float64;
    # the log-space reference gives (1 - α) σ(x)^2 softplus(x) to the last digits.
    loss, _ = run.reference(np.array([-30.0]), np.array([0.0]))
    sigma = np.exp(-30.0) / (1.0 + np.exp(-30.0))
    assert loss[0] == pytest.approx(0.75 * sigma**2 * np.log1p(np.exp(-30.0)), rel=1e-14)


def test_reference_refuses_soft_targets():
    with pytest.raises(run.BenchmarkError, match="hard targets"):
        run.reference(np.array([0.5]), np.array([0.3]))


def version_flags(library):
    """(name, flags) of every version requirement of a library, as readelf shows them (its definitions have an Index)."""
    needs = subprocess.run(["readelf", "-V", str(library)], check=True, capture_output=True, text=True).stdout
    return [(line.split("Name: ")[1].split()[0], line.split("Flags: ")[1].split()[0])
            for line in needs.splitlines() if "Name: " in line and "Flags: " in line and "Index: " not in line]


def test_weaken_version_marks_the_requirement_weak(tmp_path):
    library = tmp_path / "libstdc++.so.6"
    shutil.copy("/usr/lib/x86_64-linux-gnu/libstdc++.so.6", library)
    before = version_flags(library)
    image = bytearray(library.read_bytes())
    assert weaken_version.weaken(image, b"GLIBC_2.2.5") == sum(name == "GLIBC_2.2.5" for name, _ in before) > 0
    assert weaken_version.weaken(image, b"GLIBC_9.99") == 0
    library.write_bytes(image)
    after = version_flags(library)
    assert [name for name, _ in after] == [name for name, _ in before]
    assert all(flags == ("WEAK" if name == "GLIBC_2.2.5" else "none") for name, flags in after)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """run.py --quick into a temporary folder: its exit status, output, and the files it wrote."""
    out = tmp_path_factory.mktemp("peers")
    result = subprocess.run([sys.executable, str(HERE.parent / "run.py"), "--quick", "--out", str(out)],
                            capture_output=True, text=True, timeout=900)
    return result, out


def test_quick_run_succeeds(quick_run):
    result, _ = quick_run
    assert result.returncode == 0, result.stderr


def test_quick_run_times_every_peer_operation_and_thread_count(quick_run):
    _, out = quick_run
    rows = [json.loads(line) for line in (out / "rows.jsonl").read_text().splitlines()]
    threads = sorted({1, os.cpu_count() or 1})
    keys = {(row["peer"], row["op"], row["n"], row["threads"]) for row in rows}
    assert keys == {(peer, op, run.QUICK_SIZE, t) for peer in ALL_PEERS for op in run.OPERATIONS for t in threads}
    assert all(0 < row["ns_per_element"] < 1e6 for row in rows)


def test_quick_run_focalaot_means_and_allocations(quick_run):
    _, out = quick_run
    rows = [json.loads(line) for line in (out / "rows.jsonl").read_text().splitlines()]
    for row in rows:
        if row["peer"] in FOCALAOT_PEERS:
            assert row["mean_rel_error"] <= 1e-6, row
        if row["peer"] in {"focalaot-dotnet", "focalaot-c"}:
            assert row["alloc_bytes_per_call"] == 0, row
        if row["peer"] == "torchvision":
            assert row["alloc_bytes_per_call"] > 0, row  # the counter sees torch's tensors


def test_quick_run_accuracy_dumps(quick_run):
    _, out = quick_run
    found = run.accuracies(sorted(ALL_PEERS), out / "accuracy", run.QUICK_SIZE)
    for peer in FOCALAOT_PEERS:
        assert found[peer].loss <= 2e-6 and found[peer].gradient <= 2e-6, (peer, found[peer])
    # The composites lose digits where 1 - p_t cancels; the benchmark must show it, not hide it.
    assert found["torchvision"].loss > 1e-4
    assert all(accuracy.non_finite == 0 for accuracy in found.values())


def test_quick_run_report(quick_run):
    result, out = quick_run
    table = (out / "table.md").read_text()
    for label in ("FocalAot .NET", "FocalAot C ABI", "FocalAot Python", "TorchSharp", "TensorPrimitives", "C with libm",
                  "torchvision"):
        assert f"| {label} |" in table
    assert table in result.stdout
    assert ElementTree.parse(out / "peers.svg").getroot().tag.endswith("svg")
