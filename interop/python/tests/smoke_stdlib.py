"""A smoke run of the focalaot package with the standard library alone (no numpy, no pytest).

Run with any python3: it prints "N passed, N failed" and exits non-zero on a failure.
"""

import array
import math
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import focalaot  # noqa: E402
from reference import loss as reference_loss  # noqa: E402

results = {"passed": 0, "failed": 0}


def check(condition, what):
    results["passed" if condition else "failed"] += 1
    if not condition:
        print(f"FAIL: {what}")


def raises(call, fragment, what):
    """Checks that call() raises FocalError whose message contains fragment."""
    try:
        call()
        check(False, f"{what}: no error")
    except focalaot.FocalError as error:
        check(fragment in str(error) and error.status == 2, f"{what}: {error}")


def bfloat16_bits(value):
    """bfloat16 bits of a float32 value (round to nearest even), from its float32 bits."""
    bits = struct.unpack("<I", struct.pack("<f", value))[0]
    return (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16


def from_bfloat16_bits(bits):
    return struct.unpack("<f", struct.pack("<I", bits << 16))[0]


def float32(value):
    return struct.unpack("<f", struct.pack("<f", value))[0]


logits = [0.3, -2.0, 7.5, -0.01, 12.0, -30.0, 1.0, 0.5]
labels = [1.0, 0.0, 1.0, 0.5, 0.0, 1.0, 0.25, 0.75]
weights = [1.0, 2.0, 0.0, 0.5, 1.5, 0.0, 3.0, 1.0]
class_alpha = [0.25, 0.75]  # element i has class i % 2
for code, tolerance in (("f", 2e-6), ("d", 1e-13)):
    x, y, w = array.array(code, logits), array.array(code, labels), array.array(code, weights)
    losses = focalaot.sigmoid_focal_loss(x, y, alpha=0.25, gamma=2.0)
    check(isinstance(losses, array.array) and losses.typecode == code, f"{code}: result type {type(losses)}")
    for i, (xi, yi) in enumerate(zip(x, y)):
        expected = reference_loss(xi, yi, 2.0, 0.25)
        check(abs(losses[i] - expected) <= tolerance * abs(expected), f"{code}[{i}]: {losses[i]} vs {expected}")
    mean = focalaot.sigmoid_focal_loss(memoryview(x), memoryview(y), reduction="mean")
    check(math.isclose(mean, sum(losses) / len(losses), rel_tol=1e-6), f"{code}: mean {mean}")
    total, gradient = focalaot.sigmoid_focal_loss_forward_backward(x, y, reduction="sum")
    check(list(gradient) == list(focalaot.sigmoid_focal_loss_backward(x, y, reduction="sum")), f"{code}: fused")

    # Weights, per-class alpha, and the normalized and weighted-mean reductions.
    weighted = focalaot.sigmoid_focal_loss(x, y, weight=w)
    rounded = float32 if code == "f" else float
    check(all(weighted[i] == rounded(losses[i] * w[i]) for i in range(len(x))), f"{code}: weighted {list(weighted)}")
    per_class = focalaot.sigmoid_focal_loss(x, y, alpha=class_alpha)
    for i, (xi, yi) in enumerate(zip(x, y)):
        expected = reference_loss(xi, yi, 2.0, class_alpha[i % 2])
        check(abs(per_class[i] - expected) <= tolerance * abs(expected), f"{code} class alpha [{i}]: {per_class[i]}")
    normalized = focalaot.sigmoid_focal_loss(x, y, weight=w, reduction="normalized", normalizer=2.5)
    check(math.isclose(normalized, sum(weighted) / 2.5, rel_tol=1e-6), f"{code}: normalized {normalized}")
    weighted_mean = focalaot.sigmoid_focal_loss(x, y, weight=w, reduction="weighted_mean")
    check(math.isclose(weighted_mean, sum(weighted) / sum(w), rel_tol=1e-6), f"{code}: weighted mean {weighted_mean}")

# Weight 0 gives exactly 0, even for an infinite logit.
zero = focalaot.sigmoid_focal_loss_forward_backward(array.array("d", [math.inf, -math.inf]), array.array("d", [0, 1]),
                                                    weight=array.array("d", [0, 0]))
check(list(zero[0]) == [0.0, 0.0] and list(zero[1]) == [0.0, 0.0], f"weight 0: {zero}")

# bfloat16 as uint16 bit patterns: each result is the float32 result rounded once.
bx = array.array("H", [bfloat16_bits(v) for v in logits])
by = array.array("H", [bfloat16_bits(v) for v in labels])
b_losses = focalaot.sigmoid_focal_loss(bx, by, dtype="bfloat16")
f_losses = focalaot.sigmoid_focal_loss(array.array("f", [from_bfloat16_bits(b) for b in bx]),
                                       array.array("f", [from_bfloat16_bits(b) for b in by]))
check(b_losses.typecode == "H" and list(b_losses) == [bfloat16_bits(v) for v in f_losses],
      f"bfloat16: {list(b_losses)}")
b_mean = focalaot.sigmoid_focal_loss(bx, by, dtype="bfloat16", reduction="mean")
check(from_bfloat16_bits(bfloat16_bits(b_mean)) == b_mean  # a float widened from 16 bits
      and math.isclose(b_mean, sum(f_losses) / len(f_losses), rel_tol=2 ** -8), f"bfloat16 mean {b_mean}")

# Errors name the argument and the rule.
raises(lambda: focalaot.sigmoid_focal_loss(array.array("f", [0.0]), array.array("f", [1.5])), "targets[0]", "target")
raises(lambda: focalaot.sigmoid_focal_loss(array.array("f", [0.0, 1.0]), array.array("f", [1.0, 0.0]),
                                           weight=array.array("f", [1.0, -2.0])), "weight[1] = -2", "negative weight")
raises(lambda: focalaot.sigmoid_focal_loss(array.array("f", [0.0]), array.array("f", [1.0]), reduction="normalized"),
       "normalizer", "missing normalizer")
raises(lambda: focalaot.sigmoid_focal_loss(array.array("f", [0.0]), array.array("f", [1.0]), alpha=[1.5]),
       "lpha[0] = 1.5", "class alpha above 1")
raises(lambda: focalaot.sigmoid_focal_loss(array.array("f", [0.0]), array.array("f", [1.0]), reduction="avg"),
       "reduction", "bad reduction")
try:
    focalaot.sigmoid_focal_loss(array.array("f", [0.0]), array.array("d", [1.0]))
    check(False, "mixed element types must raise")
except TypeError:
    check(True, "")

check(focalaot.FOCAL_ABI_VERSION == 2, f"ABI {focalaot.FOCAL_ABI_VERSION}")
check(focalaot.version() == "0.2.0", f"version {focalaot.version()}")
print(f"{results['passed']} passed, {results['failed']} failed")
sys.exit(1 if results["failed"] else 0)
