"""A --quick run of the softmax benchmark (bench/peers/softmax.py): every peer timed for rows and segmentation images,
the ratio lines printed, and the peers computing the same loss."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

torch = pytest.importorskip("torch")
import softmax  # noqa: E402  (bench/peers/softmax.py)


def test_quick_run_prints_every_peer_for_every_case():
    result = subprocess.run([sys.executable, str(HERE.parent / "softmax.py"), "--quick"], capture_output=True, text=True,
                            timeout=600, check=True)
    for case in ("C = 10 (", "C = 80 (", "C = 1203 (", "C = 21 ([1, 21,", "C = 150 ([1, 150,"):
        assert case in result.stdout
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ") and "ns/logit" not in line]
    assert len(rows) == 5 * 5
    for line in rows:
        value = float(line.split("|")[2])
        assert 0 < value < 1e6, line
    assert result.stdout.count("torch focal composite / FocalAot focal") == 5


@pytest.mark.parametrize("shape", [(64, 10), (64, 80), (1, 21, 8, 9)], ids=["short-rows", "rows", "segmentation"])
def test_every_peer_computes_the_same_mean_loss(shape):
    rng = np.random.default_rng(7)
    x = rng.normal(0, 3, shape).astype(np.float32)
    t = rng.integers(0, shape[1], (shape[0], *shape[2:]))
    focal = softmax.peers(x, t)
    expected = focal["torch focal composite"]()
    for name in ("FocalAot focal (numpy)", "FocalAot focal (focalaot.torch)"):
        assert focal[name]() == pytest.approx(expected, rel=1e-5), name
    assert focal["FocalAot cross-entropy (numpy)"]() == pytest.approx(focal["torch cross_entropy"](), rel=1e-5)
