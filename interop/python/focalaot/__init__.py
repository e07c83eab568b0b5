"""focalaot: fast, exact, reproducible focal loss from libfocalaot, sigmoid (standard library only) and softmax
(multi-class, with numpy).

    >>> import focalaot
    >>> focalaot.sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="mean")
    >>> focalaot.sigmoid_focal_loss(inputs, targets, alpha=[0.25, 0.5, 0.75], weight=weight,
    ...                             reduction="normalized", normalizer=num_positives)
    >>> focalaot.softmax_focal_loss(logits, labels, gamma=2.0, ignore_index=-100, label_smoothing=0.1,
    ...                             reduction="mean")

numpy arrays (float32, float64, float16; bfloat16 as uint16 bit patterns with dtype="bfloat16") and float32 /
float64 buffers (array.array, memoryview) are accepted; reductions "none", "sum", "mean", "normalized" and
"weighted_mean". With torch installed, ``focalaot.torch.sigmoid_focal_loss`` is an autograd drop-in for
torchvision's (float32, float64, float16 and bfloat16 CPU tensors), and ``focalaot.torch.softmax_focal_loss`` the
multi-class one (the same four dtypes).

``focalaot.devices()`` lists the OpenCL devices; ``device=`` (an index or a Device) runs a call on one, with the
CPU's results bit for bit.
"""

from ._api import (
    FocalError,
    devices,
    get_isa,
    loaded_variant,
    set_max_isa,
    set_num_threads,
    sigmoid_focal_loss,
    sigmoid_focal_loss_backward,
    sigmoid_focal_loss_forward_backward,
    unavailable_reason,
    version,
)
from . import _calibration as calibration
from ._devices import Device
from ._softmax import softmax_focal_loss, softmax_focal_loss_backward, softmax_focal_loss_forward_backward
from ._capi import (
    FOCAL_ABI_VERSION,
    FOCAL_ISA_AVX2,
    FOCAL_ISA_AVX512,
    FOCAL_ISA_SCALAR,
    FOCAL_ISA_VECTOR128,
    LibraryNotFoundError,
)

__version__ = version()

__all__ = [
    "FOCAL_ABI_VERSION", "FOCAL_ISA_AVX2", "FOCAL_ISA_AVX512", "FOCAL_ISA_SCALAR", "FOCAL_ISA_VECTOR128",
    "Device", "FocalError", "LibraryNotFoundError", "devices", "unavailable_reason", "get_isa", "loaded_variant",
    "set_max_isa", "set_num_threads", "sigmoid_focal_loss", "sigmoid_focal_loss_backward", "sigmoid_focal_loss_forward_backward",
    "softmax_focal_loss", "softmax_focal_loss_backward", "softmax_focal_loss_forward_backward", "version",
]
