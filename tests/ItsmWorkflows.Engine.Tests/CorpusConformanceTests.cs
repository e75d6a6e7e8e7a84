using ItsmWorkflows.Conformance;
using Xunit;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>
/// Every scenario of ../shared/elsa-corpus/EXPECTATIONS.md as a test. Scenarios we do not run as Elsa
/// does are tested for what they are: each must be listed with its reason, and the C# ones must be
/// refused with a clear validation error.
/// </summary>
public sealed class CorpusConformanceTests
{
    private static string Corpus => ConformanceRunner.FindCorpus()
        ?? throw new InvalidOperationException("The Elsa corpus was not found at ../shared/elsa-corpus beside the repository; these tests need it.");

    public static TheoryData<string> Supported() => [.. ScenarioCatalog.All.Where(s => s.Unsupported is null).Select(s => s.Name)];

    public static TheoryData<string> Unsupported() => [.. ScenarioCatalog.All.Where(s => s.Unsupported is not null).Select(s => s.Name)];

    public static TheoryData<string> Files() => [.. ConformanceRunner.Files(Corpus)];

    [Theory]
    [MemberData(nameof(Supported))]
    public async Task Scenario_RunsAsElsaExpects(string name)
    {
        var scenario = ScenarioCatalog.All.Single(s => s.Name == name);
        var failure = await ConformanceRunner.RunAsync(Corpus, scenario);
        Assert.True(failure is null, $"{scenario.File}: {failure}");
    }

    [Theory]
    [MemberData(nameof(Unsupported))]
    public async Task UnsupportedScenario_IsReportedWithItsReason(string name)
    {
        var scenario = ScenarioCatalog.All.Single(s => s.Name == name);
        var failure = await ConformanceRunner.RunAsync(Corpus, scenario);
        // The check attached to an unsupported scenario (C# refused clearly, for example) must itself pass.
        Assert.Equal("unsupported: " + scenario.Unsupported, failure);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void CorpusFile_Loads(string file) => Assert.Null(ConformanceRunner.TryLoad(Corpus, file));

    [Fact]
    public void Corpus_Has98Files() => Assert.Equal(98, ConformanceRunner.Files(Corpus).Count);
}
