using Jint;
using Jint.Native;
using Jint.Native.Object;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// Estimates how large a script value becomes as JSON without building it: values shared by reference
/// (<c>a = [a, a]</c>, forty times over) are counted every time they are reached, as their copies would be.
/// Stops counting once past the budget, so the walk itself stays small. Iterative: no recursion to overflow.
/// </summary>
internal static class JsonSize
{
    /// <summary>An estimate in characters; any value past <paramref name="maxNodes"/> values counts as past <paramref name="maxChars"/>.</summary>
    public static double Measure(JsValue value, int maxNodes, long maxChars)
    {
        var pending = new Stack<JsValue>();
        pending.Push(value);
        var nodes = 0;
        double chars = 0;
        while (pending.Count > 0)
        {
            if (++nodes > maxNodes || chars > maxChars) return double.PositiveInfinity;
            var current = pending.Pop();
            if (current.IsString())
            {
                chars += current.AsString().Length + 2;
                continue;
            }
            chars += 4;
            if (current is not ObjectInstance obj || current is Jint.Native.Function.Function) continue;
            if (obj is JsArray array)
            {
                // By index: enumerating an array's properties allocates per element, and the walk must stay small.
                var length = array.Length;
                for (uint i = 0; i < length && pending.Count <= maxNodes; i++)
                {
                    var element = array.GetOwnProperty(i);
                    if (element != Jint.Runtime.Descriptors.PropertyDescriptor.Undefined && !element.IsAccessorDescriptor()) pending.Push(element.Value);
                }
                chars += length;
                continue;
            }
            foreach (var pair in obj.GetOwnProperties())
            {
                // Data properties only: reading an accessor here would run script a second time.
                if (!pair.Value.Enumerable || pair.Value.IsAccessorDescriptor()) continue;
                if (pair.Key.IsString()) chars += pair.Key.AsString().Length + 3;
                pending.Push(pair.Value.Value);
            }
        }
        return chars;
    }
}
