using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Execution.Effects;

namespace ItsmWorkflows.Engine.Runtime;

/// <summary>Child workflows: starting them (inline or dispatched) and telling a waiting parent that one finished.</summary>
public sealed partial class WorkflowRuntime
{
    /// <summary>Runs queued background work of the in-memory scheduler (DispatchWorkflow children) until none is left. The server uses jobs instead.</summary>
    public async ValueTask<int> RunBackgroundWorkAsync(CancellationToken cancellationToken = default)
    {
        if (Scheduler is not InMemoryWorkflowScheduler memory) return 0;
        var count = 0;
        while (memory.Dispatches.TryDequeue(out var dispatch))
        {
            await StartChildAsync(dispatch, cancellationToken);
            count++;
        }
        return count;
    }

    /// <summary>Starts a dispatched child. Safe to run twice: a child that exists already is left as it is.</summary>
    public async ValueTask StartDispatchedAsync(StartWorkflowEffect dispatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        if (await instances.FindAsync(dispatch.ChildInstanceId, cancellationToken) is not null) return;
        try
        {
            await StartChildAsync(dispatch, cancellationToken);
        }
        catch (ConcurrencyException)
        {
            // Another worker started the same child first: exactly one child exists, which is the point.
        }
    }

    private async ValueTask StartChildAsync(StartWorkflowEffect start, CancellationToken cancellationToken)
    {
        var options = new StartOptions
        {
            InstanceId = start.ChildInstanceId,
            CorrelationId = start.CorrelationId,
            Input = start.Input?.ToDictionary(p => p.Key, p => p.Value?.DeepClone()),
        };
        options.Properties["ParentInstanceId"] = start.ParentInstanceId;
        options.Properties[AncestorsProperty] = await AncestorsAsync(start.ParentInstanceId, cancellationToken);
        if (start.ParentBookmarkId is not null) options.Properties["ParentBookmarkId"] = start.ParentBookmarkId;
        await StartAsync(start.DefinitionId, options, cancellationToken);
    }

    /// <summary>Every instance a child descends from, the root first: a grandchild may change its root's ticket.</summary>
    public const string AncestorsProperty = "AncestorInstanceIds";

    private async ValueTask<JsonArray> AncestorsAsync(string parentId, CancellationToken cancellationToken)
    {
        var ancestors = new JsonArray();
        // The parent is committed before its children start (inline ones right after its burst, dispatched ones by a job).
        var parent = await instances.FindAsync(parentId, cancellationToken);
        if (parent?.State.Properties.GetValueOrDefault(AncestorsProperty) is JsonArray known)
        {
            foreach (var id in known) ancestors.Add(id?.DeepClone());
        }
        else if (parent?.State.Properties.GetValueOrDefault("ParentInstanceId")?.GetValue<string>() is { } grandparent)
        {
            ancestors.Add(grandparent); // a parent started before ancestors were recorded knows its own parent only
        }
        ancestors.Add(parentId);
        // A workflow that dispatches itself (a loop over generations) would carry a longer list with every one: the
        // root (which owns the ticket) and the nearest ancestors are kept.
        while (ancestors.Count > MaxAncestors) ancestors.RemoveAt(1);
        return ancestors;
    }

    /// <summary>The most ancestors a child records: its root and the nearest ones.</summary>
    public const int MaxAncestors = 16;

    private async ValueTask NotifyParentAsync(WorkflowState child, CancellationToken cancellationToken)
    {
        if (child.Properties.GetValueOrDefault("ParentInstanceId")?.GetValue<string>() is not { } parentId) return;
        if (child.Properties.GetValueOrDefault("ParentBookmarkId")?.GetValue<string>() is not { } bookmarkId) return;
        var output = new JsonObject();
        foreach (var pair in child.Output) output[pair.Key] = pair.Value?.DeepClone();
        var result = new JsonObject
        {
            ["workflowInstanceId"] = child.InstanceId,
            ["status"] = child.Status.ToString(),
            ["subStatus"] = child.SubStatus.ToString(),
            ["output"] = output,
        };
        try
        {
            await ResumeAsync(parentId, bookmarkId, result, cancellationToken);
        }
        catch (BookmarkNotFoundException)
        {
            // The parent moved on (cancelled, or its wait was resumed already): nothing to deliver.
        }
    }
}
