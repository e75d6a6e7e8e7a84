using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;
using JintEngine = Jint.Engine;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// Puts a size check in front of the built-ins that build a large string in one call. Jint's memory
/// limit is measured between statements, so <c>'x'.repeat(2**28)</c> allocated 520 MB before it was
/// looked at; these check the size a call will produce before the built-in runs, and refuse with the
/// RangeError a browser gives for a string that is too long. String concatenation needs no guard:
/// Jint charges it to the memory limit as it is built.
/// </summary>
internal static class JavaScriptGuards
{
    /// <summary>Values JSON.stringify may visit; shared references count each time they are reached, as the output repeats them.</summary>
    public const int MaxJsonNodes = 100_000;

    /// <summary>Items one join may put together (far beyond any workflow's lists; the loop is C#, between Jint's checks).</summary>
    public const int MaxJoinedItems = 1_000_000;

    /// <summary>
    /// Binary data: a typed array or buffer is allocated whole by its constructor, in C#, between Jint's memory checks
    /// (<c>new Uint8Array(1.5e9)</c> took 1.4 GB and finished), and no workflow expression needs bytes.
    /// </summary>
    private static readonly string[] BinaryData =
    [
        "ArrayBuffer", "SharedArrayBuffer", "DataView", "Atomics", "TypedArray", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
        "Int32Array", "Uint32Array", "Float16Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
    ];

    public static void Install(JintEngine engine, long maxChars)
    {
        foreach (var name in BinaryData) engine.Global.Delete(name);
        var strings = Prototype(engine, "String");
        Wrap(engine, strings, "repeat", 1, (thisObj, args) =>
        {
            var count = TypeConverter.ToIntegerOrInfinity(args.At(0));
            return count > 0 ? TypeConverter.ToString(thisObj).Length * count : 0;
        }, maxChars);
        Wrap(engine, strings, "padStart", 1, (_, args) => TypeConverter.ToIntegerOrInfinity(args.At(0)), maxChars);
        Wrap(engine, strings, "padEnd", 1, (_, args) => TypeConverter.ToIntegerOrInfinity(args.At(0)), maxChars);
        InstallJoin(engine, Prototype(engine, "Array"), maxChars);
        // replace/replaceAll with a string pattern: at most one (or every) match, each replaced by the replacement.
        Wrap(engine, strings, "replaceAll", 2, (thisObj, args) => ReplacedLength(thisObj, args, all: true), maxChars);
        Wrap(engine, strings, "replace", 2, (thisObj, args) => ReplacedLength(thisObj, args, all: false), maxChars);
        Wrap(engine, (ObjectInstance)engine.GetValue("JSON"), "stringify", 3, (_, args) => JsonSize.Measure(args.At(0), MaxJsonNodes, maxChars), maxChars);
    }

    private static ObjectInstance Prototype(JintEngine engine, string constructor) =>
        (ObjectInstance)((ObjectInstance)engine.GetValue(constructor)).Get("prototype");

    private static void Wrap(JintEngine engine, ObjectInstance target, string name, int length, Func<JsValue, JsValue[], double> resultLength, long maxChars)
    {
        var original = target.Get(name);
        var guarded = new ClrFunction(engine, name, (thisObj, args) =>
        {
            if (resultLength(thisObj, args) > maxChars)
            {
                var message = FormattableString.Invariant($"Invalid string length: {name} would build more than {maxChars:N0} characters, the most a script may hold.");
                throw new JavaScriptException(engine.Construct("RangeError", message));
            }
            return original.Call(thisObj, args);
        }, length, PropertyFlag.Configurable);
        target.FastSetProperty(name, new PropertyDescriptor(guarded, PropertyFlag.NonEnumerable));
    }

    /// <summary>
    /// Array.prototype.join done here, within the limit: each element is turned into text once (a toString that
    /// answers differently the second time cannot slip past a measure), the total is counted as it grows, and the
    /// script's time limit is checked along the way (a sparse array of four billion holes is a loop in C#, which
    /// Jint's own checks between statements never interrupt).
    /// </summary>
    private static void InstallJoin(JintEngine engine, ObjectInstance arrays, long maxChars)
    {
        var original = arrays.Get("join");
        var join = new ClrFunction(engine, "join", (thisObj, args) =>
        {
            // Anything but an object is left to join itself, which coerces or throws as the language says.
            if (thisObj is not ObjectInstance array) return original.Call(thisObj, args);
            var length = TypeConverter.ToLength(array.Get("length"));
            var separator = args.At(0).IsUndefined() ? "," : TypeConverter.ToString(args.At(0));
            if (length > MaxJoinedItems)
            {
                throw new JavaScriptException(engine.Construct("RangeError", FormattableString.Invariant($"join of {length:N0} items: a script may join at most {MaxJoinedItems:N0}.")));
            }
            // Measured before anything is built: the texts are kept (references, no copies) and joined only within the limit.
            var parts = new string[length];
            var total = length == 0 ? 0 : (double)separator.Length * (length - 1);
            for (ulong i = 0; i < length; i++)
            {
                var item = array.Get(i);
                parts[i] = item.IsNull() || item.IsUndefined() ? "" : item.IsString() ? item.AsString() : TypeConverter.ToString(item);
                total += parts[i].Length;
                if (total > maxChars) throw TooLong(engine, "join", maxChars);
                if ((i & 0xFFFF) == 0xFFFF) engine.Constraints.Check();
            }
            return string.Join(separator, parts);
        }, 1, PropertyFlag.Configurable);
        arrays.FastSetProperty("join", new PropertyDescriptor(join, PropertyFlag.NonEnumerable));
    }

    private static JavaScriptException TooLong(JintEngine engine, string name, long maxChars) =>
        new(engine.Construct("RangeError", FormattableString.Invariant($"Invalid string length: {name} would build more than {maxChars:N0} characters, the most a script may hold.")));

    /// <summary>
    /// The most a string replace can produce: with a string pattern, each match (one, or all of them) replaced by the
    /// replacement text; a function or a regular expression is left to Jint's own limits (its result is made of
    /// what the script's own code returns, charged as it is built).
    /// </summary>
    private static double ReplacedLength(JsValue thisObj, JsValue[] args, bool all)
    {
        if (!args.At(0).IsString() || !args.At(1).IsString() || thisObj.IsNull() || thisObj.IsUndefined()) return 0;
        var input = TypeConverter.ToString(thisObj);
        var search = args.At(0).AsString();
        var replacement = args.At(1).AsString();
        var matches = all ? Math.Max(1, search.Length == 0 ? input.Length + 1 : input.Length / Math.Max(1, search.Length)) : 1;
        // "$&" in the replacement inserts the match: count the replacement as if each of its characters could be one.
        var perMatch = replacement.Length * (double)Math.Max(1, search.Length);
        return input.Length + matches * perMatch;
    }
}
