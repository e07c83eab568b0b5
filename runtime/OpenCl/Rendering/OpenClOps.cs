using System.Numerics;
using FocalAot.Numerics;
using FocalAot.Simd;

namespace FocalAot.OpenCl.Rendering;

/// <summary>
/// The register arithmetic as OpenCL C: each operation records one statement in the current
/// <see cref="ClRecording"/> and returns the symbol of its result, so running the recipe over <see cref="ClValue"/>
/// writes it out. Every operation has the IEEE semantics of the .NET widths: fma for MultiplyAdd (a multiply and an add
/// in a process whose CPU kernels do not fuse, <see cref="MultiplyAddMode"/>, so the device gives their bits), correctly rounded
/// division and square root (with the build option the programs use), comparisons as all-ones masks, the scalar
/// width's select, min and max; <see cref="AnyLaneSet"/> answers true (see <see cref="ISimdMath{TVec, T}"/>).
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
internal readonly struct OpenClOps<T> : ISimdMath<ClValue, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private static readonly bool IsSingle = typeof(T) == typeof(float);
    private static readonly string Type = IsSingle ? "float" : "double";
    private static readonly string BitsType = IsSingle ? "uint" : "ulong";

    public static ClValue Create(T value)
        => new(IsSingle ? ClLiterals.Single(float.CreateTruncating(value)) : ClLiterals.Double(double.CreateTruncating(value)), false);

    public static ClValue CreateFromBits(long bits) => new(IsSingle ? ClLiterals.Bits32(bits) : ClLiterals.Bits64(bits), true);

    public static ClValue Add(ClValue left, ClValue right) => Value($"{V(left)} + {V(right)}");

    public static ClValue Subtract(ClValue left, ClValue right) => Value($"{V(left)} - {V(right)}");

    public static ClValue Multiply(ClValue left, ClValue right) => Value($"{V(left)} * {V(right)}");

    public static ClValue Divide(ClValue left, ClValue right) => Value($"{V(left)} / {V(right)}");

    public static ClValue MultiplyAdd(ClValue a, ClValue b, ClValue c)
        => MultiplyAddMode.IsFused ? Value($"fma({V(a)}, {V(b)}, {V(c)})") : Add(Multiply(a, b), c);

    public static ClValue MultiplyAddNegated(ClValue a, ClValue b, ClValue c) => MultiplyAdd(Negate(a), b, c);

    public static ClValue Negate(ClValue value) => Value(value.Code.StartsWith('-') ? $"-({V(value)})" : $"-{V(value)}");

    public static ClValue Abs(ClValue value) => Value($"fabs({V(value)})");

    public static ClValue Sqrt(ClValue value) => Value($"sqrt({V(value)})");

    public static ClValue Max(ClValue left, ClValue right) => Value($"{V(left)} > {V(right)} ? {V(left)} : {V(right)}");

    public static ClValue Min(ClValue left, ClValue right) => Value($"{V(left)} < {V(right)} ? {V(left)} : {V(right)}");

    public static ClValue GreaterThanOrEqual(ClValue left, ClValue right) => Mask($"{V(left)} >= {V(right)}");

    public static ClValue LessThan(ClValue left, ClValue right) => Mask($"{V(left)} < {V(right)}");

    public static ClValue LessThanOrEqual(ClValue left, ClValue right) => Mask($"{V(left)} <= {V(right)}");

    public static ClValue Equal(ClValue left, ClValue right) => Mask($"{V(left)} == {V(right)}");

    public static ClValue ConditionalSelect(ClValue mask, ClValue whenTrue, ClValue whenFalse)
        => Value($"{B(mask)} != 0 ? {V(whenTrue)} : {V(whenFalse)}");

    public static ClValue SelectBySign(ClValue value, ClValue whenSignSet, ClValue whenSignClear)
        => Value($"signbit({V(value)}) ? {V(whenSignSet)} : {V(whenSignClear)}");

    public static ClValue BitwiseOr(ClValue left, ClValue right) => Bits($"{B(left)} | {B(right)}");

    public static ClValue BitwiseAnd(ClValue left, ClValue right) => Bits($"{B(left)} & {B(right)}");

    public static ClValue AndNot(ClValue left, ClValue right) => Bits($"{B(left)} & ~{B(right)}");

    /// <summary>True: a symbolic mask may have any lane set, so the code it guards is always rendered.</summary>
    public static bool AnyLaneSet(ClValue mask) => true;

    public static ClValue ShiftLeftBits(ClValue value, int count) => Bits($"{B(value)} << {count}");

    public static ClValue ShiftRightLogicalBits(ClValue value, int count) => Bits($"{B(value)} >> {count}");

    public static ClValue AddBits(ClValue left, ClValue right) => Bits($"{B(left)} + {B(right)}");

    public static ClValue PowerInDouble(ClValue value, double exponent) => PowerInDouble(value, OpenClOps<double>.Create(exponent));

    /// <summary>
    /// <see cref="Kernels.TranscendentalPower"/> for an exponent that is itself a symbol (a double): in float, both the
    /// float power (γ ≤ 8, γ split as the CPU splits it) and the double one, selected by the exponent. With a hard
    /// label's margin, the float power is the margin power where <paramref name="margin"/>'s Soft mask is clear, as
    /// <see cref="Kernels.MarginPower{T}"/> computes it.
    /// </summary>
    public static ClValue TranscendentalPower(ClValue value, ClValue exponent, (ClValue Margin, ClValue L, ClValue Soft)? margin = null)
    {
        if (!IsSingle)
            return PowerInDouble(value, exponent);

        var high = Value($"as_float(as_uint((float){exponent.Code}) & {ClLiterals.Bits32(Polynomials.SingleGammaHighMask)})");
        var low = Value($"(float)({exponent.Code} - (double){high.Code})");
        var single = Elementary.PowerSingle<ClValue, T, OpenClOps<T>>(value, high, low);
        if (margin is var (a, l, soft))
            single = ConditionalSelect(soft, single, MarginPower(a, l, exponent));

        var wide = PowerInDouble(value, exponent);
        return ConditionalSelect(FloatPowerApplies(exponent), single, wide);
    }

    /// <summary>The mask of an exponent symbol for which a float power (and so the margin power) serves: γ ≤ 8.</summary>
    public static ClValue FloatPowerApplies(ClValue exponent) => Mask($"{exponent.Code} <= {ClLiterals.Double(Polynomials.SinglePowerMaxGamma)}");

    /// <summary>The margin power with γ's parts split from the symbol as <see cref="Elementary.SplitMarginGamma"/> splits them.</summary>
    private static ClValue MarginPower(ClValue margin, ClValue l, ClValue exponent)
    {
        var high = Value($"as_float(as_uint((float){exponent.Code}) & {ClLiterals.Bits32(Polynomials.MarginSplitMaskSingle)})");
        var minusGammaLog2E = Value($"(float)(-{exponent.Code} * {ClLiterals.Double(Polynomials.Log2E)})");
        var minusLow = Value($"(float)((double){high.Code} - {exponent.Code})");
        var limit = Value(
            $"(float)fmin({ClLiterals.Double(Polynomials.MarginExponentLimit)} / {exponent.Code}, {ClLiterals.Double(float.MaxValue)})");
        return Elementary.MarginPowerSingle<ClValue, T, OpenClOps<T>>(margin, l, minusGammaLog2E, Negate(high), minusLow, limit);
    }

    /// <summary>value^exponent as exp(exponent · log value) in double, for an exponent that is itself a symbol.</summary>
    private static ClValue PowerInDouble(ClValue value, ClValue exponent)
    {
        var wide = IsSingle ? new ClValue(ClRecording.Current.Declare("double", $"(double){V(value)}"), false) : value;
        var power = Elementary.Power<ClValue, OpenClOps<double>>(wide, exponent);
        return IsSingle ? Value($"(float){power.Code}") : power;
    }

    /// <summary>The operand as a floating-point value.</summary>
    private static string V(ClValue value) => value.IsBits ? $"as_{Type}({value.Code})" : value.Code;

    /// <summary>The operand as its IEEE bits.</summary>
    private static string B(ClValue value) => value.IsBits ? value.Code : $"as_{BitsType}({value.Code})";

    private static ClValue Value(string expression) => new(ClRecording.Current.Declare(Type, expression), false);

    private static ClValue Bits(string expression) => new(ClRecording.Current.Declare(BitsType, expression), true);

    private static ClValue Mask(string comparison) => Bits($"{comparison} ? ~({BitsType})0 : ({BitsType})0");
}
