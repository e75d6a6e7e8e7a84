using System.Text.Json;
using System.Text.Json.Serialization;

namespace ItsmWorkflows.Server.Api;

/// <summary>
/// Reads an API body's date-times only with their offset ('2026-12-09T18:00:00Z' or '…+02:00'). Without one the
/// serializer would take the server's own zone: a change window sent as '18:00' would be 18:00 UTC on one server and
/// 17:00 UTC on another, silently. Written as the serializer writes them (ISO 8601 with the offset).
/// </summary>
internal sealed class InstantJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("A date-time is a text in ISO 8601 form.");
        var text = reader.GetString()!;
        if (!HasOffset(text)) throw new InstantWithoutOffsetException(text);
        return reader.TryGetDateTimeOffset(out var value) ? value : throw new JsonException($"'{text}' is not an ISO 8601 date-time.");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    /// <summary>Whether the time part ends in Z or a numeric offset (the date's own hyphens are not one).</summary>
    public static bool HasOffset(string text)
    {
        var time = text.IndexOfAny(['T', 't', ' ']);
        if (time < 0) return false;
        var rest = text.AsSpan(time + 1);
        return rest.EndsWith("Z", StringComparison.OrdinalIgnoreCase) || rest.IndexOfAny('+', '-') > 0;
    }
}
