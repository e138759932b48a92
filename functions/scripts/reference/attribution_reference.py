#!/usr/bin/env python3
"""Reference numbers for the `attribution` model (test/fixtures/attribution/random_paths.*).

Independent of the TypeScript implementation in method, not only in code:
  * Markov removal effects: the full fundamental matrix N = inv(I - Q) (numpy.linalg.inv) of the
    chain with the removed channel's states redirected to (null), P = pi' N r; the model instead
    LU-solves (I - Q)' y = pi on the chain restricted to the surviving states.
  * Shapley: the textbook definition over all coalitions,
    phi_i = sum_{S subset N\\{i}} |S|!(n-|S|-1)!/n! (v(S u {i}) - v(S)), with v(S) = conversions of journeys
    whose channel set is a subset of S; the model uses Zhao et al.'s simplified formula.
  * Heuristics: a plain per-journey loop.
Run: python3 scripts/reference/attribution_reference.py   (numpy 2.x; writes the CSV and the JSON).
"""
import itertools
import json
import math
import os
import random

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "test", "fixtures", "attribution")
CHANNELS = ["display", "email", "organic", "paid search", "referral", "social"]


def generate():
    rng = random.Random(20180415)
    paths = {}
    while len(paths) < 300:
        n = rng.randint(1, 6)
        path = [rng.choice(CHANNELS)]
        for _ in range(n - 1):
            # repeats are common in real journeys: 30% chance to stay on the same channel
            path.append(path[-1] if rng.random() < 0.3 else rng.choice(CHANNELS))
        key = tuple(path)
        if key in paths:
            continue
        conv = rng.randint(0, 5)
        nulls = rng.randint(0 if conv > 0 else 1, 20)
        value = round(conv * rng.uniform(5, 80), 2)
        paths[key] = (conv, value, nulls)
    return [(list(k), *v) for k, v in paths.items()]


def collapse(path):
    return [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]


def markov(rows, order, collapse_repeats=False):
    def states_of(path):
        return [tuple(path[max(0, i - order + 1) : i + 1]) for i in range(len(path))]

    trans = {}
    term = {}
    start = {}
    for path, conv, value, nulls in rows:
        p = collapse(path) if collapse_repeats else path
        st = states_of(p)
        w = conv + nulls
        start[st[0]] = start.get(st[0], 0) + w
        for a, b in zip(st, st[1:]):
            trans[(a, b)] = trans.get((a, b), 0) + w
        t = term.setdefault(st[-1], [0.0, 0.0, 0.0])
        t[0] += conv
        t[1] += nulls
        t[2] += value
    states = sorted(set(start) | {s for ab in trans for s in ab} | set(term))
    ix = {s: i for i, s in enumerate(states)}
    n = len(states)
    Q = np.zeros((n, n))
    r = np.zeros(n)
    v = np.zeros(n)
    out = np.zeros(n)
    for (a, b), w in trans.items():
        Q[ix[a], ix[b]] += w
        out[ix[a]] += w
    for s, (c, nl, val) in term.items():
        out[ix[s]] += c + nl
        r[ix[s]] = c
        v[ix[s]] = val
    Q = Q / out[:, None]
    r = r / out
    v = v / out
    pi = np.zeros(n)
    for s, w in start.items():
        pi[ix[s]] = w
    pi = pi / pi.sum()

    def absorb(removed):
        Qm, rm, vm = Q.copy(), r.copy(), v.copy()
        for s in states:
            if removed is not None and removed in s:
                i = ix[s]
                Qm[i, :] = 0.0  # the state goes straight to (null)
                rm[i] = 0.0
                vm[i] = 0.0
        N = np.linalg.inv(np.eye(n) - Qm)
        return float(pi @ N @ rm), float(pi @ N @ vm)

    P, V = absorb(None)
    channels = sorted({c for s in states for c in s})
    res = []
    for c in channels:
        pc, vc = absorb(c)
        res.append(
            {
                "channel": c,
                "removal_effect": 1 - pc / P,
                "removal_effect_value": 1 - vc / V,
                "conversion_probability_without": pc,
            }
        )
    return {"order": order, "collapse_repeats": collapse_repeats, "states": n,
            "conversion_probability": P, "value_per_journey": V, "removal_effects": res}


def shapley_bruteforce(rows, weight_index):
    """weight_index 1 = conversions, 2 = value."""
    R = {}
    for row in rows:
        path, w = row[0], row[weight_index]
        if row[1] <= 0:
            continue
        S = frozenset(path)
        R[S] = R.get(S, 0.0) + w
    players = sorted({c for S in R for c in S})
    n = len(players)

    def v(S):
        return sum(w for T, w in R.items() if T <= S)

    phi = {}
    for i in players:
        others = [p for p in players if p != i]
        tot = 0.0
        for k in range(len(others) + 1):
            coef = math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n)
            for S in itertools.combinations(others, k):
                S = frozenset(S)
                tot += coef * (v(S | {i}) - v(S))
        phi[i] = tot
    return phi


def heuristics(rows, first_share=0.4, last_share=0.4):
    out = {m: {} for m in ["first", "last", "linear", "position"]}

    def add(m, ch, c, v):
        cur = out[m].setdefault(ch, [0.0, 0.0])
        cur[0] += c
        cur[1] += v

    for path, conv, value, nulls in rows:
        if conv <= 0:
            continue
        n = len(path)
        add("first", path[0], conv, value)
        add("last", path[-1], conv, value)
        for i, ch in enumerate(path):
            add("linear", ch, conv / n, value / n)
            if n == 1:
                w = 1.0
            elif n == 2:
                w = (first_share if i == 0 else last_share) / (first_share + last_share)
            else:
                w = first_share if i == 0 else last_share if i == n - 1 else (1 - first_share - last_share) / (n - 2)
            add("position", ch, conv * w, value * w)
    return {m: {ch: {"conversions": cv[0], "value": cv[1]} for ch, cv in d.items()} for m, d in out.items()}


def main():
    rows = generate()
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "random_paths.csv"), "w") as f:
        f.write("path;total_conversions;total_conversion_value;total_null\n")
        for path, conv, value, nulls in rows:
            f.write(f"{' > '.join(path)};{conv};{value};{nulls}\n")
    ref = {
        "provenance": "scripts/reference/attribution_reference.py, numpy " + np.__version__
        + ": Markov via numpy.linalg.inv of I - Q (removed states redirected to null); Shapley by the "
        "all-coalitions definition; heuristics by a per-journey loop. Data: random_paths.csv (seed 20180415).",
        "totals": {
            "conversions": sum(r[1] for r in rows),
            "value": sum(r[2] for r in rows),
            "nulls": sum(r[3] for r in rows),
        },
        "markov_order1": markov(rows, 1),
        "markov_order1_collapsed": markov(rows, 1, True),
        "markov_order2": markov(rows, 2),
        "markov_order3_collapsed": markov(rows, 3, True),
        "shapley_conversions": shapley_bruteforce(rows, 1),
        "shapley_value": shapley_bruteforce(rows, 2),
        "heuristics": heuristics(rows),
    }
    with open(os.path.join(OUT, "random_paths.reference.json"), "w") as f:
        json.dump(ref, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
