"""The Pythonic API: torchvision's argument names and defaults over the C ABI."""

import ctypes

from . import _capi
from ._buffers import Operand, numpy, scalar

_REDUCTIONS = {"none": _capi.FOCAL_REDUCTION_NONE, "sum": _capi.FOCAL_REDUCTION_SUM, "mean": _capi.FOCAL_REDUCTION_MEAN}


class FocalError(ValueError):
    """A call into libfocalaot failed; the message is the library's and names the argument and the rule."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def _check(status):
    if status != _capi.FOCAL_OK:
        raise FocalError(status, _capi.last_error_message())


def _reduction_code(reduction):
    try:
        return _REDUCTIONS[reduction]
    except (KeyError, TypeError):
        raise FocalError(_capi.FOCAL_ERROR_INVALID_ARGUMENT,
                         f"reduction must be 'none', 'mean' or 'sum', not {reduction!r}") from None


def _operands(inputs, targets):
    x = Operand("inputs", inputs)
    if x.is_numpy:
        targets = numpy.asarray(targets)  # labels may come as lists, ints or bools; they take the logits' type
    y = Operand("targets", targets, code=x.code)
    if x.shape != y.shape and (x.is_numpy or x.length != y.length):
        raise FocalError(_capi.FOCAL_ERROR_INVALID_ARGUMENT,
                         f"targets has shape {y.shape} but inputs has shape {x.shape}; they must match")
    return x, y


def _function(operation, operand):
    return getattr(_capi.lib, f"focal_sigmoid_{operation}_{operand.suffix}")


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="none"):
    """Sigmoid focal loss, as torchvision.ops.sigmoid_focal_loss.

    inputs: logits; targets: probabilities in [0, 1] of the same shape (numpy arrays or float32/float64
    buffers). Returns an array like inputs for reduction "none", else a float.
    """
    code = _reduction_code(reduction)
    x, y = _operands(inputs, targets)
    forward = _function("forward", x)
    if code == _capi.FOCAL_REDUCTION_NONE:
        out = x.new_like()
        _check(forward(x.pointer, y.pointer, x.length, gamma, alpha, code, out.pointer))
        return out.value
    cell = scalar(x.code)
    _check(forward(x.pointer, y.pointer, x.length, gamma, alpha, code, ctypes.byref(cell)))
    return cell.value


def sigmoid_focal_loss_backward(inputs, targets, grad_output=None, alpha=0.25, gamma=2.0, reduction="none"):
    """The gradient of sigmoid_focal_loss with respect to inputs, times grad_output.

    grad_output: for reduction "none" an array like inputs, else a number; None means 1.
    Returns an array like inputs.
    """
    code = _reduction_code(reduction)
    x, y = _operands(inputs, targets)
    gradient = x.new_like()
    upstream = None
    if grad_output is not None and code == _capi.FOCAL_REDUCTION_NONE:
        upstream = Operand("grad_output", grad_output, code=x.code)
        if upstream.length != x.length:
            raise FocalError(_capi.FOCAL_ERROR_INVALID_ARGUMENT,
                             f"grad_output has {upstream.length} elements but inputs has {x.length}")
        upstream_pointer = upstream.pointer
    elif grad_output is not None:
        upstream = scalar(x.code, float(grad_output))
        upstream_pointer = ctypes.cast(ctypes.byref(upstream), type(x.pointer))
    else:
        upstream_pointer = None
    _check(_function("backward", x)(x.pointer, y.pointer, x.length, gamma, alpha, code, upstream_pointer,
                                    gradient.pointer))
    return gradient.value


def sigmoid_focal_loss_forward_backward(inputs, targets, alpha=0.25, gamma=2.0, reduction="none"):
    """Loss and gradient in one pass: (sigmoid_focal_loss(...), sigmoid_focal_loss_backward(...))."""
    code = _reduction_code(reduction)
    x, y = _operands(inputs, targets)
    gradient = x.new_like()
    fused = _function("forward_backward", x)
    if code == _capi.FOCAL_REDUCTION_NONE:
        loss = x.new_like()
        _check(fused(x.pointer, y.pointer, x.length, gamma, alpha, code, loss.pointer, gradient.pointer))
        return loss.value, gradient.value
    cell = scalar(x.code)
    _check(fused(x.pointer, y.pointer, x.length, gamma, alpha, code, ctypes.byref(cell), gradient.pointer))
    return cell.value, gradient.value


def version():
    """The library version string."""
    return _capi.lib.focal_version().decode("ascii")


def get_isa():
    """The active SIMD path: FOCAL_ISA_SCALAR, _VECTOR128, _AVX2 or _AVX512."""
    isa = _capi.lib.focal_get_isa()
    if isa < 0:
        raise FocalError(_capi.FOCAL_ERROR_INTERNAL, _capi.last_error_message())
    return isa


def set_max_isa(isa):
    """Caps the SIMD path (process-wide); results do not change."""
    _check(_capi.lib.focal_set_max_isa(isa))


def set_num_threads(threads):
    """The most threads one call may use (0: one per processor); results do not change."""
    _check(_capi.lib.focal_set_num_threads(threads))
