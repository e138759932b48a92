/**
 * Scheduled re-runs (Cloud Tasks → `scheduledRerun`): each task creates a new job, either for a saved
 * (earlier) job's model and params or for an explicit model + params, and dispatches it. The job's
 * idempotency key defaults to the task id, so a redelivered task never creates a second job.
 */
import { z } from "zod";
import { workspaceIdSchema } from "../contracts/event";
import { HttpError } from "../http/errors";
import type { RerunTask } from "./ports";
import { submitRun, type RunDeps, type SubmittedRun } from "./run-service";

export const rerunTaskSchema = z
  .object({
    v: z.literal(1),
    workspace_id: workspaceIdSchema,
    from_job_id: z.string().min(1).optional(),
    model_name: z.string().min(1).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    idempotency_key: z.string().min(1).max(200).optional(),
    requested_by: z.string().nullable().optional(),
  })
  .refine((t) => (t.from_job_id === undefined) !== (t.model_name === undefined), {
    message: "give either from_job_id or model_name",
  }) satisfies z.ZodType<RerunTask>;

/** A task that can never succeed (malformed, unknown job, params no longer valid): do not retry it. */
export class PermanentRerunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentRerunError";
  }
}

export async function runRerunTask(data: unknown, taskId: string, deps: RunDeps): Promise<SubmittedRun> {
  const parsed = rerunTaskSchema.safeParse(data);
  if (!parsed.success)
    throw new PermanentRerunError(`malformed re-run task: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  const task = parsed.data;
  let modelName = task.model_name;
  let params = task.params ?? {};
  if (task.from_job_id) {
    const saved = await deps.jobs.get(task.workspace_id, task.from_job_id);
    if (!saved)
      throw new PermanentRerunError(`job ${task.from_job_id} does not exist in ${task.workspace_id}`);
    modelName = saved.model;
    params = saved.params;
  }
  try {
    return await submitRun(
      {
        workspace_id: task.workspace_id,
        model_name: modelName!,
        params,
        idempotency_key: (task.idempotency_key ?? `task:${taskId}`).slice(0, 200),
      },
      task.requested_by ?? "scheduler",
      deps,
    );
  } catch (err) {
    if (err instanceof HttpError && err.response.status < 500) {
      const body = err.response.body as { error?: { message?: string } };
      throw new PermanentRerunError(body.error?.message ?? "the re-run request was refused");
    }
    throw err;
  }
}
