"""The Pythonic API: torchvision's argument names and defaults over the C ABI, plus weights, per-class alpha,
the normalized and weighted-mean reductions, and float16 / bfloat16 data."""

import ctypes
import numbers
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeAlias

from . import _capi
from ._buffers import Operand, Scalar, element_type
from ._devices import Device, DeviceArgument, entry

if TYPE_CHECKING:
    import numpy

# The types of the public functions' arguments and results.
ArrayLike: TypeAlias = Any
"""A numpy array (float32, float64, float16, or uint16 bit patterns of float16 / bfloat16), a buffer
(array.array, memoryview) of float32 / float64 (or uint16 bits), or a list of numbers (float64); results of
reduction "none" come back like it (a list's as a numpy array)."""


class HasToList(Protocol):
    """A numpy array or torch tensor of per-class alphas (anything with tolist())."""

    def tolist(self) -> Any: ...


Alpha: TypeAlias = float | Sequence[float] | HasToList
Reduction: TypeAlias = Literal["none", "sum", "mean", "normalized", "weighted_mean"]
# A name, a numpy scalar type (numpy.float32) or a numpy dtype.
DType: TypeAlias = 'Literal["float32", "float64", "float16", "bfloat16"] | type | numpy.dtype[Any] | None'

_REDUCTIONS = {
    "none": _capi.FOCAL_REDUCTION_NONE,
    "sum": _capi.FOCAL_REDUCTION_SUM,
    "mean": _capi.FOCAL_REDUCTION_MEAN,
    "normalized": _capi.FOCAL_REDUCTION_NORMALIZED,
    "weighted_mean": _capi.FOCAL_REDUCTION_WEIGHTED_MEAN,
}

# The C entries by element type (the suffix of their names).
FORWARD = {
    "f32": _capi.lib.focal_sigmoid_forward_f32,
    "f64": _capi.lib.focal_sigmoid_forward_f64,
    "f16": _capi.lib.focal_sigmoid_forward_f16,
    "bf16": _capi.lib.focal_sigmoid_forward_bf16,
}
BACKWARD = {
    "f32": _capi.lib.focal_sigmoid_backward_f32,
    "f64": _capi.lib.focal_sigmoid_backward_f64,
    "f16": _capi.lib.focal_sigmoid_backward_f16,
    "bf16": _capi.lib.focal_sigmoid_backward_bf16,
}
FORWARD_BACKWARD = {
    "f32": _capi.lib.focal_sigmoid_forward_backward_f32,
    "f64": _capi.lib.focal_sigmoid_forward_backward_f64,
    "f16": _capi.lib.focal_sigmoid_forward_backward_f16,
    "bf16": _capi.lib.focal_sigmoid_forward_backward_bf16,
}


class FocalError(ValueError):
    """A call into libfocalaot failed; the message is the library's and names the argument and the rule."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


# The library's messages name the C arguments; these are the Python arguments they stand for.
_C_NAMES = re.compile(r"\boptions->(class_alpha|weights|[a-z_]+)|\bgrad_out\b|\blogits\b")
_PYTHON_NAMES = {"options->class_alpha": "alpha", "options->weights": "weight", "grad_out": "grad_output",
                 "logits": "inputs"}


def library_message(status=_capi.FOCAL_ERROR_INVALID_ARGUMENT):
    """The message of the library's last failure on this thread; an argument error's names the Python arguments
    (other messages, such as an OpenCL build log, are left as they are)."""
    message = _capi.last_error_message()
    if status not in (_capi.FOCAL_ERROR_NULL_POINTER, _capi.FOCAL_ERROR_INVALID_ARGUMENT):
        return message
    return _C_NAMES.sub(lambda m: _PYTHON_NAMES.get(m.group(0), m.group(1) or m.group(0)), message)


def check(status):
    """Raises FocalError with the library's message for a failed status."""
    if status != _capi.FOCAL_OK:
        raise FocalError(status, library_message(status))


def invalid(message):
    """A FocalError for an argument that breaks a rule checked on the Python side."""
    return FocalError(_capi.FOCAL_ERROR_INVALID_ARGUMENT, message)


def _real(name, value):
    # A bool is a number to Python, but gamma=True is a slip, not 1.0 (numpy's bool_, named bool from numpy 2, likewise).
    if isinstance(value, (str, bytes, bool)) or type(value).__name__ in ("bool", "bool_"):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}") from None


def _class_alphas(alpha):
    """None for one alpha (a number), else the list of per-class alphas (a sequence, array or tensor)."""
    if isinstance(alpha, numbers.Real):
        return None
    to_list = getattr(alpha, "tolist", None)  # numpy arrays and torch tensors (0-d ones give a number)
    values = to_list() if callable(to_list) else alpha
    if isinstance(values, numbers.Real):
        return None
    if isinstance(values, (str, bytes)):
        raise TypeError(f"alpha must be a number or a sequence of per-class alphas, not {type(alpha).__name__}")
    try:
        values = list(values)
    except TypeError:
        raise TypeError(
            f"alpha must be a number or a sequence of per-class alphas, not {type(alpha).__name__}") from None
    if not all(isinstance(v, numbers.Real) for v in values):
        raise TypeError("alpha must be a number or a flat sequence of numbers (one alpha per class)")
    if not values:
        raise invalid("alpha is an empty sequence: give one alpha per class (at least one), or a number")
    return [float(v) for v in values]


class Options:
    """A focal_options struct for one call, and the Python objects its pointers point into.

    shape and length describe inputs: per-class alphas need the classes to be the last dimension ([N, C]) of a
    multi-dimensional inputs, or the length of a flat one to be a multiple of the number of classes.
    """

    def __init__(self, alpha, gamma, reduction, normalizer, shape, length, poly_epsilon=0.0, sample_dependent_gamma=False):
        try:
            self.reduction = _REDUCTIONS[reduction]
        except (KeyError, TypeError):
            raise invalid("reduction must be 'none', 'sum', 'mean', 'normalized' or 'weighted_mean', "
                          f"not {reduction!r}") from None
        self.struct = _capi.focal_options()
        check(_capi.lib.focal_options_init_sized(ctypes.byref(self.struct), ctypes.sizeof(self.struct)))
        self.struct.reduction = self.reduction
        self.struct.gamma = _real("gamma", gamma)
        self.struct.poly_epsilon = _real("poly_epsilon", poly_epsilon)
        self.struct.sample_dependent_gamma = 1 if sample_dependent_gamma else 0
        if self.reduction == _capi.FOCAL_REDUCTION_NORMALIZED:
            if normalizer is None:
                raise invalid("reduction='normalized' needs normalizer, a number > 0 (the loss sum is divided by "
                              "it; RetinaNet uses the number of positive anchors)")
            self.struct.normalizer = _real("normalizer", normalizer)
        elif normalizer is not None:
            raise invalid(f"normalizer is used only with reduction='normalized', not with reduction={reduction!r}")
        classes = _class_alphas(alpha)
        if classes is None:
            self.struct.alpha = _real("alpha", alpha)
            self._class_alpha = None
        else:
            count = len(classes)
            if len(shape) >= 2 and shape[-1] != count:
                raise invalid(f"alpha has {count} per-class values but inputs has shape {tuple(shape)}: element i "
                              f"has class i % {count}, so the last dimension of inputs must be {count}")
            if len(shape) < 2 and length % count != 0:
                raise invalid(f"alpha has {count} per-class values but inputs has {length} elements, not a "
                              f"multiple of {count} (element i has class i % {count})")
            self._class_alpha = (ctypes.c_double * count)(*classes)
            self.struct.class_alpha = ctypes.cast(self._class_alpha, ctypes.POINTER(ctypes.c_double))
            self.struct.num_classes = count
        self._weights = None

    @property
    def reduced(self):
        """True when the loss is one number (every reduction but 'none')."""
        return self.reduction != _capi.FOCAL_REDUCTION_NONE

    def set_weights(self, pointer, keep_alive=None):
        """Points the options at n weights of the call's element type (a ctypes pointer or an address)."""
        self._weights = keep_alive
        self.struct.weights = ctypes.cast(pointer, ctypes.c_void_p).value

    @property
    def pointer(self):
        return ctypes.byref(self.struct)


def _prepare(inputs, targets, alpha, gamma, reduction, weight, normalizer, dtype, poly_epsilon, sample_dependent_gamma):
    """The operands and options of one call, checked on the Python side."""
    x = Operand("inputs", inputs, element=element_type(dtype))
    y = Operand("targets", targets, like=x)
    _require_same_shape(x, y)
    options = Options(alpha, gamma, reduction, normalizer, x.shape, x.length, poly_epsilon, sample_dependent_gamma)
    if weight is not None:
        w = Operand("weight", weight, like=x)
        _require_same_shape(x, w)
        options.set_weights(w.pointer, keep_alive=w)
    return x, y, options


def _require_same_shape(x, other):
    if x.shape != other.shape and (x.is_numpy or other.is_numpy or x.length != other.length):
        raise invalid(f"{other.name} has shape {tuple(other.shape)} but inputs has shape {tuple(x.shape)}; "
                      "they must match")


def sigmoid_focal_loss(inputs: ArrayLike, targets: ArrayLike, alpha: Alpha = 0.25, gamma: float = 2.0,
                       reduction: Reduction = "none", weight: ArrayLike | None = None, normalizer: float | None = None,
                       dtype: DType = None, device: DeviceArgument = None, poly_epsilon: float = 0.0,
                       sample_dependent_gamma: bool = False) -> ArrayLike | float:
    """Sigmoid focal loss, as torchvision.ops.sigmoid_focal_loss, with per-element weights and per-class alpha.

    inputs: logits; targets: probabilities in [0, 1] of the same shape. numpy arrays (float32, float64,
    float16) or buffers (array.array 'f' / 'd'); bfloat16 data are uint16 bit patterns with dtype="bfloat16".
    targets and weight take the element type of inputs.

    alpha: the class balance in [0, 1], negative for none; or a sequence (list, numpy array, torch tensor) of
        one alpha per class, where element i has class i % C (inputs laid out [N, C]).
    gamma: the focusing parameter, >= 0.
    reduction: "none" (per element), "sum", "mean", "normalized" (sum / normalizer) or "weighted_mean"
        (sum of weight * loss / sum of weights).
    weight: None, or per-element weights like inputs, finite and >= 0 (0 gives exactly 0: an ignored element).
    normalizer: the divisor of reduction "normalized", > 0 (e.g. the number of positive anchors).
    dtype: None (from inputs), or "float32", "float64", "float16", "bfloat16"; the 16-bit types also take
        uint16 bit patterns.
    device: None or "cpu" for the CPU, or an OpenCL device (an index or a focalaot.Device from
        focalaot.devices()): the data is uploaded, computed there (the CPU's bits) and downloaded.
    poly_epsilon: Poly-1 focal loss's epsilon (Leng et al., 2022), >= -1: each element adds
        poly_epsilon * weight * (1 - p_t)^(gamma + 1) (no alpha). 0, the default, is the focal loss.
    sample_dependent_gamma: FLSD-53 (Mukhoti et al., 2020): gamma = 5 where p_t < 0.2, else 3, per element, in
        place of gamma (which must keep its default).

    Returns an array like inputs for reduction "none", else a Python float.
    """
    x, y, options = _prepare(inputs, targets, alpha, gamma, reduction, weight, normalizer, dtype, poly_epsilon,
                             sample_dependent_gamma)
    forward = entry(FORWARD, "sigmoid", "forward", x.element.suffix, device)
    if not options.reduced:
        out = x.new_like()
        check(forward(x.pointer, y.pointer, x.length, options.pointer, out.pointer))
        return out.value
    cell = Scalar(x.element)
    check(forward(x.pointer, y.pointer, x.length, options.pointer, cell.pointer))
    return cell.value


def sigmoid_focal_loss_backward(inputs: ArrayLike, targets: ArrayLike, grad_output: ArrayLike | float | None = None,
                                alpha: Alpha = 0.25, gamma: float = 2.0, reduction: Reduction = "none",
                                weight: ArrayLike | None = None, normalizer: float | None = None, dtype: DType = None,
                                device: DeviceArgument = None, poly_epsilon: float = 0.0,
                                sample_dependent_gamma: bool = False) -> ArrayLike:
    """The gradient of sigmoid_focal_loss with respect to inputs, times grad_output.

    grad_output: for reduction "none" an array like inputs, else a number; None means 1. The other arguments
    (device included) are sigmoid_focal_loss's. Returns an array like inputs.
    """
    x, y, options = _prepare(inputs, targets, alpha, gamma, reduction, weight, normalizer, dtype, poly_epsilon,
                             sample_dependent_gamma)
    gradient = x.new_like()
    upstream: Scalar | Operand | None  # kept alive until the call returns
    if grad_output is None:
        upstream = None
        upstream_pointer = None
    elif options.reduced:
        upstream = Scalar(x.element, _upstream_number(grad_output, reduction))
        upstream_pointer = upstream.pointer
    else:
        operand = Operand("grad_output", grad_output, like=x)
        if operand.length != x.length:
            raise invalid(f"grad_output has {operand.length} elements but inputs has {x.length}")
        _require_same_shape(x, operand)
        upstream = operand
        upstream_pointer = operand.pointer
    backward = entry(BACKWARD, "sigmoid", "backward", x.element.suffix, device)
    check(backward(x.pointer, y.pointer, x.length, options.pointer, upstream_pointer, gradient.pointer))
    return gradient.value


def _upstream_number(grad_output: ArrayLike | float, reduction: Reduction) -> float:
    """The upstream gradient of a reduced loss: one number (a Python or numpy number, or a one-element array)."""
    size = getattr(grad_output, "size", None)  # numpy arrays and numpy numbers
    if isinstance(size, int) and size != 1:
        raise invalid(f"grad_output has shape {tuple(grad_output.shape)} but reduction={reduction!r} gives one loss: "
                      "pass one number (or reduction='none' for a per-element grad_output)")
    try:
        return _real("grad_output", grad_output)
    except TypeError:
        raise TypeError(f"grad_output must be a number for reduction={reduction!r} (the gradient of the one reduced "
                        f"loss), not {type(grad_output).__name__}") from None


def sigmoid_focal_loss_forward_backward(inputs: ArrayLike, targets: ArrayLike, alpha: Alpha = 0.25, gamma: float = 2.0,
                                        reduction: Reduction = "none", weight: ArrayLike | None = None,
                                        normalizer: float | None = None, dtype: DType = None,
                                        device: DeviceArgument = None, poly_epsilon: float = 0.0,
                                        sample_dependent_gamma: bool = False) -> tuple[ArrayLike | float, ArrayLike]:
    """Loss and gradient in one pass: (sigmoid_focal_loss(...), sigmoid_focal_loss_backward(...)), bit for bit."""
    x, y, options = _prepare(inputs, targets, alpha, gamma, reduction, weight, normalizer, dtype, poly_epsilon,
                             sample_dependent_gamma)
    gradient = x.new_like()
    fused = entry(FORWARD_BACKWARD, "sigmoid", "forward_backward", x.element.suffix, device)
    if not options.reduced:
        loss = x.new_like()
        check(fused(x.pointer, y.pointer, x.length, options.pointer, loss.pointer, gradient.pointer))
        return loss.value, gradient.value
    cell = Scalar(x.element)
    check(fused(x.pointer, y.pointer, x.length, options.pointer, cell.pointer, gradient.pointer))
    return cell.value, gradient.value


def devices() -> list[Device]:
    """The OpenCL devices of this machine (an empty list without an OpenCL library, platform or device)."""
    result = []
    for index in range(_capi.lib.focal_device_count()):
        info = _capi.focal_device_info()
        info.struct_size = ctypes.sizeof(info)
        status = _capi.lib.focal_device_get_info(index, ctypes.byref(info))
        check(status)
        result.append(Device(index, info.name.decode("utf-8", "replace"), info.vendor.decode("utf-8", "replace"),
                             info.version.decode("utf-8", "replace"), bool(info.fp64)))
    return result


def unavailable_reason() -> str:
    """Why devices() is empty ("" when there are devices)."""
    needed = ctypes.c_size_t()
    _capi.lib.focal_device_unavailable_reason(None, 0, ctypes.byref(needed))
    buffer = ctypes.create_string_buffer(max(needed.value, 1))
    _capi.lib.focal_device_unavailable_reason(buffer, len(buffer), None)
    return buffer.value.decode("utf-8", "replace")


def version() -> str:
    """The library version string."""
    return _capi.lib.focal_version().decode("ascii")


def loaded_variant() -> str:
    """The libfocalaot variant that runs the calls: "x86-64-v4", "x86-64-v3", "x86-64-v2" or "arm64"."""
    return _capi.lib.focal_loaded_variant().decode("ascii")


def get_isa() -> int:
    """The active SIMD path: FOCAL_ISA_SCALAR, _VECTOR128, _AVX2 or _AVX512."""
    isa = _capi.lib.focal_get_isa()
    if isa < 0:
        raise FocalError(_capi.FOCAL_ERROR_INTERNAL, library_message(_capi.FOCAL_ERROR_INTERNAL))
    return isa


def set_max_isa(isa: int) -> None:
    """Caps the SIMD path (process-wide); results do not change."""
    check(_capi.lib.focal_set_max_isa(isa))


def set_num_threads(threads: int) -> None:
    """The most threads one call may use (0: one per processor); results do not change."""
    check(_capi.lib.focal_set_num_threads(threads))
