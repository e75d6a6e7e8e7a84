using System.Text.Json;

namespace ItsmWorkflows.Server.Api;

/// <summary>A date-time in a request body sent without an offset; the error names it and says how to send it.</summary>
internal sealed class InstantWithoutOffsetException(string value) : JsonException($"'{value}' has no offset.")
{
    public string Value { get; } = value;
}
