"""Several metrics in one run: resample's KFoldCV(scoring=[...]) against scikit-learn's cross_validate.

    .venv/bin/python benchmarks/bench_multimetric.py --out benchmarks/results/multimetric.md
    .venv/bin/python benchmarks/bench_multimetric.py --quick

Same splits (``KFold(10)``), same metrics, test and training scores
(``return_train_score=True``) for both:

1. ``LinearRegression`` with four metrics of ``predict`` (MSE, RMSE, MAE, R^2),
   10 folds: resample's closed form gives all four, test and training, from one
   factorisation; cross_validate refits ten times. At p = 20 ten lstsq fits cost
   about what the factorisation does, so expect parity, not a speed-up.
2. The same with leave-one-out (n refits for cross_validate, none for the closed
   form); R^2 is left out, as it is undefined on one-row test sets.
3. ``LogisticRegression`` with three metrics (accuracy, log loss, ROC AUC): both
   refit once per split and score every metric on that fit; the ratio is the
   overhead of resample's bookkeeping (per-sample values, pooling, intervals).

Every row also checks that the per-fold test scores agree (largest absolute gap).
Times are medians of alternating runs (cross_validate, resample, ...); ratio =
cross_validate / resample.
"""

import argparse
import os
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import KFold, LeaveOneOut, cross_validate

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import alternate, markdown_table  # noqa: E402

from resample import KFoldCV  # noqa: E402

REGRESSION = ["neg_mean_squared_error", "neg_root_mean_squared_error", "neg_mean_absolute_error", "r2"]
CLASSIFICATION = ["accuracy", "neg_log_loss", "roc_auc"]


def _case(label, model, X, y, scoring, repeats, folds=None):
    folds = folds or KFold(10, shuffle=True, random_state=0)

    def theirs():
        return cross_validate(model, X, y, cv=folds, scoring=scoring, return_train_score=True)

    def ours():
        return KFoldCV(model, cv=folds, scoring=scoring, return_train_score=True, refit=False).fit(X, y)

    t_sk, t_ours, ref, got = alternate(theirs, ours, repeats=repeats)
    gap = max(float(np.max(np.abs(got.cv_results_[f"test_{m}"] - ref[f"test_{m}"]))) for m in scoring)
    return {
        "case": label,
        "metrics": len(scoring),
        "computation": ", ".join(sorted({r.computation for r in got.results_.values()})),
        "cross_validate (s)": f"{t_sk:.3g}",
        "resample (s)": f"{t_ours:.3g}",
        "ratio": f"{t_sk / t_ours:.2f}",
        "largest test-score gap": f"{gap:.1e}",
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    repeats = 3
    n = 10_000 if args.quick else 50_000
    X = rng.normal(size=(n, 20))
    y = X @ rng.normal(size=20) + rng.normal(size=n)
    rows = [_case(f"LinearRegression 10-fold, n={n:,}, p=20", LinearRegression(), X, y, REGRESSION, repeats)]
    n = 300 if args.quick else 1_000
    X, y = X[:n, :5], X[:n, :5] @ np.ones(5) + rng.normal(size=n)
    rows.append(_case(f"LinearRegression LOOCV, n={n:,}, p=5", LinearRegression(), X, y, REGRESSION[:3], repeats,
                      folds=LeaveOneOut()))
    m = 2_000 if args.quick else 20_000
    Xc = rng.normal(size=(m, 10))
    yc = (Xc[:, 0] + rng.logistic(size=m) > 0).astype(int)
    rows.append(_case(f"LogisticRegression, n={m:,}, p=10", LogisticRegression(max_iter=1000), Xc, yc,
                      CLASSIFICATION, repeats))
    columns = list(rows[0])
    load = os.getloadavg()
    text = (
        "# Several metrics in one run: KFoldCV(scoring=[...]) against cross_validate\n\n"
        "Test and training scores; medians of alternating runs; ratio = cross_validate / resample.\n\n"
        + markdown_table(rows, columns)
        + f"\n\nLoad average at the end: {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f} (2 cores shared).\n"
    )
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
