using System.Text;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// The named helpers Elsa scripts call, such as <c>getCounter()</c>, <c>setCounter(v)</c>,
/// <c>getInput1()</c> and <c>getResultFromHttpEndpoint1()</c>, for one definition. Each helper is a
/// line of JavaScript over the generic functions the runtime defines; a script gets only the helpers
/// whose names it mentions.
/// </summary>
public sealed class ScriptHelperCatalog
{
    private readonly Dictionary<string, string> _helpers = new(StringComparer.Ordinal);

    // The helpers that only read, by name, for scripts evaluated without an engine (see OperatorScript).
    private readonly Dictionary<string, ScriptRead> _reads = new(StringComparer.Ordinal);

    /// <summary>Functions the runtime defines for every script; a helper never shadows one.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal)
    {
        "getVariable", "setVariable", "getInput", "getOutputFrom", "currentTicket", "formatDateTime", "formatWindow", "getCorrelationId", "setCorrelationId",
        "getWorkflowInstanceId", "getWorkflowDefinitionId", "getWorkflowInstanceName", "setWorkflowInstanceName",
        "setOutcome", "setOutcomes", "isNullOrEmpty", "isNullOrWhiteSpace", "newGuid", "toJson", "parseJson", "variables", "input",
    };

    public IReadOnlyCollection<string> Names => _helpers.Keys;

    public void AddVariable(string name)
    {
        foreach (var n in Variants(name))
        {
            TryAdd("get" + n, $"const get{n} = () => getVariable({Quote(name)});", new ScriptRead(ScriptReadKind.Variable, name, null));
            TryAdd("set" + n, $"const set{n} = (value) => setVariable({Quote(name)}, value);");
        }
    }

    public void AddInput(string name)
    {
        foreach (var n in Variants(name))
        {
            TryAdd("get" + n, $"const get{n} = () => getInput({Quote(name)});", new ScriptRead(ScriptReadKind.Input, name, null));
        }
    }

    public void AddActivityOutput(string activityName, string outputName)
    {
        foreach (var a in Variants(activityName))
        {
            foreach (var o in Variants(outputName))
            {
                TryAdd($"get{o}From{a}", $"const get{o}From{a} = () => getOutputFrom({Quote(activityName)}, {Quote(outputName)});", new ScriptRead(ScriptReadKind.Output, activityName, outputName));
            }
        }
    }

    private void TryAdd(string name, string source, ScriptRead? read = null)
    {
        // The first helper of a name wins, in the script and as a read alike.
        if (!Reserved.Contains(name) && _helpers.TryAdd(name, source) && read is not null) _reads[name] = read;
    }

    /// <summary>What a helper reads, when it is one that only reads (getX(), getXFromY()).</summary>
    internal bool TryGetRead(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ScriptRead? read) => _reads.TryGetValue(name, out read);

    /// <summary>Builds the function body prefix for a script: the helper constants the script mentions.</summary>
    public string PreludeFor(string script)
    {
        var builder = new StringBuilder();
        foreach (var pair in _helpers)
        {
            if (script.Contains(pair.Key, StringComparison.Ordinal)) builder.Append(pair.Value).Append('\n');
        }
        return builder.ToString();
    }

    private static IEnumerable<string> Variants(string name)
    {
        var identifier = ToIdentifier(name);
        if (identifier.Length == 0) yield break;
        yield return identifier;
        var upper = char.ToUpperInvariant(identifier[0]) + identifier[1..];
        if (upper != identifier) yield return upper;
    }

    private static string ToIdentifier(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c) || c == '_' || c == '$') builder.Append(c);
        }
        if (builder.Length > 0 && char.IsDigit(builder[0])) builder.Insert(0, '_');
        return builder.ToString();
    }

    private static string Quote(string value) => System.Text.Json.JsonSerializer.Serialize(value);
}
