"""Test-split metrics of the class of interest, calibration metrics and temperature scaling.

Binary predictions are the positive class's probability [N]; multi-class ones are [N, C] probabilities. The
class of interest is the minority (binary) or the rarest class (multi-class). Threshold metrics use p >= 0.5
(binary) or the arg max (multi-class); precision is 0 when nothing is predicted positive. Ranking metrics and
balanced accuracy are scikit-learn's; ECE (15 equal-width bins: binary on the positive-class probability,
multi-class on the top label), Brier score and NLL are focalaot.calibration's.
"""

import math

import numpy as np
from scipy.special import expit, softmax
from sklearn.metrics import average_precision_score, balanced_accuracy_score, precision_recall_fscore_support, roc_auc_score

from focalaot import calibration

ECE_BINS = 15

METRICS = ("recall", "precision", "f1", "balanced_accuracy", "ap", "roc_auc", "ap_macro", "roc_auc_macro", "ece",
           "brier", "nll")


def probabilities(logits: np.ndarray) -> np.ndarray:
    """float64 sigmoid of [N] logits or softmax over the classes of [N, C] logits."""
    logits = np.asarray(logits, dtype=np.float64)
    return expit(logits) if logits.ndim == 1 else softmax(logits, axis=1)


def predicted_labels(probs: np.ndarray) -> np.ndarray:
    """Hard predictions: p >= 0.5 for binary probabilities, the arg max for multi-class ones."""
    return (probs >= 0.5).astype(np.int64) if probs.ndim == 1 else probs.argmax(axis=1)


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(fitted, used): focalaot's NLL-optimal temperature on validation logits, and the one applied to test.

    Two fits are no estimate a test set can use, and leave the model as trained (T = 1): 0, for a validation split
    whose every label has the largest logit (its NLL keeps falling as T goes to 0), and inf, when no temperature
    beats the uniform prediction. The fitted value is recorded either way.
    """
    fitted = calibration.fit_temperature(logits, labels)
    return fitted, fitted if 0.0 < fitted < math.inf else 1.0


def evaluate(probs: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Every metric of METRICS for test probabilities and labels (the macro ones NaN for binary problems)."""
    rare = 1 if probs.ndim == 1 else probs.shape[1] - 1
    predicted = predicted_labels(probs)
    precision, recall, f1, _ = precision_recall_fscore_support(labels, predicted, labels=[rare], zero_division=0)
    scores = probs if probs.ndim == 1 else probs[:, rare]
    result = {
        "recall": float(recall[0]),
        "precision": float(precision[0]),
        "f1": float(f1[0]),
        "balanced_accuracy": float(balanced_accuracy_score(labels, predicted)),
        "ap": float(average_precision_score(labels == rare, scores)),
        "roc_auc": float(roc_auc_score(labels == rare, scores)),
        "ap_macro": math.nan,
        "roc_auc_macro": math.nan,
        "ece": calibration.ece(probs, labels, bins=ECE_BINS),
        "brier": calibration.brier_score(probs, labels),
        "nll": calibration.nll(probs, labels),
    }
    if probs.ndim == 2:
        one_hot = np.eye(probs.shape[1], dtype=np.int64)[labels]
        result["ap_macro"] = float(average_precision_score(one_hot, probs, average="macro"))
        result["roc_auc_macro"] = float(roc_auc_score(labels, probs, multi_class="ovr", average="macro"))
    return result
