using System.Globalization;
using System.Numerics;
using FocalAot.Properties.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace FocalAot.Properties.Softmax;

/// <summary>Per-sample losses and gradients against the float64 reference, for every option and row length.</summary>
public sealed class SoftmaxAccuracyTests
{
    /// <summary>Promised per-element error of float softmax results, relative to the loss or to the gradient element's parts.</summary>
    public const double FloatRelative = 4e-6;

    /// <summary>The same for double.</summary>
    public const double DoubleRelative = 1e-12;

    [Property(MaxTest = 300)]
    public Property Float_losses_and_gradients_match_the_reference()
        => Prop.ForAll(SoftmaxCases.Any.ToArbitrary(), c => Check<float>(c, FloatRelative));

    [Property(MaxTest = 300)]
    public Property Double_losses_and_gradients_match_the_reference()
        => Prop.ForAll(SoftmaxCases.Any.ToArbitrary(), c => Check<double>(c, DoubleRelative));

    internal static void Check<T>(SoftmaxCase value, double tolerance)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var (expectedLosses, expectedGradient, scale) = value.Expected(out var lossScales);
        var (losses, gradient) = SoftmaxRun<T>.Fused(value);
        for (var row = 0; row < value.Rows; row++)
        {
            // A row whose logits span more than the largest finite value has an infinite log-probability in T.
            if (T.IsPositiveInfinity(losses[row]) && SpreadOverflows<T>(value.Logits.AsSpan(row * value.Classes, value.Classes)))
                continue;
            AssertClose<T>(losses[row], expectedLosses[row], lossScales[row], tolerance, $"loss[{row}]", value);
        }

        for (var i = 0; i < gradient.Length; i++)
            AssertClose<T>(gradient[i], expectedGradient[i], scale[i], tolerance, $"gradient[{i}]", value);
    }

    /// <summary>Whether the row's finite logits span more than <typeparamref name="T"/>'s largest finite value.</summary>
    internal static bool SpreadOverflows<T>(ReadOnlySpan<double> row)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var finite = row.ToArray().Where(double.IsFinite).ToArray();
        return finite.Length > 0 && T.IsInfinity(T.CreateTruncating(finite.Max()) - T.CreateTruncating(finite.Min()));
    }

    /// <summary>Within the bound, or equal to the reference rounded to <typeparamref name="T"/> (which covers overflow to ∞).</summary>
    internal static void AssertClose<T>(T result, double expected, double scale, double tolerance, string what, SoftmaxCase value)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var actual = double.CreateTruncating(result);
        if (double.IsNaN(expected) && double.IsNaN(actual))
            return;
        if (actual == expected || result == T.CreateTruncating(expected))
            return;
        var error = Math.Abs(actual - expected);
        var bound = (tolerance * scale) + Tolerances.AbsoluteFloor;
        Assert.True(error <= bound, string.Create(CultureInfo.InvariantCulture,
            $"{what}: {actual:R} vs reference {expected:R} (error {error:E3}, bound {bound:E3}) for {value}"));
    }
}
