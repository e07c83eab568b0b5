"""What focal loss costs over cross-entropy: loss kernels and whole training steps, timed side by side.

Each comparison times its candidates in interleaved repetitions (the order alternating between repetitions, so
drifts in the machine's speed hit both alike) and keeps the minimum and the median over repetitions of the mean
time per call: noise on a shared machine only adds time, so the minimum is the steadier estimate of the cost.
Loss kernels run forward and backward on a leaf tensor of logits. As a reference point for the same claim in
plain torch, torch's own BCE and torchvision's sigmoid_focal_loss are timed beside focalaot's sigmoid losses, and
torch's cross_entropy beside its softmax ones (torch has no softmax focal loss).
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torchvision

import focalaot.torch as focal_torch
from training import build_model

# The training batch of the study's binary problems, and a dense detection head (about 13k anchors x 80 classes).
SIGMOID_SIZES = (512, 1 << 20)
SOFTMAX_SHAPES = ((512, 5), (1 << 17, 5))
STEP_FEATURES = 10
STEP_BATCH = 512
FOCAL = "focal γ=2"
REPETITION_SECONDS = 0.04


@dataclass(frozen=True)
class Timing:
    """The median and minimum wall time per call of one candidate in one comparison."""

    case: str
    shape: str
    elements: int
    implementation: str
    loss: str
    median_seconds: float
    min_seconds: float

    @property
    def nanoseconds_per_element(self) -> float:
        """The minimum time per call, per element (per sample for training steps)."""
        return self.min_seconds / self.elements * 1e9


def overhead(ce: Timing, focal: Timing, statistic: str = "min") -> float:
    """focal / CE - 1 of the minimum (or "median") times per call."""
    return getattr(focal, f"{statistic}_seconds") / getattr(ce, f"{statistic}_seconds") - 1.0


Candidates = dict[tuple[str, str], Callable[[], None]]  # (implementation, loss) -> one call


def _interleaved(candidates: Candidates, repeats: int) -> dict[tuple[str, str], list[float]]:
    """Per candidate, the mean seconds per call of each repetition, repetitions interleaved. A repetition makes
    enough calls to last about REPETITION_SECONDS (at least one), counted from a warm-up call."""
    calls = {}
    for name, run in candidates.items():
        start = time.perf_counter()
        run()  # warm-up: first-call allocations and library loading stay out of the timings
        calls[name] = max(1, round(REPETITION_SECONDS / (time.perf_counter() - start)))
    names = list(candidates)
    samples = {name: [] for name in names}
    for repetition in range(repeats):
        for name in names if repetition % 2 == 0 else reversed(names):
            start = time.perf_counter()
            for _ in range(calls[name]):
                candidates[name]()
            samples[name].append((time.perf_counter() - start) / calls[name])
    return samples


def _forward_backward(loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], logits: torch.Tensor,
                      targets: torch.Tensor) -> Callable[[], None]:
    def run():
        logits.grad = None
        loss(logits, targets).backward()
    return run


def _timings(case: str, shape: str, elements: int, candidates: Candidates, repeats: int) -> list[Timing]:
    samples = _interleaved(candidates, repeats)
    return [Timing(case, shape, elements, implementation, loss, statistics.median(values), min(values))
            for (implementation, loss), values in samples.items()]


def _sigmoid(repeats: int) -> list[Timing]:
    timings = []
    generator = torch.Generator().manual_seed(0)
    for n in SIGMOID_SIZES:
        logits = torch.randn(n, generator=generator).requires_grad_()
        targets = (torch.rand(n, generator=generator) < 0.01).float()
        candidates = {
            ("focalaot", "CE"): lambda z, y: focal_torch.sigmoid_focal_loss(z, y, alpha=-1.0, gamma=0.0, reduction="mean"),
            ("focalaot", FOCAL): lambda z, y: focal_torch.sigmoid_focal_loss(z, y, alpha=0.25, gamma=2.0,
                                                                                  reduction="mean"),
            ("torch", "CE"): torch.nn.functional.binary_cross_entropy_with_logits,
            ("torch", FOCAL): lambda z, y: torchvision.ops.sigmoid_focal_loss(z, y, alpha=0.25, gamma=2.0,
                                                                                   reduction="mean"),
        }
        runs = {key: _forward_backward(loss, logits, targets) for key, loss in candidates.items()}
        timings += _timings("sigmoid loss, forward + backward", f"[{n}]", n, runs, repeats)
    return timings


def _softmax(repeats: int) -> list[Timing]:
    timings = []
    generator = torch.Generator().manual_seed(0)
    for n, c in SOFTMAX_SHAPES:
        logits = torch.randn(n, c, generator=generator).requires_grad_()
        targets = torch.randint(0, c, (n,), generator=generator)
        candidates = {
            ("focalaot", "CE"): lambda z, y: focal_torch.softmax_focal_loss(z, y, alpha=-1.0, gamma=0.0, reduction="mean"),
            ("focalaot", FOCAL): lambda z, y: focal_torch.softmax_focal_loss(z, y, alpha=-1.0, gamma=2.0,
                                                                                  reduction="mean"),
            ("torch", "CE"): torch.nn.functional.cross_entropy,
        }
        runs = {key: _forward_backward(loss, logits, targets) for key, loss in candidates.items()}
        timings += _timings("softmax loss, forward + backward", f"[{n}, {c}]", n * c, runs, repeats)
    return timings


def _training_step(gamma: float, alpha: float) -> Callable[[], None]:
    """One Adam step of the study's binary MLP on a fixed batch with focalaot's loss."""
    torch.manual_seed(0)
    model = build_model(STEP_FEATURES, 1)
    optimizer = torch.optim.Adam(model.parameters())
    inputs = torch.randn(STEP_BATCH, STEP_FEATURES)
    targets = (torch.rand(STEP_BATCH) < 0.01).float()

    def run():
        optimizer.zero_grad(set_to_none=True)
        logits = model(inputs).squeeze(1)
        focal_torch.sigmoid_focal_loss(logits, targets, alpha=alpha, gamma=gamma, reduction="mean").backward()
        optimizer.step()
    return run


def measure(repeats: int) -> list[Timing]:
    """Every comparison: sigmoid and softmax loss kernels at a training batch and a dense size, and whole steps."""
    steps = {("focalaot", "CE"): _training_step(0.0, -1.0), ("focalaot", FOCAL): _training_step(2.0, 0.25)}
    return (_sigmoid(repeats) + _softmax(repeats)
            + _timings("MLP training step (binary)", f"batch {STEP_BATCH}", STEP_BATCH, steps, repeats))


def pairs(timings: list[Timing]) -> list[tuple[Timing, Timing]]:
    """(CE, focal) for every comparison and implementation that times both."""
    by_key = {(t.case, t.shape, t.implementation, t.loss): t for t in timings}
    return [(ce, by_key[(case, shape, implementation, FOCAL)]) for (case, shape, implementation, loss), ce in by_key.items()
            if loss == "CE" and (case, shape, implementation, FOCAL) in by_key]
