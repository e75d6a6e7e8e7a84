using System.Security.Claims;
using ItsmWorkflows.Server.Api;
using ItsmWorkflows.Server.Identity;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>
/// /api/tickets/{number}/attachments: list, upload (multipart/form-data, one or more files), download and remove the
/// files on a ticket. Who may do what, and the limits, are <see cref="TicketAttachmentService"/>'s.
/// </summary>
internal static class TicketAttachmentEndpoints
{
    /// <summary>What the multipart framing may add to the files' bytes (boundaries, part headers, other fields).</summary>
    private const long FormOverhead = 1024 * 1024;

    public static void MapTicketAttachmentEndpoints(this WebApplication app)
    {
        var attachments = app.MapGroup("/api/tickets/{number}/attachments").WithTags("Tickets").RequireAuthorization(Policies.SignedIn);
        attachments.MapGet("", (string number, ClaimsPrincipal user, TicketAttachmentService s, CancellationToken ct) => s.ListAsync(number, user, ct))
            .WithSummary("The ticket's attachments, oldest first (name, size, type, who attached it by name, when, SHA-256, download URL, whether you may remove it), whether you may add more (and why not), and the limits. For whoever reads the ticket.");
        attachments.MapPost("", UploadAsync)
            // Described, not declared with Accepts: routing would then answer another body type with a bare 415 before
            // the sign-in is checked; the handler's own 415 says what to send.
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.RequestBody = UploadBody;
                return Task.CompletedTask;
            })
            .Produces<IReadOnlyList<TicketAttachmentDto>>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("Attaches one or more files (multipart/form-data, each a file field: curl -F file=@screenshot.png). For whoever may write a note on the ticket; not on a closed one (409). Each file at most Attachments:MaxFileBytes (10 MB), the upload at most Attachments:MaxUploadBytes (30 MB; 413 beyond), at most Attachments:MaxPerTicket (50) per ticket (409). The name is cleaned (no path or control characters, 200 characters at most) and the type taken from an allow-list when the bytes agree, else application/octet-stream. Each file is a history line; the ticket's revision moves on.");
        attachments.MapGet("/{id:long}", DownloadAsync)
            .Produces(StatusCodes.Status200OK, contentType: AttachmentFiles.Unknown)
            .WithSummary("Downloads an attachment, always as a file to save (Content-Disposition: attachment), never run or shown in this site: X-Content-Type-Options: nosniff and a sandboxing Content-Security-Policy. For whoever reads the ticket.");
        attachments.MapDelete("/{id:long}", async (string number, long id, ClaimsPrincipal user, TicketAttachmentService s, CancellationToken ct) =>
            {
                await s.DeleteAsync(number, id, user, ct);
                return Results.NoContent();
            })
            .WithSummary("Removes an attachment, noted in the ticket's history. For whoever attached it, an agent of the ticket's group (or its assignee), a process owner or an administrator.");
    }

    private static async Task<IResult> UploadAsync(string number, HttpContext http, ClaimsPrincipal user, TicketAttachmentService s, CancellationToken ct)
    {
        var limits = s.Limits;
        // This endpoint's body limit follows the setting (the server's default, about 28 MB, holds for every other one).
        var bodyLimit = limits.MaxUploadBytes + FormOverhead;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = bodyLimit;
        // Who may, before a byte of the body is read.
        var (ticket, room) = await s.BeforeUploadAsync(number, user, ct);
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var media) || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(media.Boundary) is not { Length: > 0 } boundary)
        {
            throw new ProblemException(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", NoFileMessage);
        }
        if (http.Request.ContentLength > bodyLimit) throw UploadTooLarge(limits);
        var files = await ReadFilesAsync(http.Request, boundary.Value!, limits, room, ticket, ct);
        var added = await s.AddAsync(ticket, files, user, ct);
        return Results.Created($"/api/tickets/{Uri.EscapeDataString(ticket.Number)}/attachments", added);
    }

    /// <summary>The upload form as the OpenAPI document shows it: one or more files, each a field named as the client likes ("file").</summary>
    private static readonly OpenApiRequestBody UploadBody = new()
    {
        Required = true,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["multipart/form-data"] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["file"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                    },
                },
            },
        },
    };

    private const string NoFileMessage = "Send the files as multipart/form-data, each as a file field with its file name (curl -F file=@screenshot.png), as a page's file input does.";

    /// <summary>
    /// The form's files, read as they stream in (nothing is spooled to disk): a file over the limit is refused as soon as
    /// its bytes pass the limit, and one more file than the ticket takes before its bytes are read. Other fields are skipped.
    /// </summary>
    private static async Task<List<TicketAttachmentService.Upload>> ReadFilesAsync(HttpRequest request, string boundary, AttachmentOptions limits, int room,
        Data.TicketRecord ticket, CancellationToken ct)
    {
        var reader = new MultipartReader(boundary, request.Body);
        var files = new List<TicketAttachmentService.Upload>();
        long total = 0;
        var chunk = new byte[81920];
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition()) continue;
                // filename* (RFC 5987, any language) when sent, else the quoted filename.
                var name = AttachmentFiles.SafeName(disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.UnescapeAsQuotedString(disposition.FileName).Value);
                if (files.Count >= room) throw TicketAttachmentService.TooMany(ticket, room);
                using var buffer = new MemoryStream();
                int read;
                while ((read = await section.Body.ReadAsync(chunk, ct)) > 0)
                {
                    if (buffer.Length + read > limits.MaxFileBytes)
                    {
                        throw new ProblemException(StatusCodes.Status413PayloadTooLarge, "Payload too large",
                            $"{name} is larger than {AttachmentFiles.SizeText(limits.MaxFileBytes)}, the most one attachment may be; make it smaller (a compressed image, a zip), or share it another way and put the link in a note.");
                    }
                    if (total + buffer.Length + read > limits.MaxUploadBytes) throw UploadTooLarge(limits);
                    buffer.Write(chunk, 0, read);
                }
                if (buffer.Length == 0) throw ProblemException.BadRequest($"{name} is empty (0 bytes); choose the file again.");
                total += buffer.Length;
                files.Add(new TicketAttachmentService.Upload(name, buffer.ToArray()));
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server's own body limit (a body sent without its length, chunk by chunk).
            throw UploadTooLarge(limits);
        }
        catch (InvalidDataException ex)
        {
            throw ProblemException.BadRequest($"The upload form could not be read: {ex.Message}");
        }
        if (files.Count == 0) throw ProblemException.BadRequest("The form holds no file. " + NoFileMessage);
        return files;
    }

    private static ProblemException UploadTooLarge(AttachmentOptions limits) => new(StatusCodes.Status413PayloadTooLarge, "Payload too large",
        $"One upload carries at most {AttachmentFiles.SizeText(limits.MaxUploadBytes)} of files (each at most {AttachmentFiles.SizeText(limits.MaxFileBytes)}); attach them in several goes.");

    private static async Task<IResult> DownloadAsync(string number, long id, HttpContext http, ClaimsPrincipal user, TicketAttachmentService s, CancellationToken ct)
    {
        var file = await s.FileAsync(number, id, user, ct);
        var headers = http.Response.Headers;
        // Whatever the bytes are (an HTML page, an SVG with a script in it), the browser saves them: it guesses no other
        // type, runs nothing of them in this site's origin, and no page of another site can embed them.
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox; frame-ancestors 'none'";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers.CacheControl = "private, no-cache";
        return Results.File(file.Content, file.ContentType, file.FileName, entityTag: new EntityTagHeaderValue($"\"{file.Sha256}\""));
    }
}
