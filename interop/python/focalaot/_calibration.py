"""Calibration metrics and temperature scaling over numpy arrays, from libfocalaot (``focalaot.calibration``).

Binary inputs: ``probabilities`` of shape [N] (the predicted probability of the positive class) and ``labels`` 0 / 1
(bool, any integer dtype, or floats with whole values, as scikit-learn takes them). Multi-class inputs:
``probabilities`` [N, C] and class-index ``labels`` [N]: confidence = the row's largest probability, correct = whether
its first arg max is the label. float32 data is computed as float32
(bins and sums in double); anything else as float64. ``strategy`` is scikit-learn's: "uniform" (equal-width bins, the
edges of ``numpy.linspace(0, 1, bins + 1)``) or "quantile" (equal-mass bins, ``numpy.percentile`` edges); a confidence
goes to the bin of the number of interior edges strictly below it, as ``sklearn.calibration.calibration_curve``.
Every result is summed in double in a fixed order (the same bits on every ISA and thread count); a binned metric of no
samples is NaN.

    >>> from focalaot import calibration
    >>> calibration.ece(probabilities, labels, bins=15)
    >>> counts, mean_confidence, accuracy = calibration.reliability_bins(probabilities, labels, bins=10)
    >>> temperature = calibration.fit_temperature(validation_logits, validation_labels)
"""

import ctypes
import re
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from . import _capi
from ._api import ArrayLike, FocalError, invalid
from ._buffers import numpy

if TYPE_CHECKING:
    import numpy as np

Strategy: TypeAlias = Literal["uniform", "quantile"]
Bins: TypeAlias = 'tuple[np.ndarray[Any, np.dtype[np.int64]], np.ndarray[Any, np.dtype[np.float64]], np.ndarray[Any, np.dtype[np.float64]]]'

__all__ = ["ece", "mce", "classwise_ece", "brier_score", "nll", "reliability_bins", "fit_temperature"]

_STRATEGIES = {"uniform": _capi.FOCAL_BINNING_EQUAL_WIDTH, "quantile": _capi.FOCAL_BINNING_EQUAL_MASS}

# The library names its C arguments; these are the Python arguments they stand for.
_C_NAMES = re.compile(r"\bconfidences\b")


def _entry(name, data):
    return getattr(_capi.lib, f"focal_calibration_{name}_{'f32' if data.dtype == numpy.float32 else 'f64'}")


def _check(status):
    if status != _capi.FOCAL_OK:
        raise FocalError(status, _C_NAMES.sub("probabilities", _capi.last_error_message()))


def _pointer(array, ctype):
    return array.ctypes.data_as(ctypes.POINTER(ctype))


def _data(values, name, ndim):
    """values as a C-contiguous float32 or float64 array of ndim 1 or 2 (ndim None: either)."""
    if numpy is None:
        raise ImportError("focalaot.calibration needs numpy")
    array = numpy.asarray(values)
    if array.dtype != numpy.float32:
        array = array.astype(numpy.float64, copy=False)
    if array.ndim not in ((1, 2) if ndim is None else (ndim,)):
        expected = "[N] (binary) or [N, C] (multi-class)" if ndim is None else "[N, C]"
        raise invalid(f"{name} has shape {array.shape}: it must be {expected}")
    return numpy.ascontiguousarray(array)


def _labels(labels, rows, binary):
    """Binary labels as uint8 (each 0 or 1), or class indices as int32, one per row."""
    array = numpy.asarray(labels)
    if array.ndim != 1 or array.shape[0] != rows:
        raise invalid(f"labels has shape {array.shape}: it must be [{rows}], one label per sample")
    floating = numpy.issubdtype(array.dtype, numpy.floating)
    if array.dtype != numpy.bool_ and not numpy.issubdtype(array.dtype, numpy.integer) and not floating:
        raise TypeError(f"labels must be bool, integer or float (whole values), not {array.dtype}")
    low, high = (0, 1) if binary else (numpy.iinfo(numpy.int32).min, numpy.iinfo(numpy.int32).max)
    valid = (array >= low) & (array <= high)
    if floating:  # as scikit-learn takes them: whole values only (NaN is none)
        valid &= array == numpy.floor(array)
    outside = numpy.flatnonzero(~valid)
    if outside.size:
        i = int(outside[0])
        rule = "every binary label must be 0 or 1" if binary else "every label must be a class index"
        raise invalid(f"labels[{i}] = {array[i]} is invalid: {rule}.")
    return numpy.ascontiguousarray(array, dtype=numpy.uint8 if binary else numpy.int32)


def _bins(bins, strategy):
    """The number of bins and the FOCAL_BINNING_* of a strategy, checked."""
    try:
        binning = _STRATEGIES[strategy]
    except (KeyError, TypeError):
        raise invalid(f"strategy must be 'uniform' or 'quantile', not {strategy!r}") from None
    if isinstance(bins, bool) or not isinstance(bins, (int, numpy.integer)):
        raise TypeError(f"bins must be an integer, not {type(bins).__name__}")
    if not 1 <= bins <= _capi.FOCAL_CALIBRATION_MAX_BINS:
        raise invalid(f"bins = {bins} is invalid: the number of bins must be in [1, {_capi.FOCAL_CALIBRATION_MAX_BINS}].")
    return int(bins), binning


def _metric(name, probabilities, labels, bins=None, strategy="uniform", ndim=None):
    """One double result of a focal_calibration_<name> entry (binary for 1-D data, _multiclass for 2-D)."""
    p = _data(probabilities, "probabilities", ndim)
    y = _labels(labels, p.shape[0], p.ndim == 1)
    out = ctypes.c_double()
    arguments = [] if bins is None else list(_bins(bins, strategy))
    if p.ndim == 1:
        entry = _entry(name, p)
        _check(entry(_pointer(p, entry.argtypes[0]._type_), _pointer(y, ctypes.c_uint8), p.shape[0], *arguments,
                     ctypes.byref(out)))
    else:
        entry = _entry(name if name == "classwise_ece" else f"{name}_multiclass", p)
        _check(entry(_pointer(p, entry.argtypes[0]._type_), _pointer(y, ctypes.c_int32), p.shape[0], p.shape[1],
                     *arguments, ctypes.byref(out)))
    return float(out.value)


def ece(probabilities: ArrayLike, labels: ArrayLike, bins: int = 15, strategy: Strategy = "uniform") -> float:
    """Expected calibration error: sum over bins of (n_b / n) |accuracy_b - mean confidence_b|."""
    return _metric("ece", probabilities, labels, bins, strategy)


def mce(probabilities: ArrayLike, labels: ArrayLike, bins: int = 15, strategy: Strategy = "uniform") -> float:
    """Maximum calibration error: the largest |accuracy_b - mean confidence_b| over non-empty bins."""
    return _metric("mce", probabilities, labels, bins, strategy)


def classwise_ece(probabilities: ArrayLike, labels: ArrayLike, bins: int = 15, strategy: Strategy = "uniform") -> float:
    """Class-wise ECE of [N, C] probabilities: the mean over classes k of the ECE of probabilities[:, k] against
    labels == k."""
    return _metric("classwise_ece", probabilities, labels, bins, strategy, ndim=2)


def brier_score(probabilities: ArrayLike, labels: ArrayLike) -> float:
    """Brier score: binary mean (p - y)^2 (sklearn.metrics.brier_score_loss); multi-class mean over rows of
    sum_k (p_k - [k == label])^2."""
    return _metric("brier", probabilities, labels)


def nll(probabilities: ArrayLike, labels: ArrayLike) -> float:
    """Negative log-likelihood: mean -log of the probability given to the label, clamped to [eps, 1 - eps] with eps the
    machine epsilon of the data's dtype (sklearn.metrics.log_loss with eps="auto"; rows are not renormalized)."""
    return _metric("nll", probabilities, labels)


def reliability_bins(probabilities: ArrayLike, labels: ArrayLike, bins: int = 15, strategy: Strategy = "uniform") -> Bins:
    """A reliability diagram: (counts, mean_confidence, accuracy), arrays of one value per bin (int64, float64,
    float64); the means of an empty bin are NaN. The non-empty bins' accuracy and mean confidence are
    calibration_curve's prob_true and prob_pred."""
    p = _data(probabilities, "probabilities", None)
    y = _labels(labels, p.shape[0], p.ndim == 1)
    bins, binning = _bins(bins, strategy)
    counts = numpy.zeros(bins, dtype=numpy.int64)
    means = numpy.zeros(bins)
    accuracies = numpy.zeros(bins)
    outputs = (_pointer(counts, ctypes.c_int64), _pointer(means, ctypes.c_double), _pointer(accuracies, ctypes.c_double))
    if p.ndim == 1:
        entry = _entry("reliability", p)
        _check(entry(_pointer(p, entry.argtypes[0]._type_), _pointer(y, ctypes.c_uint8), p.shape[0], bins, binning, *outputs))
    else:
        entry = _entry("reliability_multiclass", p)
        _check(entry(_pointer(p, entry.argtypes[0]._type_), _pointer(y, ctypes.c_int32), p.shape[0], p.shape[1], bins, binning,
                     *outputs))
    return counts, means, accuracies


def fit_temperature(logits: ArrayLike, labels: ArrayLike) -> float:
    """Temperature scaling: the T > 0 minimizing the mean NLL of sigmoid(logits / T) ([N] logits, 0 / 1 labels) or
    softmax(logits / T) ([N, C] logits, class labels), by safeguarded Newton on the exact derivatives; 1 for no
    samples, inf when no T beats the uniform prediction, 0 when every label has the largest logit (ties allowed), where
    the loss falls for every T."""
    z = _data(logits, "logits", None)
    y = _labels(labels, z.shape[0], z.ndim == 1)
    temperature = ctypes.c_double()
    if z.ndim == 1:
        entry = _entry("fit_temperature", z)
        _check(entry(_pointer(z, entry.argtypes[0]._type_), _pointer(y, ctypes.c_uint8), z.shape[0], ctypes.byref(temperature)))
    else:
        entry = _entry("fit_temperature_multiclass", z)
        _check(entry(_pointer(z, entry.argtypes[0]._type_), _pointer(y, ctypes.c_int32), z.shape[0], z.shape[1],
                     ctypes.byref(temperature)))
    return float(temperature.value)
