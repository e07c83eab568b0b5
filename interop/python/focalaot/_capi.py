"""A 1:1 ctypes mirror of focal_aot.h, and the loader of libfocalaot.

The loader opens the dispatcher library ``libfocalaot.so``, which picks the NativeAOT variant built for the
highest ISA level this CPU runs (x86-64-v4, -v3, -v2, or arm64); ``FOCALAOT_VARIANT`` forces one. It then
checks that the library speaks the ABI version this module was written for.

Search order: ``$FOCALAOT_LIBRARY`` (a path to libfocalaot.so), then ``lib/<rid>/`` inside this package, then
the repository's ``artifacts/native/<rid>/`` (a development checkout after ``build.ps1 native``).
"""

import ctypes
import os
import platform
from pathlib import Path

# --- focal_aot.h: versions -------------------------------------------------------------------------------------
FOCAL_VERSION_MAJOR = 0
FOCAL_VERSION_MINOR = 1
FOCAL_VERSION_PATCH = 0
FOCAL_VERSION_STRING = "0.1.0"
FOCAL_ABI_VERSION = 1

# --- status codes (append-only) -----------------------------------------------------------------------------------
FOCAL_OK = 0
FOCAL_ERROR_NULL_POINTER = 1
FOCAL_ERROR_INVALID_ARGUMENT = 2
FOCAL_ERROR_UNSUPPORTED = 3
FOCAL_ERROR_INTERNAL = 4
FOCAL_ERROR_BUFFER_TOO_SMALL = 5

# --- reductions ------------------------------------------------------------------------------------------------------
FOCAL_REDUCTION_NONE = 0
FOCAL_REDUCTION_SUM = 1
FOCAL_REDUCTION_MEAN = 2

# --- SIMD paths ----------------------------------------------------------------------------------------------------
FOCAL_ISA_SCALAR = 0
FOCAL_ISA_VECTOR128 = 1
FOCAL_ISA_AVX2 = 2
FOCAL_ISA_AVX512 = 3

_c_float_p = ctypes.POINTER(ctypes.c_float)
_c_double_p = ctypes.POINTER(ctypes.c_double)

# name: (restype, argtypes), exactly as declared in focal_aot.h.
_PROTOTYPES = {
    "focal_abi_version": (ctypes.c_int32, []),
    "focal_version": (ctypes.c_char_p, []),
    "focal_last_error_message": (
        ctypes.c_int32, [ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)]),
    "focal_get_isa": (ctypes.c_int32, []),
    "focal_set_max_isa": (ctypes.c_int32, [ctypes.c_int32]),
    "focal_set_num_threads": (ctypes.c_int32, [ctypes.c_int32]),
}
for _suffix, _pointer in (("f32", _c_float_p), ("f64", _c_double_p)):
    _common = [_pointer, _pointer, ctypes.c_size_t, ctypes.c_double, ctypes.c_double, ctypes.c_int32]
    _PROTOTYPES[f"focal_sigmoid_forward_{_suffix}"] = (ctypes.c_int32, _common + [_pointer])
    _PROTOTYPES[f"focal_sigmoid_backward_{_suffix}"] = (ctypes.c_int32, _common + [_pointer, _pointer])
    _PROTOTYPES[f"focal_sigmoid_forward_backward_{_suffix}"] = (ctypes.c_int32, _common + [_pointer, _pointer])


class LibraryNotFoundError(OSError):
    """libfocalaot could not be found, loaded, or has an incompatible ABI."""


def _runtime_identifier():
    machine = platform.machine().lower()
    if machine in ("x86_64", "amd64"):
        return "linux-x64"
    if machine in ("aarch64", "arm64"):
        return "linux-arm64"
    raise LibraryNotFoundError(f"libfocalaot has no build for this machine ({platform.machine()})")


def _candidates():
    explicit = os.environ.get("FOCALAOT_LIBRARY")
    if explicit:
        return [Path(explicit)]
    rid = _runtime_identifier()
    here = Path(__file__).resolve().parent
    return [here / "lib" / rid / "libfocalaot.so",
            here.parents[2] / "artifacts" / "native" / rid / "libfocalaot.so"]


def _load():
    candidates = _candidates()
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        searched = ", ".join(str(p) for p in candidates)
        raise LibraryNotFoundError(
            f"libfocalaot.so not found (searched {searched}); build it with `dotnet pwsh build.ps1 native` "
            "or set FOCALAOT_LIBRARY")
    library = ctypes.CDLL(str(path))
    for name, (restype, argtypes) in _PROTOTYPES.items():
        function = getattr(library, name)
        function.restype = restype
        function.argtypes = argtypes
    abi = library.focal_abi_version()
    if abi != FOCAL_ABI_VERSION:
        buffer = ctypes.create_string_buffer(1024)
        library.focal_last_error_message(buffer, len(buffer), None)
        reason = buffer.value.decode("utf-8", "replace")
        raise LibraryNotFoundError(
            f"{path} reports ABI version {abi}, this package needs {FOCAL_ABI_VERSION}"
            + (f": {reason}" if reason else ""))
    return library


lib = _load()


def last_error_message():
    """The message of the most recent failed call on this thread."""
    needed = ctypes.c_size_t(0)
    lib.focal_last_error_message(None, 0, ctypes.byref(needed))
    buffer = ctypes.create_string_buffer(max(needed.value, 1))
    lib.focal_last_error_message(buffer, len(buffer), None)
    return buffer.value.decode("utf-8", "replace")
