using System.Security.Claims;
using System.Security.Cryptography;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>
/// Files on tickets: who may read, add and remove them, and the limits. Whoever reads the ticket (its requester, staff,
/// an approver of its process) lists and downloads them; whoever may write a note on it attaches; whoever attached a
/// file, an agent of the ticket's group (or its assignee), a process owner or an administrator removes it. Adding and
/// removing are lines in the ticket's history and a change of the ticket (its revision, its page updating live).
/// </summary>
internal sealed class TicketAttachmentService(ItsmDbContext db, TicketService tickets, WorkflowServices engine, IOptions<AttachmentOptions> options)
{
    /// <summary>The history kind of an attachment added or removed.</summary>
    public const string HistoryKind = "attachment";

    /// <summary>A file as uploaded: the name the uploader gave (not yet cleaned) and its bytes.</summary>
    public sealed record Upload(string Name, byte[] Content);

    public AttachmentOptions Limits => options.Value;

    /// <summary>The ticket, when the caller may read it; otherwise 404, as for the ticket itself.</summary>
    public async Task<TicketRecord> ReadableAsync(string number, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var ticket = await tickets.FindAsync(number, null, cancellationToken);
        if (!await TicketService.CanReadAsync(db, user, ticket, engine.Time, cancellationToken)) throw ProblemException.NotFound($"There is no ticket {ticket.Number}.");
        return ticket;
    }

    public async Task<TicketAttachmentListDto> ListAsync(string number, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var ticket = await ReadableAsync(number, user, cancellationToken);
        // Never the bytes: a list of fifty 10 MB files reads a few rows.
        var rows = await db.TicketAttachments.AsNoTracking().Where(a => a.TicketNumber == ticket.Number).OrderBy(a => a.Id)
            .Select(a => new { a.Id, a.FileName, a.Size, a.ContentType, a.UploadedBy, a.UploadedAt, a.Sha256 }).ToListAsync(cancellationToken);
        var names = await DisplayNames.OfAsync(db, rows.Select(r => r.UploadedBy), cancellationToken);
        var worksOnIt = await TicketService.WorksOnAsync(db, user, ticket, cancellationToken);
        var me = user.Identity!.Name;
        var items = rows.Select(r => new TicketAttachmentDto(r.Id, r.FileName, r.Size, r.ContentType, names.Shown(r.UploadedBy)!, r.UploadedAt, r.Sha256,
            DownloadPath(ticket.Number, r.Id), worksOnIt || string.Equals(r.UploadedBy, me, StringComparison.OrdinalIgnoreCase))).ToList();
        var refusal = RefusalToAdd(user, ticket, rows.Count, 1);
        var limits = options.Value;
        return new TicketAttachmentListDto(items, refusal is null, refusal?.Message, limits.MaxFileBytes, limits.MaxUploadBytes, limits.MaxPerTicket);
    }

    /// <summary>
    /// Before an upload's body is read: the ticket, and how many more files it takes. The same refusals as when the
    /// files are saved, so a closed ticket or an approver is told at once, not after 30 MB went over the wire.
    /// </summary>
    public async Task<(TicketRecord Ticket, int Room)> BeforeUploadAsync(string number, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var ticket = await ReadableAsync(number, user, cancellationToken);
        var existing = await db.TicketAttachments.CountAsync(a => a.TicketNumber == ticket.Number, cancellationToken);
        if (RefusalToAdd(user, ticket, existing, 1) is { } refusal) throw refusal;
        return (ticket, options.Value.MaxPerTicket - existing);
    }

    /// <summary>The refusal for a ticket that takes no more than <paramref name="room"/> files when more were sent.</summary>
    public static ProblemException TooMany(TicketRecord ticket, int room) =>
        ProblemException.Conflict($"{ticket.Number} takes {room} more attachment{(room == 1 ? "" : "s")}; attach fewer files, or remove ones it no longer needs first.");

    /// <summary>
    /// Saves the files on the ticket in one transaction, each with a history line ("Attached plan.pdf (120 KB)"), and
    /// counts as a change of the ticket. The checks run again on the ticket as it is now: it may have closed, or
    /// filled up, while the files came in; two uploads at once are put one after the other by the ticket's revision.
    /// </summary>
    public async Task<IReadOnlyList<TicketAttachmentDto>> AddAsync(TicketRecord ticket, IReadOnlyList<Upload> files, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var actor = user.Identity!.Name!;
        var prepared = files.Select(f =>
        {
            var name = AttachmentFiles.SafeName(f.Name);
            return (Name: name, Type: AttachmentFiles.ContentTypeOf(name, f.Content), f.Content, Sha256: Convert.ToHexStringLower(SHA256.HashData(f.Content)));
        }).ToList();
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var record = await db.Tickets.FirstOrDefaultAsync(t => t.Id == ticket.Id, cancellationToken) ?? throw ProblemException.NotFound($"There is no ticket {ticket.Number}.");
            var existing = await db.TicketAttachments.CountAsync(a => a.TicketNumber == record.Number, cancellationToken);
            if (RefusalToAdd(user, record, existing, prepared.Count) is { } refusal) throw refusal;
            var now = engine.Time.GetUtcNow();
            var added = new List<TicketAttachmentRecord>();
            foreach (var file in prepared)
            {
                var attachment = new TicketAttachmentRecord
                {
                    TicketNumber = record.Number,
                    FileName = file.Name,
                    ContentType = file.Type,
                    Size = file.Content.LongLength,
                    Sha256 = file.Sha256,
                    UploadedBy = actor,
                    UploadedAt = now,
                    Content = file.Content,
                };
                db.TicketAttachments.Add(attachment);
                db.TicketEvents.Add(new TicketEventRecord { TicketNumber = record.Number, At = now, Actor = actor, Kind = HistoryKind, Text = $"Attached {file.Name} ({AttachmentFiles.SizeText(attachment.Size)})" });
                added.Add(attachment);
            }
            record.UpdatedAt = now;
            record.Revision++;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                continue; // the ticket changed meanwhile (its process moved it, another upload): nothing was saved; check again
            }
            catch (DbUpdateConcurrencyException)
            {
                throw ProblemException.Conflict($"{record.Number} kept changing while the files were saved, so none was attached; try again.");
            }
            db.ChangeTracker.Clear(); // the bytes need not stay referenced for the rest of the request
            var by = await DisplayNames.OfAsync(db, actor, cancellationToken) ?? actor;
            return [.. added.Select(a => new TicketAttachmentDto(a.Id, a.FileName, a.Size, a.ContentType, by, a.UploadedAt, a.Sha256, DownloadPath(a.TicketNumber, a.Id), true))];
        }
    }

    /// <summary>An attachment with its bytes, when the caller may read the ticket.</summary>
    public async Task<TicketAttachmentRecord> FileAsync(string number, long id, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var ticket = await ReadableAsync(number, user, cancellationToken);
        return await db.TicketAttachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.TicketNumber == ticket.Number, cancellationToken) ?? throw NoSuch(ticket.Number, id);
    }

    /// <summary>Removes an attachment, with a history line, as a change of the ticket (also a closed one: a file attached by mistake may hold what must not stay).</summary>
    public async Task DeleteAsync(string number, long id, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var ticket = await ReadableAsync(number, user, cancellationToken);
        var actor = user.Identity!.Name!;
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var file = await db.TicketAttachments.AsNoTracking().Where(a => a.Id == id && a.TicketNumber == ticket.Number)
                .Select(a => new { a.FileName, a.Size, a.UploadedBy }).FirstOrDefaultAsync(cancellationToken) ?? throw NoSuch(ticket.Number, id);
            var record = await db.Tickets.FirstAsync(t => t.Id == ticket.Id, cancellationToken);
            if (!string.Equals(file.UploadedBy, actor, StringComparison.OrdinalIgnoreCase) && !await TicketService.WorksOnAsync(db, user, record, cancellationToken))
            {
                throw new ProblemException(StatusCodes.Status403Forbidden, "Forbidden",
                    $"Only whoever attached {file.FileName}, an agent of {record.AssignmentGroup ?? "the ticket's group"}, a process owner or an administrator can remove it from {record.Number}.");
            }
            // Removed by its key without reading its bytes; a row already gone fails the save like a changed ticket,
            // and the next round says it is not there.
            var stub = new TicketAttachmentRecord { Id = id, TicketNumber = record.Number, FileName = file.FileName, ContentType = "", Sha256 = "", UploadedBy = file.UploadedBy, Content = [] };
            db.TicketAttachments.Attach(stub);
            db.TicketAttachments.Remove(stub);
            var now = engine.Time.GetUtcNow();
            db.TicketEvents.Add(new TicketEventRecord { TicketNumber = record.Number, At = now, Actor = actor, Kind = HistoryKind, Text = $"Removed the attachment {file.FileName} ({AttachmentFiles.SizeText(file.Size)})" });
            record.UpdatedAt = now;
            record.Revision++;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // The ticket changed meanwhile, or someone removed the file first: nothing was saved; look again.
            }
            catch (DbUpdateConcurrencyException)
            {
                throw ProblemException.Conflict($"{record.Number} kept changing while {file.FileName} was being removed, so it is still there; try again.");
            }
        }
    }

    /// <summary>Why the caller may not attach <paramref name="adding"/> more files to the ticket now, or null when they may.</summary>
    private ProblemException? RefusalToAdd(ClaimsPrincipal user, TicketRecord ticket, int existing, int adding)
    {
        if (!TicketService.CanSee(user, ticket))
        {
            // Read as an approver (others never get this far): told so, as a note is, rather than that it does not exist.
            return new ProblemException(StatusCodes.Status403Forbidden, "Forbidden",
                $"You read {ticket.Number} as one of its approvers; files are attached by its requester and the people who work it. Say what you think with your decision's comment.");
        }
        if (TicketStatuses.IsFinal(ticket.Status))
        {
            return ProblemException.Conflict($"{ticket.Number} is {ticket.Status.ToLowerInvariant()}, so nothing more can be attached to it; raise a new ticket that names {ticket.Number} and attach the file there.");
        }
        var max = options.Value.MaxPerTicket;
        if (existing >= max) return ProblemException.Conflict($"{ticket.Number} has {existing} attachments, the most a ticket may have; remove one it no longer needs first.");
        return existing + adding > max ? TooMany(ticket, max - existing) : null;
    }

    private static ProblemException NoSuch(string number, long id) => ProblemException.NotFound($"{number} has no attachment {id}; it may have been removed. Reload the ticket.");

    public static string DownloadPath(string number, long id) => FormattableString.Invariant($"/api/tickets/{Uri.EscapeDataString(number)}/attachments/{id}");
}
