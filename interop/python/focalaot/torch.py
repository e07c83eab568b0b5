"""An autograd drop-in for torchvision.ops.sigmoid_focal_loss on CPU tensors, computed by libfocalaot.

dtypes: float32, float64, float16 and bfloat16 (16-bit tensors are computed in float and each result rounded
once). Only ``inputs`` receives a gradient: targets, weight, per-class alpha and normalizer are constants (labels
and settings), as in training. Tensors must be on the CPU; a non-contiguous tensor is copied to a contiguous
one first (the elements in their logical, row-major order).
"""

import ctypes
from collections.abc import Sequence
from typing import Literal

import torch as _torch
from torch.autograd.function import once_differentiable as _once_differentiable

from . import _api
from ._buffers import BFLOAT16, FLOAT16, FLOAT32, FLOAT64

_ELEMENT_TYPES = {_torch.float32: FLOAT32, _torch.float64: FLOAT64, _torch.float16: FLOAT16,
                  _torch.bfloat16: BFLOAT16}


def _pointer(tensor, element):
    """The address of a contiguous CPU tensor's data as the C entry's pointer type (NULL when empty)."""
    return ctypes.cast(ctypes.c_void_p(tensor.data_ptr() or None), element.pointer_type)


def _data(tensor, dtype):
    """A contiguous, detached copy or view of tensor in dtype."""
    return tensor.detach().to(dtype).contiguous()


class _SigmoidFocalLoss(_torch.autograd.Function):
    @staticmethod
    def forward(ctx, inputs, targets, weight, alpha, gamma, reduction, normalizer):
        element = _ELEMENT_TYPES[inputs.dtype]
        x = inputs.detach().contiguous()
        y = _data(targets, inputs.dtype)
        w = None if weight is None else _data(weight, inputs.dtype)
        options = _options(x, w, element, alpha, gamma, reduction, normalizer)
        out = _torch.empty_like(x) if not options.reduced else _torch.empty((), dtype=inputs.dtype)
        _api.check(_api.FORWARD[element.suffix](
            _pointer(x, element), _pointer(y, element), x.numel(), options.pointer, _pointer(out, element)))
        ctx.save_for_backward(inputs, targets, weight)
        ctx.settings = (alpha, gamma, reduction, normalizer)
        return out

    @staticmethod
    @_once_differentiable
    def backward(ctx, grad_output):
        inputs, targets, weight = ctx.saved_tensors
        alpha, gamma, reduction, normalizer = ctx.settings
        element = _ELEMENT_TYPES[inputs.dtype]
        x = inputs.detach().contiguous()
        y = _data(targets, inputs.dtype)
        w = None if weight is None else _data(weight, inputs.dtype)
        options = _options(x, w, element, alpha, gamma, reduction, normalizer)
        upstream = _data(grad_output, inputs.dtype)  # an expanded gradient (e.g. of a sum) becomes contiguous
        gradient = _torch.empty_like(x)
        _api.check(_api.BACKWARD[element.suffix](
            _pointer(x, element), _pointer(y, element), x.numel(), options.pointer, _pointer(upstream, element),
            _pointer(gradient, element)))
        return gradient, None, None, None, None, None, None


def _options(x, w, element, alpha, gamma, reduction, normalizer):
    options = _api.Options(alpha, gamma, reduction, normalizer, tuple(x.shape), x.numel())
    if w is not None:
        options.set_weights(_pointer(w, element), keep_alive=w)
    return options


def _require_tensor(name, value, inputs):
    if not isinstance(value, _torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, not {type(value).__name__}")
    if value.device.type != "cpu":
        raise ValueError(f"focalaot.torch works on CPU tensors; {name} is on {value.device}")
    if value.layout != _torch.strided:
        raise ValueError(f"{name} must be a dense (strided) tensor, not {value.layout}")
    if value.shape != inputs.shape:
        raise _api.invalid(f"{name} has shape {tuple(value.shape)} but inputs has shape {tuple(inputs.shape)}; "
                           "they must match")


def sigmoid_focal_loss(inputs: _torch.Tensor, targets: _torch.Tensor,
                       alpha: float | Sequence[float] | _torch.Tensor = 0.25, gamma: float = 2.0,
                       reduction: Literal["none", "sum", "mean", "normalized", "weighted_mean"] = "none",
                       weight: _torch.Tensor | None = None,
                       normalizer: float | _torch.Tensor | None = None) -> _torch.Tensor:
    """torchvision.ops.sigmoid_focal_loss, computed by libfocalaot; differentiable with respect to inputs.

    inputs: a float32, float64, float16 or bfloat16 CPU tensor of logits; targets: probabilities in [0, 1] of
    the same shape (any real dtype; converted to the dtype of inputs).
    alpha: a number in [0, 1] (negative: none), or a sequence / tensor of one alpha per class (element i has
        class i % C: inputs laid out [N, C]).
    reduction: "none", "sum", "mean", "normalized" (sum / normalizer, which must be > 0) or "weighted_mean"
        (sum of weight * loss / sum of weights).
    weight: None, or per-element weights of the shape of inputs, finite and >= 0 (0 gives exactly 0).
    normalizer: a number or a one-element tensor, for reduction "normalized" only.

    Returns a tensor like inputs for reduction "none", else a 0-d tensor of the dtype of inputs.
    """
    if not isinstance(inputs, _torch.Tensor):
        raise TypeError(f"inputs must be a torch.Tensor, not {type(inputs).__name__}")
    if inputs.dtype not in _ELEMENT_TYPES:
        raise TypeError(f"inputs must be float32, float64, float16 or bfloat16, not {inputs.dtype}")
    _require_tensor("inputs", inputs, inputs)
    _require_tensor("targets", targets, inputs)
    if weight is not None:
        _require_tensor("weight", weight, inputs)
    if isinstance(alpha, _torch.Tensor):
        alpha = alpha.tolist()  # per-class alphas are settings, not differentiable inputs
    if isinstance(normalizer, _torch.Tensor):
        normalizer = float(normalizer)
    return _SigmoidFocalLoss.apply(inputs, targets, weight, alpha, gamma, reduction, normalizer)
