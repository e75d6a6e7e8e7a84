using ItsmWorkflows.Engine.Activities;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Planning;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class PlanCacheTests
{
    [Fact]
    public async Task GetAsync_KeepsPublishedAndOlderVersions_ButCompilesADraftEachTime()
    {
        var cache = new PlanCache(ActivityRegistry.CreateDefault());
        var published = WorkflowDefinitionJson.Parse(Flowchart(WriteLine("W", "published")));
        published.IsPublished = true;
        var superseded = WorkflowDefinitionJson.Parse(Flowchart(WriteLine("W", "older")).Replace("test-v1", "test-v0", StringComparison.Ordinal));
        superseded.IsLatest = false;
        var draft = WorkflowDefinitionJson.Parse(Flowchart(WriteLine("W", "draft")).Replace("test-v1", "test-v2", StringComparison.Ordinal));
        var ct = TestContext.Current.CancellationToken;

        Assert.Same(await cache.GetAsync(published, null, ct), await cache.GetAsync(published, null, ct));
        Assert.Same(await cache.GetAsync(superseded, null, ct), await cache.GetAsync(superseded, null, ct));
        // A draft edited elsewhere keeps its id: a kept plan would go stale, and would run once the draft is published.
        Assert.NotSame(await cache.GetAsync(draft, null, ct), await cache.GetAsync(draft, null, ct));
        Assert.False(cache.TryGet(draft.Id, out _));
        // A retired latest version reads like a draft in its JSON (latest, not published); the store knows better.
        var retired = WorkflowDefinitionJson.Parse(Flowchart(WriteLine("W", "retired")).Replace("test-v1", "test-v3", StringComparison.Ordinal));
        retired.StoredAsDraft = false;
        Assert.Same(await cache.GetAsync(retired, null, ct), await cache.GetAsync(retired, null, ct));
    }
}
