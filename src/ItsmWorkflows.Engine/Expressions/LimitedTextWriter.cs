using System.Text;

namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// Collects a template's output and refuses to grow past a limit. Fluid renders into whatever writer it
/// is given with no size limit of its own, so a loop that doubles what it prints would run until memory runs out.
/// </summary>
internal sealed class LimitedTextWriter(int maxChars) : TextWriter
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.Unicode;

    public override void Write(char value)
    {
        Reserve(1);
        _text.Append(value);
    }

    public override void Write(string? value)
    {
        Reserve(value?.Length ?? 0);
        _text.Append(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        Reserve(count);
        _text.Append(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        Reserve(buffer.Length);
        _text.Append(buffer);
    }

    public override string ToString() => _text.ToString();

    private void Reserve(int count)
    {
        if ((long)_text.Length + count > maxChars)
        {
            throw new ExpressionEvaluationException(FormattableString.Invariant($"its output passed {maxChars:N0} characters, the most a template may produce."));
        }
    }
}
