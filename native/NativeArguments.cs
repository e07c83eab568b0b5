using System.Runtime.InteropServices;

namespace FocalAot.Native;

/// <summary>focal_options as laid out by focal_aot.h (its first field is its size, so it can grow).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FocalOptions
{
    public nuint StructSize;
    public double Gamma;
    public double Alpha;
    public double* ClassAlpha;
    public nuint NumClasses;
    public void* Weights;
    public int Reduction;
    public double Normalizer;
    public double LabelSmoothing;
    public long IgnoreIndex;
    public double PolyEpsilon;
    public int SampleDependentGamma;
    public nuint Spatial;

    /// <summary>The smallest struct_size accepted: the first layout, up to normalizer. Later fields keep their defaults
    /// when a caller's (older) struct ends before them.</summary>
    public const int MinimumSize = 64;

    /// <summary>What focal_options_init writes.</summary>
    public static FocalOptions Defaults => new()
    {
        StructSize = (nuint)sizeof(FocalOptions),
        Gamma = SigmoidFocalLoss.DefaultGamma,
        Alpha = SigmoidFocalLoss.DefaultAlpha,
        Reduction = ReductionNone,
        Normalizer = 1,
        IgnoreIndex = FocalLossOptions<float>.DefaultIgnoreIndex,
        Spatial = 1,
    };

    private const int ReductionNone = 0;
}

/// <summary>Turns C arguments (pointers, counts, the options struct) into spans and .NET arguments, by the header's rules.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208", Justification = "Errors name the C argument or options field.")]
internal static unsafe class NativeArguments
{
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
            throw new NullArgumentPointerException(name, $"{name} is NULL but must point to the reduced result (required even when n is 0).");
        return ref *pointer;
    }

    /// <summary>A one-value output must not lie inside an n-value one.</summary>
    public static void RequireOutside<T>(T* scalar, string scalarName, T* range, int length, string rangeName)
        where T : unmanaged
    {
        if (scalar != null && range != null && scalar + 1 > range && scalar < range + length)
            throw new ArgumentException($"{scalarName} must not point into {rangeName}.", scalarName);
    }

    /// <summary>1 in the element type (the upstream gradient grad_out = NULL stands for).</summary>
    public static T One<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return (T)(object)1f;
        if (typeof(T) == typeof(double))
            return (T)(object)1.0;
        if (typeof(T) == typeof(Half))
            return (T)(object)Half.One;
        return (T)(object)(BFloat16)1f;
    }

    /// <summary>
    /// The options of an element-wise (sigmoid) call: the defaults for NULL, else the fields of the caller's struct,
    /// checked; spatial is the softmax entries' and must keep its default.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208", Justification = "The error names the C field.")]
    public static FocalLossOptions<T> Options<T>(FocalOptions* options, int length)
        where T : unmanaged
    {
        var source = Read(options);
        if (source.Spatial != 1)
        {
            throw new ArgumentOutOfRangeException("spatial", source.Spatial,
                "spatial applies to the softmax entries only; the sigmoid entries take it as 1.");
        }

        return Options<T>(source, length);
    }

    /// <summary>The caller's struct (the defaults for NULL), read up to its struct_size.</summary>
    public static FocalOptions Read(FocalOptions* options)
    {
        // struct_size first: a struct shorter than the first layout is refused before the rest of it is read; a struct
        // from an older header is read up to its last whole field, and the fields after it keep their defaults.
        var source = FocalOptions.Defaults;
        if (options != null)
        {
            if (options->StructSize < FocalOptions.MinimumSize)
            {
                throw new ArgumentException(
                    $"options->struct_size = {options->StructSize} is smaller than the smallest focal_options ({FocalOptions.MinimumSize} " +
                    "bytes); initialize the struct with focal_options_init.", nameof(options));
            }

            var known = Math.Min(options->StructSize, (nuint)sizeof(FocalOptions)) / sizeof(long) * sizeof(long);
            Buffer.MemoryCopy(options, &source, sizeof(FocalOptions), (long)known);
        }

        return source;
    }

    /// <summary>The .NET options of a read struct, checked (its spatial is the caller's to apply).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208", Justification = "Errors name the C argument options.")]
    public static FocalLossOptions<T> Options<T>(scoped in FocalOptions source, int length)
        where T : unmanaged
    {
        if (source.ClassAlpha != null && source.NumClasses == 0)
            throw new ArgumentException("options->num_classes must be >= 1 when options->class_alpha is given.", "options");
        if (source.ClassAlpha == null && source.NumClasses != 0)
            throw new NullArgumentPointerException(
                "options->class_alpha", "options->class_alpha is NULL but must point to num_classes alphas (num_classes is positive).");
        if (source.NumClasses > int.MaxValue)
            throw new ArgumentOutOfRangeException("options", source.NumClasses, "options->num_classes must be at most INT32_MAX.");

        // FLSD-53 chooses gamma itself: the struct's gamma must keep its default, and is not passed on.
        var sampleDependent = source.SampleDependentGamma != 0;
        if (sampleDependent && source.Gamma != FocalOptions.Defaults.Gamma)
        {
            throw new ArgumentException(
                "options->gamma must keep its default (2) with options->sample_dependent_gamma: FLSD-53 takes gamma = 5 where p < 0.2, "
                + "else 3.", "gamma");
        }

        var settings = new FocalLossOptions<T>
        {
            Alpha = source.Alpha,
            ClassAlpha = new ReadOnlySpan<double>(source.ClassAlpha, (int)source.NumClasses),
            Weights = source.Weights == null ? default : new ReadOnlySpan<T>(source.Weights, length),
            Reduction = Reduction(source.Reduction, source.Normalizer),
            LabelSmoothing = source.LabelSmoothing,
            IgnoreIndex = source.IgnoreIndex,
            PolyEpsilon = source.PolyEpsilon,
            SampleDependentGamma = sampleDependent,
        };
        return sampleDependent ? settings : settings with { Gamma = source.Gamma };
    }

    /// <summary>FOCAL_REDUCTION_NONE = 0, _SUM = 1, _MEAN = 2, _NORMALIZED = 3, _WEIGHTED_MEAN = 4.</summary>
    private static FocalReduction Reduction(int reduction, double normalizer) => reduction switch
    {
        0 => FocalReduction.None,
        1 => FocalReduction.Sum,
        2 => FocalReduction.Mean,
        3 => FocalReduction.Normalized(normalizer),
        4 => FocalReduction.WeightedMean,
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction,
            "options->reduction must be FOCAL_REDUCTION_NONE (0), _SUM (1), _MEAN (2), _NORMALIZED (3) or _WEIGHTED_MEAN (4)."),
    };
}
