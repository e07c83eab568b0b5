using System.Globalization;
using FocalAot.OpenCl;
using Spectre.Console;

namespace FocalAot.Demo;

/// <summary>
/// The OpenCL side of the run: the devices found, where Auto would run a batch and why, and one batch computed on the
/// first device next to the CPU (the same bits are expected).
/// </summary>
internal static class DeviceReport
{
    /// <summary>Writes the report for batches of <paramref name="batchSize"/> samples of <paramref name="training"/>.</summary>
    public static void Write(IAnsiConsole console, Dataset training, int batchSize)
    {
        var devices = OpenClDevices.All;
        if (devices.Count == 0)
        {
            console.MarkupLine($"OpenCL: no device ({Markup.Escape(OpenClDevices.UnavailableReason)}); everything runs on the CPU.");
            return;
        }

        foreach (var device in devices)
            console.MarkupLine($"OpenCL device {device.Index}: {Markup.Escape(device.ToString())}");

        var choice = FocalBackendSelector.Choose(FocalBackend.Auto, batchSize, device: devices[0]);
        console.MarkupLine(CultureInfo.InvariantCulture, "Auto for a batch of {0:N0}: [bold]{1}[/] ({2}).",
            batchSize, choice.Backend, Markup.Escape(choice.Reason));

        // Logits of a plain linear score, so the batch has easy and hard examples of both classes.
        var count = Math.Min(batchSize, training.Count);
        var logits = new float[count];
        var targets = new float[count];
        for (var i = 0; i < count; i++)
        {
            logits[i] = training.Row(i)[2] - 1f;
            targets[i] = training.Labels[i];
        }

        var options = new FocalLossOptions<float> { Reduction = FocalReduction.Mean };
        var (cpuGradient, deviceGradient) = (new float[count], new float[count]);
        var cpuLoss = SigmoidFocalLoss.ForwardBackward(logits, targets, cpuGradient, options);
        using var context = OpenClContext.Create(devices[0]);
        var deviceLoss = context.SigmoidFocalLoss.ForwardBackward(logits, targets, deviceGradient, options);
        var identical = BitConverter.SingleToInt32Bits(cpuLoss) == BitConverter.SingleToInt32Bits(deviceLoss)
            && cpuGradient.AsSpan().SequenceEqual(deviceGradient);
        console.MarkupLine(CultureInfo.InvariantCulture,
            "One batch on device 0: loss {0:R} (CPU {1:R}); loss and {2:N0} gradients {3}.", deviceLoss, cpuLoss, count,
            identical ? "[green]bit-identical to the CPU[/]" : "[red]differ from the CPU[/]");
        console.WriteLine();
    }
}
