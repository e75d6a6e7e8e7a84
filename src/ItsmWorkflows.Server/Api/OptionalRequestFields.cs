using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ItsmWorkflows.Server.Api;

/// <summary>
/// A request body's nullable fields may be left out (they bind to null), but the OpenAPI generator lists every
/// constructor parameter of a record as required, so a client generated from the document would demand
/// 'description' or 'questionnaire' of a change. For the request records (named *Request), a field that takes
/// null is not required. Responses keep theirs: there a nullable field is always present, possibly null.
/// </summary>
internal static class OptionalRequestFields
{
    public static Task Apply(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (!context.JsonTypeInfo.Type.Name.EndsWith("Request", StringComparison.Ordinal) || schema.Required is not { Count: > 0 } required || schema.Properties is null)
        {
            return Task.CompletedTask;
        }
        // Whether a field takes null shows in its schema, except for one that refers to another schema (the generator
        // wraps it in oneOf null later): the serializer's own reading of its nullable annotation says so then.
        var nullable = context.JsonTypeInfo.Properties.Where(p => p.IsSetNullable).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, property) in schema.Properties)
        {
            if (TakesNull(property) || nullable.Contains(name)) required.Remove(name);
        }
        return Task.CompletedTask;
    }

    private static bool TakesNull(IOpenApiSchema property) =>
        (property.Type is { } type && type.HasFlag(JsonSchemaType.Null))
        || (property.OneOf?.Any(s => s.Type == JsonSchemaType.Null) ?? false)
        || (property.AnyOf?.Any(s => s.Type == JsonSchemaType.Null) ?? false);
}
