"""Cross-validation of least-squares models: resample's exact closed forms against
scikit-learn, side by side in one process.

    .venv/bin/python benchmarks/bench_cv.py            # prints a markdown table
    .venv/bin/python benchmarks/bench_cv.py --out benchmarks/results/cv.md

Cases (issue 2): LOOCV and 10-fold CV of mpg ~ poly(horsepower, d) on Auto against
``cross_val_score`` with the same splits, and ridge LOOCV at n = 5000, p = 50
against ``RidgeCV``'s own exact leave-one-out (its ``gcv`` path). The scikit-learn
loop does not refit on all data, so resample runs with ``refit=False`` there (it
still fits once on all data, to check that the estimator agrees with exact least
squares); RidgeCV does refit, so resample does too.
"""

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.linear_model import LinearRegression, Ridge, RidgeCV
from sklearn.model_selection import KFold, LeaveOneOut, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import alternate, markdown_table  # noqa: E402

from resample import KFoldCV, LeaveOneOutCV  # noqa: E402
from resample.datasets import load_auto  # noqa: E402
from resample.exceptions import ShortcutWarning  # noqa: E402


def poly(d):
    return make_pipeline(PolynomialFeatures(d), LinearRegression())


def auto_cases(repeats):
    auto = load_auto()
    X, y = auto[["horsepower"]].to_numpy(float), auto["mpg"].to_numpy(float)
    rows = []
    for d in (1, 2, 5):
        ours = LeaveOneOutCV(poly(d), scoring="neg_mean_squared_error", refit=False)
        t_sk, t_ours, r_sk, r_ours = alternate(
            lambda: cross_val_score(poly(d), X, y, cv=LeaveOneOut(), scoring="neg_mean_squared_error"),
            lambda: ours.fit(X, y),
            repeats=repeats,
        )
        exact = d <= 2  # from d = 3 LinearRegression's solver drops directions (see the note)
        rows.append(_row(f"LOOCV poly(horsepower, {d}), n=392", t_sk, t_ours, r_sk, r_ours.scores_, exact))
    for d in (1, 2, 5):
        folds = KFold(10, shuffle=True, random_state=0)
        ours = KFoldCV(poly(d), cv=folds, scoring="neg_mean_squared_error", refit=False)
        t_sk, t_ours, r_sk, r_ours = alternate(
            lambda: cross_val_score(poly(d), X, y, cv=folds, scoring="neg_mean_squared_error"),
            lambda: ours.fit(X, y),
            repeats=repeats,
        )
        rows.append(_row(f"10-fold poly(horsepower, {d}), n=392", t_sk, t_ours, r_sk, r_ours.scores_, d <= 2))
    return rows


def ridge_case(repeats):
    rng = np.random.default_rng(0)
    n, p, alpha = 5000, 50, 1.0
    X = rng.normal(size=(n, p))
    y = X @ rng.normal(size=p) + rng.normal(size=n)
    ours = LeaveOneOutCV(Ridge(alpha=alpha), scoring="neg_mean_squared_error")
    t_sk, t_ours, r_sk, r_ours = alternate(
        lambda: RidgeCV(alphas=[alpha]).fit(X, y), lambda: ours.fit(X, y), repeats=repeats
    )
    diff = abs(r_sk.best_score_ - r_ours.estimate_)
    return {
        "case": "ridge LOOCV, n=5000, p=50 (vs RidgeCV)",
        "scikit-learn (ms)": f"{1e3 * t_sk:.2f}",
        "resample (ms)": f"{1e3 * t_ours:.2f}",
        "speed-up": f"{t_sk / t_ours:.2f}x",
        "max abs diff": f"{diff:.1e} (rel {diff / abs(r_sk.best_score_):.1e})",
    }


def _row(case, t_sk, t_ours, r_sk, r_ours, exact):
    diff = np.max(np.abs(np.asarray(r_sk) - np.asarray(r_ours)))
    rel = diff / np.max(np.abs(r_sk))
    return {
        "case": case,
        "scikit-learn (ms)": f"{1e3 * t_sk:.2f}",
        "resample (ms)": f"{1e3 * t_ours:.2f}",
        "speed-up": f"{t_sk / t_ours:.0f}x",
        "max abs diff": f"{diff:.1e} (rel {rel:.1e})" + ("" if exact else " *"),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ShortcutWarning)
        rows = auto_cases(args.repeats) + [ridge_case(args.repeats)]
    columns = ["case", "scikit-learn (ms)", "resample (ms)", "speed-up", "max abs diff"]
    text = (
        markdown_table(rows, columns)
        + "\n\nMedians of alternating runs in one process. * scikit-learn's LinearRegression treats raw "
        "powers of horsepower as rank-deficient from d = 3, so its refits are not exact least squares "
        "there; resample reports exact least squares (ISLR's figures) and warns.\n"
    )
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
