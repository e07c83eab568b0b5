#!/usr/bin/python3
"""Sigmoid focal loss with its options beside torch, side by side in one run: per-element weights with the weighted
mean, one alpha per class, the normalized reduction (the sum over the number of positives, RetinaNet's), and float16
and bfloat16 data. Each is computed by FocalAot (focalaot.torch, autograd) and by the composite a torch user writes
around torchvision.ops.sigmoid_focal_loss. float32 unless a case says otherwise, [N, 80] (the class is the column),
gamma 2, one thread, loss and gradient (forward + backward()).

Prints a markdown table with a row per case: both peers' ns per element (the fastest of interleaved rounds) and the
composite's ratio to FocalAot; FocalAot against the same call on plain float32 data (the mean, or per element for the
16-bit cases), timed in the same rounds; and each peer's error against a float64 reference on the same stored inputs,
of the reduced loss (the worst element's for reduction "none") and of the worst gradient element. --quick runs small
inputs once.
"""

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torchvision.ops import sigmoid_focal_loss as torchvision_focal_loss

import run  # this directory's run.py: the float64 reference and the error measure
from rounds import parse_arguments, time_rounds

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "interop" / "python"))
import focalaot  # noqa: E402
import focalaot.torch as focal_torch  # noqa: E402

CLASSES = 80
IGNORED_RATE = 0.1
FOCALAOT = "FocalAot (focalaot.torch)"
COMPOSITE = "torch composite"
BASELINE = "FocalAot, the same call on plain float32"

Step = Callable[[], tuple[torch.Tensor, torch.Tensor]]
"""One training step's loss computation: forward, backward(); returns the loss and the gradient of the logits."""


@dataclass(frozen=True)
class Inputs:
    """The stored data of every case: logits ~ N(0, 3), about one positive in 100, per-element weights in [0, 2)
    with one in ten 0 (ignored anchors), and one alpha per class in [0.1, 0.9]."""

    logits: np.ndarray
    targets: np.ndarray
    weights: np.ndarray
    class_alpha: np.ndarray
    positives: float  # the normalizer of reduction "normalized", counted with the batch (outside the timed steps)

    @staticmethod
    def generate(rows: int) -> "Inputs":
        rng = np.random.default_rng(run.SEED)
        shape = (rows, CLASSES)
        logits = rng.normal(0.0, run.LOGIT_SCALE, shape).astype(np.float32)
        targets = (rng.random(shape) < run.POSITIVE_RATE).astype(np.float32)
        weights = rng.uniform(0.0, 2.0, shape).astype(np.float32)
        weights[rng.random(shape) < IGNORED_RATE] = 0.0
        return Inputs(logits, targets, weights, rng.uniform(0.1, 0.9, CLASSES), float(np.count_nonzero(targets)))


@dataclass(frozen=True)
class Case:
    """One way of calling the loss: FocalAot's arguments, and the composite that computes the same in torch."""

    name: str
    dtype: torch.dtype
    reduction: str
    weighted: bool = False
    per_class_alpha: bool = False

    @property
    def baseline(self) -> "Case":
        """The plain float32 call with this case's reduction ("sum / positives" and "weighted mean" against the mean)."""
        return Case("plain", torch.float32, "none" if self.reduction == "none" else "mean")

    def alpha(self, data: Inputs) -> float | np.ndarray:
        return data.class_alpha if self.per_class_alpha else run.ALPHA

    def focalaot(self, x: torch.Tensor, y: torch.Tensor, w: torch.Tensor, data: Inputs) -> torch.Tensor:
        return focal_torch.sigmoid_focal_loss(
            x, y, alpha=self.alpha(data), gamma=run.GAMMA, reduction=self.reduction, weight=w if self.weighted else None,
            normalizer=data.positives if self.reduction == "normalized" else None)

    def composite(self, x: torch.Tensor, y: torch.Tensor, w: torch.Tensor, data: Inputs) -> torch.Tensor:
        def focal(inputs: torch.Tensor, targets: torch.Tensor, reduction: str, alpha: float = run.ALPHA) -> torch.Tensor:
            return torchvision_focal_loss(inputs, targets, alpha=alpha, gamma=run.GAMMA, reduction=reduction)

        if self.dtype == torch.float16:
            # CPU torch has no float16 sigmoid: the data is computed in float32 and the loss stored back.
            return focal(x.float(), y.float(), self.reduction).half()
        if self.per_class_alpha:
            a = torch.from_numpy(data.class_alpha.astype(np.float32))
            return (focal(x, y, "none", alpha=-1) * (a * y + (1 - a) * (1 - y))).mean()
        if self.weighted:
            return (focal(x, y, "none") * w).sum() / w.sum()
        if self.reduction == "normalized":
            return focal(x, y, "sum") / data.positives
        return focal(x, y, self.reduction)

    def reference(self, data: Inputs) -> tuple[np.ndarray | float, np.ndarray]:
        """The float64 loss (reduced, or per element) and gradient of the stored inputs."""
        x = torch.from_numpy(data.logits).to(self.dtype).double().numpy()
        loss, gradient = run.reference(x, data.targets, self.alpha(data))
        if self.weighted:
            loss, gradient = loss * data.weights, gradient * data.weights
        if self.reduction == "none":
            return loss, gradient
        divisor = {"mean": loss.size, "normalized": data.positives, "weighted_mean": math.fsum(data.weights.flat)}
        return math.fsum(loss.flat) / divisor[self.reduction], gradient / divisor[self.reduction]


# The float16 and bfloat16 cases keep every element's loss (reduction "none", the gradient of their sum): a mean's
# gradient over 2^20 elements is below float16's smallest normal, which is why a 16-bit step scales its loss. Their
# cost is against float32 per element.
CASES = (
    Case("plain mean", torch.float32, "mean"),
    Case("per element", torch.float32, "none"),
    Case("weights, weighted mean", torch.float32, "weighted_mean", weighted=True),
    Case("alpha per class (C = 80), mean", torch.float32, "mean", per_class_alpha=True),
    Case("normalized (sum / positives)", torch.float32, "normalized"),
    Case("float16 data, per element", torch.float16, "none"),
    Case("bfloat16 data, per element", torch.bfloat16, "none"),
)


def steps(case: Case, data: Inputs) -> dict[str, Step]:
    """Each peer's training step on the case's stored inputs."""
    x = torch.from_numpy(data.logits).to(case.dtype).requires_grad_(True)
    y = torch.from_numpy(data.targets).to(case.dtype)
    w = torch.from_numpy(data.weights).to(case.dtype)

    def step(loss_function: Callable[[torch.Tensor, torch.Tensor, torch.Tensor, Inputs], torch.Tensor]) -> Step:
        def run_step() -> tuple[torch.Tensor, torch.Tensor]:
            x.grad = None
            loss = loss_function(x, y, w, data)
            loss.backward(torch.ones_like(loss))
            return loss.detach(), x.grad
        return run_step

    return {FOCALAOT: step(case.focalaot), COMPOSITE: step(case.composite)}


def relative_errors(case: Case, loss: torch.Tensor, gradient: torch.Tensor, exact_loss: np.ndarray | float,
                    exact_gradient: np.ndarray) -> tuple[float, float]:
    """The loss's relative error (the worst element's for reduction "none") and the worst gradient element's."""
    smallest = float(torch.finfo(case.dtype).tiny)
    values = loss.double().numpy()
    if case.reduction == "none":
        loss_error = run.max_relative_error(values, exact_loss, smallest)
    else:
        loss_error = abs(float(values) - exact_loss) / abs(exact_loss)
    return loss_error, run.max_relative_error(gradient.double().numpy(), exact_gradient, smallest)


def row(case: Case, data: Inputs, rounds: int, minimum_seconds: float) -> str:
    """The case's table row: both peers' ns per element and errors, and FocalAot against its plain float32 call."""
    functions = steps(case, data)
    exact = case.reference(data)
    errors = {name: relative_errors(case, *function(), *exact) for name, function in functions.items()}
    baseline = steps(case.baseline, data)[FOCALAOT]
    best = time_rounds({**functions, BASELINE: baseline}, data.logits.size, rounds, minimum_seconds)
    ours, theirs = best[FOCALAOT], best[COMPOSITE]
    (our_loss, our_gradient), (their_loss, their_gradient) = errors[FOCALAOT], errors[COMPOSITE]
    return (f"| {case.name} | {str(case.dtype).removeprefix('torch.')} | {ours:.3f} | {ours / best[BASELINE]:.2f}x | "
            f"{theirs:.3f} ({theirs / ours:.1f}x) | {our_loss:.1e} / {their_loss:.1e} | "
            f"{our_gradient:.1e} / {their_gradient:.1e} |")


def main() -> None:
    quick, rounds, minimum = parse_arguments(__doc__.splitlines()[0])
    torch.set_num_threads(1)
    focalaot.set_num_threads(1)
    rows = (1 << 12 if quick else 1 << 20) // CLASSES
    data = Inputs.generate(rows)
    print(f"sigmoid focal loss with options, {rows} x {CLASSES} elements, gamma {run.GAMMA}, 1 thread, loss + "
          f"gradient; torch {torch.__version__}, libfocalaot {focalaot.version()} ({focalaot.loaded_variant()}); "
          f"ns per element, fastest of {rounds} rounds\n")
    print(f"| case | data | {FOCALAOT} | vs its plain float32 call | {COMPOSITE} | loss rel. error, FocalAot / "
          "composite | gradient max rel. error, FocalAot / composite |")
    print("|---|---|---|---|---|---|---|")
    for case in CASES:
        print(row(case, data, rounds, minimum), flush=True)


if __name__ == "__main__":
    main()
