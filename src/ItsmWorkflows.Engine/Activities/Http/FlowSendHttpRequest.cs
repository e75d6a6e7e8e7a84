namespace ItsmWorkflows.Engine.Activities.Http;

/// <summary>SendHttpRequest for flowcharts: one outcome per expected status code.</summary>
public sealed class FlowSendHttpRequest : SendHttpRequest
{
    public FlowSendHttpRequest() : base("Elsa.FlowSendHttpRequest", "HTTP Request (flow)", true) { }
}
