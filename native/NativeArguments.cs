using System.Numerics;

namespace FocalAot.Native;

/// <summary>Turns C arguments (pointers, counts, integer enums) into spans and .NET arguments, by the header's rules.</summary>
internal static unsafe class NativeArguments
{
    public const int ReductionNone = 0;

    public static int Length(nuint n)
    {
        if (n > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(n), n, "n must be at most 2147483647 (INT32_MAX).");
        return (int)n;
    }

    public static ReadOnlySpan<T> Input<T>(T* pointer, int length, string name)
        where T : unmanaged
    {
        if (pointer == null && length > 0)
            throw new NullArgumentPointerException(name);
        return new ReadOnlySpan<T>(pointer, length);
    }

    public static Span<T> Output<T>(T* pointer, int length, string name)
        where T : unmanaged
    {
        if (pointer == null && length > 0)
            throw new NullArgumentPointerException(name);
        return new Span<T>(pointer, length);
    }

    /// <summary>The one-value output of a reduced call; required even for n = 0.</summary>
    public static ref T Scalar<T>(T* pointer, string name)
        where T : unmanaged
    {
        if (pointer == null)
            throw new NullArgumentPointerException(name);
        return ref *pointer;
    }

    /// <summary>FOCAL_REDUCTION_SUM = 1, FOCAL_REDUCTION_MEAN = 2 (NONE is handled by the caller).</summary>
    public static FocalReduction Reduction(int reduction) => reduction switch
    {
        1 => FocalReduction.Sum,
        2 => FocalReduction.Mean,
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction,
            "reduction must be FOCAL_REDUCTION_NONE (0), FOCAL_REDUCTION_SUM (1) or FOCAL_REDUCTION_MEAN (2)."),
    };

    /// <summary>The scalar upstream gradient of a reduced backward call: *grad_out, or 1 when NULL.</summary>
    public static T Upstream<T>(T* gradOut)
        where T : unmanaged, INumberBase<T>
        => gradOut == null ? T.One : *gradOut;
}
