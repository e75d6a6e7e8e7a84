using ItsmWorkflows.Engine.Activities.Approvals;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Runtime;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>
/// An activity whose service is briefly unavailable (the host's directory, say, when the database restarts) does
/// not stop its process with an incident: the burst is abandoned unsaved and runs again. A real fault still is one.
/// </summary>
public sealed class TransientActivityFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A directory that times out the first <see cref="FailuresLeft"/> times it is asked.</summary>
    private sealed class UnsteadyDirectory : IApproverDirectory
    {
        public int FailuresLeft { get; set; }

        public int Calls { get; private set; }

        public ValueTask<IReadOnlyList<ApproverInfo>> ResolveAsync(IReadOnlyList<string> approvers, CancellationToken cancellationToken)
        {
            Calls++;
            if (FailuresLeft-- > 0) throw new TimeoutException("The directory's database did not answer in time.");
            return ValueTask.FromResult<IReadOnlyList<ApproverInfo>>([.. approvers.Select(a => new ApproverInfo(a, a, a + "@example.org"))]);
        }
    }

    private static string Definition => Flowchart(
        string.Join(",", WriteLine("Before", "before"), Activity("Up", "Itsm.Escalate", string.Join(",", Literal("mode", "Hierarchical"), Literal("person", "bob"), Js("model", "({ number: 'INC0042', priority: 'P1', reason: 'r' })"))), WriteLine("After", "after"), WriteLine("Top", "top")),
        string.Join(",", Connect("Before", "Up"), Connect("Up", "After"), Connect("Up", "Top", "NoFurtherTier")));

    private static bool DirectoryTimeout(Exception ex) => ex is TimeoutException;

    [Fact]
    public async Task ATransientFailure_RunsTheBurstAgain_AndRecordsNoIncident()
    {
        var directory = new UnsteadyDirectory { FailuresLeft = 2 };
        var h = new EngineHarness(approvers: directory, isTransient: DirectoryTimeout);
        var definition = h.Load(Definition);

        var state = (await h.Runtime.StartAsync(definition.DefinitionId, cancellationToken: Ct)).State;

        Assert.Empty(state.Incidents);
        Assert.Empty(h.CommittedIncidents);
        Assert.Equal(3, directory.Calls);
        // The saved journal has each step once, though the first two attempts ran "Before" too.
        Assert.Single(state.Journal, j => j.ActivityId == "Before" && j.Event == JournalEvent.Completed);
        Assert.Single(h.Instances.All);
    }

    [Fact]
    public async Task AFailureTheHostDoesNotCallTransient_IsAnIncident_ToldOnceCommitted()
    {
        var directory = new UnsteadyDirectory { FailuresLeft = 1 };
        var h = new EngineHarness(approvers: directory);
        var definition = h.Load(Definition);

        var state = (await h.Runtime.StartAsync(definition.DefinitionId, cancellationToken: Ct)).State;

        var incident = Assert.Single(state.Incidents);
        Assert.Equal("Up", incident.ActivityId);
        Assert.Contains("did not answer in time", incident.Message, StringComparison.Ordinal);
        Assert.Equal(incident.Id, Assert.Single(h.CommittedIncidents).Id);
        Assert.Equal(1, directory.Calls);
    }

    [Fact]
    public async Task AServiceThatStaysDown_FailsTheStart_AndSavesNothing()
    {
        var directory = new UnsteadyDirectory { FailuresLeft = 100 };
        var h = new EngineHarness(approvers: directory, isTransient: DirectoryTimeout);
        var definition = h.Load(Definition);

        var failure = await Assert.ThrowsAsync<TransientStoreException>(() => h.Runtime.StartAsync(definition.DefinitionId, cancellationToken: Ct).AsTask());

        Assert.Contains("'Up'", failure.Message, StringComparison.Ordinal);
        Assert.IsType<TimeoutException>(failure.InnerException);
        Assert.Equal(4, directory.Calls);
        Assert.Empty(h.Instances.All);
        Assert.Empty(h.CommittedIncidents);
    }

    [Fact]
    public async Task AResume_ThatMeetsATransientFailure_RunsAgainOnTheStoredState()
    {
        var directory = new UnsteadyDirectory();
        var h = new EngineHarness(approvers: directory, isTransient: DirectoryTimeout);
        var definition = h.Load(Flowchart(
            string.Join(",", Activity("Wait", "Elsa.Event", Literal("eventName", "go")), Activity("Up", "Itsm.Escalate", string.Join(",", Literal("mode", "Hierarchical"), Literal("person", "bob"), Js("model", "({ number: 'INC0042', priority: 'P1', reason: 'r' })")))),
            Connect("Wait", "Up")));
        var started = (await h.Runtime.StartAsync(definition.DefinitionId, cancellationToken: Ct)).State;

        directory.FailuresLeft = 1;
        var state = (await h.Runtime.ResumeAsync(started.InstanceId, started.Bookmarks[0].Id, cancellationToken: Ct)).State;

        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Empty(state.Incidents);
        Assert.Single(state.Journal, j => j.ActivityId == "Wait" && j.Event == JournalEvent.Resumed);
        Assert.Equal(2, directory.Calls);
    }
}
