"""Coverage of cross-validation confidence intervals: naive against nested.

Run (about 9 minutes on two busy cores; the table in benchmarks/results came from it)::

    .venv/bin/python benchmarks/coverage_cv.py --n-jobs 2 --out benchmarks/results/coverage_cv.md

The settings of Bates, Hastie & Tibshirani (2023, JASA), section 5: simulated data
sets of n = 100 rows and p = 20 Gaussian features, 10-fold cross-validation, 90%
intervals. For each data set the target is Err_XY, the prediction error of the model
fitted to that very data set:

* linear regression (OLS with intercept, squared error): ``y = x'beta + eps``,
  ``beta = (1, 1, 1, 1, 0, ..., 0)``, ``eps ~ N(0, 1)``. With ``x ~ N(0, I)``
  Err_XY is known exactly, ``1 + b0^2 + |b - beta|^2`` for the fitted intercept
  ``b0`` and slopes ``b`` (the limit of an infinitely large fresh test sample).
  Every fit is the exact closed form of :mod:`resample._linalg.least_squares`, so the nested
  run (50 partitions, 2,750 held-out blocks) is a batch of small solves.
* logistic regression (scikit-learn's ``LogisticRegression``, L2 with C = 1,
  misclassification error): ``P(y = 1 | x) = 1 / (1 + exp(-x'beta))`` with the
  same beta; Err_XY on a fresh sample of 20,000 rows. Refits: the nested run uses
  ``--logistic-repeats`` partitions (default 5, i.e. 275 fits per data set; the
  paper and the library default use 50), to keep the study within minutes.

"Naive" is the library's default interval, ``estimate_ -/+ z * std(fold scores) /
sqrt(K)``; "naive per-sample" is the paper's naive interval, ``std(per-sample
losses) / sqrt(n)``; "nested" is ``KFoldCV(..., interval="nested")``. The Monte
Carlo standard error of a coverage near 0.9 over m data sets is sqrt(0.09 / m).
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from scipy import stats
from sklearn.linear_model import LinearRegression, LogisticRegression
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from resample import KFoldCV  # noqa: E402

N, P, K, LEVEL = 100, 20, 10, 0.90
BETA = np.r_[np.ones(4), np.zeros(P - 4)]


# One BLAS thread per data set (one_data_set): the fits are tiny, and BLAS threads that
# spin on a busy machine made each logistic fit 20 times slower.


def linear_case(rng, nested_repeats):
    X = rng.normal(size=(N, P))
    y = X @ BETA + rng.normal(size=N)
    cv = KFoldCV(LinearRegression(), n_splits=K, shuffle=True, interval="nested", nested_repeats=nested_repeats,
                 scoring="neg_mean_squared_error", random_state=rng).fit(X, y)
    model = cv.estimator_
    err_xy = 1.0 + model.intercept_**2 + np.sum((model.coef_ - BETA) ** 2)
    return cv, err_xy


def logistic_case(rng, nested_repeats, n_test=20_000):
    def draw(m):
        X = rng.normal(size=(m, P))
        y = (rng.random(m) < 1 / (1 + np.exp(-X @ BETA))).astype(int)
        return X, y

    X, y = draw(N)
    cv = KFoldCV(LogisticRegression(), n_splits=K, shuffle=True, interval="nested", nested_repeats=nested_repeats,
                 scoring="accuracy", random_state=rng).fit(X, y)
    X_test, y_test = draw(n_test)
    err_xy = float(np.mean(cv.predict(X_test) != y_test))
    return cv, err_xy


def one_data_set(case, child, nested_repeats):
    """Whether each 90% interval covers Err_XY, and its width (in loss units)."""
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        cv, err_xy = case(child, nested_repeats)
    target = -err_xy if case is linear_case else 1 - err_xy  # the scorer's sign: -MSE, accuracy
    naive = cv.naive_confidence_interval(LEVEL)
    nested = cv.confidence_interval(LEVEL)
    per_sample = cv.result_.sample_values
    half = stats.norm.ppf(0.5 + LEVEL / 2) * per_sample.std(ddof=1) / np.sqrt(len(per_sample))
    paper = (cv.estimate_ - half, cv.estimate_ + half)
    return [
        naive.low <= target <= naive.high, naive.high - naive.low,
        paper[0] <= target <= paper[1], paper[1] - paper[0],
        nested.low <= target <= nested.high, nested.high - nested.low,
        cv.nested_.inflation,
    ]


def evaluate(case, n_sets, nested_repeats, seed, n_jobs):
    """One row per data set; each data set has its own child stream, so n_jobs changes nothing."""
    children = np.random.default_rng(seed).spawn(n_sets)
    rows = Parallel(n_jobs=n_jobs)(delayed(one_data_set)(case, child, nested_repeats) for child in children)
    return np.array(rows, dtype=float)


def table(results):
    lines = [
        "| model | data sets | nested repeats | naive (fold SE) | naive (per-sample SE) | nested | "
        "width nested / naive | mean SE inflation | MC s.e. | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, (rows, repeats, seconds) in results.items():
        m = len(rows)
        cover = rows[:, [0, 2, 4]].mean(axis=0)
        lines.append(
            f"| {name} | {m} | {repeats} | {cover[0]:.3f} | {cover[1]:.3f} | {cover[2]:.3f} | "
            f"{np.mean(rows[:, 5] / rows[:, 1]):.2f} | {rows[:, 6].mean():.2f} | {np.sqrt(0.09 / m):.3f} | {seconds:.0f} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--linear", type=int, default=1000, help="linear-regression data sets (default 1000)")
    parser.add_argument("--logistic", type=int, default=200, help="logistic-regression data sets (default 200)")
    parser.add_argument("--linear-repeats", type=int, default=50, help="nested partitions, linear (default 50)")
    parser.add_argument("--logistic-repeats", type=int, default=5, help="nested partitions, logistic (default 5)")
    parser.add_argument("--seed", type=int, default=20230401)
    parser.add_argument("--n-jobs", type=int, default=1, help="data sets in parallel (joblib; default 1)")
    parser.add_argument("--out", type=Path, default=None, help="write the markdown table here")
    args = parser.parse_args(argv)

    results = {}
    for name, case, n_sets, repeats in [
        ("linear regression (OLS), squared error", linear_case, args.linear, args.linear_repeats),
        ("logistic regression, misclassification", logistic_case, args.logistic, args.logistic_repeats),
    ]:
        if n_sets <= 0:
            continue
        start = time.perf_counter()
        rows = evaluate(case, n_sets, repeats, args.seed, args.n_jobs)
        results[name] = (rows, repeats, time.perf_counter() - start)
        print(f"{name}: {n_sets} data sets in {results[name][2]:.0f} s", file=sys.stderr)
    text = (
        f"Coverage of 90% intervals for Err_XY (n = {N}, p = {P}, {K}-fold CV; "
        f"seed {args.seed}; `benchmarks/coverage_cv.py`)\n\n" + table(results) + "\n"
    )
    print(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)


if __name__ == "__main__":
    main()
