using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace ItsmWorkflows.Browser.Tests;

/// <summary>Files on a ticket's page: the requester attaches a photo of the fault, the desk sees it arrive and downloads it.</summary>
public sealed class PortalAttachmentTests(DesignerFixture fixture) : IClassFixture<DesignerFixture>
{
    private static readonly LocatorAssertionsToBeVisibleOptions Patient = new() { Timeout = 20_000 };

    [Fact]
    public async Task TheRequester_AttachesAFile_AndTheDesk_SeesItArriveAndDownloadsIt()
    {
        var (alice, page) = await fixture.SignedInAsync("alice");
        await using var _ = alice;
        var (bob, desk) = await fixture.SignedInAsync("bob");
        await using var __ = bob;
        string? number = null;
        // A PNG's signature and some bytes of every value: what arrives must be exactly this.
        var photo = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.Concat(Enumerable.Range(0, 4096).Select(i => (byte)(i * 7))).ToArray();
        try
        {
            var raised = await alice.APIRequest.PostAsync("/api/incidents", new() { DataObject = new { title = "Docking station sparks when plugged in", serviceId = "network", impact = 3, urgency = 3 } });
            Assert.True(raised.Ok, await raised.TextAsync());
            number = JsonNode.Parse(await raised.TextAsync())!["number"]!.GetValue<string>();

            // The desk has the ticket open before anything is attached.
            await desk.GotoAsync($"/portal/#/tickets/{number}");
            var deskFiles = desk.GetByTestId("attachments");
            await Expect(deskFiles).ToContainTextAsync("No files attached.");
            await Expect(desk.GetByTestId("live-status")).ToHaveTextAsync("● live", new() { Timeout = 20_000 });

            await page.GotoAsync($"/portal/#/tickets/{number}");
            var files = page.GetByTestId("attachments");
            await Expect(files).ToContainTextAsync("No files attached.");
            var picker = page.GetByLabel("Attach files");
            var upload = page.GetByRole(AriaRole.Button, new() { Name = "Upload" });
            await Expect(upload).ToBeDisabledAsync();

            // A file over the limit is refused beside the picker before anything is sent.
            await picker.SetInputFilesAsync(new FilePayload { Name = "video.mp4", MimeType = "video/mp4", Buffer = new byte[10 * 1024 * 1024 + 1] });
            await upload.ClickAsync();
            await Expect(page.GetByTestId("attachment-error")).ToContainTextAsync("video.mp4 is larger than 10 MB, the most one attachment may be");
            await Expect(files).ToContainTextAsync("No files attached.");

            await picker.SetInputFilesAsync(new FilePayload { Name = "sparks.png", MimeType = "image/png", Buffer = photo });
            await Expect(page.GetByTestId("attachment-error")).ToHaveCountAsync(0);
            await upload.ClickAsync();
            await Expect(files.GetByRole(AriaRole.Status)).ToHaveTextAsync("Attached sparks.png.");
            await Expect(files.GetByRole(AriaRole.Link, new() { Name = "sparks.png" })).ToBeVisibleAsync();
            await Expect(files).ToContainTextAsync("4 KB · Alice Requester");
            await Expect(page.GetByTestId("timeline")).ToContainTextAsync("Attached sparks.png (4 KB)");
            // Hers to remove; the picker is empty again for the next file.
            await Expect(files.GetByRole(AriaRole.Button, new() { Name = "Remove sparks.png" })).ToBeVisibleAsync();
            await Expect(upload).ToBeDisabledAsync();

            // The desk's page shows it without a reload, and the download is byte for byte what she attached.
            var link = deskFiles.GetByRole(AriaRole.Link, new() { Name = "sparks.png" });
            await Expect(link).ToBeVisibleAsync(Patient);
            await Expect(desk.GetByTestId("timeline")).ToContainTextAsync("Attached sparks.png (4 KB)");
            var download = await desk.RunAndWaitForDownloadAsync(() => link.ClickAsync());
            Assert.Equal("sparks.png", download.SuggestedFilename);
            Assert.Equal(photo, await File.ReadAllBytesAsync(await download.PathAsync(), TestContext.Current.CancellationToken));
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, "portal-attachments.png"), FullPage = true });
            await desk.ScreenshotAsync(new() { Path = Path.Combine(DesignerFixture.ArtifactsFolder, "portal-attachments-desk.png"), FullPage = true });
            throw await fixture.ExplainAsync(ex, page, number is null ? null : $"/api/tickets/{number}/attachments");
        }
    }
}
