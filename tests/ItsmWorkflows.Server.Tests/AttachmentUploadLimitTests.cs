using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// The upload limits in the real server, whose web server (Kestrel) refuses request bodies over about 28 MB by
/// default; the in-process test server has no such limit, so only a server process shows the two agree.
/// </summary>
public sealed class AttachmentUploadLimitTests
{
    [Fact]
    public async Task AnUploadOverTheWebServersDefault_ButWithinTheSetting_IsTaken_AndOneOverTheSetting_Is413WithItsReason()
    {
        var path = Path.Combine(Path.GetTempPath(), $"itsm-upload-{Guid.NewGuid():N}.db");
        try
        {
            await using var server = new ServerProcess("", new Dictionary<string, string> { ["Database__SqlitePath"] = path });
            await server.StartAsync(Ct);
            await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                await connection.OpenAsync(Ct);
                await using var insert = connection.CreateCommand();
                insert.CommandText = """
                    INSERT INTO tickets (id, number, kind, title, status, requester, assignment_group, details, created_at, updated_at, revision)
                    VALUES ('upload-limit', 'INC0000001', 'Incident', 'Scans of the damaged delivery', 'New', 'alice', 'Service Desk', '{}', 0, 0, 0)
                    """;
                await insert.ExecuteNonQueryAsync(Ct);
            }
            using var alice = await server.SignedInClientAsync("alice", Ct);

            // Three 10,000,000-byte scans: over Kestrel's default of 30,000,000 bytes for a body, within 3 × 10 MB.
            using var scans = new MultipartFormDataContent();
            for (var i = 1; i <= 3; i++) scans.Add(new ByteArrayContent(new byte[10_000_000]), "file", $"scan-{i}.bin");
            var taken = await alice.PostAsync("/api/tickets/INC0000001/attachments", scans, Ct);
            Assert.Equal(HttpStatusCode.Created, taken.StatusCode);
            var listed = JsonNode.Parse(await alice.GetStringAsync("/api/tickets/INC0000001/attachments", Ct))!["items"]!.AsArray();
            Assert.Equal([10_000_000L, 10_000_000L, 10_000_000L], listed.Select(a => a!["size"]!.GetValue<long>()));

            // A file over its limit, in a body the server takes: refused with its reason once its bytes pass the limit.
            using var large = new MultipartFormDataContent { { new ByteArrayContent(new byte[11 * 1024 * 1024]), "file", "large.bin" } };
            var tooLarge = await alice.PostAsync("/api/tickets/INC0000001/attachments", large, Ct);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
            Assert.StartsWith("large.bin is larger than 10 MB", (await ReadAsync(tooLarge))["detail"]!.GetValue<string>(), StringComparison.Ordinal);

            // A body over the setting is refused before it is read. The client hears why when it waits for the go-ahead
            // (Expect: 100-continue, which curl sends for large bodies); one that sends regardless has the rest refused
            // by the web server, which closes the connection, as for any body over a server's limit.
            using var more = new MultipartFormDataContent();
            for (var i = 1; i <= 4; i++) more.Add(new ByteArrayContent(new byte[9_000_000]), "file", $"more-{i}.bin");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tickets/INC0000001/attachments") { Content = more };
            request.Headers.ExpectContinue = true;
            var refused = await alice.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
            Assert.StartsWith("One upload carries at most 30 MB of files", (await ReadAsync(refused))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(3, JsonNode.Parse(await alice.GetStringAsync("/api/tickets/INC0000001/attachments", Ct))!["items"]!.AsArray().Count);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                try { File.Delete(file); } catch (IOException) { }
            }
        }
    }
}
