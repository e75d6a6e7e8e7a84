using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Engine.Activities.Approvals;

/// <summary>
/// Asks people to approve and waits for their decisions. Approvers are people, groups or an expression;
/// the rule (any, all, at least N, at least P %) and the rejection rule (first rejection, or a count)
/// decide the outcome as decisions arrive; a due time ends the wait (TimedOut, approve, reject, or
/// escalate once to the pending approvers' managers). An approver away can be decided for by their
/// delegate. The requester never approves their own request. The host sends each approver a link and
/// reports decisions by resuming the activity with { approver, decision, comment, channel }; it hands the
/// undecided slot of someone who can no longer decide (switched off) to another person with
/// { handover: { from, to: [{ userName, as }] } }.
/// Output "decision": { outcome, approvalId, contentHash, decisions: [...], approvers: [...] }.
/// </summary>
public sealed partial class RequestApproval : IActivity
{
    public const string TypeName = "Itsm.RequestApproval";
    public const string OutboxKind = "approval-request";

    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = TypeName,
        Category = "ITSM",
        DisplayName = "Request Approval",
        Description = "Asks approvers (people, groups) to approve by email link or in their inbox, and continues with Approved, Rejected or TimedOut.",
        Inputs =
        [
            new InputDescriptor("approvers", "String[]", "multi-text") { IsRequired = true, Description = "User names, group:<name>, or email addresses." },
            new InputDescriptor("title", "String", "singleline") { IsRequired = true, Description = "What is being approved, as the approver reads it." },
            new InputDescriptor("details", "Object", "json-editor") { Description = "Facts shown to the approver (risk, window, cost...): an object of labels and values." },
            new InputDescriptor("requester", "String", "singleline") { Description = "User name of the requester, who cannot approve." },
            new InputDescriptor("rule", "String", "dropdown") { OnlyOptions = true, Options = ["Any", "All", "AtLeast", "Percent"], DefaultValue = "Any", Description = "How many approvals are needed." },
            new InputDescriptor("threshold", "Int32", "singleline") { Description = "N for AtLeast, P for Percent." },
            new InputDescriptor("rejectionRule", "String", "dropdown") { OnlyOptions = true, Options = ["FirstRejects", "Count"], DefaultValue = "FirstRejects" },
            new InputDescriptor("rejectionThreshold", "Int32", "singleline") { Description = "Rejections that reject, for Count." },
            new InputDescriptor("dueIn", "TimeSpan", "timespan") { Description = "How long approvers have; empty waits without limit." },
            new InputDescriptor("calendar", "String", "singleline") { Description = "Business calendar the due time counts in (working hours, holidays); empty counts every hour." },
            new InputDescriptor("onTimeout", "String", "dropdown") { OnlyOptions = true, Options = ["TimedOut", "Approve", "Reject", "Escalate"], DefaultValue = "TimedOut", Description = "What the due time does." },
            new InputDescriptor("remindEvery", "TimeSpan", "timespan")
            {
                DisplayName = "Remind every",
                Description = "Emails the approvers who have not decided yet again after this long, counted in the calendar, and each time it passes again, never at or after the due time; empty sends no reminders.",
            },
            new InputDescriptor("maxReminders", "Int32", "singleline") { DisplayName = "Reminders at most", DefaultValue = 3, Description = "How many reminders each approval sends at most." },
        ],
        Outputs = [new OutputDescriptor("decision", "Object") { Description = "Outcome, approvers, and every decision with who, on behalf of whom, comment, when and through which channel." }],
        Outcomes = ["Approved", "Rejected", "TimedOut"],
        IsBlocking = true,
    };

    public static string Stimulus(string approvalId) => "approval:" + approvalId;

    /// <summary>SHA-256 of what the approver is shown; a decision is only valid for the content it was made on.</summary>
    public static string ContentHash(string title, JsonNode? details) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(new JsonObject { ["title"] = title, ["details"] = details?.DeepClone() }.ToJsonString())));

    public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var title = context.GetString("title");
        if (string.IsNullOrWhiteSpace(title)) return ActivityResult.Fault("Request Approval has no title.");
        var names = context.GetStringList("approvers").SelectMany(a => a.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (names.Count == 0) return ActivityResult.Fault("Request Approval names no approver.");
        var requester = context.GetString("requester");
        var resolved = await context.Services.Approvers.ResolveAsync(names, cancellationToken);
        var eligible = resolved
            .Where(a => !string.Equals(a.UserName, requester, StringComparison.OrdinalIgnoreCase))
            .DistinctBy(a => a.UserName, StringComparer.OrdinalIgnoreCase).ToList();
        if (eligible.Count == 0)
        {
            return ActivityResult.Fault(resolved.Count == 0
                ? $"None of the approvers ({string.Join(", ", names)}) is known."
                : "The only approver is the requester, who cannot approve their own request.");
        }
        var rule = Parse(context.GetString("rule"), "Any", ["Any", "All", "AtLeast", "Percent"]);
        var rejectionRule = Parse(context.GetString("rejectionRule"), "FirstRejects", ["FirstRejects", "Count"]);
        var onTimeout = Parse(context.GetString("onTimeout"), "TimedOut", ["TimedOut", "Approve", "Reject", "Escalate"]);
        if (rule is null || rejectionRule is null || onTimeout is null) return ActivityResult.Fault("Request Approval: rule is Any, All, AtLeast or Percent; rejection rule FirstRejects or Count; on timeout TimedOut, Approve, Reject or Escalate.");
        var threshold = context.HasInput("threshold") ? (int)context.GetLong("threshold") : 1;
        if (rule is "AtLeast" && threshold < 1 || rule is "Percent" && threshold is < 1 or > 100) return ActivityResult.Fault($"Request Approval: threshold {threshold} does not fit rule {rule}.");
        var rejectionThreshold = context.HasInput("rejectionThreshold") ? (int)context.GetLong("rejectionThreshold") : 1;
        var details = context.Get("details")?.DeepClone();
        TimeSpan? dueIn = context.HasInput("dueIn") ? context.GetTimeSpan("dueIn") : null;
        var calendarName = context.GetString("calendar");
        Calendars.BusinessCalendar? calendar = null;
        if (!string.IsNullOrWhiteSpace(calendarName))
        {
            calendar = await context.Services.Calendars.FindAsync(calendarName, cancellationToken);
            if (calendar is null) return ActivityResult.Fault($"Request Approval: there is no business calendar '{calendarName}'.");
        }

        TimeSpan? remindEvery = context.HasInput("remindEvery") ? context.GetTimeSpan("remindEvery") : null;
        if (remindEvery is { } every && every <= TimeSpan.Zero) return ActivityResult.Fault($"Request Approval: remind every {every} is not a length of time; leave it empty for no reminders.");
        var maxReminders = context.HasInput("maxReminders") ? (int)context.GetLong("maxReminders") : 3;
        if (maxReminders < 0) return ActivityResult.Fault($"Request Approval: reminders at most is {maxReminders}; give 0 or more.");

        var state = new ApprovalState
        {
            ApprovalId = context.NewId(),
            Title = title,
            Details = details,
            Requester = requester,
            ContentHash = ContentHash(title, details),
            Rule = rule,
            Threshold = threshold,
            RejectionRule = rejectionRule,
            RejectionThreshold = Math.Max(1, rejectionThreshold),
            OnTimeout = onTimeout,
            DueIn = dueIn,
            Calendar = calendar?.Name,
            DueAt = dueIn is { } d ? calendar?.Add(context.Now, d) ?? context.Now + d : null,
            RemindEvery = remindEvery,
            MaxReminders = maxReminders,
            NextReminderAt = remindEvery is { } r ? calendar?.Add(context.Now, r) ?? context.Now + r : null,
            Slots = [.. eligible.Select(a => new Slot { Approver = a })],
        };
        Save(context, state);
        Notify(context, state, state.Slots);
        return Suspend(context, state);
    }

    public async ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeStimulus stimulus, CancellationToken cancellationToken)
    {
        var state = Load(context);
        if (stimulus.Bookmark.DueAt is { } due)
        {
            // A timer fired early (the host may) keeps waiting: neither a reminder nor the due time comes before its time.
            if (due > context.Now) return Suspend(context, state);
            var calendar = state.Calendar is null ? null : await context.Services.Calendars.FindAsync(state.Calendar, cancellationToken);
            // A reminder that fires after the due time (the host was down, or the clock jumped) ends the wait instead.
            if (stimulus.Bookmark.Payload?["remindAt"] is not null && (state.DueAt is not { } end || end > context.Now)) return Remind(context, state, calendar);
            return TimeOut(context, state, calendar);
        }
        var payload = stimulus.Payload as JsonObject;
        if (payload?["revise"] is JsonObject revision)
        {
            // What is approved changed (the request was edited): links made for the old content stop working,
            // and everyone who has not decided yet is asked again with the new content.
            state.Title = revision["title"]?.ToString() is { Length: > 0 } title ? title : state.Title;
            state.Details = revision.ContainsKey("details") ? revision["details"]?.DeepClone() : state.Details;
            state.ContentHash = ContentHash(state.Title, state.Details);
            Save(context, state);
            var pending = state.Slots.Where(s => s.Decision is null).ToList();
            if (pending.Count > 0) Notify(context, state, pending);
            return Suspend(context, state);
        }
        if (payload?["handover"] is JsonObject handover) return await HandOverAsync(context, state, handover, cancellationToken);
        var approver = payload?["approver"]?.ToString();
        var approve = ParseDecision(payload?["decision"]?.ToString());
        // Someone named as a delegate after this approval was asked decides for the approver the host says they act for
        // (the host gave them their own link on that person's behalf); the delegate known when it was asked needs no word.
        var onBehalfOf = payload?["onBehalfOf"]?.ToString();
        // A decision from someone who holds no open slot, or by the requester, changes nothing: the host refuses it before it gets here.
        var slot = approver is null || approve is null || string.Equals(approver, state.Requester, StringComparison.OrdinalIgnoreCase) ? null
            : onBehalfOf is { Length: > 0 } ? state.Slots.FirstOrDefault(s => s.Decision is null && string.Equals(s.Approver.UserName, onBehalfOf, StringComparison.OrdinalIgnoreCase))
            : state.Slots.FirstOrDefault(s => s.Decision is null && string.Equals(s.Approver.UserName, approver, StringComparison.OrdinalIgnoreCase))
              ?? state.Slots.FirstOrDefault(s => s.Decision is null && string.Equals(s.Approver.Delegate?.UserName, approver, StringComparison.OrdinalIgnoreCase));
        if (slot is null || approve is not { } approves) return Suspend(context, state);
        slot.Decision = approves ? "Approved" : "Rejected";
        slot.DecidedBy = approver;
        // The name people read (histories, emails): the approver's or known delegate's from the directory, else what the host sent.
        slot.DecidedByName = string.Equals(slot.Approver.UserName, approver, StringComparison.OrdinalIgnoreCase) ? slot.Approver.DisplayName
            : string.Equals(slot.Approver.Delegate?.UserName, approver, StringComparison.OrdinalIgnoreCase) ? slot.Approver.Delegate!.DisplayName
            : payload?["approverName"]?.ToString() is { Length: > 0 } named ? named : approver;
        slot.OnBehalfOf = string.Equals(slot.Approver.UserName, approver, StringComparison.OrdinalIgnoreCase) ? null : slot.Approver.UserName;
        slot.Comment = payload?["comment"]?.ToString();
        slot.Channel = payload?["channel"]?.ToString() ?? "api";
        slot.At = context.Now;
        Save(context, state);
        return Tally(state) is { } outcome ? Finish(context, state, outcome) : Suspend(context, state);
    }

    /// <summary>
    /// The host says someone can no longer decide (their account was switched off): their undecided slot goes to the first
    /// of the people offered (their manager, then their delegate) who is not the requester, holds no slot here yet and whom
    /// the directory still knows; that person is asked as any approver is, and the tally is taken again. With nobody to
    /// take it, or no undecided slot of theirs (decided or handed over already), nothing changes: the host reads the state.
    /// </summary>
    private static async ValueTask<ActivityResult> HandOverAsync(ActivityContext context, ApprovalState state, JsonObject handover, CancellationToken cancellationToken)
    {
        var from = handover["from"]?.ToString();
        var index = state.Slots.FindIndex(s => s.Decision is null && string.Equals(s.Approver.UserName, from, StringComparison.OrdinalIgnoreCase));
        if (index < 0) return Suspend(context, state);
        var offered = (handover["to"] as JsonArray ?? [])
            .Select(c => c is JsonObject o ? (UserName: o["userName"]?.ToString(), As: o["as"]?.ToString()) : (UserName: c?.ToString(), As: null))
            .Where(c => c.UserName is { Length: > 0 } name && !name.StartsWith("group:", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(name, state.Requester, StringComparison.OrdinalIgnoreCase)
                && !state.Slots.Any(s => string.Equals(s.Approver.UserName, name, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        if (offered.Count == 0) return Suspend(context, state);
        // The directory says who they are now (address, delegate, manager for a later escalation) and leaves out anyone switched off.
        var known = await context.Services.Approvers.ResolveAsync([.. offered.Select(c => c.UserName!)], cancellationToken);
        foreach (var (userName, role) in offered)
        {
            if (known.FirstOrDefault(a => string.Equals(a.UserName, userName, StringComparison.OrdinalIgnoreCase)) is not { } person) continue;
            // The new slot replaces the old one, so the rule counts the same number of approvers: an All with the others
            // approved now waits on this person only.
            var slot = new Slot { Approver = person, HandedOverFrom = state.Slots[index].Approver.UserName, HandedOverAs = role, HandedOverAt = context.Now };
            state.Slots[index] = slot;
            Save(context, state);
            Notify(context, state, [slot]);
            return Tally(state) is { } outcome ? Finish(context, state, outcome) : Suspend(context, state);
        }
        return Suspend(context, state);
    }

    /// <summary>True to approve, false to reject, null for anything else; one rule for the activity and every host path that checks a decision first.</summary>
    public static bool? ParseDecision(string? decision) => decision?.Trim().ToUpperInvariant() switch
    {
        "APPROVE" or "APPROVED" => true,
        "REJECT" or "REJECTED" => false,
        _ => null,
    };

    /// <summary>The outcome the decisions so far settle, or null while it is still open.</summary>
    private static string? Tally(ApprovalState state)
    {
        var total = state.Slots.Count;
        var approved = state.Slots.Count(s => s.Decision == "Approved");
        var rejected = state.Slots.Count(s => s.Decision == "Rejected");
        var pending = total - approved - rejected;
        var needed = state.Rule switch
        {
            "All" => total,
            "AtLeast" => Math.Min(state.Threshold, total),
            "Percent" => (int)Math.Ceiling(total * state.Threshold / 100.0),
            _ => 1,
        };
        if (approved >= needed) return "Approved";
        var rejects = state.RejectionRule == "Count" ? Math.Min(state.RejectionThreshold, total) : 1;
        // Rejected by the rejection rule, or when the approvals still possible can no longer reach the rule.
        if (rejected >= rejects || approved + pending < needed) return "Rejected";
        return null;
    }

    /// <summary>The approvers who have not decided yet are emailed again (a fresh link each); the next reminder is set.</summary>
    private static ActivityResult Remind(ActivityContext context, ApprovalState state, Calendars.BusinessCalendar? calendar)
    {
        var pending = state.Slots.Where(s => s.Decision is null).ToList();
        state.RemindersSent++;
        state.NextReminderAt = state.RemindEvery is { } every ? calendar?.Add(context.Now, every) ?? context.Now + every : null;
        Save(context, state);
        if (pending.Count > 0) Notify(context, state, pending, state.RemindersSent);
        return Suspend(context, state);
    }

    private static ActivityResult TimeOut(ActivityContext context, ApprovalState state, Calendars.BusinessCalendar? calendar)
    {
        if (state.OnTimeout == "Escalate" && !state.Escalated)
        {
            var added = new List<Slot>();
            foreach (var pending in state.Slots.Where(s => s.Decision is null).ToList())
            {
                if (pending.Approver.Manager is not { } manager || string.Equals(manager.UserName, state.Requester, StringComparison.OrdinalIgnoreCase)) continue;
                if (state.Slots.Concat(added).Any(s => string.Equals(s.Approver.UserName, manager.UserName, StringComparison.OrdinalIgnoreCase))) continue;
                added.Add(new Slot { Approver = manager, EscalatedFrom = pending.Approver.UserName });
            }
            state.Escalated = true;
            if (added.Count > 0)
            {
                state.Slots.AddRange(added);
                state.DueAt = state.DueIn is { } d ? calendar?.Add(context.Now, d) ?? context.Now + d : null;
                Save(context, state);
                Notify(context, state, added);
                return Suspend(context, state);
            }
        }
        var outcome = state.OnTimeout switch { "Approve" => "Approved", "Reject" => "Rejected", _ => "TimedOut" };
        state.TimedOut = true;
        return Finish(context, state, outcome);
    }

    private static ActivityResult Finish(ActivityContext context, ApprovalState state, string outcome)
    {
        state.Outcome = outcome;
        Save(context, state);
        context.SetOutput("decision", new JsonObject
        {
            ["outcome"] = outcome,
            ["approvalId"] = state.ApprovalId,
            ["contentHash"] = state.ContentHash,
            ["timedOut"] = state.TimedOut,
            ["approvers"] = new JsonArray([.. state.Slots.Select(s => (JsonNode?)JsonValue.Create(s.Approver.UserName))]),
            ["decisions"] = new JsonArray([.. state.Slots.Where(s => s.Decision is not null).OrderBy(s => s.At).Select(s => (JsonNode?)new JsonObject
            {
                ["approver"] = s.Approver.UserName,
                ["approverName"] = s.Approver.DisplayName,
                ["handedOverFrom"] = s.HandedOverFrom,
                ["decidedBy"] = s.DecidedBy,
                ["decidedByName"] = s.DecidedByName ?? s.DecidedBy,
                ["onBehalfOf"] = s.OnBehalfOf,
                ["decision"] = s.Decision,
                ["comment"] = s.Comment,
                ["channel"] = s.Channel,
                ["at"] = s.At?.ToString("O"),
            })]),
        });
        return ActivityResult.Outcome(outcome);
    }

    private static ActivityResult Suspend(ActivityContext context, ApprovalState state)
    {
        var bookmarks = new List<Bookmark> { context.CreateBookmark(Stimulus(state.ApprovalId), new JsonObject { ["approvalId"] = state.ApprovalId, ["title"] = state.Title }) };
        if (state.DueAt is { } due)
        {
            bookmarks.Add(context.CreateBookmark("approval-due:" + state.ApprovalId + ":" + due.UtcDateTime.ToString("O"), new JsonObject { ["dueAt"] = due.UtcDateTime.ToString("O") }, due));
        }
        if (state.NextReminderAt is { } remind && state.RemindersSent < state.MaxReminders && (state.DueAt is not { } end || remind < end))
        {
            bookmarks.Add(context.CreateBookmark("approval-remind:" + state.ApprovalId + ":" + remind.UtcDateTime.ToString("O"), new JsonObject { ["remindAt"] = remind.UtcDateTime.ToString("O") }, remind));
        }
        return ActivityResult.Suspend([.. bookmarks]);
    }

    /// <summary>Outbound work for the host: tell these approvers (and their delegates) what to decide.</summary>
    private static void Notify(ActivityContext context, ApprovalState state, IReadOnlyList<Slot> slots, int? reminder = null)
    {
        var recipients = new JsonArray();
        foreach (var slot in slots)
        {
            recipients.Add(Recipient(slot.Approver, null, slot));
            if (slot.Approver.Delegate is { } delegated && !string.Equals(delegated.UserName, state.Requester, StringComparison.OrdinalIgnoreCase))
            {
                recipients.Add(Recipient(delegated, slot.Approver.UserName, slot));
            }
        }
        var payload = new JsonObject
        {
            ["approvalId"] = state.ApprovalId,
            ["title"] = state.Title,
            ["details"] = state.Details?.DeepClone(),
            ["requester"] = state.Requester,
            ["contentHash"] = state.ContentHash,
            ["rule"] = state.Rule,
            ["threshold"] = state.Threshold,
            ["dueAt"] = state.DueAt?.UtcDateTime.ToString("O"),
            ["activityId"] = context.ActivityId,
            ["definitionId"] = context.Instance.DefinitionId,
            ["definitionVersion"] = context.Instance.DefinitionVersion,
            ["recipients"] = recipients,
            // The reminder's number (1, 2…) when it asks again those who have not decided; absent for a first request.
            ["reminder"] = reminder,
        };
        context.Instance.Outbound.Add(new OutboundMessage(context.NewId(), OutboxKind, payload, context.Instance.InstanceId, null));
    }

    private static JsonObject Recipient(ApproverInfo person, string? onBehalfOf, Slot slot) => new()
    {
        ["userName"] = person.UserName,
        ["displayName"] = person.DisplayName,
        ["email"] = person.Email,
        ["onBehalfOf"] = onBehalfOf,
        ["escalatedFrom"] = slot.EscalatedFrom,
        // Whose slot this was, and as whom it came to this approver ("manager", "delegate"), for the email to say why.
        ["handedOverFrom"] = slot.HandedOverFrom,
        ["handedOverAs"] = slot.HandedOverAs,
    };

    private static string? Parse(string? value, string fallback, string[] allowed) =>
        string.IsNullOrWhiteSpace(value) ? fallback : allowed.FirstOrDefault(a => string.Equals(a, value.Trim(), StringComparison.OrdinalIgnoreCase));
}
