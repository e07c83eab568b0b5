using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using FocalAot.Generator.Model;
using FocalAot.Numerics;

namespace FocalAot.Generator;

/// <summary>
/// Model → OpenCL C: the kernel of one (γ, precision) with the same formulas, operation order and polynomial
/// coefficients as the .NET kernels (constants as exact hexadecimal literals, FP_CONTRACT off). A program is the
/// helpers it needs (<see cref="Common"/>, <see cref="SingleFunctions"/>, <see cref="DoubleFunctions"/>), which a kernel
/// class emits once, followed by the kernel's own part (<see cref="EmitKernel"/>).
/// </summary>
internal static class OpenClEmitter
{
    /// <summary>Build options that make float division and square root correctly rounded, as on the CPU.</summary>
    public const string BuildOptions = "-cl-fp32-correctly-rounded-divide-sqrt";

    private const double TwoToMinus64 = 5.421010862427522e-20;

    /// <summary>Every program's start: the pragma that keeps the operation order, and min/max.</summary>
    public static string Common()
    {
        var writer = new SourceWriter();
        writer.Line("/* FocalAot sigmoid focal loss: the .NET kernels' formulas and polynomials.");
        writer.Line($"   Build with {BuildOptions} for results identical to the CPU kernels. */");
        writer.Line("#pragma OPENCL FP_CONTRACT OFF");
        writer.Line();
        writer.Line("#define FOCAL_MAX(a, b) ((a) > (b) ? (a) : (b))");
        writer.Line("#define FOCAL_MIN(a, b) ((a) < (b) ? (a) : (b))");
        writer.Line();
        return writer.ToString();
    }

    /// <summary>exp and log1p in float.</summary>
    public static string SingleFunctions()
    {
        var writer = new SourceWriter();
        EmitExpSingle(writer);
        EmitLog1pSingle(writer);
        return writer.ToString();
    }

    /// <summary>The double functions (fp64): exp, log1p, log and the power exp(γ·log q) of the generic form.</summary>
    public static string DoubleFunctions()
    {
        var writer = new SourceWriter();
        writer.Line("#pragma OPENCL EXTENSION cl_khr_fp64 : enable");
        writer.Line();
        EmitDoubleFunctions(writer);
        return writer.ToString();
    }

    /// <summary>Whether a kernel's program includes <see cref="SingleFunctions"/> and <see cref="DoubleFunctions"/>.</summary>
    public static (bool Single, bool Double) Helpers(KernelSpec kernel)
    {
        var single = kernel.Precision == KernelPrecision.Single;
        return (single, !single || kernel.Power.Form == PowerForm.Transcendental);
    }

    /// <summary>The kernel's own part: its power, one element, and the three entry points.</summary>
    public static string EmitKernel(KernelSpec kernel)
    {
        var t = kernel.ElementType;
        var power = kernel.Power;
        var writer = new SourceWriter();
        writer.Line($"/* gamma = {power.Gamma.ToString("R", CultureInfo.InvariantCulture)}, {t} */");
        EmitPower(writer, power, t);
        EmitElement(writer, kernel.Precision, power);
        EmitKernels(writer, t);
        return writer.ToString();
    }

    /// <summary>A whole program: the helpers the kernel needs, then its own part.</summary>
    public static string Emit(KernelSpec kernel)
    {
        var (single, needsDouble) = Helpers(kernel);
        return Common() + (single ? SingleFunctions() : string.Empty) + (needsDouble ? DoubleFunctions() : string.Empty) + EmitKernel(kernel);
    }

    private static void EmitExpSingle(SourceWriter writer)
    {
        using (writer.Block("static float focal_exp(float x)"))
        {
            writer.Line($"x = FOCAL_MAX(x, {F(Polynomials.ExpFloorSingle)});");
            writer.Line($"const float t = fma(x, {F(Polynomials.Log2E)}, {F(Polynomials.ShifterSingle)});");
            writer.Line($"const float n = t - {F(Polynomials.ShifterSingle)};");
            writer.Line($"float r = fma(n, {F(-Polynomials.Ln2HighSingle)}, x);");
            writer.Line($"r = fma(n, {F(-Polynomials.Ln2LowSingle)}, r);");
            Horner(writer, "float", "p", "r", Polynomials.ExpSingle.Concat([1.0, 1.0]).Select(c => F((float)c * (float)TwoToMinus64)));
            writer.Line("const float scale = as_float((as_uint(t) << 23) + ((uint)(127 + 64) << 23));");
            writer.Line("return p * scale;");
        }

        writer.Line();
    }

    private static void EmitLog1pSingle(SourceWriter writer)
    {
        using (writer.Block("static float focal_log1p(float e)"))
        {
            Horner(writer, "float", "p", "e", Polynomials.Log1pSingle.Select(c => F(c)));
            writer.Line("return fma(e * p, e, e);");
        }

        writer.Line();
    }

    private static void EmitDoubleFunctions(SourceWriter writer)
    {
        using (writer.Block("static double focal_exp_f64(double x)"))
        {
            writer.Line($"x = FOCAL_MAX(x, {D(Polynomials.ExpFloorDouble)});");
            writer.Line($"const double t = fma(x, {D(Polynomials.Log2E)}, {D(Polynomials.ShifterDouble)});");
            writer.Line($"const double n = t - {D(Polynomials.ShifterDouble)};");
            writer.Line($"double r = fma(n, {D(-Polynomials.Ln2HighDouble)}, x);");
            writer.Line($"r = fma(n, {D(-Polynomials.Ln2LowDouble)}, r);");
            Horner(writer, "double", "p", "r", Polynomials.ExpDouble.Concat([1.0, 1.0]).Select(c => D(c * TwoToMinus64)));
            writer.Line("const double scale = as_double((as_ulong(t) << 52) + ((ulong)(1023 + 64) << 52));");
            writer.Line("return p * scale;");
        }

        writer.Line();
        writer.Line("/* value = 2^k (1 + f), 1 + f in [0.707, 1.414) */");
        using (writer.Block("static double focal_split(double value, double *k)"))
        {
            writer.Line("const ulong shifted = as_ulong(value) + (0x3FF0000000000000UL - 0x3FE6A09E00000000UL);");
            writer.Line($"*k = as_double((shifted >> 52) | 0x4330000000000000UL) - {D(4503599627370496.0 + 1023.0)};");
            writer.Line("return as_double((shifted & 0x000FFFFFFFFFFFFFUL) + 0x3FE6A09E00000000UL) - 1.0;");
        }

        writer.Line();
        writer.Line("/* fdlibm's log kernel: k ln2 + log(1 + f) + correction */");
        using (writer.Block("static double focal_log_reduced(double k, double f, double correction)"))
        {
            writer.Line("const double s = f / (2.0 + f);");
            writer.Line("const double z = s * s;");
            Horner(writer, "double", "p", "z", Polynomials.LogDouble.Select(D));
            writer.Line("const double r = z * p;");
            writer.Line("const double hfsq = (0.5 * f) * f;");
            writer.Line($"const double low = fma(k, {D(Polynomials.Ln2LowDouble)}, correction);");
            writer.Line("const double tail = hfsq - fma(s, hfsq + r, low);");
            writer.Line($"return fma(k, {D(Polynomials.Ln2HighDouble)}, -(tail - f));");
        }

        writer.Line();
        using (writer.Block("static double focal_log1p_f64(double e)"))
        {
            writer.Line("const double u = 1.0 + e;");
            writer.Line("const double c = e - (u - 1.0);");
            writer.Line("double k;");
            writer.Line("const double f = focal_split(u, &k);");
            writer.Line("return focal_log_reduced(k, f, c / u);");
        }

        writer.Line();
        using (writer.Block("static double focal_log_unit_f64(double q)"))
        {
            writer.Line("const int tiny = q < 2.2250738585072014e-308;");
            writer.Line("double k;");
            writer.Line($"const double f = focal_split(tiny ? q * {D(18014398509481984.0)} : q, &k);");
            writer.Line("return focal_log_reduced(tiny ? k - 54.0 : k - 0.0, f, 0.0);");
        }

        writer.Line();
        using (writer.Block("static double focal_power_f64(double q, double gamma)"))
            writer.Line("return focal_exp_f64(gamma * focal_log_unit_f64(q));");
        writer.Line();
    }

    /// <summary>
    /// focal_power(q): q^γ for <paramref name="power"/>'s γ; or, for a null <paramref name="power"/>, the generic
    /// focal_power(q, gamma) with γ an argument (exp(γ log q) in double, the run-time γ of the .NET kernels).
    /// </summary>
    public static void EmitPower(SourceWriter writer, PowerSpec? power, string t)
    {
        using (writer.Block(power is null ? $"static {t} focal_power({t} q, const double gamma)" : $"static {t} focal_power({t} q)"))
        {
            var literal = power is null ? "gamma" : D(power.Gamma);
            var form = power?.Form ?? PowerForm.Transcendental;
            var lines = form switch
            {
                PowerForm.Identity => [$"return ({t})1;"],
                PowerForm.Transcendental when t == "float" => [$"return (float)focal_power_f64((double)q, {literal});"],
                PowerForm.Transcendental => [$"return focal_power_f64(q, {literal});"],
                _ => PowerPlan.For(power!).Render(operand => $"sqrt({operand})", (left, right) => $"{left} * {right}", $"const {t}"),
            };
            foreach (var line in lines)
                writer.Line(line);
        }

        writer.Line();
    }

    /// <summary>
    /// focal_element: one element, in the .NET kernels' operation order; the gradient is left unscaled. For a null
    /// <paramref name="power"/> (generic γ) the function takes γ as its argument gamma.
    /// </summary>
    public static void EmitElement(SourceWriter writer, KernelPrecision precision, PowerSpec? power)
    {
        var single = precision == KernelPrecision.Single;
        var t = single ? "float" : "double";
        var identity = power?.Form == PowerForm.Identity;
        string C(double value) => single ? F(value) : D(value);

        writer.Line($"static void focal_element({t} x, {t} y, {t} positive_weight, {t} negative_weight, {t} weight_offset, "
            + (power is null ? "const double gamma, " : string.Empty) + $"{t} *loss, {t} *gradient)");
        using (writer.Block())
        {
            writer.Line($"const {t} e = {(single ? "focal_exp" : "focal_exp_f64")}(-fabs(x));");
            writer.Line($"const {t} l = {(single ? "focal_log1p" : "focal_log1p_f64")}(e);");
            writer.Line($"const {t} s_abs = {C(1)} / ({C(1)} + e);");
            writer.Line($"const {t} s_minus_abs = e * s_abs;");
            writer.Line($"const {t} largest = {(single ? "FLT_MAX" : "DBL_MAX")};");
            writer.Line($"const {t} xc = FOCAL_MIN(FOCAL_MAX(x, -largest), largest);");
            writer.Line($"const {t} one_minus_y = {C(1)} - y;");
            writer.Line($"const {t} class_weight = fma(y, positive_weight, fma(one_minus_y, negative_weight, weight_offset));");
            if (!identity)
            {
                writer.Line($"const {t} q_power = ({C(1)} - y) * (x >= {C(0)} ? s_abs : s_minus_abs);");
                writer.Line($"const {t} modulation = focal_power(fma(y, x >= {C(0)} ? s_minus_abs : s_abs, q_power)"
                    + (power is null ? ", gamma);" : ");"));
            }

            writer.Line($"const {t} bce = fma(y, FOCAL_MAX(-xc, {C(0)}), fma(one_minus_y, FOCAL_MAX(xc, {C(0)}), l));");
            writer.Line(identity ? $"{t} value = class_weight * bce;" : $"{t} value = class_weight * (modulation * bce);");
            writer.Line($"const {t} sigma_x = xc >= {C(0)} ? s_abs : s_minus_abs;");
            writer.Line($"const {t} sigma_minus_x = xc >= {C(0)} ? s_minus_abs : s_abs;");
            writer.Line($"const {t} negative_fraction = one_minus_y * sigma_x;");
            writer.Line($"const {t} p_minus_y = fma(-y, sigma_minus_x, negative_fraction);");
            if (identity)
            {
                writer.Line($"{t} slope = class_weight * p_minus_y;");
            }
            else
            {
                writer.Line($"const {t} q = fma(y, sigma_minus_x, negative_fraction);");
                writer.Line($"const {t} r = (sigma_x * sigma_minus_x) / FOCAL_MAX(q, {(single ? "0x1p-149f" : "0x1p-1074")});");
                if (power is null)
                {
                    writer.Line($"const {t} g = ({t})gamma;");
                    writer.Line($"const {t} focusing = fma(y, -(g + g), g);");
                }
                else
                {
                    var gamma = single ? (double)(float)power.Gamma : power.Gamma;
                    writer.Line($"const {t} focusing = fma(y, {C(-(gamma + gamma))}, {C(gamma)});");
                }

                writer.Line($"{t} slope = (class_weight * modulation) * fma(focusing * r, bce, p_minus_y);");
            }

            using (writer.Block("if (!(fabs(x) < INFINITY))"))
            {
                writer.Line("/* NaN logits propagate; an infinite logit has infinite loss where its side carries weight. */");
                writer.Line($"const {t} infinite_side = x >= {C(0)} ? one_minus_y : y;");
                writer.Line("if (isnan(x)) { value = x; slope = x; } "
                    + $"else if ({C(0)} < class_weight && {C(0)} < infinite_side) {{ value = INFINITY; }}");
            }

            writer.Line("*loss = value;");
            writer.Line("*gradient = slope;");
        }

        writer.Line();
    }

    private static void EmitKernels(SourceWriter writer, string t)
    {
        const string check = "if (!(y >= 0 && y <= 1)) atomic_or(invalid_targets, 1);";
        var common = $"const uint n, __global const {t} *logits, __global const {t} *targets, "
            + $"const {t} positive_weight, const {t} negative_weight, const {t} weight_offset";

        writer.Line("/* alpha_t = y positive_weight + (1 - y) negative_weight + weight_offset: alpha, 1 - alpha, 0; or 0, 0, 1 for no");
        writer.Line("   alpha weighting. A reduced gradient is scaled by scale * scale_exponent (upstream / denominator split in two");
        writer.Line("   when it would overflow; else scale_exponent = 1). invalid_targets receives 1 for a target outside [0, 1] or NaN.");
        writer.Line("   Each work item handles element get_global_id(0); items at n or beyond do nothing, so the global size may be");
        writer.Line("   rounded up to a multiple of the work-group size. */");
        writer.Line($"__kernel void focal_sigmoid_forward({common}, __global {t} *losses, __global int *invalid_targets)");
        KernelBody(writer, t, check, "losses[i] = loss;");

        writer.Line("/* gradient[i] = upstream[i] * dloss/dx, or the scaled dloss/dx when upstream is NULL. */");
        writer.Line($"__kernel void focal_sigmoid_backward({common}, __global const {t} *upstream, "
            + $"const {t} scale, const {t} scale_exponent, __global {t} *gradient, __global int *invalid_targets)");
        KernelBody(writer, t, check, "gradient[i] = upstream ? slope * upstream[i] : (slope * scale) * scale_exponent;");

        writer.Line("/* Per-element losses, and the gradient scaled as in focal_sigmoid_backward. */");
        writer.Line($"__kernel void focal_sigmoid_forward_backward({common}, const {t} scale, const {t} scale_exponent, "
            + $"__global {t} *losses, __global {t} *gradient, __global int *invalid_targets)");
        KernelBody(writer, t, check, "losses[i] = loss;", "gradient[i] = (slope * scale) * scale_exponent;");
    }

    private static void KernelBody(SourceWriter writer, string t, string check, params string[] stores)
    {
        using (writer.Block())
        {
            writer.Line("const size_t i = get_global_id(0);");
            writer.Line("if (i >= n) return;");
            writer.Line($"const {t} y = targets[i];");
            writer.Line(check);
            writer.Line($"{t} loss, slope;");
            writer.Line("focal_element(logits[i], y, positive_weight, negative_weight, weight_offset, &loss, &slope);");
            foreach (var store in stores)
                writer.Line(store);
        }

        writer.Line();
    }

    private static void Horner(SourceWriter writer, string type, string name, string variable, IEnumerable<string> coefficients)
    {
        var list = coefficients.ToList();
        writer.Line($"{type} {name} = {list[0]};");
        foreach (var coefficient in list.Skip(1))
            writer.Line($"{name} = fma({name}, {variable}, {coefficient});");
    }

    /// <summary>An exact float literal (C99 hexadecimal), rounded from the double like the .NET kernels round it.</summary>
    private static string F(double value) => Hex((float)value) + "f";

    /// <summary>An exact double literal (C99 hexadecimal).</summary>
    private static string D(double value) => Hex(value);

    private static string Hex(double value)
    {
        if (value == 0)
            return BitConverter.DoubleToInt64Bits(value) < 0 ? "-0x0p+0" : "0x0p+0";
        var bits = BitConverter.DoubleToInt64Bits(value);
        var sign = bits < 0 ? "-" : string.Empty;
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        var lead = exponent == 0 ? 0 : 1;
        var power = exponent == 0 ? -1022 : exponent - 1023;
        return sign + "0x" + lead.ToString(CultureInfo.InvariantCulture) + "." + mantissa.ToString("x13", CultureInfo.InvariantCulture)
            + "p" + power.ToString("+0;-0", CultureInfo.InvariantCulture);
    }
}
