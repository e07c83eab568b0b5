"""An autograd drop-in for torchvision.ops.sigmoid_focal_loss on CPU tensors (float32 or float64).

Only ``inputs`` receives a gradient: targets are treated as constants (labels), as in training.
"""

import torch as _torch

from . import _api


class _SigmoidFocalLoss(_torch.autograd.Function):
    @staticmethod
    def forward(ctx, inputs, targets, alpha, gamma, reduction):
        x = inputs.detach().contiguous().numpy()
        y = targets.detach().to(inputs.dtype).contiguous().numpy()
        ctx.save_for_backward(inputs, targets)
        ctx.settings = (alpha, gamma, reduction)
        loss = _api.sigmoid_focal_loss(x, y, alpha=alpha, gamma=gamma, reduction=reduction)
        return _torch.from_numpy(loss) if reduction == "none" else _torch.tensor(loss, dtype=inputs.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        inputs, targets = ctx.saved_tensors
        alpha, gamma, reduction = ctx.settings
        x = inputs.detach().contiguous().numpy()
        y = targets.detach().to(inputs.dtype).contiguous().numpy()
        upstream = grad_output.detach().contiguous().numpy() if reduction == "none" else float(grad_output)
        gradient = _api.sigmoid_focal_loss_backward(
            x, y, grad_output=upstream, alpha=alpha, gamma=gamma, reduction=reduction)
        return _torch.from_numpy(gradient), None, None, None, None


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="none"):
    """torchvision.ops.sigmoid_focal_loss, computed by libfocalaot; differentiable with respect to inputs."""
    if inputs.device.type != "cpu" or targets.device.type != "cpu":
        raise ValueError("focalaot.torch works on CPU tensors")
    if inputs.dtype not in (_torch.float32, _torch.float64):
        raise TypeError(f"inputs must be float32 or float64, not {inputs.dtype}")
    if inputs.shape != targets.shape:
        raise ValueError(f"targets has shape {tuple(targets.shape)} but inputs has {tuple(inputs.shape)}")
    return _SigmoidFocalLoss.apply(inputs, targets, alpha, gamma, reduction)
