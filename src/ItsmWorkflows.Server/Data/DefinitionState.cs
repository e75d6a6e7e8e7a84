namespace ItsmWorkflows.Server.Data;

internal enum DefinitionState
{
    Draft,
    Published,

    /// <summary>Was published; a newer version has been published since. Running instances keep it.</summary>
    Superseded,
    Retired,
}
