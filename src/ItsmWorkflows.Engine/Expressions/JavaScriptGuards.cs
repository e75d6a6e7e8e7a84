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

    public static void Install(JintEngine engine, long maxChars)
    {
        var strings = Prototype(engine, "String");
        Wrap(engine, strings, "repeat", 1, (thisObj, args) =>
        {
            var count = TypeConverter.ToIntegerOrInfinity(args.At(0));
            return count > 0 ? TypeConverter.ToString(thisObj).Length * count : 0;
        }, maxChars);
        Wrap(engine, strings, "padStart", 1, (_, args) => TypeConverter.ToIntegerOrInfinity(args.At(0)), maxChars);
        Wrap(engine, strings, "padEnd", 1, (_, args) => TypeConverter.ToIntegerOrInfinity(args.At(0)), maxChars);
        Wrap(engine, Prototype(engine, "Array"), "join", 1, (thisObj, args) => JoinedLength(thisObj, args.At(0), maxChars), maxChars);
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

    /// <summary>The length join will produce, adding up until it passes the limit; elements are read once here and once by join.</summary>
    private static double JoinedLength(JsValue thisObj, JsValue separator, long maxChars)
    {
        // Anything but an object is left to join itself, which coerces or throws as the language says.
        if (thisObj is not ObjectInstance array) return 0;
        var length = TypeConverter.ToLength(array.Get("length"));
        if (length == 0) return 0;
        var separatorLength = separator.IsUndefined() ? 1 : TypeConverter.ToString(separator).Length;
        var total = (double)separatorLength * (length - 1);
        for (ulong i = 0; i < length && total <= maxChars; i++)
        {
            var item = array.Get(i);
            if (item.IsNull() || item.IsUndefined()) continue;
            total += item.IsString() ? item.AsString().Length : TypeConverter.ToString(item).Length;
        }
        return total;
    }
}
