import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "@xyflow/react/dist/style.css";
import "./styles.css";
import { App } from "./App";
import { api, prefetchDefinition } from "./api";

// Opening a workflow in the designer: ask for what it needs while React starts, not after its first render.
if (window.location.pathname.startsWith("/designer")) {
  void api.activities().catch(() => undefined);
  const opening = /^#\/definitions\/(.+)$/.exec(window.location.hash);
  if (opening) prefetchDefinition(decodeURIComponent(opening[1]));
}

// User Timing marks (itsm:*) let the designer benchmark say where opening a workflow spends its time.
performance.mark("itsm:script");
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
