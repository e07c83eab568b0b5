using System.Numerics;
using FocalAot.Drivers;
using FocalAot.Kernels;
using FocalAot.Storage;

namespace FocalAot.OpenCl;

/// <summary>
/// One device call for storage <typeparamref name="TStorage"/> computed in <typeparamref name="T"/>: the CPU path's
/// rules, the program for the call's γ (the built-in specialization where the CPU has one, else the generic program),
/// the kernel parameters exactly as the CPU converts them, and the launches.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208", Justification = "Errors name the caller's argument.")]
internal static unsafe class OpenClCall<TStorage, T>
    where TStorage : unmanaged
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private const int Lanes = BlockGeometry.CanonicalLanes;
    private const int ChunkSize = 16384;

    public static TStorage Run(OpenClContext context, in Call<TStorage> call, in FocalLossOptions<TStorage> options, bool reduced)
    {
        lock (context.Gate)
        {
            var storage = OpenClStorageCode.Of<TStorage>();
            if (storage == DeviceStorage.Double && !context.UsesFp64)
                throw new NotSupportedException($"double elements need fp64, {WithoutFp64(context)}; use float, Half or BFloat16.");

            var length = Validate(context, call, options, reduced);

            // An earlier call's invalid input is named from what it read, before this call writes over it.
            if (call.Losses is not null)
                context.PendingChecks.ResolveBeforeWriting(call.Losses);
            if (call.Gradient is not null)
                context.PendingChecks.ResolveBeforeWriting(call.Gradient);
            var power = OpenClPowerChoice.For<TStorage, T>(options);
            if (power.IsGeneric && !context.UsesFp64)
            {
                throw new NotSupportedException(
                    $"gamma = {options.Gamma} needs the generic program, which evaluates q^gamma in double, {WithoutFp64(context)}; " +
                    "use a built-in gamma (0, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5).");
            }

            var denominator = Denominator(context, call, options, length);
            var parameters = new KernelParameters<T>(
                options.ClassAlpha.IsEmpty ? options.Alpha : 0, call.ScalarUpstream, denominator, options.PolyEpsilon);
            if (length == 0)
                return reduced ? Result(0, denominator) : default;

            var program = context.Program(power, storage);
            using var classPositive = ClassTable(context, options.ClassAlpha, positive: true);
            using var classNegative = ClassTable(context, options.ClassAlpha, positive: false);
            var name = call.SumsLosses ? "focal_reduce" : "focal_elements";
            var offsets = new ElementOffsets
            {
                Logits = call.Logits.Offset,
                Targets = call.Targets.Offset,
                Upstream = call.Upstream?.Offset ?? 0,
                Weights = call.Weights?.Offset ?? 0,
                Losses = call.Losses?.Offset ?? 0,
                Gradient = call.Gradient?.Offset ?? 0,
            };
            var launch = new KernelLaunch(program.Kernel(name), name)
                .Value((uint)length)
                .Value(offsets)
                .Buffer(call.Logits.Handle("logits"))
                .Buffer(call.Targets.Handle("targets"))
                .Buffer(call.Upstream?.Handle("upstream") ?? 0)
                .Buffer(call.Weights?.Handle("weights") ?? 0)
                .Buffer(classPositive?.Handle("classAlpha") ?? 0)
                .Buffer(classNegative?.Handle("classAlpha") ?? 0)
                .Value((uint)Math.Max(options.ClassAlpha.Length, 1))
                .Value(parameters.PositiveWeight)
                .Value(parameters.NegativeWeight)
                .Value(parameters.GradientScale)
                .Value(parameters.GradientScalePowerOfTwo)
                .Value(parameters.PolyEpsilon);
            if (power.IsGeneric)
                launch = launch.Value(options.Gamma);

            var targets = call.Targets;
            var weights = call.Weights;
            if (!call.SumsLosses)
            {
                launch.Buffer(call.Losses?.Handle("losses") ?? 0).Buffer(call.Gradient?.Handle("gradient") ?? 0).Buffer(context.InvalidFlag)
                    .Enqueue(context.QueueHandle, length);
                context.PendingChecks.Add(() => Rescan(targets, weights), targets, weights);
                return default;
            }

            var chunks = (length + ChunkSize - 1) / ChunkSize;
            using var laneSums = context.Allocate<byte>(chunks * Lanes * SumSize(context));
            launch.Buffer(call.Gradient?.Handle("gradient") ?? 0).Buffer(laneSums.Handle("lane sums")).Buffer(context.InvalidFlag)
                .Enqueue(context.QueueHandle, (long)chunks * Lanes);
            context.PendingChecks.Add(() => Rescan(targets, weights), targets, weights);
            return Result(Total(context, program, laneSums, chunks), denominator);
        }
    }

    private static TStorage Result(double sum, double denominator)
        => ElementStorage.FromDouble<TStorage>(CanonicalSum.Canonicalize(CanonicalSum.Canonicalize(sum) / denominator));

    private static int Validate(OpenClContext context, in Call<TStorage> call, in FocalLossOptions<TStorage> options, bool reduced)
    {
        RuntimeGammaRunner<T>.ValidateGamma(options.Gamma);
        var length = Require(context, call.Logits, "logits").Length;
        Require(context, call.Targets, "targets");
        SigmoidFocalRules<TStorage>.RequireSameLength(call.Targets.Length, length, "targets");
        SigmoidFocalRules<TStorage>.ValidateOptions(options, length, reduced);
        if (!options.Weights.IsEmpty)
        {
            throw new ArgumentException(
                "options.Weights holds host memory; on device buffers pass the per-element weights as the weights buffer argument.", "weights");
        }

        var others = new[] { (call.Weights, "weights"), (call.Upstream, "upstream"), (call.Losses, "losses"), (call.Gradient, "gradient") };
        foreach (var (buffer, name) in others)
        {
            if (buffer is null)
                continue;
            Require(context, buffer, name);
            SigmoidFocalRules<TStorage>.RequireSameLength(buffer.Length, length, name);
        }

        foreach (var (output, name) in new[] { (call.Losses, "losses"), (call.Gradient, "gradient") })
        {
            if (output is null)
                continue;
            if (ReferenceEquals(output, call.Targets) || ReferenceEquals(output, call.Weights))
            {
                throw new ArgumentException(
                    $"{name} must not be the targets or weights buffer: a device call names an invalid target or weight after the pass, " +
                    "from the inputs (in place over logits or upstream is allowed).", name);
            }
        }

        if (call.Losses is not null && ReferenceEquals(call.Losses, call.Gradient))
            throw new ArgumentException("gradient must not be the losses buffer.", "gradient");
        return length;
    }

    private static OpenClBuffer<TStorage> Require(OpenClContext context, OpenClBuffer<TStorage> buffer, string name)
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (!ReferenceEquals(buffer.Context, context))
            throw new ArgumentException($"{name} belongs to another OpenClContext; a call's buffers must be in the context that runs it.", name);
        buffer.Handle(name);
        return buffer;
    }

    /// <summary>What the sum is divided by; for a weighted mean, the weights' sum in the canonical order (on the device).</summary>
    private static double Denominator(OpenClContext context, in Call<TStorage> call, in FocalLossOptions<TStorage> options, int length)
    {
        if (options.Reduction.Kind != FocalReductionKind.WeightedMean || call.Weights is null || length == 0)
            return options.Reduction.Denominator(length, length);

        var program = context.Program(OpenClPowerChoice.For<TStorage, T>(options), OpenClStorageCode.Of<TStorage>());
        var chunks = (length + ChunkSize - 1) / ChunkSize;
        using var laneSums = context.Allocate<byte>(chunks * Lanes * SumSize(context));
        var weights = call.Weights;
        new KernelLaunch(program.Kernel("focal_weight_lanes"), "focal_weight_lanes")
            .Value((uint)length).Value(weights.Offset).Buffer(weights.Handle("weights")).Buffer(laneSums.Handle("lane sums"))
            .Buffer(context.InvalidFlag)
            .Enqueue(context.QueueHandle, (long)chunks * Lanes);
        context.PendingChecks.Add(() => Rescan(null, weights), null, weights);
        return Total(context, program, laneSums, chunks);
    }

    /// <summary>Combines the lane sums on the device, waits, and reports any invalid input of the calls so far.</summary>
    private static double Total(OpenClContext context, OpenClProgram program, OpenClBuffer<byte> laneSums, int chunks)
    {
        var fp64 = context.UsesFp64;
        using var total = context.Allocate<byte>(SumSize(context));
        new KernelLaunch(program.Kernel("focal_total"), "focal_total")
            .Value((uint)chunks).Buffer(laneSums.Handle("lane sums")).Buffer(total.Handle("total"))
            .Enqueue(context.QueueHandle, 1);
        Span<byte> bytes = stackalloc byte[8];
        total.Download(bytes[..total.Length]);
        return fp64 ? BitConverter.ToDouble(bytes) : BitConverter.ToSingle(bytes);
    }

    private static OpenClBuffer<T>? ClassTable(OpenClContext context, ReadOnlySpan<double> classAlpha, bool positive)
    {
        if (classAlpha.IsEmpty)
            return null;
        // The CPU's conversions: α and 1 - α rounded from double to the compute type.
        var table = new T[classAlpha.Length];
        for (var c = 0; c < table.Length; c++)
            table[c] = T.CreateTruncating(positive ? classAlpha[c] : 1 - classAlpha[c]);
        return context.Upload<T>(table);
    }

    /// <summary>The error naming the first invalid target or weight, read back from the device.</summary>
    private static ArgumentOutOfRangeException? Rescan(OpenClBuffer<TStorage>? targets, OpenClBuffer<TStorage>? weights)
        => (targets is null ? null : SigmoidFocalRules<TStorage>.InvalidTarget(targets.ReadWithoutReport()))
            ?? (weights is null ? null : WeightRule.FirstBroken(weights.ReadWithoutReport()));

    private static int SumSize(OpenClContext context) => context.UsesFp64 ? sizeof(double) : sizeof(float);

    private static string WithoutFp64(OpenClContext context) => context.Device.SupportsFp64
        ? $"and this context was created with useFp64: false"
        : $"and device '{context.Device.Name}' does not report cl_khr_fp64";

    /// <summary>The kernels' ulong8 of first elements (s0..s5; s6 and s7 unused).</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct ElementOffsets
    {
        public long Logits;
        public long Targets;
        public long Upstream;
        public long Weights;
        public long Losses;
        public long Gradient;
        public long Unused6;
        public long Unused7;
    }
}
