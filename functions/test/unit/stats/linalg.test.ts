import { describe, expect, it } from "vitest";
import { invertSpd, matMul, SingularMatrixError } from "../../../src/stats/linalg";
import { solveOls } from "../../../src/stats/ols-sufficient";

describe("invertSpd", () => {
  it("inverts a badly scaled but well-conditioned matrix accurately", () => {
    // Columns on scales 1e-3 … 1e6 (like revenue vs indicators): equilibration keeps this exact.
    const c = [
      [1, 0.5, 0.2],
      [0.5, 1, 0.3],
      [0.2, 0.3, 1],
    ];
    const d = [1e6, 1, 1e-3];
    const a = c.map((row, i) => row.map((v, j) => v * d[i] * d[j]));
    const inv = invertSpd(a);
    // A⁻¹ = D⁻¹ C⁻¹ D⁻¹, with C⁻¹ from the scale-free C.
    const cInv = invertSpd(c);
    const id = matMul(c, cInv);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) expect(Math.abs(id[i][j] - (i === j ? 1 : 0))).toBeLessThan(1e-14);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const expected = cInv[i][j] / (d[i] * d[j]);
        expect(Math.abs(inv[i][j] - expected) / Math.abs(expected)).toBeLessThan(1e-13);
      }
    }
  });

  it("names a column without variation", () => {
    const err = (() => {
      try {
        invertSpd([
          [2, 0],
          [0, 0],
        ]);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SingularMatrixError);
    expect((err as SingularMatrixError).reason).toBe("zero_column");
    expect((err as SingularMatrixError).columns).toEqual([1]);
  });

  it("reports a column absorbed relative to its reference sum of squares", () => {
    expect(() => invertSpd([[1e-14]], { reference: [10] })).toThrow(SingularMatrixError);
  });

  it("finds the columns of a perfect collinearity", () => {
    // x2 = 2·x1: X'X of columns (1, x1, x2, x3) for x1 = (1,2,3,4), x3 = (1,0,1,0).
    const rows = [
      [1, 1, 2, 1],
      [1, 2, 4, 0],
      [1, 3, 6, 1],
      [1, 4, 8, 0],
    ];
    const xtx = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => rows.reduce((s, r) => s + r[i] * r[j], 0)));
    try {
      solveOls({ names: ["c", "x1", "x2", "x3"], xtx, xty: [1, 2, 3, 4], n: 4 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SingularMatrixError);
      expect((e as SingularMatrixError).reason).toBe("collinear");
      expect((e as SingularMatrixError).columns).toEqual(expect.arrayContaining([1, 2]));
      expect((e as SingularMatrixError).columns).not.toContain(3);
    }
  });
});
