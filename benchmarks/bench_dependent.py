"""Block bootstraps against arch, and the CV permutation test against scikit-learn.

    .venv/bin/python benchmarks/bench_dependent.py --out benchmarks/results/dependent.md
    .venv/bin/python benchmarks/bench_dependent.py --quick

1. The standard error of the mean of an AR(1) series (phi = 0.6) by the stationary,
   circular and moving block bootstraps with the same block length: ``resample.bootstrap``
   (vectorized statistic) against ``arch.bootstrap.{Stationary,CircularBlock,MovingBlock}Bootstrap``
   with ``apply(np.mean, reps)``, the way arch's documentation computes it. Both
   standard errors are printed; they agree up to Monte Carlo error (different streams).
2. 1,000 permutations of a 10-fold OLS cross-validation: ``resample.cv_permutation_test``
   (closed form) against ``sklearn.model_selection.permutation_test_score``, and
   against one plain 10-fold ``cross_val_score`` (what "about one fit" means).

Times are medians of alternating runs (the competitor, resample, ...); ratio =
competitor / resample.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy.signal import lfilter
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold, cross_val_score, permutation_test_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import alternate, markdown_table  # noqa: E402

from resample import KFoldCV, bootstrap, cv_permutation_test  # noqa: E402

ARCH = {"stationary": "StationaryBootstrap", "circular": "CircularBlockBootstrap", "moving": "MovingBlockBootstrap"}


def vmean(x, axis=-1):
    return np.mean(x, axis=axis)


def blocks(quick):
    import arch.bootstrap as ab

    rows = []
    sizes = [(1000, 9999), (100_000, 999)] if not quick else [(1000, 999)]
    for n, reps in sizes:
        x = lfilter([1.0], [1.0, -0.6], np.random.default_rng(0).normal(size=n + 200))[200:]
        length = 20
        for kind, cls in ARCH.items():
            def theirs(kind=kind, cls=cls):
                return float(getattr(ab, cls)(length, x, seed=1).apply(np.mean, reps).std(ddof=1))

            def ours(kind=kind):
                return bootstrap((x,), vmean, block_length=length, block=kind, method="percentile",
                                 n_resamples=reps, rng=1).standard_error

            t_arch, t_ours, se_arch, se_ours = alternate(theirs, ours, repeats=3 if not quick else 1)
            rows.append({
                "case": f"{kind}, n={n:,}, B={reps:,}", "arch s": f"{t_arch:.3f}", "resample s": f"{t_ours:.3f}",
                "ratio": f"{t_arch / t_ours:.1f}x", "SE arch": f"{se_arch:.5f}", "SE resample": f"{se_ours:.5f}",
            })
    return rows


def permutations(quick):
    rng = np.random.default_rng(0)
    n, p = 500, 5
    X = rng.normal(size=(n, p))
    y = X @ np.linspace(0.2, 0.0, p) + rng.normal(size=n)
    n_perm = 1000 if not quick else 100
    mse = "neg_mean_squared_error"

    def sk():
        return permutation_test_score(LinearRegression(), X, y, cv=KFold(10), scoring=mse,
                                      n_permutations=n_perm, random_state=0)[2]

    def ours():
        return cv_permutation_test(KFoldCV(LinearRegression(), n_splits=10, scoring=mse), X, y,
                                   n_permutations=n_perm, random_state=0).pvalue

    t_sk, t_ours, p_sk, p_ours = alternate(sk, ours, repeats=1, warmup=0)  # sklearn: minutes per run
    one = lambda: cross_val_score(LinearRegression(), X, y, cv=KFold(10), scoring=mse)  # noqa: E731
    t_one, t_ours2, _, _ = alternate(one, ours, repeats=3)
    return [
        {"case": f"{n_perm} permutations, 10-fold OLS, n={n}, p={p}", "scikit-learn s": f"{t_sk:.2f}",
         "resample s": f"{t_ours:.3f}", "ratio": f"{t_sk / t_ours:.0f}x", "p sklearn": f"{p_sk:.4f}",
         "p resample": f"{p_ours:.4f}"},
        {"case": "one 10-fold cross_val_score (reference)", "scikit-learn s": f"{t_one:.3f}",
         "resample s": f"{t_ours2:.3f}", "ratio": f"{t_one / t_ours2:.2f}x", "p sklearn": "", "p resample": ""},
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    text = ["## Block bootstraps: resample against arch (block length 20, SE of an AR(1) mean)", "",
            markdown_table(blocks(args.quick), ["case", "arch s", "resample s", "ratio", "SE arch", "SE resample"]),
            "", "## CV permutation test: resample (closed form) against sklearn's permutation_test_score", "",
            markdown_table(permutations(args.quick),
                           ["case", "scikit-learn s", "resample s", "ratio", "p sklearn", "p resample"]), ""]
    out = "\n".join(text)
    print(out)
    if args.out:
        Path(args.out).write_text(out)


if __name__ == "__main__":
    main()
