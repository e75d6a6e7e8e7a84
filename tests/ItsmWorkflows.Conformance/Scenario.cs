namespace ItsmWorkflows.Conformance;

/// <summary>
/// One expectation from EXPECTATIONS.md, encoded: what to load, what to run, what must come out.
/// <see cref="Unsupported"/> names scenarios we do not run as Elsa does, and why; they count as not as expected.
/// </summary>
public sealed record Scenario(string Name, string File, Func<CorpusHost, Task> Run, string? Unsupported = null)
{
    public override string ToString() => Name;
}
