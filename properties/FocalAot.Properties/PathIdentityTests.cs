using System.Numerics;
using FocalAot.Properties.Generators;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace FocalAot.Properties;

/// <summary>Every SIMD path up to the detected one gives the same bits as the scalar path, per element and reduced.</summary>
public sealed class PathIdentityTests
{
    [Property(MaxTest = 60)]
    public Property Float_every_path_gives_identical_bits() => Prop.ForAll(FocalCases.WithNaN, SamePerPath<float>);

    [Property(MaxTest = 60)]
    public Property Double_every_path_gives_identical_bits() => Prop.ForAll(FocalCases.WithNaN, SamePerPath<double>);

    [Property(MaxTest = 50)]
    public Property Float_every_path_gives_identical_bits_with_weights_and_class_alpha() => Prop.ForAll(WeightedCases.Mixed, SamePerPath<float>);

    [Property(MaxTest = 50)]
    public Property Double_every_path_gives_identical_bits_with_weights_and_class_alpha() => Prop.ForAll(WeightedCases.Mixed, SamePerPath<double>);

    [Property(MaxTest = 40)]
    public Property Half_every_path_gives_identical_bits() => Prop.ForAll(WeightedCases.Mixed, SamePerPath<Half>);

    [Property(MaxTest = 40)]
    public Property BFloat16_every_path_gives_identical_bits() => Prop.ForAll(WeightedCases.Mixed, SamePerPath<BFloat16>);

    internal static void SamePerPath<T>(FocalCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        using var settings = new RuntimeSettingsScope();
        Outputs<T>? first = null;
        foreach (var path in RuntimeSettingsScope.AvailablePaths)
        {
            FocalRuntime.ActivePath = path;
            var outputs = Outputs<T>.Compute(value);
            if (first is null)
                first = outputs;
            else
                first.AssertSameAs(outputs, $"{path} vs {RuntimeSettingsScope.AvailablePaths[0]}");
        }
    }

    /// <summary>The same with weights and class α (each sometimes), for every element type.</summary>
    internal static void SamePerPath<T>(WeightedCase value)
        where T : unmanaged
    {
        using var settings = new RuntimeSettingsScope();
        Outputs<T>? first = null;
        foreach (var path in RuntimeSettingsScope.AvailablePaths)
        {
            FocalRuntime.ActivePath = path;
            var outputs = Outputs<T>.Compute(value);
            if (first is null)
                first = outputs;
            else
                first.AssertSameAs(outputs, $"{typeof(T).Name} {path} vs {RuntimeSettingsScope.AvailablePaths[0]}");
        }
    }
}
