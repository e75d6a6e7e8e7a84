using System.Threading.Channels;

namespace ItsmWorkflows.Server.Live;

/// <summary>
/// Tells watching browsers that something they show has changed, after it committed. A topic names what
/// changed ("ticket:REQ0001001", "instance:&lt;id&gt;"); the browser re-reads it. Publishing never blocks the
/// caller: topics queue here and <see cref="LiveUpdateRelay"/> sends them to this node's SignalR groups and,
/// on PostgreSQL, to the other nodes (NOTIFY), coalesced so a busy node sends a few notifications a second,
/// not one per burst.
/// </summary>
internal sealed class LiveUpdates
{
    private readonly Channel<string> _topics = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest, // a dropped topic costs a browser its instant refresh, never data
        SingleReader = true,
    });

    /// <summary>This node's id, so it ignores its own notifications coming back from PostgreSQL.</summary>
    public string NodeId { get; } = Guid.NewGuid().ToString("N")[..12];

    public void Publish(string topic) => _topics.Writer.TryWrite(topic);

    public void Ticket(string number) => Publish("ticket:" + number);

    public void Instance(string instanceId) => Publish("instance:" + instanceId);

    internal ChannelReader<string> Reader => _topics.Reader;
}
