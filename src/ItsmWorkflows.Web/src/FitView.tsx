import { useCallback } from "react";
import { ControlButton, getNodesBounds, getViewportForBounds, useReactFlow, useStoreApi } from "@xyflow/react";
import { openingViewport } from "./geometry";
import type { ActivityFlowNode } from "./model";

export interface FitOptions {
  /** Fit these activities (by id); all of them when absent. */
  nodes?: string[];
  padding?: number;
  minZoom?: number;
  maxZoom?: number;
}

/**
 * Fits the view to activities by their declared sizes (geometry.ts). React Flow's own fitView waits until every
 * activity has been measured, and an activity out of view is never drawn, so never measured: it would fit later,
 * at some unrelated redraw, or never.
 */
export function useFitView() {
  const flow = useReactFlow();
  const store = useStoreApi();
  return useCallback((options: FitOptions = {}) => {
    const { width, height, nodeLookup, minZoom, maxZoom } = store.getState();
    const ids = options.nodes ?? [...nodeLookup.keys()];
    const nodes = ids.map((id) => nodeLookup.get(id)).filter((n) => n !== undefined);
    if (nodes.length === 0 || !width || !height) return;
    const viewport = getViewportForBounds(getNodesBounds(nodes), width, height, options.minZoom ?? minZoom, options.maxZoom ?? maxZoom, options.padding ?? 0.1);
    void flow.setViewport(viewport);
  }, [flow, store]);
}

/** Places the view where a workflow opens (openingViewport in geometry.ts), once the canvas has its size. */
export function useOpeningView() {
  const flow = useReactFlow();
  const store = useStoreApi();
  return useCallback((nodes: ActivityFlowNode[]) => {
    const { width, height } = store.getState();
    if (nodes.length === 0 || !width || !height) return;
    void flow.setViewport(openingViewport(nodes, width, height));
  }, [flow, store]);
}

/** The controls' "Fit View" button, fitting by declared sizes (React Flow's own is turned off with showFitView={false}). */
export function FitViewButton(options: FitOptions) {
  const fit = useFitView();
  return (
    <ControlButton className="react-flow__controls-fitview" title="Fit View" aria-label="Fit View" onClick={() => fit(options)}>
      <svg viewBox="0 0 16 16" aria-hidden="true">
        <path d="M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4" fill="none" stroke="currentColor" strokeWidth="2" />
      </svg>
    </ControlButton>
  );
}
