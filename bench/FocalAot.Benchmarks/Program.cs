using System.Globalization;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using FocalAot;
using FocalAot.Benchmarks;

// One short job for the whole suite, marked as the default job, so command-line options (--inProcess, --filter,
// --launchCount, ...) apply on top of it; BenchmarkDotNet then ignores --job, so change the counts in SuiteJob.
var job = SuiteJob.Create().WithId("Focal").AsDefault();

var config = DefaultConfig.Instance
    .AddJob(job)
    .AddColumn(new NanosecondsPerElementColumn())
    .WithOptions(ConfigOptions.StopOnFirstError);

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"FocalAot benchmarks: {RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} logical cores, "
    + $"FocalRuntime.DetectedPath = {FocalRuntime.DetectedPath}, ActivePath = {FocalRuntime.ActivePath}"));
foreach (var gamma in new[] { 0.0, 0.5, 2.0, 3.0 })
    Console.WriteLine($"  γ = {gamma.ToString(CultureInfo.InvariantCulture)}: {SigmoidFocalLoss.DescribeKernel(gamma)}");

BenchmarkSwitcher.FromAssembly(typeof(SpecializedVsGeneric).Assembly).Run(args, config);
