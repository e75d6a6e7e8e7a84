using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>Hands out ticket numbers (REQ0001001, TASK0001001 …) from a counter row per prefix.</summary>
internal static class TicketNumbers
{
    public static string Prefix(TicketKind kind) => kind switch
    {
        TicketKind.Request => "REQ",
        TicketKind.Task => "TASK",
        TicketKind.Change => "CHG",
        _ => "INC",
    };

    /// <summary>
    /// The next number. The increment takes the counter row's lock until the caller's transaction ends, so two
    /// creators never get the same number, and a rolled-back creation gives its number back.
    /// </summary>
    public static async Task<string> NextAsync(ItsmDbContext db, TicketKind kind, CancellationToken cancellationToken)
    {
        var prefix = Prefix(kind);
        var values = await db.Database
            .SqlQuery<long>($"UPDATE ticket_counters SET last = last + 1 WHERE prefix = {prefix} RETURNING last AS \"Value\"")
            .ToListAsync(cancellationToken);
        if (values.Count != 1) throw new InvalidOperationException($"The ticket counter for {prefix} is missing; run the migrations.");
        return prefix + values[0].ToString("D7", System.Globalization.CultureInfo.InvariantCulture);
    }
}
