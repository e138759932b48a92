/** Rows of the moment queries → typed per-group sums (numbers, NULL sums as 0). */
import type { Row } from "../../warehouse/warehouse";
import type { CupedArmSums } from "../../stats/experiments";

export interface GroupSums extends CupedArmSums {
  /** Rows in the group, with or without a metric value. */
  nRows: number;
  sumZ: number;
  sumZ2: number;
  sumYZ: number;
  /** Rows whose y is neither 0 nor 1 (a proportion metric needs 0/1). */
  nNot01: number;
}

export function num(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === "bigint") return Number(v);
  return Number(v);
}

export function groupSums(r: Row): GroupSums {
  return {
    nRows: num(r.n_rows),
    n: num(r.n),
    sumY: num(r.sy),
    sumY2: num(r.syy),
    sumZ: num(r.sz),
    sumZ2: num(r.szz),
    sumYZ: num(r.syz),
    nX: num(r.nx),
    sumX: num(r.sx),
    sumX2: num(r.sxx),
    sumXY: num(r.sxy),
    sumYWithX: num(r.sy_x),
    nNot01: num(r.n_not01),
  };
}

export function addSums(a: GroupSums, b: GroupSums): GroupSums {
  const out = { ...a };
  for (const k of Object.keys(b) as (keyof GroupSums)[]) out[k] = a[k] + b[k];
  return out;
}

export function emptySums(): GroupSums {
  return {
    nRows: 0,
    n: 0,
    sumY: 0,
    sumY2: 0,
    sumZ: 0,
    sumZ2: 0,
    sumYZ: 0,
    nX: 0,
    sumX: 0,
    sumX2: 0,
    sumXY: 0,
    sumYWithX: 0,
    nNot01: 0,
  };
}
