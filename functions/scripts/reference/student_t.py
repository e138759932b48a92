#!/usr/bin/python3
"""Reference Student-t two-sided tails and quantiles for src/stats/student-t.ts (not run in CI).

Run from functions/:  /usr/bin/python3 scripts/reference/student_t.py
Writes test/fixtures/stats/student-t.json.

Ground truth is mpmath at 50+ significant digits, not scipy: scipy's stdtr/stdtrit (cephes in
scipy 1.10) are only good to ~1e-14 relative in the tails and return 0 below ~1e-308, and the
brief asks for 1e-12 (quantile) / 1e-10 (tail). Every input is the exact binary double that the
TypeScript side receives (mpmath.mpf(float) is exact), so the references are the true values for
those doubles, rounded once to double.

  two-sided tail  P(|T| >= |t|) = I_x(df/2, 1/2), x = df/(df + t^2)   (Abramowitz & Stegun 26.7.1)
                  via mpmath.betainc(df/2, 1/2, 0, x, regularized=True)
  cross-check     1 - I_y(1/2, df/2), y = t^2/(df + t^2), from the series
                  y^(1/2) x^(df/2) / ((1/2) B(1/2, df/2)) 2F1(df/2 + 1/2, 1; 3/2; y)   (DLMF 8.17.8)
                  at enough digits to survive the subtraction; the two must agree to 1e-25
  quantile        Newton's method in log t on log(two-sided tail) = log(2 min(p, 1 - p)) (1 - p is
                  exact in mpmath) with the exact density, started from scipy's ppf, then the sign
                  of p - 1/2; quantiles beyond 1e300 are left out

scipy's values are recorded next to each reference (scipy_p, scipy_q) for comparison only.
"""
import json
import math
import random
import sys

import mpmath as mp
import scipy
from scipy import stats

DPS = 50
DF_GRID = [1, 1.5, 2, 3, 5, 10, 30, 100, 1e3, 1e4, 1e5, 1e6, 9999999.7, 1e7, 1e9, 1e12]
T_GRID = [0, 1e-8, 0.5, 1.96, 3, 10, 40, 1e3]
P_GRID = [0.5, 0.9, 0.95, 0.975, 0.995, 1 - 1e-6, 1 - 1e-12]
# Lower tails, tiny tails and sub-1 df exercise the mirrored branch and the far-tail solver.
P_EXTRA = [1e-300, 1e-100, 1e-12, 0.025, 0.3, 0.5000001, 0.75]
DF_EXTRA = [0.3, 0.75, 2.5, 7.3, 45.2, 123.456, 2500.5, 31622.77, 1e15]


def two_sided(t, df):
    """Exact P(|T| >= |t|) as an mpf, or None when it is far below the double range."""
    if t == 0:
        return mp.mpf(1)
    with mp.workdps(DPS):
        nu, tt = mp.mpf(df), mp.mpf(abs(t))
        # Log density at t bounds the tail from above (times (1 + t) for t >= 1); skip hopeless underflow.
        logf = mp.loggamma((nu + 1) / 2) - mp.loggamma(nu / 2) - mp.log(nu * mp.pi) / 2
        logf -= (nu + 1) / 2 * mp.log1p(tt * tt / nu)
        if logf + mp.log(2 * (1 + tt) * (1 + tt)) < -800:
            return None
        x = nu / (nu + tt * tt)
        return mp.betainc(nu / 2, mp.mpf(1) / 2, 0, x, regularized=True)


def two_sided_check(t, df, ref):
    """The central-series cross-check; returns the relative disagreement with ref."""
    digits = DPS + max(0, int(-mp.log10(ref))) + 10
    with mp.workdps(digits):
        nu, tt = mp.mpf(df), mp.mpf(abs(t))
        a = nu / 2
        x, y = nu / (nu + tt * tt), tt * tt / (nu + tt * tt)
        central = x**a * mp.sqrt(y) / (mp.beta(mp.mpf(1) / 2, a) / 2) * mp.hyp2f1(a + mp.mpf(1) / 2, 1, 1.5, y)
        return abs((1 - central) / ref - 1)


def quantile(p, df):
    """Newton's method in s = log t with the exact density: on log P(|T| >= t) = log alpha in the
    tails, on P(|T| < t) = 1 - alpha when alpha > 1/2."""
    if p == 0.5:
        return mp.mpf(0)
    with mp.workdps(DPS):
        pp = mp.mpf(p)
        alpha = 2 * min(pp, 1 - pp)
        nu = mp.mpf(df)
        half = mp.mpf(1) / 2
        logc = mp.loggamma((nu + 1) / 2) - mp.loggamma(nu / 2) - mp.log(nu * mp.pi) / 2
        start = abs(float(stats.t.ppf(p, df)))
        if math.isfinite(start) and start > 0:
            s = mp.log(start)
        else:
            # Power-law tail: alpha ~ 2 c nu^((nu+1)/2) t^(-nu) / nu.
            s = (mp.log(2) + logc + (nu + 1) / 2 * mp.log(nu) - mp.log(nu) - mp.log(alpha)) / nu
        for _ in range(500):
            t = mp.exp(s)
            tail = mp.betainc(nu / 2, half, 0, nu / (nu + t * t), regularized=True)
            dens = mp.exp(logc - (nu + 1) / 2 * mp.log1p(t * t / nu))
            if alpha > half:
                # Near the median: P(|T| < t) = I_y(1/2, df/2) = 1 - alpha, Newton in t (the log form
                # is ill-conditioned, and 1 - tail loses digits at large df).
                central = mp.betainc(half, nu / 2, 0, t * t / (nu + t * t), regularized=True)
                step = mp.log1p(-(central - (1 - alpha)) / (2 * dens) / t)
            else:
                step = (mp.log(tail) - mp.log(alpha)) * tail / (2 * dens * t)
            step = max(-10, min(10, step))
            s += step
            if abs(step) < mp.mpf(10) ** (-DPS + 20):
                break
        else:
            raise RuntimeError((p, df))
        root = mp.exp(s)
        return root if p > 0.5 else -root


def tail_row(t, df, worst):
    ref = two_sided(t, df)
    p = 0.0 if ref is None else float(ref)
    if ref is not None and ref != 0 and t != 0:
        worst[0] = max(worst[0], float(two_sided_check(t, df, ref)))
    sp = float(2 * stats.t.sf(abs(t), df))
    return dict(t=t, df=df, p=p, scipy_p=sp)


def quantile_row(p, df):
    q = quantile(p, df)
    if abs(q) > mp.mpf(10) ** 300:
        return None  # beyond the double range; nothing to compare
    return dict(p=p, df=df, q=float(q), scipy_q=float(stats.t.ppf(p, df)))


def main():
    worst = [0.0]
    rng = random.Random(20240611)
    tails = [tail_row(t, df, worst) for df in DF_GRID + DF_EXTRA for t in T_GRID]
    # Random (df, t) pairs, log-uniform, catch branch boundaries the grid misses.
    dense_t = []
    for _ in range(400):
        df = 10 ** rng.uniform(-0.5, 12.5)
        t = 10 ** rng.uniform(-3, 2.5)
        dense_t.append(tail_row(t, df, worst))
    quants = [quantile_row(p, df) for df in DF_GRID + DF_EXTRA for p in P_GRID + P_EXTRA]
    quants = [row for row in quants if row is not None]
    dense_q = []
    for _ in range(150):
        df = 10 ** rng.uniform(-0.3, 12.5)
        p = 1 - 10 ** rng.uniform(-15, -0.31) if rng.random() < 0.5 else 10 ** rng.uniform(-250, -0.31)
        row = quantile_row(p, df)
        if row is not None:
            dense_q.append(row)
    assert worst[0] < 1e-25, worst[0]
    out = dict(
        provenance=dict(
            script="functions/scripts/reference/student_t.py",
            command="cd functions && /usr/bin/python3 scripts/reference/student_t.py",
            python=sys.version.split()[0],
            scipy=scipy.__version__,
            mpmath=mp.__version__,
            dps=DPS,
            reference="p, q: mpmath (betainc; Newton in log t for q); scipy_p = 2*t.sf(|t|, df), scipy_q = t.ppf(p, df)",
            cross_check_max_rel=float(worst[0]),
            zero_means="p = 0 where the true tail is below 1e-340 (not representable)",
        ),
        two_sided=tails + dense_t,
        quantile=quants + dense_q,
    )
    with open("test/fixtures/stats/student-t.json", "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")


main()
