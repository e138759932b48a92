#!/usr/bin/python3
"""Reference tail probabilities and quantiles for src/stats/distributions.ts (not run in CI).

Run from functions/:  /usr/bin/python3 scripts/reference/distributions_reference.py
Writes test/fixtures/did/distributions.json with scipy.stats values.
"""
import json
import sys

import scipy
from scipy import stats

T_CASES = [(2.1, 9), (0.5, 30), (3.3, 169), (15.75, 169), (1.96, 1e6), (5.0, 1999998), (0.1, 5), (-4.5, 99999), (40.0, 3)]
Q_CASES = [(0.975, 1), (0.975, 9), (0.975, 39), (0.995, 169), (0.975, 1e6), (0.95, 12.5), (0.025, 29)]
F_CASES = [(2.5, 3, 29), (0.3, 2, 47), (12.0, 5, 200), (60.0, 2, 35), (1.0, 1, 1)]
C_CASES = [(7.5, 3), (0.5, 2), (40.0, 4), (150.0, 6), (2.0, 1), (0.01, 10)]

out = dict(
    provenance=dict(
        script="functions/scripts/reference/distributions_reference.py",
        python=sys.version.split()[0],
        scipy=scipy.__version__,
        functions="2*t.sf(|t|, df); t.ppf(p, df); f.sf(x, d1, d2); chi2.sf(x, k)",
    ),
    t_two_sided=[dict(t=t, df=df, p=float(2 * stats.t.sf(abs(t), df))) for t, df in T_CASES],
    t_quantile=[dict(p=p, df=df, q=float(stats.t.ppf(p, df))) for p, df in Q_CASES],
    f_upper=[dict(f=f, d1=a, d2=b, p=float(stats.f.sf(f, a, b))) for f, a, b in F_CASES],
    chi2_upper=[dict(x=x, k=k, p=float(stats.chi2.sf(x, k))) for x, k in C_CASES],
)
with open("test/fixtures/did/distributions.json", "w") as fh:
    json.dump(out, fh, indent=1)
    fh.write("\n")
