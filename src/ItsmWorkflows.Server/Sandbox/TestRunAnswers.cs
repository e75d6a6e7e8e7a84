using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Activities.Approvals;
using ItsmWorkflows.Engine.Activities.Tickets;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Server.Api;

namespace ItsmWorkflows.Server.Sandbox;

/// <summary>
/// Checks an answer to a test run's wait by the rules the real endpoints apply (an approval decision, a task close)
/// before it reaches the activity. It has to be checked first: an activity ignores an answer it cannot take and waits
/// again under new bookmark ids, so a bad answer would change nothing yet make the designer's next click a 409.
/// </summary>
internal static class TestRunAnswers
{
    /// <summary>Throws a 400 (malformed answer) or 422 (an answer this wait cannot take) that says what to send instead.</summary>
    public static void Check(WorkflowState state, Bookmark bookmark, JsonNode? payload)
    {
        // A timer bookmark of an approval is answered by moving the clock; only its decision bookmark takes a decision.
        if (bookmark.Name == RequestApproval.TypeName && bookmark.DueAt is null) CheckDecision(state, bookmark, payload);
        else if (bookmark.Name == CreateTask.TypeName) CheckTaskClose(payload);
    }

    /// <summary>
    /// As POST /api/approvals/{id}/decision: a decision of approve or reject, by someone holding an undecided slot who is
    /// not the requester; on someone's behalf only as the delegate the approval recorded for them.
    /// </summary>
    private static void CheckDecision(WorkflowState state, Bookmark bookmark, JsonNode? payload)
    {
        var data = state.Frames.TryGetValue(bookmark.FrameId, out var frame) && frame.State is JsonFrameState json ? json.Data : null;
        var slots = (data?["slots"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var open = slots.Where(s => s["decision"] is null).ToList();
        var deciders = open.Select(s => Name(s["approver"])).OfType<string>().ToList();
        var askFor = deciders.Count == 0 ? "" : $" Answer as one of: {string.Join(", ", deciders)}.";
        var approver = (payload as JsonObject)?["approver"]?.ToString();
        if (string.IsNullOrWhiteSpace(approver)) throw ProblemException.BadRequest($"Say who decides ('approver').{askFor}");
        var requester = data?["requester"]?.ToString();
        if (string.Equals(approver, requester, StringComparison.OrdinalIgnoreCase))
        {
            throw ProblemException.Invalid($"{approver} requested this, so {approver} cannot approve it (the real approval refuses it too).{askFor}");
        }
        bool Holds(JsonObject slot) => string.Equals(Name(slot["approver"]), approver, StringComparison.OrdinalIgnoreCase)
            || string.Equals(Name(slot["approver"]?["delegate"]), approver, StringComparison.OrdinalIgnoreCase);
        if (!slots.Any(Holds)) throw ProblemException.Invalid($"{approver} is not an approver of this approval.{askFor}");
        if (!open.Any(Holds)) throw ProblemException.Invalid($"A decision was already recorded for {approver} on this approval.{askFor}");
        // The real endpoint takes "on behalf of" only from someone the host made that person's delegate; a test run has
        // no links, so it takes it from the delegate the approval recorded for that approver.
        if ((payload as JsonObject)?["onBehalfOf"]?.ToString() is { Length: > 0 } principal && !string.Equals(principal, approver, StringComparison.OrdinalIgnoreCase))
        {
            var slot = open.FirstOrDefault(s => string.Equals(Name(s["approver"]), principal, StringComparison.OrdinalIgnoreCase));
            if (slot is null) throw ProblemException.Invalid($"{principal} has no open decision on this approval, so nobody can decide on their behalf.{askFor}");
            var recorded = Name(slot["approver"]?["delegate"]);
            if (!string.Equals(recorded, approver, StringComparison.OrdinalIgnoreCase))
            {
                throw ProblemException.Invalid(recorded is null
                    ? $"{approver} cannot decide on behalf of {principal}: the approval records no delegate for {principal}. Answer as {principal}."
                    : $"{approver} cannot decide on behalf of {principal}: the approval records {recorded} as {principal}'s delegate.");
            }
        }
        var decision = (payload as JsonObject)?["decision"]?.ToString();
        if (RequestApproval.ParseDecision(decision) is null)
        {
            throw ProblemException.BadRequest($"Choose 'approve' or 'reject' as the decision{(decision is null ? "" : $"; '{decision}' is neither")}.");
        }
    }

    /// <summary>As POST /api/tasks/{number}/close: Complete or Incomplete, and an incomplete task says why.</summary>
    private static void CheckTaskClose(JsonNode? payload)
    {
        var answer = payload as JsonObject;
        var state = answer?["state"]?.ToString();
        if (state is not ("Complete" or "Incomplete"))
        {
            throw ProblemException.BadRequest($"A task closes as 'Complete' or 'Incomplete'{(state is null ? "" : $", not '{state}'")} ('state').");
        }
        if (state == "Incomplete" && string.IsNullOrWhiteSpace(answer?["notes"]?.ToString())) throw ProblemException.BadRequest("Say why the task could not be completed ('notes').");
    }

    private static string? Name(JsonNode? person) => person?["userName"]?.ToString();
}
