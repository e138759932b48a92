import { HttpError } from "../http/errors";
import { LocalRunError } from "../runs/local-runner";
import { CliError } from "./output";

/**
 * How a model run's failure reads on the command line: a typed run failure exits 1 with its code and
 * message, invalid params exit 2 with the API's field-level message; anything else is rethrown as is.
 */
export function runErrorToCli(err: unknown): unknown {
  if (err instanceof LocalRunError) return new CliError(`${err.code}: ${err.message}`, 1);
  if (err instanceof HttpError) {
    const body = err.response.body as { error: { message: string } };
    return new CliError(body.error.message, 2);
  }
  return err;
}
