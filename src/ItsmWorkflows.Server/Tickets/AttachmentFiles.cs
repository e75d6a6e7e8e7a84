using System.Globalization;
using System.Text;

namespace ItsmWorkflows.Server.Tickets;

/// <summary>
/// What an uploaded file is called and served as. The name is made safe for every file system and for a header
/// (no path, no control or direction-changing characters, limited length); the type comes from a short allow-list,
/// by extension and only when the bytes agree, else application/octet-stream. What the uploader's browser said the
/// type was is never believed: an HTML page or an SVG named "photo.png" must not be served as anything a browser runs.
/// </summary>
internal static class AttachmentFiles
{
    /// <summary>The longest name kept (the column's size); a longer one is shortened, keeping its extension.</summary>
    public const int MaxNameLength = 200;

    /// <summary>What a file of any other kind is served as: the browser only ever saves it.</summary>
    public const string Unknown = "application/octet-stream";

    /// <summary>What the bytes of a kind of file start with (or, for text, what they must not hold).</summary>
    private enum Signature
    {
        Png,
        Jpeg,
        Gif,
        Webp,
        Pdf,
        Zip,
        OldOffice,
        Text,
    }

    private static readonly Dictionary<string, (string Type, Signature Signature)> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = ("image/png", Signature.Png),
        [".jpg"] = ("image/jpeg", Signature.Jpeg),
        [".jpeg"] = ("image/jpeg", Signature.Jpeg),
        [".gif"] = ("image/gif", Signature.Gif),
        [".webp"] = ("image/webp", Signature.Webp),
        [".pdf"] = ("application/pdf", Signature.Pdf),
        [".zip"] = ("application/zip", Signature.Zip),
        [".docx"] = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", Signature.Zip),
        [".xlsx"] = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Signature.Zip),
        [".pptx"] = ("application/vnd.openxmlformats-officedocument.presentationml.presentation", Signature.Zip),
        [".odt"] = ("application/vnd.oasis.opendocument.text", Signature.Zip),
        [".ods"] = ("application/vnd.oasis.opendocument.spreadsheet", Signature.Zip),
        [".doc"] = ("application/msword", Signature.OldOffice),
        [".xls"] = ("application/vnd.ms-excel", Signature.OldOffice),
        [".msg"] = ("application/vnd.ms-outlook", Signature.OldOffice),
        [".txt"] = ("text/plain", Signature.Text),
        [".log"] = ("text/plain", Signature.Text),
        [".csv"] = ("text/csv", Signature.Text),
        [".json"] = ("application/json", Signature.Text),
    };

    /// <summary>Kinds recognised by their bytes alone, for a file whose name has no extension we know ("screenshot").</summary>
    private static readonly (Signature Signature, string Type)[] BySniffing =
    [
        (Signature.Png, "image/png"), (Signature.Jpeg, "image/jpeg"), (Signature.Gif, "image/gif"), (Signature.Webp, "image/webp"), (Signature.Pdf, "application/pdf"),
    ];

    /// <summary>The name to keep for what the uploader called the file: its last path segment, cleaned; "attachment" when nothing is left.</summary>
    public static string SafeName(string? uploaded)
    {
        var name = uploaded ?? "";
        // Some browsers (old Internet Explorer, some Windows clients) send the whole path, "C:\Users\ann\plan.pdf".
        var slash = name.LastIndexOfAny(['/', '\\']);
        if (slash >= 0) name = name[(slash + 1)..];
        var kept = new List<Rune>(name.Length);
        foreach (var rune in name.Normalize(NormalizationForm.FormC).EnumerateRunes())
        {
            // Line breaks and tabs would end a header or a log line: any white space is a plain space.
            if (Rune.IsWhiteSpace(rune))
            {
                kept.Add(new Rune(' '));
                continue;
            }
            // Other control characters go, and so do format characters, among them the direction overrides that make
            // "gpj.exe" read as "exe.jpg" (U+202E); a broken surrogate is read as U+FFFD and goes too.
            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format || rune == Rune.ReplacementChar) continue;
            // What Windows refuses in a name becomes "_", so the name a person saves is the name they see here.
            kept.Add(rune.Value is '<' or '>' or ':' or '"' or '|' or '?' or '*' ? new Rune('_') : rune);
        }
        // "." and ".." are no names, and Windows drops trailing dots and spaces itself.
        var text = string.Concat(kept.Select(r => r.ToString())).Trim().TrimStart('.').TrimEnd('.', ' ').Trim();
        if (text.Length == 0) return "attachment";
        return text.Length <= MaxNameLength ? text : Shorten(text);
    }

    /// <summary>The name cut to <see cref="MaxNameLength"/> characters, keeping a short extension and never half a character.</summary>
    private static string Shorten(string name)
    {
        var extension = Path.GetExtension(name);
        if (extension.Length > 16) extension = "";
        var stem = name[..^extension.Length];
        var room = MaxNameLength - extension.Length;
        var builder = new StringBuilder(MaxNameLength);
        foreach (var rune in stem.EnumerateRunes())
        {
            if (builder.Length + rune.Utf16SequenceLength > room) break;
            builder.Append(rune.ToString());
        }
        return builder.ToString().TrimEnd('.', ' ') + extension;
    }

    /// <summary>
    /// The type the file is served as: the allow-listed type of its extension when the bytes are of that kind; for a
    /// name without a known extension, an image or PDF its bytes show it to be; otherwise <see cref="Unknown"/>.
    /// </summary>
    public static string ContentTypeOf(string name, ReadOnlySpan<byte> content)
    {
        if (ByExtension.TryGetValue(Path.GetExtension(name), out var known)) return Has(known.Signature, content) ? known.Type : Unknown;
        foreach (var (signature, type) in BySniffing)
        {
            if (Has(signature, content)) return type;
        }
        return Unknown;
    }

    private static bool Has(Signature signature, ReadOnlySpan<byte> b) => signature switch
    {
        Signature.Png => b.StartsWith(PngStart),
        Signature.Jpeg => b.StartsWith(JpegStart),
        Signature.Gif => b.StartsWith("GIF87a"u8) || b.StartsWith("GIF89a"u8),
        Signature.Webp => b.Length >= 12 && b.StartsWith("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8),
        Signature.Pdf => b.StartsWith("%PDF-"u8),
        // A local file header, or the end record of an empty archive.
        Signature.Zip => b.StartsWith(ZipStart) || b.StartsWith(EmptyZipStart),
        Signature.OldOffice => b.StartsWith(OldOfficeStart),
        // Text is UTF-8 without NUL bytes: anything else named .txt is served as bytes to save, not text to show.
        Signature.Text => !b.Contains((byte)0) && System.Text.Unicode.Utf8.IsValid(b),
        _ => false,
    };

    private static ReadOnlySpan<byte> PngStart => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> JpegStart => [0xFF, 0xD8, 0xFF];

    private static ReadOnlySpan<byte> ZipStart => [0x50, 0x4B, 0x03, 0x04];

    private static ReadOnlySpan<byte> EmptyZipStart => [0x50, 0x4B, 0x05, 0x06];

    /// <summary>The compound file of .doc, .xls and .msg.</summary>
    private static ReadOnlySpan<byte> OldOfficeStart => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    /// <summary>A size as people read it: "512 bytes", "120 KB", "2.4 MB".</summary>
    public static string SizeText(long bytes) => bytes switch
    {
        1 => "1 byte",
        < 1024 => bytes.ToString(CultureInfo.InvariantCulture) + " bytes",
        < 1024 * 1024 => Math.Max(1, (long)Math.Round(bytes / 1024.0, MidpointRounding.AwayFromZero)).ToString(CultureInfo.InvariantCulture) + " KB",
        _ => (bytes / (1024.0 * 1024.0)).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
    };
}
