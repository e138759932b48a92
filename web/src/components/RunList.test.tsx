import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { describe, expect, it, vi } from "vitest";
import { job } from "../test/fixtures/results";
import { RunList } from "./RunList";

const NOW = Date.parse("2024-02-02T10:05:00.000Z");

const jobs = [
  job({
    job_id: "j_run",
    status: "running",
    stage: "querying the warehouse",
    progress: 0.4,
    attempt: 1,
    started_at: "2024-02-02T10:00:00.000Z",
    requested_by: "me@x.dev",
  }),
  job({ job_id: "j_queued", status: "queued" }),
  job({
    job_id: "j_failed",
    status: "failed",
    attempt: 1,
    started_at: "2024-02-02T10:00:00.000Z",
    finished_at: "2024-02-02T10:00:42.000Z",
    error: { code: "insufficient_data", message: "only 3 units in the panel; need at least 4" },
    requested_by: "api_key:abcdef123456",
  }),
  job({
    job_id: "j_ok",
    status: "succeeded",
    attempt: 1,
    started_at: "2024-02-02T10:00:00.000Z",
    finished_at: "2024-02-02T10:02:05.000Z",
    summary: { term: "att", estimate: 3.2, ci_low: 1.1, ci_high: 5.3 },
  }),
  job({ job_id: "j_cancel", status: "cancelled", finished_at: "2024-02-02T10:01:00.000Z" }),
];

function renderList(props: Partial<Parameters<typeof RunList>[0]> = {}) {
  return render(
    <MemoryRouter>
      <RunList jobs={jobs} workspaceId="demo" now={NOW} me={{ uid: "u1", email: "me@x.dev" }} {...props} />
    </MemoryRouter>,
  );
}

describe("RunList", () => {
  it("renders every status with its badge, progress, who and duration", () => {
    renderList();
    const rows = screen.getAllByRole("row").slice(1);
    expect(rows).toHaveLength(5);
    expect(
      rows.map((r) => within(r).getAllByText(/Running|Queued|Failed|Succeeded|Cancelled/)[0].textContent),
    ).toEqual(["Running", "Queued", "Failed", "Succeeded", "Cancelled"]);
    const running = rows[0];
    expect(within(running).getByRole("progressbar")).toHaveAttribute("aria-valuenow", "40");
    expect(within(running).getByText("querying the warehouse")).toBeInTheDocument();
    expect(within(running).getByText("You")).toBeInTheDocument();
    expect(within(running).getByText("5 min")).toBeInTheDocument();
    expect(within(rows[1]).getByRole("progressbar")).not.toHaveAttribute("aria-valuenow");
    expect(within(rows[1]).getByText("waiting for a worker")).toBeInTheDocument();
    expect(within(rows[3]).getByText("2 min 5 s")).toBeInTheDocument();
    expect(within(running).getByRole("link", { name: /did/ })).toHaveAttribute("href", "/w/demo/runs/j_run");
  });

  it("shows the typed error of a failed run and the headline of a succeeded one", () => {
    renderList();
    const failed = screen.getAllByRole("row")[3];
    expect(within(failed).getByText("insufficient_data")).toBeInTheDocument();
    expect(within(failed).getByText(/only 3 units in the panel/)).toBeInTheDocument();
    expect(within(failed).getByText("API key abcdef12")).toBeInTheDocument();
    const ok = screen.getAllByRole("row")[4];
    expect(ok).toHaveTextContent("att: +3.2 [1.1, 5.3]");
  });

  it("offers cancel on active runs and re-run on finished ones", async () => {
    const onCancel = vi.fn();
    const onRerun = vi.fn();
    const user = userEvent.setup();
    renderList({ onCancel, onRerun, busy: new Set(["j_queued"]) });
    expect(screen.getAllByRole("button", { name: /^Cancel/ })).toHaveLength(2);
    expect(screen.getAllByRole("button", { name: /^Re-run/ })).toHaveLength(3);
    await user.click(screen.getByRole("button", { name: "Cancel did run j_run" }));
    expect(onCancel).toHaveBeenCalledWith(expect.objectContaining({ job_id: "j_run" }));
    expect(screen.getByRole("button", { name: "Cancel did run j_queued" })).toBeDisabled();
    await user.click(screen.getByRole("button", { name: "Re-run did run j_failed" }));
    expect(onRerun).toHaveBeenCalledWith(expect.objectContaining({ job_id: "j_failed" }));
  });

  it("has an empty state with a way forward", () => {
    renderList({ jobs: [] });
    expect(screen.getByText("No runs match")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Start an analysis" })).toHaveAttribute("href", "/w/demo/new");
  });
});
