using System.Numerics;
using FocalAot.Generator;
using FocalAot.Kernels;

namespace FocalAot.OpenCl.Rendering;

/// <summary>
/// The per-class functions of a softmax program in OpenCL C, rendered from
/// <see cref="SoftmaxFocalElement{TVec, T, TOps}"/>: each is one stage of the recipe run once over symbols, so a device
/// computes a class's exponential, loss and gradient terms and gradient with the .NET row kernel's operations. With T
/// the compute type:
/// <c>T focal_exponential(T x, T max, int *at_max)</c>;
/// <c>T focal_mass(T y, T target_share, T uniform)</c>;
/// <c>void focal_dense_coefficients[_alpha](T mass, T scale, T poly_scale, [T class_alpha,] T *coefficient, T *poly_coefficient)</c>;
/// <c>void focal_terms[_poly](T x, T e, T coefficient, T poly_coefficient, T max, T inverse_z, T log_z, T max_complement,
/// [const double gamma,] T *loss, T *slope, T *p, T *q)</c>;
/// <c>T focal_gradient(T x, T e, T max, T inverse_z, T with_all)</c> and
/// <c>T focal_gradient_dense(..., T with_all, T minus_dense, T slope)</c>. A generic program takes γ as gamma.
/// </summary>
internal sealed class OpenClSoftmaxElementSource<T> : SoftmaxFocalElement<ClValue, T, OpenClOps<T>>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private static readonly string Type = typeof(T) == typeof(float) ? "float" : "double";

    private OpenClSoftmaxElementSource()
    {
    }

    /// <summary>Every per-class function, for the modulating factor of <paramref name="power"/>.</summary>
    public static void Write(SourceWriter writer, OpenClPower power)
    {
        var t = Type;
        ClFunction.Write(writer, $"static {t} focal_exponential({t} x, {t} max, int *at_max)", recording =>
        {
            var max = Symbol("max");
            var (e, atMax) = Exponential(Symbol("x"), max, OpenClOps<T>.Negate(max));
            recording.Line($"*at_max = {atMax.Code} != 0;");
            recording.Line($"return {e.Code};");
        });
        ClFunction.Write(writer, $"static {t} focal_mass({t} y, {t} target_share, {t} uniform)",
            recording => recording.Line($"return {Mass(Symbol("y"), Symbol("target_share"), Symbol("uniform")).Code};"));
        foreach (var hasClassAlpha in new[] { false, true })
        {
            var name = hasClassAlpha ? "focal_dense_coefficients_alpha" : "focal_dense_coefficients";
            var alpha = hasClassAlpha ? $"{t} class_alpha, " : string.Empty;
            ClFunction.Write(writer, $"static void {name}({t} mass, {t} scale, {t} poly_scale, {alpha}{t} *coefficient, {t} *poly_coefficient)",
                recording =>
                {
                    var (coefficient, polyCoefficient) = DenseCoefficients(
                        Symbol("mass"), Symbol("scale"), Symbol("poly_scale"), Symbol("class_alpha"), hasClassAlpha);
                    recording.Line($"*coefficient = {coefficient.Code};");
                    recording.Line($"*poly_coefficient = {polyCoefficient.Code};");
                });
        }

        foreach (var poly in new[] { false, true })
            WriteTerms(writer, power, poly);

        foreach (var dense in new[] { false, true })
        {
            var name = dense ? "focal_gradient_dense" : "focal_gradient";
            var denseParameters = dense ? $", {t} minus_dense, {t} slope" : string.Empty;
            ClFunction.Write(writer, $"static {t} {name}({t} x, {t} e, {t} max, {t} inverse_z, {t} with_all{denseParameters})",
                recording =>
                {
                    var g = Gradient(Symbol("x"), Symbol("e"), Symbol("max"), Symbol("inverse_z"), Symbol("with_all"),
                        Symbol("minus_dense"), Symbol("slope"), dense);
                    recording.Line($"return {g.Code};");
                });
        }
    }

    private static void WriteTerms(SourceWriter writer, OpenClPower power, bool poly)
    {
        var t = Type;
        var gammaParameter = power.IsGeneric ? "const double gamma, " : string.Empty;
        var signature = $"static void focal_terms{(poly ? "_poly" : string.Empty)}({t} x, {t} e, {t} coefficient, {t} poly_coefficient, "
            + $"{t} max, {t} inverse_z, {t} log_z, {t} max_complement, {gammaParameter}{t} *loss, {t} *slope, {t} *p, {t} *q)";
        ClFunction.Write(writer, signature, recording =>
        {
            var row = new SoftmaxRowRegisters<ClValue>(Symbol("max"), OpenClOps<T>.Create(ClampDistance), Symbol("inverse_z"),
                Symbol("log_z"), Symbol("max_complement"), RowGamma(power, recording));
            var x = Symbol("x");
            var p = Probability(x, Symbol("e"), row.Max, row.InverseZ);
            var q = Complement(x, p, row);
            var (loss, slope) = power switch
            {
                { SampleDependent: true } => Terms<SampleDependentFactor<T>>(x, p, q, row, poly,
                    default(SampleDependentFactor<T>).Invoke<ClValue, OpenClOps<T>>(q)),
                { IsGeneric: true } => Terms<PowerFactor<T>>(x, p, q, row, poly, OpenClOps<T>.TranscendentalPower(q, Symbol("gamma"))),
                _ => SpecializedTerms(power.Gamma!.Value, x, p, q, row, poly),
            };
            recording.Line($"*loss = {loss.Code};");
            recording.Line($"*slope = {slope.Code};");
            recording.Line($"*p = {p.Code};");
            recording.Line($"*q = {q.Code};");
        });
    }

    /// <summary>The row's γ as the CPU's factor gives it: the built-in γ, (T)gamma for the generic power, 3 for FLSD-53.</summary>
    private static ClValue RowGamma(OpenClPower power, ClRecording recording)
    {
        if (power.SampleDependent)
            return OpenClOps<T>.Create(default(SampleDependentFactor<T>).Gamma);
        if (power.Gamma is { } gamma)
            return OpenClOps<T>.Create(T.CreateTruncating(gamma));
        return typeof(T) == typeof(double) ? Symbol("gamma") : new ClValue(recording.Declare("float", "(float)gamma"), false);
    }

    private static (ClValue Loss, ClValue Slope) Terms<TFactor>(
        ClValue x, ClValue p, ClValue q, in SoftmaxRowRegisters<ClValue> row, bool poly, ClValue power)
        where TFactor : struct, IModulatingFactor<T>
    {
        var modulation = TFactor.IsIdentity ? One : power;
        var gamma = FocusingGamma<TFactor>(q, row);
        return LossAndSlope<TFactor>(x, Symbol("coefficient"), Symbol("poly_coefficient"), poly, p, q, modulation, gamma, row, gradient: true);
    }

    private static (ClValue Loss, ClValue Slope) SpecializedTerms(
        double gamma, ClValue x, ClValue p, ClValue q, in SoftmaxRowRegisters<ClValue> row, bool poly)
    {
        var visitor = new TermsVisitor(x, p, q, row, poly);
        if (!BuiltInKernels.TryDispatch(gamma, typeof(T) == typeof(float) ? Precision.Single : Precision.Double, ref visitor))
            throw new InvalidOperationException($"gamma = {gamma} has no built-in kernel; its program is the generic one.");
        return visitor.Result;
    }

    private static ClValue Symbol(string name) => new(name, false);

    /// <summary>Renders the terms with the power operator a dispatch table found.</summary>
    private struct TermsVisitor(ClValue x, ClValue p, ClValue q, SoftmaxRowRegisters<ClValue> row, bool poly) : IFocalPowerVisitor
    {
        public (ClValue Loss, ClValue Slope) Result { get; private set; }

        public void Visit<TPower>()
            where TPower : struct, IFocalPower
            => Result = Terms<SpecializedFactor<T, TPower>>(x, p, q, row, poly, SpecializedFactor<T, TPower>.IsIdentity
                ? One : default(SpecializedFactor<T, TPower>).Invoke<ClValue, OpenClOps<T>>(q));
    }
}
