"""Approximate LOOCV of a logistic regression against exact refits and against one fit.

For n = 1e3, 1e4, 1e5 rows (p = 5 features, binary labels from a logistic model):

- ``one fit``: ``LogisticRegression().fit`` on all rows;
- ``approximate``: ``LeaveOneOutCV(..., shortcut="approximate")``: the fit on all rows,
  the Newton step of every row, and the 20 exact refits of its check;
- ``step only``: the Newton steps alone (``loo_linear_predictors``, no fit, no check);
- ``exact``: ``LeaveOneOutCV(..., shortcut="auto")`` (n refits). Run in full at n = 1e3;
  above, the median of 20 refits times n (marked "extrapolated"): 10^5 refits would take
  hours on this machine.

One BLAS/OpenMP thread (scikit-learn's GLM losses oversubscribe two shared cores),
contenders alternating in one process, medians of ``--repeats``. Run under the heavy
lock: ``flock /work/wt/.heavy.lock python benchmarks/bench_approx_loo.py``.
"""

import argparse
import os
import platform
import statistics
import time
import warnings

import numpy as np
from _timing import alternate, markdown_table
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from resample import LeaveOneOutCV
from resample._linalg.approximate_loo import loo_linear_predictors
from resample._model_selection.approximate import _glm_fit


def data(n, p=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = (X @ np.linspace(1, -1, p) + rng.logistic(size=n) > 0).astype(int)
    return X, y


def median_refit(X, y, k=20):
    """Median seconds of one leave-one-out refit, over ``k`` rows."""
    times = []
    keep = np.ones(len(y), dtype=bool)
    for i in np.linspace(0, len(y) - 1, k).astype(int):
        keep[i] = False
        start = time.perf_counter()
        LogisticRegression().fit(X[keep], y[keep])
        times.append(time.perf_counter() - start)
        keep[i] = True
    return statistics.median(times)


def row(n, repeats):
    X, y = data(n)
    approx = lambda: LeaveOneOutCV(LogisticRegression(), scoring="neg_log_loss", shortcut="approximate",
                                   random_state=0, refit=False).fit(X, y)
    one = lambda: LogisticRegression().fit(X, y)
    t_approx, t_one, cv, _ = alternate(approx, one, repeats=repeats, warmup=1)
    fit = _glm_fit(LogisticRegression().fit(X, y), X, y)
    t_step, _, _, _ = alternate(lambda: loo_linear_predictors(fit), lambda: None, repeats=repeats)
    if n <= 1000:
        start = time.perf_counter()
        exact = LeaveOneOutCV(LogisticRegression(), scoring="neg_log_loss").fit(X, y)
        t_exact, how = time.perf_counter() - start, "measured"
        gap = abs(exact.estimate_ - cv.estimate_)
    else:
        t_exact, how, gap = n * median_refit(X, y), "extrapolated", float("nan")
    check = cv.result_.notes[0].split("differs by at most ")[1].split(";")[0]
    return {
        "n": f"{n:.0e}",
        "one fit (s)": f"{t_one:.3g}",
        "approximate (s)": f"{t_approx:.3g}",
        "step only (s)": f"{t_step:.3g}",
        "exact (s)": f"{t_exact:.3g} ({how})",
        "exact / approximate": f"{t_exact / t_approx:.0f}x",
        "approximate / one fit": f"{t_approx / t_one:.1f}",
        "step / one fit": f"{t_step / t_one:.2f}",
        "check on 20 rows": check,
        "estimate gap (abs.)": "-" if np.isnan(gap) else f"{gap:.1e}",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results", "approx_loo.md"))
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    with threadpool_limits(1):
        rows = [row(n, args.repeats) for n in args.sizes]
    load = os.getloadavg()
    columns = list(rows[0])
    text = "\n".join([
        "# Approximate LOOCV of LogisticRegression (p = 5) vs exact refits and one fit",
        "",
        f"`python benchmarks/bench_approx_loo.py`; {platform.processor() or platform.machine()}, 1 thread, "
        f"medians of {args.repeats} alternating runs; load average at the end {load[0]:.1f} / {load[1]:.1f} / "
        f"{load[2]:.1f} (1 / 5 / 15 min) on 2 shared cores.",
        "",
        "`approximate` includes the fit on all rows and the 20 exact refits of its check; `step only` is "
        "the Newton steps alone. `exact` above n = 1e3 is n times the median of 20 leave-one-out refits.",
        "",
        markdown_table(rows, columns),
        "",
    ])
    with open(args.out, "w") as fh:
        fh.write(text)
    print(text)


if __name__ == "__main__":
    main()
