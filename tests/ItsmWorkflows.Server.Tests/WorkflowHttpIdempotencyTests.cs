using System.Net;
using System.Security.Claims;
using ItsmWorkflows.Engine.Activities.Http;
using ItsmWorkflows.Server.Data;
using ItsmWorkflows.Server.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>
/// A sender's retries are safe with an Idempotency-Key: the request runs once per route, caller and key, and its
/// repeats get its answer again (Idempotent-Replayed: true), a 409 while it still runs, or a 422 for another body.
/// </summary>
public abstract partial class WorkflowHttpTests<TFixture>
{
    private static HttpRequestMessage Keyed(string url, string body, string? key, string header = IdempotencyKey.Header)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = Body(body) };
        if (key is not null) request.Headers.TryAddWithoutValidation(header, key);
        return request;
    }

    private async Task<int> InstanceCountAsync(string definitionId)
    {
        var owner = await fixture.ClientAsync("dave");
        return (await OkAsync(await owner.GetAsync($"/api/instances?definitionId={definitionId}&includeTotal=true", Ct)))["total"]!.GetValue<int>();
    }

    /// <summary>The row of an anonymous sender's key for a POST of <paramref name="body"/> (anonymous keys are scoped to the request itself).</summary>
    private static string Anonymous(string route, string key, string body = "{}") =>
        IdempotencyKey.Scope(new ClaimsPrincipal(new ClaimsIdentity()), HttpEndpoint.NormalizePath(route), key, AnonymousRequest(route, body));

    private static string AnonymousRequest(string route, string body) => IdempotencyKey.RequestHash("POST", HttpEndpoint.NormalizePath(route), null, System.Text.Encoding.UTF8.GetBytes(body));

    private static string NewKey() => Guid.NewGuid().ToString();

    [Fact]
    public async Task Webhook_RetriedWithTheSameKey_StartsOneInstance_AndReplaysTheFirstAnswer()
    {
        var path = "retry-" + Guid.NewGuid().ToString("N")[..6];
        var id = "wh-" + Guid.NewGuid().ToString("N")[..8];
        await PublishAsync(Webhook(id, path, authorize: false));
        var sender = await fixture.ClientAsync(null);
        var key = NewKey();

        var first = await sender.SendAsync(Keyed($"/workflows/{path}/zabbix", """{ "severity": "high" }""", key), Ct);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains(IdempotentAnswers.ReplayedHeader));
        var firstBody = await first.Content.ReadAsStringAsync(Ct);

        // The same key in either header is the same key.
        foreach (var header in new[] { IdempotencyKey.Header, IdempotencyKey.AlternateHeader })
        {
            var repeat = await sender.SendAsync(Keyed($"/workflows/{path}/zabbix", """{ "severity": "high" }""", key, header), Ct);
            Assert.Equal(HttpStatusCode.Created, repeat.StatusCode);
            Assert.Equal("true", Assert.Single(repeat.Headers.GetValues(IdempotentAnswers.ReplayedHeader)));
            Assert.Equal(firstBody, await repeat.Content.ReadAsStringAsync(Ct));
            Assert.Equal(first.Content.Headers.ContentType, repeat.Content.Headers.ContentType);
            Assert.StartsWith("sandbox", Assert.Single(repeat.Headers.GetValues("Content-Security-Policy"))); // the workflow answer's own headers come back with it
        }
        Assert.Equal(1, await InstanceCountAsync(id));

        // Without a key, as before: every request starts the workflow.
        Assert.Equal(HttpStatusCode.Created, (await sender.SendAsync(Keyed($"/workflows/{path}/zabbix", """{ "severity": "high" }""", null), Ct)).StatusCode);
        Assert.Equal(2, await InstanceCountAsync(id));
    }

    [Fact]
    public async Task Webhook_KeyReusedForADifferentBody_Is422_ForASignedInSender_AndAnAnonymousOneCannotBeSquatted()
    {
        var path = "reuse-" + Guid.NewGuid().ToString("N")[..6];
        var id = "wh-" + Guid.NewGuid().ToString("N")[..8];
        await PublishAsync(Webhook(id, path, authorize: false));
        var bob = await fixture.ClientAsync("bob");
        var key = NewKey();
        Assert.Equal(HttpStatusCode.Created, (await bob.SendAsync(Keyed($"/workflows/{path}/zabbix", """{ "severity": "high" }""", key), Ct)).StatusCode);

        var other = await bob.SendAsync(Keyed($"/workflows/{path}/zabbix", """{ "severity": "low" }""", key), Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType!.MediaType);
        var problem = (await ReadAsync(other))["detail"]!.GetValue<string>();
        Assert.Contains("was used by you for a different request to this route", problem, StringComparison.Ordinal);
        Assert.Contains("24 hours", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(key, problem, StringComparison.Ordinal); // the key is never echoed
        Assert.Equal(1, await InstanceCountAsync(id));

        // Another sender (signed in) with the same key has a key of its own.
        var carol = await fixture.ClientAsync("carol");
        Assert.Equal(HttpStatusCode.Created, (await carol.SendAsync(Keyed($"/workflows/{path}/zabbix", """{ "severity": "low" }""", key), Ct)).StatusCode);
        Assert.Equal(2, await InstanceCountAsync(id));

        // Anonymous senders cannot be told apart: someone who guesses the monitoring system's next delivery id and sends
        // it first with another body does not get the real alert refused (it ran before as a 422, and a sender does not
        // retry a 4xx: the alert was lost). For them a key deduplicates the identical request only.
        var anonymous = await fixture.ClientAsync(null);
        var squatted = NewKey();
        Assert.Equal(HttpStatusCode.Created, (await anonymous.SendAsync(Keyed($"/workflows/{path}/zabbix", """{ "severity": "none", "note": "squatter" }""", squatted), Ct)).StatusCode);
        var real = await anonymous.SendAsync(Keyed($"/workflows/{path}/zabbix", """{ "severity": "disaster" }""", squatted), Ct);
        Assert.Equal(HttpStatusCode.Created, real.StatusCode);
        Assert.False(real.Headers.Contains(IdempotentAnswers.ReplayedHeader));
        Assert.Equal(4, await InstanceCountAsync(id));
        Assert.True((await anonymous.SendAsync(Keyed($"/workflows/{path}/zabbix", """{ "severity": "disaster" }""", squatted), Ct)).Headers.Contains(IdempotentAnswers.ReplayedHeader));
        Assert.Equal(4, await InstanceCountAsync(id));
    }

    [Theory]
    [InlineData(256, "is 256 characters long")]
    [InlineData(-1, "not printable ASCII")]
    [InlineData(-2, "not printable ASCII")]
    public async Task Webhook_MalformedKey_Is400_SayingWhatIsAllowed_AndStartsNothing(int length, string expected)
    {
        var path = "badkey-" + Guid.NewGuid().ToString("N")[..6];
        var id = "wh-" + Guid.NewGuid().ToString("N")[..8];
        await PublishAsync(Webhook(id, path, authorize: false));
        var key = length >= 0 ? new string('k', length) : length == -1 ? "caf\u00e9-1" : "bell\u0007";

        var refused = await (await fixture.ClientAsync(null)).SendAsync(Keyed($"/workflows/{path}/x", "{}", key), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        var detail = (await ReadAsync(refused))["detail"]!.GetValue<string>();
        Assert.Contains("1 to 255 printable ASCII characters", detail, StringComparison.Ordinal);
        Assert.Contains(expected, detail, StringComparison.Ordinal);
        Assert.Equal(0, await InstanceCountAsync(id));
    }

    [Fact]
    public async Task Webhook_DuplicatesSentAtOnce_StartOneInstance_TheOtherIsRefused409OrReplayed()
    {
        var path = "race-" + Guid.NewGuid().ToString("N")[..6];
        var id = "wh-" + Guid.NewGuid().ToString("N")[..8];
        await PublishAsync(Webhook(id, path, authorize: false));
        var key = NewKey();
        var senders = new[] { await fixture.ClientAsync(null), await fixture.ClientAsync(null) };

        var answers = await Task.WhenAll(senders.Select(s => s.SendAsync(Keyed($"/workflows/{path}/x", "{}", key), Ct)));

        var statuses = answers.Select(a => a.StatusCode).Order().ToList();
        Assert.True(statuses.SequenceEqual([HttpStatusCode.Created, HttpStatusCode.Created]) || statuses.SequenceEqual([HttpStatusCode.Created, HttpStatusCode.Conflict]), string.Join(", ", statuses));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created && !a.Headers.Contains(IdempotentAnswers.ReplayedHeader));
        Assert.Equal(1, await InstanceCountAsync(id));
    }

    [Fact]
    public async Task Webhook_RepeatsSentToTwoNodes_StartOneInstance_AndTheOtherNodeReplays()
    {
        var path = "nodes-" + Guid.NewGuid().ToString("N")[..6];
        var id = "wh-" + Guid.NewGuid().ToString("N")[..8];
        await PublishAsync(Webhook(id, path, authorize: false));
        await using var other = fixture.CreateNode();
        var senders = new[] { await fixture.ClientAsync(null), other.CreateClient() };
        var url = $"/workflows/{path}/x";

        // At once, one to each node; then one more to each.
        var key = NewKey();
        var racing = await Task.WhenAll(senders.Select(s => s.SendAsync(Keyed(url, "{}", key), Ct)));
        Assert.Single(racing, a => a.StatusCode == HttpStatusCode.Created && !a.Headers.Contains(IdempotentAnswers.ReplayedHeader));
        Assert.All(racing, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        foreach (var sender in senders)
        {
            var repeat = await sender.SendAsync(Keyed(url, "{}", key), Ct);
            Assert.Equal(HttpStatusCode.Created, repeat.StatusCode);
            Assert.True(repeat.Headers.Contains(IdempotentAnswers.ReplayedHeader));
        }
        Assert.Equal(1, await InstanceCountAsync(id));
    }

    [Fact]
    public async Task Webhook_WhileTheFirstIsStillProcessing_Is409_AndStartsNothing_UntilItsClaimLapses()
    {
        var path = "busy-" + Guid.NewGuid().ToString("N")[..6];
        var id = "wh-" + Guid.NewGuid().ToString("N")[..8];
        await PublishAsync(Webhook(id, path, authorize: false));
        var key = NewKey();
        var url = $"/workflows/{path}/x";
        // Another node has the first request and is running it.
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var claim = await scope.ServiceProvider.GetRequiredService<WebhookIdempotency>().ClaimAsync(Anonymous($"{path}/x", key), AnonymousRequest($"{path}/x", "{}"), Ct);
            Assert.Equal(IdempotencyOutcome.Owned, claim.Outcome);
        }
        var sender = await fixture.ClientAsync(null);

        var busy = await sender.SendAsync(Keyed(url, "{}", key), Ct);
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        Assert.Equal("application/problem+json", busy.Content.Headers.ContentType!.MediaType);
        Assert.Contains("still being processed; retry later", (await ReadAsync(busy))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(busy.Headers.RetryAfter);
        Assert.Equal(0, await InstanceCountAsync(id));

        // That node stopped before it committed anything: once its claim lapses, a retry runs the request.
        fixture.EngineClock.Advance(WebhookIdempotency.ProcessingLease + TimeSpan.FromSeconds(1));
        var ran = await sender.SendAsync(Keyed(url, "{}", key), Ct);
        Assert.Equal(HttpStatusCode.Created, ran.StatusCode);
        Assert.False(ran.Headers.Contains(IdempotentAnswers.ReplayedHeader));
        Assert.Equal(1, await InstanceCountAsync(id));
        Assert.Equal(HttpStatusCode.Created, (await sender.SendAsync(Keyed(url, "{}", key), Ct)).StatusCode);
        Assert.Equal(1, await InstanceCountAsync(id));
    }

    [Fact]
    public async Task Webhook_ResumingAWaitingInstance_WithAKey_IsNotRunAgainNorTakenAsAStart()
    {
        var path = "resume-" + Guid.NewGuid().ToString("N")[..6];
        var id = "wh-" + Guid.NewGuid().ToString("N")[..8];
        // Started through the API it waits at the route, which also starts the workflow: a repeat of the resume, once the
        // instance waits there no more, would otherwise start a second instance.
        await PublishAsync($$"""
            { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Begin", "type": "Elsa.Start" },
              { "id": "Hook", "type": "Elsa.HttpEndpoint", "canStartWorkflow": true,
                "path": { "typeName": "String", "expression": { "type": "Literal", "value": "{{path}}" } },
                "supportedMethods": { "typeName": "List<String>", "expression": { "type": "Object", "value": "[\"POST\"]" } } },
              { "id": "Out", "type": "Elsa.WriteHttpResponse",
                "statusCode": { "typeName": "HttpStatusCode", "expression": { "type": "Literal", "value": "OK" } },
                "content": { "typeName": "Object", "expression": { "type": "JavaScript", "value": "({ at: new Date().toISOString(), by: getParsedContentFromHook().by })" } } } ],
              "connections": [
                { "source": { "activity": "Begin", "port": "Done" }, "target": { "activity": "Hook", "port": "In" } },
                { "source": { "activity": "Hook", "port": "Done" }, "target": { "activity": "Out", "port": "In" } } ] } }
            """);
        var owner = await fixture.ClientAsync("dave");
        var waiting = (await OkAsync(await owner.PostJsonAsync("/api/instances", new { definitionId = id })))["instance"]!["id"]!.GetValue<string>();
        var sender = await fixture.ClientAsync(null);
        var key = NewKey();

        var first = await sender.SendAsync(Keyed($"/workflows/{path}", """{ "by": "zabbix" }""", key), Ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var firstBody = await first.Content.ReadAsStringAsync(Ct);
        Assert.Equal("Finished", (await OkAsync(await owner.GetAsync($"/api/instances/{waiting}", Ct)))["instance"]!["status"]!.GetValue<string>());

        var repeat = await sender.SendAsync(Keyed($"/workflows/{path}", """{ "by": "zabbix" }""", key), Ct);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal("true", Assert.Single(repeat.Headers.GetValues(IdempotentAnswers.ReplayedHeader)));
        Assert.Equal(firstBody, await repeat.Content.ReadAsStringAsync(Ct)); // the same answer, time stamp and all: not run again
        Assert.Equal(1, await InstanceCountAsync(id));
    }

    [Fact]
    public async Task Webhook_ThatStopsAtAnIncident_WithAKey_ReplaysIts500_AndStartsNoSecondInstance()
    {
        // The workflow took the request (its instance exists, stopped at an incident): the 500 is its answer, and a retry
        // must not start it again, or every retry of the sender leaves another stopped instance.
        var path = "faulty-" + Guid.NewGuid().ToString("N")[..6];
        var id = "wh-" + Guid.NewGuid().ToString("N")[..8];
        await PublishAsync($$"""
            { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Hook", "type": "Elsa.HttpEndpoint", "canStartWorkflow": true,
                "path": { "typeName": "String", "expression": { "type": "Literal", "value": "{{path}}" } },
                "supportedMethods": { "typeName": "List<String>", "expression": { "type": "Object", "value": "[\"POST\"]" } } },
              { "id": "OpenIncident", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "JavaScript", "value": "(() => { throw new Error('boom'); })()" } } } ],
              "connections": [ { "source": { "activity": "Hook", "port": "Done" }, "target": { "activity": "OpenIncident", "port": "In" } } ] } }
            """);
        var sender = await fixture.ClientAsync(null);
        var key = NewKey();

        var first = await sender.SendAsync(Keyed($"/workflows/{path}", "{}", key), Ct);
        Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        var instance = (await ReadAsync(first))["workflowInstanceId"]!.GetValue<string>();
        var repeat = await sender.SendAsync(Keyed($"/workflows/{path}", "{}", key), Ct);
        Assert.Equal(HttpStatusCode.InternalServerError, repeat.StatusCode);
        Assert.Equal("true", Assert.Single(repeat.Headers.GetValues(IdempotentAnswers.ReplayedHeader)));
        Assert.Equal(instance, (await ReadAsync(repeat))["workflowInstanceId"]!.GetValue<string>());
        Assert.Equal(1, await InstanceCountAsync(id));
    }

    [Fact]
    public async Task Webhook_RefusedOrFailedBeforeAnythingCommitted_LetsTheKeyBeUsedAgain()
    {
        var path = "later-" + Guid.NewGuid().ToString("N")[..6];
        var id = "wh-" + Guid.NewGuid().ToString("N")[..8];
        var eventName = "boom-" + Guid.NewGuid().ToString("N")[..8];
        var sender = await fixture.ClientAsync(null);
        var key = NewKey();

        // Nothing answers yet (404): nothing ran, so nothing is kept for the key.
        Assert.Equal(HttpStatusCode.NotFound, (await sender.SendAsync(Keyed($"/workflows/{path}", "{}", key), Ct)).StatusCode);

        // Published: an instance started through the API waits at the route, and stops at an incident.
        await PublishAsync($$"""
            { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "Begin", "type": "Elsa.Start" },
              { "id": "Hook", "type": "Elsa.HttpEndpoint", "canStartWorkflow": true,
                "path": { "typeName": "String", "expression": { "type": "Literal", "value": "{{path}}" } },
                "supportedMethods": { "typeName": "List<String>", "expression": { "type": "Object", "value": "[\"POST\"]" } } },
              { "id": "Ev", "type": "Elsa.Event", "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "{{eventName}}" } } },
              { "id": "Boom", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "JavaScript", "value": "(() => { throw new Error('boom'); })()" } } } ],
              "connections": [
                { "source": { "activity": "Begin", "port": "Done" }, "target": { "activity": "Hook", "port": "In" } },
                { "source": { "activity": "Begin", "port": "Done" }, "target": { "activity": "Ev", "port": "In" } },
                { "source": { "activity": "Ev", "port": "Done" }, "target": { "activity": "Boom", "port": "In" } } ] } }
            """);
        var owner = await fixture.ClientAsync("dave");
        var stuck = (await OkAsync(await owner.PostJsonAsync("/api/instances", new { definitionId = id })))["instance"]!["id"]!.GetValue<string>();
        await OkAsync(await owner.PostJsonAsync("/api/instances/events", new { name = eventName }));

        // Its one waiter is stopped: 409 and nothing committed, so the key is let go again.
        Assert.Equal(HttpStatusCode.Conflict, (await sender.SendAsync(Keyed($"/workflows/{path}", "{}", key), Ct)).StatusCode);
        Assert.Equal(1, await InstanceCountAsync(id));

        // The operator cancels it; the sender's retry now runs, and once.
        await OkAsync(await owner.PostAsync($"/api/instances/{stuck}/cancel", null, Ct));
        var ran = await sender.SendAsync(Keyed($"/workflows/{path}", "{}", key), Ct);
        Assert.Equal(HttpStatusCode.Accepted, ran.StatusCode);
        Assert.False(ran.Headers.Contains(IdempotentAnswers.ReplayedHeader));
        var repeat = await sender.SendAsync(Keyed($"/workflows/{path}", "{}", key), Ct);
        Assert.Equal(HttpStatusCode.Accepted, repeat.StatusCode);
        Assert.True(repeat.Headers.Contains(IdempotentAnswers.ReplayedHeader));
        Assert.Equal(2, await InstanceCountAsync(id));
    }

    [Fact]
    public async Task AClaim_IsRenewedWhileItsRequestRuns_AndNotOnceItIsDone()
    {
        var route = "lease-" + Guid.NewGuid().ToString("N")[..6];
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var idempotency = scope.ServiceProvider.GetRequiredService<WebhookIdempotency>();
        var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
        var claim = await idempotency.ClaimAsync(Anonymous(route, NewKey()), AnonymousRequest(route, "{}"), Ct);
        Assert.Equal(IdempotencyOutcome.Owned, claim.Outcome);
        async Task<DateTimeOffset> LeasedUntilAsync() => (await db.WebhookIdempotencyKeys.AsNoTracking().Where(k => k.Id == claim.Id).Select(k => k.LeasedUntil).SingleAsync(Ct))!.Value;
        var claimed = await LeasedUntilAsync();

        var keeper = idempotency.KeepLeased(claim);
        fixture.EngineClock.Advance(WebhookIdempotency.ProcessingLease / 3);
        await keeper.Renewal;
        var renewed = await LeasedUntilAsync();
        Assert.Equal(fixture.EngineClock.GetUtcNow() + WebhookIdempotency.ProcessingLease, renewed, TimeSpan.FromMilliseconds(1));
        Assert.True(renewed > claimed);

        // Done: no more renewals, so a node that stops after this leaves a claim that lapses.
        await keeper.DisposeAsync();
        fixture.EngineClock.Advance(WebhookIdempotency.ProcessingLease / 3);
        Assert.Equal(renewed, await LeasedUntilAsync(), TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Webhook_KeyAfterItsRetention_StartsAfresh_AndThePurgeRemovesIt()
    {
        var path = "expiry-" + Guid.NewGuid().ToString("N")[..6];
        var id = "wh-" + Guid.NewGuid().ToString("N")[..8];
        await PublishAsync(Webhook(id, path, authorize: false));
        var sender = await fixture.ClientAsync(null);
        var key = NewKey();
        var url = $"/workflows/{path}/x";
        Assert.Equal(HttpStatusCode.Created, (await sender.SendAsync(Keyed(url, "{}", key), Ct)).StatusCode);

        fixture.EngineClock.Advance(TimeSpan.FromHours(23));
        Assert.True((await sender.SendAsync(Keyed(url, "{}", key), Ct)).Headers.Contains(IdempotentAnswers.ReplayedHeader));
        Assert.Equal(1, await InstanceCountAsync(id));

        fixture.EngineClock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var afresh = await sender.SendAsync(Keyed(url, "{}", key), Ct);
        Assert.Equal(HttpStatusCode.Created, afresh.StatusCode);
        Assert.False(afresh.Headers.Contains(IdempotentAnswers.ReplayedHeader));
        Assert.Equal(2, await InstanceCountAsync(id));

        var row = Anonymous($"{path}/x", key);
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ItsmDbContext>();
        var job = scope.ServiceProvider.GetRequiredService<PurgeIdempotencyKeysJob>();
        await job.RunAsync(Ct);
        Assert.True(await db.WebhookIdempotencyKeys.AnyAsync(k => k.Id == row, Ct)); // the fresh one is kept
        fixture.EngineClock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        Assert.True(await job.RunAsync(Ct) >= 1);
        Assert.False(await db.WebhookIdempotencyKeys.AnyAsync(k => k.Id == row, Ct));
    }

    [Fact]
    public async Task Webhook_AnswerOverTheStoredSize_IsReplayedAsItsStatusAndHeaders()
    {
        var path = "large-" + Guid.NewGuid().ToString("N")[..6];
        var id = "wh-" + Guid.NewGuid().ToString("N")[..8];
        await PublishAsync($$"""
            { "definitionId": "{{id}}", "name": "{{id}}", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
              { "id": "In", "type": "Elsa.HttpEndpoint", "canStartWorkflow": true,
                "path": { "typeName": "String", "expression": { "type": "Literal", "value": "{{path}}" } },
                "supportedMethods": { "typeName": "List<String>", "expression": { "type": "Object", "value": "[\"POST\"]" } } },
              { "id": "Out", "type": "Elsa.WriteHttpResponse",
                "statusCode": { "typeName": "HttpStatusCode", "expression": { "type": "Literal", "value": "Created" } },
                "content": { "typeName": "Object", "expression": { "type": "JavaScript", "value": "'x'.repeat(70000)" } },
                "responseHeaders": { "typeName": "HttpResponseHeaders", "expression": { "type": "JavaScript", "value": "({ 'X-Ticket': 'INC42' })" } } } ],
              "connections": [ { "source": { "activity": "In", "port": "Done" }, "target": { "activity": "Out", "port": "In" } } ] } }
            """);
        var sender = await fixture.ClientAsync(null);
        var key = NewKey();
        var first = await sender.SendAsync(Keyed($"/workflows/{path}", "{}", key), Ct);
        Assert.Equal(70000, (await first.Content.ReadAsStringAsync(Ct)).Length);

        var repeat = await sender.SendAsync(Keyed($"/workflows/{path}", "{}", key), Ct);
        Assert.Equal(HttpStatusCode.Created, repeat.StatusCode);
        Assert.Equal("true", Assert.Single(repeat.Headers.GetValues(IdempotentAnswers.ReplayedHeader)));
        Assert.Equal("INC42", Assert.Single(repeat.Headers.GetValues("X-Ticket")));
        Assert.Empty(await repeat.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, await InstanceCountAsync(id));
    }
}
