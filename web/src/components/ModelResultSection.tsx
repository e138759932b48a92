import type { ResultEnvelope } from "@cfap/contracts";
import { Component, Suspense, type ErrorInfo, type ReactNode } from "react";
import { modelResultView } from "../core/model-views";
import { GenericResultView } from "./GenericDiagnostics";
import { ErrorState, Skeleton } from "./ui";

/** A model view that throws (or whose chunk fails to load) falls back to the generic view with a note. */
export class ViewBoundary extends Component<
  { model: string; envelope: ResultEnvelope; children: ReactNode },
  { error: Error | null }
> {
  override state: { error: Error | null } = { error: null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(`result view of model ${this.props.model} failed`, error, info.componentStack);
  }
  override render() {
    if (this.state.error) {
      return (
        <>
          <ErrorState
            title={`The ${this.props.model} view could not be shown; showing the raw diagnostics`}
            error={this.state.error}
          />
          <GenericResultView envelope={this.props.envelope} />
        </>
      );
    }
    return this.props.children;
  }
}

/**
 * The model-specific part of a result: `src/models/<model>/ResultView.tsx` when there is one (loaded on
 * demand), else the generic diagnostics.
 */
export function ModelResultSection({ envelope }: { envelope: ResultEnvelope }) {
  const View = modelResultView(envelope.model);
  if (!View) return <GenericResultView envelope={envelope} />;
  return (
    <ViewBoundary key={envelope.model} model={envelope.model} envelope={envelope}>
      <Suspense fallback={<Skeleton lines={6} label={`Loading the ${envelope.model} diagnostics`} />}>
        <View envelope={envelope} />
      </Suspense>
    </ViewBoundary>
  );
}
