using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ItsmWorkflows.Server.Api;

/// <summary>
/// A date-time read by <see cref="InstantJsonConverter"/> is still a text in the OpenAPI document: with a converter of
/// its own the generator keeps only its format, so the schema says 'string' (or 'null') again.
/// </summary>
internal static class InstantSchema
{
    public static Task Apply(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(DateTimeOffset)) schema.Type ??= JsonSchemaType.String;
        else if (type == typeof(DateTimeOffset?)) schema.Type ??= JsonSchemaType.String | JsonSchemaType.Null;
        return Task.CompletedTask;
    }
}
