using System.Text.Json.Nodes;
using Jint;
using Jint.Native;
using Jint.Runtime.Descriptors;
using JintEngine = Jint.Engine;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// The functions every script sees (getVariable, setVariable, getInput …), registered once on shared
/// options as lazy globals: each new engine gets them without building them, and builds only the ones
/// its script reads. They reach the running evaluation's scope through <see cref="JavaScriptRuntime"/>.
/// </summary>
internal static class JavaScriptGlobals
{
    public static Options CreateOptions(JavaScriptLimits limits)
    {
        var options = new Options()
            .TimeoutInterval(limits.Timeout)
            .LimitMemory(limits.MemoryBytes)
            .MaxStatements(limits.MaxStatements)
            .LimitRecursion(limits.MaxRecursion)
            .LocalTimeZone(TimeZoneInfo.Utc)
            .Culture(System.Globalization.CultureInfo.InvariantCulture)
            .DisableStringCompilation();
        // Recursion through a getter, a coercion, `new` or a Proxy trap is not a call expression, which is all the
        // recursion limit counts: without this probe of the native stack it overflows it and ends the process.
        options.Constraints.StackOverflowGuard = true;
        // Jint's own default is 10 s: a catastrophic pattern ran 11 s against the 2 s script limit.
        options.Constraints.RegexTimeout = limits.Timeout;

        Add(options, "getVariable", e => new Func<string, JsValue>(name =>
            Scope.TryGetVariable(name, out var value) ? JsonJsConverter.ToJs(e, value) : JsValue.Undefined));
        Add(options, "setVariable", _ => new Action<string, JsValue>((name, value) => Scope.SetVariable(name, JsonJsConverter.ToJson(value))));
        Add(options, "getInput", e => new Func<string, JsValue>(name => JsonJsConverter.ToJs(e, Scope.GetInput(name))));
        Add(options, "getOutputFrom", e => new Func<string, string, JsValue>((activity, output) =>
            JsonJsConverter.ToJs(e, Scope.GetActivityOutput(activity, output))));
        Add(options, "currentTicket", e => new Func<JsValue>(() => Scope.CurrentTicket is { } ticket ? JsonJsConverter.ToJs(e, ticket.DeepClone()) : JsValue.Null));
        // Times as people read them, in the organisation's zone: formatDateTime('2026-12-05T10:00:00Z') is
        // "2026-12-05 11:00 Europe/Berlin"; formatWindow(start, end) names the zone once. Not a time: returned as given.
        Add(options, "formatDateTime", e => new Func<JsValue, JsValue>(value =>
            DisplayTime.Parse(JsonJsConverter.ToJson(value)) is { } at ? new JsString(DisplayTime.Format(at, Scope.TimeZone)) : value));
        Add(options, "formatWindow", e => new Func<JsValue, JsValue, JsValue>((start, end) =>
            DisplayTime.Parse(JsonJsConverter.ToJson(start)) is { } from && DisplayTime.Parse(JsonJsConverter.ToJson(end)) is { } to
                ? new JsString(DisplayTime.FormatWindow(from, to, Scope.TimeZone)) : JsValue.Undefined));
        Add(options, "getCorrelationId", _ => new Func<string?>(() => Scope.Instance.CorrelationId));
        Add(options, "setCorrelationId", _ => new Action<string?>(value => Scope.Instance.CorrelationId = value));
        Add(options, "getWorkflowInstanceId", _ => new Func<string>(() => Scope.Instance.InstanceId));
        Add(options, "getWorkflowDefinitionId", _ => new Func<string>(() => Scope.Instance.DefinitionId));
        Add(options, "getWorkflowInstanceName", _ => new Func<string?>(() => Scope.Instance.Name));
        Add(options, "setWorkflowInstanceName", _ => new Action<string?>(value => Scope.Instance.Name = value));
        Add(options, "setOutcome", _ => new Action<string>(outcome => (Scope.ScriptOutcomes ??= []).Add(outcome)));
        Add(options, "setOutcomes", _ => new Action<JsValue>(outcomes =>
        {
            var list = Scope.ScriptOutcomes ??= [];
            if (JsonJsConverter.ToJson(outcomes) is JsonArray array)
            {
                list.AddRange(array.Select(ValueConverter.ToText).OfType<string>());
            }
        }));
        Add(options, "isNullOrEmpty", _ => new Func<JsValue, bool>(v => v.IsNull() || v.IsUndefined() || (v.IsString() && v.AsString().Length == 0)));
        Add(options, "isNullOrWhiteSpace", _ => new Func<JsValue, bool>(v => v.IsNull() || v.IsUndefined() || (v.IsString() && string.IsNullOrWhiteSpace(v.AsString()))));
        Add(options, "newGuid", _ => new Func<string>(() => Guid.NewGuid().ToString()));
        Add(options, "toJson", _ => new Func<JsValue, string>(v => JsonJsConverter.ToJson(v)?.ToJsonString() ?? "null"));
        Add(options, "parseJson", e => new Func<string, JsValue>(text => JsonJsConverter.ToJs(e, JsonNode.Parse(text))));
        return options;
    }

    private static IExpressionScope Scope => JavaScriptRuntime.CurrentScope;

    // NonEnumerable as Engine.SetValue(name, Delegate) installs them: Object.keys(globalThis) stays as it was.
    private static void Add(Options options, string name, Func<JintEngine, Delegate> create) =>
        options.AddLazyGlobal(name, e => JsValue.FromObject(e, create(e)), PropertyFlag.NonEnumerable);
}
