#!/usr/bin/python3
"""Reference numbers for the DID engine tests (not run in CI; its outputs are committed).

Writes the synthetic panels in test/fixtures/did/*.csv and, for every case the tests check,
statsmodels' estimates in test/fixtures/did/reference.json.  Run from functions/ with Debian's
python3 (python3-statsmodels 0.13.5, python3-pandas, python3-scipy):

    /usr/bin/python3 scripts/reference/did_reference.py

Conventions (the ones CFAP's DID model names in diagnostics.se):
  * Every regression is statsmodels OLS through the formula API.  Two-way fixed effects are
    unit and time DUMMIES (`C(unit) + C(t)`) with an intercept, so K counts 1 + (U-1) + (T-1)
    + slopes, as statsmodels does.
  * cr1:       fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True):
               V = G/(G-1) * (N-1)/(N-K) * (X'X)^-1 [sum_g X_g'e_g e_g'X_g] (X'X)^-1,
               t with G-1 degrees of freedom (statsmodels' df_resid_inference).
  * hc1:       fit(cov_type="HC1", use_t=True): N/(N-K) * sandwich with e_i^2, t with N-K df.
  * classical: fit() : s^2 (X'X)^-1, s^2 = SSR/(N-K), t with N-K df.
  * The pre-trend test is `wald_test(R, use_f=True)` (F with q and df_resid_inference degrees of
    freedom) and `wald_test(R, use_f=False)` (chi2 with q degrees of freedom), R selecting the leads.
The Grunfeld case reads grunfeld.csv written by grunfeld_plm.R (R package plm's data set).
"""
import json
import os
import sys

import numpy as np
import pandas as pd
import scipy
import statsmodels
import statsmodels.formula.api as smf

OUT = "test/fixtures/did"
SCRIPT = "functions/scripts/reference/did_reference.py"


def write_csv(df, name):
    path = os.path.join(OUT, name)
    df.to_csv(path, index=False, float_format="%.17g", na_rep="NA")
    # Re-read so statsmodels sees exactly the numbers the TypeScript side will parse.
    return pd.read_csv(path, keep_default_na=True, na_values=["NA"])


def make_panel(seed, n_units, n_periods, first_treated, beta=2.0, gamma=0.5):
    """y = a_i + l_t + beta*D_it + gamma*x + e, e clustered within unit and heteroskedastic."""
    rng = np.random.default_rng(seed)
    rows = []
    a = rng.normal(0, 2, n_units)
    lam = rng.normal(0, 1, n_periods)
    shock = rng.normal(0, 1, n_units)
    for i in range(n_units):
        ft = first_treated(i)
        for t in range(1, n_periods + 1):
            d = 1 if (ft is not None and t >= ft) else 0
            x = rng.normal(0.3 * d, 1)
            # dynamic effect grows with exposure, so event-study lags differ from each other
            eff = beta + (0.25 * (t - ft) if d else 0.0)
            e = 0.8 * shock[i] + rng.normal(0, 1 + 0.5 * abs(x))
            y = a[i] + lam[t - 1] + eff * d + gamma * x + e
            rows.append(
                dict(
                    unit="u%03d" % i,
                    t=t,
                    y=y,
                    x1=x,
                    treated=1 if ft is not None else 0,
                    first_treated=ft if ft is not None else np.nan,
                )
            )
    return pd.DataFrame(rows)


def fit(formula, df, se, cluster="unit"):
    model = smf.ols(formula, data=df)
    if se == "cr1":
        codes = pd.factorize(df[cluster])[0]
        res = model.fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
        df_inf = res.df_resid_inference
    elif se == "hc1":
        res = model.fit(cov_type="HC1", use_t=True)
        df_inf = res.df_resid
    else:
        res = model.fit()
        df_inf = res.df_resid
    return res, float(df_inf)


def summarize(res, df_inf, terms, alpha=0.05):
    ci = res.conf_int(alpha=alpha)
    out = {}
    for name, col in terms.items():
        out[name] = dict(
            estimate=float(res.params[col]),
            std_error=float(res.bse[col]),
            t_stat=float(res.tvalues[col]),
            p_value=float(res.pvalues[col]),
            ci_low=float(ci.loc[col, 0]),
            ci_high=float(ci.loc[col, 1]),
        )
    return dict(
        terms=out,
        n_obs=int(res.nobs),
        k=int(res.model.exog.shape[1]),
        df_resid=float(res.df_resid),
        df_inference=df_inf,
    )


def wald(res, cols):
    names = list(res.params.index)
    R = np.zeros((len(cols), len(names)))
    for r, c in enumerate(cols):
        R[r, names.index(c)] = 1.0
    f = res.wald_test(R, use_f=True, scalar=True)
    c = res.wald_test(R, use_f=False, scalar=True)
    return dict(
        q=len(cols),
        f_stat=float(f.statistic),
        f_df_num=float(f.df_num),
        f_df_denom=float(f.df_denom),
        f_p_value=float(f.pvalue),
        chi2_stat=float(c.statistic),
        chi2_df=float(c.df_denom),
        chi2_p_value=float(c.pvalue),
    )


def event_columns(df, leads, lags, endpoints):
    """lead_k (rel = -k, k >= 2) and lag_k (rel = k, k >= 0); reference -1; binned or trimmed."""
    rel = df["t"] - df["first_treated"]  # NaN for never-treated
    keep = pd.Series(True, index=df.index)
    if endpoints == "trim":
        keep = rel.isna() | ((rel >= -leads) & (rel <= lags))
    cols = []
    for k in range(leads, 1, -1):
        name = "lead_%d" % k
        hit = (rel <= -k) if (endpoints == "bin" and k == leads) else (rel == -k)
        df[name] = hit.fillna(False).astype(float)
        cols.append(name)
    for k in range(0, lags + 1):
        name = "lag_%d" % k
        hit = (rel >= k) if (endpoints == "bin" and k == lags) else (rel == k)
        df[name] = hit.fillna(False).astype(float)
        cols.append(name)
    return df[keep].copy(), cols


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = {}

    # --- 2x2 and TWFE on a balanced panel with common adoption at t = 5 --------------------
    bal = make_panel(11, 40, 8, lambda i: 5 if i < 15 else None)
    bal["post"] = (bal["t"] >= 5).astype(int)
    bal = bal.drop(columns=["first_treated"])
    bal = write_csv(bal, "panel_balanced.csv")
    bal["D"] = bal["treated"] * bal["post"]
    for se in ("cr1", "hc1", "classical"):
        res, dfi = fit("y ~ treated + post + treated:post", bal, se)
        cases["balanced_2x2_%s" % se] = summarize(res, dfi, {"att": "treated:post"})
        res, dfi = fit("y ~ treated + post + treated:post + x1", bal, se)
        cases["balanced_2x2_cov_%s" % se] = summarize(
            res, dfi, {"att": "treated:post", "x1": "x1"}
        )
        res, dfi = fit("y ~ D + C(unit) + C(t)", bal, se)
        cases["balanced_twfe_%s" % se] = summarize(res, dfi, {"att": "D"})
        res, dfi = fit("y ~ D + x1 + C(unit) + C(t)", bal, se)
        cases["balanced_twfe_cov_%s" % se] = summarize(res, dfi, {"att": "D", "x1": "x1"})
    # cell means and the parallel-trends series, for diagnostics
    cm = bal.groupby(["treated", "post"])["y"].agg(["mean", "count"]).reset_index()
    cases["balanced_cell_means"] = [
        dict(treated=int(r.treated), post=int(r.post), mean=float(r["mean"]), n=int(r["count"]))
        for _, r in cm.iterrows()
    ]
    pt = bal.groupby(["treated", "t"])["y"].mean().reset_index()
    cases["balanced_trends"] = [
        dict(treated=int(r.treated), t=int(r.t), mean=float(r.y)) for _, r in pt.iterrows()
    ]
    # Common-timing event study on the same panel (adoption period 5 for treated units)
    ev = bal.copy()
    ev["first_treated"] = np.where(ev["treated"] == 1, 5.0, np.nan)
    ev, cols = event_columns(ev, 3, 2, "bin")
    res, dfi = fit("y ~ " + " + ".join(cols) + " + C(unit) + C(t)", ev, "cr1")
    cases["balanced_event_common_cr1"] = summarize(res, dfi, {c: c for c in cols})
    cases["balanced_event_common_cr1"]["pretrend"] = wald(res, [c for c in cols if c.startswith("lead")])

    # --- Staggered adoption, balanced: TWFE and event studies --------------------------------
    def stag(i):
        return [4, 6, 8, None][i % 4]

    st = make_panel(23, 48, 10, stag)
    st["post"] = np.where(st["first_treated"].notna() & (st["t"] >= st["first_treated"]), 1, 0)
    st = write_csv(st, "panel_staggered.csv")
    st["D"] = st["post"]
    for se in ("cr1", "hc1", "classical"):
        res, dfi = fit("y ~ D + C(unit) + C(t)", st, se)
        cases["staggered_twfe_%s" % se] = summarize(res, dfi, {"att": "D"})
    for endpoints in ("bin", "trim"):
        ev, cols = event_columns(st.copy(), 3, 3, endpoints)
        for se in ("cr1", "hc1", "classical"):
            res, dfi = fit("y ~ " + " + ".join(cols) + " + C(unit) + C(t)", ev, se)
            key = "staggered_event_%s_%s" % (endpoints, se)
            cases[key] = summarize(res, dfi, {c: c for c in cols})
            cases[key]["pretrend"] = wald(res, [c for c in cols if c.startswith("lead")])

    # --- Unbalanced staggered panel (random 20% of unit-periods missing, NA outcomes) --------
    rng = np.random.default_rng(5)
    ub = make_panel(31, 36, 9, lambda i: [3, 5, None][i % 3])
    ub["post"] = np.where(ub["first_treated"].notna() & (ub["t"] >= ub["first_treated"]), 1, 0)
    drop = rng.random(len(ub)) < 0.2
    ub_csv = ub.copy()
    # half of the dropped rows are absent, half stay with a missing outcome (the loader drops them)
    na_rows = drop & (rng.random(len(ub)) < 0.5)
    ub_csv.loc[na_rows, "y"] = np.nan
    ub_csv = ub_csv[~(drop & ~na_rows)]
    ub_csv = write_csv(ub_csv, "panel_unbalanced.csv")
    cases["unbalanced_missing_outcome_rows"] = int(ub_csv["y"].isna().sum())
    ub = ub_csv.dropna(subset=["y"]).copy()
    ub["D"] = ub["post"]
    for se in ("cr1", "hc1", "classical"):
        res, dfi = fit("y ~ D + x1 + C(unit) + C(t)", ub, se)
        cases["unbalanced_twfe_cov_%s" % se] = summarize(res, dfi, {"att": "D", "x1": "x1"})
    ev, cols = event_columns(ub.copy(), 2, 3, "bin")
    res, dfi = fit("y ~ " + " + ".join(cols) + " + C(unit) + C(t)", ev, "cr1")
    cases["unbalanced_event_bin_cr1"] = summarize(res, dfi, {c: c for c in cols})
    cases["unbalanced_event_bin_cr1"]["pretrend"] = wald(res, [c for c in cols if c.startswith("lead")])

    # --- A count panel for the standard_events route (geo x day, 30 geos x 10 days) ---------
    rng = np.random.default_rng(77)
    rows = []
    geos = ["g%02d" % i for i in range(30)]
    treated_geos = geos[:10]
    base = rng.integers(2, 9, len(geos))
    for gi, g in enumerate(geos):
        for t in range(10):
            post = 1 if t >= 6 else 0
            tr = 1 if g in treated_geos else 0
            lam = base[gi] + 0.3 * t + 3 * tr * post
            cnt = int(rng.poisson(lam))
            # a few geo-days with no events at all: must count as zeros, not missing
            if rng.random() < 0.08:
                cnt = 0
            rev = float(np.round(rng.gamma(2.0, 10.0) * cnt, 2))
            rows.append(dict(geo=g, day=t, count=cnt, revenue=rev, treated=tr, post=post))
    ev = pd.DataFrame(rows)
    ev = write_csv(ev, "events_geo_day.csv")
    ev["D"] = ev["treated"] * ev["post"]
    for outcome in ("count", "revenue"):
        res, dfi = fit("%s ~ treated + post + treated:post" % outcome, ev, "cr1", cluster="geo")
        cases["events_2x2_%s_cr1" % outcome] = summarize(res, dfi, {"att": "treated:post"})
        res, dfi = fit("%s ~ D + C(geo) + C(day)" % outcome, ev, "cr1", cluster="geo")
        cases["events_twfe_%s_cr1" % outcome] = summarize(res, dfi, {"att": "D"})

    # --- Grunfeld (plm's data set), two-way FE with dummies -----------------------------------
    gr = pd.read_csv(os.path.join(OUT, "grunfeld.csv"))
    for se in ("cr1", "hc1", "classical"):
        res, dfi = fit("inv ~ value + capital + C(firm) + C(year)", gr, se, cluster="firm")
        cases["grunfeld_twfe_%s" % se] = summarize(
            res, dfi, {"value": "value", "capital": "capital"}
        )

    ref = dict(
        provenance=dict(
            script=SCRIPT,
            python=sys.version.split()[0],
            statsmodels=statsmodels.__version__,
            scipy=scipy.__version__,
            pandas=pd.__version__,
            numpy=np.__version__,
            convention=(
                "statsmodels OLS (formula API); two-way FE as C(unit)+C(time) dummies with an "
                "intercept, K = all exog columns; cr1 = cov_type='cluster' (G/(G-1)*(N-1)/(N-K), "
                "t with G-1 df); hc1 = cov_type='HC1' (N/(N-K), t with N-K df); classical = "
                "nonrobust (t with N-K df); pretrend = wald_test(use_f=True/False)"
            ),
            alpha=0.05,
        ),
        cases=cases,
    )
    with open(os.path.join(OUT, "reference.json"), "w") as fh:
        json.dump(ref, fh, indent=1, sort_keys=True)
        fh.write("\n")
    print("wrote %d cases" % len(cases))


if __name__ == "__main__":
    main()
