using FocalAot.OpenCl;
using Xunit;

namespace FocalAot.Properties.OpenCl;

/// <summary>
/// Backend selection: Cpu and OpenCl give what was asked for; Auto takes the device for resident data, and otherwise
/// exactly when the call reaches the device's measured threshold (the CPU when the device never won); each choice
/// carries its reason.
/// </summary>
[Collection(OpenClGroup.Name)]
public sealed class OpenClSelectionTests(OpenClContextFixture fixture)
{
    [Fact]
    public void Cpu_and_OpenCl_are_taken_as_asked()
    {
        var device = fixture.Context.Device;
        var cpu = FocalBackendSelector.Choose(FocalBackend.Cpu, 1 << 20);
        Assert.Equal(FocalBackend.Cpu, cpu.Backend);
        Assert.Null(cpu.Device);

        var chosen = FocalBackendSelector.Choose(FocalBackend.OpenCl, 10, device: device);
        Assert.Equal(FocalBackend.OpenCl, chosen.Backend);
        Assert.Same(device, chosen.Device);
        Assert.Contains(device.Name, chosen.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_takes_the_device_for_resident_data()
    {
        var choice = FocalBackendSelector.Choose(FocalBackend.Auto, 1, dataOnDevice: true, device: fixture.Context.Device);
        Assert.Equal(FocalBackend.OpenCl, choice.Backend);
        Assert.Contains("already", choice.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_follows_the_measured_threshold()
    {
        var device = fixture.Context.Device;
        var threshold = FocalBackendSelector.Threshold(device);
        Assert.Equal(threshold, FocalBackendSelector.Threshold(device));
        foreach (var length in new[] { 0, 1000, 1 << 16, 1 << 20, 1 << 24, int.MaxValue })
        {
            var choice = FocalBackendSelector.Choose(FocalBackend.Auto, length, device: device);
            var expected = threshold is { } t && length >= t ? FocalBackend.OpenCl : FocalBackend.Cpu;
            Assert.Equal(expected, choice.Backend);
            Assert.False(string.IsNullOrWhiteSpace(choice.Reason));
            Assert.Contains(device.Name, choice.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Negative_lengths_are_rejected()
        => Assert.Throws<ArgumentOutOfRangeException>("length", () => FocalBackendSelector.Choose(FocalBackend.Auto, -1));
}
