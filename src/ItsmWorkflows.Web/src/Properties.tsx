import { useEffect, useRef, useState } from "react";
import type { CodeEditorHandle } from "./codemirror";
import { api, type ActivityDescriptor, type InputDescriptor, type ValidationIssue } from "./api";
import { readInput, type ActivityJson } from "./model";

const syntaxes = ["Literal", "JavaScript", "Liquid", "Variable", "Object"];
const multilineHints = new Set(["multiline", "code-editor", "json-editor", "multi-text"]);

function defaultSyntax(input: InputDescriptor) {
  return input.defaultSyntax ?? (input.uiHint === "code-editor" ? "JavaScript" : input.uiHint === "json-editor" ? "Object" : "Literal");
}

/** A script's syntax error, checked by the server a moment after typing stops (nothing of it runs). */
type SyntaxProblem = { message: string; line?: number | null; column?: number | null };

function useSyntaxCheck(syntax: string, value: string, typeName: string) {
  const [error, setError] = useState<SyntaxProblem | null>(null);
  useEffect(() => {
    if (syntax !== "JavaScript" && syntax !== "Liquid" && syntax !== "Object") { setError(null); return; }
    let current = true;
    const timer = setTimeout(() => {
      api.checkExpression(syntax, value, typeName).then((r) => {
        if (current) setError(r.valid ? null : { message: r.error ?? "Not valid.", line: r.line, column: r.column });
      }, () => {});
    }, 350);
    return () => { current = false; clearTimeout(timer); };
  }, [syntax, value, typeName]);
  return error;
}

/**
 * Scripts and templates get a code editor (highlighting, line numbers, the server's syntax error marked on its
 * line); until it has loaded, and for plain values, a textarea.
 */
function CodeField({ label, syntax, value, typeName, name, onChange }: { label: string; syntax: string; value: string; typeName: string; name: string; onChange: (v: string) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<CodeEditorHandle | null>(null);
  const latest = useRef({ onChange, value, syntax });
  latest.current = { onChange, value, syntax };
  const [loaded, setLoaded] = useState(false);
  const error = useSyntaxCheck(syntax, value, typeName);
  useEffect(() => {
    let gone = false;
    import("./codemirror").then((m) => {
      if (gone || !host.current) return;
      editor.current = m.createCodeEditor(host.current, { value: latest.current.value, syntax: latest.current.syntax, label, onChange: (v) => latest.current.onChange(v) });
      setLoaded(true);
    }, () => {});
    return () => { gone = true; editor.current?.destroy(); editor.current = null; };
  }, [label]);
  useEffect(() => { editor.current?.setValue(value); }, [value, loaded]);
  useEffect(() => { editor.current?.setSyntax(syntax); }, [syntax, loaded]);
  useEffect(() => { editor.current?.setError(error); }, [error, loaded]);
  return (
    <>
      <div ref={host} className="code-editor" data-testid={`code-${name}`} hidden={!loaded} />
      {!loaded && <textarea aria-label={label} spellCheck={false} value={value} onChange={(e) => onChange(e.target.value)} />}
      {error && <p className="issue" role="alert" data-testid={`syntax-${name}`}>{error.message}</p>}
    </>
  );
}

function SyntaxError({ syntax, value, typeName, name }: { syntax: string; value: string; typeName: string; name: string }) {
  const error = useSyntaxCheck(syntax, value, typeName);
  return error ? <p className="issue" role="alert" data-testid={`syntax-${name}`}>{error.message}</p> : null;
}

/** "actionUrl" reads "Action URL": an input without a display name is shown by its name, in words. */
function humanize(name: string) {
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ").trim();
  return (words.charAt(0).toUpperCase() + words.slice(1)).replace(/\b(Url|Id|Http|Json|Sla)\b/g, (w) => w.toUpperCase());
}

type SwitchCase = { label?: string; condition?: { type?: string; value?: unknown } };

/**
 * A switch's cases are plain JSON on the activity (a list of { label, condition }), not one expression: each case
 * gets its label and its condition, which become the activity's output ports.
 */
function CasesField({ label, cases, onChange }: { label: string; cases: SwitchCase[]; onChange: (next: SwitchCase[]) => void }) {
  const set = (i: number, next: SwitchCase) => onChange(cases.map((c, j) => (j === i ? next : c)));
  return (
    <fieldset className="input cases">
      <legend>{label}</legend>
      {cases.map((c, i) => {
        const syntax = c.condition?.type ?? "JavaScript";
        const value = typeof c.condition?.value === "string" ? c.condition.value : c.condition?.value === undefined ? "" : JSON.stringify(c.condition.value);
        return (
          <div key={i} className="case" role="group" aria-label={`Case ${i + 1}`}>
            <input aria-label={`Case ${i + 1} label`} placeholder="Label (the port's name)" value={c.label ?? ""} onChange={(e) => set(i, { ...c, label: e.target.value })} />
            <select aria-label={`Case ${i + 1} condition type`} value={syntax} onChange={(e) => set(i, { ...c, condition: { type: e.target.value, value } })}>
              {["JavaScript", "Liquid", "Literal"].map((s) => <option key={s}>{s}</option>)}
            </select>
            <textarea aria-label={`Case ${i + 1} condition`} spellCheck={false} value={value} onChange={(e) => set(i, { ...c, condition: { type: syntax, value: e.target.value } })} />
            <SyntaxError syntax={syntax} value={value} typeName="Boolean" name={`case-${i}`} />
            <button type="button" onClick={() => onChange(cases.filter((_, j) => j !== i))}>Remove case {i + 1}</button>
          </div>
        );
      })}
      <button type="button" onClick={() => onChange([...cases, { label: `Case ${cases.length + 1}`, condition: { type: "JavaScript", value: "false" } }])}>Add case</button>
    </fieldset>
  );
}

type VariableRef = { id?: string; name?: string };

/** Which workflow variable an activity sets: chosen from the workflow's variables, stored as Elsa stores it ({ id, name }). */
function VariableField({ label, current, variables, onChange }: { label: string; current: VariableRef | undefined; variables: VariableRef[]; onChange: (next: VariableRef | undefined) => void }) {
  const known = variables.some((v) => v.name === current?.name);
  return (
    <fieldset className="input">
      <legend>{label}</legend>
      <select aria-label={label} value={current?.name ?? ""} onChange={(e) => {
        const chosen = variables.find((v) => v.name === e.target.value);
        onChange(chosen ? { id: chosen.id, name: chosen.name } : undefined);
      }}>
        <option value="" />
        {!known && current?.name && <option value={current.name}>{current.name} (not a variable of this workflow)</option>}
        {variables.map((v) => <option key={v.id ?? v.name} value={v.name}>{v.name}</option>)}
      </select>
      {variables.length === 0 && <small>This workflow has no variables yet: add one under Variables &amp; inputs (click an empty part of the canvas).</small>}
    </fieldset>
  );
}

/** The selected activity's name and inputs, generated from its descriptor: an expression type and a value per input. */
export function Properties({ activity, descriptor, issues, onChange, variables = [], onClose }: {
  activity: ActivityJson;
  descriptor?: ActivityDescriptor;
  issues: ValidationIssue[];
  onChange: (next: ActivityJson) => void;
  /** Back to the workflow's own panel (problems, variables, versions, instances): the same as clicking empty canvas. */
  onClose?: () => void;
  /** The workflow's variables, for inputs that name one. */
  variables?: VariableRef[];
}) {
  const setInput = (input: InputDescriptor, syntax: string, value: string) => {
    const next: ActivityJson = { ...activity };
    if (value === "" && syntax === "Literal") delete next[input.name];
    else next[input.name] = { typeName: input.typeName, expression: { type: syntax, value } };
    onChange(next);
  };
  return (
    <aside className="properties" aria-label="Properties">
      {onClose && <button type="button" className="link" onClick={onClose}>← Workflow: problems, variables, versions</button>}
      <h2>{descriptor?.displayName ?? activity.type}</h2>
      <p className="hint">{descriptor?.description ?? "This activity type is not known here: it can be edited but not published."}</p>
      <label>
        Id
        <input value={activity.id} readOnly aria-readonly="true" />
      </label>
      <label>
        Activity name
        <input
          aria-label="Activity name"
          value={typeof activity.name === "string" ? activity.name : ""}
          onChange={(e) => onChange({ ...activity, name: e.target.value || undefined })}
        />
      </label>
      {issues.filter((i) => !i.field || !(descriptor?.inputs ?? []).some((d) => d.name === i.field)).map((i) => <p key={i.message} className="issue" role="alert">{i.message}</p>)}
      {(descriptor?.inputs ?? []).map((input) => {
        const label = input.displayName || humanize(input.name);
        if (input.isWrapped === false && input.uiHint === "switch-editor") {
          const raw = activity[input.name];
          return <CasesField key={input.name} label={label} cases={Array.isArray(raw) ? (raw as SwitchCase[]) : []} onChange={(next) => onChange({ ...activity, [input.name]: next })} />;
        }
        if (input.isWrapped === false && input.uiHint === "variable-picker") {
          const raw = activity[input.name];
          return (
            <VariableField key={input.name} label={label} current={raw && typeof raw === "object" ? (raw as VariableRef) : undefined} variables={variables}
              onChange={(next) => { const copy: ActivityJson = { ...activity }; if (next) copy[input.name] = next; else delete copy[input.name]; onChange(copy); }} />
          );
        }
        const current = readInput(activity, input.name);
        const syntax = current?.expression?.type ?? defaultSyntax(input);
        const raw = current?.expression?.value;
        const value = raw === undefined || raw === null ? "" : typeof raw === "string" ? raw : JSON.stringify(raw);
        return (
          <fieldset key={input.name} className="input">
            <legend>
              {label}{input.isRequired ? " *" : ""}
            </legend>
            <select aria-label={`${label} expression type`} value={syntax} onChange={(e) => setInput(input, e.target.value, value)}>
              {syntaxes.map((s) => <option key={s}>{s}</option>)}
            </select>
            {syntax === "Literal" && input.options?.length ? (
              <select aria-label={label} value={value} onChange={(e) => setInput(input, syntax, e.target.value)}>
                <option value="" />
                {input.options.map((o) => <option key={o}>{o}</option>)}
              </select>
            ) : syntax === "JavaScript" || syntax === "Liquid" || syntax === "Object" ? (
              <CodeField key={`${activity.id}/${input.name}`} label={label} syntax={syntax} value={value} typeName={input.typeName} name={input.name} onChange={(v) => setInput(input, syntax, v)} />
            ) : multilineHints.has(input.uiHint) || syntax !== "Literal" ? (
              <textarea aria-label={label} spellCheck={false} value={value} onChange={(e) => setInput(input, syntax, e.target.value)} />
            ) : (
              <input aria-label={label} value={value} onChange={(e) => setInput(input, syntax, e.target.value)} />
            )}
            {syntax !== "JavaScript" && syntax !== "Liquid" && syntax !== "Object" && <SyntaxError syntax={syntax} value={value} typeName={input.typeName} name={input.name} />}
            {issues.filter((i) => i.field === input.name).map((i) => <p key={i.message} className="issue" role="alert">{i.message}</p>)}
            {input.description && <small>{input.description}</small>}
          </fieldset>
        );
      })}
    </aside>
  );
}
