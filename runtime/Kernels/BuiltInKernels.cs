namespace FocalAot.Kernels;

/// <summary>
/// The γ values the runtime ships specialized kernels for (the generator turns each into a power operator and a
/// dispatch-table entry); a run-time γ equal to one of them runs its kernel, any other γ the generic power.
/// </summary>
[FocalKernel(0.0, Precision.Single)]
[FocalKernel(0.0, Precision.Double)]
[FocalKernel(0.5, Precision.Single)]
[FocalKernel(0.5, Precision.Double)]
[FocalKernel(1.0, Precision.Single)]
[FocalKernel(1.0, Precision.Double)]
[FocalKernel(1.5, Precision.Single)]
[FocalKernel(1.5, Precision.Double)]
[FocalKernel(2.0, Precision.Single)]
[FocalKernel(2.0, Precision.Double)]
[FocalKernel(2.5, Precision.Single)]
[FocalKernel(2.5, Precision.Double)]
[FocalKernel(3.0, Precision.Single)]
[FocalKernel(3.0, Precision.Double)]
[FocalKernel(4.0, Precision.Single)]
[FocalKernel(4.0, Precision.Double)]
[FocalKernel(5.0, Precision.Single)]
[FocalKernel(5.0, Precision.Double)]
internal static partial class BuiltInKernels;
