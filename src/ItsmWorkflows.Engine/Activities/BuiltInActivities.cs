using ItsmWorkflows.Engine.Activities.Composition;
using ItsmWorkflows.Engine.Activities.Events;
using ItsmWorkflows.Engine.Activities.Flow;
using ItsmWorkflows.Engine.Activities.Http;
using ItsmWorkflows.Engine.Activities.Primitives;
using ItsmWorkflows.Engine.Activities.Scripting;
using ItsmWorkflows.Engine.Activities.Timers;

namespace ItsmWorkflows.Engine.Activities;

/// <summary>The Elsa-compatible activities the engine ships.</summary>
public static class BuiltInActivities
{
    public static void RegisterAll(ActivityRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        IActivity[] all =
        [
            new Flowchart(), new Sequence(), new FlowNode(),
            new Start(), new End(), new Finish(), new Complete(), new Fault(),
            new WriteLine(), new SetVariable(), new SetOutput(), new SetName(), new Correlate(),
            new FlowDecision(), new FlowSwitch(), new If(), new Switch(), new FlowFork(), new FlowJoin(), new Join(), new Fork(),
            new ForEach(), new ParallelForEach(),
            new Delay(), new Timers.Timer(), new StartAt(), new Cron(),
            new Event(), new PublishEvent(), new RunTask(),
            new RunJavaScript(),
            new ExecuteWorkflow(), new DispatchWorkflow(),
            new HttpEndpoint(), new WriteHttpResponse(), new SendHttpRequest(), new FlowSendHttpRequest(),
            new Email.SendEmail(), new Email.NotifyRequester(), new Email.NotifyGroup(), new Email.Escalate(), new Approvals.RequestApproval(),
            new Sla.StartSla(), new Sla.PauseSla(), new Sla.ResumeSla(), new Sla.StopSla(), new Sla.ReopenSla(), new Sla.WaitForSlaThreshold(),
            new Changes.AssessRisk(), new Changes.CheckChangeConflicts(),
            new Tickets.CreateTask(), new Tickets.SetStatus(), new Tickets.RaiseIncident(),
        ];
        foreach (var activity in all) registry.Register(activity);
    }
}
