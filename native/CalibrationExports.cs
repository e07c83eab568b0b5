using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using static FocalAot.Native.NativeArguments;

namespace FocalAot.Native;

/// <summary>
/// focal_calibration_* exports: one per metric, input kind (binary: uint8_t labels; _multiclass: rows of class
/// probabilities or logits with int32_t labels) and element type, each a thin shim over <see cref="CalibrationMetrics"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208", Justification = "Errors name the C argument.")]
internal static unsafe class CalibrationExports
{
    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_ece_f32")]
    public static int EceF32(float* confidences, byte* labels, nuint n, int bins, int binning, double* output)
        => Binned(confidences, labels, n, bins, binning, output, maximum: false);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_ece_f64")]
    public static int EceF64(double* confidences, byte* labels, nuint n, int bins, int binning, double* output)
        => Binned(confidences, labels, n, bins, binning, output, maximum: false);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_mce_f32")]
    public static int MceF32(float* confidences, byte* labels, nuint n, int bins, int binning, double* output)
        => Binned(confidences, labels, n, bins, binning, output, maximum: true);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_mce_f64")]
    public static int MceF64(double* confidences, byte* labels, nuint n, int bins, int binning, double* output)
        => Binned(confidences, labels, n, bins, binning, output, maximum: true);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_ece_multiclass_f32")]
    public static int EceMulticlassF32(float* probabilities, int* labels, nuint rows, nuint classes, int bins, int binning, double* output)
        => Binned(probabilities, labels, rows, classes, bins, binning, output, Metric.TopLabelExpected);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_ece_multiclass_f64")]
    public static int EceMulticlassF64(double* probabilities, int* labels, nuint rows, nuint classes, int bins, int binning, double* output)
        => Binned(probabilities, labels, rows, classes, bins, binning, output, Metric.TopLabelExpected);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_mce_multiclass_f32")]
    public static int MceMulticlassF32(float* probabilities, int* labels, nuint rows, nuint classes, int bins, int binning, double* output)
        => Binned(probabilities, labels, rows, classes, bins, binning, output, Metric.TopLabelMaximum);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_mce_multiclass_f64")]
    public static int MceMulticlassF64(double* probabilities, int* labels, nuint rows, nuint classes, int bins, int binning, double* output)
        => Binned(probabilities, labels, rows, classes, bins, binning, output, Metric.TopLabelMaximum);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_classwise_ece_f32")]
    public static int ClasswiseEceF32(float* probabilities, int* labels, nuint rows, nuint classes, int bins, int binning, double* output)
        => Binned(probabilities, labels, rows, classes, bins, binning, output, Metric.Classwise);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_classwise_ece_f64")]
    public static int ClasswiseEceF64(double* probabilities, int* labels, nuint rows, nuint classes, int bins, int binning, double* output)
        => Binned(probabilities, labels, rows, classes, bins, binning, output, Metric.Classwise);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_brier_f32")]
    public static int BrierF32(float* confidences, byte* labels, nuint n, double* output) => Score(confidences, labels, n, output, brier: true);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_brier_f64")]
    public static int BrierF64(double* confidences, byte* labels, nuint n, double* output) => Score(confidences, labels, n, output, brier: true);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_nll_f32")]
    public static int NllF32(float* confidences, byte* labels, nuint n, double* output) => Score(confidences, labels, n, output, brier: false);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_nll_f64")]
    public static int NllF64(double* confidences, byte* labels, nuint n, double* output) => Score(confidences, labels, n, output, brier: false);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_brier_multiclass_f32")]
    public static int BrierMulticlassF32(float* probabilities, int* labels, nuint rows, nuint classes, double* output)
        => Score(probabilities, labels, rows, classes, output, brier: true);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_brier_multiclass_f64")]
    public static int BrierMulticlassF64(double* probabilities, int* labels, nuint rows, nuint classes, double* output)
        => Score(probabilities, labels, rows, classes, output, brier: true);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_nll_multiclass_f32")]
    public static int NllMulticlassF32(float* probabilities, int* labels, nuint rows, nuint classes, double* output)
        => Score(probabilities, labels, rows, classes, output, brier: false);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_nll_multiclass_f64")]
    public static int NllMulticlassF64(double* probabilities, int* labels, nuint rows, nuint classes, double* output)
        => Score(probabilities, labels, rows, classes, output, brier: false);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_reliability_f32")]
    public static int ReliabilityF32(
        float* confidences, byte* labels, nuint n, int bins, int binning, long* counts, double* meanConfidences, double* accuracies)
        => Reliability(confidences, labels, n, bins, binning, counts, meanConfidences, accuracies);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_reliability_f64")]
    public static int ReliabilityF64(
        double* confidences, byte* labels, nuint n, int bins, int binning, long* counts, double* meanConfidences, double* accuracies)
        => Reliability(confidences, labels, n, bins, binning, counts, meanConfidences, accuracies);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_reliability_multiclass_f32")]
    public static int ReliabilityMulticlassF32(
        float* probabilities, int* labels, nuint rows, nuint classes, int bins, int binning, long* counts, double* meanConfidences,
        double* accuracies)
        => Reliability(probabilities, labels, rows, classes, bins, binning, counts, meanConfidences, accuracies);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_reliability_multiclass_f64")]
    public static int ReliabilityMulticlassF64(
        double* probabilities, int* labels, nuint rows, nuint classes, int bins, int binning, long* counts, double* meanConfidences,
        double* accuracies)
        => Reliability(probabilities, labels, rows, classes, bins, binning, counts, meanConfidences, accuracies);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_fit_temperature_f32")]
    public static int FitTemperatureF32(float* logits, byte* labels, nuint n, double* temperature)
        => FitTemperature(logits, labels, n, temperature);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_fit_temperature_f64")]
    public static int FitTemperatureF64(double* logits, byte* labels, nuint n, double* temperature)
        => FitTemperature(logits, labels, n, temperature);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_fit_temperature_multiclass_f32")]
    public static int FitTemperatureMulticlassF32(float* logits, int* labels, nuint rows, nuint classes, double* temperature)
        => FitTemperature(logits, labels, rows, classes, temperature);

    [UnmanagedCallersOnly(EntryPoint = "focal_calibration_fit_temperature_multiclass_f64")]
    public static int FitTemperatureMulticlassF64(double* logits, int* labels, nuint rows, nuint classes, double* temperature)
        => FitTemperature(logits, labels, rows, classes, temperature);

    private enum Metric
    {
        TopLabelExpected,
        TopLabelMaximum,
        Classwise,
    }

    private static int Binned<T>(T* confidences, byte* labels, nuint n, int bins, int binning, double* output, bool maximum)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        try
        {
            var length = Length(n);
            var c = Input(confidences, length, "confidences");
            var y = Input(labels, length, "labels");
            ref var result = ref Scalar(output, "out");
            result = maximum
                ? CalibrationMetrics.MaximumCalibrationError(c, y, bins, (CalibrationBinning)binning)
                : CalibrationMetrics.ExpectedCalibrationError(c, y, bins, (CalibrationBinning)binning);
            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    private static int Binned<T>(T* probabilities, int* labels, nuint rows, nuint classes, int bins, int binning, double* output, Metric metric)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        try
        {
            var call = new Rows<T>(probabilities, "probabilities", labels, rows, classes);
            var strategy = (CalibrationBinning)binning;
            ref var result = ref Scalar(output, "out");
            result = metric switch
            {
                Metric.TopLabelExpected => CalibrationMetrics.ExpectedCalibrationError(call.Values, call.Labels, call.Classes, bins, strategy),
                Metric.TopLabelMaximum => CalibrationMetrics.MaximumCalibrationError(call.Values, call.Labels, call.Classes, bins, strategy),
                _ => CalibrationMetrics.ClasswiseExpectedCalibrationError(call.Values, call.Labels, call.Classes, bins, strategy),
            };
            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    private static int Score<T>(T* confidences, byte* labels, nuint n, double* output, bool brier)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        try
        {
            var length = Length(n);
            var c = Input(confidences, length, "confidences");
            var y = Input(labels, length, "labels");
            ref var result = ref Scalar(output, "out");
            result = brier ? CalibrationMetrics.BrierScore(c, y) : CalibrationMetrics.NegativeLogLikelihood(c, y);
            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    private static int Score<T>(T* probabilities, int* labels, nuint rows, nuint classes, double* output, bool brier)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        try
        {
            var call = new Rows<T>(probabilities, "probabilities", labels, rows, classes);
            ref var result = ref Scalar(output, "out");
            result = brier ? CalibrationMetrics.BrierScore(call.Values, call.Labels, call.Classes)
                : CalibrationMetrics.NegativeLogLikelihood(call.Values, call.Labels, call.Classes);
            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    private static int Reliability<T>(
        T* confidences, byte* labels, nuint n, int bins, int binning, long* counts, double* meanConfidences, double* accuracies)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        try
        {
            var length = Length(n);
            var c = Input(confidences, length, "confidences");
            var y = Input(labels, length, "labels");
            var outputs = new BinOutputs(bins, counts, meanConfidences, accuracies);
            CalibrationMetrics.ReliabilityDiagram(c, y, outputs.Counts, outputs.MeanConfidences, outputs.Accuracies, (CalibrationBinning)binning);
            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    private static int Reliability<T>(
        T* probabilities, int* labels, nuint rows, nuint classes, int bins, int binning, long* counts, double* meanConfidences,
        double* accuracies)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        try
        {
            var call = new Rows<T>(probabilities, "probabilities", labels, rows, classes);
            var outputs = new BinOutputs(bins, counts, meanConfidences, accuracies);
            CalibrationMetrics.ReliabilityDiagram(
                call.Values, call.Labels, call.Classes, outputs.Counts, outputs.MeanConfidences, outputs.Accuracies, (CalibrationBinning)binning);
            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    private static int FitTemperature<T>(T* logits, byte* labels, nuint n, double* temperature)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        try
        {
            var length = Length(n);
            var z = Input(logits, length, "logits");
            var y = Input(labels, length, "labels");
            Scalar(temperature, "temperature") = CalibrationMetrics.FitTemperature(z, y);
            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    private static int FitTemperature<T>(T* logits, int* labels, nuint rows, nuint classes, double* temperature)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        try
        {
            var call = new Rows<T>(logits, "logits", labels, rows, classes);
            Scalar(temperature, "temperature") = CalibrationMetrics.FitTemperature(call.Values, call.Labels, call.Classes);
            return (int)Status.Ok;
        }
        catch (Exception exception)
        {
            return LastError.Fail(exception);
        }
    }

    /// <summary>[rows, classes] values and one label per row, checked: classes ≥ 1 and rows · classes ≤ INT32_MAX.</summary>
    private readonly ref struct Rows<T>
        where T : unmanaged
    {
        public Rows(T* values, string name, int* labels, nuint rows, nuint classes)
        {
            if (classes == 0 || classes > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(classes), classes, "classes must be >= 1 and at most INT32_MAX.");
            if (rows > (nuint)(int.MaxValue / (long)classes))
                throw new ArgumentOutOfRangeException(nameof(rows), rows, "rows * classes must be at most INT32_MAX.");
            Classes = (int)classes;
            Values = Input(values, (int)rows * Classes, name);
            Labels = Input(labels, (int)rows, "labels");
        }

        public ReadOnlySpan<T> Values { get; }

        public ReadOnlySpan<int> Labels { get; }

        public int Classes { get; }
    }

    /// <summary>The reliability entries' three per-bin outputs, bins elements each (bins is checked here, before the spans
    /// are made, since a span cannot have a negative length).</summary>
    private readonly ref struct BinOutputs
    {
        public BinOutputs(int bins, long* counts, double* meanConfidences, double* accuracies)
        {
            if (bins < 1 || bins > CalibrationMetrics.MaxBins)
            {
                throw new ArgumentOutOfRangeException(nameof(bins), bins, string.Create(CultureInfo.InvariantCulture,
                    $"bins = {bins} is invalid: the number of bins must be in [1, {CalibrationMetrics.MaxBins}]."));
            }

            Counts = Output(counts, bins, "counts");
            MeanConfidences = Output(meanConfidences, bins, "mean_confidences");
            Accuracies = Output(accuracies, bins, "accuracies");
        }

        public Span<long> Counts { get; }

        public Span<double> MeanConfidences { get; }

        public Span<double> Accuracies { get; }
    }
}
