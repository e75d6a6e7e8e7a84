using Microsoft.AspNetCore.WebUtilities;
using System.IO.Compression;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ItsmWorkflows.Server.Definitions;

internal sealed record ExportRequest(IReadOnlyList<string> DefinitionIds, bool? IncludeConsumers = null);

/// <summary>/api/definitions: versioned definitions, validation, publishing, diff, import and export.</summary>
internal static class DefinitionEndpoints
{
    /// <summary>Definitions are small; a larger body is refused before it is read.</summary>
    public const long MaxDefinitionBytes = 5 * 1024 * 1024;

    public const long MaxImportBytes = 20 * 1024 * 1024;

    /// <summary>How many definition files one zip may import.</summary>
    public const int MaxImportFiles = 500;

    /// <summary>What the files of one zip may add up to once expanded.</summary>
    public const long MaxImportExpandedBytes = 50 * 1024 * 1024;

    public static void MapDefinitionEndpoints(this WebApplication app)
    {
        // Staff who may start workflows read definitions; requesters and approvers do not: a definition holds its
        // scripts, addresses, approver lists and whatever its author typed (the portal shows a ticket's process
        // through TicketProcessViews, without its configuration).
        var read = app.MapGroup("/api/definitions").WithTags("Definitions").RequireAuthorization(Policies.StartWorkflows);
        var design = app.MapGroup("/api/definitions").WithTags("Definitions").RequireAuthorization(Policies.DesignWorkflows);

        read.MapGet("", (DefinitionService s, CancellationToken ct) => s.ListAsync(ct)).WithSummary("Every definition's latest version.");
        read.MapGet("/{definitionId}", (string definitionId, DefinitionService s, CancellationToken ct) => s.GetAsync(definitionId, null, ct))
            .WithSummary("The latest version: its record (state, revision to send back with a draft save), the Elsa JSON, and validation issues.");
        read.MapGet("/{definitionId}/versions", (string definitionId, DefinitionService s, CancellationToken ct) => s.VersionsAsync(definitionId, ct)).WithSummary("Every version, newest first.");
        read.MapGet("/{definitionId}/versions/{version:int}", (string definitionId, int version, DefinitionService s, CancellationToken ct) => s.GetAsync(definitionId, version, ct)).WithSummary("One version, as GET /{definitionId} gives the latest.");
        read.MapGet("/{definitionId}/diff", (string definitionId, int from, int to, DefinitionService s, CancellationToken ct) => s.DiffAsync(definitionId, from, to, ct))
            .WithSummary("What changed between two versions (?from=1&to=2): activities added, removed and changed, connections, variables.");
        read.MapGet("/{definitionId}/consumers", (string definitionId, DefinitionService s, CancellationToken ct) => s.ConsumersAsync(definitionId, ct))
            .WithSummary("Definitions that use this one (as an activity, or by Execute/Dispatch Workflow), directly or through others.");
        read.MapPost("/{definitionId}/validate", async (string definitionId, int? version, HttpContext http, DefinitionService s, CancellationToken ct) =>
            {
                // With a body: that definition, as the designer holds it, unsaved (validating no longer saves a new draft first).
                if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
                {
                    return (await s.ValidateAsync(await ReadJsonAsync(http, MaxDefinitionBytes, ct), ct)).Issues;
                }
                return (await s.ValidateAsync(definitionId, version, ct)).Issues;
            })
            .WithSummary("The validation issues of the latest version (or ?version=N), or of the definition sent in the body (saved nowhere): errors stop publishing, warnings do not.");

        design.MapPost("", async Task<Created<DefinitionDetailDto>> (HttpContext http, ClaimsPrincipal user, DefinitionService s, CancellationToken ct) =>
        {
            var created = await s.CreateAsync(await ReadJsonAsync(http, MaxDefinitionBytes, ct), Actor(user), ct);
            return TypedResults.Created($"/api/definitions/{created.Version.DefinitionId}", created);
        }).WithSummary("Creates a definition (version 1, a draft) from Elsa 3 workflow JSON in the body; an existing id is 409.");
        design.MapPut("/{definitionId}/draft", async (string definitionId, HttpContext http, ClaimsPrincipal user, DefinitionService s, CancellationToken ct) =>
        {
            var body = await ReadJsonAsync(http, MaxDefinitionBytes, ct);
            // Either {definition, revision} or the bare definition with the revision in If-Match.
            var definition = body is JsonObject o && o["definition"] is JsonObject d ? d : body;
            long? revision = body is JsonObject r && r["revision"] is JsonValue v && v.TryGetValue<long>(out var rev) ? rev
                : long.TryParse(http.Request.Headers.IfMatch.ToString().Trim('"', 'W', '/'), out var header) ? header : null;
            return await s.SaveDraftAsync(definitionId, definition, revision, Actor(user), ct);
        }).WithSummary("Saves the draft: send { definition, revision } (the revision you read) or the bare definition with the revision in If-Match; a stale revision is 409 naming who saved meanwhile. Editing a published version starts the next draft.");
        design.MapPost("/{definitionId}/publish", (string definitionId, ClaimsPrincipal user, DefinitionService s, CancellationToken ct) => s.PublishAsync(definitionId, Actor(user), ct))
            .WithSummary("Publishes the draft: new instances start on it, running ones keep their version; invalid is 422 with the errors.");
        design.MapPost("/{definitionId}/retire", (string definitionId, ClaimsPrincipal user, DefinitionService s, CancellationToken ct) => s.RetireAsync(definitionId, Actor(user), ct))
            .WithSummary("Retires the published version: no new instances start on it; running ones continue.");
        design.MapPost("/{definitionId}/versions/{version:int}/rollback", (string definitionId, int version, ClaimsPrincipal user, DefinitionService s, CancellationToken ct) => s.RollbackAsync(definitionId, version, Actor(user), ct))
            .WithSummary("Copies an old version into a new draft (publish it to roll back).");

        design.MapGet("/{definitionId}/export", async (string definitionId, int? version, bool? includeConsumers, DefinitionService s, CancellationToken ct) =>
        {
            var record = await s.FindAsync(definitionId, version, ct);
            if (includeConsumers != true) return Results.File(Encoding.UTF8.GetBytes(record.Json), "application/json", $"{record.DefinitionId}-v{record.Version}.json");
            var ids = new List<string> { definitionId };
            ids.AddRange(await s.ConsumersAsync(definitionId, ct));
            return Results.File(await ZipAsync(s, ids, ct), "application/zip", $"{definitionId}-with-consumers.zip");
        }).WithSummary("One version as Elsa JSON (?version=N, else the latest), or with ?includeConsumers=true a zip with the definitions that use it.");
        design.MapPost("/export", async (ExportRequest request, DefinitionService s, CancellationToken ct) =>
        {
            if (request.DefinitionIds is not { Count: > 0 }) throw ProblemException.BadRequest("Name at least one definition id to export.");
            var ids = new List<string>(request.DefinitionIds);
            if (request.IncludeConsumers == true)
            {
                foreach (var id in request.DefinitionIds) ids.AddRange(await s.ConsumersAsync(id, ct));
            }
            return Results.File(await ZipAsync(s, ids, ct), "application/zip", "workflows.zip");
        }).WithSummary("A zip of the latest versions of { definitionIds } (and, with includeConsumers, what uses them).");
        design.MapPost("/import", async (HttpContext http, bool? asNewVersion, bool? publish, ClaimsPrincipal user, DefinitionService s, CancellationToken ct) =>
        {
            var files = await ReadImportAsync(http, ct);
            var results = new List<ImportResultDto>();
            var refusals = new HashSet<int>();
            foreach (var (name, json) in files)
            {
                try
                {
                    results.Add(await s.ImportAsync(name, json, asNewVersion ?? false, publish ?? false, Actor(user), ct));
                }
                catch (ProblemException ex) when (files.Count > 1)
                {
                    // One file of a zip refused (it exists, say) does not stop the others: each says what became of it.
                    refusals.Add(ex.Status);
                    results.Add(ex.Extensions.TryGetValue(DefinitionService.SavedAsDraft, out var version)
                        ? new ImportResultDto(name, null, version as int?, "not-published", ex.Message)
                        : new ImportResultDto(name, null, null, "rejected", ex.Message));
                }
            }
            // Nothing usable at all is not a success with bad news inside; a zip with some good files answers 200 with
            // each file's outcome. Refused for one reason (every file exists: 409), the answer says that one; for
            // several, it is a bad request with each file's reason.
            if (results.Count > 0 && results.All(r => r.Outcome == "rejected"))
            {
                var detail = results.Count == 1
                    ? $"The definition was not imported: {results[0].Message}"
                    : $"None of the {results.Count} files was imported: " + string.Join(" ", results.Select(r => $"{r.File}: {r.Message}"));
                var extensions = new Dictionary<string, object?> { ["results"] = results };
                if (refusals.Count == 1 && refusals.Single() != StatusCodes.Status400BadRequest)
                {
                    var status = refusals.Single();
                    throw new ProblemException(status, ReasonPhrases.GetReasonPhrase(status), detail, extensions);
                }
                throw ProblemException.BadRequest(detail, extensions);
            }
            return results;
        }).WithSummary("Imports Elsa JSON: the body (application/json), a zip of .json files (application/zip), or files uploaded as a form; ?asNewVersion=true makes an existing id's next version (or replaces its draft), ?publish=true publishes each. Answers each file's outcome.");
    }

    private static async Task<byte[]> ZipAsync(DefinitionService s, IEnumerable<string> definitionIds, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var id in definitionIds.Distinct(StringComparer.Ordinal))
            {
                var record = await s.FindAsync(id, null, ct);
                var entry = zip.CreateEntry($"{record.DefinitionId}/v{record.Version}.json", CompressionLevel.Optimal);
                await using var stream = await entry.OpenAsync(ct);
                await stream.WriteAsync(Encoding.UTF8.GetBytes(record.Json), ct);
            }
        }
        return buffer.ToArray();
    }

    public static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    private static async Task<JsonNode> ReadJsonAsync(HttpContext http, long limit, CancellationToken ct)
    {
        var text = await ReadBodyAsync(http, limit, ct);
        if (string.IsNullOrWhiteSpace(text)) throw ProblemException.BadRequest("The request body is empty; send the workflow definition as JSON.");
        try
        {
            return JsonNode.Parse(text.TrimStart('\uFEFF')) ?? throw ProblemException.BadRequest("The request body is JSON null; send the workflow definition as a JSON object.");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "Malformed JSON", $"The request body is not valid JSON: {ex.Message}");
        }
    }

    private static async Task<string> ReadBodyAsync(HttpContext http, long limit, CancellationToken ct)
    {
        if (http.Request.ContentLength > limit) throw TooLarge(limit);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit) throw TooLarge(limit);
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static async Task<List<(string Name, string Json)>> ReadImportAsync(HttpContext http, CancellationToken ct)
    {
        var contentType = http.Request.ContentType ?? "";
        // Whatever the body's type (a form, text/plain): one a page of another site sent never gets here (CrossSiteRefusal).
        // Only a multipart upload: a body sent without a type (curl -d @file.json says x-www-form-urlencoded) is the JSON itself.
        if (contentType.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            // An upload form (curl -F file=@workflow.json): each file is a definition, or a zip of them; the limits hold
            // for the request as a whole.
            if (http.Request.ContentLength > MaxImportBytes) throw TooLarge(MaxImportBytes);
            IFormCollection form;
            try
            {
                form = await http.Request.ReadFormAsync(ct);
            }
            catch (InvalidDataException ex)
            {
                throw ProblemException.BadRequest($"The upload form could not be read: {ex.Message}");
            }
            if (form.Files.Count == 0) throw ProblemException.BadRequest("The form holds no file; send a definition (.json) or a zip of them as a file field, or the JSON itself as the body.");
            if (form.Files.Sum(f => f.Length) > MaxImportBytes) throw TooLarge(MaxImportBytes);
            var uploaded = new List<(string, string)>();
            var expanded = 0L;
            foreach (var file in form.Files)
            {
                await using var stream = file.OpenReadStream();
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, ct);
                buffer.Position = 0;
                List<(string Name, string Json)> read;
                if (file.FileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) || (file.ContentType ?? "").Contains("zip", StringComparison.OrdinalIgnoreCase)) read = await ReadZipAsync(buffer, ct);
                else if (buffer.Length > MaxDefinitionBytes) throw TooLarge(MaxDefinitionBytes);
                else
                {
                    using var reader = new StreamReader(buffer, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
                    read = [(file.FileName, await reader.ReadToEndAsync(ct))];
                }
                uploaded.AddRange(read);
                expanded += read.Sum(f => (long)f.Json.Length);
                if (uploaded.Count > MaxImportFiles) throw ProblemException.BadRequest($"The upload holds more than {MaxImportFiles} definitions; import at most {MaxImportFiles} at a time.");
                if (expanded > MaxImportExpandedBytes) throw ProblemException.BadRequest($"The uploaded definitions add up to more than {MaxImportExpandedBytes / (1024 * 1024)} MB; import them in smaller batches.");
            }
            return uploaded;
        }
        if (!contentType.Contains("zip", StringComparison.OrdinalIgnoreCase))
        {
            return [("request body", await ReadBodyAsync(http, MaxDefinitionBytes, ct))];
        }
        if (http.Request.ContentLength > MaxImportBytes) throw TooLarge(MaxImportBytes);
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, ct);
        if (body.Length > MaxImportBytes) throw TooLarge(MaxImportBytes);
        body.Position = 0;
        return await ReadZipAsync(body, ct);
    }

    /// <summary>The .json files of a zip, with the limits on their number and expanded size.</summary>
    private static async Task<List<(string Name, string Json)>> ReadZipAsync(MemoryStream buffer, CancellationToken ct)
    {
        var files = new List<(string, string)>();
        try
        {
            using var zip = new ZipArchive(buffer, ZipArchiveMode.Read);
            var entries = zip.Entries.Where(e => e.FullName.EndsWith(".json", StringComparison.OrdinalIgnoreCase)).OrderBy(e => e.FullName, StringComparer.Ordinal).ToList();
            // A zip expands: a few MB can declare (or, lying about their sizes, inflate to) gigabytes. The sizes read
            // are counted, not the ones the zip declares.
            if (entries.Count > MaxImportFiles) throw ProblemException.BadRequest($"The zip holds {entries.Count} .json files; import at most {MaxImportFiles} at a time.");
            long total = 0;
            foreach (var entry in entries)
            {
                var bytes = await ReadBoundedAsync(await entry.OpenAsync(ct), MaxDefinitionBytes, ct)
                    ?? throw ProblemException.BadRequest($"'{entry.FullName}' in the zip is larger than {MaxDefinitionBytes / (1024 * 1024)} MB.");
                total += bytes.Length;
                if (total > MaxImportExpandedBytes) throw ProblemException.BadRequest($"The zip's files add up to more than {MaxImportExpandedBytes / (1024 * 1024)} MB; import them in smaller zips.");
                // As a file read from disk is: a byte-order mark says the encoding and is not part of the text.
                using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
                files.Add((entry.FullName, await reader.ReadToEndAsync(ct)));
            }
        }
        catch (InvalidDataException ex)
        {
            throw ProblemException.BadRequest($"The upload is not a valid zip file: {ex.Message}");
        }
        if (files.Count == 0) throw ProblemException.BadRequest("The zip holds no .json files.");
        return files;
    }

    /// <summary>At most <paramref name="limit"/> bytes of the stream; null when it holds more.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(Stream stream, long limit, CancellationToken ct)
    {
        await using (stream)
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > limit) return null;
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }
    }

    private static ProblemException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The upload is larger than the {limit / (1024 * 1024)} MB this endpoint accepts.");
}
