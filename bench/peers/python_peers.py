"""The Python harness of the peer benchmark (bench/peers/README.md describes the protocol): torchvision's
``sigmoid_focal_loss`` with autograd, and the ``focalaot`` package on numpy arrays.

    python_peers.py --data DIR --sizes N,... --threads T,... [--rounds R] [--accuracy-n N --accuracy-out DIR]

Prints one JSON object per line on stdout: a row per (peer, operation, n, threads), and one
``{"info": {...}}`` object with the versions this harness ran (torch, torchvision, numpy, libfocalaot's variant).
``focalaot`` is imported from the path (run.py puts interop/python on PYTHONPATH) and finds libfocalaot through
``FOCALAOT_LIBRARY``.
"""

import argparse
import ctypes
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torchvision
from torchvision.ops import sigmoid_focal_loss as torchvision_focal_loss

import focalaot

ALPHA = 0.25
GAMMA = 2
OPERATIONS = ("forward", "fused")
MIN_CALLS = 3
MIN_ROUND_SECONDS = 0.2

Call = Callable[[], float]
"""One timed call: computes the mean loss (and, fused, its gradient) and returns the mean loss."""


@dataclass(frozen=True)
class Peer:
    """A way to compute the loss: its calls for timing, and its per-element results for the accuracy dump."""

    id: str
    label: str
    calls: Callable[[np.ndarray, np.ndarray], dict[str, Call]]
    elementwise: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def torchvision_calls(logits: np.ndarray, targets: np.ndarray) -> dict[str, Call]:
    """Forward under no_grad; fused as a training step does it: forward, backward(), and the gradient cleared."""
    x = torch.from_numpy(logits)
    t = torch.from_numpy(targets)

    def forward() -> float:
        with torch.no_grad():
            return torchvision_focal_loss(x, t, alpha=ALPHA, gamma=GAMMA, reduction="mean").item()

    def fused() -> float:
        x.requires_grad_(True)
        loss = torchvision_focal_loss(x, t, alpha=ALPHA, gamma=GAMMA, reduction="mean")
        loss.backward()
        x.grad = None
        return loss.item()

    return {"forward": forward, "fused": fused}


def torchvision_elementwise(logits: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The per-element losses and the gradient of their sum (upstream gradient 1)."""
    x = torch.from_numpy(logits).requires_grad_(True)
    loss = torchvision_focal_loss(x, torch.from_numpy(targets), alpha=ALPHA, gamma=GAMMA, reduction="none")
    loss.backward(torch.ones_like(loss))
    return loss.detach().numpy(), x.grad.numpy()


def focalaot_calls(logits: np.ndarray, targets: np.ndarray) -> dict[str, Call]:
    """The package's mean loss, and its fused loss and gradient (a new gradient array per call)."""

    def forward() -> float:
        return focalaot.sigmoid_focal_loss(logits, targets, alpha=ALPHA, gamma=float(GAMMA), reduction="mean")

    def fused() -> float:
        loss, _ = focalaot.sigmoid_focal_loss_forward_backward(logits, targets, alpha=ALPHA, gamma=float(GAMMA),
                                                               reduction="mean")
        return loss

    return {"forward": forward, "fused": fused}


def focalaot_elementwise(logits: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The per-element losses and the gradient of their sum, in one fused call."""
    return focalaot.sigmoid_focal_loss_forward_backward(logits, targets, alpha=ALPHA, gamma=float(GAMMA),
                                                        reduction="none")


PEERS = (
    Peer("torchvision", "torchvision", torchvision_calls, torchvision_elementwise),
    Peer("focalaot-python", "FocalAot Python", focalaot_calls, focalaot_elementwise),
)


def set_threads(threads: int) -> None:
    """The threads every peer may use."""
    torch.set_num_threads(threads)
    focalaot.set_num_threads(threads)


def allocation_counter() -> Callable[[], int] | None:
    """The preloaded alloc_count.so's running total of bytes asked of malloc, or None when it is not preloaded."""
    try:
        counter = ctypes.CDLL(None).alloc_count_bytes
    except AttributeError:
        return None
    counter.restype = ctypes.c_uint64
    counter.argtypes = []
    return counter


def read_inputs(data: Path, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The n logits and n targets of DIR/inputs-<n>.f32."""
    path = data / f"inputs-{n}.f32"
    values = np.fromfile(path, dtype="<f4")
    if values.size != 2 * n:
        raise SystemExit(f"python_peers: {path} holds {values.size} floats, not {2 * n}")
    return values[:n], values[n:]


def time_round(call: Call) -> float:
    """Seconds per call of one round: at least MIN_CALLS calls and MIN_ROUND_SECONDS."""
    calls = 0
    start = time.perf_counter()
    while True:
        call()
        calls += 1
        elapsed = time.perf_counter() - start
        if calls >= MIN_CALLS and elapsed >= MIN_ROUND_SECONDS:
            return elapsed / calls


def measured_call(call: Call, counter: Callable[[], int] | None) -> tuple[float, int | None]:
    """One call's mean loss and the bytes it allocated (None without the counter)."""
    before = counter() if counter else 0
    mean_loss = call()
    return mean_loss, counter() - before if counter else None


def time_operation(op: str, n: int, threads: int, calls: dict[str, dict[str, Call]], rounds: int,
                   counter: Callable[[], int] | None) -> list[dict]:
    """The rows of one (operation, n, threads): a warm-up call and a measured call per peer, then the rounds."""
    measured = {}
    for peer in PEERS:
        call = calls[peer.id][op]
        call()
        measured[peer.id] = measured_call(call, counter)
    best = {peer.id: float("inf") for peer in PEERS}
    for _ in range(rounds):
        for peer in PEERS:
            best[peer.id] = min(best[peer.id], time_round(calls[peer.id][op]))
    return [{"peer": peer.id, "label": peer.label, "op": op, "n": n, "threads": threads,
             "ns_per_element": 1e9 * best[peer.id] / n, "alloc_bytes_per_call": measured[peer.id][1],
             "mean_loss": measured[peer.id][0]} for peer in PEERS]


def emit(record: dict) -> None:
    """Prints one JSON line on stdout, at once."""
    print(json.dumps(record), flush=True)


def write_accuracy(directory: Path, data: Path, n: int) -> None:
    """DIR/<peer>.f32 for every peer: the n per-element losses, then the n gradients of their sum, with 1 thread."""
    logits, targets = read_inputs(data, n)
    set_threads(1)
    directory.mkdir(parents=True, exist_ok=True)
    for peer in PEERS:
        losses, gradient = peer.elementwise(logits, targets)
        np.concatenate((losses, gradient)).astype("<f4").tofile(directory / f"{peer.id}.f32")


def integers(text: str) -> list[int]:
    """A comma-separated list of positive integers."""
    values = [int(part) for part in text.split(",")]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"not a list of positive integers: {text}")
    return values


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """The protocol's command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the folder of inputs-<n>.f32")
    parser.add_argument("--sizes", type=integers, required=True, help="N,N,...: the numbers of elements")
    parser.add_argument("--threads", type=integers, required=True, help="T,T,...: the thread counts")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; the fastest counts")
    parser.add_argument("--accuracy-n", type=int, default=0, help="the n of the accuracy dump")
    parser.add_argument("--accuracy-out", type=Path, help="the folder of the accuracy dump")
    arguments = parser.parse_args(argv)
    if arguments.rounds < 1:
        parser.error("--rounds must be at least 1")
    if (arguments.accuracy_n > 0) != (arguments.accuracy_out is not None):
        parser.error("--accuracy-n and --accuracy-out go together")
    return arguments


def main(argv: list[str]) -> None:
    """The info object, the rows of every size, thread count and operation, then the accuracy dump."""
    arguments = parse_arguments(argv)
    emit({"info": {"torch": torch.__version__, "torchvision": torchvision.__version__, "numpy": np.__version__,
                   "libfocalaot_variant": focalaot.loaded_variant()}})
    counter = allocation_counter()
    for n in arguments.sizes:
        logits, targets = read_inputs(arguments.data, n)
        calls = {peer.id: peer.calls(logits, targets) for peer in PEERS}
        for threads in arguments.threads:
            set_threads(threads)
            for op in OPERATIONS:
                for row in time_operation(op, n, threads, calls, arguments.rounds, counter):
                    emit(row)
    if arguments.accuracy_out is not None:
        write_accuracy(arguments.accuracy_out, arguments.data, arguments.accuracy_n)


if __name__ == "__main__":
    main(sys.argv[1:])
