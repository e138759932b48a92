import { describe, expect, it } from "vitest";
import { estimatesToCsv } from "./csv";

describe("estimatesToCsv", () => {
  it("quotes cells with commas, quotes and newlines, and leaves nulls empty", () => {
    const csv = estimatesToCsv([
      {
        term: 'channel "paid", search',
        estimate: 1,
        std_error: null,
        ci_low: null,
        ci_high: null,
        p_value: null,
        note: "a\nb",
      },
    ]);
    expect(csv).toBe(
      'term,estimate,std_error,ci_low,ci_high,p_value,df,note\r\n"channel ""paid"", search",1,,,,,,"a\nb"\r\n',
    );
  });
  it("writes only a header for no estimates", () => {
    expect(estimatesToCsv([])).toBe("term,estimate,std_error,ci_low,ci_high,p_value,df\r\n");
  });
});
