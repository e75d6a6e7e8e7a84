namespace ItsmWorkflows.Server.Data;

internal enum DefinitionState
{
    Draft,
    Published,
    Retired,
}
