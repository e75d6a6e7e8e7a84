using ItsmWorkflows.Server.Tickets;
using Xunit;

namespace ItsmWorkflows.Server.Tests;

/// <summary>What an uploaded file is called and served as, whatever its uploader sent.</summary>
public sealed class AttachmentFilesTests
{
    [Theory]
    [InlineData("screenshot.png", "screenshot.png")]
    [InlineData(@"C:\Users\ann\Desktop\plan.pdf", "plan.pdf")]
    [InlineData("../../../etc/passwd", "passwd")]
    [InlineData("report\r\nSet-Cookie: x=1.txt", "report  Set-Cookie_ x=1.txt")]
    [InlineData("a\u0000b\u0007c.txt", "abc.txt")]
    [InlineData("invoice\u202Efdp.exe", "invoicefdp.exe")] // a right-to-left override made it read "invoiceexe.pdf"
    [InlineData("tab\there.txt", "tab here.txt")]
    [InlineData("  .hidden  ", "hidden")]
    [InlineData("name. . .", "name")]
    [InlineData("..", "attachment")]
    [InlineData("dir/", "attachment")]
    [InlineData("", "attachment")]
    [InlineData(null, "attachment")]
    [InlineData("Caf\u0065\u0301.txt", "Café.txt")] // composed, as the name is compared and shown
    [InlineData("broken\uD800half.txt", "brokenhalf.txt")]
    public void SafeName_KeepsTheLastSegment_WithoutWhatCouldHurt(string? uploaded, string expected) =>
        Assert.Equal(expected, AttachmentFiles.SafeName(uploaded));

    [Fact]
    public void SafeName_ShortensALongName_KeepingItsExtension_AndWholeCharacters()
    {
        Assert.Equal(new string('a', 194) + "😀.pdf", AttachmentFiles.SafeName(new string('a', 194) + "😀😀😀.pdf"));
        // One more letter and the emoji (two UTF-16 units) no longer fits whole: it goes, rather than half of it.
        Assert.Equal(new string('a', 195) + ".pdf", AttachmentFiles.SafeName(new string('a', 195) + "😀😀😀.pdf"));
        Assert.Equal(AttachmentFiles.MaxNameLength, AttachmentFiles.SafeName(new string('b', 400)).Length);
    }

    [Theory]
    [InlineData("shot.PNG", new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1 }, "image/png")]
    [InlineData("shot", new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1 }, "image/png")] // no extension: the bytes say
    [InlineData("photo.jpg", new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, "image/jpeg")]
    [InlineData("photo.jpg", new byte[] { (byte)'<', (byte)'h', (byte)'t', (byte)'m', (byte)'l', (byte)'>' }, "application/octet-stream")]
    [InlineData("plan.pdf", new byte[] { (byte)'%', (byte)'P', (byte)'D', (byte)'F', (byte)'-', (byte)'1' }, "application/pdf")]
    [InlineData("quote.docx", new byte[] { 0x50, 0x4B, 0x03, 0x04, 0 }, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    [InlineData("quote.xls", new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }, "application/vnd.ms-excel")]
    [InlineData("notes.txt", new byte[] { (byte)'h', (byte)'i', 0xC3, 0xA4 }, "text/plain")]
    [InlineData("notes.txt", new byte[] { (byte)'h', 0, (byte)'i' }, "application/octet-stream")]
    [InlineData("notes.txt", new byte[] { 0xC3 }, "application/octet-stream")] // not UTF-8
    [InlineData("page.html", new byte[] { (byte)'<', (byte)'p', (byte)'>' }, "application/octet-stream")]
    [InlineData("logo.svg", new byte[] { (byte)'<', (byte)'s', (byte)'v', (byte)'g', (byte)'>' }, "application/octet-stream")]
    [InlineData("setup.exe", new byte[] { (byte)'M', (byte)'Z' }, "application/octet-stream")]
    [InlineData("page", new byte[] { (byte)'<', (byte)'p', (byte)'>' }, "application/octet-stream")]
    public void ContentType_IsTheAllowListsWhenTheBytesAgree_ElseBytes(string name, byte[] content, string expected) =>
        Assert.Equal(expected, AttachmentFiles.ContentTypeOf(name, content));

    [Theory]
    [InlineData(1, "1 byte")]
    [InlineData(1023, "1023 bytes")]
    [InlineData(1024, "1 KB")]
    [InlineData(122_880, "120 KB")]
    [InlineData(10 * 1024 * 1024, "10 MB")]
    [InlineData(2_516_582, "2.4 MB")]
    public void SizeText_ReadsAsPeopleSayIt(long bytes, string expected) => Assert.Equal(expected, AttachmentFiles.SizeText(bytes));
}
