"""Contiguous views of numpy arrays and buffer-protocol objects as ctypes pointers, for each element type.

Element types: float32 and float64 (numpy arrays, or buffers of format 'f' / 'd' such as array.array), float16
(numpy float16 arrays) and bfloat16 (numpy has none). The 16-bit types may also be given as uint16 bit patterns
(numpy uint16 arrays, or array.array('H') buffers) with an explicit dtype="float16" / "bfloat16"; bfloat16 can
only be given that way. Results come back in the storage the inputs came in.
"""

import array
import ctypes
import math
import struct

try:
    import numpy
except ImportError:  # numpy is optional: array.array and memoryview work without it
    numpy = None


class ElementType:
    """One element type of the C ABI: its name, C function suffix, ctypes storage type and buffer format."""

    def __init__(self, name, suffix, c_type, buffer_format, is_16_bit):
        self.name = name
        self.suffix = suffix
        self.c_type = c_type
        self.pointer_type = ctypes.POINTER(c_type)
        self.buffer_format = buffer_format
        self.is_16_bit = is_16_bit

    def encode(self, value):
        """A Python number as this type's storage value (rounded once, to nearest even)."""
        if self.name == "float16":
            return float16_bits(value)
        if self.name == "bfloat16":
            return bfloat16_bits(value)
        return float(value)

    def decode(self, stored):
        """A storage value as a Python float (16-bit values widened exactly)."""
        if self.name == "float16":
            return struct.unpack("<e", struct.pack("<H", stored))[0]
        if self.name == "bfloat16":
            return struct.unpack("<f", struct.pack("<I", stored << 16))[0]
        return stored

    def __repr__(self):
        return self.name


FLOAT32 = ElementType("float32", "f32", ctypes.c_float, "f", False)
FLOAT64 = ElementType("float64", "f64", ctypes.c_double, "d", False)
FLOAT16 = ElementType("float16", "f16", ctypes.c_uint16, "H", True)
BFLOAT16 = ElementType("bfloat16", "bf16", ctypes.c_uint16, "H", True)
ELEMENT_TYPES = {t.name: t for t in (FLOAT32, FLOAT64, FLOAT16, BFLOAT16)}


def float16_bits(value):
    """IEEE binary16 bits of a number, rounded to nearest even (overflow gives infinity)."""
    value = float(value)
    try:
        return struct.unpack("<H", struct.pack("<e", value))[0]
    except OverflowError:
        return 0xFC00 if value < 0 else 0x7C00


def bfloat16_bits(value):
    """bfloat16 bits of a number, rounded once to nearest even (overflow gives infinity, NaN a quiet NaN)."""
    value = float(value)
    if math.isnan(value):
        return 0x7FC0
    sign = 0x8000 if math.copysign(1.0, value) < 0 else 0
    magnitude = abs(value)
    if magnitude == 0:
        return sign
    if math.isinf(magnitude):
        return sign | 0x7F80
    _, exponent = math.frexp(magnitude)  # magnitude = m * 2**exponent, 0.5 <= m < 1
    quantum = max(exponent - 8, -133)  # 8 significant bits; subnormals are multiples of 2**-133
    rounded = math.ldexp(round(math.ldexp(magnitude, -quantum)), quantum)  # round() is to nearest even
    if rounded >= 2.0 ** 128:
        return sign | 0x7F80
    return sign | (struct.unpack("<I", struct.pack("<f", rounded))[0] >> 16)


def sixteen_bit_patterns(values, element):
    """Real numpy values as float16 or bfloat16 bit patterns (a uint16 array), each rounded once to nearest even."""
    wide = numpy.asarray(values, dtype=numpy.float64)
    with numpy.errstate(over="ignore", invalid="ignore"):  # overflow to ∞ is the rounding asked for
        if element is FLOAT16:
            return wide.astype(numpy.float16).view(numpy.uint16)
        # Round to odd into float32 (toward zero, the last bit set when inexact), so that rounding that float to
        # bfloat16's 8 significant bits equals rounding the double directly: no double rounding. Past float32's range,
        # ∞ as it is.
        nearest = wide.astype(numpy.float32)
        overshoot = numpy.abs(nearest.astype(numpy.float64)) > numpy.abs(wide)
        toward_zero = numpy.where(overshoot, numpy.nextafter(nearest, numpy.float32(0)), nearest)
        odd = toward_zero.view(numpy.uint32) | (toward_zero.astype(numpy.float64) != wide)
        odd = numpy.where(numpy.abs(wide) < 2.0 ** 128, odd, nearest.view(numpy.uint32))
    rounded = ((odd + 0x7FFF + ((odd >> 16) & 1)) >> 16).astype(numpy.uint16)
    return numpy.where(numpy.isnan(wide), numpy.uint16(0x7FC0), rounded)


def element_type(name):
    """The ElementType for a dtype keyword (None stays None)."""
    if name is None:
        return None
    key = name if isinstance(name, str) else getattr(name, "__name__", None) or str(name)  # numpy types, dtypes
    if key not in ELEMENT_TYPES:
        raise TypeError(f"dtype must be 'float32', 'float64', 'float16' or 'bfloat16', not {name!r}")
    return ELEMENT_TYPES[key]


def _buffer_format(view):
    fmt = view.format
    return fmt[1:] if len(fmt) == 2 and fmt[0] in "@=" else fmt


class Operand:
    """One data argument of a call: a contiguous copy or view, its ctypes pointer, element type and shape.

    The first operand (inputs) decides the element type (from its dtype, or the dtype keyword) and whether the
    data are 16-bit bit patterns; the others (targets, weight, grad_output) follow it: numpy values and lists are
    converted to the element type (to bit patterns, rounded once, where the inputs are bit patterns; uint16 values
    beside bit-pattern inputs are bit patterns already); buffers must already have it.
    """

    def __init__(self, name, value, element=None, like=None):
        self.name = name
        # A numpy number is computed as a 0-d array and its results come back as numpy numbers, as numpy's own
        # functions return them.
        self.is_scalar = numpy is not None and isinstance(value, numpy.generic)
        if self.is_scalar:
            value = numpy.asarray(value)
        self.is_numpy = numpy is not None and isinstance(value, numpy.ndarray)
        if like is not None:
            element = like.element
            if like.is_numpy and not self.is_numpy and numpy is not None:
                value = numpy.asarray(value)  # labels may come as lists, ints, bools or buffers
                self.is_numpy = True
        elif isinstance(value, (list, tuple)) and numpy is not None:
            value = numpy.asarray(value)  # inputs as a list compute in numpy's type for it (float64 for floats)
            self.is_numpy = True
        if self.is_numpy:
            self._init_numpy(value, element, like)
        else:
            self._init_buffer(value, element, like)

    def _init_numpy(self, value, element, like):
        dtype = value.dtype
        if like is not None:
            self.bits = like.bits
            if self.bits:
                # uint16 values are bit patterns like the inputs'; real values are converted to them.
                if dtype == numpy.uint16:
                    self.array = numpy.ascontiguousarray(value)
                elif dtype.kind in "fiub":
                    self.array = sixteen_bit_patterns(value, element)
                else:
                    raise TypeError(f"{self.name} must hold real numbers or {element} bit patterns (uint16), not {dtype}")
            else:
                if dtype.kind not in "fiub":
                    raise TypeError(f"{self.name} must hold real numbers, not {dtype}")
                self.array = numpy.ascontiguousarray(value, dtype=element.name)
        else:
            natural = {numpy.dtype(numpy.float32): FLOAT32, numpy.dtype(numpy.float64): FLOAT64,
                       numpy.dtype(numpy.float16): FLOAT16}.get(dtype)
            if element is None and natural is None:
                if dtype == numpy.uint16:
                    raise TypeError(f"{self.name} is uint16: pass dtype='bfloat16' (or 'float16') to read it as "
                                    "16-bit bit patterns")
                raise TypeError(f"{self.name} must be float32, float64 or float16 (or uint16 bit patterns with "
                                f"dtype='bfloat16'), not {dtype}")
            if element is None:
                element = natural
            if natural is element:
                self.bits = False
            elif element.is_16_bit and dtype == numpy.uint16:
                self.bits = True
            else:
                expected = {FLOAT16: "float16 or uint16 bit patterns", BFLOAT16: "uint16 bit patterns"}.get(
                    element, element.name)
                raise TypeError(f"{self.name} is {dtype} but dtype={element.name!r} needs {expected}")
            self.array = numpy.ascontiguousarray(value)
        if self.array.shape != value.shape:  # ascontiguousarray makes a 0-d array 1-d: keep the shape
            self.array = self.array.reshape(value.shape)
        self.element = element
        self.shape = self.array.shape
        self.length = self.array.size
        self.pointer = self.array.ctypes.data_as(element.pointer_type)

    def _init_buffer(self, value, element, like):
        try:
            view = memoryview(value)
        except TypeError:
            raise TypeError(
                f"{self.name} must be a numpy array or a buffer (array.array, memoryview) of float32 ('f'), "
                f"float64 ('d') or 16-bit patterns ('H'), not {type(value).__name__}") from None
        fmt = _buffer_format(view)
        natural = {"f": FLOAT32, "d": FLOAT64}.get(fmt)
        if like is not None:
            if fmt != element.buffer_format:
                raise TypeError(f"{self.name} holds {fmt!r} values but inputs hold {element.buffer_format!r} "
                                f"({element.name}); use one type")
        elif element is None:
            if natural is None:
                hint = " (16-bit bit patterns need dtype='float16' or 'bfloat16')" if fmt == "H" else ""
                raise TypeError(f"{self.name} must hold float32 ('f') or float64 ('d') values, not format {fmt!r}"
                                + hint)
            element = natural
        elif fmt != element.buffer_format:
            raise TypeError(f"{self.name} has format {fmt!r} but dtype={element.name!r} needs format "
                            f"{element.buffer_format!r}")
        if not view.c_contiguous:
            raise ValueError(f"{self.name} must be a contiguous buffer")
        self.element = element
        self.bits = element.is_16_bit
        self.shape = view.shape
        self.length = view.nbytes // view.itemsize
        c_array = element.c_type * self.length
        self.array = c_array.from_buffer(view) if not view.readonly else c_array.from_buffer_copy(view)
        self.pointer = ctypes.cast(self.array, element.pointer_type)

    def new_like(self):
        """A writable output of the same storage, shape and element type (numpy in, numpy out; a numpy number in,
        a numpy number out)."""
        if self.is_numpy:
            return Output(numpy.empty(self.shape, dtype=self.array.dtype), self.element, self.is_scalar)
        code = self.element.buffer_format
        return Output(array.array(code, bytes(self.length * array.array(code).itemsize)), self.element)


class Output:
    """A freshly allocated result buffer and its ctypes pointer."""

    def __init__(self, storage, element, scalar=False):
        self.storage = storage
        self.scalar = scalar
        if numpy is not None and isinstance(storage, numpy.ndarray):
            self.pointer = storage.ctypes.data_as(element.pointer_type)
        else:
            self.pointer = ctypes.cast((element.c_type * len(storage)).from_buffer(storage), element.pointer_type)

    @property
    def value(self):
        """The result: the buffer, or the numpy number a 0-d array holds when the input was a numpy number."""
        return self.storage[()] if self.scalar else self.storage


class Scalar:
    """A one-value cell of the element type: a reduced result, or the scalar upstream gradient."""

    def __init__(self, element, value=0.0):
        self.element = element
        self.cell = element.c_type(element.encode(value))
        self.pointer = ctypes.cast(ctypes.byref(self.cell), element.pointer_type)

    @property
    def value(self):
        """The cell's value as a Python float (a 16-bit value widened from its 16 bits)."""
        return self.element.decode(self.cell.value)
