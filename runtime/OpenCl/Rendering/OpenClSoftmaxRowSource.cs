using FocalAot.Generator;
using FocalAot.Kernels;

namespace FocalAot.OpenCl.Rendering;

/// <summary>
/// The per-row functions of a softmax program in OpenCL C, rendered from
/// <see cref="SoftmaxFocalRowAlgebra{TVec, TOps}"/> over double symbols, each result rounded once to the compute type T
/// where the .NET driver rounds it:
/// <c>void focal_row_constants(double classes_at_max, double below_max_mass, T *inverse_z, T *log_z, T *max_complement)</c>;
/// <c>void focal_scales(double weight, double alpha, double poly_epsilon, double *scale, double *poly_scale)</c>;
/// <c>void focal_in_range(double class_alpha_bound, double *scale, double *poly_scale, double *upstream, double *loss_power,
/// double *upstream_power)</c>; <c>T focal_restored(double value, double loss_power, double upstream_power)</c>;
/// <c>void focal_sparse_coefficients(double scale, double class_alpha, double poly_scale, double smoothing, T *coefficient,
/// T *poly_coefficient)</c>; <c>T focal_with_all(double upstream, double slope_sum, double sparse)</c>;
/// <c>T focal_target_gradient(double upstream, double p, double q, double slope_sum, double dense_slope, double sparse)</c>;
/// <c>T focal_top_gradient(double upstream, double p, double q, double others_sum, double others_sparse, double own_slope,
/// double own_sparse)</c>.
/// </summary>
internal sealed class OpenClSoftmaxRowSource : SoftmaxFocalRowAlgebra<ClValue, OpenClOps<double>>
{
    private OpenClSoftmaxRowSource()
    {
    }

    /// <param name="writer">Receives the functions.</param>
    /// <param name="t">The compute type's OpenCL name (float or double).</param>
    public static void Write(SourceWriter writer, string t)
    {
        ClFunction.Write(writer, $"static void focal_row_constants(double classes_at_max, double below_max_mass, {t} *inverse_z, {t} *log_z, "
            + $"{t} *max_complement)", recording =>
        {
            var (inverseZ, logZ, maxComplement) = RowConstants(Symbol("classes_at_max"), Symbol("below_max_mass"));
            recording.Line($"*inverse_z = ({t}){inverseZ.Code};");
            recording.Line($"*log_z = ({t}){logZ.Code};");
            recording.Line($"*max_complement = ({t}){maxComplement.Code};");
        });
        ClFunction.Write(writer, "static void focal_scales(double weight, double alpha, double poly_epsilon, double *scale, double *poly_scale)",
            recording =>
            {
                var (scale, polyScale) = Scales(Symbol("weight"), Symbol("alpha"), Symbol("poly_epsilon"));
                recording.Line($"*scale = {scale.Code};");
                recording.Line($"*poly_scale = {polyScale.Code};");
            });
        ClFunction.Write(writer, "static void focal_in_range(double class_alpha_bound, double *scale, double *poly_scale, double *upstream, "
            + "double *loss_power, double *upstream_power)", recording =>
        {
            recording.Line("const double row_scale = *scale, row_poly_scale = *poly_scale, row_upstream = *upstream;");
            var (scale, polyScale, upstream, lossPower, upstreamPower) = InRange(
                Symbol("row_scale"), Symbol("row_poly_scale"), Symbol("class_alpha_bound"), Symbol("row_upstream"));
            recording.Line($"*scale = {scale.Code};");
            recording.Line($"*poly_scale = {polyScale.Code};");
            recording.Line($"*upstream = {upstream.Code};");
            recording.Line($"*loss_power = {lossPower.Code};");
            recording.Line($"*upstream_power = {upstreamPower.Code};");
        });
        ClFunction.Write(writer, $"static {t} focal_restored(double value, double loss_power, double upstream_power)",
            recording => recording.Line($"return ({t}){Restored(Symbol("value"), Symbol("loss_power"), Symbol("upstream_power")).Code};"));
        ClFunction.Write(writer, "static void focal_sparse_coefficients(double scale, double class_alpha, double poly_scale, double smoothing, "
            + $"{t} *coefficient, {t} *poly_coefficient)", recording =>
        {
            var (coefficient, polyCoefficient) = SparseCoefficients(
                Symbol("scale"), Symbol("class_alpha"), Symbol("poly_scale"), Symbol("smoothing"));
            recording.Line($"*coefficient = ({t}){coefficient.Code};");
            recording.Line($"*poly_coefficient = ({t}){polyCoefficient.Code};");
        });
        ClFunction.Write(writer, $"static {t} focal_with_all(double upstream, double slope_sum, double sparse)",
            recording => recording.Line($"return ({t}){WithAll(Symbol("upstream"), Symbol("slope_sum"), Symbol("sparse")).Code};"));
        ClFunction.Write(writer, $"static {t} focal_target_gradient(double upstream, double p, double q, double slope_sum, double dense_slope, "
            + "double sparse)", recording =>
        {
            var g = TargetGradient(Symbol("upstream"), Symbol("p"), Symbol("q"), Symbol("slope_sum"), Symbol("dense_slope"), Symbol("sparse"));
            recording.Line($"return ({t}){g.Code};");
        });
        ClFunction.Write(writer, $"static {t} focal_top_gradient(double upstream, double p, double q, double others_sum, double others_sparse, "
            + "double own_slope, double own_sparse)", recording =>
        {
            var g = TopGradient(Symbol("upstream"), Symbol("p"), Symbol("q"), Symbol("others_sum"), Symbol("others_sparse"), Symbol("own_slope"),
                Symbol("own_sparse"));
            recording.Line($"return ({t}){g.Code};");
        });
    }

    private static ClValue Symbol(string name) => new(name, false);
}
