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
    public static void Write(Dataset training, int batchSize)
    {
        var devices = OpenClDevices.All;
        if (devices.Count == 0)
        {
            AnsiConsole.MarkupLine("OpenCL: no device ({0}); everything runs on the CPU.", Markup.Escape(OpenClDevices.UnavailableReason));
            return;
        }

        foreach (var device in devices)
            AnsiConsole.MarkupLine("OpenCL device {0}: {1}", device.Index, Markup.Escape(device.ToString()));

        var choice = FocalBackendSelector.Choose(FocalBackend.Auto, batchSize, device: devices[0]);
        AnsiConsole.MarkupLine("Auto for a batch of {0:N0}: [bold]{1}[/] ({2}).", batchSize, choice.Backend, Markup.Escape(choice.Reason));

        // Logits of a plain linear score, so the batch has easy and hard examples of both classes.
        var count = Math.Min(batchSize, training.Count);
        var logits = new float[count];
        for (var i = 0; i < count; i++)
            logits[i] = training.Row(i)[0] - 1f;
        var targets = training.Labels.AsSpan(0, count);
        var options = new FocalLossOptions<float> { Reduction = FocalReduction.Mean };
        var (cpuGradient, deviceGradient) = (new float[count], new float[count]);
        var cpuLoss = SigmoidFocalLoss.ForwardBackward(logits, targets, cpuGradient, options);
        using var context = OpenClContext.Create(devices[0]);
        var deviceLoss = context.SigmoidFocalLoss.ForwardBackward(logits, targets, deviceGradient, options);
        var identical = BitConverter.SingleToInt32Bits(cpuLoss) == BitConverter.SingleToInt32Bits(deviceLoss)
            && cpuGradient.AsSpan().SequenceEqual(deviceGradient);
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture,
            "One batch on device 0: loss {0:R} (CPU {1:R}); loss and {2:N0} gradients {3}.", deviceLoss, cpuLoss, count,
            identical ? "[green]bit-identical to the CPU[/]" : "[red]differ from the CPU[/]");
        AnsiConsole.WriteLine();
    }
}
