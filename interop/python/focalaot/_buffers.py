"""Contiguous float32/float64 views of numpy arrays and buffer-protocol objects, as ctypes pointers."""

import array
import ctypes

try:
    import numpy
except ImportError:  # numpy is optional: array.array and memoryview work without it
    numpy = None

_TYPES = {"f": (ctypes.c_float, "f32"), "d": (ctypes.c_double, "f64")}


class Operand:
    """One argument of a call: its data as a ctypes array, its element code ('f' or 'd') and its shape."""

    def __init__(self, name, value, code=None):
        self.name = name
        self.is_numpy = numpy is not None and isinstance(value, numpy.ndarray)
        if self.is_numpy:
            self._init_numpy(value, code)
        else:
            self._init_buffer(value, code)

    def _init_numpy(self, value, code):
        if code is None:
            if value.dtype not in (numpy.float32, numpy.float64):
                raise TypeError(f"{self.name} must be float32 or float64, not {value.dtype}")
            code = "f" if value.dtype == numpy.float32 else "d"
        dtype = numpy.float32 if code == "f" else numpy.float64
        self.array = numpy.ascontiguousarray(value, dtype=dtype)
        self.shape = self.array.shape
        self.code = code
        self.length = self.array.size
        self.pointer = self.array.ctypes.data_as(ctypes.POINTER(_TYPES[code][0]))

    def _init_buffer(self, value, code):
        try:
            view = memoryview(value)
        except TypeError:
            raise TypeError(
                f"{self.name} must be a numpy array or a buffer of float32/float64 (array.array, memoryview), "
                f"not {type(value).__name__}") from None
        if view.format not in _TYPES:
            raise TypeError(f"{self.name} must hold float32 ('f') or float64 ('d') values, not format {view.format!r}")
        if code is not None and view.format != code:
            raise TypeError(f"{self.name} holds {view.format!r} values but the logits hold {code!r}; use one type")
        if not view.c_contiguous:
            raise ValueError(f"{self.name} must be a contiguous buffer")
        self.code = view.format
        self.shape = view.shape
        self.length = view.nbytes // view.itemsize
        c_type = _TYPES[self.code][0] * self.length
        self.array = c_type.from_buffer(view) if not view.readonly else c_type.from_buffer_copy(view)
        self.pointer = ctypes.cast(self.array, ctypes.POINTER(_TYPES[self.code][0]))

    @property
    def suffix(self):
        """'f32' or 'f64': the suffix of the C function for this element type."""
        return _TYPES[self.code][1]

    def new_like(self):
        """A writable output of the same kind, shape and element type (numpy in, numpy out)."""
        if self.is_numpy:
            return Output(numpy.empty(self.shape, dtype=self.array.dtype), self.code)
        return Output(array.array(self.code, bytes(self.length * array.array(self.code).itemsize)), self.code)


class Output:
    """A freshly allocated result buffer and its ctypes pointer."""

    def __init__(self, value, code):
        self.value = value
        c_type = _TYPES[code][0]
        if numpy is not None and isinstance(value, numpy.ndarray):
            self.pointer = value.ctypes.data_as(ctypes.POINTER(c_type))
        else:
            self.pointer = ctypes.cast((c_type * len(value)).from_buffer(value), ctypes.POINTER(c_type))


def scalar(code, value=0.0):
    """A one-value ctypes cell of the element type (for reduced results and the scalar upstream gradient)."""
    return _TYPES[code][0](value)
