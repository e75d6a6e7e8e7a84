using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>Versioning rules of /api/definitions, run against each database provider.</summary>
public abstract class DefinitionApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static string NewId() => "def-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Validate_ADefinitionSentInTheBody_ChecksIt_AndSavesNothing()
    {
        var client = await fixture.ClientAsync("dave");
        var id = NewId();
        await OkAsync(await client.PostAsync("/api/definitions", Body(Definition(id)), Ct));
        // What the designer holds, unsaved: a notification with a template name nobody has.
        var unsaved = $$"""
            { "definitionId": "{{id}}", "name": "Unsaved", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Tell", "type": "Itsm.NotifyRequester", "requester": { "typeName": "String", "expression": { "type": "Literal", "value": "ann" } },
                "template": { "typeName": "String", "expression": { "type": "Literal", "value": "no-such-template" } } } ], "connections": [] } }
            """;
        var issues = await OkAsync(await client.PostAsync($"/api/definitions/{id}/validate", Body(unsaved), Ct));
        Assert.Contains(issues.AsArray(), i => i!["message"]!.GetValue<string>().Contains("'no-such-template' is not a template", StringComparison.Ordinal));
        // Nothing stored: still one version, the one created; and without a body the stored one is checked.
        var versions = await OkAsync(await client.GetAsync($"/api/definitions/{id}/versions", Ct));
        Assert.Single(versions.AsArray());
        Assert.DoesNotContain((await OkAsync(await client.PostAsync($"/api/definitions/{id}/validate", null, Ct))).AsArray(), i => i!["message"]!.GetValue<string>().Contains("no-such-template", StringComparison.Ordinal));
        // A body that is not a definition is a clear 400.
        var broken = await client.PostAsync($"/api/definitions/{id}/validate", Body("{ not json"), Ct);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, broken.StatusCode);
    }

    [Fact]
    public async Task Create_Draft_IsVersionOneAndUnpublished()
    {
        var client = await fixture.ClientAsync("dave");
        var id = NewId();
        var created = await OkAsync(await client.PostAsync("/api/definitions", Body(Definition(id)), Ct));
        Assert.Equal(id, created["version"]!["definitionId"]!.GetValue<string>());
        Assert.Equal(1, created["version"]!["version"]!.GetValue<int>());
        Assert.Equal("Draft", created["version"]!["state"]!.GetValue<string>());
        Assert.False(created["definition"]!["isPublished"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Create_ExistingId_Is409()
    {
        var client = await fixture.ClientAsync("dave");
        var id = NewId();
        await OkAsync(await client.PostAsync("/api/definitions", Body(Definition(id)), Ct));
        var again = await client.PostAsync("/api/definitions", Body(Definition(id)), Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already exists", (await ReadAsync(again))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task SaveDraft_StaleRevision_Is409NamingWhoAndWhen()
    {
        var dave = await fixture.ClientAsync("dave");
        var erin = await fixture.ClientAsync("erin");
        var id = NewId();
        var created = await OkAsync(await dave.PostAsync("/api/definitions", Body(Definition(id)), Ct));
        var revision = created["version"]!["revision"]!.GetValue<long>();
        await OkAsync(await erin.PutAsJsonAsync($"/api/definitions/{id}/draft", new { definition = JsonNode.Parse(Definition(id, "by erin")), revision }, Ct));

        var stale = await dave.PutAsJsonAsync($"/api/definitions/{id}/draft", new { definition = JsonNode.Parse(Definition(id, "by dave")), revision }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var problem = await ReadAsync(stale);
        Assert.Contains("changed by erin", problem["detail"]!.GetValue<string>());
        Assert.Equal("erin", problem["changedBy"]!.GetValue<string>());
        // Nothing was lost: erin's edit is what is stored.
        var current = await OkAsync(await dave.GetAsync($"/api/definitions/{id}", Ct));
        Assert.Contains("by erin", current["definition"]!.ToJsonString());
    }

    [Fact]
    public async Task Publish_ThenEdit_StartsNextDraftAndKeepsPublishedImmutable()
    {
        var client = await fixture.ClientAsync("dave");
        var id = NewId();
        await OkAsync(await client.PostAsync("/api/definitions", Body(Definition(id, "v1")), Ct));
        var published = await OkAsync(await client.PostAsync($"/api/definitions/{id}/publish", null, Ct));
        Assert.Equal("Published", published["version"]!["state"]!.GetValue<string>());

        var edited = await OkAsync(await client.PutAsJsonAsync($"/api/definitions/{id}/draft", new { definition = JsonNode.Parse(Definition(id, "v2")), revision = published["version"]!["revision"]!.GetValue<long>() }, Ct));
        Assert.Equal(2, edited["version"]!["version"]!.GetValue<int>());
        Assert.Equal("Draft", edited["version"]!["state"]!.GetValue<string>());

        var v1 = await OkAsync(await client.GetAsync($"/api/definitions/{id}/versions/1", Ct));
        Assert.Equal("Published", v1["version"]!["state"]!.GetValue<string>());
        Assert.Contains("\"v1\"", v1["definition"]!.ToJsonString());

        await OkAsync(await client.PostAsync($"/api/definitions/{id}/publish", null, Ct));
        var versions = (await OkAsync(await client.GetAsync($"/api/definitions/{id}/versions", Ct))).AsArray();
        Assert.Equal(["Published", "Superseded"], versions.Select(v => v!["state"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Publish_InvalidDraft_IsRefusedWithTheErrors()
    {
        var client = await fixture.ClientAsync("dave");
        var id = NewId();
        var unknown = """{ "id": "Magic1", "type": "Acme.Magic" }""";
        await OkAsync(await client.PostAsync("/api/definitions", Body(Definition(id, extraActivity: unknown)), Ct));
        var response = await client.PostAsync($"/api/definitions/{id}/publish", null, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await ReadAsync(response);
        Assert.Contains("Acme.Magic", problem["detail"]!.GetValue<string>());
        Assert.Equal("Magic1", problem["errors"]![0]!["activityId"]!.GetValue<string>());
        var latest = await OkAsync(await client.GetAsync($"/api/definitions/{id}", Ct));
        Assert.Equal("Draft", latest["version"]!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Retire_StopsNewInstances()
    {
        var client = await fixture.ClientAsync("dave");
        var id = NewId();
        await OkAsync(await client.PostAsync("/api/definitions", Body(Definition(id)), Ct));
        await OkAsync(await client.PostAsync($"/api/definitions/{id}/publish", null, Ct));
        await OkAsync(await client.PostAsync($"/api/definitions/{id}/retire", null, Ct));
        var start = await client.PostJsonAsync("/api/instances", new { definitionId = id });
        Assert.Equal(HttpStatusCode.Conflict, start.StatusCode);
    }

    [Fact]
    public async Task Rollback_CopiesOldVersionIntoNewDraft_AndDiffShowsTheChange()
    {
        var client = await fixture.ClientAsync("dave");
        var id = NewId();
        await OkAsync(await client.PostAsync("/api/definitions", Body(Definition(id, "first")), Ct));
        var p1 = await OkAsync(await client.PostAsync($"/api/definitions/{id}/publish", null, Ct));
        await OkAsync(await client.PutAsJsonAsync($"/api/definitions/{id}/draft", new { definition = JsonNode.Parse(Definition(id, "second")), revision = p1["version"]!["revision"]!.GetValue<long>() }, Ct));
        await OkAsync(await client.PostAsync($"/api/definitions/{id}/publish", null, Ct));

        var diff = await OkAsync(await client.GetAsync($"/api/definitions/{id}/diff?from=1&to=2", Ct));
        var change = diff["activitiesChanged"]![0]!;
        Assert.Equal("Write1", change["id"]!.GetValue<string>());
        Assert.Equal("text.expression.value", change["fields"]![0]!["field"]!.GetValue<string>());

        var rolled = await OkAsync(await client.PostAsync($"/api/definitions/{id}/versions/1/rollback", null, Ct));
        Assert.Equal(3, rolled["version"]!["version"]!.GetValue<int>());
        Assert.Equal("Draft", rolled["version"]!["state"]!.GetValue<string>());
        Assert.Contains("\"first\"", rolled["definition"]!.ToJsonString());
    }

    [Fact]
    public async Task Import_ExistingId_Is409UnlessAsNewVersion_AndUnchangedFileIsSkipped()
    {
        var client = await fixture.ClientAsync("dave");
        var id = NewId();
        var first = await OkAsync(await client.PostAsync("/api/definitions/import?publish=true", Body(Definition(id, "one")), Ct));
        Assert.Equal("published", first[0]!["outcome"]!.GetValue<string>());

        var conflict = await client.PostAsync("/api/definitions/import", Body(Definition(id, "two")), Ct);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);

        var again = await OkAsync(await client.PostAsync("/api/definitions/import?asNewVersion=true", Body(Definition(id, "one")), Ct));
        Assert.Equal("unchanged", again[0]!["outcome"]!.GetValue<string>());

        var next = await OkAsync(await client.PostAsync("/api/definitions/import?asNewVersion=true", Body(Definition(id, "two")), Ct));
        Assert.Equal(2, next[0]!["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Import_ToPublish_AFileThatCannotBePublished_ChangesNothing_AndAZipSaysWhatBecameOfEachFile()
    {
        var client = await fixture.ClientAsync("dave");
        var id = NewId();
        const string Unknown = """{ "id": "Magic1", "type": "Acme.Magic" }""";
        var draft = await OkAsync(await client.PostAsync("/api/definitions", Body(Definition(id, "one")), Ct));

        // Asked to replace the draft and publish, with a file that cannot be published: refused, the draft as it was.
        var refused = await client.PostAsync("/api/definitions/import?asNewVersion=true&publish=true", Body(Definition(id, "two", extraActivity: Unknown)), Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problem = await ReadAsync(refused);
        Assert.Contains("cannot be published, so nothing was imported", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Magic1", problem["errors"]![0]!["activityId"]!.GetValue<string>());
        var kept = await OkAsync(await client.GetAsync($"/api/definitions/{id}", Ct));
        Assert.Equal(draft["version"]!["revision"]!.GetValue<long>(), kept["version"]!["revision"]!.GetValue<long>());
        Assert.Contains("\"one\"", kept["definition"]!.ToJsonString(), StringComparison.Ordinal);

        // A zip: one good file, one that cannot be published, one whose id exists as a draft. Each says what became of it.
        var good = NewId();
        var bad = NewId();
        using var buffer = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, json) in new[] { ("good.json", Definition(good)), ("bad.json", Definition(bad, extraActivity: Unknown)), ("exists.json", Definition(id, "three")) })
            {
                await using var entry = await zip.CreateEntry(name).OpenAsync(Ct);
                await entry.WriteAsync(System.Text.Encoding.UTF8.GetBytes(json), Ct);
            }
        }
        var upload = new ByteArrayContent(buffer.ToArray());
        upload.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/zip");
        var results = (await OkAsync(await client.PostAsync("/api/definitions/import?publish=true", upload, Ct))).AsArray()
            .ToDictionary(r => r!["file"]!.GetValue<string>(), r => (Outcome: r!["outcome"]!.GetValue<string>(), Message: r["message"]?.GetValue<string>() ?? ""));
        Assert.Equal("published", results["good.json"].Outcome);
        Assert.Equal("rejected", results["bad.json"].Outcome);
        Assert.Contains("cannot be published, so nothing was imported", results["bad.json"].Message, StringComparison.Ordinal);
        Assert.Equal("rejected", results["exists.json"].Outcome);
        Assert.Contains("is an unpublished draft; import it as a new version (asNewVersion=true) to replace that draft", results["exists.json"].Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/definitions/{bad}", Ct)).StatusCode);
        Assert.Equal(draft["version"]!["revision"]!.GetValue<long>(), (await OkAsync(await client.GetAsync($"/api/definitions/{id}", Ct)))["version"]!["revision"]!.GetValue<long>());
    }

    [Fact]
    public async Task Import_AsAnUploadForm_TakesEachFile_ButNotFromAPageOfAnotherSite()
    {
        var client = await fixture.ClientAsync("dave");
        var id = NewId();
        MultipartFormDataContent Form()
        {
            var form = new MultipartFormDataContent();
            var file = new StringContent(Definition(id, "uploaded"), System.Text.Encoding.UTF8);
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            form.Add(file, "file", "workflow.json");
            return form;
        }

        using var foreign = new HttpRequestMessage(HttpMethod.Post, "/api/definitions/import") { Content = Form() };
        foreign.Headers.Add("Sec-Fetch-Site", "cross-site");
        var refused = await client.SendAsync(foreign, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/definitions/{id}", Ct)).StatusCode);

        // A form that is not one (no boundary) is a bad request, not a server error.
        var broken = new StringContent("--x\r\nnot a part", System.Text.Encoding.UTF8);
        broken.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data");
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/api/definitions/import", broken, Ct)).StatusCode);
        // The same check holds for a plain body a page of another site could send.
        using var foreignText = new HttpRequestMessage(HttpMethod.Post, "/api/definitions/import") { Content = new StringContent(Definition(id, "uploaded"), System.Text.Encoding.UTF8, "text/plain") };
        foreignText.Headers.Add("Sec-Fetch-Site", "same-site");
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(foreignText, Ct)).StatusCode);

        var imported = await OkAsync(await client.PostAsync("/api/definitions/import", Form(), Ct));

        Assert.Equal(("workflow.json", "imported"), (imported[0]!["file"]!.GetValue<string>(), imported[0]!["outcome"]!.GetValue<string>()));
        Assert.Equal(id, (await OkAsync(await client.GetAsync($"/api/definitions/{id}", Ct)))["version"]!["definitionId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Export_ThenImportZip_RoundTrips()
    {
        var client = await fixture.ClientAsync("dave");
        var a = NewId();
        var b = NewId();
        await OkAsync(await client.PostAsync("/api/definitions", Body(Definition(a, "A")), Ct));
        await OkAsync(await client.PostAsync("/api/definitions", Body(Definition(b, "B")), Ct));

        var single = await client.GetAsync($"/api/definitions/{a}/export", Ct);
        Assert.Equal("application/json", single.Content.Headers.ContentType!.MediaType);
        Assert.Equal(a, (await OkAsync(single))["definitionId"]!.GetValue<string>());

        var zip = await client.PostJsonAsync("/api/definitions/export", new { definitionIds = new[] { a, b } });
        Assert.Equal("application/zip", zip.Content.Headers.ContentType!.MediaType);
        var bytes = await zip.Content.ReadAsByteArrayAsync(Ct);
        var upload = new ByteArrayContent(bytes);
        upload.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/zip");
        var imported = (await OkAsync(await client.PostAsync("/api/definitions/import?asNewVersion=true", upload, Ct))).AsArray();
        Assert.Equal(2, imported.Count);
        // The exported files are byte-for-byte what was stored, so re-importing them changes nothing.
        Assert.All(imported, r => Assert.True(r!["outcome"]!.GetValue<string>() is "imported" or "unchanged"));

        // Both ids edited elsewhere and imported again without asNewVersion: each exists, so the zip is a conflict (409)
        // naming both files, and nothing changes.
        using var edited = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(edited, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var id in new[] { a, b })
            {
                await using var entry = await archive.CreateEntry($"{id}.json").OpenAsync(Ct);
                await entry.WriteAsync(System.Text.Encoding.UTF8.GetBytes(Definition(id, "edited elsewhere")), Ct);
            }
        }
        var again = new ByteArrayContent(edited.ToArray());
        again.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/zip");
        var conflict = await client.PostAsync("/api/definitions/import", again, Ct);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, conflict.StatusCode);
        var problem = await ReadAsync(conflict);
        Assert.Equal(2, problem["results"]!.AsArray().Count(r => r!["outcome"]!.GetValue<string>() == "rejected"));
        Assert.Contains("already exists", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single((await OkAsync(await client.GetAsync($"/api/definitions/{a}/versions", Ct))).AsArray());
    }

    private static string HttpDefinition(string id, string path) => $$"""
        { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
          { "id": "In", "type": "Elsa.HttpEndpoint", "canStartWorkflow": true,
            "path": { "typeName": "String", "expression": { "type": "Literal", "value": "{{path}}" } },
            "supportedMethods": { "typeName": "List<String>", "expression": { "type": "Object", "value": "[\"GET\"]" } } } ], "connections": [] } }
        """;

    [Fact]
    public async Task Publish_SecondDefinitionOnTheSameRoute_IsRefused_UntilTheFirstIsRetired()
    {
        var client = await fixture.ClientAsync("dave");
        var path = "hooks/" + Guid.NewGuid().ToString("N")[..8];
        var first = NewId();
        var second = NewId();
        await OkAsync(await client.PostAsync("/api/definitions/import?publish=true", Body(HttpDefinition(first, path)), Ct));
        await OkAsync(await client.PostAsync("/api/definitions", Body(HttpDefinition(second, path)), Ct));
        var refused = await client.PostAsync($"/api/definitions/{second}/publish", null, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains($"/{path} path and GET method are already used by workflow '{first}'", (await ReadAsync(refused))["detail"]!.GetValue<string>());

        await OkAsync(await client.PostAsync($"/api/definitions/{first}/retire", null, Ct));
        await OkAsync(await client.PostAsync($"/api/definitions/{second}/publish", null, Ct));
    }

    [Fact]
    public async Task Consumers_AreTransitive_AndExportCanIncludeThem()
    {
        var client = await fixture.ClientAsync("dave");
        var leaf = NewId();
        var middle = NewId();
        var top = NewId();
        static string Uses(string id, string child) => $$"""
            { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Run", "type": "Elsa.ExecuteWorkflow", "workflowDefinitionId": { "typeName": "String", "expression": { "type": "Literal", "value": "{{child}}" } } } ], "connections": [] } }
            """;
        await OkAsync(await client.PostAsync("/api/definitions", Body(Definition(leaf)), Ct));
        await OkAsync(await client.PostAsync("/api/definitions", Body(Uses(middle, leaf)), Ct));
        await OkAsync(await client.PostAsync("/api/definitions", Body(Uses(top, middle)), Ct));

        var consumers = (await OkAsync(await client.GetAsync($"/api/definitions/{leaf}/consumers", Ct))).AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Equal(new[] { middle, top }.Order(), consumers.Order());
        Assert.Empty((await OkAsync(await client.GetAsync($"/api/definitions/{top}/consumers", Ct))).AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/definitions/{NewId()}/consumers", Ct)).StatusCode);

        var zip = await client.GetAsync($"/api/definitions/{leaf}/export?includeConsumers=true", Ct);
        Assert.Equal("application/zip", zip.Content.Headers.ContentType!.MediaType);
        using var archive = new System.IO.Compression.ZipArchive(await zip.Content.ReadAsStreamAsync(Ct));
        Assert.Equal(new[] { leaf, middle, top }.Order(), archive.Entries.Select(e => e.FullName.Split('/')[0]).Order());
    }

    [Fact]
    public async Task BadInputs_GiveProblemDetails()
    {
        var client = await fixture.ClientAsync("dave");
        var malformed = await client.PostAsync("/api/definitions", Body("{ not json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType!.MediaType);

        var noRoot = await client.PostAsync("/api/definitions", Body("""{ "name": "x" }"""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, noRoot.StatusCode);
        Assert.Contains("root", (await ReadAsync(noRoot))["detail"]!.GetValue<string>());

        var oddId = await client.PostAsync("/api/definitions", Body(Definition("bad id/../x")), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, oddId.StatusCode);
        Assert.Contains("not allowed", (await ReadAsync(oddId))["detail"]!.GetValue<string>());

        var huge = await client.PostAsync("/api/definitions", Body("{\"name\":\"" + new string('x', 6 * 1024 * 1024) + "\"}"), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);

        var unknownVersion = await client.GetAsync($"/api/definitions/{NewId()}/versions/7", Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknownVersion.StatusCode);
        Assert.Equal("application/problem+json", unknownVersion.Content.Headers.ContentType!.MediaType);
    }
}

public sealed class DefinitionApiSqliteTests(SqliteServerFixture fixture) : DefinitionApiTests<SqliteServerFixture>(fixture);

public sealed class DefinitionApiPostgresTests(PostgresServerFixture fixture) : DefinitionApiTests<PostgresServerFixture>(fixture);
