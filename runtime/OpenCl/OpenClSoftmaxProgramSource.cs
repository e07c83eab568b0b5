using System.Numerics;
using FocalAot.Generator;
using FocalAot.OpenCl.Rendering;

namespace FocalAot.OpenCl;

/// <summary>
/// The OpenCL C of one softmax program: the per-class and per-row functions rendered from the .NET recipe
/// (<see cref="OpenClSoftmaxElementSource{T}"/>, <see cref="OpenClSoftmaxRowSource"/>) for one modulating factor and
/// compute precision, in the row kernel's passes: one work item per sample (a row, or a position of [N, C, S]) loops
/// over its classes for the maximum, the exponentials' sum, the dense part's sums (each in the CPU's canonical order:
/// 16 lanes in double, the fixed tree) and the gradient, exponentials and terms recomputed in each pass with the same
/// operations. Reduced losses are added in the CPU's row chunks, then the chunk totals in order. The program needs fp64.
/// </summary>
internal static class OpenClSoftmaxProgramSource
{
    /// <param name="power">The modulating factor: a built-in γ, the generic power (γ an argument) or FLSD-53.</param>
    /// <param name="storage">The element storage.</param>
    public static string Build(OpenClPower power, DeviceStorage storage)
    {
        var single = storage != DeviceStorage.Double;
        var t = single ? "float" : "double";
        var (s, load, store) = OpenClStorageCode.For(storage);
        var writer = new SourceWriter();
        OpenClKernelSource.WritePrologue(writer, fp64: true);
        writer.Line($"typedef {s} focal_storage;");
        writer.Line($"typedef {t} focal_compute;");
        writer.Line("#define FOCAL_LANES 16");
        writer.Line($"/* The CPU's NaN of the compute type (a row whose softmax is undefined). */");
        writer.Line($"#define FOCAL_NAN {(single ? NaN<float>() : NaN<double>())}");
        writer.Line();
        writer.Line($"static focal_compute focal_load(__global const focal_storage *p, size_t i) {{ {load} }}");
        writer.Line($"static void focal_store(__global focal_storage *p, size_t i, focal_compute v) {{ {store} }}");
        writer.Line();
        if (single)
            OpenClSoftmaxElementSource<float>.Write(writer, power);
        else
            OpenClSoftmaxElementSource<double>.Write(writer, power);
        OpenClSoftmaxRowSource.Write(writer, t);
        var gammaParameter = power.IsGeneric ? "const double gamma, " : string.Empty;
        var gammaArgument = power.IsGeneric ? "gamma, " : string.Empty;
        writer.Line(Kernels(gammaParameter, gammaArgument));
        return writer.ToString();
    }

    private static string NaN<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? $"as_float({ClLiterals.Bits32(BitConverter.SingleToInt32Bits(float.NaN))})"
            : $"as_double({ClLiterals.Bits64(BitConverter.DoubleToInt64Bits(double.NaN))})";

    private static string Kernels(string gammaParameter, string gammaArgument) => $$"""
        /* The constants every class of a row shares. */
        typedef struct { focal_compute max, inverse_z, log_z, max_complement; } focal_row;

        /* The fixed pairwise combination of 16 lane sums (lane j adds lane j + 8, then j + 4, j + 2, j + 1). */
        static double focal_combine(double *lanes)
        {
            for (uint width = FOCAL_LANES / 2; width >= 1; width /= 2)
                for (uint j = 0; j < width; j++) lanes[j] += lanes[j + width];
            return lanes[0];
        }

        /* The loss and gradient terms of class c (logit v, exponential e) of the dense part (soft targets or smoothing). */
        static void focal_dense_class(const uint c, const focal_compute v, const focal_compute e, const focal_compute y,
            __global const focal_compute *class_alpha, const focal_compute scale, const focal_compute poly_scale,
            const focal_compute uniform, const focal_compute target_share, const int has_targets, const focal_row *row,
            {{gammaParameter}}focal_compute *loss, focal_compute *slope)
        {
            const focal_compute mass = has_targets ? focal_mass(y, target_share, uniform) : uniform;
            focal_compute coefficient, poly_coefficient, p, q;
            if (class_alpha) focal_dense_coefficients_alpha(mass, scale, poly_scale, class_alpha[c], &coefficient, &poly_coefficient);
            else focal_dense_coefficients(mass, scale, poly_scale, &coefficient, &poly_coefficient);
            if (poly_scale != 0)
                focal_terms_poly(v, e, coefficient, poly_coefficient, row->max, row->inverse_z, row->log_z, row->max_complement,
                    {{gammaArgument}}loss, slope, &p, &q);
            else
                focal_terms(v, e, coefficient, poly_coefficient, row->max, row->inverse_z, row->log_z, row->max_complement,
                    {{gammaArgument}}loss, slope, &p, &q);
        }

        /* One work item per sample r of n: sample n·S + s has its C logits from (n·C)·S + s, S apart. Targets are int or
           long class indices (one per sample) or probabilities (one per logit); the NULL pointers say which. Buffers may
           start inside the caller's cl_mem: offsets holds each one's first element (logits, targets, weights, upstream,
           losses, gradient in s0..s5). Writes the sample's loss (losses and/or row_losses, in the compute type) and its
           gradient, each where not NULL; flags an invalid target or weight (the row's results are then not used). */
        __kernel void focal_softmax_rows(const uint n, const uint classes, const uint spatial, const ulong8 offsets,
            __global const focal_storage *logits, __global const int *indices32, __global const long *indices64,
            __global const focal_storage *probabilities, __global const focal_storage *weights, __global const focal_storage *upstream,
            __global const double *class_alpha, __global const focal_compute *class_alpha_compute, const double class_alpha_bound,
            const long ignore_index, const double alpha, const double label_smoothing, const double poly_epsilon, const focal_compute uniform,
            const focal_compute target_share, const double upstream_scale, {{gammaParameter}}
            __global focal_storage *losses, __global focal_compute *row_losses, __global focal_storage *gradient, __global int *invalid)
        {
            const size_t r = get_global_id(0);
            if (r >= n) return;
            logits += offsets.s0;
            if (indices32) indices32 += offsets.s1;
            if (indices64) indices64 += offsets.s1;
            if (probabilities) probabilities += offsets.s1;
            if (weights) weights += offsets.s2;
            if (upstream) upstream += offsets.s3;
            if (losses) losses += offsets.s4;
            if (gradient) gradient += offsets.s5;
            const size_t stride = spatial;
            const size_t first = (r / spatial) * (size_t)classes * spatial + r % spatial;
            const int indexed = indices32 || indices64;
            const long target = indices32 ? (long)indices32[r] : indices64 ? indices64[r] : -1;

            int bad = indexed && target != ignore_index && (target < 0 || target >= (long)classes);
            for (uint c = 0; probabilities && c < classes; c++)
            {
                const focal_compute y = focal_load(probabilities, first + c * stride);
                bad |= !(y >= 0 && y <= 1);
            }

            const double weight = weights ? (double)focal_load(weights, r) : 1;
            bad |= !(weight >= 0 && weight < INFINITY);
            if (bad) atomic_or(invalid, 1);

            focal_compute loss = 0;
            if (bad || (indexed && target == ignore_index) || weight == 0)
            {
                for (uint c = 0; gradient && c < classes; c++) focal_store(gradient, first + c * stride, 0);
            }
            else
            {
                focal_row row;
                row.max = -INFINITY;
                int nan = 0;
                uint top = 0;
                for (uint c = 0; c < classes; c++)
                {
                    const focal_compute v = focal_load(logits, first + c * stride);
                    nan |= isnan(v);
                    if (v > row.max) { row.max = v; top = c; }
                }

                if (nan || !isfinite(row.max))
                {
                    /* A NaN or +inf logit, or every logit -inf: the softmax is undefined. */
                    loss = FOCAL_NAN;
                    for (uint c = 0; gradient && c < classes; c++) focal_store(gradient, first + c * stride, FOCAL_NAN);
                }
                else
                {
                    double lanes[FOCAL_LANES] = { 0 };
                    uint at_max = 0;
                    for (uint c = 0; c < classes; c++)
                    {
                        int is_max;
                        lanes[c % FOCAL_LANES] += (double)focal_exponential(focal_load(logits, first + c * stride), row.max, &is_max);
                        at_max += is_max;
                    }

                    focal_row_constants((double)at_max, focal_combine(lanes), &row.inverse_z, &row.log_z, &row.max_complement);
                    double scale, poly_scale, loss_power, upstream_power;
                    double up = !gradient ? 1 : upstream ? (double)focal_load(upstream, r) : upstream_scale;
                    focal_scales(weight, alpha, poly_epsilon, &scale, &poly_scale);
                    focal_in_range(class_alpha_bound, &scale, &poly_scale, &up, &loss_power, &upstream_power);
                    const focal_compute dense_scale = (focal_compute)scale, dense_poly_scale = (focal_compute)poly_scale;
                    const int has_targets = probabilities != 0;
                    const int dense = label_smoothing != 0 || !indexed;

                    /* The dense part's sums; with one class at the maximum, also the others' gradient terms without it. */
                    double loss_sum = 0, slope_sum = 0, others_sum = 0, own_slope = 0, dense_slope = 0;
                    if (dense)
                    {
                        double loss_lanes[FOCAL_LANES] = { 0 }, slope_lanes[FOCAL_LANES] = { 0 }, other_lanes[FOCAL_LANES] = { 0 };
                        for (uint c = 0; c < classes; c++)
                        {
                            const focal_compute v = focal_load(logits, first + c * stride);
                            int is_max;
                            const focal_compute e = focal_exponential(v, row.max, &is_max);
                            const focal_compute y = has_targets ? focal_load(probabilities, first + c * stride) : 0;
                            focal_compute class_loss, slope;
                            focal_dense_class(c, v, e, y, class_alpha_compute, dense_scale, dense_poly_scale, uniform, target_share,
                                has_targets, &row, {{gammaArgument}}&class_loss, &slope);
                            loss_lanes[c % FOCAL_LANES] += (double)class_loss;
                            slope_lanes[c % FOCAL_LANES] += (double)slope;
                            if (c != top) other_lanes[c % FOCAL_LANES] += (double)slope;
                            else own_slope = slope;
                            if ((long)c == target) dense_slope = slope;
                        }

                        loss_sum = focal_combine(loss_lanes);
                        slope_sum = focal_combine(slope_lanes);
                        others_sum = focal_combine(other_lanes);
                    }

                    /* The sparse part: a class-index target's own term. */
                    focal_compute sparse_slope = 0, target_p = 0, target_q = 0;
                    if (indexed)
                    {
                        focal_compute coefficient, poly_coefficient, sparse_loss;
                        focal_sparse_coefficients(scale, class_alpha ? class_alpha[target] : 1, poly_scale, label_smoothing,
                            &coefficient, &poly_coefficient);
                        const focal_compute v = focal_load(logits, first + (size_t)target * stride);
                        int is_max;
                        const focal_compute e = focal_exponential(v, row.max, &is_max);
                        if (poly_coefficient != 0)
                            focal_terms_poly(v, e, coefficient, poly_coefficient, row.max, row.inverse_z, row.log_z, row.max_complement,
                                {{gammaArgument}}&sparse_loss, &sparse_slope, &target_p, &target_q);
                        else
                            focal_terms(v, e, coefficient, poly_coefficient, row.max, row.inverse_z, row.log_z, row.max_complement,
                                {{gammaArgument}}&sparse_loss, &sparse_slope, &target_p, &target_q);
                        loss_sum += (double)sparse_loss;
                    }

                    loss = focal_restored(loss_sum, loss_power, 1);
                    if (gradient)
                    {
                        /* Each class reads its logit before its gradient is written, so the gradient may be the logits. */
                        const double sparse = (double)sparse_slope;
                        const focal_compute with_all = focal_with_all(up, slope_sum, sparse);
                        const focal_compute dense_factor = dense ? (focal_compute)up : 0;
                        for (uint c = 0; c < classes; c++)
                        {
                            const size_t i = first + c * stride;
                            const focal_compute v = focal_load(logits, i);
                            int is_max;
                            const focal_compute e = focal_exponential(v, row.max, &is_max);
                            focal_compute g;
                            if (dense_factor != 0)
                            {
                                const focal_compute y = has_targets ? focal_load(probabilities, i) : 0;
                                focal_compute class_loss, slope;
                                focal_dense_class(c, v, e, y, class_alpha_compute, dense_scale, dense_poly_scale, uniform, target_share,
                                    has_targets, &row, {{gammaArgument}}&class_loss, &slope);
                                g = focal_gradient_dense(v, e, row.max, row.inverse_z, with_all, -dense_factor, slope);
                            }
                            else
                            {
                                g = focal_gradient(v, e, row.max, row.inverse_z, with_all);
                            }

                            focal_store(gradient, i, focal_restored((double)g, loss_power, upstream_power));
                        }

                        if (indexed)
                            focal_store(gradient, first + (size_t)target * stride, focal_restored((double)focal_target_gradient(
                                up, (double)target_p, (double)target_q, slope_sum, dense_slope, sparse), loss_power, upstream_power));
                        if (dense && at_max == 1)
                            focal_store(gradient, first + top * stride, focal_restored((double)focal_top_gradient(up, (double)row.inverse_z,
                                (double)row.max_complement, others_sum, target >= 0 && target != (long)top ? sparse : 0, own_slope,
                                target == (long)top ? sparse : 0), loss_power, upstream_power));
                    }
                }
            }

            if (losses) focal_store(losses, r, loss);
            if (row_losses) row_losses[r] = loss;
        }

        /* Item k adds the losses of rows [k·rows_per_chunk, (k + 1)·rows_per_chunk) in double, in row order. */
        __kernel void focal_softmax_chunks(const uint n, const uint rows_per_chunk, const uint chunks,
            __global const focal_compute *row_losses, __global double *chunk_sums)
        {
            const size_t k = get_global_id(0);
            if (k >= chunks) return;
            const size_t start = k * rows_per_chunk;
            const size_t end = min(start + rows_per_chunk, (size_t)n);
            double sum = 0;
            for (size_t r = start; r < end; r++) sum += (double)row_losses[r];
            chunk_sums[k] = sum;
        }

        /* One item: the chunk totals added in chunk order. */
        __kernel void focal_softmax_total(const uint chunks, __global const double *chunk_sums, __global double *total)
        {
            if (get_global_id(0) != 0) return;
            double sum = 0;
            for (uint k = 0; k < chunks; k++) sum += chunk_sums[k];
            *total = sum;
        }

        """;
}
