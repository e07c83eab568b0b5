"""An independent float64 reference (from the formulas, with math's exp/log1p)."""

import math


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def loss(x, y, gamma, alpha):
    softplus = lambda v: max(v, 0.0) + math.log1p(math.exp(-abs(v)))  # noqa: E731
    bce = y * softplus(-x) + (1.0 - y) * softplus(x)
    q = y * sigmoid(-x) + (1.0 - y) * sigmoid(x)
    alpha_t = 1.0 if alpha < 0 else alpha * y + (1.0 - alpha) * (1.0 - y)
    return alpha_t * (q ** gamma if gamma else 1.0) * bce
