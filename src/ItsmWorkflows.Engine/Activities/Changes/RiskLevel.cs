namespace ItsmWorkflows.Engine.Activities.Changes;

/// <summary>The risk of a change, in ServiceNow's three levels; ordered so the higher of two is their maximum.</summary>
public enum RiskLevel
{
    Low,
    Moderate,
    High,
}
