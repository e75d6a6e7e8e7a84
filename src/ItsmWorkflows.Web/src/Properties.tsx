import type { ActivityDescriptor, InputDescriptor } from "./api";
import { readInput, type ActivityJson } from "./model";

const syntaxes = ["Literal", "JavaScript", "Liquid", "Variable", "Object"];
const multilineHints = new Set(["multiline", "code-editor", "json-editor", "multi-text"]);

function defaultSyntax(input: InputDescriptor) {
  return input.defaultSyntax ?? (input.uiHint === "code-editor" ? "JavaScript" : input.uiHint === "json-editor" ? "Object" : "Literal");
}

/** The selected activity's name and inputs, generated from its descriptor: an expression type and a value per input. */
export function Properties({ activity, descriptor, issues, onChange }: {
  activity: ActivityJson;
  descriptor?: ActivityDescriptor;
  issues: string[];
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
      {issues.map((m) => <p key={m} className="issue" role="alert">{m}</p>)}
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
            {input.description && <small>{input.description}</small>}
          </fieldset>
        );
      })}
    </aside>
  );
}
