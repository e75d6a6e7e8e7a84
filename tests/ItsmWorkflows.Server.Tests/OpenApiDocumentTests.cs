using System.Text.Json.Nodes;
using Xunit;

namespace ItsmWorkflows.Server.Tests;

/// <summary>What the OpenAPI document promises a generated client: which fields of a body it must send.</summary>
public sealed class OpenApiDocumentTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonObject> SchemasAsync()
    {
        var client = await fixture.ClientAsync(null);
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", Ct))!;
        return document["components"]!["schemas"]!.AsObject();
    }

    private static string[] Required(JsonObject schemas, string name) =>
        [.. (schemas[name]!["required"]?.AsArray() ?? []).Select(r => r!.GetValue<string>()).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task ARequestsNullableFields_AreOptional_ItsOthersRequired()
    {
        var schemas = await SchemasAsync();
        // A change needs a title, type and services; plans, questionnaire, impact and group may be left out (the window is
        // checked by the endpoint, which names it when missing).
        Assert.Equal(["services", "title", "type"], Required(schemas, "RaiseChangeRequest"));
        Assert.Equal(["plannedEnd", "plannedStart"], Required(schemas, "RescheduleRequest"));
        Assert.Equal(["text"], Required(schemas, "NoteRequest"));
        // A field with a default may be left out too: a move without dryRun moves (the document said it was required).
        Assert.Equal(["targetVersion"], Required(schemas, "MigrateInstanceRequest"));
        Assert.Equal(["fromVersion", "targetVersion"], Required(schemas, "MigrateInstancesRequest"));
    }

    [Fact]
    public async Task AnAttachmentUpload_IsAFormOfFiles()
    {
        // The handler reads the form itself (streaming, with its limits), so the document is told what it takes.
        var client = await fixture.ClientAsync(null);
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", Ct))!;
        var form = document["paths"]!["/api/tickets/{number}/attachments"]!["post"]!["requestBody"]!["content"]!["multipart/form-data"]!;
        var file = form["schema"]!["properties"]!["file"]!;
        Assert.Equal(("array", "binary"), (file["type"]!.GetValue<string>(), file["items"]!["format"]!.GetValue<string>()));
    }

    [Fact]
    public async Task DateTimes_AreTextsOfTheDateTimeFormat()
    {
        // They are read by a converter of the server's own (offsets required), which the generator does not see into.
        var schemas = await SchemasAsync();
        var start = schemas["RescheduleRequest"]!["properties"]!["plannedStart"]!;
        Assert.Equal(("string", "date-time"), (start["type"]!.GetValue<string>(), start["format"]!.GetValue<string>()));
        var closed = schemas["TicketDto"]!["properties"]!["closedAt"]!;
        Assert.Equal(["null", "string"], closed["type"]!.AsArray().Select(t => t!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AResponsesNullableFields_StayListed_AlwaysPresentPossiblyNull()
    {
        var schemas = await SchemasAsync();
        Assert.Contains("description", Required(schemas, "TicketDto"));
        Assert.Contains("assignee", Required(schemas, "TicketDto"));
    }
}
