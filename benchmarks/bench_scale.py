"""Issue 13's table, side by side with each peer in one process, alternating.

    .venv/bin/python benchmarks/bench_scale.py --threads 1 --out benchmarks/results/scale_1thread.md
    .venv/bin/python benchmarks/bench_scale.py --threads 2 --out benchmarks/results/scale_2threads.md

Rows: 10-fold OLS at n = 1e5 (p = 5, 50) against ``cross_val_score`` on the same
folds; ridge LOOCV with ``estimator_`` against ``RidgeCV`` (refit, its exact LOO);
LOO residuals of OLS at n = 1e3, 1e4 against statsmodels' ``OLSInfluence.resid_press``;
the percentile bootstrap of a mean against numpy's draw + take floor and ``arch``;
the BCa median (closed-form jackknife, sorted-sample draws) and the up-front size check.
Ratios are peer time / resample time (above 1: resample is faster). Calls under
50 ms are timed in inner loops (benchmarks/_timing.py).
"""

import argparse
import os
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LinearRegression, Ridge, RidgeCV
from sklearn.model_selection import KFold, cross_val_score
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import alternate, markdown_table

from resample import KFoldCV, LeaveOneOutCV, bootstrap


def _data(n, p, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    return X, X @ rng.normal(size=p) + rng.normal(size=n)


def kfold_rows(repeats):
    for p in (5, 50):
        X, y = _data(100_000, p)
        folds = KFold(10, shuffle=True, random_state=0)
        ours = lambda: KFoldCV(LinearRegression(), cv=folds, refit=False,
                               scoring="neg_mean_squared_error").fit(X, y).estimate_
        peer = lambda: cross_val_score(LinearRegression(), X, y, cv=folds,
                                       scoring="neg_mean_squared_error").mean()
        yield f"10-fold OLS n=1e5 p={p}", "cross_val_score", ours, peer


def ridge_rows(repeats):
    for n, p in ((5_000, 50), (100_000, 50), (1_000_000, 5)):
        X, y = _data(n, p, 1)
        ours = lambda: -LeaveOneOutCV(Ridge(alpha=1.0), scoring="neg_mean_squared_error").fit(X, y).estimate_
        peer = lambda: -RidgeCV(alphas=[1.0], scoring="neg_mean_squared_error").fit(X, y).best_score_
        yield f"ridge LOOCV (n, p)=({n:.0e}, {p})", "RidgeCV", ours, peer


def press_rows(repeats):
    import statsmodels.api as sm
    from statsmodels.stats.outliers_influence import OLSInfluence

    for n in (1_000, 10_000):
        X, y = _data(n, 5, 2)
        Xc = sm.add_constant(X)
        ours = lambda: -LeaveOneOutCV(LinearRegression(), refit=False,
                                      scoring="neg_mean_squared_error").fit(X, y).estimate_
        peer = lambda: float(np.mean(OLSInfluence(sm.OLS(y, Xc).fit()).resid_press ** 2))
        yield f"LOO OLS n={n:.0e} p=5", "statsmodels resid_press", ours, peer


def bootstrap_rows(repeats):
    for n in (1_000, 100_000):
        x = np.random.default_rng(3).normal(size=n)
        B = 1_000

        def floor():  # numpy's draw + take with int64 indices, in blocks of 256 resamples
            rng = np.random.default_rng(0)
            out = np.empty(B)
            for s in range(0, B, 256):
                idx = rng.integers(0, n, size=(min(256, B - s), n))
                out[s:s + len(idx)] = x.take(idx).mean(axis=1)
            return float(np.percentile(out, 2.5))

        ours = lambda: bootstrap((x,), np.mean, n_resamples=B, method="percentile", rng=0).confidence_interval.low
        yield f"percentile bootstrap mean n={n:.0e}", "numpy draw+take floor", ours, floor
        try:
            from arch.bootstrap import IIDBootstrap
        except ImportError:
            continue

        def arch_ci():
            bs = IIDBootstrap(x, seed=0)
            return float(bs.conf_int(np.mean, reps=B, method="percentile")[0, 0])

        yield f"percentile bootstrap mean n={n:.0e}", "arch IIDBootstrap", ours, arch_ci
        try:
            import numba  # noqa: F401
        except ImportError:
            continue
        fast = lambda: bootstrap((x,), np.mean, n_resamples=B, method="percentile", engine="numba",
                                 rng=0).confidence_interval.low
        yield f"percentile bootstrap mean n={n:.0e}, engine=numba", "arch IIDBootstrap", fast, arch_ci
        yield f"percentile bootstrap mean n={n:.0e}, engine=numba", "numpy draw+take floor", fast, floor


def quantile_rows(repeats):
    """BCa median (defaults): the closed-form jackknife and the sorted-sample draws against the
    index-draw path with the refitting jackknife (a lambda is not recognised), which is timed
    at n = 5e3 only (quadratic: 23 s at 5e4); and n_resamples=10**10 refused up front."""
    x = np.random.default_rng(4).normal(size=5_000)
    ours = lambda: bootstrap((x,), np.median, rng=0).confidence_interval.low
    peer = lambda: bootstrap((x,), lambda s, axis: np.median(s, axis=axis), rng=0).confidence_interval.low
    yield "BCa median n=5e3 (9999 resamples)", "index draws + refitting jackknife", ours, peer
    for n in (50_000, 1_000_000):
        x = np.random.default_rng(4).normal(size=n)
        ours = lambda: bootstrap((x,), np.median, rng=0).confidence_interval.low
        yield f"BCa median n={n:.0e} (9999 resamples)", "(target: under 60 s at 1e6)", ours, None

    def refused():
        try:
            bootstrap((x,), np.mean, n_resamples=10**10)
        except ValueError as e:
            return len(str(e))
        return 0

    yield "n_resamples=10**10 refused", "(target: up front)", refused, None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", default="")
    parser.add_argument("--out")
    args = parser.parse_args()
    rows = []
    start_load = tuple(round(v, 2) for v in os.getloadavg())
    try:  # engine="numba" runs on numba's threads, which threadpoolctl does not limit
        import numba

        numba.set_num_threads(min(args.threads, numba.config.NUMBA_NUM_THREADS))
    except ImportError:
        pass
    with threadpool_limits(args.threads):
        for make in (kfold_rows, ridge_rows, press_rows, bootstrap_rows, quantile_rows):
            if args.only and args.only not in make.__name__:
                continue
            for name, peer_name, ours, peer in make(args.repeats):
                if peer is None:  # an absolute figure against a target
                    t_ours, _, r_ours, _ = alternate(ours, lambda: 0.0, repeats=args.repeats)
                    t_peer, r_peer, ratio = float("nan"), float("nan"), "-"
                else:
                    t_ours, t_peer, r_ours, r_peer = alternate(ours, peer, repeats=args.repeats)
                    ratio = f"{t_peer / t_ours:.2f}"
                rows.append({
                    "work": name, "peer": peer_name, "resample (s)": f"{t_ours:.4g}", "peer (s)": f"{t_peer:.4g}",
                    "ratio peer/resample": ratio, "results": f"{r_ours:.6g} / {r_peer:.6g}",
                })
                print(rows[-1], flush=True)
    table = markdown_table(rows, list(rows[0]))
    load = os.getloadavg()
    text = f"BLAS threads: {args.threads}; load average before / after: {start_load} / {tuple(round(v, 2) for v in load)}\n\n{table}\n"
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
