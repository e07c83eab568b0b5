"""The methods compared: cross-entropy, class-weighted cross-entropy, resampling, focal loss and its variants.

Every loss is computed by focalaot.torch: the sigmoid form on one logit per sample for binary problems, the
softmax form on [N, C] logits for multi-class ones. Cross-entropy is the focal loss with gamma = 0 and no alpha.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler

import focalaot.torch as focal_torch

# Cui et al. (2019)'s beta: with the study's class sizes (tens to tens of thousands), 0.999 gives weights that
# saturate for large classes, a distinct choice from inverse frequency (0.9999 would be nearly the same).
EFFECTIVE_NUMBER_BETA = 0.999

# The alpha of RetinaNet (Lin et al., 2017) for binary focal loss: the positive class gets 0.25, the negative 0.75.
BINARY_ALPHA = 0.25

RESAMPLERS = {"ros": RandomOverSampler, "rus": RandomUnderSampler, "smote": SMOTE}

Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Method:
    """One way to train on imbalanced data: a loss (focal parameters, class weights) and an optional resampler."""

    key: str
    label: str
    family: str
    gamma: float = 0.0
    alpha: bool = False
    weighting: str | None = None
    resampler: str | None = None
    poly_epsilon: float = 0.0
    sample_dependent_gamma: bool = False


def _gamma_text(gamma: float) -> str:
    return f"{gamma:g}"


def methods(gammas: tuple[float, ...]) -> list[Method]:
    """Every method of the study, with focal loss at each gamma in gammas (gamma 0 only with alpha: without it, it
    is cross-entropy)."""
    result = [
        Method("ce", "CE", "ce"),
        Method("ce_inverse_frequency", "CE, inverse-frequency weights", "class_weighted", weighting="inverse_frequency"),
        Method("ce_effective_number", f"CE, effective-number weights (β={EFFECTIVE_NUMBER_BETA})", "class_weighted",
               weighting="effective_number"),
        Method("ce_ros", "CE + random oversampling", "resampling", resampler="ros"),
        Method("ce_rus", "CE + random undersampling", "resampling", resampler="rus"),
        Method("ce_smote", "CE + SMOTE", "resampling", resampler="smote"),
    ]
    for gamma in gammas:
        text = _gamma_text(gamma)
        if gamma > 0:
            result.append(Method(f"focal_g{text}", f"focal γ={text}", "focal", gamma=gamma))
        result.append(Method(f"focal_g{text}_alpha", f"focal γ={text} + α", "focal", gamma=gamma, alpha=True))
    result.append(Method("flsd53", "FLSD-53", "flsd", sample_dependent_gamma=True))
    result.append(Method("poly1", "Poly-1 (ε=1)", "poly", poly_epsilon=1.0))
    return result


def inverse_frequency_weights(counts: np.ndarray) -> np.ndarray:
    """n / (C n_c) per class: sklearn's "balanced" class weights."""
    counts = np.asarray(counts, dtype=np.float64)
    return counts.sum() / (len(counts) * counts)


def effective_number_weights(counts: np.ndarray, beta: float = EFFECTIVE_NUMBER_BETA) -> np.ndarray:
    """(1 - beta) / (1 - beta^n_c) per class, scaled to sum to C (Cui et al., 2019)."""
    counts = np.asarray(counts, dtype=np.float64)
    weights = (1.0 - beta) / (1.0 - np.power(beta, counts))
    return weights * len(counts) / weights.sum()


def class_weights(weighting: str, counts: np.ndarray) -> np.ndarray:
    """The per-class weights of a weighting scheme for the training split's class counts."""
    if weighting == "inverse_frequency":
        return inverse_frequency_weights(counts)
    return effective_number_weights(counts)


def resample(method: Method, x: np.ndarray, y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The training split after the method's resampler (imblearn, default "auto" strategy), or unchanged."""
    if method.resampler is None:
        return x, y
    return RESAMPLERS[method.resampler](random_state=seed).fit_resample(x, y)


def make_loss(method: Method, counts: np.ndarray) -> Loss:
    """The method's loss of (logits, targets), reduced to a scalar; counts are the training split's class counts.

    Binary: logits [N] and float 0 / 1 targets; class weights go in as per-sample weights with reduction
    "weighted_mean" (sum w loss / sum w). Multi-class: logits [N, C] and class-index targets; class weights are the
    per-class alpha with "weighted_mean" (cross_entropy's mean with class weights); focal loss's alpha is the
    inverse frequency normalized to sum to 1, with the plain mean, as for the binary alpha.
    """
    binary = len(counts) == 2
    if method.weighting is not None:
        weights = class_weights(method.weighting, counts)
        if binary:
            per_class = torch.tensor(weights)  # float64: focalaot casts the per-sample weights to the logits' dtype
            return lambda z, y: focal_torch.sigmoid_focal_loss(z, y, alpha=-1.0, gamma=0.0, reduction="weighted_mean",
                                                               weight=per_class[y.long()])
        return lambda z, y: focal_torch.softmax_focal_loss(z, y, alpha=weights.tolist(), gamma=0.0,
                                                           reduction="weighted_mean")
    if not method.alpha:
        alpha = -1.0
    elif binary:
        alpha = BINARY_ALPHA
    else:
        inverse = inverse_frequency_weights(counts)
        alpha = (inverse / inverse.sum()).tolist()
    settings = {"alpha": alpha, "reduction": "mean", "poly_epsilon": method.poly_epsilon}
    if method.sample_dependent_gamma:
        settings["sample_dependent_gamma"] = True  # FLSD-53 sets gamma per sample; gamma keeps its default
    else:
        settings["gamma"] = method.gamma
    loss = focal_torch.sigmoid_focal_loss if binary else focal_torch.softmax_focal_loss
    return lambda z, y: loss(z, y, **settings)
