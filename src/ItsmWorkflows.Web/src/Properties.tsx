import { useEffect, useState } from "react";
import { api, type ActivityDescriptor, type InputDescriptor, type ValidationIssue } from "./api";
import { readInput, type ActivityJson } from "./model";

const syntaxes = ["Literal", "JavaScript", "Liquid", "Variable", "Object"];
const multilineHints = new Set(["multiline", "code-editor", "json-editor", "multi-text"]);

function defaultSyntax(input: InputDescriptor) {
  return input.defaultSyntax ?? (input.uiHint === "code-editor" ? "JavaScript" : input.uiHint === "json-editor" ? "Object" : "Literal");
}

/** The selected activity's name and inputs, generated from its descriptor: an expression type and a value per input. */
/** A script's syntax error, checked by the server a moment after typing stops (nothing of it runs). */
function useSyntaxCheck(syntax: string, value: string, typeName: string) {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (syntax !== "JavaScript" && syntax !== "Liquid" && syntax !== "Object") { setError(null); return; }
    let current = true;
    const timer = setTimeout(() => {
      api.checkExpression(syntax, value, typeName).then((r) => { if (current) setError(r.valid ? null : r.error ?? "Not valid."); }, () => {});
    }, 350);
    return () => { current = false; clearTimeout(timer); };
  }, [syntax, value, typeName]);
  return error;
}

function SyntaxError({ syntax, value, typeName, name }: { syntax: string; value: string; typeName: string; name: string }) {
  const error = useSyntaxCheck(syntax, value, typeName);
  return error ? <p className="issue" role="alert" data-testid={`syntax-${name}`}>{error}</p> : null;
}

export function Properties({ activity, descriptor, issues, onChange }: {
  activity: ActivityJson;
  descriptor?: ActivityDescriptor;
  issues: ValidationIssue[];
  onChange: (next: ActivityJson) => void;
}) {
  const setInput = (input: InputDescriptor, syntax: string, value: string) => {
    const next: ActivityJson = { ...activity };
    if (value === "" && syntax === "Literal") delete next[input.name];
    else next[input.name] = { typeName: input.typeName, expression: { type: syntax, value } };
    onChange(next);
  };
  return (
    <aside className="properties" aria-label="Properties">
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
        const current = readInput(activity, input.name);
        const syntax = current?.expression?.type ?? defaultSyntax(input);
        const raw = current?.expression?.value;
        const value = raw === undefined || raw === null ? "" : typeof raw === "string" ? raw : JSON.stringify(raw);
        const label = input.displayName || input.name;
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
            ) : multilineHints.has(input.uiHint) || syntax !== "Literal" ? (
              <textarea aria-label={label} spellCheck={false} value={value} onChange={(e) => setInput(input, syntax, e.target.value)} />
            ) : (
              <input aria-label={label} value={value} onChange={(e) => setInput(input, syntax, e.target.value)} />
            )}
            <SyntaxError syntax={syntax} value={value} typeName={input.typeName} name={input.name} />
            {issues.filter((i) => i.field === input.name).map((i) => <p key={i.message} className="issue" role="alert">{i.message}</p>)}
            {input.description && <small>{input.description}</small>}
          </fieldset>
        );
      })}
    </aside>
  );
}
