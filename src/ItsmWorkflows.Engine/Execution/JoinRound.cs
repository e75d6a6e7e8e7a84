namespace ItsmWorkflows.Engine.Execution;

/// <summary>The tokens an activity has received on its inbound connections since it last ran or was skipped.</summary>
public sealed class JoinRound
{
    /// <summary>Indexes of inbound connections that delivered a live token.</summary>
    public List<int> Live { get; set; } = [];

    /// <summary>Indexes of inbound connections whose source will not run in this round (dead-path elimination).</summary>
    public List<int> Dead { get; set; } = [];

    /// <summary>Whether a wait-any join has already let one token through in this round.</summary>
    public bool Fired { get; set; }
}
