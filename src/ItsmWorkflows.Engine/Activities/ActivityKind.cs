namespace ItsmWorkflows.Engine.Activities;

public enum ActivityKind
{
    Action,
    Trigger,
    Container,
}
