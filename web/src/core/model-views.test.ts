import { describe, expect, it } from "vitest";
import { modelResultView, modelsWithViews, viewLoaders } from "./model-views";

describe("model result views", () => {
  it("maps src/models/<model>/ResultView.tsx to the model name", () => {
    const load = async () => ({ default: () => null });
    const m = viewLoaders({
      "../models/did/ResultView.tsx": load,
      "../models/geo_design/ResultView.tsx": load,
      "../models/README.md": load,
    });
    expect([...m.keys()]).toEqual(["did", "geo_design"]);
  });

  it("discovers the views in the tree (did is the first) and gives null for the rest", async () => {
    expect(modelsWithViews()).toContain("did");
    const View = modelResultView("did");
    expect(View).not.toBeNull();
    expect(modelResultView("did")).toBe(View);
    expect(modelResultView("no_such_model")).toBeNull();
  });
});
