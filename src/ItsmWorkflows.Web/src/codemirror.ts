// The script and template editor (CodeMirror 6), loaded on first use so the designer opens without it.
import { EditorState, Compartment } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { syntaxHighlighting, defaultHighlightStyle, bracketMatching } from "@codemirror/language";
import { javascript } from "@codemirror/lang-javascript";
import { liquid } from "@codemirror/lang-liquid";
import { setDiagnostics, lintGutter } from "@codemirror/lint";

export interface CodeEditorHandle {
  setValue(value: string): void;
  setSyntax(syntax: string): void;
  setError(error: { message: string; line?: number | null; column?: number | null } | null): void;
  destroy(): void;
}

function language(syntax: string) {
  return syntax === "Liquid" ? liquid() : syntax === "JavaScript" ? javascript() : syntax === "Object" ? javascript({ jsx: false }) : [];
}

export function createCodeEditor(parent: HTMLElement, options: { value: string; syntax: string; label: string; onChange: (value: string) => void }): CodeEditorHandle {
  const lang = new Compartment();
  let silent = false;
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.value,
      extensions: [
        lineNumbers(), history(), drawSelection(), highlightActiveLine(), bracketMatching(), lintGutter(),
        // Tab indents inside the editor; Escape then Tab leaves it (CodeMirror's own escape hatch), so the keyboard is never trapped.
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        lang.of(language(options.syntax)),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-label": options.label, "aria-multiline": "true" }),
        EditorView.updateListener.of((u) => { if (u.docChanged && !silent) options.onChange(u.state.doc.toString()); }),
      ],
    }),
  });
  return {
    setValue(value) {
      const current = view.state.doc.toString();
      if (current === value) return;
      silent = true;
      view.dispatch({ changes: { from: 0, to: current.length, insert: value } });
      silent = false;
    },
    setSyntax(syntax) {
      view.dispatch({ effects: lang.reconfigure(language(syntax)) });
    },
    setError(error) {
      const doc = view.state.doc;
      if (!error) { view.dispatch(setDiagnostics(view.state, [])); return; }
      // The server names the line (and column) when the parser does; otherwise the whole text is marked.
      const line = error.line && error.line >= 1 && error.line <= doc.lines ? doc.line(error.line) : null;
      let from = line ? Math.min(line.to, line.from + Math.max(0, (error.column ?? 1) - 1)) : 0;
      let to = line ? Math.max(from, line.to) : doc.length;
      // Never an empty range (an error at the very end, "unexpected end of input", marks the last character).
      if (to <= from) { if (to < doc.length) to = from + 1; else if (from > 0) from -= 1; }
      view.dispatch(setDiagnostics(view.state, [{ from, to, severity: "error", message: error.message }]));
    },
    destroy() { view.destroy(); },
  };
}
