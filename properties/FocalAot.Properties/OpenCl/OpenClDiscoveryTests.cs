using System.Collections.Concurrent;
using FocalAot.OpenCl;
using Xunit;

namespace FocalAot.Properties.OpenCl;

/// <summary>
/// Devices and contexts: <see cref="OpenClDevices.All"/> lists this machine's devices (PoCL's CPU device here and in
/// CI) with a name, vendor and version, each at its own index, one list for the process, and no reason given for
/// unavailability; a device's text names it. Contexts are created and disposed repeatedly and side by side, a fresh
/// one synchronizes at once, a second Dispose does nothing, and a disposed one refuses further work with
/// ObjectDisposedException while its buffers can still be disposed. Calls from several threads on one context (host
/// spans and resident buffers, one program) each give the CPU's bits, the context serializing them.
/// </summary>
[Collection(OpenClGroup.Name)]
public sealed class OpenClDiscoveryTests(OpenClContextFixture fixture)
{
    [Fact]
    public void Devices_are_listed_with_their_names_at_their_index()
    {
        _ = fixture.Context;
        var devices = OpenClDevices.All;
        Assert.NotEmpty(devices);
        Assert.Equal(string.Empty, OpenClDevices.UnavailableReason);
        Assert.Same(devices, OpenClDevices.All);
        for (var i = 0; i < devices.Count; i++)
        {
            var device = devices[i];
            Assert.Equal(i, device.Index);
            Assert.False(string.IsNullOrWhiteSpace(device.Name), $"device {i} has no name");
            Assert.False(string.IsNullOrWhiteSpace(device.Vendor), $"device {i} has no vendor");
            Assert.StartsWith("OpenCL ", device.Version, StringComparison.Ordinal);
            Assert.DoesNotContain('\0', device.Name);

            var text = device.ToString();
            Assert.Contains(device.Name, text, StringComparison.Ordinal);
            Assert.Contains(device.Vendor, text, StringComparison.Ordinal);
            Assert.Contains(device.Version, text, StringComparison.Ordinal);
            Assert.Equal(device.SupportsFp64, text.Contains(", fp64", StringComparison.Ordinal));
        }

        Assert.Same(devices[0], fixture.Context.Device);
    }

    [Fact]
    public void The_device_list_is_one_list_from_every_thread()
    {
        _ = fixture.Context;
        var lists = new ConcurrentBag<IReadOnlyList<OpenClDevice>>();
        Parallel.For(0, 8, _ => lists.Add(OpenClDevices.All));
        Assert.All(lists, list => Assert.Same(OpenClDevices.All, list));
    }

    [Fact]
    public void Contexts_are_created_and_disposed_repeatedly_and_side_by_side()
    {
        var device = fixture.Context.Device;
        Assert.Throws<ArgumentNullException>("device", () => OpenClContext.Create(null!));
        for (var i = 0; i < 4; i++)
        {
            using var context = OpenClContext.Create(device);
            Assert.Same(device, context.Device);
            Assert.Equal(device.SupportsFp64, context.UsesFp64);
            context.Synchronize();
        }

        var inputs = DeviceInputs.Create(seed: 91, 3000, nonFinite: false);
        var (x, y) = (inputs.LogitsAs<float>(), inputs.TargetsAs<float>());
        var (cpuGradient, gradient) = (new float[3000], new float[3000]);
        var mean = new FocalLossOptions<float> { Reduction = FocalReduction.Mean };
        var cpu = SigmoidFocalLoss.ForwardBackward(x, y, cpuGradient, mean);
        var contexts = new[] { OpenClContext.Create(device), OpenClContext.Create(device, useFp64: false), OpenClContext.Create(device) };
        try
        {
            foreach (var context in contexts)
            {
                Array.Clear(gradient);
                var loss = context.SigmoidFocalLoss.ForwardBackward(x, y, gradient, mean);
                if (context.UsesFp64)
                    DeviceAssert.Identical(cpu, loss, "fused mean on one of several contexts");
                DeviceAssert.Identical<float>(cpuGradient, gradient, "fused mean gradient on one of several contexts");
            }
        }
        finally
        {
            contexts[1].Dispose();
            contexts[0].Dispose();
            contexts[2].Dispose();
        }

        // The shared context is untouched by the others' lifetimes.
        DeviceAssert.Identical(cpu, fixture.Context.SigmoidFocalLoss.ForwardBackward(x, y, gradient, mean), "fused mean on the shared context");
    }

    [Fact]
    public void Synchronize_on_a_fresh_context_returns_at_once()
    {
        using var context = OpenClContext.Create(fixture.Context.Device);
        context.Synchronize();
        context.Synchronize();
        using var empty = context.Allocate<float>(0);
        Assert.Empty(empty.ToArray());
        context.Synchronize();
    }

    [Fact]
    public void A_context_may_be_disposed_twice_and_then_refuses_work()
    {
        var context = OpenClContext.Create(fixture.Context.Device);
        var buffer = context.Upload<float>([0.5f, -1]);
        var targets = context.Upload<float>([1f, 0]);
        var losses = context.Allocate<float>(2);
        context.SigmoidFocalLoss.Forward(buffer, targets, losses, default);
        context.Dispose();
        context.Dispose();

        Assert.Throws<ObjectDisposedException>(context.Synchronize);
        Assert.Throws<ObjectDisposedException>(() => context.Allocate<float>(2));
        Assert.Throws<ObjectDisposedException>(() => context.EnqueueMarker());
        Assert.Throws<ObjectDisposedException>(() => context.SigmoidFocalLoss.Forward([0.5f], [1f], new float[1], default));
        Assert.Throws<ObjectDisposedException>(() => context.SigmoidFocalLoss.Forward(buffer, targets, losses, default));

        // Buffers outlive nothing: each one is still released by its own Dispose.
        buffer.Dispose();
        targets.Dispose();
        losses.Dispose();
        Assert.True(buffer.IsDisposed && targets.IsDisposed && losses.IsDisposed);
    }

    /// <summary>
    /// Threads each run host-span and resident calls on one new context, all with one γ: the first calls race to build
    /// its program, the later ones use the same kernel objects, whose arguments each call sets. Every result is the CPU's.
    /// </summary>
    [Fact]
    public void Concurrent_calls_on_one_context_each_give_the_CPU_bits()
    {
        const int threads = 4;
        const int rounds = 25;
        const int length = 3000;
        using var context = OpenClContext.Create(fixture.Context.Device);
        var cases = Enumerable.Range(0, threads).Select(t =>
        {
            var inputs = DeviceInputs.Create(seed: 92 + t, length, nonFinite: false);
            var (x, y) = (inputs.LogitsAs<float>(), inputs.TargetsAs<float>());
            var (gradient, losses) = (new float[length], new float[length]);
            var loss = SigmoidFocalLoss.ForwardBackward(x, y, gradient, new FocalLossOptions<float> { Gamma = 2.5, Reduction = FocalReduction.Mean });
            SigmoidFocalLoss.Forward(x, y, losses, new FocalLossOptions<float> { Gamma = 2.5 });
            return (Logits: x, Targets: y, Loss: loss, Gradient: gradient, Losses: losses);
        }).ToArray();

        var failures = new ConcurrentQueue<string>();
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var (x, y, expected, expectedGradient, expectedLosses) = cases[t];
            start.SignalAndWait();
            try
            {
                for (var round = 0; round < rounds; round++)
                {
                    var gradient = new float[length];
                    var loss = context.SigmoidFocalLoss.ForwardBackward(x, y, gradient,
                        new FocalLossOptions<float> { Gamma = 2.5, Reduction = FocalReduction.Mean });
                    if (BitConverter.SingleToUInt32Bits(loss) != BitConverter.SingleToUInt32Bits(expected))
                        failures.Enqueue($"thread {t}, round {round}: mean {loss:R}, CPU {expected:R}");
                    if (!gradient.AsSpan().SequenceEqual(expectedGradient))
                        failures.Enqueue($"thread {t}, round {round}: the fused gradient differs from the CPU's");

                    using var logits = context.Upload<float>(x);
                    using var targets = context.Upload<float>(y);
                    using var losses = context.Allocate<float>(length);
                    context.SigmoidFocalLoss.Forward(logits, targets, losses, new FocalLossOptions<float> { Gamma = 2.5 });
                    if (!losses.ToArray().AsSpan().SequenceEqual(expectedLosses))
                        failures.Enqueue($"thread {t}, round {round}: the resident losses differ from the CPU's");
                }
            }
#pragma warning disable CA1031 // Any failure on a worker is reported by the test thread.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failures.Enqueue($"thread {t}: {exception}");
            }
        })).ToArray();
        foreach (var worker in workers)
            worker.Start();
        foreach (var worker in workers)
            worker.Join();

        Assert.True(failures.IsEmpty, string.Join(Environment.NewLine, failures));
        context.Synchronize();
    }
}
