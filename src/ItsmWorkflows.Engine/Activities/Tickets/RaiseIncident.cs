using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Engine.Activities.Tickets;

/// <summary>
/// Opens an incident from a workflow (a monitoring alert through an HTTP endpoint, a failed check): priority from
/// impact × urgency, SLA clocks and first-line group from the service, its own incident process started, as the
/// incident form does. With an alert key, an alert that fires again while its incident is open adds a note to that
/// incident instead of opening a second one. The request is outbound work committed with the step; the host raises
/// it once (a retried delivery finds the incident it already made) and resumes the step with the number.
/// Outputs "number" and "created" (false when an open incident with the alert key took it).
/// </summary>
public sealed class RaiseIncident : IActivity
{
    public const string TypeName = "Itsm.RaiseIncident";
    public const string OutboxKind = "incident-raise";

    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = TypeName,
        Category = "ITSM",
        DisplayName = "Raise Incident",
        Description = "Opens an incident on a service (or notes a repeat on the open one with the same alert key), and continues with its number.",
        Inputs =
        [
            new InputDescriptor("title", "String", "singleline") { IsRequired = true, Description = "What is not working, as the service desk reads it." },
            new InputDescriptor("description", "String", "multiline") { Description = "Details: the alert's text, where it came from." },
            new InputDescriptor("service", "String", "singleline") { IsRequired = true, DisplayName = "Service", Description = "The service's id (such as email or network): its SLA, calendar and support tiers apply." },
            new InputDescriptor("impact", "Int32", "singleline") { DefaultValue = 3, Description = "1 (many people), 2 (a team) or 3 (one person)." },
            new InputDescriptor("urgency", "Int32", "singleline") { DefaultValue = 3, Description = "1 (work has stopped), 2 (hampered) or 3 (it can wait)." },
            new InputDescriptor("caller", "String", "singleline") { Description = "User name or email address of whoever reports it; empty: the service's owner, who is told as callers are." },
            new InputDescriptor("alertKey", "String", "singleline")
            {
                DisplayName = "Alert key",
                Description = "Identifies the alert (such as host and check). While an incident raised with this key is open, the alert firing again adds a note to it instead of opening another.",
            },
        ],
        Outputs =
        [
            new OutputDescriptor("number", "String") { Description = "The incident's number (INC…)." },
            new OutputDescriptor("created", "Boolean") { Description = "False when the open incident with the same alert key took the repeat." },
        ],
        IsBlocking = true,
    };

    public static string Stimulus(string requestId) => "incident-raise:" + requestId;

    /// <summary>The longest title a ticket takes (the host's limit).</summary>
    public const int MaxTitleLength = 300;

    /// <summary>The longest alert key the host keeps.</summary>
    public const int MaxAlertKeyLength = 200;

    public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var title = context.GetString("title")?.Trim();
        var service = context.GetString("service")?.Trim();
        var impact = context.HasInput("impact") ? context.GetLong("impact") : 3;
        var urgency = context.HasInput("urgency") ? context.GetLong("urgency") : 3;
        var problems = new List<string>();
        if (string.IsNullOrEmpty(title)) problems.Add("a title");
        if (string.IsNullOrEmpty(service)) problems.Add("a service");
        if (problems.Count > 0) return ActivityResult.Fault($"Raise Incident needs {string.Join(" and ", problems)}.");
        if (impact is < 1 or > 3 || urgency is < 1 or > 3) return ActivityResult.Fault($"Raise Incident: impact and urgency are 1, 2 or 3 (got {impact} and {urgency}).");
        var alertKey = context.GetString("alertKey") is { } key && !string.IsNullOrWhiteSpace(key) ? key.Trim() : null;
        // Refused here, where the webhook still hears of it (500), rather than by the database after the answer went out.
        if (title!.Length > MaxTitleLength) return ActivityResult.Fault($"Raise Incident: the title is {title.Length} characters long; an incident's title takes at most {MaxTitleLength}.", "IncidentRefused");
        if (alertKey is { Length: > MaxAlertKeyLength }) return ActivityResult.Fault($"Raise Incident: the alert key is {alertKey.Length} characters long; at most {MaxAlertKeyLength}.", "IncidentRefused");
        var caller = context.GetString("caller") is { } named && !string.IsNullOrWhiteSpace(named) ? named.Trim() : null;
        if (await context.Services.IncidentIntake.RefusalAsync(service!, caller, cancellationToken) is { } refusal)
        {
            return ActivityResult.Fault($"The incident cannot be raised: {refusal}", "IncidentRefused");
        }
        var id = context.NewId();
        var bookmark = context.CreateBookmark(Stimulus(id), new JsonObject { ["requestId"] = id, ["title"] = title });
        var payload = new JsonObject
        {
            ["requestId"] = id,
            ["title"] = title,
            ["description"] = context.GetString("description"),
            ["serviceId"] = service,
            ["impact"] = impact,
            ["urgency"] = urgency,
            ["caller"] = caller,
            ["alertKey"] = alertKey,
            ["definitionId"] = context.Instance.DefinitionId,
            ["bookmarkId"] = bookmark.Id,
        };
        context.Instance.Outbound.Add(new OutboundMessage(id, OutboxKind, payload, context.Instance.InstanceId, bookmark.Id));
        return ActivityResult.Suspend(bookmark);
    }

    /// <summary>The host reports: { raised: true, number, created } or { raised: false, reason }.</summary>
    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeStimulus stimulus, CancellationToken cancellationToken)
    {
        var payload = stimulus.Payload as JsonObject;
        if (payload?["raised"] is not JsonValue raised || !raised.TryGetValue<bool>(out var ok) || !ok)
        {
            return ValueTask.FromResult(ActivityResult.Fault($"The incident was not raised: {payload?["reason"]?.ToString() ?? "no reason given"}", "IncidentRefused"));
        }
        context.SetOutput("number", payload["number"]?.DeepClone());
        context.SetOutput("created", payload["created"]?.DeepClone());
        return ValueTask.FromResult(ActivityResult.Done);
    }
}

/// <summary>
/// Port: whether the host would raise an incident on this service for this caller, asked before the request is queued,
/// so that an alert naming an unknown service or person stops its workflow at once (a webhook answers 500) instead of
/// being accepted and refused later, unseen.
/// </summary>
public interface IIncidentIntake
{
    /// <summary>Why the incident would be refused, or null when it would be raised.</summary>
    ValueTask<string?> RefusalAsync(string serviceId, string? caller, CancellationToken cancellationToken);
}

/// <summary>Accepts every request (engine-only runs and tests): the host refuses what it cannot raise when it raises it.</summary>
public sealed class AcceptingIncidentIntake : IIncidentIntake
{
    public static AcceptingIncidentIntake Instance { get; } = new();

    public ValueTask<string?> RefusalAsync(string serviceId, string? caller, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}
