#!/usr/bin/python3
"""Reference numbers for the synthetic-control tests (not run in CI; outputs are committed).

Run from functions/ with Debian's python3 (python3-scipy 1.10.1, numpy 1.24.2):

    /usr/bin/python3 scripts/reference/synth_reference.py
    Rscript scripts/reference/synth_quadprog.R      # cross-check with R quadprog (Goldfarb-Idnani)

Data
  * test/fixtures/synth/prop99_cigsale_wide.csv and prop99_predictors_1980_1988.csv: the
    Proposition 99 panel of Abadie, Diamond & Hainmueller (2010, JASA 105:493), i.e. the
    `smoking` data shipped with the R package Synth, transcribed from the public copy in
    github.com/sdfordham/pysyncon (examples/smoking.csv, commit 56b0f47e). cigsale, beer and
    retprice are one-decimal data stored as float32 there and are written with one decimal;
    lnincome and age15to24 are rounded to 7 significant digits (float32 precision). Predictors
    are kept for 1980-1988 only (the years ADH's specification uses); other years are NA.
  * prop99.csv (written here): the long panel state, year, cigsale, lnincome, beer,
    age15to24, retprice.
  * random_qp.csv-free: random simplex least-squares problems are generated here with a
    fixed seed and stored inline in reference.json.

Conventions
  * Outcome-only SC: w = argmin ||y1_pre - Y0_pre w||^2 s.t. w >= 0, sum(w) = 1.
    Reference solution: scipy.optimize.nnls (Lawson-Hanson, an exact active-set method) on the
    augmented system [X; M 1'] w = [y; M] with M = 1e4 * max|X|, which enforces sum(w) = 1 to
    ~1e-9, then polished: the support {w > 1e-6} is refit by the exact equality-constrained
    least-squares KKT system and the full KKT conditions are checked (gradient equal on the
    support, not smaller off it); the relative KKT residual is recorded.
    scipy SLSQP (ftol 1e-16, maxiter 10000) is recorded too, as a cautionary second opinion: on
    the Prop 99 outcome-only problem (19 pre periods, 38 donors: a singular Hessian) it stops
    early and REPORTS SUCCESS at an objective of 75.25 against the optimum 52.13, with weights
    off by 0.23 -- the "solver that stops early" trap. On the well-posed random problems SLSQP
    and NNLS agree to ~1e-9.
  * Placebo-in-space (Firpo & Possebom 2018 form): every donor state as the treated unit with ALL
    38 other states -- California included -- as its donors; statistic post/pre RMSPE ratio;
    p = rank / 39 with rank 1 the largest. Interval: H0 "effect tau in every post year" is
    tested by subtracting tau from California's post outcomes and recomputing every placebo's
    gaps with its (pre-period) weights; p(tau) on a grid of step 0.01 over [-150, 100], the hull
    of the accepted points refined by bisection at both ends (brute force, independent of the
    closed-form quadratics in src/stats/synth/placebo.ts).
  * Conformal (Chernozhukov, Wuthrich & Zhu 2021, JASA 116:1849): H0 theta_t = tau for all post t;
    the treated post outcomes minus tau are refit by outcome-only SC on ALL 31 periods; residuals
    u; S(u) = sum_{post} |u_t| / sqrt(T1) (q = 1); moving-block (cyclic) permutations, all T of them;
    p(tau) = share of permutations with S >= S(identity). The accepted set {tau: p(tau) > alpha}
    is not an interval here; the reference interval is its hull on a grid of step s/20 (s = RMS
    residual of the null fit at the point estimate)
    walking out from the estimate (a side ends after 200 consecutive rejections), each end
    refined by bisection -- the same rule as src/stats/synth/conformal.ts.
  * ADH (Table 2 of ADH 2010): published weights recorded verbatim for comparison.
"""
import json
import os

import numpy as np
import scipy
from scipy.optimize import minimize, nnls

OUT = "test/fixtures/synth"


def polish(X, y, w, tol=1e-6):
    """Refit on the support by the equality-constrained LS KKT system; return w and KKT residual."""
    J = X.shape[1]
    S = [j for j in range(J) if w[j] > tol]
    H = X.T @ X
    g = X.T @ y
    for _ in range(50):
        k = len(S)
        K = np.zeros((k + 1, k + 1))
        K[:k, :k] = H[np.ix_(S, S)]
        K[:k, k] = 1
        K[k, :k] = 1
        rhs = np.concatenate([g[S], [1.0]])
        sol = np.linalg.lstsq(K, rhs, rcond=None)[0]
        if np.all(sol[:k] > -1e-12):
            break
        S = [S[i] for i in range(k) if sol[i] > 0]
    wn = np.zeros(J)
    wn[S] = np.maximum(sol[: len(S)], 0)
    wn /= wn.sum()
    grad = H @ wn - g
    mu = np.mean(grad[S])
    scale = max(np.abs(g).max(), 1.0)
    on = np.abs(grad[S] - mu).max() if S else 0
    off = max([max(0.0, mu - grad[j]) for j in range(J) if j not in S] or [0.0])
    return wn, float(max(on, off) / scale)


def sc_slsqp(X, y):
    J = X.shape[1]
    f = lambda w: float(np.sum((y - X @ w) ** 2))
    gr = lambda w: -2 * X.T @ (y - X @ w)
    res = minimize(
        f, np.full(J, 1.0 / J), jac=gr, method="SLSQP",
        bounds=[(0, 1)] * J,
        constraints=[{"type": "eq", "fun": lambda w: np.sum(w) - 1, "jac": lambda w: np.ones(J)}],
        options={"ftol": 1e-16, "maxiter": 10000},
    )
    return polish(X, y, res.x)


def sc_nnls(X, y):
    M = 1e4 * max(np.abs(X).max(), 1.0)
    A = np.vstack([X, M * np.ones((1, X.shape[1]))])
    b = np.concatenate([y, [M]])
    w, _ = nnls(A, b, maxiter=100000)
    return w


def sc(X, y):
    return polish(X, y, sc_nnls(X, y))


def load_prop99():
    wide = np.genfromtxt(os.path.join(OUT, "prop99_cigsale_wide.csv"), delimiter=",", names=True, dtype=None, encoding="utf8")
    with open(os.path.join(OUT, "prop99_cigsale_wide.csv")) as fh:
        header = fh.readline().strip().split(",")
    states = header[1:]
    years = [int(r[0]) for r in wide]
    Y = np.array([[float(r[i + 1]) for r in wide] for i in range(len(states))])  # unit x year
    pred = {}
    with open(os.path.join(OUT, "prop99_predictors_1980_1988.csv")) as fh:
        fh.readline()
        for line in fh:
            st, yr, *vals = line.strip().split(",")
            pred[(st, int(yr))] = vals
    rows = ["state,year,cigsale,lnincome,beer,age15to24,retprice"]
    for i, st in enumerate(states):
        for t, yr in enumerate(years):
            vals = pred.get((st, yr), ["", "", "", ""])
            vals = [v if v != "" else "NA" for v in vals]
            rows.append(",".join([st, str(yr), "%.1f" % Y[i, t]] + vals))
    with open(os.path.join(OUT, "prop99.csv"), "w") as fh:
        fh.write("\n".join(rows) + "\n")
    return states, years, Y


def conformal_p(Y0, y1, T0, tau):
    T = len(y1)
    T1 = T - T0
    ya = y1.copy()
    ya[T0:] -= tau
    w, _ = sc(Y0, ya)
    u = ya - Y0 @ w
    stat = lambda v: np.sum(np.abs(v[T0:])) / np.sqrt(T1)
    s0 = stat(u)
    stats = [stat(np.roll(u, -j)) for j in range(T)]
    return float(np.mean([s >= s0 - 1e-12 for s in stats]))


def conformal_ci(Y0, y1, T0, alpha, center, scale):
    """Hull of the accepted grid points (step scale/20, a side ends after 200 consecutive
    rejections past its last accepted point), each end refined by bisection -- the rule CFAP
    documents in src/stats/synth/conformal.ts."""
    step = max(scale, abs(center) * 1e-6) / 20
    GAP = 200
    acc = lambda t: conformal_p(Y0, y1, T0, t) > alpha
    acc0 = acc(center)

    def walk(d):
        last = 0 if acc0 else None
        k = 1
        while True:
            if last is not None and k - last > GAP:
                return last
            if acc(center + d * k * step):
                last = k
            k += 1

    lo, hi = walk(-1), walk(1)

    def bisect(a, b):  # a accepted, b rejected
        for _ in range(60):
            m = (a + b) / 2
            if abs(b - a) <= 1e-9 * max(abs(m), step):
                break
            if acc(m):
                a = m
            else:
                b = m
        return (a + b) / 2

    return bisect(center - lo * step, center - (lo + 1) * step), bisect(center + hi * step, center + (hi + 1) * step)


def main():
    out = {
        "provenance": {
            "script": "functions/scripts/reference/synth_reference.py",
            "python_scipy": scipy.__version__,
            "numpy": np.__version__,
            "data": "Proposition 99 (ADH 2010), Synth's smoking data via github.com/sdfordham/pysyncon examples/smoking.csv @56b0f47e",
        }
    }
    # 1. random simplex least-squares problems (seeded)
    rng = np.random.default_rng(20240607)
    problems = []
    for (T, J) in [(20, 5), (30, 12), (12, 25), (60, 40), (8, 3)]:
        X = rng.normal(size=(T, J)) + rng.normal(size=(1, J))
        true = rng.dirichlet(np.full(J, 0.3))
        y = X @ true + 0.5 * rng.normal(size=T) + (0.8 if T == 12 else 0.0)
        w2, kkt = polish(X, y, sc_nnls(X, y))
        w1, _ = sc_slsqp(X, y)
        problems.append({"X": X.tolist(), "y": y.tolist(), "w_slsqp": w1.tolist(), "w_nnls": w2.tolist(), "kkt": kkt,
                         "max_diff_slsqp_nnls": float(np.abs(w1 - w2).max())})
    out["random_qp"] = problems

    # 2. Prop 99 outcome-only
    states, years, Y = load_prop99()
    T0 = years.index(1989)
    ci = states.index("California")
    donors = [i for i in range(len(states)) if i != ci]
    X = Y[donors, :T0].T
    y = Y[ci, :T0]
    w, kkt = sc(X, y)
    w2, _ = sc_slsqp(X, y)
    f = lambda v: float(np.sum((y - X @ v) ** 2))
    gaps = Y[ci] - Y[donors].T @ w
    pre_rmspe = float(np.sqrt(np.mean(gaps[:T0] ** 2)))
    post_rmspe = float(np.sqrt(np.mean(gaps[T0:] ** 2)))
    out["prop99_outcome"] = {
        "weights": {states[d]: float(w[k]) for k, d in enumerate(donors)},
        "objective": f(w),
        "slsqp": {"objective": f(w2), "max_weight_diff": float(np.abs(w - w2).max()),
                  "weights": {states[d]: float(w2[k]) for k, d in enumerate(donors)}},
        "kkt": kkt,
        "gaps": {str(yr): float(gaps[t]) for t, yr in enumerate(years)},
        "pre_rmspe": pre_rmspe,
        "post_rmspe": post_rmspe,
        "att": float(np.mean(gaps[T0:])),
    }
    # 3. placebo-in-space (outcome-only), pools include California
    ratios = {}
    pw = {}
    for i in range(len(states)):
        if i == ci:
            ratios[states[i]] = post_rmspe / pre_rmspe
            continue
        d = [j for j in range(len(states)) if j != i]
        wi, _ = sc(Y[d, :T0].T, Y[i, :T0])
        pw[i] = (d, wi)
        g = Y[i] - Y[d].T @ wi
        ratios[states[i]] = float(np.sqrt(np.mean(g[T0:] ** 2)) / np.sqrt(np.mean(g[:T0] ** 2)))
    rank = 1 + sum(1 for s_, r in ratios.items() if s_ != "California" and r >= ratios["California"])

    def placebo_p(tau):
        Ya = Y.copy()
        Ya[ci, T0:] -= tau
        g1 = Ya[ci] - Y[donors].T @ w
        r1 = np.sqrt(np.mean(g1[T0:] ** 2)) / np.sqrt(np.mean(g1[:T0] ** 2))
        cnt = 0
        for i, (d, wi) in pw.items():
            g = Ya[i] - Ya[d].T @ wi
            r = np.sqrt(np.mean(g[T0:] ** 2)) / np.sqrt(np.mean(g[:T0] ** 2))
            cnt += r >= r1 - 1e-12 * max(r1, 1)
        return (1 + cnt) / len(states)

    alpha_pl = 0.05
    grid = np.arange(-150, 100, 0.01)
    acc = [t for t in grid if placebo_p(t) > alpha_pl]

    def bis(a, b):
        for _ in range(60):
            m = (a + b) / 2
            if placebo_p(m) > alpha_pl:
                a = m
            else:
                b = m
        return (a + b) / 2

    pl_lo, pl_hi = bis(min(acc), min(acc) - 0.01), bis(max(acc), max(acc) + 0.01)
    out["prop99_placebo"] = {"ratios": ratios, "rank": rank, "p_value": rank / len(states),
                             "alpha": alpha_pl, "ci": [pl_lo, pl_hi]}
    # 4. conformal (outcome-only on all periods), alpha = 0.1
    Y0 = Y[donors].T
    y1 = Y[ci].copy()
    p0 = conformal_p(Y0, y1, T0, 0.0)
    att = out["prop99_outcome"]["att"]
    ya = y1.copy()
    ya[T0:] -= att
    wa, _ = sc(Y0, ya)
    scale = float(np.sqrt(np.mean((ya - Y0 @ wa) ** 2)))  # RMS residual of the null fit at the estimate
    lo, hi = conformal_ci(Y0, y1, T0, 0.1, att, scale)
    out["prop99_conformal"] = {"alpha": 0.1, "q": 1, "p_value": p0, "ci": [lo, hi], "n_permutations": len(years)}
    # 5. published ADH weights (ADH 2010, Table 2)
    out["prop99_adh_published"] = {
        "source": "Abadie, Diamond & Hainmueller (2010), JASA 105(490):493-505, Table 2 (state weights in synthetic California)",
        "weights": {"Colorado": 0.164, "Connecticut": 0.069, "Montana": 0.199, "Nevada": 0.234, "Utah": 0.334},
        "predictors": "lnincome, age15to24, retprice (1980-1988 means), beer (1984-1988 mean), cigsale 1975, 1980, 1988",
    }
    with open(os.path.join(OUT, "reference.json"), "w") as fh:
        json.dump(out, fh, indent=1)
    print("California outcome-only weights:", {k: round(v, 4) for k, v in out["prop99_outcome"]["weights"].items() if v > 1e-4})
    print("kkt", kkt, "max |slsqp - nnls|", float(np.abs(w - w2).max()), "obj", f(w), f(w2), "pre_rmspe", pre_rmspe)
    print("placebo rank", rank, "ci", pl_lo, pl_hi, "conformal p", p0, "ci", lo, hi)
    for p in problems:
        print("random", p["kkt"], p["max_diff_slsqp_nnls"])


main()
