"""focalaot: fast, exact, reproducible sigmoid focal loss from libfocalaot (standard library only).

    >>> import focalaot
    >>> focalaot.sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="mean")

numpy arrays and float32/float64 buffers (array.array, memoryview) are accepted; with torch installed,
``focalaot.torch.sigmoid_focal_loss`` is an autograd drop-in for torchvision's.
"""

from ._api import (
    FocalError,
    get_isa,
    set_max_isa,
    set_num_threads,
    sigmoid_focal_loss,
    sigmoid_focal_loss_backward,
    sigmoid_focal_loss_forward_backward,
    version,
)
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
    "FocalError", "LibraryNotFoundError", "get_isa", "set_max_isa", "set_num_threads", "sigmoid_focal_loss",
    "sigmoid_focal_loss_backward", "sigmoid_focal_loss_forward_backward", "version",
]
