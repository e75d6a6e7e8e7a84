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
}

export const api = {
  me: () => call<{ userName: string; displayName: string; roles: string[] }>("GET", "/account/me"),
  activities: () => call<ActivityDescriptor[]>("GET", "/api/activities"),
  definitions: () => call<DefinitionSummary[]>("GET", "/api/definitions"),
  definition: (id: string) => call<DefinitionDetail>("GET", `/api/definitions/${encodeURIComponent(id)}`),
  create: (definition: unknown) => call<DefinitionDetail>("POST", "/api/definitions", definition),
  saveDraft: (id: string, definition: unknown, revision: number) =>
    call<DefinitionDetail>("PUT", `/api/definitions/${encodeURIComponent(id)}/draft`, { definition, revision }),
  validate: (id: string) => call<ValidationIssue[]>("POST", `/api/definitions/${encodeURIComponent(id)}/validate`),
  publish: (id: string) => call<DefinitionDetail>("POST", `/api/definitions/${encodeURIComponent(id)}/publish`),
};
