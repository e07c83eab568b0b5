using System.Numerics;
using FocalAot.Generator;
using FocalAot.Kernels;

namespace FocalAot.OpenCl.Rendering;

/// <summary>
/// The OpenCL C program of a generated kernel, for callers who run their own OpenCL: its focal_element and three entry
/// points over float or double buffers. The runtime's own programs (<see cref="OpenClProgramSource"/>) share the
/// prologue and the element.
/// </summary>
internal static class OpenClKernelSource
{
    /// <summary>Build options that make float division and square root correctly rounded, as on the CPU.</summary>
    public const string BuildOptions = "-cl-fp32-correctly-rounded-divide-sqrt";

    /// <summary>Every program's start: the pragma that keeps the operation order, and fp64 when the program uses it.</summary>
    public static void WritePrologue(SourceWriter writer, bool fp64)
    {
        writer.Line("/* FocalAot focal loss, rendered from the .NET kernels' recipe.");
        writer.Line($"   Build with {BuildOptions} for results identical to the CPU kernels. */");
        writer.Line("#pragma OPENCL FP_CONTRACT OFF");
        if (fp64)
            writer.Line("#pragma OPENCL EXTENSION cl_khr_fp64 : enable");
        writer.Line();
    }

    /// <summary>The whole program of the kernel for <typeparamref name="TPower"/> in <typeparamref name="T"/>.</summary>
    public static string Standalone<T, TPower>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TPower : struct, IFocalPower
    {
        var t = typeof(T) == typeof(float) ? "float" : "double";
        var writer = new SourceWriter();
        WritePrologue(writer, OpenClElementSource<T>.UsesDouble(TPower.Form));
        OpenClElementSource<T>.WriteSpecialized<TPower>(writer, poly: false);

        var common = $"const uint n, __global const {t} *logits, __global const {t} *targets, "
            + $"const {t} positive_weight, const {t} negative_weight";
        writer.Line("/* alpha_t = y positive_weight + (1 - y) negative_weight: alpha and 1 - alpha, or 1 and 1 for no alpha");
        writer.Line("   weighting. A reduced gradient is scaled by scale * scale_exponent (upstream / denominator split in two");
        writer.Line("   when it would overflow; else scale_exponent = 1); a NaN logit's gradient is the logit. invalid_targets");
        writer.Line("   receives 1 for a target outside [0, 1] or NaN. Each work item handles element get_global_id(0); items at n or");
        writer.Line("   beyond do nothing, so the global size may be rounded up to a multiple of the work-group size. */");
        writer.Line($"__kernel void focal_sigmoid_forward({common}, __global {t} *losses, __global int *invalid_targets)");
        EntryBody(writer, t, "losses[i] = loss;");

        writer.Line("/* gradient[i] = upstream[i] * dloss/dx, or the scaled dloss/dx when upstream is NULL. */");
        writer.Line($"__kernel void focal_sigmoid_backward({common}, __global const {t} *upstream, "
            + $"const {t} scale, const {t} scale_exponent, __global {t} *gradient, __global int *invalid_targets)");
        EntryBody(writer, t, $"gradient[i] = isnan(x) ? x : upstream ? slope * upstream[i] : (slope * scale) * scale_exponent;");

        writer.Line("/* Per-element losses, and the gradient scaled as in focal_sigmoid_backward. */");
        writer.Line($"__kernel void focal_sigmoid_forward_backward({common}, const {t} scale, const {t} scale_exponent, "
            + $"__global {t} *losses, __global {t} *gradient, __global int *invalid_targets)");
        EntryBody(writer, t, "losses[i] = loss;", "gradient[i] = isnan(x) ? x : (slope * scale) * scale_exponent;");
        return writer.ToString();
    }

    private static void EntryBody(SourceWriter writer, string t, params string[] stores)
    {
        using (writer.Block())
        {
            writer.Line("const size_t i = get_global_id(0);");
            writer.Line("if (i >= n) return;");
            writer.Line($"const {t} x = logits[i];");
            writer.Line($"{t} loss, slope;");
            writer.Line("if (focal_element(x, targets[i], positive_weight, negative_weight, &loss, &slope)) "
                + "atomic_or(invalid_targets, 1);");
            foreach (var store in stores)
                writer.Line(store);
        }

        writer.Line();
    }
}
