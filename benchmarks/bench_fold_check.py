"""Cost of the fold-level agreement check of the closed form (issue 12, point 2).

The closed form now also asks, for every training set, whether LinearRegression's
own fit there would cut a singular value (p x p work per fold, a leverage bound
first). This times the closed form with the check against the same closed form
with the check switched off, in one process, alternating, and reports medians and
their ratio (target: at most 1.3).

    .venv/bin/python benchmarks/bench_fold_check.py --out benchmarks/results/fold_check.md
"""

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import alternate, markdown_table

from resample import KFoldCV, LeaveOneOutCV
from resample._model_selection import paths
from resample.datasets import load_auto


def _none(ls, splits, cutoff):
    return np.empty(0, dtype=np.intp), np.empty(0)


def cases():
    auto = load_auto()
    X, y = auto[["horsepower"]].to_numpy(float), auto["mpg"].to_numpy(float)
    mse = {"scoring": "neg_mean_squared_error", "refit": False}
    for d in (2, 5):
        yield f"LOOCV Auto poly {d} (n=392)", LeaveOneOutCV(make_pipeline(PolynomialFeatures(d), LinearRegression()), **mse), X, y
        yield f"10-fold Auto poly {d}", KFoldCV(make_pipeline(PolynomialFeatures(d), LinearRegression()), n_splits=10, **mse), X, y
    rng = np.random.default_rng(0)
    Xb = rng.normal(size=(5000, 20))
    yb = Xb @ rng.normal(size=20) + rng.normal(size=5000)
    yield "LOOCV n=5000 p=20", LeaveOneOutCV(LinearRegression(), **mse), Xb, yb
    Xc = rng.normal(size=(50_000, 20))
    yc = Xc @ rng.normal(size=20) + rng.normal(size=50_000)
    yield "10-fold n=50000 p=20", KFoldCV(LinearRegression(), n_splits=10, **mse), Xc, yc
    yield "5x10-fold n=50000 p=20", KFoldCV(LinearRegression(), n_splits=10, n_repeats=5, shuffle=True, random_state=0, **mse), Xc, yc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    rows = []
    real = paths.disagreeing_splits
    for name, est, X, y in cases():
        def with_check():
            paths.disagreeing_splits = real
            return est.fit(X, y).estimate_

        def without():
            paths.disagreeing_splits = _none
            return est.fit(X, y).estimate_

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_on, t_off, a, b = alternate(with_check, without, repeats=args.repeats)
        paths.disagreeing_splits = real
        assert a == b
        rows.append({"case": name, "with check (s)": f"{t_on:.4f}", "without (s)": f"{t_off:.4f}",
                     "ratio": f"{t_on / t_off:.2f}"})
    table = markdown_table(rows, ["case", "with check (s)", "without (s)", "ratio"])
    print(table)
    if args.out:
        Path(args.out).write_text(
            "# Fold-level agreement check: closed form with and without it\n\n"
            f"Medians of {args.repeats} alternating runs in one process (refit=False).\n\n" + table + "\n"
        )


if __name__ == "__main__":
    main()
