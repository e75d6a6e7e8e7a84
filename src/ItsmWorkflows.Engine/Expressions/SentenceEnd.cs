namespace ItsmWorkflows.Engine.Expressions;

/// <summary>
/// People's words end a sentence of ours: "…not approved: VPN licences exhausted." needs a full stop, "…resolved:
/// “Rebuilt the profile.”" has one already (a second made "profile.”."). The Liquid filter <c>full_stop</c> gives
/// what goes after the words: "." or nothing.
/// </summary>
public static class SentenceEnd
{
    private static readonly char[] Closers = ['"', '\'', '\u2019', '\u201d', ')', ']', '»'];

    public static string FullStopAfter(string? text)
    {
        var trimmed = (text ?? "").TrimEnd().TrimEnd(Closers).TrimEnd();
        return trimmed.Length == 0 || trimmed[^1] is '.' or '!' or '?' or '\u2026' ? "" : ".";
    }
}
