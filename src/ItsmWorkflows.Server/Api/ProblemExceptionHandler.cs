using System.Text.Json;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ItsmWorkflows.Server.Api;

/// <summary>
/// Every error leaves as a ProblemDetails with a message a person can act on. Unexpected exceptions are
/// logged with their details and answered with a generic 500 that leaks nothing.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail, extensions) = exception switch
        {
            ProblemException p => (p.Status, p.Title, p.Message, p.Extensions),
            DefinitionFormatException f => (StatusCodes.Status400BadRequest, "Malformed definition", f.Message, null),
            BookmarkNotFoundException b => (StatusCodes.Status409Conflict, "Conflict", b.Message, null),
            ResumeRefusedException r => (StatusCodes.Status400BadRequest, "Not resumed here", r.Message, null),
            InstanceFaultedException f => (StatusCodes.Status409Conflict, "Process stopped by an incident", f.Message, null),
            ConcurrencyException c => (StatusCodes.Status409Conflict, "Conflict", c.Message, null),
            TransientStoreException => (StatusCodes.Status503ServiceUnavailable, "Service unavailable", "The database was briefly unavailable and nothing was saved. Try again in a moment.", null),
            InstanceNotFoundException n => (StatusCodes.Status404NotFound, "Not found", n.Message, null),
            DefinitionNotFoundException d => (StatusCodes.Status404NotFound, "Not found", d.Message, null),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, "Payload too large", "The request body is larger than this endpoint accepts.", null),
            BadHttpRequestException { InnerException: JsonException j } => (StatusCodes.Status400BadRequest, "Malformed JSON", JsonProblem(j), null),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => (StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the body as JSON, with the header Content-Type: application/json.", null),
            BadHttpRequestException b when b.Message.Contains("no body was provided", StringComparison.Ordinal) => (StatusCodes.Status400BadRequest, "Body required", "This endpoint needs a JSON body; see /api/docs for its fields.", null),
            BadHttpRequestException b => (b.StatusCode, "Bad request", BindingProblem(b.Message), null),
            JsonException j => (StatusCodes.Status400BadRequest, "Malformed JSON", JsonProblem(j), null),
            _ when DatabaseUnavailable(exception) => (StatusCodes.Status503ServiceUnavailable, "Service unavailable", "The database cannot be reached right now (restarting, or the network to it is down). Try again in a moment.", null),
            _ => (StatusCodes.Status500InternalServerError, "Unexpected error", "Something went wrong on the server; it has been logged.", (IDictionary<string, object?>?)null),
        };
        // The database away is an outage, not a bug: one line, not a stack trace per request.
        if (status == StatusCodes.Status503ServiceUnavailable) LogUnavailable(logger, httpContext.Request.Method, LoggedPath(httpContext.Request.Path), exception.GetBaseException().Message);
        // A 5xx the server chose to answer (a mail server that refused the test connection) is explained, not a bug.
        else if (status >= 500 && exception is ProblemException) LogAnswered(logger, httpContext.Request.Method, LoggedPath(httpContext.Request.Path), status, detail ?? title);
        else if (status >= 500) LogUnhandled(logger, exception, httpContext.Request.Method, LoggedPath(httpContext.Request.Path));
        httpContext.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable) httpContext.Response.Headers.RetryAfter = "5";
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (extensions is not null)
        {
            foreach (var pair in extensions) problem.Extensions[pair.Key] = pair.Value;
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>
    /// Where the body went wrong, without the serializer's own words: those name .NET types, which mean nothing
    /// to a caller and say more about the server than it needs to.
    /// </summary>
    private static string JsonProblem(JsonException exception) => exception is InstantWithoutOffsetException missing
        ? $"The date-time '{missing.Value}'{(exception.Path is { Length: > 1 } at ? $" at '{at}'" : "")} has no offset, so it could be read in any time zone: send it with one ('…Z' for UTC, or for example '…+02:00')."
        : IsSyntaxError(exception)
        ? exception.LineNumber is { } line
            ? $"The request body is not valid JSON (line {line + 1}, position {(exception.BytePositionInLine ?? 0) + 1})."
            : "The request body is not valid JSON."
        : exception.Path is { Length: > 1 } path
            ? $"The value at '{path}' in the request body has the wrong type or form (a text, number, true/false, list or date-time where the API docs say so)."
            : "The request body is JSON of the wrong shape: this endpoint takes a JSON object (see /api/docs for its fields).";

    /// <summary>
    /// Whether the reader found the text itself broken (cut short, a stray character), rather than a value of the wrong
    /// type: the serializer reports both with a path, the former wrapping the reader's own exception.
    /// </summary>
    private static bool IsSyntaxError(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e.GetType().Name == "JsonReaderException") return true;
        }
        return false;
    }

    /// <summary>
    /// ASP.NET Core's binding messages in the caller's terms: they name the handler's .NET parameter types
    /// ("Required parameter \"int from\" was not provided from query string.").
    /// </summary>
    internal static string BindingProblem(string message)
    {
        var required = RequiredParameter().Match(message);
        if (required.Success) return $"'{required.Groups["name"].Value}' is required{Where(required.Groups["source"].Value)}.";
        var failed = FailedToBind().Match(message);
        if (failed.Success)
        {
            return $"'{failed.Groups["value"].Value}' is not a valid value for '{failed.Groups["name"].Value}': {Expected(failed.Groups["type"].Value)}.";
        }
        return message;
    }

    private static string Where(string source) => source switch
    {
        "query string" => " in the query string",
        "route" => " in the path",
        "header" => " as a header",
        "form" => " in the form",
        _ => "",
    };

    private static string Expected(string type) => type.TrimEnd('?') switch
    {
        "int" or "long" or "Int32" or "Int64" => "expected a whole number",
        "bool" or "Boolean" => "expected true or false",
        "DateTimeOffset" or "DateTime" => "expected a date and time such as 2026-12-01T09:00:00Z",
        "DateOnly" => "expected a date such as 2026-12-01",
        "TimeSpan" => "expected a duration such as 01:30:00",
        "Guid" => "expected an id such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        "double" or "decimal" or "Double" or "Decimal" => "expected a number",
        _ => "see /api/docs for the values it takes",
    };

    [System.Text.RegularExpressions.GeneratedRegex("^Required parameter \"(?<type>[^\" ]+) (?<name>[^\"]+)\" was not provided from (?<source>[a-z ]+)\\.?", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex RequiredParameter();

    [System.Text.RegularExpressions.GeneratedRegex("^Failed to bind parameter \"(?<type>[^\" ]+) (?<name>[^\"]+)\" from \"(?<value>.*)\"\\.?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex FailedToBind();

    /// <summary>The path as logged: an approval link's path is its secret token, which never reaches a log.</summary>
    private static string LoggedPath(PathString path) =>
        path.StartsWithSegments("/approvals", out var rest) && rest.HasValue ? "/approvals/{token}" + (rest.Value!.Count(c => c == '/') > 1 ? "/…" : "") : path.ToString();

    /// <summary>Whether the error is the database being away (a transient Npgsql error, a refused or reset connection), anywhere in the chain.</summary>
    internal static bool DatabaseUnavailable(Exception exception)
    {
        // Npgsql's own errors only: a socket error from elsewhere (the single sign-on provider) is not the database, and
        // a command timeout (transient to Npgsql) is a slow query, not an outage.
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.NpgsqlException { IsTransient: true } and not Npgsql.NpgsqlException { InnerException: TimeoutException }) return true;
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: the database is unavailable ({Reason})")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered {Status}: {Detail}")]
    private static partial void LogAnswered(ILogger logger, string method, string path, int status, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
