using System.Net;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Bad input gets a clear ProblemDetails and stores nothing half-way.</summary>
public abstract class BadInputTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    [Fact]
    public async Task Upload_Of50MB_IsRefusedWith413()
    {
        var client = await fixture.ClientAsync("dave");
        var content = new ByteArrayContent(new byte[50 * 1024 * 1024]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/zip");
        var response = await client.PostAsync("/api/definitions/import", content, Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Decision_OnAnUnknownApproval_IsA404_NotAnAccusation()
    {
        var client = await fixture.ClientAsync("carol");
        var response = await client.PostJsonAsync("/api/approvals/nope/decision", new { decision = "approve" });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("There is no approval nope.", (await ReadAsync(response))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Import_NotAZip_IsA400()
    {
        var client = await fixture.ClientAsync("dave");
        var content = new ByteArrayContent("this is not a zip"u8.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/zip");
        var response = await client.PostAsync("/api/definitions/import", content, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not a valid zip", (await ReadAsync(response))["detail"]!.GetValue<string>());
    }

    private static ByteArrayContent Zip(int files, int bytesEach)
    {
        using var buffer = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            var body = new byte[bytesEach];
            Array.Fill(body, (byte)' ');
            for (var i = 0; i < files; i++)
            {
                using var stream = zip.CreateEntry($"bomb/v{i}.json", System.IO.Compression.CompressionLevel.SmallestSize).Open();
                stream.Write(body);
            }
        }
        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/zip");
        return content;
    }

    [Fact]
    public async Task Import_ZipThatExpandsPastTheLimits_IsA400_AndNothingStored()
    {
        var client = await fixture.ClientAsync("dave");
        var before = (await OkAsync(await client.GetAsync("/api/definitions", Ct))).AsArray().Count;
        // Eleven files of 5 MB of blanks (a few kB compressed) expand past 50 MB.
        var expanded = await client.PostAsync("/api/definitions/import", Zip(11, 5 * 1024 * 1024), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, expanded.StatusCode);
        Assert.Contains("add up to more than 50 MB", (await ReadAsync(expanded))["detail"]!.GetValue<string>());
        var many = await client.PostAsync("/api/definitions/import", Zip(501, 10), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, many.StatusCode);
        Assert.Contains("at most 500", (await ReadAsync(many))["detail"]!.GetValue<string>());
        Assert.Equal(before, (await OkAsync(await client.GetAsync("/api/definitions", Ct))).AsArray().Count);
    }

    [Fact]
    public async Task MissingOrMalformedQueryParameter_IsA400_InTheCallersTerms_NotDotNetTypes()
    {
        var client = await fixture.ClientAsync("dave");
        var missing = await client.GetAsync("/api/definitions/x/diff?to=2", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("'from' is required in the query string.", (await ReadAsync(missing))["detail"]!.GetValue<string>());
        var malformed = await client.GetAsync("/api/definitions/x/diff?from=first&to=2", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("'first' is not a valid value for 'from': expected a whole number.", (await ReadAsync(malformed))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Import_MalformedFile_IsReportedAndNothingStored()
    {
        var client = await fixture.ClientAsync("dave");
        var before = await OkAsync(await client.GetAsync("/api/definitions", Ct));
        var response = await client.PostAsync("/api/definitions/import", Body("{ \"definitionId\": \"half"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ReadAsync(response);
        Assert.Contains("not imported", problem["detail"]!.GetValue<string>());
        Assert.Contains("not valid JSON", problem["detail"]!.GetValue<string>());
        Assert.Equal("rejected", problem["results"]![0]!["outcome"]!.GetValue<string>());
        Assert.Equal(before.AsArray().Count, (await OkAsync(await client.GetAsync("/api/definitions", Ct))).AsArray().Count);
    }

    [Fact]
    public async Task Resume_WithMalformedPayload_Is400AndTheInstanceStillWaits()
    {
        var client = await fixture.ClientAsync("dave");
        var id = "bad-" + Guid.NewGuid().ToString("N")[..8];
        await OkAsync(await client.PostAsync("/api/definitions", Body(EventDefinition(id, "x")), Ct));
        await OkAsync(await client.PostAsync($"/api/definitions/{id}/publish", null, Ct));
        var started = await OkAsync(await client.PostJsonAsync("/api/instances", new { definitionId = id }));
        var instanceId = started["instance"]!["id"]!.GetValue<string>();
        var bookmarkId = started["bookmarks"]![0]!["id"]!.GetValue<string>();

        var response = await client.PostAsync($"/api/instances/{instanceId}/bookmarks/{bookmarkId}/resume", Body("{ payload: oops"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var detail = await OkAsync(await client.GetAsync($"/api/instances/{instanceId}", Ct));
        Assert.Equal("Suspended", detail["instance"]!["subStatus"]!.GetValue<string>());
        Assert.Single(detail["bookmarks"]!.AsArray());
    }

    [Fact]
    public async Task Start_WithoutDefinitionId_Is400()
    {
        var client = await fixture.ClientAsync("dave");
        var response = await client.PostAsync("/api/instances", Body("{}"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }
}

public sealed class BadInputSqliteTests(SqliteServerFixture fixture) : BadInputTests<SqliteServerFixture>(fixture);

public sealed class BadInputPostgresTests(PostgresServerFixture fixture) : BadInputTests<PostgresServerFixture>(fixture);
