using System.Runtime.InteropServices;
using FocalAot.OpenCl;
using static FocalAot.Native.NativeArguments;

namespace FocalAot.Native;

/// <summary>focal_device_info as laid out by focal_aot.h (its first field is its size, so it can grow).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FocalDeviceInfo
{
    public const int TextCapacity = 256;

    public nuint StructSize;
    public fixed byte Name[TextCapacity];
    public fixed byte Vendor[TextCapacity];
    public fixed byte Version[TextCapacity];
    public int Fp64;
}

/// <summary>
/// The OpenCL device exports: the device list, and the focal_device_sigmoid_* entries, the CPU entries' arguments and
/// results on host memory with a device index first, each a thin shim over <see cref="OpenClSigmoidFocalLoss"/>'s
/// host-span overloads on the library's context for that device.
/// </summary>
internal static unsafe class DeviceExports
{
    [UnmanagedCallersOnly(EntryPoint = "focal_device_count")]
    public static int DeviceCount()
    {
        try
        {
            return OpenClDevices.All.Count;
        }
#pragma warning disable CA1031 // Never fails: no usable OpenCL means no devices.
        catch (Exception)
#pragma warning restore CA1031
        {
            return 0;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "focal_device_unavailable_reason")]
    public static int UnavailableReason(byte* buffer, nuint capacity, nuint* needed)
    {
        try
        {
            return NativeText.CopyTo(OpenClDevices.UnavailableReason, buffer, capacity, needed);
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "focal_device_get_info")]
    public static int GetInfo(int device, FocalDeviceInfo* info)
    {
        try
        {
            var found = DeviceContexts.Device(device);
            if (info == null)
                throw new NullArgumentPointerException("info", "info is NULL but must point to a focal_device_info to fill.");
            if (info->StructSize < (nuint)sizeof(FocalDeviceInfo))
            {
                throw new ArgumentException(
                    $"info->struct_size = {info->StructSize} is smaller than focal_device_info ({sizeof(FocalDeviceInfo)} bytes); " +
                    "set it to sizeof(focal_device_info).", nameof(info));
            }

            NativeText.CopyToFixed(found.Name, info->Name, FocalDeviceInfo.TextCapacity);
            NativeText.CopyToFixed(found.Vendor, info->Vendor, FocalDeviceInfo.TextCapacity);
            NativeText.CopyToFixed(found.Version, info->Version, FocalDeviceInfo.TextCapacity);
            info->Fp64 = found.SupportsFp64 ? 1 : 0;
            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "focal_device_sigmoid_forward_f32")]
    public static int ForwardF32(int device, float* logits, float* targets, nuint n, FocalOptions* options, float* output)
        => Forward(device, logits, targets, n, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_sigmoid_forward_f64")]
    public static int ForwardF64(int device, double* logits, double* targets, nuint n, FocalOptions* options, double* output)
        => Forward(device, logits, targets, n, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_sigmoid_forward_f16")]
    public static int ForwardF16(int device, Half* logits, Half* targets, nuint n, FocalOptions* options, Half* output)
        => Forward(device, logits, targets, n, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_sigmoid_forward_bf16")]
    public static int ForwardBF16(int device, BFloat16* logits, BFloat16* targets, nuint n, FocalOptions* options, BFloat16* output)
        => Forward(device, logits, targets, n, options, output);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_sigmoid_backward_f32")]
    public static int BackwardF32(int device, float* logits, float* targets, nuint n, FocalOptions* options, float* gradOut, float* gradLogits)
        => Backward(device, logits, targets, n, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_sigmoid_backward_f64")]
    public static int BackwardF64(
        int device, double* logits, double* targets, nuint n, FocalOptions* options, double* gradOut, double* gradLogits)
        => Backward(device, logits, targets, n, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_sigmoid_backward_f16")]
    public static int BackwardF16(int device, Half* logits, Half* targets, nuint n, FocalOptions* options, Half* gradOut, Half* gradLogits)
        => Backward(device, logits, targets, n, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_sigmoid_backward_bf16")]
    public static int BackwardBF16(
        int device, BFloat16* logits, BFloat16* targets, nuint n, FocalOptions* options, BFloat16* gradOut, BFloat16* gradLogits)
        => Backward(device, logits, targets, n, options, gradOut, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_sigmoid_forward_backward_f32")]
    public static int ForwardBackwardF32(
        int device, float* logits, float* targets, nuint n, FocalOptions* options, float* loss, float* gradLogits)
        => ForwardBackward(device, logits, targets, n, options, loss, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_sigmoid_forward_backward_f64")]
    public static int ForwardBackwardF64(
        int device, double* logits, double* targets, nuint n, FocalOptions* options, double* loss, double* gradLogits)
        => ForwardBackward(device, logits, targets, n, options, loss, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_sigmoid_forward_backward_f16")]
    public static int ForwardBackwardF16(int device, Half* logits, Half* targets, nuint n, FocalOptions* options, Half* loss, Half* gradLogits)
        => ForwardBackward(device, logits, targets, n, options, loss, gradLogits);

    [UnmanagedCallersOnly(EntryPoint = "focal_device_sigmoid_forward_backward_bf16")]
    public static int ForwardBackwardBF16(
        int device, BFloat16* logits, BFloat16* targets, nuint n, FocalOptions* options, BFloat16* loss, BFloat16* gradLogits)
        => ForwardBackward(device, logits, targets, n, options, loss, gradLogits);

    private static int Forward<T>(int device, T* logits, T* targets, nuint n, FocalOptions* options, T* output)
        where T : unmanaged
    {
        try
        {
            var found = DeviceContexts.Device(device);
            var length = Length(n);
            var x = Input(logits, length, "logits");
            var y = Input(targets, length, "targets");
            var settings = Options<T>(options, length);
            if (!settings.Reduction.IsReduced)
            {
                var losses = Output(output, length, "out");
                HostOverlapRules.RequireOutput(losses, "out", x, y, settings);
                DeviceContexts.ForDevice(found).SigmoidFocalLoss.Forward(x, y, losses, settings);
            }
            else
            {
                Scalar(output, "out") = DeviceContexts.ForDevice(found).SigmoidFocalLoss.Forward(x, y, settings);
            }

            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    private static int Backward<T>(int device, T* logits, T* targets, nuint n, FocalOptions* options, T* gradOut, T* gradLogits)
        where T : unmanaged
    {
        try
        {
            var found = DeviceContexts.Device(device);
            var length = Length(n);
            var x = Input(logits, length, "logits");
            var y = Input(targets, length, "targets");
            var gradient = Output(gradLogits, length, "grad_logits");
            var settings = Options<T>(options, length);
            if (settings.Reduction.IsReduced)
            {
                HostOverlapRules.RequireOutput(gradient, "grad_logits", x, y, settings);
                DeviceContexts.ForDevice(found).SigmoidFocalLoss.Backward(x, y, gradOut == null ? One<T>() : *gradOut, gradient, settings);
            }
            else if (gradOut != null)
            {
                var upstream = Input(gradOut, length, "grad_out");
                HostOverlapRules.RequireOutput(gradient, "grad_logits", x, y, settings, upstream);
                DeviceContexts.ForDevice(found).SigmoidFocalLoss.Backward(x, y, upstream, gradient, settings);
            }
            else
            {
                // d(sum)/dx_i = dloss_i/dx_i: the per-element gradient with an upstream of ones.
                HostOverlapRules.RequireOutput(gradient, "grad_logits", x, y, settings);
                DeviceContexts.ForDevice(found).SigmoidFocalLoss.Backward(x, y, One<T>(), gradient, settings with { Reduction = FocalReduction.Sum });
            }

            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    private static int ForwardBackward<T>(int device, T* logits, T* targets, nuint n, FocalOptions* options, T* loss, T* gradLogits)
        where T : unmanaged
    {
        try
        {
            var found = DeviceContexts.Device(device);
            var length = Length(n);
            var x = Input(logits, length, "logits");
            var y = Input(targets, length, "targets");
            var gradient = Output(gradLogits, length, "grad_logits");
            var settings = Options<T>(options, length);
            HostOverlapRules.RequireOutput(gradient, "grad_logits", x, y, settings);
            if (!settings.Reduction.IsReduced)
            {
                var losses = Output(loss, length, "loss");
                HostOverlapRules.RequireOutput(losses, "loss", x, y, settings);
                HostOverlapRules.RequireApart(losses, gradient);
                DeviceContexts.ForDevice(found).SigmoidFocalLoss.ForwardBackward(x, y, losses, gradient, settings);
            }
            else
            {
                // As on the CPU: the reduced loss is written after the gradient, so it must not lie inside it.
                RequireOutside(loss, "loss", gradLogits, length, "grad_logits");
                Scalar(loss, "loss") = DeviceContexts.ForDevice(found).SigmoidFocalLoss.ForwardBackward(x, y, gradient, settings);
            }

            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception, CArgumentNames.ForwardBackward);
        }
    }
}
