using System.Text.RegularExpressions;
using FocalAot.Generator.Analysis;
using Microsoft.CodeAnalysis;

namespace FocalAot.Generator.Tests;

/// <summary>The release-tracking files list exactly the analyzer's diagnostics, with their category and severity.</summary>
public sealed partial class AnalyzerReleaseTests
{
    [Fact]
    public void Unshipped_rules_are_the_supported_diagnostics()
    {
        var listed = Rules("Unshipped.md");
        var supported = new FocalKernelAnalyzer().SupportedDiagnostics
            .Select(descriptor => (descriptor.Id, descriptor.Category, descriptor.DefaultSeverity.ToString()))
            .OrderBy(rule => rule.Id, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(supported, listed.OrderBy(rule => rule.Id, StringComparer.Ordinal));
    }

    [Fact]
    public void No_rule_is_both_shipped_and_unshipped()
    {
        var shipped = Rules("Shipped.md").Select(rule => rule.Id);
        Assert.Empty(shipped.Intersect(Rules("Unshipped.md").Select(rule => rule.Id)));
    }

    [Fact]
    public void Ids_are_unique_and_follow_the_FOCAL0xx_scheme()
    {
        var ids = new FocalKernelAnalyzer().SupportedDiagnostics.Select(descriptor => descriptor.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Matches(@"^FOCAL0\d\d$", id));
    }

    /// <summary>The rows "ID | Category | Severity | Notes" of a release file's rule tables.</summary>
    private static List<(string Id, string Category, string Severity)> Rules(string file)
    {
        var rules = new List<(string, string, string)>();
        foreach (var line in File.ReadLines(Support.TestPaths.AnalyzerRelease(file)))
        {
            var match = Row().Match(line);
            if (match.Success)
                rules.Add((match.Groups["id"].Value, match.Groups["category"].Value, match.Groups["severity"].Value));
        }

        return rules;
    }

    [GeneratedRegex(@"^\s*(?<id>[A-Z]+\d+)\s*\|\s*(?<category>[^|]+?)\s*\|\s*(?<severity>[^|]+?)\s*\|")]
    private static partial Regex Row();
}
