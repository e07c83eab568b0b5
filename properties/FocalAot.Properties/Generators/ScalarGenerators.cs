using FsCheck;
using FsCheck.Fluent;

namespace FocalAot.Properties.Generators;

/// <summary>Generators of single values: logits, targets, γ, α, upstream gradients and lengths.</summary>
public static class ScalarGenerators
{
    /// <summary>Uniform in (0, 1) with 52 random bits (two 26-bit draws), never exactly 0 or 1.</summary>
    public static Gen<double> Unit { get; } =
        Gen.Zip(Gen.Choose(0, (1 << 26) - 1), Gen.Choose(0, (1 << 26) - 1), (high, low) => ((high * 67108864.0) + low + 0.5) / 4503599627370496.0);

    public static Gen<double> Uniform(double low, double high) => Unit.Select(u => low + ((high - low) * u));

    /// <summary>N(mean, sd) by Box–Muller.</summary>
    public static Gen<double> Normal(double mean, double sd)
        => Gen.Zip(Unit, Unit, (u1, u2) => mean + (sd * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2)));

    /// <summary>A magnitude log-uniform in [low, high] with a random sign.</summary>
    public static Gen<double> SignedLogUniform(double low, double high)
        => Gen.Zip(Unit, Gen.Elements(-1.0, 1.0), (u, sign) => sign * Math.Exp(Math.Log(low) + ((Math.Log(high) - Math.Log(low)) * u)));

    /// <summary>Finite logits of every scale that matters, all representable as float.</summary>
    public static Gen<double> FiniteLogit { get; } = Gen.Frequency(
        (12, Normal(0, 3)),
        (4, SignedLogUniform(1e-3, 1e4)),   // wide: saturation, exp under/overflow regions of float and double
        (2, Uniform(-1e4, 1e4)),
        (2, Gen.Frequency(                  // near zero
            (3, SignedLogUniform(1e-30, 1e-3)),
            (1, Gen.Elements(0.0, -0.0)))),
        (1, Gen.Elements(                   // landmarks: float/double exp underflow, huge finite values
            87.0, -87.0, 88.7, -88.7, 103.9, -103.9, 104.0, 709.0, -709.0, 745.0, -745.1, 1e30, -1e30,
            (double)float.MaxValue, -(double)float.MaxValue, (double)float.Epsilon, -(double)float.Epsilon)));

    /// <summary>Finite logits with ±∞ mixed in.</summary>
    public static Gen<double> LogitWithInfinities { get; } = Gen.Frequency(
        (30, FiniteLogit),
        (1, Gen.Elements(double.PositiveInfinity, double.NegativeInfinity)));

    /// <summary>Logits with ±∞ and NaN mixed in.</summary>
    public static Gen<double> LogitWithNaN { get; } = Gen.Frequency(
        (20, LogitWithInfinities),
        (1, Gen.Constant(double.NaN)));

    /// <summary>Moderate logits where a finite difference is well conditioned.</summary>
    public static Gen<double> ModerateLogit { get; } = Uniform(-8, 8);

    public static Gen<double> HardTarget { get; } = Gen.Elements(0.0, 1.0);

    /// <summary>Soft labels: uniform, the edges 0, 1 and 0.5, and values close to 0 and 1.</summary>
    public static Gen<double> SoftTarget { get; } = Gen.Frequency(
        (8, Unit),
        (2, Gen.Elements(0.0, 1.0, 0.5)),
        (1, Gen.Elements(1e-7, 1e-3, 1 - 1e-3, 1 - 1e-7, 0.1, 0.9)));

    /// <summary>γ from the usual settings, or any real in [0, 6].</summary>
    public static Gen<double> Gamma { get; } = Gen.OneOf(
        Gen.Elements(0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0),
        Uniform(0, 6));

    /// <summary>α: off (-1), the edges 0 and 1, torchvision's 0.25, or any real in [0, 1].</summary>
    public static Gen<double> Alpha { get; } = Gen.OneOf(
        Gen.Elements(-1.0, 0.0, 0.25, 1.0),
        Uniform(0, 1));

    /// <summary>Upstream gradients: mostly N(0, 1), with exact 0, ±1 and a wide scale.</summary>
    public static Gen<double> Upstream { get; } = Gen.Frequency(
        (8, Normal(0, 1)),
        (1, Gen.Elements(0.0, 1.0, -1.0)),
        (1, SignedLogUniform(1e-6, 1e6)));

    /// <summary>Lengths that straddle vector widths and block boundaries (16-element groups, 256-element blocks).</summary>
    public static int[] BoundaryLengths { get; } = [0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257];

    /// <summary>A few large odd lengths: several blocks, and past one 16384-element chunk.</summary>
    public static int[] LargeOddLengths { get; } = [1_001, 4_097, 16_385, 20_001];

    /// <summary>Mostly 0..300, with block boundaries and now and then a large odd length.</summary>
    public static Gen<int> Length { get; } = Gen.Frequency(
        (16, Gen.Choose(0, 300)),
        (3, Gen.Elements(BoundaryLengths)),
        (1, Gen.Elements(LargeOddLengths)));
}
