using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace FocalAot.OpenCl;

/// <summary>
/// Chooses between the CPU and an OpenCL device for a call. <see cref="FocalBackend.Auto"/> picks a device when the
/// data already lives there (no transfer to pay), or when the call has at least the device's threshold: the smallest
/// length from which host-span calls on the device (upload, run, download) beat the CPU path, measured once per device
/// and process on a float fused forward+backward with a mean (lengths 2^12 to 2^22, best of three).
/// </summary>
public static class FocalBackendSelector
{
    private const int SmallestMeasured = 1 << 12;

    // Measured from the largest length down, by factors of 4, until the device stops winning.
    private const int LargestMeasured = 1 << 22;
    private static readonly ConcurrentDictionary<OpenClDevice, Lazy<int?>> Thresholds = new();

    /// <summary>Chooses where a call of <paramref name="length"/> elements runs, and says why.</summary>
    /// <param name="preference">What the caller asks for.</param>
    /// <param name="length">The call's element count.</param>
    /// <param name="dataOnDevice">The inputs are already in device buffers.</param>
    /// <param name="device">The device to consider; null for the first of <see cref="OpenClDevices.All"/>.</param>
    /// <exception cref="InvalidOperationException"><see cref="FocalBackend.OpenCl"/> on a machine without an OpenCL device.</exception>
    public static FocalBackendChoice Choose(FocalBackend preference, int length, bool dataOnDevice = false, OpenClDevice? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (preference == FocalBackend.Cpu)
            return new(FocalBackend.Cpu, null, "the CPU was asked for");

        device ??= OpenClDevices.All.Count > 0 ? OpenClDevices.All[0] : null;
        if (preference == FocalBackend.OpenCl)
        {
            return device is null
                ? throw new InvalidOperationException($"An OpenCL device was asked for, but {OpenClDevices.UnavailableReason}.")
                : new(FocalBackend.OpenCl, device, $"OpenCL device '{device.Name}' was asked for");
        }

        if (device is null)
            return new(FocalBackend.Cpu, null, $"no OpenCL device: {OpenClDevices.UnavailableReason}");
        if (dataOnDevice)
            return new(FocalBackend.OpenCl, device, $"the data is already on '{device.Name}'");

        var threshold = Threshold(device);
        return threshold is null
            ? new(FocalBackend.Cpu, null, Invariant($"'{device.Name}' was slower than the CPU at every length measured (up to {LargestMeasured})"))
            : length >= threshold
                ? new(FocalBackend.OpenCl, device, Invariant($"n = {length} is at least the threshold {threshold} measured for '{device.Name}'"))
                : new(FocalBackend.Cpu, null, Invariant($"n = {length} is below the threshold {threshold} measured for '{device.Name}'"));
    }

    /// <summary>
    /// The length from which host-span calls on <paramref name="device"/> beat the CPU (at that length and every larger
    /// one measured), or null when the device never did; measured on first use, then cached.
    /// </summary>
    public static int? Threshold(OpenClDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return Thresholds.GetOrAdd(device, d => new Lazy<int?>(() => Measure(d))).Value;
    }

    private static int? Measure(OpenClDevice device)
    {
        using var context = OpenClContext.Create(device);
        var logits = new float[LargestMeasured];
        var targets = new float[LargestMeasured];
        var gradient = new float[LargestMeasured];
        for (var i = 0; i < logits.Length; i++)
        {
            logits[i] = (((i * 37) % 200) - 100) / 10f;
            targets[i] = i % 7 == 0 ? 1 : 0;
        }

        var options = new FocalLossOptions<float> { Reduction = FocalReduction.Mean };
        int? threshold = null;
        for (var length = LargestMeasured; length >= SmallestMeasured; length /= 4)
        {
            var x = logits.AsSpan(0, length);
            var y = targets.AsSpan(0, length);
            var g = gradient.AsSpan(0, length);
            context.SigmoidFocalLoss.ForwardBackward(x, y, g, options);
            double cpu = double.MaxValue, onDevice = double.MaxValue;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var start = Stopwatch.GetTimestamp();
                SigmoidFocalLoss.ForwardBackward(x, y, g, options);
                cpu = Math.Min(cpu, Stopwatch.GetElapsedTime(start).TotalSeconds);
                start = Stopwatch.GetTimestamp();
                context.SigmoidFocalLoss.ForwardBackward(x, y, g, options);
                onDevice = Math.Min(onDevice, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }

            if (onDevice >= cpu)
                break;
            threshold = length;
        }

        return threshold;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
