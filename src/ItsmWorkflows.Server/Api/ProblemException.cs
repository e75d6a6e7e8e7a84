namespace ItsmWorkflows.Server.Api;

/// <summary>An error a caller can act on; the exception handler turns it into a ProblemDetails response.</summary>
internal sealed class ProblemException(int status, string title, string detail, IDictionary<string, object?>? extensions = null) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public IDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();

    public static ProblemException NotFound(string detail) => new(StatusCodes.Status404NotFound, "Not found", detail);

    public static ProblemException Conflict(string detail, IDictionary<string, object?>? extensions = null) => new(StatusCodes.Status409Conflict, "Conflict", detail, extensions);

    public static ProblemException BadRequest(string detail, IDictionary<string, object?>? extensions = null) => new(StatusCodes.Status400BadRequest, "Bad request", detail, extensions);

    public static ProblemException Invalid(string detail, IDictionary<string, object?>? extensions = null) => new(StatusCodes.Status422UnprocessableEntity, "Validation failed", detail, extensions);
}
