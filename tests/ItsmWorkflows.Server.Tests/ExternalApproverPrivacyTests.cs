using ItsmWorkflows.Server.Tickets;
using Xunit;
using static ItsmWorkflows.Server.Tests.Json;

namespace ItsmWorkflows.Server.Tests;

/// <summary>An approver outside the directory is known by an email address: the requester reads "an external approver".</summary>
public sealed partial class ApprovalTests
{
    [Fact]
    public async Task TheRequester_ReadsAnExternalApprover_NotTheirAddress_WhileOperatorsSeeIt()
    {
        var (owner, _, approvalId) = await StartAsync("['ext@partner.test', 'henry']", title: "Change CHG0042: ext@partner.test patches the mail relay");

        var forAlice = await OkAsync(await (await fixture.ClientAsync("alice")).GetAsync($"/api/approvals/{approvalId}", Ct));
        Assert.Equal("Change CHG0042: (someone's address) patches the mail relay", forAlice["title"]!.GetValue<string>());
        var approvers = forAlice["approvers"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Contains(TicketEmailPrivacy.ExternalApprover, approvers);
        Assert.Contains("henry", approvers);
        Assert.DoesNotContain(forAlice.ToJsonString(), "ext@partner.test", StringComparison.Ordinal);

        var forOwner = await OkAsync(await owner.GetAsync($"/api/approvals/{approvalId}", Ct));
        Assert.Contains("ext@partner.test", forOwner["approvers"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("Change CHG0042: ext@partner.test patches the mail relay", forOwner["title"]!.GetValue<string>());
    }
}

/// <summary>What a requester reads of a ticket's approvals and waiting steps.</summary>
public sealed class TicketApproverPrivacyTests
{
    [Fact]
    public void AddressesAmongApproversDecisionsAndWaitingSteps_BecomeAnExternalApprover_NamesStay()
    {
        var at = DateTimeOffset.UnixEpoch;
        List<TicketApprovalDto> approvals = [new("Change CHG1 (ask ext@partner.test)", at, null, ["Carol Manager", "ext@partner.test", "Other <other@partner.test>"],
            [new ApprovalDecisionDto("ext@partner.test", null, "Approved", null, "email", at, "ext@partner.test"), new ApprovalDecisionDto("nina", "carol", "Approved", null, "web", at, "Nina Network", "Carol Manager")])];
        List<WaitingOnDto> waiting = [new("Approve", "Approve the change", "Itsm.RequestApproval", null, ["ext@partner.test", "Carol Manager"])];

        var (shown, steps) = TicketEmailPrivacy.ForRequester(approvals, waiting);

        Assert.Equal(["Carol Manager", TicketEmailPrivacy.ExternalApprover], shown[0].Approvers);
        Assert.Equal("Change CHG1 (ask (someone's address))", shown[0].Title);
        var email = TicketEmailPrivacy.ForRequester(new TicketEmailDto("Quote from ext@partner.test for rose@example.test", ["rose@example.test", "ext@partner.test"], at, at, null, false), "rose@example.test");
        Assert.Equal(("Quote from (someone's address) for rose@example.test", "rose@example.test"), (email.Subject, Assert.Single(email.To)));
        Assert.Equal((TicketEmailPrivacy.ExternalApprover, TicketEmailPrivacy.ExternalApprover), (shown[0].Decisions[0].By, shown[0].Decisions[0].ByName));
        Assert.Equal(("nina", "Nina Network", "carol", "Carol Manager"), (shown[0].Decisions[1].By, shown[0].Decisions[1].ByName, shown[0].Decisions[1].OnBehalfOf, shown[0].Decisions[1].OnBehalfOfName));
        Assert.Equal([TicketEmailPrivacy.ExternalApprover, "Carol Manager"], steps[0].Who!);
    }

    [Fact]
    public void AddressesInWhatTheProcessWrote_AreHidden_ButTheRequestersOwn_AndWhatPeopleWroteStay()
    {
        var at = DateTimeOffset.UnixEpoch;
        var byProcess = new TicketEventDto(at, "workflow", "status", "Approval requested from carol, ext@partner.test. Copy to Rose <rose@example.test>.");
        var byAgent = new TicketEventDto(at, "bob", "note", "Asked ext@partner.test to hurry");

        Assert.Equal("Approval requested from carol, (someone's address). Copy to Rose <rose@example.test>.", TicketEmailPrivacy.ForRequester(byProcess, "ROSE@example.test").Text);
        Assert.Equal("Approval requested from carol, (someone's address). Copy to Rose <(someone's address)>.", TicketEmailPrivacy.ForRequester(byProcess, null).Text);
        Assert.Same(byAgent, TicketEmailPrivacy.ForRequester(byAgent, null));
        // A line the process attributed to an approver known only by an address.
        var attributed = new TicketEventDto(at, "ext@partner.test", "status", "Awaiting approval → Approved");
        Assert.Equal(TicketEmailPrivacy.ExternalApprover, TicketEmailPrivacy.ForRequester(attributed, null).Actor);
        Assert.Equal("Asked (someone's address) to hurry", TicketEmailPrivacy.ForRequester(byAgent with { Actor = "workflow", Text = "Asked ext@lieferant-müller.de to hurry" }, null).Text);
    }
}
