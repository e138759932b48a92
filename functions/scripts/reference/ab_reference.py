#!/usr/bin/python3
"""Reference numbers for the experiment-analysis tests (ab, power, stats/experiments).

Not run in CI; the outputs are committed.  Run from functions/ with Debian's python3
(python3-scipy 1.10.1, python3-statsmodels 0.13.5, python3-numpy, python3-pandas, python3-mpmath),
after ab_datasets.R:

    /usr/bin/python3 scripts/reference/ab_reference.py

Writes
  test/fixtures/ab/units.csv        synthetic unit-level experiment (seeded numpy): variant
                                    (control/a/b), revenue (y), pre_revenue (x, ~10% missing),
                                    converted (0/1), sessions (ratio denominator), segment, day
  test/fixtures/ab/reference.json   the numbers the tests compare with, each with its method.
Conventions are the ones stated in functions/src/stats/experiments/*.ts.
"""
import json
import math

import mpmath
import numpy as np
import pandas as pd
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (confint_proportions_2indep, proportion_effectsize,
                                          proportions_ztest)

FIX = "test/fixtures/ab"
ALPHA = 0.05
out = {
    "provenance": {
        "generator": "scripts/reference/ab_reference.py",
        "python_scipy": scipy.__version__,
        "statsmodels": statsmodels.__version__,
        "numpy": np.__version__,
        "mpmath": mpmath.__version__,
    },
    "cases": {},
}
cases = out["cases"]


def welch(t, c):
    r = stats.ttest_ind(t, c, equal_var=False)
    vt, vc = np.var(t, ddof=1) / len(t), np.var(c, ddof=1) / len(c)
    se = math.sqrt(vt + vc)
    df = float(r.df) if hasattr(r, "df") else (vt + vc) ** 2 / (vt**2 / (len(t) - 1) + vc**2 / (len(c) - 1))
    crit = stats.t.ppf(1 - ALPHA / 2, df)
    est = float(np.mean(t) - np.mean(c))
    mt, mc = float(np.mean(t)), float(np.mean(c))
    # relative lift, delta method (Deng et al. 2018), interval with the same t quantile
    rel = mt / mc - 1
    rel_se = math.sqrt(vt / mc**2 + mt**2 * vc / mc**4)
    return {
        "estimate": est, "std_error": se, "statistic": float(r.statistic), "df": df,
        "p_value": float(r.pvalue), "ci_low": est - crit * se, "ci_high": est + crit * se,
        "relative_estimate": rel, "relative_ci_low": rel - crit * rel_se,
        "relative_ci_high": rel + crit * rel_se, "relative_std_error": rel_se,
    }


# ---------------------------------------------------------------- synthetic unit-level data
rng = np.random.default_rng(20240501)
N = 6000
variant = rng.choice(["control", "a", "b"], size=N, p=[1 / 3, 1 / 3, 1 / 3])
segment = rng.choice(["US", "EU", "APAC", "LATAM"], size=N, p=[0.4, 0.3, 0.2, 0.1])
seg_effect = {"US": 1.5, "EU": 0.8, "APAC": 0.2, "LATAM": 1.0}
x_true = rng.gamma(2.0, 10.0, size=N)
effect = np.where(variant == "a", np.array([seg_effect[s] for s in segment]), 0.0)
y = 0.6 * x_true + rng.gamma(2.0, 6.0, size=N) + effect
y = np.round(y, 4)
x = np.round(x_true + rng.normal(0, 3, size=N), 4)
has_x = rng.random(N) > 0.1
conv = (rng.random(N) < np.where(variant == "a", 0.12, 0.10)).astype(int)
sessions = 1 + rng.poisson(3.0, size=N)
day = rng.integers(1, 15, size=N)
df = pd.DataFrame({
    "unit": np.arange(1, N + 1), "variant": variant, "revenue": y,
    "pre_revenue": np.where(has_x, x, np.nan), "converted": conv, "sessions": sessions,
    "segment": segment, "day": day,
})
df.to_csv(f"{FIX}/units.csv", index=False, na_rep="")
df = pd.read_csv(f"{FIX}/units.csv")  # exactly what the tests load

arms = ["a", "b"]
ctl = df[df.variant == "control"]

# Welch on revenue
cases["welch_revenue"] = {a: welch(df[df.variant == a].revenue.values, ctl.revenue.values) for a in arms}

# two-proportion z on converted
prop = {}
for a in arms:
    t = df[df.variant == a]
    cnt = np.array([t.converted.sum(), ctl.converted.sum()])
    nob = np.array([len(t), len(ctl)])
    z, p = proportions_ztest(cnt, nob)
    lo, hi = confint_proportions_2indep(cnt[0], nob[0], cnt[1], nob[1], method="wald", compare="diff",
                                        alpha=ALPHA)
    pt, pc = cnt / nob
    vt, vc = pt * (1 - pt) / nob[0], pc * (1 - pc) / nob[1]
    zc = stats.norm.ppf(1 - ALPHA / 2)
    rel, rel_se = pt / pc - 1, math.sqrt(vt / pc**2 + pt**2 * vc / pc**4)
    prop[a] = {"estimate": float(pt - pc), "statistic": float(z), "p_value": float(p),
               "ci_low": float(lo), "ci_high": float(hi), "std_error": math.sqrt(vt + vc),
               "relative_estimate": rel, "relative_ci_low": rel - zc * rel_se,
               "relative_ci_high": rel + zc * rel_se}
cases["proportion_converted"] = prop

# ratio metric revenue / sessions (delta method via the per-arm covariance matrix)
def ratio(d):
    n = len(d)
    C = np.cov(np.vstack([d.revenue.values, d.sessions.values]), ddof=1)
    my, mz = d.revenue.mean(), d.sessions.mean()
    g = np.array([1 / mz, -my / mz**2])
    return my / mz, float(g @ C @ g) / n

ratio_case = {}
for a in arms:
    rt, vt = ratio(df[df.variant == a])
    rc, vc = ratio(ctl)
    se = math.sqrt(vt + vc)
    zc = stats.norm.ppf(1 - ALPHA / 2)
    est = rt - rc
    rel, rel_se = rt / rc - 1, math.sqrt(vt / rc**2 + rt**2 * vc / rc**4)
    ratio_case[a] = {"estimate": est, "std_error": se, "p_value": float(2 * stats.norm.sf(abs(est / se))),
                     "ci_low": est - zc * se, "ci_high": est + zc * se, "relative_estimate": rel,
                     "relative_ci_low": rel - zc * rel_se, "relative_ci_high": rel + zc * rel_se}
cases["ratio_revenue_per_session"] = ratio_case

# CUPED: theta pooled over all arms, missing pre_revenue filled with the observed mean
fill = df.pre_revenue.mean()  # pandas skips NaN
xf = df.pre_revenue.fillna(fill).values
theta = np.cov(xf, df.revenue.values, ddof=1)[0, 1] / np.var(xf, ddof=1)
yadj = df.revenue.values - theta * (xf - xf.mean())
cup = {"theta": float(theta), "fill_value": float(fill), "coverage": float(df.pre_revenue.notna().mean()),
       "arms": {}}
for a in arms:
    m_t, m_c = (df.variant == a).values, (df.variant == "control").values
    w = welch(yadj[m_t], yadj[m_c])
    raw = welch(df.revenue.values[m_t], df.revenue.values[m_c])
    w["variance_reduction"] = 1 - w["std_error"] ** 2 / raw["std_error"] ** 2
    cup["arms"][a] = w
# pooled variance reduction: 1 - sum_a var(adj)/n_a / sum_a var(raw)/n_a over all arms
num = sum(np.var(yadj[(df.variant == v).values], ddof=1) / (df.variant == v).sum() for v in ["control", *arms])
den = sum(np.var(df.revenue.values[(df.variant == v).values], ddof=1) / (df.variant == v).sum()
          for v in ["control", *arms])
cup["variance_reduction"] = float(1 - num / den)
cases["cuped_revenue"] = cup

# pre-exposure bias check: Welch on the observed pre-period values
cases["pre_exposure"] = {a: welch(df[(df.variant == a) & df.pre_revenue.notna()].pre_revenue.values,
                                  ctl[ctl.pre_revenue.notna()].pre_revenue.values)["p_value"] for a in arms}

# SRM vs equal split
counts = [int((df.variant == v).sum()) for v in ["control", "a", "b"]]
chi = stats.chisquare(counts)
cases["srm_equal"] = {"counts": counts, "chi_square": float(chi.statistic), "p_value": float(chi.pvalue)}
chi2 = stats.chisquare([5200, 4800], f_exp=[5000, 5000])
cases["srm_mismatch"] = {"counts": [5200, 4800], "chi_square": float(chi2.statistic),
                         "p_value": float(chi2.pvalue)}
chi3 = stats.chisquare([3100, 6900], f_exp=[3000, 7000])
cases["srm_30_70"] = {"counts": [3100, 6900], "chi_square": float(chi3.statistic), "p_value": float(chi3.pvalue)}

# multiple-testing corrections (statsmodels multipletests)
pv = [0.01, 0.04, 0.03, 0.005, 0.20, 0.049]
cases["corrections"] = {"p": pv, "holm": list(multipletests(pv, method="holm")[1]),
                        "bh": list(multipletests(pv, method="fdr_bh")[1])}
welch_ps = [cases["welch_revenue"][a]["p_value"] for a in arms]
cases["corrections_revenue"] = {"holm": list(multipletests(welch_ps, method="holm")[1]),
                                "bh": list(multipletests(welch_ps, method="fdr_bh")[1])}

# Beta-Binomial: exact P(p_t > p_c) by the closed-form sum (Evan Miller 2015), expected loss by
# mpmath quadrature, Beta(1,1) prior, 20-digit arithmetic.
mpmath.mp.dps = 20


def beta_case(xt, nt, xc, nc):
    at, bt, ac, bc = 1 + xt, 1 + nt - xt, 1 + xc, 1 + nc - xc
    total = mpmath.mpf(0)
    for i in range(int(at)):
        total += mpmath.beta(ac + i, bc + bt) / ((bt + i) * mpmath.beta(1 + i, bt) * mpmath.beta(ac, bc))
    pdf_t = lambda v: v ** (at - 1) * (1 - v) ** (bt - 1) / mpmath.beta(at, bt)
    mc = mpmath.mpf(ac) / (ac + bc)
    excess_c = lambda v: mc * (1 - mpmath.betainc(ac + 1, bc, 0, v, regularized=True)) - v * (
        1 - mpmath.betainc(ac, bc, 0, v, regularized=True))
    mt_mean = at / (at + bt)
    sd_t = math.sqrt(at * bt / ((at + bt) ** 2 * (at + bt + 1)))
    lo, hi = max(0, mt_mean - 14 * sd_t), min(1, mt_mean + 14 * sd_t)
    loss = mpmath.quad(lambda v: pdf_t(v) * excess_c(v), mpmath.linspace(lo, hi, 9))
    return {"xt": xt, "nt": nt, "xc": xc, "nc": nc, "chance_to_beat_control": float(total),
            "expected_loss": float(loss)}

cases["beta_binomial"] = [beta_case(130, 1000, 100, 1000), beta_case(12, 80, 15, 90),
                          beta_case(530, 5000, 500, 5000)]

# normal model: flat prior and an informative prior N(0, 0.5^2) on the revenue difference of arm a
w = cases["welch_revenue"]["a"]
def normal_case(m, s):
    return {"mean": m, "sd": s, "chance_to_beat_control": float(stats.norm.cdf(m / s)),
            "expected_loss": float(stats.norm.expect(lambda d: max(-d, 0), loc=m, scale=s)),
            "ci_low": float(stats.norm.ppf(ALPHA / 2, m, s)), "ci_high": float(stats.norm.ppf(1 - ALPHA / 2, m, s))}
prec = 1 / 0.5**2 + 1 / w["std_error"] ** 2
post_m = (w["estimate"] / w["std_error"] ** 2) / prec
cases["normal_bayes"] = {"flat": normal_case(w["estimate"], w["std_error"]),
                         "prior_0_05": normal_case(post_m, math.sqrt(1 / prec))}

# power (statsmodels NormalIndPower, two-sided; ratio = treatment/control)
pw = NormalIndPower()
power_cases = []
for d, ratio_, alpha, power in [(0.1, 1.0, 0.05, 0.8), (0.05, 2.0, 0.01, 0.9), (0.2, 0.5, 0.1, 0.8)]:
    power_cases.append({"effect_size": d, "ratio": ratio_, "alpha": alpha, "power": power,
                        "nobs1": float(pw.solve_power(effect_size=d, ratio=ratio_, alpha=alpha, power=power))})
mde_cases = []
for n1, ratio_, alpha, power in [(1000, 1.0, 0.05, 0.8), (25000, 1.0, 0.025, 0.8)]:
    mde_cases.append({"nobs1": n1, "ratio": ratio_, "alpha": alpha, "power": power,
                      "effect_size": float(pw.solve_power(nobs1=n1, ratio=ratio_, alpha=alpha, power=power))})
h = float(proportion_effectsize(0.11, 0.10))
cases["power"] = {"sample_size": power_cases, "mde": mde_cases,
                  "proportion": {"p_control": 0.10, "p_treatment": 0.11, "cohen_h": h,
                                 "nobs1": float(pw.solve_power(effect_size=h, alpha=0.05, power=0.8, ratio=1.0))}}

# group-sequential Lan-DeMets O'Brien-Fleming boundaries from scipy's multivariate normal cdf (Genz)
def gs_bounds(fracs, alpha):
    # two-sided symmetric: each tail spends alpha/2 with the one-sided O'Brien-Fleming-type function
    spend = lambda t: 4 - 4 * stats.norm.cdf(stats.norm.ppf(1 - alpha / 4) / math.sqrt(t))
    bounds = []
    for k, t in enumerate(fracs):
        target_cont = 1 - spend(t)  # P(no crossing through look k)
        if k == 0:
            bounds.append(float(stats.norm.ppf(1 - spend(t) / 2)))
            continue
        ts = fracs[: k + 1]
        cov = np.array([[math.sqrt(min(a, b) / max(a, b)) for b in ts] for a in ts])
        def cont(c):
            upper = np.array(bounds + [c])
            return stats.multivariate_normal.cdf(upper, mean=np.zeros(k + 1), cov=cov, maxpts=10**6,
                                                 abseps=1e-8, releps=1e-8, lower_limit=-upper)
        lo, hi = 0.5, 10.0
        for _ in range(34):
            mid = (lo + hi) / 2
            if cont(mid) < target_cont:
                lo = mid
            else:
                hi = mid
        bounds.append((lo + hi) / 2)
    return bounds
cases["group_sequential"] = {"fractions": [0.2, 0.4, 0.6, 0.8, 1.0], "alpha": 0.05,
                             "boundaries": gs_bounds([0.2, 0.4, 0.6, 0.8, 1.0], 0.05),
                             "method": "scipy.stats.multivariate_normal.cdf (Genz), abseps 1e-8"}
cases["group_sequential_3"] = {"fractions": [0.3, 0.7, 1.0], "alpha": 0.05,
                               "boundaries": gs_bounds([0.3, 0.7, 1.0], 0.05)}

with open(f"{FIX}/reference.json", "w") as f:
    json.dump(out, f, indent=1)
print(json.dumps(cases["group_sequential"]), cases["cuped_revenue"]["theta"], cases["srm_equal"])
