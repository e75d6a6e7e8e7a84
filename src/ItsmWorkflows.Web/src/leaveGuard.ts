/**
 * Work that leaving the page would lose: the editor sets a question while it has unsaved changes, and going to another
 * page of the app (the ← link, the browser's back button) or closing the tab asks it first.
 */
let question: string | null = null;

export function setLeaveQuestion(text: string | null) {
  question = text;
}

/** True when the person may leave (nothing unsaved, or they said so). */
export function mayLeave(): boolean {
  return question === null || window.confirm(question);
}

/** The browser's own prompt when the tab is closed or reloaded with unsaved work. */
window.addEventListener("beforeunload", (e) => {
  if (question !== null) e.preventDefault();
});
