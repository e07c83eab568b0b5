"""A 1:1 ctypes mirror of focal_aot.h (ABI 2), and the loader of libfocalaot.

Every constant, the ``focal_options`` struct (fields in the header's order) and one prototype per C function, as
declared in the header. 16-bit data (float16, bfloat16) crosses the boundary as ``uint16_t`` bit patterns.

The loader opens the dispatcher library ``libfocalaot.so``, which picks the NativeAOT variant built for the
highest ISA level this CPU runs (x86-64-v4, -v3, -v2, or arm64); ``FOCALAOT_VARIANT`` forces one. It checks that
the library speaks the ABI version this module was written for before it declares the other functions.

Search order: ``$FOCALAOT_LIBRARY`` (a path to libfocalaot.so; when set, the only place searched), then
``lib/<rid>/`` inside this package (where the wheel bundles the dispatcher and its variants for the running
machine's rid, linux-x64 or linux-arm64), then, for the package in a checkout (interop/python/focalaot), the
repository's ``artifacts/native/<rid>/`` (after ``build.ps1 native``).
"""

import ctypes
import os
import platform
from pathlib import Path

# --- versions --------------------------------------------------------------------------------------------------
FOCAL_VERSION_MAJOR = 0
FOCAL_VERSION_MINOR = 2
FOCAL_VERSION_PATCH = 0
FOCAL_VERSION_STRING = "0.2.0"
FOCAL_ABI_VERSION = 2

# --- status codes (append-only) ----------------------------------------------------------------------------------
focal_status = ctypes.c_int32
FOCAL_OK = 0
FOCAL_ERROR_NULL_POINTER = 1
FOCAL_ERROR_INVALID_ARGUMENT = 2
FOCAL_ERROR_UNSUPPORTED = 3
FOCAL_ERROR_INTERNAL = 4
FOCAL_ERROR_BUFFER_TOO_SMALL = 5
FOCAL_ERROR_DEVICE = 6

# --- reductions (focal_options.reduction) ------------------------------------------------------------------------
FOCAL_REDUCTION_NONE = 0
FOCAL_REDUCTION_SUM = 1
FOCAL_REDUCTION_MEAN = 2
FOCAL_REDUCTION_NORMALIZED = 3
FOCAL_REDUCTION_WEIGHTED_MEAN = 4

# --- SIMD paths ----------------------------------------------------------------------------------------------------
FOCAL_ISA_SCALAR = 0
FOCAL_ISA_VECTOR128 = 1
FOCAL_ISA_AVX2 = 2
FOCAL_ISA_AVX512 = 3

# --- target kinds of the focal_softmax_* calls ---------------------------------------------------------------------
FOCAL_TARGET_INDEX_I32 = 0
FOCAL_TARGET_INDEX_I64 = 1
FOCAL_TARGET_PROBABILITIES = 2

# --- element types of the focal_cl_* calls -------------------------------------------------------------------------
FOCAL_DTYPE_F32 = 0
FOCAL_DTYPE_F64 = 1
FOCAL_DTYPE_F16 = 2
FOCAL_DTYPE_BF16 = 3

# --- bins of the focal_calibration_* calls ---------------------------------------------------------------------------
FOCAL_BINNING_EQUAL_WIDTH = 0
FOCAL_BINNING_EQUAL_MASS = 1
FOCAL_CALIBRATION_MAX_BINS = 4096


class focal_options(ctypes.Structure):
    """Every per-call input besides the data; initialize with focal_options_init, then change fields."""

    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("gamma", ctypes.c_double),
        ("alpha", ctypes.c_double),
        ("class_alpha", ctypes.POINTER(ctypes.c_double)),
        ("num_classes", ctypes.c_size_t),
        ("weights", ctypes.c_void_p),
        ("reduction", ctypes.c_int32),
        ("normalizer", ctypes.c_double),
        ("label_smoothing", ctypes.c_double),
        ("ignore_index", ctypes.c_int64),
        ("poly_epsilon", ctypes.c_double),
        ("sample_dependent_gamma", ctypes.c_int32),
        ("spatial", ctypes.c_size_t),
    ]


class focal_device_info(ctypes.Structure):
    """An OpenCL device's description (focal_device_get_info); struct_size is set by the caller."""

    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("name", ctypes.c_char * 256),
        ("vendor", ctypes.c_char * 256),
        ("version", ctypes.c_char * 256),
        ("fp64", ctypes.c_int32),
    ]


class focal_cl_buffer(ctypes.Structure):
    """A range of a caller's cl_mem: the handle (or NULL) and the first element."""

    _fields_ = [("mem", ctypes.c_void_p), ("offset", ctypes.c_size_t)]


# The C types of the prototypes.
_f32p = ctypes.POINTER(ctypes.c_float)   # const float * / float *
_f64p = ctypes.POINTER(ctypes.c_double)  # const double * / double *
_u16p = ctypes.POINTER(ctypes.c_uint16)  # const uint16_t * / uint16_t * (f16 and bf16 bits)
_size = ctypes.c_size_t
_opts = ctypes.POINTER(focal_options)    # const focal_options *
_index = ctypes.c_int32                  # a device index
_void = ctypes.c_void_p                  # cl_command_queue, cl_event, a host value of the call's dtype
_clbuf = focal_cl_buffer                 # passed by value
_u8p = ctypes.POINTER(ctypes.c_uint8)    # const uint8_t * (binary labels)
_i32p = ctypes.POINTER(ctypes.c_int32)   # const int32_t * (class labels)
_i64p = ctypes.POINTER(ctypes.c_int64)   # int64_t * (bin counts)

# One prototype per C function, in the header's order: name -> (restype, argtypes).
_PROTOTYPES = {
    "focal_abi_version": (ctypes.c_int32, []),
    "focal_version": (ctypes.c_char_p, []),
    "focal_loaded_variant": (ctypes.c_char_p, []),
    "focal_last_error_message": (focal_status, [ctypes.c_char_p, _size, ctypes.POINTER(_size)]),
    "focal_options_init_sized": (focal_status, [ctypes.POINTER(focal_options), _size]),
    "focal_options_init": (focal_status, [ctypes.POINTER(focal_options)]),
    "focal_get_isa": (ctypes.c_int32, []),
    "focal_set_max_isa": (focal_status, [ctypes.c_int32]),
    "focal_set_num_threads": (focal_status, [ctypes.c_int32]),
    # float: (logits, targets, n, options, out) / (..., grad_out, grad_logits) / (..., loss, grad_logits)
    "focal_sigmoid_forward_f32": (focal_status, [_f32p, _f32p, _size, _opts, _f32p]),
    "focal_sigmoid_backward_f32": (focal_status, [_f32p, _f32p, _size, _opts, _f32p, _f32p]),
    "focal_sigmoid_forward_backward_f32": (focal_status, [_f32p, _f32p, _size, _opts, _f32p, _f32p]),
    # double
    "focal_sigmoid_forward_f64": (focal_status, [_f64p, _f64p, _size, _opts, _f64p]),
    "focal_sigmoid_backward_f64": (focal_status, [_f64p, _f64p, _size, _opts, _f64p, _f64p]),
    "focal_sigmoid_forward_backward_f64": (focal_status, [_f64p, _f64p, _size, _opts, _f64p, _f64p]),
    # binary16 (uint16_t bits)
    "focal_sigmoid_forward_f16": (focal_status, [_u16p, _u16p, _size, _opts, _u16p]),
    "focal_sigmoid_backward_f16": (focal_status, [_u16p, _u16p, _size, _opts, _u16p, _u16p]),
    "focal_sigmoid_forward_backward_f16": (focal_status, [_u16p, _u16p, _size, _opts, _u16p, _u16p]),
    # bfloat16 (uint16_t bits)
    "focal_sigmoid_forward_bf16": (focal_status, [_u16p, _u16p, _size, _opts, _u16p]),
    "focal_sigmoid_backward_bf16": (focal_status, [_u16p, _u16p, _size, _opts, _u16p, _u16p]),
    "focal_sigmoid_forward_backward_bf16": (focal_status, [_u16p, _u16p, _size, _opts, _u16p, _u16p]),
    # softmax: (logits, rows, classes, targets, target_kind, options, out) / (..., grad_out, grad_logits) /
    # (..., loss, grad_logits)
    "focal_softmax_forward_f32": (focal_status, [_f32p, _size, _size, _void, ctypes.c_int32, _opts, _f32p]),
    "focal_softmax_backward_f32": (focal_status, [_f32p, _size, _size, _void, ctypes.c_int32, _opts, _f32p, _f32p]),
    "focal_softmax_forward_backward_f32": (focal_status, [_f32p, _size, _size, _void, ctypes.c_int32, _opts, _f32p, _f32p]),
    "focal_softmax_forward_f64": (focal_status, [_f64p, _size, _size, _void, ctypes.c_int32, _opts, _f64p]),
    "focal_softmax_backward_f64": (focal_status, [_f64p, _size, _size, _void, ctypes.c_int32, _opts, _f64p, _f64p]),
    "focal_softmax_forward_backward_f64": (focal_status, [_f64p, _size, _size, _void, ctypes.c_int32, _opts, _f64p, _f64p]),
    "focal_softmax_forward_f16": (focal_status, [_u16p, _size, _size, _void, ctypes.c_int32, _opts, _u16p]),
    "focal_softmax_backward_f16": (focal_status, [_u16p, _size, _size, _void, ctypes.c_int32, _opts, _u16p, _u16p]),
    "focal_softmax_forward_backward_f16": (focal_status, [_u16p, _size, _size, _void, ctypes.c_int32, _opts, _u16p, _u16p]),
    "focal_softmax_forward_bf16": (focal_status, [_u16p, _size, _size, _void, ctypes.c_int32, _opts, _u16p]),
    "focal_softmax_backward_bf16": (focal_status, [_u16p, _size, _size, _void, ctypes.c_int32, _opts, _u16p, _u16p]),
    "focal_softmax_forward_backward_bf16": (focal_status, [_u16p, _size, _size, _void, ctypes.c_int32, _opts, _u16p, _u16p]),
    # OpenCL devices
    "focal_device_count": (ctypes.c_int32, []),
    "focal_device_unavailable_reason": (focal_status, [ctypes.c_char_p, _size, ctypes.POINTER(_size)]),
    "focal_device_get_info": (focal_status, [ctypes.c_int32, ctypes.POINTER(focal_device_info)]),
    # host memory on a device: the CPU entries' arguments after the device index
    "focal_device_sigmoid_forward_f32": (focal_status, [_index, _f32p, _f32p, _size, _opts, _f32p]),
    "focal_device_sigmoid_backward_f32": (focal_status, [_index, _f32p, _f32p, _size, _opts, _f32p, _f32p]),
    "focal_device_sigmoid_forward_backward_f32": (focal_status, [_index, _f32p, _f32p, _size, _opts, _f32p, _f32p]),
    "focal_device_sigmoid_forward_f64": (focal_status, [_index, _f64p, _f64p, _size, _opts, _f64p]),
    "focal_device_sigmoid_backward_f64": (focal_status, [_index, _f64p, _f64p, _size, _opts, _f64p, _f64p]),
    "focal_device_sigmoid_forward_backward_f64": (focal_status, [_index, _f64p, _f64p, _size, _opts, _f64p, _f64p]),
    "focal_device_sigmoid_forward_f16": (focal_status, [_index, _u16p, _u16p, _size, _opts, _u16p]),
    "focal_device_sigmoid_backward_f16": (focal_status, [_index, _u16p, _u16p, _size, _opts, _u16p, _u16p]),
    "focal_device_sigmoid_forward_backward_f16": (focal_status, [_index, _u16p, _u16p, _size, _opts, _u16p, _u16p]),
    "focal_device_sigmoid_forward_bf16": (focal_status, [_index, _u16p, _u16p, _size, _opts, _u16p]),
    "focal_device_sigmoid_backward_bf16": (focal_status, [_index, _u16p, _u16p, _size, _opts, _u16p, _u16p]),
    "focal_device_sigmoid_forward_backward_bf16": (focal_status, [_index, _u16p, _u16p, _size, _opts, _u16p, _u16p]),
    "focal_device_softmax_forward_f32": (focal_status, [_index, _f32p, _size, _size, _void, ctypes.c_int32, _opts, _f32p]),
    "focal_device_softmax_backward_f32": (focal_status, [_index, _f32p, _size, _size, _void, ctypes.c_int32, _opts, _f32p,
                                                            _f32p]),
    "focal_device_softmax_forward_backward_f32": (focal_status, [_index, _f32p, _size, _size, _void, ctypes.c_int32, _opts,
                                                                    _f32p, _f32p]),
    "focal_device_softmax_forward_f64": (focal_status, [_index, _f64p, _size, _size, _void, ctypes.c_int32, _opts, _f64p]),
    "focal_device_softmax_backward_f64": (focal_status, [_index, _f64p, _size, _size, _void, ctypes.c_int32, _opts, _f64p,
                                                            _f64p]),
    "focal_device_softmax_forward_backward_f64": (focal_status, [_index, _f64p, _size, _size, _void, ctypes.c_int32, _opts,
                                                                    _f64p, _f64p]),
    "focal_device_softmax_forward_f16": (focal_status, [_index, _u16p, _size, _size, _void, ctypes.c_int32, _opts, _u16p]),
    "focal_device_softmax_backward_f16": (focal_status, [_index, _u16p, _size, _size, _void, ctypes.c_int32, _opts, _u16p,
                                                            _u16p]),
    "focal_device_softmax_forward_backward_f16": (focal_status, [_index, _u16p, _size, _size, _void, ctypes.c_int32, _opts,
                                                                    _u16p, _u16p]),
    "focal_device_softmax_forward_bf16": (focal_status, [_index, _u16p, _size, _size, _void, ctypes.c_int32, _opts, _u16p]),
    "focal_device_softmax_backward_bf16": (focal_status, [_index, _u16p, _size, _size, _void, ctypes.c_int32, _opts, _u16p,
                                                            _u16p]),
    "focal_device_softmax_forward_backward_bf16": (focal_status, [_index, _u16p, _size, _size, _void, ctypes.c_int32, _opts,
                                                                    _u16p, _u16p]),
    # the caller's queue and cl_mem buffers
    "focal_cl_sigmoid_forward": (focal_status, [_void, ctypes.c_int32, _size, _clbuf, _clbuf, _clbuf, _opts, _clbuf, _void,
                                                ctypes.POINTER(_void)]),
    "focal_cl_sigmoid_backward": (focal_status, [_void, ctypes.c_int32, _size, _clbuf, _clbuf, _clbuf, _opts, _clbuf, _void,
                                                 _clbuf, ctypes.POINTER(_void)]),
    "focal_cl_sigmoid_forward_backward": (focal_status, [_void, ctypes.c_int32, _size, _clbuf, _clbuf, _clbuf, _opts, _clbuf,
                                                         _void, _clbuf, ctypes.POINTER(_void)]),
    "focal_cl_finish": (focal_status, [_void]),
    "focal_cl_release_queue": (focal_status, [_void]),
    # calibration, binary: (confidences, labels, n, bins, binning, out) / (confidences, labels, n, out) /
    # (confidences, labels, n, bins, binning, counts, mean_confidences, accuracies) / (logits, labels, n, temperature)
    "focal_calibration_ece_f32": (focal_status, [_f32p, _u8p, _size, ctypes.c_int32, ctypes.c_int32, _f64p]),
    "focal_calibration_ece_f64": (focal_status, [_f64p, _u8p, _size, ctypes.c_int32, ctypes.c_int32, _f64p]),
    "focal_calibration_mce_f32": (focal_status, [_f32p, _u8p, _size, ctypes.c_int32, ctypes.c_int32, _f64p]),
    "focal_calibration_mce_f64": (focal_status, [_f64p, _u8p, _size, ctypes.c_int32, ctypes.c_int32, _f64p]),
    "focal_calibration_brier_f32": (focal_status, [_f32p, _u8p, _size, _f64p]),
    "focal_calibration_brier_f64": (focal_status, [_f64p, _u8p, _size, _f64p]),
    "focal_calibration_nll_f32": (focal_status, [_f32p, _u8p, _size, _f64p]),
    "focal_calibration_nll_f64": (focal_status, [_f64p, _u8p, _size, _f64p]),
    "focal_calibration_reliability_f32": (focal_status, [_f32p, _u8p, _size, ctypes.c_int32, ctypes.c_int32, _i64p, _f64p, _f64p]),
    "focal_calibration_reliability_f64": (focal_status, [_f64p, _u8p, _size, ctypes.c_int32, ctypes.c_int32, _i64p, _f64p, _f64p]),
    "focal_calibration_fit_temperature_f32": (focal_status, [_f32p, _u8p, _size, _f64p]),
    "focal_calibration_fit_temperature_f64": (focal_status, [_f64p, _u8p, _size, _f64p]),
    # calibration, multi-class: (probabilities, labels, rows, classes, bins, binning, out) / (..., rows, classes, out) /
    # (..., rows, classes, bins, binning, counts, mean_confidences, accuracies) / (logits, labels, rows, classes, temperature)
    "focal_calibration_ece_multiclass_f32": (focal_status, [_f32p, _i32p, _size, _size, ctypes.c_int32, ctypes.c_int32, _f64p]),
    "focal_calibration_ece_multiclass_f64": (focal_status, [_f64p, _i32p, _size, _size, ctypes.c_int32, ctypes.c_int32, _f64p]),
    "focal_calibration_mce_multiclass_f32": (focal_status, [_f32p, _i32p, _size, _size, ctypes.c_int32, ctypes.c_int32, _f64p]),
    "focal_calibration_mce_multiclass_f64": (focal_status, [_f64p, _i32p, _size, _size, ctypes.c_int32, ctypes.c_int32, _f64p]),
    "focal_calibration_classwise_ece_f32": (focal_status, [_f32p, _i32p, _size, _size, ctypes.c_int32, ctypes.c_int32, _f64p]),
    "focal_calibration_classwise_ece_f64": (focal_status, [_f64p, _i32p, _size, _size, ctypes.c_int32, ctypes.c_int32, _f64p]),
    "focal_calibration_brier_multiclass_f32": (focal_status, [_f32p, _i32p, _size, _size, _f64p]),
    "focal_calibration_brier_multiclass_f64": (focal_status, [_f64p, _i32p, _size, _size, _f64p]),
    "focal_calibration_nll_multiclass_f32": (focal_status, [_f32p, _i32p, _size, _size, _f64p]),
    "focal_calibration_nll_multiclass_f64": (focal_status, [_f64p, _i32p, _size, _size, _f64p]),
    "focal_calibration_reliability_multiclass_f32": (focal_status, [_f32p, _i32p, _size, _size, ctypes.c_int32, ctypes.c_int32,
                                                                    _i64p, _f64p, _f64p]),
    "focal_calibration_reliability_multiclass_f64": (focal_status, [_f64p, _i32p, _size, _size, ctypes.c_int32, ctypes.c_int32,
                                                                    _i64p, _f64p, _f64p]),
    "focal_calibration_fit_temperature_multiclass_f32": (focal_status, [_f32p, _i32p, _size, _size, _f64p]),
    "focal_calibration_fit_temperature_multiclass_f64": (focal_status, [_f64p, _i32p, _size, _size, _f64p]),
}

# Declared (and the ABI checked) first: these two exist in every ABI version.
_VERSION_FUNCTIONS = ("focal_abi_version", "focal_last_error_message")


class LibraryNotFoundError(OSError):
    """libfocalaot could not be found, loaded, or has an incompatible ABI."""


def _runtime_identifier():
    machine = platform.machine().lower()
    if machine in ("x86_64", "amd64"):
        return "linux-x64"
    if machine in ("aarch64", "arm64"):
        return "linux-arm64"
    raise LibraryNotFoundError(f"libfocalaot has no build for this machine ({platform.machine()})")


def _candidates() -> list[Path]:
    explicit = os.environ.get("FOCALAOT_LIBRARY")
    if explicit:
        return [Path(explicit)]
    rid = _runtime_identifier()
    here = Path(__file__).resolve().parent
    candidates = [here / "lib" / rid / "libfocalaot.so"]
    if here.parent.name == "python" and here.parents[1].name == "interop":  # a checkout, not an installed package
        candidates.append(here.parents[2] / "artifacts" / "native" / rid / "libfocalaot.so")
    return candidates


def _declare(library, name):
    restype, argtypes = _PROTOTYPES[name]
    try:
        function = getattr(library, name)
    except AttributeError:
        raise LibraryNotFoundError(f"{library._name} does not export {name}") from None
    function.restype = restype
    function.argtypes = argtypes


def _load():
    candidates = _candidates()
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        searched = ", ".join(str(p) for p in candidates)
        raise LibraryNotFoundError(
            f"libfocalaot.so not found (searched {searched}); build it with `dotnet pwsh build.ps1 native` "
            "or set FOCALAOT_LIBRARY")
    library = ctypes.CDLL(str(path))
    for name in _VERSION_FUNCTIONS:
        _declare(library, name)
    abi = library.focal_abi_version()
    if abi != FOCAL_ABI_VERSION:
        needed = ctypes.c_size_t(0)
        library.focal_last_error_message(None, 0, ctypes.byref(needed))
        buffer = ctypes.create_string_buffer(max(needed.value, 1))
        library.focal_last_error_message(buffer, len(buffer), None)
        reason = buffer.value.decode("utf-8", "replace")
        if abi < 0:  # the dispatcher, without a variant it could load: the reason says which and why
            raise LibraryNotFoundError(f"{path} loaded no library variant: {reason or 'no reason given'}")
        raise LibraryNotFoundError(
            f"{path} reports ABI version {abi}, this package needs {FOCAL_ABI_VERSION}"
            + (f": {reason}" if reason else ""))
    for name in _PROTOTYPES:
        if name not in _VERSION_FUNCTIONS:
            _declare(library, name)
    options = focal_options()
    status = library.focal_options_init_sized(ctypes.byref(options), ctypes.sizeof(options))
    if status != FOCAL_OK or options.struct_size != ctypes.sizeof(options):
        raise LibraryNotFoundError(
            f"{path}: focal_options is {options.struct_size} bytes there and {ctypes.sizeof(options)} here")
    return library


lib = _load()


def last_error_message() -> str:
    """The message of the most recent failed call on this thread."""
    needed = ctypes.c_size_t(0)
    lib.focal_last_error_message(None, 0, ctypes.byref(needed))
    buffer = ctypes.create_string_buffer(max(needed.value, 1))
    lib.focal_last_error_message(buffer, len(buffer), None)
    return buffer.value.decode("utf-8", "replace")
