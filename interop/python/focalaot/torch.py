"""Autograd drop-ins on CPU tensors, computed by libfocalaot: torchvision.ops.sigmoid_focal_loss, and
softmax_focal_loss, the multi-class form (torch's cross_entropy layout and arguments).

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

from . import _api, _softmax
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
    def forward(ctx, inputs, targets, weight, settings, fused):
        element = _ELEMENT_TYPES[inputs.dtype]
        x = inputs.detach().contiguous()
        y = _data(targets, inputs.dtype)
        w = None if weight is None else _data(weight, inputs.dtype)
        options = _options(x, w, element, settings)
        out = _torch.empty_like(x) if not options.reduced else _torch.empty((), dtype=inputs.dtype)
        ctx.gradient = None
        ctx.settings = settings
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
            if gradient is None or not _is_one(grad_output):
                gradient = _backward(inputs, targets, weight, ctx.settings, grad_output)
        if _torch.is_grad_enabled():  # create_graph=True: this gradient may be differentiated again
            gradient = _NoSecondDerivative.apply(gradient, inputs, "sigmoid_focal_loss")
        return gradient, None, None, None, None


def _is_one(grad_output):
    """Whether every upstream gradient is 1 (a reduced loss's one value read as a number: cheaper than tensor ops)."""
    return grad_output.item() == 1 if grad_output.numel() == 1 else bool((grad_output == 1).all())


def _backward(inputs, targets, weight, settings, grad_output):
    """The gradient with respect to inputs for an upstream gradient grad_output (one library backward call)."""
    element = _ELEMENT_TYPES[inputs.dtype]
    x = inputs.detach().contiguous()
    y = _data(targets, inputs.dtype)
    w = None if weight is None else _data(weight, inputs.dtype)
    options = _options(x, w, element, settings)
    upstream = _data(grad_output, inputs.dtype)  # an expanded gradient (e.g. of a sum) becomes contiguous
    gradient = _torch.empty_like(x)
    _api.check(_api.BACKWARD[element.suffix](
        _pointer(x, element), _pointer(y, element), x.numel(), options.pointer, _pointer(upstream, element),
        _pointer(gradient, element)))
    return gradient


class _NoSecondDerivative(_torch.autograd.Function):
    """The gradient, in a graph that refuses to be differentiated (the library has no second derivative)."""

    _ALTERNATIVES = {"sigmoid_focal_loss": "torchvision.ops.sigmoid_focal_loss",
                     "softmax_focal_loss": "a composite of torch operations (log_softmax, then the focal terms)"}

    @staticmethod
    def forward(ctx, gradient, inputs, function):
        ctx.function = function
        return gradient.clone()

    @staticmethod
    def backward(ctx, grad_output):
        raise RuntimeError(
            f"focalaot.torch.{ctx.function} has no second derivative: its gradient cannot be differentiated again "
            f"(double backward, e.g. a gradient penalty); use {_NoSecondDerivative._ALTERNATIVES[ctx.function]} for that")


def _number(name, value):
    """A one-element tensor as a Python float (other values unchanged, for the library's own checks)."""
    if not isinstance(value, _torch.Tensor):
        return value
    if value.numel() != 1:
        raise _api.invalid(f"{name} must be a number or a one-element tensor, not a tensor of shape {tuple(value.shape)}")
    return float(value)


def _options(x, w, element, settings):
    """settings: (alpha, gamma, reduction, normalizer, poly_epsilon, sample_dependent_gamma)."""
    alpha, gamma, reduction, normalizer, poly_epsilon, sample_dependent_gamma = settings
    options = _api.Options(alpha, gamma, reduction, normalizer, tuple(x.shape), x.numel(), poly_epsilon,
                           sample_dependent_gamma)
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
                       normalizer: float | _torch.Tensor | None = None, poly_epsilon: float = 0.0,
                       sample_dependent_gamma: bool = False) -> _torch.Tensor:
    """torchvision.ops.sigmoid_focal_loss, computed by libfocalaot; differentiable with respect to inputs.

    inputs: a float32, float64, float16 or bfloat16 CPU tensor of logits; targets: probabilities in [0, 1] of
    the same shape (any real dtype; converted to the dtype of inputs).
    alpha: a number in [0, 1] (negative: none), or a sequence / tensor of one alpha per class (element i has
        class i % C: inputs laid out [N, C]).
    reduction: "none", "sum", "mean", "normalized" (sum / normalizer, which must be > 0) or "weighted_mean"
        (sum of weight * loss / sum of weights).
    weight: None, or per-element weights of the shape of inputs, finite and >= 0 (0 gives exactly 0).
    normalizer: a number or a one-element tensor, for reduction "normalized" only.
    poly_epsilon: Poly-1 focal loss's epsilon, >= -1: each element adds poly_epsilon * weight * (1 - p_t)^(gamma + 1).
    sample_dependent_gamma: FLSD-53: gamma = 5 where p_t < 0.2, else 3, per element (gamma must keep its default).

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
    normalizer = _number("normalizer", normalizer)
    # With a gradient to come (a training step), the loss and the gradient are computed in one pass.
    fused = inputs.requires_grad and _torch.is_grad_enabled()
    settings = (alpha, gamma, reduction, normalizer, poly_epsilon, sample_dependent_gamma)
    return _SigmoidFocalLoss.apply(inputs, targets, weight, settings, fused)


def _softmax_numpy(tensor):
    """A CPU tensor's data as a numpy array for focalaot._softmax (bfloat16 as uint16 bit patterns)."""
    data = tensor.detach().contiguous()
    return data.view(_torch.int16).numpy().view("uint16") if data.dtype == _torch.bfloat16 else data.numpy()


def _softmax_tensor(array, dtype):
    """A numpy result of focalaot._softmax as a tensor of dtype (uint16 bit patterns of bfloat16 reinterpreted)."""
    if dtype == _torch.bfloat16:
        return _torch.from_numpy(array.view("int16")).view(_torch.bfloat16)
    return _torch.from_numpy(array)


class _SoftmaxFocalLoss(_torch.autograd.Function):
    @staticmethod
    def forward(ctx, inputs, targets, weight, settings, fused):
        x, y = _softmax_numpy(inputs), _softmax_numpy(targets)
        w = None if weight is None else _softmax_numpy(weight.to(inputs.dtype))
        ctx.settings = settings
        ctx.gradient = None
        if fused:
            # A training step: loss and gradient in one pass (the gradient for an upstream gradient of 1).
            loss, gradient = _softmax.softmax_focal_loss_forward_backward(x, y, weight=w, **settings)
            ctx.gradient = _softmax_tensor(gradient, inputs.dtype)
        else:
            loss = _softmax.softmax_focal_loss(x, y, weight=w, **settings)
        ctx.save_for_backward(inputs, targets, weight)
        return _torch.tensor(loss, dtype=inputs.dtype) if isinstance(loss, float) else _softmax_tensor(loss, inputs.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        inputs, targets, weight = ctx.saved_tensors
        with _torch.no_grad():
            gradient = ctx.gradient
            ctx.gradient = None  # a second backward (retain_graph) computes it again
            if gradient is None or not _is_one(grad_output):
                w = None if weight is None else _softmax_numpy(weight.to(inputs.dtype))
                upstream = _softmax_numpy(grad_output.to(inputs.dtype))
                gradient = _softmax_tensor(_softmax.softmax_focal_loss_backward(
                    _softmax_numpy(inputs), _softmax_numpy(targets), upstream, weight=w, **ctx.settings), inputs.dtype)
        if _torch.is_grad_enabled():  # create_graph=True: this gradient may be differentiated again
            gradient = _NoSecondDerivative.apply(gradient, inputs, "softmax_focal_loss")
        return gradient, None, None, None, None


def softmax_focal_loss(inputs: _torch.Tensor, targets: _torch.Tensor,
                       alpha: float | Sequence[float] | _torch.Tensor = 0.25, gamma: float = 2.0,
                       reduction: Literal["none", "sum", "mean", "normalized", "weighted_mean"] = "none",
                       weight: _torch.Tensor | None = None, ignore_index: int = -100, label_smoothing: float = 0.0,
                       normalizer: float | _torch.Tensor | None = None, poly_epsilon: float = 0.0,
                       sample_dependent_gamma: bool = False) -> _torch.Tensor:
    """Softmax focal loss, computed by libfocalaot; differentiable with respect to inputs.

    The multi-class form: per sample, -w Σ_j alpha_j y'_j (1 - p_j)^gamma log p_j with p = softmax over dimension 1
    and y' = (1 - label_smoothing) y + label_smoothing / C. With gamma=0 and alpha=-1 it is torch's
    ``cross_entropy``; with class-index targets and a scalar alpha it is mmcv's ``softmax_focal_loss`` and kornia's
    ``focal_loss`` (kornia and mmcv reduce with mean over samples, as reduction="mean" does here).

    inputs: a float32, float64, float16 or bfloat16 CPU tensor of logits [N, C] or [N, C, d1, ...] (or [C]); 16-bit
        tensors compute in float, each result rounded once.
    targets: class indices [N, d1, ...] (an integer tensor; ignore_index skips a sample), or probabilities of the
        shape of inputs.
    alpha: a number multiplying every class (negative: none), or one weight per class (a sequence or tensor, like
        cross_entropy's weight=).
    reduction: "none" (per sample), "sum", "mean" (over samples not ignored), "normalized" (sum / normalizer) or
        "weighted_mean" (sum / Σ weight·alpha[target]: cross_entropy's mean with class weights).
    weight: None, or one weight per sample (the loss's shape), finite and >= 0.
    poly_epsilon: Poly-1 focal loss (Leng et al., 2022): each class adds poly_epsilon * weight * y'_j *
        (1 - p_j)^(gamma + 1); 0 is the focal loss.
    sample_dependent_gamma: FLSD-53 (Mukhoti et al., 2020): gamma = 5 for a class with p < 0.2, else 3.

    Returns per-sample losses [N, d1, ...] for reduction "none", else a 0-d tensor of the dtype of inputs.
    """
    if not isinstance(inputs, _torch.Tensor):
        raise TypeError(f"inputs must be a torch.Tensor, not {type(inputs).__name__}")
    if inputs.dtype not in _ELEMENT_TYPES:
        raise TypeError(f"softmax_focal_loss takes float32, float64, float16 or bfloat16 inputs, not {inputs.dtype}")
    for name, value in (("inputs", inputs), ("targets", targets), ("weight", weight)):
        if value is not None:
            if not isinstance(value, _torch.Tensor):
                raise TypeError(f"{name} must be a torch.Tensor, not {type(value).__name__}")
            if value.device.type != "cpu":
                raise ValueError(f"focalaot.torch works on CPU tensors; {name} is on {value.device}")
    if targets.is_floating_point():
        targets = targets.detach().to(inputs.dtype)
    if isinstance(alpha, _torch.Tensor):
        alpha = alpha.tolist()  # per-class alphas are settings, not differentiable inputs
    normalizer = _number("normalizer", normalizer)
    settings = {"alpha": alpha, "gamma": gamma, "reduction": reduction, "ignore_index": ignore_index,
                "label_smoothing": label_smoothing, "normalizer": normalizer, "dtype": _ELEMENT_TYPES[inputs.dtype].name,
                "poly_epsilon": poly_epsilon, "sample_dependent_gamma": sample_dependent_gamma}
    fused = inputs.requires_grad and _torch.is_grad_enabled()
    return _SoftmaxFocalLoss.apply(inputs, targets, weight, settings, fused)
