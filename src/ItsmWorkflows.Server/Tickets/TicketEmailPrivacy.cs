using System.Net.Mail;
using System.Text.RegularExpressions;
using ItsmWorkflows.Engine.Expressions;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>
/// What someone who is not staff reads of an email about their ticket: that it went out, its subject and whether it
/// was delivered, with their own address but nobody else's (an approver's, a group member's), in the recipients or in
/// a mail server's reply ("550 5.1.1 &lt;carol@…&gt;: Recipient address rejected").
/// </summary>
internal static class TicketEmailPrivacy
{
    public const string Hidden = "(someone's address)";

    public static TicketEmailDto ForRequester(TicketEmailDto email, string? ownAddress) => email with
    {
        // The subject is the process's text too (an email activity's own subject may name anyone).
        Subject = Others(email.Subject, ownAddress),
        To = [.. email.To.Where(to => IsOwn(to, ownAddress))],
        Error = email.Error is null ? null : Others(email.Error, ownAddress),
    };

    /// <summary>Text the process wrote (an approval's title or details) as a requester reads it: every address hidden.</summary>
    public static string ProcessText(string text) => Others(text, null);

    /// <summary>Every address in <paramref name="text"/> but <paramref name="ownAddress"/> hidden.</summary>
    private static string Others(string text, string? ownAddress) => Address().Replace(text, m => IsOwn(m.Value, ownAddress) ? m.Value : Hidden);

    /// <summary>
    /// A line of the history as a requester reads it: what the process wrote (its notes are the process owner's text,
    /// written before anyone knew who would read them) without anyone's address but their own; what people wrote stays.
    /// </summary>
    /// <remarks>
    /// A line a process attributed to someone (Set Status' "Done by") names an address-only actor as "an external
    /// approver", and keeps its text: the shipped processes put that person's own words there (an agent's resolve note,
    /// meant for the requester), so masking it would hide what the requester is told elsewhere.
    /// </remarks>
    public static TicketEventDto ForRequester(TicketEventDto line, string? ownAddress) =>
        line.Actor == TicketRecordWriter.ProcessActor ? line with { Text = Others(line.Text, ownAddress) }
        : line.Actor is { } actor && Address().IsMatch(actor) ? line with { Actor = Person(actor) }
        : line;

    /// <summary>
    /// A ticket as someone who is not staff reads it, in a list or on its page: a task (the process's title and
    /// instructions) with other people's addresses hidden, unless it is theirs to do; anything else as it is.
    /// </summary>
    public static TicketDto ForViewer(TicketDto ticket, string viewer, string? ownAddress) =>
        ticket.Kind != Data.TicketKind.Task || string.Equals(ticket.Assignee, viewer, StringComparison.OrdinalIgnoreCase) ? ticket : ticket with
        {
            Title = Others(ticket.Title, ownAddress),
            Description = ticket.Description is null ? null : Others(ticket.Description, ownAddress),
        };

    public const string ExternalApprover = ExternalPeople.Named;

    /// <summary>
    /// A person as a requester reads them among the approvers and decisions: by name, but an approver known only by an
    /// email address (someone outside the directory) as "an external approver", not by that address.
    /// </summary>
    public static string? Person(string? nameOrAddress) => nameOrAddress is not null && Address().IsMatch(nameOrAddress) ? ExternalApprover : nameOrAddress;

    /// <summary>The ticket's approvals and waiting steps, with every approver who is only an address named as such.</summary>
    public static (List<TicketApprovalDto> Approvals, List<WaitingOnDto> Waiting) ForRequester(List<TicketApprovalDto> approvals, List<WaitingOnDto> waiting) => (
        [.. approvals.Select(a => a with
        {
            Title = Others(a.Title, null), // written by the process, which may name an approver by address
            Approvers = [.. a.Approvers.Select(p => Person(p)!).Distinct()],
            Decisions = [.. a.Decisions.Select(d => d with { By = Person(d.By)!, ByName = Person(d.ByName), OnBehalfOf = Person(d.OnBehalfOf), OnBehalfOfName = Person(d.OnBehalfOfName) })],
        })],
        [.. waiting.Select(w => w with { Who = w.Who is null ? null : [.. w.Who.Select(p => Person(p)!)] })]);

    /// <summary>"alice@x.org" or "Alice &lt;alice@x.org&gt;" is the address given.</summary>
    private static bool IsOwn(string recipient, string? ownAddress) =>
        ownAddress is { Length: > 0 } && MailAddress.TryCreate(recipient, out var parsed)
        && string.Equals(parsed.Address, ownAddress, StringComparison.OrdinalIgnoreCase);

    private static Regex Address() => ExternalPeople.Address();
}
