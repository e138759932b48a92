/**
 * Per-model result views, discovered at build time: every `src/models/<model>/ResultView.tsx` (default
 * export, props `{ envelope }`) becomes the view for results whose `envelope.model` is `<model>`.
 * Each view is its own lazily loaded chunk; models without one get the generic diagnostics view.
 */
import type { ResultEnvelope } from "@cfap/contracts";
import { lazy, type ComponentType, type LazyExoticComponent } from "react";

/** What a model's ResultView receives. */
export interface ModelResultViewProps {
  envelope: ResultEnvelope;
}

type ViewModule = { default: ComponentType<ModelResultViewProps> };
type Loader = () => Promise<ViewModule>;

const PATH = /^\.\.\/models\/([^/]+)\/ResultView\.tsx$/;

/** model name → chunk loader, from the file tree. Exported for tests. */
export function viewLoaders(modules: Record<string, Loader>): Map<string, Loader> {
  const out = new Map<string, Loader>();
  for (const [path, load] of Object.entries(modules)) {
    const m = PATH.exec(path);
    if (m) out.set(m[1], load);
  }
  return out;
}

const loaders = viewLoaders(import.meta.glob<ViewModule>("../models/*/ResultView.tsx"));
const components = new Map<string, LazyExoticComponent<ComponentType<ModelResultViewProps>>>();

/** The models that ship a result view, sorted. */
export function modelsWithViews(): string[] {
  return [...loaders.keys()].sort();
}

/** The lazy view for a model (one component per model, so React keeps it mounted), or null. */
export function modelResultView(
  model: string,
): LazyExoticComponent<ComponentType<ModelResultViewProps>> | null {
  const load = loaders.get(model);
  if (!load) return null;
  let c = components.get(model);
  if (!c) {
    c = lazy(async () => {
      const mod = await load();
      if (typeof mod.default !== "function" && typeof mod.default !== "object") {
        throw new Error(`src/models/${model}/ResultView.tsx has no default export`);
      }
      return mod;
    });
    components.set(model, c);
  }
  return c;
}
