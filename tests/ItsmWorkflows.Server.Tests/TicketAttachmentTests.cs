using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// Files on tickets, on each database: uploaded as a form, listed, downloaded byte for byte as a file to save (never a
/// page that runs), within the limits, by whoever may read, write on or work the ticket; each addition and removal a
/// line in the ticket's history and a change of the ticket.
/// </summary>
public abstract class TicketAttachmentTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly byte[] PngStart = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>A ticket of alice's, on the Service Desk (bob's and ivan's group), raised an hour ago by the engine's clock: its number.</summary>
    private async Task<string> TicketAsync(string status = "New", string? instanceId = null, string requester = "alice", string group = "Service Desk")
    {
        var number = ("INC" + Guid.NewGuid().ToString("N")[..12]).ToUpperInvariant();
        var before = fixture.EngineClock.GetUtcNow().AddHours(-1);
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
        db.Tickets.Add(new TicketRecord
        {
            Id = Guid.NewGuid().ToString("N"), Number = number, Kind = TicketKind.Incident, Title = "Laptop screen flickers", Status = status,
            Requester = requester, AssignmentGroup = group, InstanceId = instanceId, CreatedAt = before, UpdatedAt = before,
        });
        await db.SaveChangesAsync(Ct);
        return number;
    }

    private async Task<TicketRecord> StoredAsync(string number)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ItsmDbContext>().Tickets.AsNoTracking().SingleAsync(t => t.Number == number, Ct);
    }

    private async Task<int> StoredAttachmentsAsync(string number)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ItsmDbContext>().TicketAttachments.CountAsync(a => a.TicketNumber == number, Ct);
    }

    private static MultipartFormDataContent Form(params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            // What the browser claims is ignored: this says HTML for everything.
            part.Headers.ContentType = new MediaTypeHeaderValue("text/html");
            form.Add(part, "file", name);
        }
        return form;
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, string number, params (string Name, byte[] Bytes)[] files) =>
        client.PostAsync($"/api/tickets/{number}/attachments", Form(files), Ct);

    private static async Task<JsonArray> AttachAsync(HttpClient client, string number, params (string Name, byte[] Bytes)[] files)
    {
        var response = await UploadAsync(client, number, files);
        var added = await OkAsync(response);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return added.AsArray();
    }

    private static async Task<JsonNode> ListAsync(HttpClient client, string number) => await OkAsync(await client.GetAsync($"/api/tickets/{number}/attachments", Ct));

    private static byte[] Png(int size)
    {
        var bytes = RandomNumberGenerator.GetBytes(size);
        PngStart.CopyTo(bytes, 0);
        return bytes;
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response) => (await ReadAsync(response))["detail"]!.GetValue<string>();

    private static List<string> History(JsonNode detail) => [.. detail["history"]!.AsArray().Select(h => h!["text"]!.GetValue<string>())];

    [Fact]
    public async Task Upload_ListAndDownload_GiveBackTheSameBytes_AndTheUploadIsAChangeOfTheTicket()
    {
        var number = await TicketAsync();
        var before = await StoredAsync(number);
        var alice = await fixture.ClientAsync("alice");
        var screenshot = Png(122_880);
        var notes = Encoding.UTF8.GetBytes("Flickers when the dock is plugged in.\nÄ line with umlauts.\n");

        var added = await AttachAsync(alice, number, ("screenshot.png", screenshot), ("notes.txt", notes));

        Assert.Equal(["screenshot.png", "notes.txt"], added.Select(a => a!["name"]!.GetValue<string>()));
        var listed = await ListAsync(alice, number);
        var items = listed["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        var png = items.Single(a => a!["name"]!.GetValue<string>() == "screenshot.png")!;
        Assert.Equal(("image/png", 122_880L, "Alice Requester", true), (png["type"]!.GetValue<string>(), png["size"]!.GetValue<long>(), png["by"]!.GetValue<string>(), png["canDelete"]!.GetValue<bool>()));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(screenshot)), png["sha256"]!.GetValue<string>());
        Assert.Equal("text/plain", items.Single(a => a!["name"]!.GetValue<string>() == "notes.txt")!["type"]!.GetValue<string>());
        Assert.True(listed["canAdd"]!.GetValue<bool>());
        Assert.Equal((10L * 1024 * 1024, 50), (listed["maxFileBytes"]!.GetValue<long>(), listed["maxPerTicket"]!.GetValue<int>()));

        // The desk downloads exactly what she sent, as a file to save under its name.
        var bob = await fixture.ClientAsync("bob");
        var download = await bob.GetAsync(png["url"]!.GetValue<string>(), Ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(screenshot, await download.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("image/png", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal(("attachment", "screenshot.png"), (download.Content.Headers.ContentDisposition!.DispositionType, download.Content.Headers.ContentDisposition.FileNameStar));
        Assert.Equal(notes, await (await bob.GetAsync(items.Single(a => a!["name"]!.GetValue<string>() == "notes.txt")!["url"]!.GetValue<string>(), Ct)).Content.ReadAsByteArrayAsync(Ct));
        // Any node serves it: the bytes are in the database, not on the disk of the node that took them.
        await using (var otherNode = fixture.CreateNode())
        {
            var ivan = otherNode.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
            (await ivan.PostJsonAsync("/account/demo-sign-in", new { userName = "ivan" })).EnsureSuccessStatusCode();
            Assert.Equal(screenshot, await (await ivan.GetAsync(png["url"]!.GetValue<string>(), Ct)).Content.ReadAsByteArrayAsync(Ct));
        }

        // One upload, one change of the ticket: a new revision, updated now, a history line per file with its size.
        var after = await StoredAsync(number);
        Assert.Equal(before.Revision + 1, after.Revision);
        Assert.True((after.UpdatedAt - fixture.EngineClock.GetUtcNow()).Duration() < TimeSpan.FromMilliseconds(1), $"Updated at {after.UpdatedAt:O}, not now");
        var history = History(await OkAsync(await alice.GetAsync($"/api/tickets/{number}", Ct)));
        Assert.Contains("Attached screenshot.png (120 KB)", history);
        Assert.Contains($"Attached notes.txt ({notes.Length} bytes)", history);
    }

    [Fact]
    public async Task HtmlAndSvg_AreServedAsBytesToSave_NeverAsAPageOfThisSite()
    {
        var number = await TicketAsync();
        var alice = await fixture.ClientAsync("alice");
        var page = "<html><script>fetch('/api/tokens',{method:'POST'})</script></html>"u8.ToArray();
        var svg = "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"u8.ToArray();
        // An HTML page named as an image is not believed either: its bytes are no PNG.
        await AttachAsync(alice, number, ("invoice.html", page), ("logo.svg", svg), ("photo.png", page), ("readme.txt", [0x00, 0x01, 0x02]));

        var items = (await ListAsync(alice, number))["items"]!.AsArray();
        Assert.All(items, a => Assert.Equal("application/octet-stream", a!["type"]!.GetValue<string>()));
        foreach (var item in items)
        {
            var download = await alice.GetAsync(item!["url"]!.GetValue<string>(), Ct);
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal("application/octet-stream", download.Content.Headers.ContentType!.MediaType);
            Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
            Assert.Equal("nosniff", Assert.Single(download.Headers.GetValues("X-Content-Type-Options")));
            var policy = Assert.Single(download.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("sandbox", policy, StringComparison.Ordinal);
            Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
            Assert.Equal("same-origin", Assert.Single(download.Headers.GetValues("Cross-Origin-Resource-Policy")));
        }
    }

    [Fact]
    public async Task Names_AreCleaned_OfPathsAndWhatWindowsRefuses_AndShortened()
    {
        var number = await TicketAsync();
        var alice = await fixture.ClientAsync("alice");
        var longName = new string('x', 300) + ".pdf";
        await AttachAsync(alice, number, (@"C:\Users\alice\Desktop\plan.txt", "a"u8.ToArray()), ("../../etc/passwd", "b"u8.ToArray()),
            ("..", "c"u8.ToArray()), ("what?<now>.txt", "d"u8.ToArray()), (longName, "%PDF-1.7"u8.ToArray()), ("Überweisung März.txt", "e"u8.ToArray()));

        var names = (await ListAsync(alice, number))["items"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["plan.txt", "passwd", "attachment", "what__now_.txt", new string('x', 196) + ".pdf", "Überweisung März.txt"], names);
        var item = (await ListAsync(alice, number))["items"]!.AsArray().Last()!;
        var download = await alice.GetAsync(item["url"]!.GetValue<string>(), Ct);
        Assert.Equal("Überweisung März.txt", download.Content.Headers.ContentDisposition!.FileNameStar);
    }

    [Fact]
    public async Task AFileOverTheLimit_Is413_AndNothingIsAttached_WhileOneAtTheLimitIsTaken()
    {
        var number = await TicketAsync();
        var alice = await fixture.ClientAsync("alice");
        var limit = 10 * 1024 * 1024;

        var refused = await UploadAsync(alice, number, ("small.txt", "fine"u8.ToArray()), ("huge.png", Png(limit + 1)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.StartsWith("huge.png is larger than 10 MB, the most one attachment may be", await DetailAsync(refused), StringComparison.Ordinal);
        Assert.Equal(0, await StoredAttachmentsAsync(number)); // all or nothing: the small one was not kept either

        // Several files that pass one by one but not together.
        var together = await UploadAsync(alice, number, ("a.png", Png(9 * 1024 * 1024)), ("b.png", Png(9 * 1024 * 1024)), ("c.png", Png(9 * 1024 * 1024)), ("d.png", Png(9 * 1024 * 1024)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, together.StatusCode);
        Assert.StartsWith("One upload carries at most 30 MB of files (each at most 10 MB)", await DetailAsync(together), StringComparison.Ordinal);
        Assert.Equal(0, await StoredAttachmentsAsync(number));

        var atTheLimit = Png(limit);
        var added = await AttachAsync(alice, number, ("exactly-10mb.png", atTheLimit));
        var download = await alice.GetAsync(added[0]!["url"]!.GetValue<string>(), Ct);
        Assert.Equal(atTheLimit, await download.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task ATicket_TakesFiftyAttachments_Then409_AndSaysSoInTheList()
    {
        var number = await TicketAsync();
        var alice = await fixture.ClientAsync("alice");
        var tooMany = await UploadAsync(alice, number, [.. Enumerable.Range(1, 51).Select(i => ($"page-{i}.txt", Encoding.UTF8.GetBytes($"page {i}")))]);
        Assert.Equal(HttpStatusCode.Conflict, tooMany.StatusCode);
        Assert.Equal($"{number} takes 50 more attachments; attach fewer files, or remove ones it no longer needs first.", await DetailAsync(tooMany));
        Assert.Equal(0, await StoredAttachmentsAsync(number));

        await AttachAsync(alice, number, [.. Enumerable.Range(1, 50).Select(i => ($"page-{i}.txt", Encoding.UTF8.GetBytes($"page {i}")))]);
        var full = await UploadAsync(alice, number, ("one-more.txt", "x"u8.ToArray()));
        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        Assert.StartsWith($"{number} has 50 attachments, the most a ticket may have", await DetailAsync(full), StringComparison.Ordinal);
        var listed = await ListAsync(alice, number);
        Assert.Equal(50, listed["items"]!.AsArray().Count);
        Assert.False(listed["canAdd"]!.GetValue<bool>());
        Assert.StartsWith($"{number} has 50 attachments", listed["cannotAdd"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUploadWithoutAFile_IsExplained()
    {
        var number = await TicketAsync();
        var alice = await fixture.ClientAsync("alice");
        var form = new MultipartFormDataContent { { new StringContent("just text"), "comment" } };
        var empty = await alice.PostAsync($"/api/tickets/{number}/attachments", form, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.StartsWith("The form holds no file.", await DetailAsync(empty), StringComparison.Ordinal);
        var zero = await UploadAsync(alice, number, ("empty.txt", []));
        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
        Assert.Equal("empty.txt is empty (0 bytes); choose the file again.", await DetailAsync(zero));
        var json = await alice.PostJsonAsync($"/api/tickets/{number}/attachments", new { file = "screenshot.png" });
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Contains("multipart/form-data", await DetailAsync(json), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherRequester_FindsNoTicket_WhateverSheTries()
    {
        var number = await TicketAsync();
        var added = await AttachAsync(await fixture.ClientAsync("alice"), number, ("payslip.pdf", "%PDF-1.4 private"u8.ToArray()));
        var url = added[0]!["url"]!.GetValue<string>();
        var kate = await fixture.ClientAsync("kate");
        Assert.Equal(HttpStatusCode.NotFound, (await kate.GetAsync($"/api/tickets/{number}/attachments", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await kate.GetAsync(url, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await UploadAsync(kate, number, ("mine.txt", "x"u8.ToArray()))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await kate.DeleteAsync(url, Ct)).StatusCode);
        Assert.Equal(1, await StoredAttachmentsAsync(number));
        // Nor does an attachment of one ticket come through another's address.
        var other = await TicketAsync(requester: "kate");
        Assert.Equal(HttpStatusCode.NotFound, (await kate.GetAsync(url.Replace(number, other, StringComparison.Ordinal), Ct)).StatusCode);
    }

    [Fact]
    public async Task AnApprover_ReadsAndDownloads_ButAttachesAndRemovesNothing()
    {
        var instanceId = Guid.NewGuid().ToString("N");
        var number = await TicketAsync(instanceId: instanceId);
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            // carol was asked to approve it: her link is live.
            var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
            var approvalId = Guid.NewGuid().ToString("N");
            var now = fixture.EngineClock.GetUtcNow();
            db.Approvals.Add(new ApprovalRecord { Id = approvalId, InstanceId = instanceId, DefinitionId = "request-fulfilment", ActivityId = "approve", Title = $"Approve {number}", ContentHash = "x", Rule = "any", CreatedAt = now });
            db.ApprovalTokens.Add(new ApprovalTokenRecord { Id = Guid.NewGuid().ToString("N"), ApprovalId = approvalId, Approver = "carol", TokenHash = Guid.NewGuid().ToString("N"), ContentHash = "x", CreatedAt = now, ExpiresAt = now.AddDays(3) });
            await db.SaveChangesAsync(Ct);
        }
        var quote = "%PDF-1.7 quote for the docking station"u8.ToArray();
        var added = await AttachAsync(await fixture.ClientAsync("alice"), number, ("quote.pdf", quote));
        var carol = await fixture.ClientAsync("carol");

        var listed = await ListAsync(carol, number);
        var item = Assert.Single(listed["items"]!.AsArray())!;
        Assert.False(item["canDelete"]!.GetValue<bool>());
        Assert.False(listed["canAdd"]!.GetValue<bool>());
        Assert.StartsWith($"You read {number} as one of its approvers", listed["cannotAdd"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(quote, await (await carol.GetAsync(added[0]!["url"]!.GetValue<string>(), Ct)).Content.ReadAsByteArrayAsync(Ct));

        var upload = await UploadAsync(carol, number, ("counter-offer.pdf", "%PDF-1.7"u8.ToArray()));
        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
        Assert.StartsWith($"You read {number} as one of its approvers; files are attached by its requester and the people who work it.", await DetailAsync(upload), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.DeleteAsync(added[0]!["url"]!.GetValue<string>(), Ct)).StatusCode);
        Assert.Equal(1, await StoredAttachmentsAsync(number));
    }

    [Fact]
    public async Task Removing_IsForTheUploader_TheTicketsGroup_AndProcessOwners_AndIsInTheHistory()
    {
        var number = await TicketAsync();
        var alice = await fixture.ClientAsync("alice");
        var bob = await fixture.ClientAsync("bob");
        var hers = (await AttachAsync(alice, number, ("hers.txt", "alice's"u8.ToArray()), ("second.txt", "again"u8.ToArray()))).Select(a => a!["url"]!.GetValue<string>()).ToList();
        var his = (await AttachAsync(bob, number, ("log.txt", "bob's"u8.ToArray())))[0]!["url"]!.GetValue<string>();
        var revision = (await StoredAsync(number)).Revision;

        // The requester removes what she attached, not what the desk did; she reads which she may.
        var forAlice = (await ListAsync(alice, number))["items"]!.AsArray();
        Assert.Equal([true, true, false], forAlice.Select(a => a!["canDelete"]!.GetValue<bool>()));
        var refused = await alice.DeleteAsync(his, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal($"Only whoever attached log.txt, an agent of Service Desk, a process owner or an administrator can remove it from {number}.", await DetailAsync(refused));
        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync(hers[0], Ct)).StatusCode);
        // An agent of another group reads the ticket but does not work it.
        var nina = await fixture.ClientAsync("nina");
        Assert.All((await ListAsync(nina, number))["items"]!.AsArray(), a => Assert.False(a!["canDelete"]!.GetValue<bool>()));
        Assert.Equal(HttpStatusCode.Forbidden, (await nina.DeleteAsync(his, Ct)).StatusCode);
        // An agent of its group, and a process owner, remove anyone's.
        Assert.Equal(HttpStatusCode.NoContent, (await (await fixture.ClientAsync("ivan")).DeleteAsync(his, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await (await fixture.ClientAsync("dave")).DeleteAsync(hers[1], Ct)).StatusCode);
        Assert.Equal(0, await StoredAttachmentsAsync(number));
        var gone = await alice.GetAsync(hers[0], Ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync(his, Ct)).StatusCode); // twice: it is not there any more

        Assert.Equal(revision + 3, (await StoredAsync(number)).Revision);
        var history = (await OkAsync(await bob.GetAsync($"/api/tickets/{number}", Ct)))["history"]!.AsArray();
        Assert.Contains(history, h => h!["text"]!.GetValue<string>() == "Removed the attachment hers.txt (7 bytes)" && h["actor"]!.GetValue<string>() == "alice");
        Assert.Contains(history, h => h!["text"]!.GetValue<string>() == "Removed the attachment log.txt (5 bytes)" && h["actor"]!.GetValue<string>() == "ivan");
        Assert.Contains(history, h => h!["text"]!.GetValue<string>() == "Removed the attachment second.txt (5 bytes)" && h["actor"]!.GetValue<string>() == "dave");
    }

    [Fact]
    public async Task AClosedTicket_TakesNoMoreFiles_409_ButKeepsWhatItHas()
    {
        var number = await TicketAsync();
        var alice = await fixture.ClientAsync("alice");
        var kept = (await AttachAsync(alice, number, ("before.txt", "attached while open"u8.ToArray())))[0]!["url"]!.GetValue<string>();
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ItsmDbContext>().Tickets.Where(t => t.Number == number)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, "Closed").SetProperty(t => t.ClosedAt, fixture.EngineClock.GetUtcNow()), Ct);
        }

        var refused = await UploadAsync(alice, number, ("after.txt", "too late"u8.ToArray()));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal($"{number} is closed, so nothing more can be attached to it; raise a new ticket that names {number} and attach the file there.", await DetailAsync(refused));
        var listed = await ListAsync(alice, number);
        Assert.False(listed["canAdd"]!.GetValue<bool>());
        Assert.Equal("attached while open"u8.ToArray(), await (await alice.GetAsync(kept, Ct)).Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(1, await StoredAttachmentsAsync(number));
    }
}

public sealed class TicketAttachmentSqliteTests(SqliteServerFixture fixture) : TicketAttachmentTests<SqliteServerFixture>(fixture);

public sealed class TicketAttachmentPostgresTests(PostgresServerFixture fixture) : TicketAttachmentTests<PostgresServerFixture>(fixture);
