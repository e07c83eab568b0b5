using System.Numerics;
using FocalAot.Generator;
using FocalAot.Kernels;
using FocalAot.OpenCl.Rendering;

namespace FocalAot.OpenCl;

/// <summary>How elements are stored in device memory (compute is float for the 16-bit kinds).</summary>
internal enum DeviceStorage
{
    Single,
    Double,
    Half,
    BFloat16,
}

/// <summary>
/// The OpenCL C of one runtime program: the element rendered from the .NET kernels' recipe
/// (<see cref="OpenClElementSource{T}"/>) for one γ and compute precision, wrapped in the runtime's kernels: storage
/// conversion, class α, per-element weights, the gradient scale in the CPU's order, and sums in the CPU's canonical
/// order (16 lanes per 16,384-element chunk, the fixed tree, chunk totals in order), accumulated in double where the
/// device has fp64.
/// </summary>
internal static class OpenClProgramSource
{
    /// <param name="power">The program's modulating factor: a built-in γ, the generic power (γ an argument) or FLSD-53.</param>
    /// <param name="storage">The element storage.</param>
    /// <param name="fp64">Whether the device has fp64 (sums in double; else in float).</param>
    public static string Build(OpenClPower power, DeviceStorage storage, bool fp64)
    {
        var single = storage != DeviceStorage.Double;
        var element = single ? Element<float>(power) : Element<double>(power);
        var t = single ? "float" : "double";
        var (s, load, store) = OpenClStorageCode.For(storage);
        var sum = fp64 ? "double" : "float";
        var gammaParameter = power.IsGeneric ? "const double gamma, " : string.Empty;
        var gammaArgument = power.IsGeneric ? "gamma, " : string.Empty;

        var writer = new SourceWriter();
        OpenClKernelSource.WritePrologue(writer, element.UsesDouble || fp64);
        writer.Line(element.Source);
        writer.Line($"typedef {s} focal_storage;");
        writer.Line($"typedef {t} focal_compute;");
        writer.Line($"typedef {sum} focal_sum;");
        writer.Line("#define FOCAL_LANES 16");
        writer.Line("#define FOCAL_CHUNK 16384");
        writer.Line();
        writer.Line($"static focal_compute focal_load(__global const focal_storage *p, size_t i) {{ {load} }}");
        writer.Line($"static void focal_store(__global focal_storage *p, size_t i, focal_compute v) {{ {store} }}");
        writer.Line();
        writer.Line(Apply(gammaParameter, gammaArgument));
        writer.Line(Kernels(gammaParameter, gammaArgument));
        return writer.ToString();
    }

    /// <summary>focal_element and focal_element_poly in <typeparamref name="T"/> for <paramref name="power"/>.</summary>
    private static (string Source, bool UsesDouble) Element<T>(OpenClPower power)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var writer = new SourceWriter();
        if (power.SampleDependent)
        {
            OpenClElementSource<T>.WriteSampleDependent(writer);
            return (writer.ToString(), typeof(T) == typeof(double));
        }

        if (power.Gamma is not { } value)
        {
            OpenClElementSource<T>.WriteGeneric(writer);
            return (writer.ToString(), OpenClElementSource<T>.UsesDouble(null));
        }

        var visitor = new ElementWriter<T>(writer);
        var precision = typeof(T) == typeof(float) ? Precision.Single : Precision.Double;
        if (!BuiltInKernels.TryDispatch(value, precision, ref visitor))
            throw new InvalidOperationException($"gamma = {value} has no built-in kernel; its program is the generic one.");
        return (writer.ToString(), OpenClElementSource<T>.UsesDouble(visitor.Form));
    }

    private struct ElementWriter<T>(SourceWriter writer) : IFocalPowerVisitor
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        public FocalPowerForm? Form { get; private set; }

        public void Visit<TPower>()
            where TPower : struct, IFocalPower
        {
            OpenClElementSource<T>.WriteSpecialized<TPower>(writer, poly: true);
            Form = TPower.Form;
        }
    }

    /// <summary>One element with the call's α (class table or scalar), weight and scale, in the CPU kernels' order.</summary>
    private static string Apply(string gammaParameter, string gammaArgument) => $$"""
        /* Loss and gradient of element i, as the CPU kernels give them; returns 1 for an invalid target or weight.
           The gradient takes the upstream span, or scale * scale_power_of_two (the weight joining them first);
           a NaN logit's gradient is the logit itself; weight 0 gives exactly 0. Poly-1 (poly_epsilon != 0) runs its own
           element, as the CPU kernels skip its terms for 0. */
        static int focal_apply(size_t i, __global const focal_storage *logits, __global const focal_storage *targets,
            __global const focal_storage *upstream, __global const focal_storage *weights,
            __global const focal_compute *class_positive, __global const focal_compute *class_negative, const uint classes,
            const focal_compute positive_weight, const focal_compute negative_weight,
            const focal_compute scale, const focal_compute scale_power_of_two, const focal_compute poly_epsilon, {{gammaParameter}}
            focal_compute *loss, focal_compute *gradient)
        {
            const focal_compute x = focal_load(logits, i);
            const focal_compute y = focal_load(targets, i);
            focal_compute alpha = positive_weight, one_minus_alpha = negative_weight;
            if (class_positive) { const uint c = (uint)(i % classes); alpha = class_positive[c]; one_minus_alpha = class_negative[c]; }
            focal_compute value, slope;
            int invalid = poly_epsilon != 0
                ? focal_element_poly(x, y, alpha, one_minus_alpha, {{gammaArgument}}poly_epsilon, &value, &slope)
                : focal_element(x, y, alpha, one_minus_alpha, {{gammaArgument}}&value, &slope);
            if (weights)
            {
                const focal_compute w = focal_load(weights, i);
                invalid |= !(w >= 0 && w < INFINITY);
                slope = slope * (upstream ? w * focal_load(upstream, i) : (w * scale_power_of_two) * scale);
                if (isnan(x)) slope = x;
                value = w == 0 ? 0 : value * w;
                slope = w == 0 ? 0 : slope;
            }
            else
            {
                slope = upstream ? slope * focal_load(upstream, i) : (slope * scale) * scale_power_of_two;
                if (isnan(x)) slope = x;
            }

            *loss = value;
            *gradient = slope;
            return invalid;
        }

        """;

    private static string Kernels(string gammaParameter, string gammaArgument)
    {
        const string inputs = """
            const ulong8 offsets, __global const focal_storage *logits, __global const focal_storage *targets,
                __global const focal_storage *upstream, __global const focal_storage *weights,
                __global const focal_compute *class_positive, __global const focal_compute *class_negative, const uint classes,
                const focal_compute positive_weight, const focal_compute negative_weight,
                const focal_compute scale, const focal_compute scale_power_of_two, const focal_compute poly_epsilon
            """;
        const string arguments = "logits, targets, upstream, weights, class_positive, class_negative, classes, "
            + "positive_weight, negative_weight, scale, scale_power_of_two, poly_epsilon";
        return $$"""
            /* Buffers may start inside the caller's cl_mem: offsets holds each one's first element (logits, targets,
               upstream, weights, losses, gradient in s0..s5). */
            #define FOCAL_OFFSET_INPUTS \
                logits += offsets.s0; targets += offsets.s1; \
                if (upstream) upstream += offsets.s2; \
                if (weights) weights += offsets.s3

            /* Per element: losses and/or the gradient (either may be NULL). Global size >= n; items past n do nothing. */
            __kernel void focal_elements(const uint n, {{inputs}}, {{gammaParameter}}
                __global focal_storage *losses, __global focal_storage *gradient, __global int *invalid)
            {
                const size_t i = get_global_id(0);
                if (i >= n) return;
                FOCAL_OFFSET_INPUTS;
                if (losses) losses += offsets.s4;
                if (gradient) gradient += offsets.s5;
                focal_compute loss, slope;
                if (focal_apply(i, {{arguments}}, {{gammaArgument}}&loss, &slope)) atomic_or(invalid, 1);
                if (losses) focal_store(losses, i, loss);
                if (gradient) focal_store(gradient, i, slope);
            }

            /* Item g sums lane g % 16 of chunk g / 16 in index order (the CPU's canonical lanes) into lane_sums[g], and
               writes the gradient when asked. Global size >= 16 * chunks. */
            __kernel void focal_reduce(const uint n, {{inputs}}, {{gammaParameter}}
                __global focal_storage *gradient, __global focal_sum *lane_sums, __global int *invalid)
            {
                const size_t g = get_global_id(0);
                const size_t start = (g / FOCAL_LANES) * FOCAL_CHUNK;
                if (start >= n) return;
                FOCAL_OFFSET_INPUTS;
                if (gradient) gradient += offsets.s5;
                const size_t end = min(start + FOCAL_CHUNK, (size_t)n);
                focal_sum sum = 0;
                int bad = 0;
                for (size_t i = start + g % FOCAL_LANES; i < end; i += FOCAL_LANES)
                {
                    focal_compute loss, slope;
                    bad |= focal_apply(i, {{arguments}}, {{gammaArgument}}&loss, &slope);
                    sum += (focal_sum)loss;
                    if (gradient) focal_store(gradient, i, slope);
                }

                lane_sums[g] = sum;
                if (bad) atomic_or(invalid, 1);
            }

            /* The weights' lane sums (a weighted mean's denominator), in the same order; flags a negative or non-finite weight. */
            __kernel void focal_weight_lanes(const uint n, const ulong weights_offset, __global const focal_storage *weights,
                __global focal_sum *lane_sums, __global int *invalid)
            {
                const size_t g = get_global_id(0);
                const size_t start = (g / FOCAL_LANES) * FOCAL_CHUNK;
                if (start >= n) return;
                weights += weights_offset;
                const size_t end = min(start + FOCAL_CHUNK, (size_t)n);
                focal_sum sum = 0;
                int bad = 0;
                for (size_t i = start + g % FOCAL_LANES; i < end; i += FOCAL_LANES)
                {
                    const focal_compute w = focal_load(weights, i);
                    bad |= !(w >= 0 && w < INFINITY);
                    sum += (focal_sum)w;
                }

                lane_sums[g] = sum;
                if (bad) atomic_or(invalid, 1);
            }

            /* One item: each chunk's 16 lane sums by the fixed pairwise tree, the chunk totals added in chunk order. */
            __kernel void focal_total(const uint chunks, __global const focal_sum *lane_sums, __global focal_sum *total)
            {
                if (get_global_id(0) != 0) return;
                focal_sum result = 0;
                for (uint chunk = 0; chunk < chunks; chunk++)
                {
                    focal_sum level[FOCAL_LANES];
                    for (uint j = 0; j < FOCAL_LANES; j++) level[j] = lane_sums[chunk * FOCAL_LANES + j];
                    for (uint width = FOCAL_LANES / 2; width >= 1; width /= 2)
                        for (uint j = 0; j < width; j++) level[j] += level[j + width];
                    result += level[0];
                }

                *total = result;
            }

            """;
    }
}
