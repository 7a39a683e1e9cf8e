"""The figure of docs/approximate_loo.md: approximate vs exact leave-one-out log loss on ISLR's Default.

Logistic regression of ``default`` on balance, income and student (ISLR section 4.3,
scikit-learn's L2 penalty C=1 after a StandardScaler). The approximate LOOCV runs on
all 10,000 rows; exact refits (the whole pipeline without the row) on 400 rows drawn
with seed 0, since 10,000 refits take about ten minutes on this machine. Refits twice:
as the user runs them (lbfgs, tol=1e-4) and converged (newton-cholesky, tol=1e-12), so
the figure separates the approximation's error from the refits' own stopping error. Writes
docs/_static/approximate_loo_default.png and prints the figures the page quotes.

    python benchmarks/figure_approx_loo_default.py
"""

import os
import time
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from resample import KFoldCV, LeaveOneOutCV
from resample.datasets import load_default

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "docs", "_static", "approximate_loo_default.png")


def main(n_exact=400):
    default = load_default()
    X = np.column_stack([default["balance"], default["income"], (default["student"] == "Yes").astype(float)])
    y = (default["default"] == "Yes").astype(int).to_numpy()
    model = make_pipeline(StandardScaler(), LogisticRegression())
    start = time.perf_counter()
    cv = LeaveOneOutCV(model, scoring="neg_log_loss", shortcut="approximate", random_state=0).fit(X, y)
    t_approx = time.perf_counter() - start
    approx = -cv.result_.sample_values
    rows = np.sort(np.random.default_rng(0).choice(len(y), size=n_exact, replace=False))
    tight = make_pipeline(StandardScaler(), LogisticRegression(solver="newton-cholesky", tol=1e-12))
    exact, loose = np.empty(n_exact), np.empty(n_exact)
    keep = np.ones(len(y), dtype=bool)
    start = time.perf_counter()
    for j, i in enumerate(rows):
        keep[i] = False
        refit = clone(model).fit(X[keep], y[keep])
        loose[j] = -np.log(refit.predict_proba(X[i : i + 1])[0, y[i]])
        refit = clone(tight).fit(X[keep], y[keep])
        exact[j] = -np.log(refit.predict_proba(X[i : i + 1])[0, y[i]])
        keep[i] = True
    t_exact = (time.perf_counter() - start) / 2 / n_exact * len(y)
    kfold = KFoldCV(model, n_splits=10, shuffle=True, random_state=0, scoring="neg_log_loss").fit(X, y)
    diff, diff_loose = approx[rows] - exact, approx[rows] - loose
    rel = np.abs(diff) / exact

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
    colors = np.where(y[rows] == 1, "tab:red", "tab:blue")
    a1.scatter(exact, approx[rows], s=10, c=colors, alpha=0.7)
    lo, hi = min(exact.min(), approx[rows].min()) * 0.8, max(exact.max(), approx[rows].max()) * 1.25
    a1.plot([lo, hi], [lo, hi], color="0.4", lw=0.8, ls="--", label="approximate = exact")
    a1.set(xscale="log", yscale="log", xlim=(lo, hi), ylim=(lo, hi), xlabel="exact leave-one-out log loss (converged refit)",
           ylabel="approximate (one Newton step)")
    a1.scatter([], [], s=10, c="tab:red", label=f"defaulted ({y.sum():,} of {len(y):,})")
    a1.scatter([], [], s=10, c="tab:blue", label="did not default")
    a1.legend(loc="upper left", fontsize="small", frameon=False)
    a1.set_title(f"per-sample held-out loss, {n_exact} random rows", fontsize="medium")
    a2.scatter(exact, diff_loose, s=12, facecolors="none", edgecolors="0.55", lw=0.7,
               label=f"vs refits at lbfgs's default tol=1e-4 (largest {np.abs(diff_loose).max():.1e})")
    a2.scatter(exact, diff, s=10, c=colors, alpha=0.8,
               label=f"vs converged refits (largest {np.abs(diff).max():.1e}, mean {np.abs(diff).mean():.1e})")
    a2.axhline(0, color="0.4", lw=0.8, ls="--")
    a2.set(xscale="log", xlabel="exact leave-one-out log loss (converged refit)", ylabel="approximate - exact")
    a2.ticklabel_format(axis="y", style="sci", scilimits=(-3, 3))
    a2.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize="small", frameon=False)  # below the data
    a2.set_title("difference per row", fontsize="medium")
    fig.suptitle("ISLR's Default: logistic regression of default on balance, income and student", fontsize="medium")
    fig.savefig(OUT, dpi=110)
    print(f"approximate LOOCV log loss (all 10,000 rows): {-cv.estimate_:.5f} in {t_approx:.1f} s")
    print(f"on the {n_exact} rows: approximate mean {approx[rows].mean():.5f}, exact mean {exact.mean():.5f}")
    print(f"|difference| to converged refits: largest {np.abs(diff).max():.2e}, mean {np.abs(diff).mean():.2e}; "
          f"relative: largest {rel.max():.2e}, median {np.median(rel):.2e}")
    print(f"|difference| to default-tolerance refits: largest {np.abs(diff_loose).max():.2e}, "
          f"mean {np.abs(diff_loose).mean():.2e}; converged vs default refits: largest "
          f"{np.abs(exact - loose).max():.2e}")
    print(f"exact LOOCV extrapolated: {t_exact:.0f} s; 10-fold CV log loss {-kfold.estimate_:.5f}")
    print("note:", cv.result_.notes[0])
    print("wrote", os.path.relpath(OUT))


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    with threadpool_limits(1):
        main()
