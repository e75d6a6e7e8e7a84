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
            case null:
                return JsValue.Null;
            case JsonValue v:
                switch (v.GetValueKind())
                {
                    case JsonValueKind.String: return new JsString(v.GetValue<string>());
                    case JsonValueKind.Number:
                        // A value built in C# keeps its CLR type (an int CurrentIndex, an int status code): TryGetValue<double>
                        // and GetValue<long> both refuse it, so such a number is read from its JSON text.
                        return new JsNumber(v.TryGetValue<double>(out var d) ? d : double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture));
                    case JsonValueKind.True: return JsBoolean.True;
                    case JsonValueKind.False: return JsBoolean.False;
                    default: return JsValue.Null;
                }
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

    public static JsonNode? ToJson(JsValue value, int depth = 0)
    {
        if (depth > MaxDepth) throw new ExpressionEvaluationException("A script returned a value nested too deeply (or one that refers to itself).");
        if (value.IsNull() || value.IsUndefined()) return null;
        if (value.IsString()) return JsonValue.Create(value.AsString());
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
            for (var i = 0; i < length; i++) result.Add(ToJson(array.Get((uint)i), depth + 1));
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
                result[pair.Key.AsString()] = ToJson(propertyValue, depth + 1);
            }
            return result;
        }
        return JsonValue.Create(value.ToString());
    }
}
