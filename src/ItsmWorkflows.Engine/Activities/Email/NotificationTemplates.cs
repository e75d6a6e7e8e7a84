using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Fluid;
using ItsmWorkflows.Engine.Expressions;

namespace ItsmWorkflows.Engine.Activities.Email;

/// <summary>A shipped notification: Liquid for its subject, heading and message; the layout adds the facts table and the button.</summary>
public sealed record NotificationTemplate(string Name, string Subject, string Heading, string Message, string DefaultAction);

/// <summary>
/// The notifications of the three processes, with one layout that mail clients render alike: a
/// 600-pixel table, inline styles, the facts of the ticket as a two-column table, one clear button.
/// Templates see Model (the activity's model object), Variables, Input and Workflow.
/// </summary>
public static class NotificationTemplates
{
    public static IReadOnlyList<NotificationTemplate> All { get; } =
    [
        new("request-received", "We received your request {{ Model.number }}", "Your request is in", "Hello {{ Model.requesterName | default: 'there' }}, we received your request for <strong>{{ Model.item }}</strong>. We will keep you posted at each step.", "Track your request"),
        // The requester reads who approved: an approver outside the directory not by their address (the people filter).
        new("request-approved", "Your request {{ Model.number }} was approved", "Approved", "Your request for <strong>{{ Model.item }}</strong> was approved{% if Model.approver %} by {{ Model.approver | people }}{% endif %}. It is now being fulfilled.", "Track your request"),
        // People's words (comment, note, reason, resolution): blank is none — Liquid holds "" true, which left "not approved:" —
        // and full_stop ends their sentence once: "exhausted." after words without one, nothing after "profile.”".
        new("request-rejected", "Your request {{ Model.number }} was not approved", "Not approved", "Your request for <strong>{{ Model.item }}</strong> was not approved{% if Model.comment != blank %}: {{ Model.comment | strip }}{{ Model.comment | full_stop }}{% else %}.{% endif %}", "See the details"),
        // Closed: a note on its page reaches nobody (as on a closed incident), so the email does not invite one.
        new("request-fulfilled", "Your request {{ Model.number }} is fulfilled", "Done", "Your request for <strong>{{ Model.item }}</strong> is fulfilled and closed. If something is not right, report an incident from the portal and mention {{ Model.number }}.", "See your request"),
        new("request-not-fulfilled", "Your request {{ Model.number }} could not be fulfilled", "Not fulfilled", "We could not fulfil your request for <strong>{{ Model.item }}</strong>{% if Model.comment != blank %}: {{ Model.comment | strip }}{{ Model.comment | full_stop }}{% else %}.{% endif %} The service desk will contact you about what can be done instead.", "See the details"),
        // Model.task, the task's number, is there when the host sends it as the task opens (Create Task's "notify").
        new("task-assigned", "New task{% if Model.task %} {{ Model.task }}{% endif %} for {{ Model.group }} from {{ Model.number }}: {{ Model.title }}", "A task for {% if Model.assignee %}you{% else %}your team{% endif %}", "A new task{% if Model.task %} <strong>{{ Model.task }}</strong>{% endif %} from <strong>{{ Model.number }}</strong> is waiting for <strong>{{ Model.group }}</strong>: {{ Model.title }}. It is in {% if Model.assignee %}your{% else %}your team's{% endif %} queue{% if Model.task %} under that number{% endif %}.", "Open the request"),
        // Model.switchedOff (the server's, as an account is switched off): whose the ticket was, now back with the group.
        new("ticket-assigned", "{{ Model.number }} assigned to {% if Model.assignee %}you{% else %}{{ Model.group }}{% endif %}: {{ Model.title }}", "{% if Model.assignee %}Assigned to you{% else %}For your team{% endif %}", "{{ Model.by }} assigned {{ Model.kind }} <strong>{{ Model.number }}</strong> to {% if Model.assignee %}you{% else %}{{ Model.group }}{% endif %}: {{ Model.title }}.{% if Model.switchedOff %} It was with {{ Model.switchedOff }}, whose account was switched off; it is back in the queue for someone to take.{% endif %}", "Open the ticket"),
        // To a ticket's requester when someone else cancelled it (an agent, a process owner): it only showed in the history.
        new("ticket-cancelled", "Your {{ Model.kind }} {{ Model.number }} was cancelled", "Cancelled", "{{ Model.by }} cancelled your {{ Model.kind }} <strong>{{ Model.number }}</strong> ({{ Model.title }}){% assign why = Model.reason | strip %}{% if why != \"\" %}: \u201c{{ why }}\u201d{% else %}.{% endif %} If it is still needed, raise it again (a note on a cancelled ticket reaches nobody).", "Open the ticket"),
        // To whoever works a ticket (its open tasks' people, else its assignee or group) when it is cancelled: their work stops.
        new("ticket-cancelled-work", "{{ Model.number }} was cancelled: stop work on it", "Cancelled", "{{ Model.by }} cancelled {{ Model.kind }} <strong>{{ Model.number }}</strong> ({{ Model.title }}){% assign why = Model.reason | strip %}{% if why != \"\" %}: \u201c{{ why }}\u201d{% else %}.{% endif %}{% if Model.tasks != blank %} Its {{ Model.tasks }} closed with it.{% endif %} Nothing more is needed on it.", "Open the ticket"),
        // To an incident's caller when it is put on hold waiting on her answer.
        new("incident-waiting", "We need your answer on incident {{ Model.number }}", "Your answer is needed", "{{ Model.by }} is waiting on your answer on incident <strong>{{ Model.number }}</strong> ({{ Model.title }}){% if Model.note != blank %}: \u201c{{ Model.note | strip }}\u201d{{ Model.note | full_stop }}{% else %}.{% endif %} Answer with a note on the incident's page; its resolution time is paused until you do.", "Answer on the incident"),
        // To whoever works an incident (its assignee, else its group's agents) when the caller answers while it waited on them.
        new("incident-replied", "{{ Model.number }}: {{ Model.by }} answered", "The caller answered", "{{ Model.by }} answered on incident <strong>{{ Model.number }}</strong> ({{ Model.title }}), which is back {% if Model.queued %}with its group for someone to take{% else %}in progress{% endif %}, its resolution clock running: “{{ Model.note }}”", "Open the incident"),
        // To whoever works an incident when its caller writes on it otherwise (in progress, on a vendor's hold, resolved).
        new("incident-commented", "{{ Model.number }}: {{ Model.by }} wrote", "The caller wrote", "{{ Model.by }} wrote on incident <strong>{{ Model.number }}</strong> ({{ Model.title }}){% if Model.resolved %}, which is resolved{% if Model.canReopen %} (the caller can still reopen it from its page){% endif %}{% endif %}: \u201c{{ Model.note }}\u201d", "Open the incident"),
        // To whoever fulfils a request (its open tasks' people, else its own assignee or group) when its requester writes on it.
        new("request-commented", "{{ Model.number }}: {{ Model.by }} wrote", "The requester wrote", "{{ Model.by }} wrote on request <strong>{{ Model.number }}</strong> ({{ Model.title }}){% if Model.tasks != blank %}, whose {{ Model.tasks }}{% endif %}: \u201c{{ Model.note }}\u201d", "Open the request"),
        // To the approvers a request still waits on (and delegates deciding for them) when its requester writes on it meanwhile.
        new("request-commented-approval", "{{ Model.number }}: {{ Model.by }} wrote while it waits on your decision", "The requester wrote", "{{ Model.by }} wrote on request <strong>{{ Model.number }}</strong> ({{ Model.title }}), which waits on your decision: \u201c{{ Model.note }}\u201d Decide with the link in the approval email, or under Approvals in the portal.", "Open the request"),
        new("change-submitted", "Change {{ Model.number }} submitted: {{ Model.title }}", "Change submitted", "Change <strong>{{ Model.number }}</strong> ({{ Model.type }}{% if Model.risk %}, risk {{ Model.risk }}{% endif %}) was submitted {% if Model.board %}to {{ Model.board }}{% else %}for assessment{% endif %}.", "Open the change"),
        // A normal change moved to another window (or given one after a conflict) goes back to the CAB: not a new submission.
        new("change-resubmitted", "Change {{ Model.number }} moved to {{ Model.window }}: back for approval", "Change moved", "Change <strong>{{ Model.number }}</strong> ({{ Model.title }}) moved{% if Model.movedFrom %} from {{ Model.movedFrom }}{% endif %} to {{ Model.window }}, so it {% if Model.risk %}was assessed again (risk {{ Model.risk }}) and {% endif %}goes back to {{ Model.board | default: \"the Change Advisory Board\" }} for approval of the new window.", "Open the change"),
        new("change-approved", "Change {{ Model.number }} approved", "Change approved", "Change <strong>{{ Model.number }}</strong> was authorized and can be scheduled.", "Open the change"),
        new("change-rejected", "Change {{ Model.number }} rejected", "Change rejected", "Change <strong>{{ Model.number }}</strong> was not authorized{% if Model.comment != blank %}: \u201c{{ Model.comment | strip }}\u201d{{ Model.comment | full_stop }}{% else %}.{% endif %}", "Open the change"),
        new("change-conflict", "Change {{ Model.number }} cannot be scheduled yet", "Schedule conflict", "Change <strong>{{ Model.number }}</strong> is authorized but its window clashes: {{ Model.summary }} Choose another window to schedule it.", "Reschedule the change"),
        new("change-scheduled", "Change {{ Model.number }} scheduled for {{ Model.window }}", "Change scheduled", "Change <strong>{{ Model.number }}</strong> is scheduled for {{ Model.window }}.", "Open the change"),
        // Model.failed (from change-approval v7): the implementation was closed incomplete and backed out; Model.notes say what happened.
        new("change-closed", "Change {{ Model.number }} closed{% if Model.failed %} incomplete: backed out{% endif %}", "{% if Model.failed %}Change backed out{% else %}Change closed{% endif %}", "{% if Model.failed %}Change <strong>{{ Model.number }}</strong> failed: its implementation was backed out{% if Model.notes != blank %} (\u201c{{ Model.notes | strip }}\u201d){% endif %}. It was reviewed and closed incomplete; raise a new change to try again.{% else %}Change <strong>{{ Model.number }}</strong> was implemented, reviewed and closed.{% endif %}", "Open the change"),
        new("incident-opened", "Incident {{ Model.number }} opened: {{ Model.title }}", "We are on it", "Incident <strong>{{ Model.number }}</strong> (priority {{ Model.priority }}) was opened and assigned to {{ Model.group }}.", "Track the incident"),
        // To the incident's group as it opens (incident-escalation v4); Model.urgent (P1/P2) leads the subject with "URGENT".
        new("incident-raised", "{% if Model.urgent %}URGENT {{ Model.priority }}: {% endif %}New incident {{ Model.number }} for {{ Model.group }}: {{ Model.title }}", "{% if Model.urgent %}Urgent: a new incident{% else %}A new incident{% endif %}", "{{ Model.caller | default: 'Someone' }} raised incident <strong>{{ Model.number }}</strong> ({{ Model.priority }}) on {{ Model.service }}: {{ Model.title }}{{ Model.title | full_stop }} It is in {{ Model.group }}'s queue{% if Model.respond != blank %}: respond within {{ Model.respond }}{% if Model.resolve != blank %}, resolve within {{ Model.resolve }}{% endif %}{% endif %}.", "Open the incident"),
        new("incident-escalated", "Escalated: incident {{ Model.number }} ({{ Model.priority }})", "Escalated to you", "Incident <strong>{{ Model.number }}</strong> was escalated to {{ Model.group }}{% if Model.reason != blank %}: {{ Model.reason | strip }}{{ Model.reason | full_stop }}{% else %}.{% endif %}", "Open the incident"),
        new("sla-warning", "{{ Model.percent }}% of the {{ Model.sla }} time used on {{ Model.number }}", "Service level at risk", "<strong>{{ Model.number }}</strong> has used {{ Model.percent }}% of its {{ Model.sla }} target. It is due {{ Model.dueAt | when }}.", "Open the ticket"),
        new("incident-resolved", "Incident {{ Model.number }} resolved", "Resolved", "Incident <strong>{{ Model.number }}</strong> is resolved{% if Model.resolution != blank %}: \u201c{{ Model.resolution | strip }}\u201d{{ Model.resolution | full_stop }}{% else %}.{% endif %}{% if Model.canReopen %} Not fixed? Reopen it from the incident's page within three days.{% else %} Reply if the problem comes back.{% endif %}", "See the incident"),
        new("incident-reopened", "Incident {{ Model.number }} reopened", "Reopened", "<strong>{{ Model.number }}</strong> was reopened by {{ Model.by }}{% if Model.reason != blank %}: \u201c{{ Model.reason | strip }}\u201d{{ Model.reason | full_stop }}{% else %}.{% endif %} Its resolution clock runs again; the days it stood resolved do not count.", "Open the ticket"),
    ];

    private static readonly Dictionary<string, (IFluidTemplate Subject, IFluidTemplate Heading, IFluidTemplate Message)> Compiled =
        All.ToDictionary(t => t.Name, t => (LiquidRuntime.Parse(t.Subject), LiquidRuntime.Parse(t.Heading), LiquidRuntime.Parse(t.Message)), StringComparer.OrdinalIgnoreCase);

    public static NotificationTemplate? Find(string name) => All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The button's link: the one given, else the page of the ticket the model names (model.number), where the host has one.</summary>
    public static string? ActionUrl(ActivityContext context, JsonObject? model, string? given) =>
        !string.IsNullOrWhiteSpace(given) ? given
        : model?["number"] is JsonValue number && number.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? context.Services.TicketUrl?.Invoke(text.Trim())
        : null;

    /// <summary>Renders a shipped template: subject (plain), HTML (values escaped) and its plain-text part.</summary>
    public static (string Subject, string Html, string Text) Render(NotificationTemplate template, IExpressionScope scope, JsonObject? model, string? actionUrl, string? actionLabel)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return Render(template, model, actionUrl, actionLabel, (t, extra, encoder) => LiquidRuntime.Render(t, scope, extra, encoder));
    }

    /// <summary>Renders a shipped template outside a workflow step (the host, as it opens a task): it sees only Model.</summary>
    public static (string Subject, string Html, string Text) Render(NotificationTemplate template, JsonObject? model, string? actionUrl, string? actionLabel) =>
        Render(template, model, actionUrl, actionLabel, LiquidRuntime.Render);

    private static (string Subject, string Html, string Text) Render(NotificationTemplate template, JsonObject? model, string? actionUrl, string? actionLabel,
        Func<IFluidTemplate, IReadOnlyDictionary<string, object?>, TextEncoder?, string> render)
    {
        ArgumentNullException.ThrowIfNull(template);
        var compiled = Compiled[template.Name];
        var extra = new Dictionary<string, object?> { ["Model"] = LiquidRuntime.ToClr(model ?? []) };
        var subject = render(compiled.Subject, extra, null).ReplaceLineEndings(" ").Trim();
        var heading = render(compiled.Heading, extra, HtmlEncoder.Default);
        var message = render(compiled.Message, extra, HtmlEncoder.Default);
        var html = Layout(heading, message, model?["details"] as JsonObject, actionUrl, actionLabel ?? template.DefaultAction);
        return (subject, html, HtmlText.ToPlainText(html));
    }

    /// <summary>The shared layout with the facts of <paramref name="details"/> and at most one button.</summary>
    public static string Layout(string heading, string messageHtml, JsonObject? details, string? actionUrl, string actionLabel) =>
        Layout(heading, messageHtml,
            [.. (details ?? []).Select(p => new KeyValuePair<string, string>(p.Key, p.Value is JsonValue v && v.TryGetValue<string>(out var str) ? str : p.Value?.ToJsonString() ?? ""))],
            string.IsNullOrWhiteSpace(actionUrl) ? [] : [new EmailButton(actionLabel, actionUrl, "#243b53")], null);

    /// <summary>
    /// Every email of ours: a 600-pixel table with inline styles (what mail clients render alike), a heading
    /// bar, the message, a two-column table of facts, buttons, and an optional small note.
    /// </summary>
    public static string Layout(string heading, string messageHtml, IReadOnlyList<KeyValuePair<string, string>> facts, IReadOnlyList<EmailButton> buttons, string? noteHtml)
    {
        static string E(string? s) => HtmlEncoder.Default.Encode(s ?? "");
        var rows = new StringBuilder();
        foreach (var (label, value) in facts)
        {
            rows.Append($"""<tr><td style="padding:6px 12px 6px 0;color:#52606d;vertical-align:top;white-space:nowrap">{E(label)}</td><td style="padding:6px 0;color:#1f2933">{E(value)}</td></tr>""");
        }
        var table = rows.Length == 0 ? "" : $"""<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 20px 0">{rows}</table>""";
        var cells = string.Join("""<td style="width:12px"></td>""", buttons.Select(button =>
            $"""<td style="background:{button.Color};border-radius:4px"><a href="{E(button.Url)}" style="display:inline-block;padding:10px 22px;color:#ffffff;text-decoration:none;font-weight:600">{E(button.Label)}</a></td>"""));
        var buttonRow = buttons.Count == 0 ? "" : $"""<table role="presentation" cellpadding="0" cellspacing="0"><tr>{cells}</tr></table>""";
        var note = noteHtml is null ? "" : $"""<p style="margin:20px 0 0 0;color:#52606d;font-size:13px">{noteHtml}</p>""";
        return $"""
            <!doctype html>
            <html><body style="margin:0;padding:0;background:#f5f7fa">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f5f7fa;padding:24px 0"><tr><td align="center">
            <table role="presentation" width="600" cellpadding="0" cellspacing="0" style="background:#ffffff;border:1px solid #d9e2ec;font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5">
              <tr><td style="background:#243b53;color:#ffffff;padding:16px 24px;font-size:18px;font-weight:600">{heading}</td></tr>
              <tr><td style="padding:24px">
                <p style="margin:0 0 16px 0;color:#1f2933">{messageHtml}</p>
                {table}
                {buttonRow}
                {note}
              </td></tr>
            </table></td></tr></table>
            </body></html>
            """;
    }
}

/// <summary>A call to action in an email: its text, where it leads, its colour.</summary>
public sealed record EmailButton(string Label, string Url, string Color);
