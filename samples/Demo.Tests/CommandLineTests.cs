namespace FocalAot.Demo.Tests;

/// <summary>Option parsing: values that are read, and bad input that is rejected with the argument and its rule.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--epochs 0", "--epochs must be a whole number from 1 to 1,000, not '0'.")]
    [InlineData("--epochs 1e3", "--epochs must be a whole number from 1 to 1,000, not '1e3'.")]
    [InlineData("--samples 1999", "--samples must be a whole number from 2,000 to 2,000,000, not '1999'.")]
    [InlineData("--seed -1", "--seed must be a whole number from 0 to 2,147,483,647, not '-1'.")]
    [InlineData("--seed +3", "--seed must be a whole number from 0 to 2,147,483,647, not '+3'.")]
    [InlineData("--epochs", "--epochs needs a value.")]
    [InlineData("--chart chart.jpg", "--chart must name a .png or .svg file, not 'chart.jpg'.")]
    [InlineData("--chart --epochs", "--chart needs a value.")]
    [InlineData("--frobnicate", "unknown argument '--frobnicate'.")]
    [InlineData("--quick", "--quick needs --study.")]
    [InlineData("--out results", "--out needs --study.")]
    [InlineData("--study --epochs 3", "--epochs applies to the demo, not to --study.")]
    [InlineData("--study --chart c.png", "--chart applies to the demo, not to --study.")]
    [InlineData("--study --seeds 1", "--seeds must be a whole number from 2 to 100, not '1'.")]
    public void Bad_input_is_rejected_with_the_argument_and_its_rule(string line, string message)
    {
        Assert.False(CommandLineOptions.TryParse(line.Split(' '), out _, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void The_program_exits_with_2_and_explains_bad_input()
    {
        using var console = new TestConsole();
        Assert.Equal(2, console.Run("--samples", "ten"));
        var errors = console.Errors.ToString();
        Assert.StartsWith("error: --samples must be a whole number", errors, StringComparison.Ordinal);
        Assert.Contains("Usage:", errors, StringComparison.Ordinal);
        Assert.Empty(console.Output);
    }

    [Fact]
    public void Help_prints_the_usage_and_exits_with_0()
    {
        using var console = new TestConsole();
        Assert.Equal(0, console.Run("--help"));
        Assert.Contains("--chart PATH", console.Output, StringComparison.Ordinal);
        Assert.Contains("--study", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_are_read_in_any_order()
    {
        Assert.True(CommandLineOptions.TryParse(["--chart", "out/r.SVG", "--seed", "7", "--samples", "5000", "--epochs", "3"],
            out var options, out _));
        Assert.Equal(("out/r.SVG", 7, 5_000, 2_500, 3), (options.ChartPath, options.Seed, options.TrainingSamples, options.TestSamples,
            options.Epochs));

        Assert.True(CommandLineOptions.TryParse(["--out", "d", "--seeds", "3", "--quick", "--study"], out var study, out _));
        Assert.Equal((true, true, "d", 3), (study.Study, study.Quick, study.OutputDirectory, study.Seeds));
    }

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        Assert.True(CommandLineOptions.TryParse([], out var options, out _));
        Assert.Equal((false, 20, 200_000, 2017, Path.Combine("artifacts", "demo", "reliability.png")),
            (options.Study, options.Epochs, options.TrainingSamples, options.Seed, options.ChartPath));
        Assert.Equal(Path.Combine("artifacts", "study-dotnet"), options.OutputDirectory);
    }
}
