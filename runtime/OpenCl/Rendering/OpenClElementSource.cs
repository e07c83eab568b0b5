using System.Globalization;
using System.Numerics;
using FocalAot.Generator;
using FocalAot.Kernels;

namespace FocalAot.OpenCl.Rendering;

/// <summary>
/// focal_element in OpenCL C, rendered from <see cref="SigmoidFocalElement{TVec, T, TOps}"/>: the stages the .NET
/// kernels run as passes, run once over symbols. Its result is the .NET kernels' loss and unscaled gradient of one
/// element, bit for bit:
/// <c>int focal_element(T x, T y, T positive_weight, T negative_weight, [const double gamma,] T *loss, T *gradient)</c>,
/// returning 1 for a target outside [0, 1] or NaN. α_t is y positive_weight + (1 - y) negative_weight; a generic
/// program takes γ as its argument gamma. A runtime program also has focal_element_poly, the same with Poly-1's ε as
/// the argument before the outputs.
/// </summary>
internal sealed class OpenClElementSource<T> : SigmoidFocalElement<ClValue, T, OpenClOps<T>>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private OpenClElementSource()
    {
    }

    /// <summary>Whether the element of (<typeparamref name="T"/>, the power's form) evaluates anything in double.</summary>
    public static bool UsesDouble(FocalPowerForm? form) => typeof(T) == typeof(double) || form is null or FocalPowerForm.Transcendental;

    /// <summary>focal_element for the generated power operator <typeparamref name="TPower"/>.</summary>
    /// <param name="writer">Receives the source.</param>
    /// <param name="poly">Whether to write focal_element_poly as well (the runtime's programs; a generated kernel's has none).</param>
    public static void WriteSpecialized<TPower>(SourceWriter writer, bool poly)
        where TPower : struct, IFocalPower
    {
        writer.Line($"/* gamma = {TPower.Gamma.ToString("R", CultureInfo.InvariantCulture)}, {TypeName}: {TPower.Description} */");
        var hasMargin = default(SpecializedFactor<T, TPower>).MarginPower is not null;
        WriteForms<SpecializedFactor<T, TPower>>(writer, poly, gammaArgument: false,
            (q, margin) => Modulation(default(SpecializedFactor<T, TPower>), q, margin), () => OpenClOps<T>.Create(T.CreateTruncating(TPower.Gamma)),
            hard => hasMargin ? hard : Zero);
    }

    /// <summary>focal_element and focal_element_poly for a γ given at run time (the argument gamma): q^γ as exp(γ log q).</summary>
    public static void WriteGeneric(SourceWriter writer)
    {
        var gamma = new ClValue("gamma", false);
        writer.Line($"/* gamma an argument, {TypeName}: exp(gamma log q) */");
        WriteForms<PowerFactor<T>>(writer, poly: true, gammaArgument: true, (q, margin) => OpenClOps<T>.TranscendentalPower(q, gamma, margin),
            () => typeof(T) == typeof(double) ? gamma : new ClValue(ClRecording.Current.Declare("float", "(float)gamma"), false),
            hard => OpenClOps<T>.BitwiseAnd(hard, OpenClOps<T>.FloatPowerApplies(gamma)));
    }

    /// <summary>focal_element and focal_element_poly for FLSD-53: γ = 5 where q &gt; 0.8, else 3, per element.</summary>
    public static void WriteSampleDependent(SourceWriter writer)
    {
        writer.Line($"/* FLSD-53, {TypeName}: gamma = 5 where q > 0.8, else 3 */");
        WriteForms<SampleDependentFactor<T>>(writer, poly: true, gammaArgument: false,
            (q, margin) => Modulation(default(SampleDependentFactor<T>), q, margin),
            () => OpenClOps<T>.Create(default(SampleDependentFactor<T>).Gamma), hard => Zero);
    }

    private static void WriteForms<TFactor>(
        SourceWriter writer, bool poly, bool gammaArgument, PowerOf power, Func<ClValue> gamma, Func<ClValue, ClValue> marginLanes)
        where TFactor : struct, IModulatingFactor<T>
    {
        Write<TFactor>(writer, poly: false, gammaArgument, power, gamma, marginLanes);
        if (poly)
            Write<TFactor>(writer, poly: true, gammaArgument, power, gamma, marginLanes);
    }

    // marginLanes: of the hard-label mask, the lanes whose power came from the margin (none where the factor has no
    // margin power; for a γ argument, where the float power serves), whose gradient takes r = p_t.
    private static void Write<TFactor>(
        SourceWriter writer, bool poly, bool gammaArgument, PowerOf power, Func<ClValue> gamma, Func<ClValue, ClValue> marginLanes)
        where TFactor : struct, IModulatingFactor<T>
    {
        var t = TypeName;
        writer.Line($"static int focal_element{(poly ? "_poly" : string.Empty)}({t} x, {t} y, {t} positive_weight, {t} negative_weight, "
            + (gammaArgument ? "const double gamma, " : string.Empty) + (poly ? $"{t} poly_epsilon, " : string.Empty)
            + $"{t} *loss, {t} *gradient)");
        using (writer.Block())
        using (var recording = ClRecording.Start(writer))
        {
            var x = new ClValue("x", false);
            var y = new ClValue("y", false);
            var e = Name(recording, t, "e", Exponential(x));
            var l = Name(recording, t, "l", Softplus(e));
            var sigmaAbs = Name(recording, t, "sigma_abs", SigmoidOfAbs(e));
            var (sigmaX, sigmaMinusX) = Sigmoids(x, e, sigmaAbs);
            sigmaX = Name(recording, t, "sigma_x", sigmaX);
            sigmaMinusX = Name(recording, t, "sigma_minus_x", sigmaMinusX);
            var modulation = One;
            if (!TFactor.IsIdentity)
            {
                var q = Name(recording, t, "q", Complement(y, sigmaX, sigmaMinusX));
                modulation = Name(recording, t, "m", power(q, (Margin(x, y), l, SoftLabel(y))));
            }

            var (g, minusTwoG) = Focusing(gamma());
            var classWeight = Name(recording, t, "class_weight", ClassWeight(
                y, new ClValue("positive_weight", false), new ClValue("negative_weight", false)));
            // default(TFactor): a factor whose q^(γ - 1) is a product (a generated power's) carries no state.
            var lanes = MarginApplies<TFactor>() ? marginLanes(HardLabel(y)) : Zero;
            var (loss, slope) = LossAndSlope<TFactor, FusedMode>(default(TFactor), x, y, classWeight, l, sigmaX, sigmaMinusX, modulation,
                lanes, everyLaneMargin: false, g, minusTwoG, new ClValue("poly_epsilon", false), poly, finiteLogits: false);
            (loss, slope) = RepairNonFinite(x, y, classWeight, NonFinite(x), loss, slope);
            var invalid = InvalidTarget(y);
            recording.Line($"*loss = {loss.Code};");
            recording.Line($"*gradient = {slope.Code};");
            recording.Line($"return {invalid.Code} != 0;");
        }

        writer.Line();
    }

    /// <summary>m = q^γ of a factor, from q, or from a hard label's margin and l where the factor has a margin power
    /// (<see cref="SigmoidFocalBlock{TVec, T, TOps, TFactor, TMode}"/>'s choice, element by element).</summary>
    private delegate ClValue PowerOf(ClValue q, (ClValue Margin, ClValue L, ClValue Soft) margin);

    private static ClValue Modulation<TFactor>(TFactor factor, ClValue q, (ClValue Margin, ClValue L, ClValue Soft) margin)
        where TFactor : struct, IModulatingFactor<T>
    {
        var ofQ = factor.Invoke<ClValue, OpenClOps<T>>(q);
        return factor.MarginPower is { } power
            ? OpenClOps<T>.ConditionalSelect(margin.Soft, ofQ, power.Invoke<ClValue, OpenClOps<T>>(margin.Margin, margin.L))
            : ofQ;
    }

    private static string TypeName => typeof(T) == typeof(float) ? "float" : "double";

    private static ClValue Name(ClRecording recording, string type, string name, ClValue value)
    {
        // A bit-pattern value (the result of a mask operation) keeps its bits under its name.
        var declared = !value.IsBits ? type : type == "float" ? "uint" : "ulong";
        recording.Line($"const {declared} {name} = {value.Code};");
        return value with { Code = name };
    }
}
