// The server's API, as the designer uses it. Every error is a ProblemDetails; its detail is what we show.

export class ApiError extends Error {
  constructor(
    public readonly status: number,
    message: string,
    public readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const detail = (json.detail as string) || (json.title as string) || `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, detail, json);
  }
  return json as T;
}

/** One imported file: "imported", "published", "unchanged", or "rejected" with the reason. */
export interface ImportResult { file: string; definitionId?: string | null; version?: number | null; outcome: string; message?: string | null }

export interface InputDescriptor {
  name: string;
  typeName: string;
  uiHint: string;
  displayName?: string | null;
  description?: string | null;
  options?: string[] | null;
  defaultValue?: unknown;
  isRequired: boolean;
  defaultSyntax?: string | null;
  isWrapped?: boolean;
}

export interface ActivityDescriptor {
  typeName: string;
  category: string;
  displayName: string;
  description: string;
  inputs: InputDescriptor[];
  outputs: { name: string; typeName: string; description?: string | null }[];
  outcomes: string[];
  dynamicOutcomesFrom?: string | null;
  kind: string;
  isFlowNode: boolean;
  isBlocking: boolean;
}

export interface DefinitionSummary {
  definitionId: string;
  name: string;
  latestVersion: number;
  latestState: string;
  publishedVersion?: number | null;
  updatedAt: string;
}

/** Why an instance cannot move to another version (activity null: the instance as a whole). */
export interface MigrationIssue { activityId: string | null; message: string }

export interface MigrationResult {
  instanceId: string;
  fromVersion: number;
  toVersion: number;
  canMigrate: boolean;
  migrated: boolean;
  issues: MigrationIssue[];
  notes: string[];
  /** The ticket whose process it is (in a bulk move's refused list). */
  ticket?: string | null;
}

/** Moving every running instance of a version: counts, and the refused ones with their reasons (first 100). */
export interface BulkMigration {
  fromVersion: number;
  toVersion: number;
  dryRun: boolean;
  checked: number;
  migrated: number;
  refused: number;
  refusedInstances: MigrationResult[];
  /** What the move changes for those that moved (or could), each with how many instances it holds for. */
  notes?: { note: string; instances: number }[];
  /** Set when the call stopped at its limit: the "after" of the next call. */
  next?: string | null;
}

export interface VersionInfo {
  definitionId: string;
  versionId: string;
  version: number;
  name: string;
  state: string;
  isLatest: boolean;
  revision: number;
  updatedAt: string;
  updatedBy?: string | null;
}

export interface ValidationIssue {
  severity: string;
  activityId?: string | null;
  field?: string | null;
  message: string;
}

export interface DefinitionDetail {
  version: VersionInfo;
  definition: Record<string, unknown>;
  issues: ValidationIssue[];
  /** After a publish: definitions using this one as an activity that were moved to the new version. */
  consumersUpdated?: { definitionId: string; version: number; outcome: string; message?: string | null }[];
}

export interface FieldChange { field: string; before?: string | null; after?: string | null }

export interface DefinitionDiff {
  activitiesAdded: { id: string; type: string; displayName?: string }[];
  activitiesRemoved: { id: string; type: string; displayName?: string }[];
  activitiesChanged: { id: string; type: string; displayName: string; fields: FieldChange[] }[];
  activitiesMoved: string[];
  connectionsAdded: string[];
  connectionsRemoved: string[];
  variablesChanged: FieldChange[];
  definitionChanged: FieldChange[];
}

// A definition fetched while the activity catalog loads, so opening a workflow waits for one round trip, not two.
const prefetched = new Map<string, Promise<DefinitionDetail>>();

let activitiesOnce: Promise<ActivityDescriptor[]> | null = null;

export function prefetchDefinition(id: string) {
  if (!prefetched.has(id)) prefetched.set(id, call<DefinitionDetail>("GET", `/api/definitions/${encodeURIComponent(id)}`));
}

export interface JournalEntry { sequence: number; at: string; activityId: string; activityType: string; event: string; outcomes?: string[] | null; message?: string | null }

export interface InstanceDetail {
  instance: { id: string; definitionId: string; version: number; name?: string | null; correlationId?: string | null; status: string; subStatus: string; createdAt: string; finishedAt?: string | null };
  bookmarks: { id: string; activityId: string; name: string; dueAt?: string | null }[];
  incidents: { id: string; activityId: string; message: string; resolvedAt?: string | null }[];
  journal: JournalEntry[];
  input?: Record<string, unknown>;
}

export interface InstancePage { items: InstanceDetail["instance"][]; hasMore?: boolean; total?: number | null }

export interface TestRunWait { bookmarkId: string; activityId: string; type: string; dueAt?: string | null; payload?: Record<string, unknown> | null; pendingApprovers?: string[] }

export interface TestRunView {
  id: string;
  now: string;
  status?: string | null;
  instance?: { journal: JournalEntry[]; bookmarks: { activityId: string }[]; incidents: { activityId: string; message: string; resolvedAt?: string | null }[]; name?: string | null } | null;
  waits: TestRunWait[];
  emails: { kind: string; subject?: string; to?: string[]; at: string }[];
  lines: string[];
}

export interface Me { userName: string; displayName: string; roles: string[]; groups: string[] }

export interface FormField { name: string; label: string; type: string; required: boolean; options?: string[] | null; min?: number | null; max?: number | null; maxLength?: number | null; help?: string | null }

export interface CatalogItem { id: string; name: string; description?: string | null; category?: string | null; serviceId?: string | null; form: FormField[]; approvalRequired: boolean; price: number; currency?: string | null; deliveryTarget?: string | null }

export interface Service { id: string; name: string; description?: string | null }

/** A standard change template: routine work authorized once (services, plans, longest window). maxDuration is "hh:mm:ss". */
export interface ChangeTemplate {
  id: string; name: string; description?: string | null; services: string[]; assignmentGroup?: string | null;
  implementationPlan: string; backoutPlan: string; testPlan?: string | null; maxDuration?: string | null; active: boolean;
  revision?: number | null; updatedAt?: string | null; updatedBy?: string | null; used?: number | null;
}

export interface Ticket {
  number: string; kind: string; title: string; status: string; requester?: string | null; assignmentGroup?: string | null; assignee?: string | null;
  parent?: string | null; description?: string | null; priorityName?: string | null; instanceId?: string | null; createdAt: string; updatedAt: string; closedAt?: string | null; revision: number; plannedStart?: string | null; plannedEnd?: string | null; dueAt?: string | null;
  changeType?: string | null; risk?: string | null;
  details: Record<string, unknown>;
}

export interface SlaClock { name: string; target: string; targetText?: string; elapsed: string; percent: number; breached: boolean; paused: boolean; cancelled?: boolean; dueAt?: string | null; stoppedAt?: string | null; pauses?: { from: string; to?: string | null }[]; startedAt?: string; segments?: SlaSegment[] }
export interface SlaSegment { state: "running" | "paused" | "breached"; from: string; to: string }

/** A ticket's workflow as a diagram: structure without configuration, the path taken, where it waits. */
export interface TicketProcess {
  name: string;
  version: number;
  status: string;
  definition: Record<string, unknown>;
  journal: { sequence: number; at: string; activityId: string; event: string; outcomes?: string[] | null }[];
  waiting: string[];
  faulted: string[];
}

export interface SlaWeek { week: string; met: number; breached: number; running: number }
export interface Dashboard {
  at: string;
  weeks: string[];
  openByGroup: { group: string; requests: number; tasks: number; changes: number; incidents: number; total: number }[];
  slaByService: { serviceId: string; service: string; attainment: number | null; met: number; breached: number; weeks: SlaWeek[] }[];
  allServices: SlaWeek[];
  changes: ChangeOutcomes;
}

/** How changes ended per week (by the week they ended) and of which type; rates in percent, null when there is nothing to divide. */
export interface ChangeWeek { week: string; successful: number; failed: number; rejected: number; cancelled: number; standard: number; normal: number; emergency: number }
export interface ChangeOutcomes {
  successRate: number | null; successful: number; failed: number; rejected: number; cancelled: number;
  emergencyShare: number | null; standardShare: number | null; weeks: ChangeWeek[];
}

/** A personal API token as its list shows it (never the token itself). */
export interface ApiToken {
  id: string; name: string; userName: string; hint: string; createdAt: string; createdBy: string;
  expiresAt: string; lastUsedAt?: string | null; revokedAt?: string | null;
}

export interface TicketDetail {
  ticket: Ticket;
  history: { at: string; actor?: string | null; actorName?: string | null; kind: string; text: string }[];
  tasks: Ticket[];
  sla: Record<string, SlaClock>;
  waitingOn: { activityId: string; step: string; activityType: string; dueAt?: string | null; who?: string[] | null }[];
  processStatus?: string | null;
  approvals: { title: string; createdAt: string; dueAt?: string | null; approvers: string[]; decisions: { by: string; byName?: string | null; onBehalfOfName?: string | null; onBehalfOf?: string | null; decision: string; comment?: string | null; channel: string; at: string }[] }[];
  emails: { subject: string; to: string[]; queuedAt: string; sentAt?: string | null; error?: string | null; failed?: boolean }[];
  /** A change whose process takes a new window now (held by a conflict; or scheduled, window not open, under v4). */
  movable?: boolean;
  /** The assignee's display name (the user name when the directory has none). */
  assigneeName?: string | null;
}

/** A file on a ticket as its list shows it: who attached it by name; whether the reader may remove it. */
export interface Attachment { id: number; name: string; size: number; type: string; by: string; at: string; sha256: string; url: string; canDelete: boolean }

/** A ticket's files, whether the reader may add more (and why not), and the limits a page checks before sending. */
export interface AttachmentList { items: Attachment[]; canAdd: boolean; cannotAdd?: string | null; maxFileBytes: number; maxUploadBytes: number; maxPerTicket: number }

/**
 * Sends files to a ticket as one form. fetch cannot report an upload's progress, so this is an XMLHttpRequest:
 * onProgress gets the share sent so far (0 to 1). A refusal is an ApiError with the server's words.
 */
export function uploadAttachments(number: string, files: File[], onProgress: (sent: number) => void): Promise<Attachment[]> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const file of files) form.append("file", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/tickets/${encodeURIComponent(number)}/attachments`);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let json: Record<string, unknown> = {};
      try { json = xhr.responseText ? JSON.parse(xhr.responseText) : {}; } catch { /* not JSON: the status says enough */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(json as unknown as Attachment[]);
      else reject(new ApiError(xhr.status, (json.detail as string) || (json.title as string) || `${xhr.status} ${xhr.statusText}`, json));
    };
    xhr.onerror = () => reject(new ApiError(0, "The upload did not reach the server: the connection dropped, or the server refused the files before they were all sent. Check their sizes and try again."));
    xhr.send(form);
  });
}

export interface InboxItem { approvalId: string; title: string; requester?: string | null; requesterName?: string | null; onBehalfOf?: string | null; onBehalfOfName?: string | null; dueAt?: string | null; details: { key: string; value: string }[] }

export interface DirectoryPerson {
  userName: string; displayName: string; email?: string | null; department?: string | null; manager?: string | null; delegate?: string | null; groups: string[];
  /** Roles (admin, process-owner, approver, agent, requester), and whether the account is switched off: in an administrator's view only. */
  roles?: string[] | null; disabled?: boolean | null;
  /** Only in the answer to switching an account off: how many of its open tickets went back to their groups. */
  releasedTickets?: number | null;
  groupsLeftEmpty?: string[] | null;
  /** Only in the answer to switching an account off (or changing one that is off): approvals waiting on them that went to their manager or delegate, and those nobody could take. */
  handedOverApprovals?: number | null;
  strandedApprovals?: number | null;
}

export interface Group { name: string; description?: string | null; members: string[]; memberNames?: string[] }

/** What an administrator sets on a person; a field left out stays as it is. */
export interface PersonChange { displayName?: string; email?: string; department?: string; manager?: string; roles?: string[]; groups?: string[] }

/** A message in the outbox as an administrator sees it: whom it is for and what became of it, never its body or links. */
export interface OutboxEntry {
  id: string; kind: string; state: "Pending" | "Failed" | "Sent"; recipients: string[]; subject?: string | null; createdAt: string; attempts: number;
  lastError?: string | null; nextAttemptAt?: string | null; settledAt?: string | null; instanceId?: string | null; ticketNumber?: string | null;
  /** A workflow's Send Email waited for it: its failure is that process's incident, retried there. */
  awaitedByWorkflow: boolean;
}

export interface CalendarChange { number: string; title: string; type: string; status: string; risk?: string | null; start: string; end: string; services: string[] }

export interface ChangeCalendar { from: string; to: string; changes: CalendarChange[]; blackouts: { id?: string; name: string; start: string; end: string; services?: string[] | null }[] }

export const api = {
  me: () => call<Me>("GET", "/account/me"),
  catalog: () => call<CatalogItem[]>("GET", "/api/catalog"),
  services: () => call<Service[]>("GET", "/api/services"),
  submitRequest: (catalogItemId: string, answers: Record<string, unknown>) => call<Ticket>("POST", "/api/requests", { catalogItemId, answers }),
  raiseChange: (body: {
    title: string; type: string; description?: string; services: string[]; plannedStart?: string; plannedEnd?: string;
    implementationPlan?: string; backoutPlan?: string; testPlan?: string; questionnaire?: Record<string, string | boolean>; template?: string;
  }) => call<Ticket>("POST", "/api/changes", body),
  cancelTicket: (kind: string, number: string, reason?: string) =>
    call<Ticket>("POST", `/api/${kind === "Change" ? "changes" : kind === "Incident" ? "incidents" : "requests"}/${encodeURIComponent(number)}/cancel`, { reason }),
  changeTemplates: (all = false) => call<ChangeTemplate[]>("GET", `/api/change-templates${all ? "?all=true" : ""}`),
  saveChangeTemplate: (id: string, body: Omit<ChangeTemplate, "id" | "updatedAt" | "updatedBy" | "used">) =>
    call<ChangeTemplate>("PUT", `/api/change-templates/${encodeURIComponent(id)}`, body),
  raiseIncident: (body: { title: string; description?: string; serviceId: string; impact: number; urgency: number }) => call<Ticket>("POST", "/api/incidents", body),
  tickets: (query: string) => call<{ items: Ticket[]; total: number; page: number; pageSize: number; progress?: Record<string, { waitingOn: string[]; sla?: string | null }> | null; names?: Record<string, string> }>("GET", `/api/tickets?${query}`),
  ticket: (number: string) => call<TicketDetail>("GET", `/api/tickets/${encodeURIComponent(number)}`),
  /** internal: a work note, which only staff read. */
  note: (number: string, text: string, internal?: boolean) => call<unknown>("POST", `/api/tickets/${encodeURIComponent(number)}/notes`, internal ? { text, internal } : { text }),
  closeTask: (number: string, state: string, notes?: string) => call<Ticket>("POST", `/api/tasks/${encodeURIComponent(number)}/close`, { state, notes }),
  assign: (number: string, assignee: string, revision: number) => call<Ticket>("POST", `/api/tickets/${encodeURIComponent(number)}/assign`, { assignee, revision }),
  reassign: (number: string, assignmentGroup: string, assignee: string, revision: number) =>
    call<Ticket>("POST", `/api/tickets/${encodeURIComponent(number)}/assign`, { assignmentGroup, assignee, revision }),
  groups: () => call<Group[]>("GET", "/api/groups"),
  addGroup: (name: string, description: string, members: string[]) => call<Group>("POST", "/api/groups", { name, description, members }),
  setGroupMembers: (name: string, members: string[]) => call<Group>("PUT", `/api/groups/${encodeURIComponent(name)}`, { members }),
  addPerson: (body: PersonChange & { userName: string; displayName: string; password?: string }) => call<DirectoryPerson>("POST", "/api/people", body),
  changePerson: (userName: string, body: PersonChange) => call<DirectoryPerson>("PUT", `/api/people/${encodeURIComponent(userName)}`, body),
  setPassword: (userName: string, password: string) => call<unknown>("PUT", `/api/people/${encodeURIComponent(userName)}/password`, { password }),
  switchAccount: (userName: string, on: boolean) => call<DirectoryPerson>("POST", `/api/people/${encodeURIComponent(userName)}/${on ? "enable" : "disable"}`),
  changeMyPassword: (currentPassword: string, newPassword: string) => call<unknown>("PUT", "/api/people/me/password", { currentPassword, newPassword }),
  incidentAction: (number: string, action: string, note?: string) => call<Ticket>("POST", `/api/incidents/${encodeURIComponent(number)}/${action}`, { note }),
  rescheduleChange: (number: string, plannedStart: string, plannedEnd: string) =>
    call<Ticket>("POST", `/api/changes/${encodeURIComponent(number)}/reschedule`, { plannedStart, plannedEnd }),
  changeCalendar: (from: string, to: string) => call<ChangeCalendar>("GET", `/api/changes/calendar?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
  inbox: () => call<InboxItem[]>("GET", "/api/approvals/inbox"),
  people: () => call<DirectoryPerson[]>("GET", "/api/people"),
  outbox: (state: "pending" | "failed" | "sent", page: number) =>
    call<{ items: OutboxEntry[]; page: number; pageSize: number; hasMore: boolean }>("GET", `/api/mail/outbox?state=${state}&page=${page}&pageSize=50`),
  retryOutbox: (id: string) => call<OutboxEntry>("POST", `/api/mail/outbox/${encodeURIComponent(id)}/retry`),
  setDelegate: (delegate: string | null) => call<DirectoryPerson>("PUT", "/api/people/me/delegate", { delegate }),
  tokens: () => call<ApiToken[]>("GET", "/api/tokens"),
  makeToken: (name: string, expiresInDays: number) => call<{ details: ApiToken; token: string }>("POST", "/api/tokens", { name, expiresInDays }),
  revokeToken: (id: string) => call<unknown>("DELETE", `/api/tokens/${encodeURIComponent(id)}`),
  decide: (approvalId: string, decision: string, comment?: string) => call<{ message: string }>("POST", `/api/approvals/${approvalId}/decision`, { decision, comment }),
  // The catalog of activity types does not change while the page is open: asked once (again after a failure).
  activities: () => (activitiesOnce ??= call<ActivityDescriptor[]>("GET", "/api/activities").catch((e: unknown) => { activitiesOnce = null; throw e; })),
  dashboard: (weeks: number) => call<Dashboard>("GET", `/api/dashboard?weeks=${weeks}`),
  attachments: (number: string) => call<AttachmentList>("GET", `/api/tickets/${encodeURIComponent(number)}/attachments`),
  removeAttachment: (number: string, id: number) => call<unknown>("DELETE", `/api/tickets/${encodeURIComponent(number)}/attachments/${id}`),
  ticketProcess: (number: string) => call<TicketProcess>("GET", `/api/tickets/${encodeURIComponent(number)}/process`),
  definitions: () => call<DefinitionSummary[]>("GET", "/api/definitions"),
  definition: (id: string) => {
    const early = prefetched.get(id);
    prefetched.delete(id);
    return early ?? call<DefinitionDetail>("GET", `/api/definitions/${encodeURIComponent(id)}`);
  },
  create: (definition: unknown) => call<DefinitionDetail>("POST", "/api/definitions", definition),
  saveDraft: (id: string, definition: unknown, revision: number) =>
    call<DefinitionDetail>("PUT", `/api/definitions/${encodeURIComponent(id)}/draft`, { definition, revision }),
  /** With a definition: that one as it stands, unsaved; without: the latest saved version. */
  validate: (id: string, definition?: unknown) => call<ValidationIssue[]>("POST", `/api/definitions/${encodeURIComponent(id)}/validate`, definition),
  versions: (id: string) => call<VersionInfo[]>("GET", `/api/definitions/${encodeURIComponent(id)}/versions`),
  diff: (id: string, from: number, to: number) => call<DefinitionDiff>("GET", `/api/definitions/${encodeURIComponent(id)}/diff?from=${from}&to=${to}`),
  rollback: (id: string, version: number) => call<DefinitionDetail>("POST", `/api/definitions/${encodeURIComponent(id)}/versions/${version}/rollback`),
  logout: () => call<unknown>("POST", "/account/logout"),
  importJson: (json: string) => call<ImportResult[]>("POST", "/api/definitions/import?asNewVersion=true", json),
  exportUrl: (id: string) => `/api/definitions/${encodeURIComponent(id)}/export`,
  instance: (id: string) => call<InstanceDetail>("GET", `/api/instances/${encodeURIComponent(id)}`),
  instances: (definitionId: string) => call<InstancePage>("GET", `/api/instances?definitionId=${encodeURIComponent(definitionId)}&pageSize=20`),
  /** How many instances of one version are still running (an exact count). */
  runningCount: (id: string, version: number) =>
    call<InstancePage>("GET", `/api/instances?definitionId=${encodeURIComponent(id)}&version=${version}&status=Running&pageSize=1&includeTotal=true`)
      .then((p) => p.total ?? p.items.length),
  migrateInstances: (id: string, fromVersion: number, targetVersion: number, dryRun: boolean, activityMap?: Record<string, string>, after?: string | null) =>
    call<BulkMigration>("POST", `/api/definitions/${encodeURIComponent(id)}/migrate-instances`, { fromVersion, targetVersion, dryRun, activityMap, after }),
  migrateInstance: (instanceId: string, targetVersion: number, dryRun: boolean, activityMap?: Record<string, string>) =>
    call<MigrationResult>("POST", `/api/instances/${encodeURIComponent(instanceId)}/migrate`, { targetVersion, dryRun, activityMap }),
  definitionVersion: (id: string, version: number) => call<DefinitionDetail>("GET", `/api/definitions/${encodeURIComponent(id)}/versions/${version}`),
  startTestRun: (id: string, input: unknown, correlationId?: string) => call<TestRunView>("POST", `/api/definitions/${encodeURIComponent(id)}/test-runs`, { input, correlationId }),
  advanceTestRun: (runId: string, body: { by?: string; toNextTimer?: boolean }) => call<TestRunView>("POST", `/api/test-runs/${runId}/advance`, body),
  resumeTestRun: (runId: string, bookmarkId: string, payload: unknown) => call<TestRunView>("POST", `/api/test-runs/${runId}/resume`, { bookmarkId, payload }),
  checkExpression: (syntax: string, value: string, typeName: string) =>
    call<{ valid: boolean; error?: string | null; line?: number | null; column?: number | null }>("POST", "/api/expressions/check", { syntax, value, typeName }),
  publish: (id: string) => call<DefinitionDetail>("POST", `/api/definitions/${encodeURIComponent(id)}/publish`),
};
