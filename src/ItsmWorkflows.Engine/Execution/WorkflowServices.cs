using ItsmWorkflows.Engine.Activities.Http;

namespace ItsmWorkflows.Engine.Execution;

/// <summary>The ports activities may use while they run. The host fills them; tests use the in-memory ones.</summary>
public sealed class WorkflowServices
{
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public ILineWriter Lines { get; init; } = ConsoleLineWriter.Instance;

    /// <summary>The HTTP client port for SendHttpRequest; without one those activities fault with a clear message.</summary>
    public IHttpRequestSender? Http { get; init; }

    /// <summary>Host services for activities defined outside the engine (approvals, tasks, email).</summary>
    public IServiceProvider? HostServices { get; init; }

    /// <summary>Who the approvers named by Request Approval are; the host's directory, or names taken literally.</summary>
    public Activities.Approvals.IApproverDirectory Approvers { get; init; } = Activities.Approvals.LiteralApproverDirectory.Instance;

    /// <summary>Business calendars by name, for due times counted in working hours.</summary>
    public Calendars.IBusinessCalendarProvider Calendars { get; init; } = new Calendars.InMemoryCalendarProvider();

    /// <summary>Changes and blackout windows already scheduled, for Check Change Conflicts; the host's change calendar, or an in-memory one.</summary>
    public Activities.Changes.IChangeScheduleProvider ChangeSchedule { get; init; } = new Activities.Changes.InMemoryChangeScheduleProvider();

    /// <summary>Who has each ticket now, for activities that act on the current group or assignee; the host's tickets, or an in-memory set.</summary>
    public Activities.Tickets.ITicketDirectory Tickets { get; init; } = new Activities.Tickets.InMemoryTicketDirectory();

    /// <summary>The organisation's time zone: times in emails and histories read in it (formatDateTime, Liquid's when).</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Whether an incident Raise Incident asks for would be raised (its service, its caller); the host's check, or accept all.</summary>
    public Activities.Tickets.IIncidentIntake IncidentIntake { get; init; } = Activities.Tickets.AcceptingIncidentIntake.Instance;

    public Func<string> NewId { get; init; } = () => Guid.CreateVersion7().ToString("N");

    /// <summary>
    /// Which exceptions thrown by an activity mean "a service it needs was briefly unavailable" (a database that
    /// restarts, a lock timeout) rather than "this step is wrong". Those do not become incidents: the burst is
    /// abandoned uncommitted and the runtime runs it again after a back-off, as it does for a failed save.
    /// </summary>
    public Func<Exception, bool> IsTransientFailure { get; init; } = static _ => false;

    /// <summary>Told of each incident once the burst that raised it has committed (the host logs it).</summary>
    public Action<WorkflowState, Incident>? IncidentCommitted { get; init; }

    /// <summary>
    /// Where a ticket's page is, by its number: the button of a notification that names no link of its own leads
    /// there (the host knows its public address; without one the button is left out).
    /// </summary>
    public Func<string, string?>? TicketUrl { get; init; }

    /// <summary>How the runtime waits before retrying after a transient store failure (tests pass one that does not wait).</summary>
    public Func<TimeSpan, CancellationToken, Task> RetryDelay { get; init; } = Task.Delay;
}
