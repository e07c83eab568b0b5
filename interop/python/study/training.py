"""Training a small MLP with a method's loss, timing the loss apart from the rest of each step.

Every method trains for the same number of optimizer steps on a data set: the epochs of the data set's schedule,
an epoch being ceil(n_train / batch_size) steps over the original training split. A resampled training set is
iterated in reshuffled passes for that many steps, so oversampling gets no extra steps and undersampling is not
starved of them.
"""

import math
import time
from dataclasses import dataclass

import numpy as np
import torch

from methods import Loss

HIDDEN = 32
LEARNING_RATE = 3e-3


@dataclass(frozen=True)
class Trained:
    """A trained model and the wall time per epoch of its loss (forward and backward) and of its whole steps."""

    model: torch.nn.Module
    loss_seconds_per_epoch: float
    step_seconds_per_epoch: float


def build_model(features: int, outputs: int) -> torch.nn.Module:
    """Two hidden ReLU layers of HIDDEN units; outputs 1 (a binary logit) or C (class logits)."""
    return torch.nn.Sequential(torch.nn.Linear(features, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, HIDDEN),
                               torch.nn.ReLU(), torch.nn.Linear(HIDDEN, outputs))


def _forward(model: torch.nn.Module, x: torch.Tensor, binary: bool) -> torch.Tensor:
    logits = model(x)
    return logits.squeeze(1) if binary else logits


def _batches(samples: int, batch_size: int, steps: int) -> torch.Tensor:
    """[steps, batch_size] sample indices: reshuffled passes over the samples, cut into batches."""
    passes = math.ceil(steps * batch_size / samples)
    order = torch.cat([torch.randperm(samples) for _ in range(passes)])
    return order[:steps * batch_size].view(steps, batch_size)


def train(x: np.ndarray, y: np.ndarray, loss: Loss, *, classes: int, epochs: int, steps_per_epoch: int,
          batch_size: int, seed: int) -> Trained:
    """A model trained with Adam on (x, y) for epochs * steps_per_epoch steps, from seed's initialization and order.

    The loss is timed on its own: it runs on a detached copy of the logits, and its gradient is then sent back
    through the model, which gives the same gradients as one backward through the whole graph.
    """
    torch.manual_seed(seed)
    binary = classes == 2
    model = build_model(x.shape[1], 1 if binary else classes)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    inputs = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))  # resamplers may return float64
    targets = torch.from_numpy(y).to(torch.float32 if binary else torch.int64)
    steps = epochs * steps_per_epoch
    loss_seconds = step_seconds = 0.0
    for batch in _batches(len(y), batch_size, steps):
        start = time.perf_counter()
        logits = _forward(model, inputs[batch], binary)
        detached = logits.detach().requires_grad_()
        loss_start = time.perf_counter()
        loss(detached, targets[batch]).backward()
        loss_seconds += time.perf_counter() - loss_start
        optimizer.zero_grad(set_to_none=True)
        logits.backward(detached.grad)
        optimizer.step()
        step_seconds += time.perf_counter() - start
    return Trained(model, loss_seconds / epochs, step_seconds / epochs)


def predict_logits(model: torch.nn.Module, x: np.ndarray, binary: bool) -> np.ndarray:
    """The model's logits for x as float64: [N] for binary models, [N, C] otherwise."""
    with torch.no_grad():
        return _forward(model, torch.from_numpy(x), binary).double().numpy()
