using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ItsmWorkflows.Server.Api;

/// <summary>
/// A request body's nullable fields may be left out (they bind to null), but the OpenAPI generator lists every
/// constructor parameter of a record as required, so a client generated from the document would demand
/// 'description' or 'questionnaire' of a change. For the request records (named *Request), a field that takes
/// null, or has a default, is not required. Responses keep theirs: there a nullable field is always present, possibly null.
/// </summary>
internal static class OptionalRequestFields
{
    public static Task Apply(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (!context.JsonTypeInfo.Type.Name.EndsWith("Request", StringComparison.Ordinal) || schema.Required is not { Count: > 0 } required)
        {
            return Task.CompletedTask;
        }
        // The serializer's own reading of each field's nullable annotation: the schema cannot say it for a field that
        // refers to another schema (the generator wraps it in oneOf null later).
        foreach (var property in context.JsonTypeInfo.Properties)
        {
            // A field that takes null, or whose parameter has a default (dryRun = false), may be left out.
            if (property.IsSetNullable || property.AssociatedParameter is { HasDefaultValue: true }) required.Remove(property.Name);
        }
        return Task.CompletedTask;
    }
}
