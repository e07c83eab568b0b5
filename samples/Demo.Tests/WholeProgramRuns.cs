namespace FocalAot.Demo.Tests;

/// <summary>
/// The tests that run the whole program or draw its charts, one at a time, as the program runs: once per process. The
/// program registers its chart font in ScottPlot's resolver list, a process-wide <see cref="List{T}"/> that every plot
/// reads without a lock, and measures the OpenCL device against the CPU with a clock; in parallel, two runs would share
/// the one and disturb the other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WholeProgramRuns
{
    public const string Name = "Whole program runs";
}
