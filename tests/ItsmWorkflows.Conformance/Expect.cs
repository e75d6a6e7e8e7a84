using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Conformance;

/// <summary>Checks that throw <see cref="ScenarioFailedException"/> with a message saying what differed.</summary>
public static class Expect
{
    public static void Lines(CorpusHost host, params string[] expected)
    {
        var actual = host.Lines;
        if (!actual.SequenceEqual(expected))
        {
            throw new ScenarioFailedException($"lines were [{string.Join(", ", actual.Select(Quote))}], expected exactly [{string.Join(", ", expected.Select(Quote))}]");
        }
    }

    public static void LinesContain(CorpusHost host, params string[] expected)
    {
        var missing = expected.Where(e => !host.Lines.Contains(e)).ToList();
        if (missing.Count > 0)
        {
            throw new ScenarioFailedException($"lines [{string.Join(", ", host.Lines.Select(Quote))}] lack [{string.Join(", ", missing.Select(Quote))}]");
        }
    }

    public static void Finished(WorkflowState state, WorkflowSubStatus subStatus = WorkflowSubStatus.Finished)
    {
        if (state.Status != WorkflowStatus.Finished || state.SubStatus != subStatus)
        {
            var incidents = string.Join("; ", state.Incidents.Select(i => $"{i.ActivityId}: {i.Message}"));
            throw new ScenarioFailedException($"status {state.Status}/{state.SubStatus}, expected Finished/{subStatus}{(incidents.Length > 0 ? " (incidents: " + incidents + ")" : "")}");
        }
    }

    public static void True(bool condition, string message)
    {
        if (!condition) throw new ScenarioFailedException(message);
    }

    public static int CompletedCount(WorkflowState state, string activityId) =>
        state.Journal.Count(j => j.ActivityId == activityId && j.Event == JournalEvent.Completed);

    private static string Quote(string s) => "\"" + s + "\"";
}
