#!/usr/bin/python3
"""Softmax focal loss beside torch, side by side in one run: FocalAot (numpy and focalaot.torch) against a torch
composite of the focal loss (log_softmax, the target's log-probability, (1 - p)^gamma: the formula of kornia's
focal_loss and mmcv's softmax_focal_loss) and torch's cross_entropy, and FocalAot's focal loss against its own
cross-entropy (gamma 0, alpha off). float32, one thread, mean reduction, loss and gradient (forward + backward); rows
of 10, 80 and 1,203 classes, and [1, C, H, W] images of 21 and 150 classes (segmentation's layout).

Prints a table of ns per logit (the fastest of interleaved rounds) and the ratios; --quick runs small inputs once.
"""

import sys
from pathlib import Path

import numpy as np
import torch

from rounds import parse_arguments, time_rounds

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "interop" / "python"))
import focalaot  # noqa: E402
import focalaot.torch as focal_torch  # noqa: E402

F = torch.nn.functional
GAMMA, ALPHA = 2.0, 0.25


def torch_focal(x, t):
    """The composite: -alpha (1 - p_t)^gamma log p_t, mean over rows (or positions)."""
    log_p = F.log_softmax(x, dim=1).gather(1, t[:, None])[:, 0]
    return (-ALPHA * (1 - log_p.exp()) ** GAMMA * log_p).mean()


def peers(x, t):
    """name -> a function running one training step's loss computation (loss and gradient of the logits)."""
    xt = torch.from_numpy(x).requires_grad_(True)
    tt = torch.from_numpy(t)

    def autograd(loss_function):
        def step():
            xt.grad = None
            loss = loss_function()
            loss.backward()
            return float(loss)
        return step

    return {
        "FocalAot focal (numpy)": lambda: focalaot.softmax_focal_loss_forward_backward(
            x, t, alpha=ALPHA, gamma=GAMMA, reduction="mean")[0],
        "FocalAot focal (focalaot.torch)": autograd(
            lambda: focal_torch.softmax_focal_loss(xt, tt, alpha=ALPHA, gamma=GAMMA, reduction="mean")),
        "FocalAot cross-entropy (numpy)": lambda: focalaot.softmax_focal_loss_forward_backward(
            x, t, alpha=-1.0, gamma=0.0, reduction="mean")[0],
        "torch focal composite": autograd(lambda: torch_focal(xt, tt)),
        "torch cross_entropy": autograd(lambda: F.cross_entropy(xt, tt)),
    }


def main():
    quick, rounds, minimum = parse_arguments(__doc__.splitlines()[0])
    torch.set_num_threads(1)
    focalaot.set_num_threads(1)
    elements = 1 << 12 if quick else 1 << 20
    rng = np.random.default_rng(20170807)
    print(f"softmax focal loss, float32, 1 thread, mean, loss + gradient; torch {torch.__version__}, "
          f"libfocalaot {focalaot.version()} ({focalaot.loaded_variant()}); ns per logit, fastest of {rounds} rounds")
    for classes, spatial in ((10, False), (80, False), (1203, False), (21, True), (150, True)):
        # Rows [N, C], or one [1, C, H, W] image of about as many logits (torch's segmentation layout).
        positions = elements // classes
        side = max(1, int(positions ** 0.5))
        shape, label = ((1, classes, side, positions // side), f"[1, {classes}, {side}, {positions // side}] segmentation") \
            if spatial else ((positions, classes), f"{positions} rows")
        x = rng.normal(0, 3, shape).astype(np.float32)
        t = rng.integers(0, classes, (shape[0], *shape[2:]))
        best = time_rounds(peers(x, t), x.size, rounds, minimum)
        ours = best["FocalAot focal (focalaot.torch)"]
        print(f"\nC = {classes} ({label})")
        print("| peer | ns/logit | vs FocalAot focal (focalaot.torch) |")
        print("|---|---|---|")
        for name, value in best.items():
            print(f"| {name} | {value:.3f} | {value / ours:.2f}x |")
        print(f"FocalAot focal / FocalAot cross-entropy (numpy): "
              f"{best['FocalAot focal (numpy)'] / best['FocalAot cross-entropy (numpy)']:.2f}x")
        print(f"torch focal composite / FocalAot focal (focalaot.torch): {best['torch focal composite'] / ours:.2f}x")


if __name__ == "__main__":
    main()
