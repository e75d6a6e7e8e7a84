using System.Net;
using Xunit;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Linked email attachments are fetched under the same outbound policy as workflow HTTP, and under the attachment limit.</summary>
public sealed class AttachmentPolicyTests(PostgresSmtpServerFixture fixture) : IClassFixture<PostgresSmtpServerFixture>
{
    [Fact]
    public async Task LinkedAttachment_AtARefusedAddress_IsAnIncidentAtOnce_AndNothingIsFetched()
    {
        // The fixture allows 127.0.0.1 (its test servers); the rest of loopback stays refused.
        await using var internalService = new CannedHttpServer(IPAddress.Parse("127.0.0.2"), 200, "Content-Type: text/plain", "secret"u8.ToArray());
        var url = internalService.Url("/credentials.txt");

        var message = await DeliverAndGetIncidentAsync(url);

        Assert.EndsWith($"Attachment {url} could not be fetched: 127.0.0.2 is a loopback address, which outbound HTTP may not reach; allow it with Http:Outbound:Allow", message, StringComparison.Ordinal);
        Assert.Equal(0, internalService.Requests);
    }

    [Fact]
    public async Task LinkedAttachment_LargerThanTheLimit_IsAnIncidentAtOnce()
    {
        var body = new byte[10 * 1024 * 1024 + 1];
        await using var service = new CannedHttpServer(IPAddress.Loopback, 200, "Content-Type: application/octet-stream", body);
        var url = service.Url("/dump.bin");

        var message = await DeliverAndGetIncidentAsync(url);

        Assert.EndsWith($"Attachment {url} is larger than 10 MB, the limit of a message's attachments.", message, StringComparison.Ordinal);
    }

    /// <summary>One delivery run: a permanent failure is an incident after it, a temporary one is not.</summary>
    private async Task<string> DeliverAndGetIncidentAsync(string url)
    {
        var (client, id) = await MailWorkflows.PublishAsync(fixture, MailWorkflows.SendEmail(MailWorkflows.NewId(), "ann@example.org", attachments: $"['{url}']"));
        var instanceId = (await MailWorkflows.StartAsync(client, id))["instance"]!["id"]!.GetValue<string>();
        await MailWorkflows.DeliverAsync(fixture);
        var incident = Assert.Single((await MailWorkflows.GetAsync(client, instanceId))["incidents"]!.AsArray())!;
        return incident["message"]!.GetValue<string>();
    }
}
