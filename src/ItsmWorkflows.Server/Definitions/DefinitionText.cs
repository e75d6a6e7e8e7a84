using System.Security.Cryptography;
using System.Text;
using ItsmWorkflows.Engine.Definitions;

namespace ItsmWorkflows.Server.Definitions;

/// <summary>What is kept of a definition's text besides the text: the hash that recognises an unchanged import, and the version fields stamped into it.</summary>
internal static class DefinitionText
{
    /// <summary>The hash an import stores of the text it imported: the same text is recognised as unchanged.</summary>
    public static string SourceHash(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));

    /// <summary>Rewrites the version fields inside the stored JSON so an export says what the database says.</summary>
    public static string Stamp(string json, int version, bool published, bool latest)
    {
        var definition = WorkflowDefinitionJson.Parse(json);
        definition.Version = version;
        definition.IsPublished = published;
        definition.IsLatest = latest;
        return WorkflowDefinitionJson.Serialize(definition);
    }
}
