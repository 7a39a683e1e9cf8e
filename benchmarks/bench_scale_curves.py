"""Time and peak memory against n (1e3 to 1e6) for LOOCV, 10-fold CV and the bootstrap.

    .venv/bin/python benchmarks/bench_scale_curves.py --out benchmarks/results/scale_curves

Each point is the median of ``--repeats`` runs (one BLAS thread) beside its peer in the
same process, alternating: LOOCV of OLS (p = 5, the closed form) against statsmodels'
``resid_press``; 10-fold OLS against ``cross_val_score`` on the same folds; the
percentile bootstrap of a mean (1,000 resamples) against numpy's draw + take. Peak
memory is tracemalloc's peak during one call beyond the data (numpy's allocations are
traced). Writes ``OUT.csv`` and ``OUT.png`` (two panels: seconds, MB).
"""

import argparse
import os
import sys
import tracemalloc
from pathlib import Path

import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold, cross_val_score
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import alternate

from resample import KFoldCV, LeaveOneOutCV, bootstrap

SIZES = (1_000, 10_000, 100_000, 1_000_000)
B = 200


def _data(n, p=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    return X, X @ rng.normal(size=p) + rng.normal(size=n)


def contenders(n):
    X, y = _data(n)
    import statsmodels.api as sm
    from statsmodels.stats.outliers_influence import OLSInfluence

    Xc = sm.add_constant(X)
    yield ("LOOCV OLS", lambda: LeaveOneOutCV(LinearRegression(), refit=False, scoring="neg_mean_squared_error")
           .fit(X, y).estimate_, "statsmodels resid_press",
           lambda: -float(np.mean(OLSInfluence(sm.OLS(y, Xc).fit()).resid_press ** 2)))  # fmt: skip
    folds = KFold(10, shuffle=True, random_state=0)
    yield ("10-fold OLS", lambda: KFoldCV(LinearRegression(), cv=folds, refit=False,
                                          scoring="neg_mean_squared_error").fit(X, y).estimate_,
           "cross_val_score", lambda: cross_val_score(LinearRegression(), X, y, cv=folds,
                                                      scoring="neg_mean_squared_error").mean())  # fmt: skip
    x = y

    def floor():
        rng = np.random.default_rng(0)
        out = np.empty(B)
        for s in range(0, B, 256):
            idx = rng.integers(0, n, size=(min(256, B - s), n))
            out[s : s + len(idx)] = x.take(idx).mean(axis=1)
        return float(np.percentile(out, 2.5))

    yield ("bootstrap mean", lambda: bootstrap((x,), np.mean, n_resamples=B, method="percentile", rng=0)
           .confidence_interval.low, "numpy draw + take", floor)  # fmt: skip


def peak_mb(f):
    tracemalloc.start()
    f()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default="benchmarks/results/scale_curves")
    args = parser.parse_args()
    rows = []
    load = tuple(round(v, 2) for v in os.getloadavg())
    with threadpool_limits(1):
        for n in SIZES:
            for work, ours, peer_name, peer in contenders(n):
                t_ours, t_peer, _, _ = alternate(ours, peer, repeats=args.repeats, warmup=0)
                m_ours, m_peer = peak_mb(ours), peak_mb(peer)
                rows.append((work, n, t_ours, m_ours, peer_name, t_peer, m_peer))
                print(rows[-1], flush=True)
    out = Path(args.out)
    with open(out.with_suffix(".csv"), "w") as f:
        f.write(f"# load average at start {load}, after {tuple(round(v, 2) for v in os.getloadavg())}\n")
        f.write("work,n,resample_s,resample_peak_mb,peer,peer_s,peer_peak_mb\n")
        f.writelines(",".join(f"{v:.6g}" if isinstance(v, float) else str(v) for v in r) + "\n" for r in rows)
    plot(rows, out.with_suffix(".png"))


def plot(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    colors = {"LOOCV OLS": "C0", "10-fold OLS": "C1", "bootstrap mean": "C2"}
    for work, color in colors.items():
        part = [r for r in rows if r[0] == work]
        n = [r[1] for r in part]
        for ax, ours, theirs in ((axes[0], 2, 5), (axes[1], 3, 6)):
            ax.plot(n, [r[ours] for r in part], "o-", color=color, label=f"{work} (resample)")
            ax.plot(n, [r[theirs] for r in part], "s--", color=color, alpha=0.6, label=f"{work}: {part[0][4]}")
    for ax, label in zip(axes, ("seconds per call (median)", "peak traced memory (MB)")):
        ax.set(xscale="log", yscale="log", xlabel="n (rows)", ylabel=label)
        ax.grid(True, which="major", alpha=0.3)
    axes[0].set_title(f"Time, p = 5, one BLAS thread; bootstrap: {B} resamples")
    axes[1].set_title("Peak memory during one call")
    axes[1].legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
