"""OpenCL devices: their description, and the entries that run a call on a chosen device instead of the CPU."""

import collections
import numbers

from . import _capi

Device = collections.namedtuple("Device", ["index", "name", "vendor", "version", "fp64"])
Device.__doc__ = """An OpenCL device: its index (the device= argument), CL_DEVICE_NAME, _VENDOR, _VERSION, and
whether it has fp64 (double data, a gamma outside the built-in set, and sums bit-identical to the CPU need it)."""


def device_index(device):
    """None for the CPU (device=None or "cpu"), else the index of an OpenCL device (an int or a Device)."""
    if device is None or (isinstance(device, str) and device == "cpu"):
        return None
    if isinstance(device, Device):
        return device.index
    if isinstance(device, numbers.Integral) and not isinstance(device, bool):
        return int(device)
    raise TypeError(f'device must be None, "cpu", a device index or a focalaot.Device, not {device!r}')


def entry(cpu_table, operation, suffix, device):
    """The C entry for a call: the CPU one, or the device one with the device index bound first."""
    index = device_index(device)
    if index is None:
        return cpu_table[suffix]
    function = getattr(_capi.lib, f"focal_device_sigmoid_{operation}_{suffix}")
    return lambda *arguments: function(index, *arguments)
