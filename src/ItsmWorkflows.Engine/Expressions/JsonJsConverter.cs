using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jint;
using JintEngine = Jint.Engine;
using Script = Acornima.Ast.Script;
using Jint.Native;
using Jint.Native.Object;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>Moves values between instance state (JSON) and the script engine without going through text.</summary>
internal static class JsonJsConverter
{
    private const int MaxDepth = 64;

    public static JsValue ToJs(JintEngine engine, JsonNode? node, int depth = 0)
    {
        if (depth > MaxDepth) throw new ExpressionEvaluationException("A value is nested too deeply to pass to a script.");
        switch (node)
        {
            case null or JsonValue:
                TryToPrimitive(node, out var primitive);
                return primitive;
            case JsonArray a:
                var items = new JsValue[a.Count];
                for (var i = 0; i < a.Count; i++) items[i] = ToJs(engine, a[i], depth + 1);
                return new JsArray(engine, items);
            case JsonObject o:
                var obj = new JsObject(engine);
                foreach (var pair in o) obj.FastSetDataProperty(pair.Key, ToJs(engine, pair.Value, depth + 1));
                return obj;
            default:
                return JsValue.Undefined;
        }
    }

    /// <summary>A value that needs no engine (null, a string, a number or a boolean) as the script sees it, as <see cref="ToJs"/> gives it.</summary>
    public static bool TryToPrimitive(JsonNode? node, out JsValue value)
    {
        switch (node)
        {
            case null:
                value = JsValue.Null;
                return true;
            case JsonValue v:
                value = v.GetValueKind() switch
                {
                    JsonValueKind.String => new JsString(v.GetValue<string>()),
                    JsonValueKind.Number => new JsNumber(ValueConverter.NumberOf(v)),
                    JsonValueKind.True => JsBoolean.True,
                    JsonValueKind.False => JsBoolean.False,
                    _ => JsValue.Null,
                };
                return true;
            default:
                value = JsValue.Undefined;
                return false;
        }
    }

    /// <summary>Values one conversion may produce. Shared references are copied each time they are reached, so
    /// <c>a = [a, a]</c> forty times over is 2^40 values: this stops it long before memory runs out.</summary>
    public const int MaxNodes = 100_000;

    /// <summary>Characters of text one conversion may produce (8 MiB as UTF-16).</summary>
    public const long MaxChars = 4 * 1024 * 1024;

    public static JsonNode? ToJson(JsValue value)
    {
        var nodes = 0;
        var chars = 0L;
        return ToJson(value, 0, ref nodes, ref chars);
    }

    private static JsonNode? ToJson(JsValue value, int depth, ref int nodes, ref long chars)
    {
        if (depth > MaxDepth) throw new ExpressionEvaluationException("A script returned a value nested too deeply (or one that refers to itself).");
        if (++nodes > MaxNodes || chars > MaxChars)
        {
            throw new ExpressionEvaluationException(FormattableString.Invariant(
                $"A script value is too large to keep: more than {MaxNodes:N0} values or {MaxChars:N0} characters (parts it refers to more than once are copied each time)."));
        }
        if (value.IsNull() || value.IsUndefined()) return null;
        if (value.IsString())
        {
            var text = value.AsString();
            chars += text.Length;
            if (chars > MaxChars) throw new ExpressionEvaluationException(FormattableString.Invariant($"A script value is too large to keep: more than {MaxChars:N0} characters of text."));
            return JsonValue.Create(text);
        }
        if (value.IsBoolean()) return JsonValue.Create(value.AsBoolean());
        if (value.IsNumber())
        {
            var d = value.AsNumber();
            if (double.IsNaN(d) || double.IsInfinity(d)) return null;
            if (d == Math.Floor(d) && Math.Abs(d) < 9e15) return JsonValue.Create((long)d);
            return JsonValue.Create(d);
        }
        if (value.IsDate()) return JsonValue.Create(value.AsDate().ToDateTime().ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        if (value.IsArray())
        {
            var array = value.AsArray();
            var result = new JsonArray();
            var length = (int)array.Length;
            for (var i = 0; i < length; i++) result.Add(ToJson(array.Get((uint)i), depth + 1, ref nodes, ref chars));
            return result;
        }
        if (value is Jint.Native.Function.Function) return null;
        if (value is ObjectInstance obj)
        {
            var result = new JsonObject();
            foreach (var pair in obj.GetOwnProperties())
            {
                if (!pair.Key.IsString() || !pair.Value.Enumerable) continue;
                var propertyValue = obj.Get(pair.Key);
                if (propertyValue is Jint.Native.Function.Function) continue;
                chars += pair.Key.AsString().Length;
                result[pair.Key.AsString()] = ToJson(propertyValue, depth + 1, ref nodes, ref chars);
            }
            return result;
        }
        return JsonValue.Create(value.ToString());
    }
}
