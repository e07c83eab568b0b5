namespace FocalAot.OpenCl.Rendering;

/// <summary>
/// A symbolic register of the OpenCL renderer: the name (or literal) of an OpenCL C value, either a floating-point
/// value or its IEEE bits as an unsigned integer (uint for float, ulong for double). Masks and the results of bitwise
/// operations are bits; arithmetic reads its operands as values. Reinterpreting between the two is exact.
/// </summary>
/// <param name="Code">An OpenCL C identifier or literal.</param>
/// <param name="IsBits">Whether <paramref name="Code"/> is the unsigned-integer bits rather than the value.</param>
internal readonly record struct ClValue(string Code, bool IsBits);
