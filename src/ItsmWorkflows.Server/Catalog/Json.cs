using System.Text.Json;

namespace ItsmWorkflows.Server.Catalog;

/// <summary>The JSON columns of the catalog tables, read and written with web naming.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<string> Strings(string json) => JsonSerializer.Deserialize<List<string>>(json, Options) ?? [];

    public static T Read<T>(string json) where T : new() => JsonSerializer.Deserialize<T>(json, Options) ?? new T();

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);
}
