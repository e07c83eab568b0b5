"""Softmax (multi-class) focal loss over numpy arrays: torch's cross_entropy layout and arguments, over the C ABI.

inputs are logits [N, C] or [N, C, d1, ...] (the class dimension second, as torch's cross_entropy takes them; the
library reads them in place as [N, C, S] with S = d1 * ..., copying only what is not contiguous or not of the
element type); targets are class indices of the loss's shape [N, d1, ...] (any integer dtype) or probabilities of
the inputs' shape.
"""

import ctypes
import numbers

from . import _capi
from ._api import _REDUCTIONS, Reduction, _class_alphas, _real, check, invalid
from ._buffers import BFLOAT16, ELEMENT_TYPES, FLOAT16, numpy, sixteen_bit_patterns
from ._devices import DeviceArgument, entry

_ENTRIES = {operation: {suffix: getattr(_capi.lib, f"focal_softmax_{operation}_{suffix}")
                        for suffix in ("f32", "f64", "f16", "bf16")}
            for operation in ("forward", "backward", "forward_backward")}


def _element_and_storage(x, dtype):
    """The element type of a call and the numpy dtype its data are stored in (uint16 for 16-bit bit patterns)."""
    name = dtype if isinstance(dtype, str) or dtype is None else numpy.dtype(dtype).name
    if name is None:
        if x.dtype == numpy.uint16:
            raise TypeError("inputs is uint16: pass dtype='bfloat16' (or 'float16') to read it as 16-bit bit patterns")
        name = x.dtype.name
    if name not in ELEMENT_TYPES:
        raise TypeError(f"softmax_focal_loss computes float32, float64, float16 or bfloat16 data, not {name}")
    element = ELEMENT_TYPES[name]
    if element is BFLOAT16 or (element is FLOAT16 and x.dtype == numpy.uint16):
        if x.dtype != numpy.uint16:
            raise TypeError(f"dtype={name!r} takes inputs as uint16 bit patterns, not {x.dtype}")
        return element, numpy.dtype(numpy.uint16)
    return element, numpy.dtype(element.name)


def _contiguous(array):
    """An [N, C, d1, ...] array in C order (the library's [N, C, S] layout; no copy when it already is)."""
    return numpy.ascontiguousarray(array)


class SoftmaxCall:
    """The rows, targets and focal_options of one call, checked on the Python side (the library checks the rest)."""

    def __init__(self, inputs, targets, alpha, gamma, reduction, weight, ignore_index, label_smoothing, normalizer,
                 dtype, poly_epsilon=0.0, sample_dependent_gamma=False, device=None):
        self.device = device
        if numpy is None:
            raise ImportError("softmax_focal_loss needs numpy (or use focalaot.torch.softmax_focal_loss)")
        x = numpy.asarray(inputs)
        self.element, self.storage = _element_and_storage(x, dtype)
        if x.ndim == 1:  # one sample, torch's unbatched input
            x = x.reshape(1, -1)
        if x.ndim < 2:
            raise invalid(f"inputs has shape {x.shape}: it must be [N, C] or [N, C, d1, ...] (or [C] for one sample)")
        self.input_shape = x.shape
        self.classes = x.shape[1]
        self.loss_shape = (x.shape[0],) + x.shape[2:] if numpy.asarray(inputs).ndim > 1 else ()
        self.logits = _contiguous(x.astype(self.storage, copy=False))
        positions = int(numpy.prod(x.shape[2:], dtype=numpy.int64))  # S = d1 * ...; 1 for [N, C]
        self.rows = x.shape[0] if positions else 0                    # a zero-sized d_k: no samples
        self.spatial = max(positions, 1)
        self.samples = self.rows * self.spatial
        if not isinstance(ignore_index, numbers.Integral) or isinstance(ignore_index, bool):
            raise TypeError(f"ignore_index must be an integer, not {type(ignore_index).__name__}")
        if not -2**63 <= ignore_index < 2**63:  # ctypes would wrap it silently, maybe onto a real class index
            raise invalid(f"ignore_index must fit in int64, not {ignore_index}")
        self.ignore_index = int(ignore_index)
        self.targets, self.kind = self._targets(targets)
        self.struct = _capi.focal_options()
        check(_capi.lib.focal_options_init_sized(ctypes.byref(self.struct), ctypes.sizeof(self.struct)))
        try:
            self.struct.reduction = _REDUCTIONS[reduction]
        except (KeyError, TypeError):
            raise invalid("reduction must be 'none', 'sum', 'mean', 'normalized' or 'weighted_mean', "
                          f"not {reduction!r}") from None
        self.reduced = reduction != "none"
        self.struct.gamma = _real("gamma", gamma)
        self.struct.label_smoothing = _real("label_smoothing", label_smoothing)
        self.struct.poly_epsilon = _real("poly_epsilon", poly_epsilon)
        self.struct.sample_dependent_gamma = 1 if sample_dependent_gamma else 0
        self.struct.spatial = self.spatial
        self.struct.ignore_index = self.ignore_index
        if reduction == "normalized":
            if normalizer is None:
                raise invalid("reduction='normalized' needs normalizer, a number > 0 (the loss sum is divided by it)")
            self.struct.normalizer = _real("normalizer", normalizer)
        elif normalizer is not None:
            raise invalid(f"normalizer is used only with reduction='normalized', not with reduction={reduction!r}")
        classes = _class_alphas(alpha)
        if classes is None:
            self.struct.alpha = _real("alpha", alpha)
        else:
            if len(classes) != self.classes:
                raise invalid(f"alpha has {len(classes)} per-class values but inputs has {self.classes} classes "
                              f"(shape {self.input_shape}, classes in dimension 1)")
            self._class_alpha = (ctypes.c_double * len(classes))(*classes)
            self.struct.class_alpha = ctypes.cast(self._class_alpha, ctypes.POINTER(ctypes.c_double))
            self.struct.num_classes = len(classes)
        if weight is not None:
            w = numpy.asarray(weight)
            if w.size != self.samples or (w.shape != self.loss_shape and w.ndim != 1):
                raise invalid(f"weight has shape {w.shape} but the loss has shape {self.loss_shape}: one weight per "
                              "sample")
            self._weight = numpy.ascontiguousarray(self.stored(w.reshape(-1)))
            self.struct.weights = self._weight.ctypes.data

    def _targets(self, targets):
        y = numpy.asarray(targets)
        shape = y.shape if y.ndim > 1 else (1,) + y.shape  # as probabilities: [C] is one sample, like inputs
        # uint16 targets of the inputs' shape, with 16-bit inputs given as bit patterns, are bit patterns too.
        bit_patterns = y.dtype == numpy.uint16 and self.storage == numpy.uint16 and shape == self.input_shape
        if y.dtype.kind in "iub" and not bit_patterns:
            if y.shape != self.loss_shape and not (self.loss_shape == () and y.ndim == 0):
                raise invalid(f"targets has shape {y.shape} but class indices for inputs of shape {self.input_shape} "
                              f"must have shape {self.loss_shape}")
            kind = _capi.FOCAL_TARGET_INDEX_I32 if y.dtype == numpy.int32 else _capi.FOCAL_TARGET_INDEX_I64
            indices = y.reshape(-1)
            if indices.dtype == numpy.uint64:
                self._require_int64(indices)
            return numpy.ascontiguousarray(indices, dtype=numpy.int32 if kind == 0 else numpy.int64), kind
        if y.dtype.kind == "f" or bit_patterns:
            if shape != self.input_shape:
                raise invalid(f"targets has shape {y.shape} but target probabilities must have the shape of inputs, "
                              f"{self.input_shape}")
            return _contiguous(self.stored(y.reshape(shape))), _capi.FOCAL_TARGET_PROBABILITIES
        raise TypeError(f"targets must be class indices (an integer array) or probabilities (a float array), not "
                        f"{y.dtype}")

    def _require_int64(self, indices):
        """uint64 class indices past int64 would wrap to negative ones (ignore_index among them): refused by index."""
        past = numpy.flatnonzero(indices > numpy.iinfo(numpy.int64).max)
        if past.size:
            raise invalid(f"targets[{past[0]}] = {indices[past[0]]} is invalid: a class index must be in "
                          f"[0, {self.classes}) or equal ignore_index ({self.ignore_index}).")

    def stored(self, values):
        """Real values in the call's storage: converted (bfloat16 rounded to nearest even), or bit patterns as given."""
        if self.storage != numpy.uint16 or values.dtype == numpy.uint16:
            return values.astype(self.storage, copy=False)
        return sixteen_bit_patterns(values, self.element)

    def value(self, out):
        """The one reduced result as a Python float (16-bit bits widened exactly)."""
        return self.element.decode(int(out[0])) if self.storage == numpy.uint16 else float(out[0])

    @property
    def options(self):
        return ctypes.byref(self.struct)

    def arguments(self):
        """The leading C arguments: logits, rows, classes, targets, target_kind, options."""
        return (self.logits.ctypes.data_as(self.element.pointer_type), self.rows, self.classes,
                self.targets.ctypes.data, self.kind, self.options)

    def entry(self, operation):
        return entry(_ENTRIES[operation], "softmax", operation, self.element.suffix, self.device)

    def new_losses(self):
        return numpy.empty(self.samples, self.storage)

    def new_scalar(self):
        return numpy.empty(1, self.storage)

    def new_gradient(self):
        return numpy.empty_like(self.logits)

    def pointer(self, array):
        return array.ctypes.data_as(self.element.pointer_type)

    def losses(self, samples):
        """Per-sample losses in the loss's shape."""
        return samples.reshape(self.loss_shape)

    def gradient(self, values):
        """The gradient (in the logits' [N, C, S] layout) in the inputs' shape."""
        return values.reshape(self.input_shape)


def softmax_focal_loss(inputs, targets, alpha=0.25, gamma: float = 2.0, reduction: Reduction = "none", weight=None,
                       ignore_index: int = -100, label_smoothing: float = 0.0, normalizer: float | None = None,
                       dtype=None, poly_epsilon: float = 0.0,
                       sample_dependent_gamma: bool = False, device: DeviceArgument = None):
    """Softmax focal loss: -w Σ_j alpha_j y'_j (1 - p_j)^gamma log p_j per sample, p = softmax(inputs) over classes.

    inputs: logits [N, C] or [N, C, d1, ...] (float32, float64 or float16; bfloat16 as uint16 bit patterns with
        dtype="bfloat16"; [C] is one sample). 16-bit data compute in float, each result rounded once; results come
        back in the storage of inputs.
    targets: class indices of shape [N, d1, ...] (any integer dtype; ignore_index marks a sample to skip), or
        probabilities of the shape of inputs (soft targets; converted to the storage of inputs; with inputs as 16-bit
        bit patterns, uint16 targets of their shape are bit patterns of the same type).
    alpha: a number multiplying every class (mmcv's alpha; negative: none), or one weight per class (torch's
        cross_entropy weight=, any finite values >= 0; at most 3.4e38, float's largest, for float32, float16 and
        bfloat16 inputs, which compute in float).
    gamma: the focusing parameter, >= 0; gamma=0 with alpha=-1 is torch's cross_entropy.
    reduction: "none" (per sample), "sum", "mean" (over samples not ignored; NaN if none), "normalized"
        (sum / normalizer) or "weighted_mean" (sum / Σ weight·alpha[target] over samples not ignored: torch's mean
        with class weights).
    weight: None, or one weight per sample (the loss's shape), finite and >= 0.
    dtype: None (from inputs), or "float32", "float64", "float16", "bfloat16".
    label_smoothing: epsilon in [0, 1], as torch's cross_entropy(label_smoothing=).
    poly_epsilon: Poly-1 focal loss's epsilon (Leng et al., 2022), >= -1: each class adds
        poly_epsilon * weight * y'_j * (1 - p_j)^(gamma + 1) (no alpha). 0, the default, is the focal loss.
    sample_dependent_gamma: FLSD-53 (Mukhoti et al., 2020): gamma = 5 for a class with p < 0.2, else 3, in place of
        gamma (leave gamma at its default).
    device: None or "cpu" for the CPU, or an OpenCL device with fp64 (an index or a focalaot.Device from
        focalaot.devices()): the data is uploaded, computed there (the CPU's bits) and downloaded.

    Returns per-sample losses in the shape [N, d1, ...] for reduction "none", else a Python float.
    """
    call = SoftmaxCall(inputs, targets, alpha, gamma, reduction, weight, ignore_index, label_smoothing, normalizer,
                       dtype, poly_epsilon, sample_dependent_gamma, device)
    out = call.new_scalar() if call.reduced else call.new_losses()
    check(call.entry("forward")(*call.arguments(), call.pointer(out)))
    return call.value(out) if call.reduced else call.losses(out)


def softmax_focal_loss_backward(inputs, targets, grad_output=None, alpha=0.25, gamma: float = 2.0,
                                reduction: Reduction = "none", weight=None, ignore_index: int = -100,
                                label_smoothing: float = 0.0, normalizer: float | None = None, dtype=None,
                                poly_epsilon: float = 0.0, sample_dependent_gamma: bool = False,
                                device: DeviceArgument = None):
    """The gradient of softmax_focal_loss with respect to inputs, times grad_output (per sample for reduction
    "none", else a number; None means 1). Returns an array of the shape of inputs."""
    call = SoftmaxCall(inputs, targets, alpha, gamma, reduction, weight, ignore_index, label_smoothing, normalizer,
                       dtype, poly_epsilon, sample_dependent_gamma, device)
    upstream = None
    if grad_output is not None:
        values = call.stored(numpy.asarray(grad_output))
        if call.reduced and values.size != 1:
            raise invalid(f"grad_output has shape {values.shape} but reduction={reduction!r} gives one loss: pass one "
                          "number")
        if not call.reduced and values.size != call.samples:
            raise invalid(f"grad_output has shape {values.shape} but the loss has shape {call.loss_shape}")
        upstream = numpy.ascontiguousarray(values.reshape(-1))
    gradient = call.new_gradient()
    check(call.entry("backward")(*call.arguments(), None if upstream is None else call.pointer(upstream),
                                 call.pointer(gradient)))
    return call.gradient(gradient)


def softmax_focal_loss_forward_backward(inputs, targets, alpha=0.25, gamma: float = 2.0, reduction: Reduction = "none",
                                        weight=None, ignore_index: int = -100, label_smoothing: float = 0.0,
                                        normalizer: float | None = None, dtype=None, poly_epsilon: float = 0.0,
                                        sample_dependent_gamma: bool = False, device: DeviceArgument = None):
    """Loss and gradient in one pass: (softmax_focal_loss(...), softmax_focal_loss_backward(...)), bit for bit."""
    call = SoftmaxCall(inputs, targets, alpha, gamma, reduction, weight, ignore_index, label_smoothing, normalizer,
                       dtype, poly_epsilon, sample_dependent_gamma, device)
    out = call.new_scalar() if call.reduced else call.new_losses()
    gradient = call.new_gradient()
    check(call.entry("forward_backward")(*call.arguments(), call.pointer(out), call.pointer(gradient)))
    return (call.value(out) if call.reduced else call.losses(out)), call.gradient(gradient)


__all__ = ["softmax_focal_loss", "softmax_focal_loss_backward", "softmax_focal_loss_forward_backward"]
