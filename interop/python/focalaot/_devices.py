"""OpenCL devices: their description, and the entries that run a call on a chosen device instead of the CPU."""

import numbers
from collections.abc import Callable
from typing import Any, Literal, NamedTuple, TypeAlias

from . import _capi


class Device(NamedTuple):
    """An OpenCL device: its index (the device= argument), CL_DEVICE_NAME, _VENDOR, _VERSION, and
    whether it has fp64 (double data, a gamma outside the built-in set, and sums bit-identical to the CPU need it)."""

    index: int  # type: ignore[assignment]  # shadows tuple.index, as the field of the namedtuple it replaces did
    name: str
    vendor: str
    version: str
    fp64: bool


# The device= argument: None or "cpu" for the CPU, or an OpenCL device (its index, or a Device from devices()).
DeviceArgument: TypeAlias = Device | int | Literal["cpu"] | None


def device_index(device: DeviceArgument) -> int | None:
    """None for the CPU (device=None or "cpu"), else the index of an OpenCL device (an int or a Device)."""
    if device is None or (isinstance(device, str) and device == "cpu"):
        return None
    if isinstance(device, Device):
        return device.index
    if isinstance(device, numbers.Integral) and not isinstance(device, bool):
        return int(device)
    raise TypeError(f'device must be None, "cpu", a device index or a focalaot.Device, not {device!r}')


def entry(cpu_table: dict[str, Any], form: str, operation: str, suffix: str, device: DeviceArgument) -> Callable[..., int]:
    """The C entry for a call of form "sigmoid" or "softmax": the CPU one, or the device one with the device index
    bound first."""
    index = device_index(device)
    if index is None:
        return cpu_table[suffix]
    function = getattr(_capi.lib, f"focal_device_{form}_{operation}_{suffix}")
    return lambda *arguments: function(index, *arguments)
