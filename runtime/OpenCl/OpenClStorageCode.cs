namespace FocalAot.OpenCl;

/// <summary>
/// How a runtime program loads and stores its elements: the storage type's OpenCL name, and the bodies of
/// focal_load (widening to the compute type, exact) and focal_store (narrowing, nearest-even, as the CPU converts).
/// </summary>
internal static class OpenClStorageCode
{
    /// <summary>The device storage of elements of type <typeparamref name="TStorage"/>.</summary>
    public static DeviceStorage Of<TStorage>()
        where TStorage : unmanaged
        => typeof(TStorage) == typeof(float) ? DeviceStorage.Single
            : typeof(TStorage) == typeof(double) ? DeviceStorage.Double
            : typeof(TStorage) == typeof(Half) ? DeviceStorage.Half
            : DeviceStorage.BFloat16;

    /// <summary>The storage type's name, focal_load's body (p, i) and focal_store's body (p, i, v).</summary>
    public static (string Type, string Load, string Store) For(DeviceStorage storage) => storage switch
    {
        DeviceStorage.Single => ("float", "return p[i];", "p[i] = v;"),
        DeviceStorage.Double => ("double", "return p[i];", "p[i] = v;"),
        // Nearest-even as the CPU's conversion; a NaN keeps its sign and top payload bits, quiet.
        DeviceStorage.Half => ("half", "return vload_half(i, p);",
            "if (isnan(v)) { const uint b = as_uint(v); ((__global ushort *)p)[i] = (ushort)(((b >> 16) & 0x8000) | 0x7E00 | ((b >> 13) & 0x3FF)); } "
            + "else vstore_half_rte(v, i, p);"),
        // bfloat16 bits in a ushort: widening is exact; narrowing is nearest-even, a NaN made quiet (as BFloat16.Narrow).
        _ => ("ushort", "return as_float((uint)p[i] << 16);",
            "const uint b = as_uint(v); "
            + "p[i] = (b & 0x7FFFFFFF) > 0x7F800000 ? (ushort)((b >> 16) | 0x0040) : (ushort)((b + 0x7FFF + ((b >> 16) & 1)) >> 16);"),
    };
}
