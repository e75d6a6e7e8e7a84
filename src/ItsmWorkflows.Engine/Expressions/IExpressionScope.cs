using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>What an expression can see while it runs: variables, workflow inputs, activity outputs and the instance.</summary>
public interface IExpressionScope
{
    bool TryGetVariable(string name, out JsonNode? value);

    void SetVariable(string name, JsonNode? value);

    JsonNode? GetInput(string name);

    IReadOnlyDictionary<string, JsonNode?> Inputs { get; }

    IEnumerable<KeyValuePair<string, JsonNode?>> VisibleVariables { get; }

    /// <summary>An output of an earlier activity, by activity name or id.</summary>
    JsonNode? GetActivityOutput(string activity, string output);

    WorkflowState Instance { get; }

    /// <summary>
    /// The ticket the workflow serves as it stands (currentTicket()), read before the activity's inputs are evaluated
    /// when one of them calls currentTicket; null elsewhere, or when there is no such ticket.
    /// </summary>
    JsonObject? CurrentTicket => null;

    /// <summary>The zone times are shown in (formatDateTime, formatWindow, Liquid's when filter).</summary>
    TimeZoneInfo TimeZone => TimeZoneInfo.Utc;

    DateTimeOffset Now { get; }

    /// <summary>Outcomes a script chose with setOutcome/setOutcomes (RunJavaScript).</summary>
    List<string>? ScriptOutcomes { get; set; }
}
