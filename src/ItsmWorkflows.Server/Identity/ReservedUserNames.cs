using ItsmWorkflows.Server.Data;
using Microsoft.AspNetCore.Identity;

namespace ItsmWorkflows.Server.Identity;

/// <summary>
/// "workflow" names the process in a ticket's history (the lines it writes, which a requester reads with other
/// people's addresses hidden): no person may take that name, or their own lines would read as the process's. "me"
/// is the signed-in person in the API's paths (/api/people/me/...).
/// </summary>
internal sealed class ReservedUserNames : IUserValidator<Person>
{
    public static readonly IReadOnlyList<string> Names = [Tickets.TicketRecordWriter.ProcessActor, "me"];

    public async Task<IdentityResult> ValidateAsync(UserManager<Person> manager, Person user)
    {
        var name = await manager.GetUserNameAsync(user);
        return name is not null && Names.Contains(name.Trim(), StringComparer.OrdinalIgnoreCase)
            ? IdentityResult.Failed(new IdentityError { Code = "ReservedUserName", Description = $"'{name}' is reserved (it names the process in a ticket's history, or yourself in the API). Choose another user name." })
            : IdentityResult.Success;
    }
}
