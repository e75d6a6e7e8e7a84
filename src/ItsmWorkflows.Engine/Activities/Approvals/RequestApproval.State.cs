using System.Text.Json;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Engine.Activities.Approvals;

/// <summary>What a waiting Request Approval keeps in its frame (the rule, the deadlines and reminders, each approver's slot), and how it is read and written.</summary>
public sealed partial class RequestApproval
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static void Save(ActivityContext context, ApprovalState state) => context.GetState<JsonFrameState>().Data = JsonSerializer.SerializeToNode(state, Json)!.AsObject();

    /// <summary>
    /// Who a waiting Request Approval still waits on, by display name, read from its frame's state (what a ticket's
    /// page shows before the approval records exist); null for a frame that is not an approval's.
    /// </summary>
    public static IReadOnlyList<string>? PendingApprovers(FrameState? frameState) =>
        frameState is JsonFrameState { Data: var data } && data["approvalId"] is not null && data.Deserialize<ApprovalState>(Json) is { } state
            ? [.. state.Slots.Where(s => s.Decision is null).Select(s => s.Approver.DisplayName).Distinct()]
            : null;

    /// <summary>
    /// When a waiting Request Approval times out, read from its frame's state; its bookmark's own due time is the next
    /// of its timers, which is a reminder while reminders are due. Null without a due time or for another frame.
    /// </summary>
    public static DateTimeOffset? DueOf(FrameState? frameState) =>
        frameState is JsonFrameState { Data: var data } && data["approvalId"] is not null && data.Deserialize<ApprovalState>(Json) is { } state ? state.DueAt : null;

    /// <summary>
    /// Where a waiting Request Approval stands with <paramref name="userName"/>, read from its frame's state: whom a slot
    /// of theirs was handed over to (null if none was), and whether an undecided slot still waits on them; null for a
    /// frame that is not an approval's.
    /// </summary>
    public static (ApproverInfo? HandedOverTo, bool StillWaitsOn)? HandoverOf(FrameState? frameState, string approvalId, string userName)
    {
        // The frame of this approval: an instance may wait on several at once (a CAB and a security review in a fork).
        if (frameState is not JsonFrameState { Data: var data } || data["approvalId"]?.GetValue<string>() != approvalId || data.Deserialize<ApprovalState>(Json) is not { } state) return null;
        var handed = state.Slots.FirstOrDefault(s => string.Equals(s.HandedOverFrom, userName, StringComparison.OrdinalIgnoreCase))?.Approver;
        return (handed, state.Slots.Any(s => s.Decision is null && string.Equals(s.Approver.UserName, userName, StringComparison.OrdinalIgnoreCase)));
    }

    private static ApprovalState Load(ActivityContext context) => context.GetState<JsonFrameState>().Data.Deserialize<ApprovalState>(Json)
        ?? throw new InvalidOperationException("The approval's progress is missing from the instance state.");

    private sealed class ApprovalState
    {
        public required string ApprovalId { get; init; }

        public required string Title { get; set; }

        public JsonNode? Details { get; set; }

        public string? Requester { get; init; }

        public required string ContentHash { get; set; }

        public required string Rule { get; init; }

        public int Threshold { get; init; }

        public required string RejectionRule { get; init; }

        public int RejectionThreshold { get; init; }

        public required string OnTimeout { get; init; }

        public TimeSpan? DueIn { get; init; }

        public string? Calendar { get; init; }

        public DateTimeOffset? DueAt { get; set; }

        public TimeSpan? RemindEvery { get; init; }

        public int MaxReminders { get; init; }

        public int RemindersSent { get; set; }

        public DateTimeOffset? NextReminderAt { get; set; }

        public bool Escalated { get; set; }

        public bool TimedOut { get; set; }

        public string? Outcome { get; set; }

        public List<Slot> Slots { get; init; } = [];
    }

    private sealed class Slot
    {
        public required ApproverInfo Approver { get; init; }

        public string? EscalatedFrom { get; init; }

        /// <summary>
        /// The user name of the approver whose undecided slot this was before it was handed over (they were switched off);
        /// null, or absent from a slot saved before handovers existed, for one asked in their own right.
        /// </summary>
        public string? HandedOverFrom { get; init; }

        /// <summary>What the new approver is to the one before ("manager", "delegate"), as the host offered them.</summary>
        public string? HandedOverAs { get; init; }

        public DateTimeOffset? HandedOverAt { get; init; }

        public string? Decision { get; set; }

        public string? DecidedBy { get; set; }

        public string? DecidedByName { get; set; }

        public string? OnBehalfOf { get; set; }

        public string? Comment { get; set; }

        public string? Channel { get; set; }

        public DateTimeOffset? At { get; set; }
    }
}
