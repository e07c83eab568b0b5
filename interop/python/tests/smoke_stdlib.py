"""A smoke run of the focalaot package with the standard library alone (no numpy, no pytest).

Run with any python3: it prints "N passed, N failed" and exits non-zero on a failure.
"""

import array
import math
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


logits = [0.3, -2.0, 7.5, -0.01, 12.0, -30.0, 1.0]
labels = [1.0, 0.0, 1.0, 0.5, 0.0, 1.0, 0.25]
for code, tolerance in (("f", 2e-6), ("d", 1e-13)):
    x, y = array.array(code, logits), array.array(code, labels)
    losses = focalaot.sigmoid_focal_loss(x, y, alpha=0.25, gamma=2.0)
    check(isinstance(losses, array.array) and losses.typecode == code, f"{code}: result type {type(losses)}")
    for i, (xi, yi) in enumerate(zip(x, y)):
        expected = reference_loss(xi, yi, 2.0, 0.25)
        check(abs(losses[i] - expected) <= tolerance * abs(expected), f"{code}[{i}]: {losses[i]} vs {expected}")
    mean = focalaot.sigmoid_focal_loss(memoryview(x), memoryview(y), reduction="mean")
    check(math.isclose(mean, sum(losses) / len(losses), rel_tol=1e-6), f"{code}: mean {mean}")
    total, gradient = focalaot.sigmoid_focal_loss_forward_backward(x, y, reduction="sum")
    check(list(gradient) == list(focalaot.sigmoid_focal_loss_backward(x, y, reduction="sum")), f"{code}: fused")

try:
    focalaot.sigmoid_focal_loss(array.array("f", [0.0]), array.array("f", [1.5]))
    check(False, "target 1.5 must raise")
except focalaot.FocalError as error:
    check("targets[0]" in str(error) and error.status == 2, f"message: {error}")
try:
    focalaot.sigmoid_focal_loss(array.array("f", [0.0]), array.array("d", [1.0]))
    check(False, "mixed element types must raise")
except TypeError:
    check(True, "")

check(focalaot.version() == "0.1.0", f"version {focalaot.version()}")
print(f"{results['passed']} passed, {results['failed']} failed")
sys.exit(1 if results["failed"] else 0)
