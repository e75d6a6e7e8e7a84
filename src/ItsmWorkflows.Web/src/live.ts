import { HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel } from "@microsoft/signalr";

// One connection to the server's live hub for the whole page. A view watches a ticket and is told when it (or
// its workflow) changed; it then re-reads it through the API. The hub only says *that* something changed.

export type LiveState = "connecting" | "live" | "offline";

type Watcher = { number: string; onChange: () => void; onState: (s: LiveState) => void };

let connection: HubConnection | null = null;
let starting: Promise<void> | null = null;
const watchers = new Set<Watcher>();
const topicsOf = new Map<Watcher, string[]>();

function notifyState(state: LiveState) {
  for (const w of watchers) w.onState(state);
}

async function watchOn(hub: HubConnection, w: Watcher) {
  try {
    topicsOf.set(w, await hub.invoke<string[]>("Watch", w.number));
  } catch {
    topicsOf.set(w, []); // not visible or gone: the page shows the API's answer; no live updates for it
  }
}

function hub(): HubConnection {
  if (connection) return connection;
  const c = new HubConnectionBuilder()
    .withUrl("/hubs/live")
    .withAutomaticReconnect([0, 1000, 2000, 5000, 10000, 30000])
    .configureLogging(LogLevel.Warning)
    .build();
  c.on("changed", (topic: string) => {
    for (const [w, topics] of topicsOf) if (topics.includes(topic)) w.onChange();
  });
  c.onreconnecting(() => notifyState("connecting"));
  c.onreconnected(async () => {
    notifyState("live");
    // Groups are per connection: watch again, and re-read what may have changed while away.
    for (const w of watchers) { await watchOn(c, w); w.onChange(); }
  });
  c.onclose(() => { notifyState("offline"); connection = null; starting = null; });
  connection = c;
  return c;
}

/** Watches a ticket; returns a function that stops watching. */
export function watchTicket(number: string, onChange: () => void, onState: (s: LiveState) => void): () => void {
  const w: Watcher = { number, onChange, onState };
  watchers.add(w);
  const c = hub();
  onState(c.state === HubConnectionState.Connected ? "live" : "connecting");
  starting ??= c.start();
  starting
    // Re-read once watching: a change committed between the view's first read and the watch (a process step
    // that runs when its email is delivered, say) would otherwise show only at the next poll.
    .then(async () => { if (watchers.has(w)) { await watchOn(c, w); onState("live"); w.onChange(); } })
    .catch(() => { onState("offline"); starting = null; connection = null; });
  return () => {
    watchers.delete(w);
    topicsOf.delete(w);
    if (c.state === HubConnectionState.Connected) c.invoke("Unwatch", number).catch(() => undefined);
  };
}
