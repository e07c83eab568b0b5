"""An autograd drop-in for torchvision.ops.sigmoid_focal_loss on CPU tensors, computed by libfocalaot.

dtypes: float32, float64, float16 and bfloat16 (16-bit tensors are computed in float and each result rounded
once). Only ``inputs`` receives a gradient: targets, weight, per-class alpha and normalizer are constants (labels
and settings), as in training; a targets or weight tensor that requires grad gets none (unlike torchvision, whose
loss is differentiable in the targets too: soft-target distillation needs torchvision's function). There is no
second derivative: differentiating the gradient again (create_graph=True, then a backward through the gradient)
raises RuntimeError instead of silently giving zeros. Tensors must be on the CPU; a non-contiguous tensor is
copied to a contiguous one first (the elements in their logical, row-major order).
"""

import ctypes
from collections.abc import Sequence
from typing import Literal

import torch as _torch

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
    def forward(ctx, inputs, targets, weight, alpha, gamma, reduction, normalizer, fused):
        element = _ELEMENT_TYPES[inputs.dtype]
        x = inputs.detach().contiguous()
        y = _data(targets, inputs.dtype)
        w = None if weight is None else _data(weight, inputs.dtype)
        options = _options(x, w, element, alpha, gamma, reduction, normalizer)
        out = _torch.empty_like(x) if not options.reduced else _torch.empty((), dtype=inputs.dtype)
        ctx.gradient = None
        ctx.settings = (alpha, gamma, reduction, normalizer)
        if not fused:
            _api.check(_api.FORWARD[element.suffix](
                _pointer(x, element), _pointer(y, element), x.numel(), options.pointer, _pointer(out, element)))
        else:
            # A training step: loss and gradient in one pass (the gradient for an upstream gradient of 1).
            gradient = _torch.empty_like(x)
            _api.check(_api.FORWARD_BACKWARD[element.suffix](
                _pointer(x, element), _pointer(y, element), x.numel(), options.pointer, _pointer(out, element),
                _pointer(gradient, element)))
            ctx.gradient = gradient
        ctx.save_for_backward(inputs, targets, weight)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        inputs, targets, weight = ctx.saved_tensors
        with _torch.no_grad():
            # The fused gradient is the one for an upstream gradient of 1 (a reduced loss, or the sum of the
            # losses); any other upstream gradient is applied by the backward entry, for the library's bits.
            gradient = ctx.gradient
            ctx.gradient = None  # a second backward (retain_graph) computes it again
            if gradient is None or not bool((grad_output == 1).all()):
                gradient = _backward(inputs, targets, weight, ctx.settings, grad_output)
        if _torch.is_grad_enabled():  # create_graph=True: this gradient may be differentiated again
            gradient = _NoSecondDerivative.apply(gradient, inputs)
        return gradient, None, None, None, None, None, None, None


def _backward(inputs, targets, weight, settings, grad_output):
    """The gradient with respect to inputs for an upstream gradient grad_output (one library backward call)."""
    alpha, gamma, reduction, normalizer = settings
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
    return gradient


class _NoSecondDerivative(_torch.autograd.Function):
    """The gradient, in a graph that refuses to be differentiated (the library has no second derivative)."""

    @staticmethod
    def forward(ctx, gradient, inputs):
        return gradient.clone()

    @staticmethod
    def backward(ctx, grad_output):
        raise RuntimeError(
            "focalaot.torch.sigmoid_focal_loss has no second derivative: its gradient cannot be differentiated "
            "again (double backward, e.g. a gradient penalty); use torchvision.ops.sigmoid_focal_loss for that")


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
    # With a gradient to come (a training step), the loss and the gradient are computed in one pass.
    fused = inputs.requires_grad and _torch.is_grad_enabled()
    return _SigmoidFocalLoss.apply(inputs, targets, weight, alpha, gamma, reduction, normalizer, fused)
