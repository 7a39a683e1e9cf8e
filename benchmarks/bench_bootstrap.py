"""The bootstrap: resample against scipy.stats.bootstrap, side by side in one process.

    .venv/bin/python benchmarks/bench_bootstrap.py                 # prints markdown tables
    .venv/bin/python benchmarks/bench_bootstrap.py --out benchmarks/results/bootstrap.md
    .venv/bin/python benchmarks/bench_bootstrap.py --quick         # small repeats, no n = 100,000

Cases (issue 3), 9,999 resamples each: BCa and percentile intervals of the mean at
n = 1,000 and 20,000 and of ISLR's paired portfolio statistic alpha at n = 100; BCa of
the mean at n = 100,000, where SciPy runs with ``batch=100`` (its default would need
about 90 GB). Times are medians of alternating runs (SciPy, resample, SciPy, ...);
peak memory is tracemalloc's peak of one separate run of each. Then
BootstrapEstimator's batched least squares against 2,000 refits of LinearRegression
(same resamples, same standard errors), and a coverage table of nominal 95% intervals
for the mean of exponential samples. Takes several minutes and up to about 10 GB
(SciPy's BCa at n = 20,000).
"""

import argparse
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
from scipy import stats
from sklearn.linear_model import LinearRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import alternate, markdown_table  # noqa: E402

from resample import BootstrapEstimator, bootstrap  # noqa: E402
from resample.datasets import load_auto, load_portfolio  # noqa: E402

B = 9999


def alpha(x, y, axis=-1):
    """ISLR eq. 5.7, vectorized (the same function is given to both libraries)."""
    vx, vy = np.var(x, axis=axis, ddof=1), np.var(y, axis=axis, ddof=1)
    n = x.shape[axis]
    cxy = np.sum((x - x.mean(axis, keepdims=True)) * (y - y.mean(axis, keepdims=True)), axis=axis) / (n - 1)
    return (vy - cxy) / (vx + vy - 2 * cxy)


def peak_mb(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def statistic_cases(repeats, quick):
    rng = np.random.default_rng(0)
    p = load_portfolio()
    cases = [
        ("mean, n=1,000", (rng.exponential(size=1000),), np.mean, {}, {}),
        ("mean, n=20,000", (rng.exponential(size=20000),), np.mean, {}, {}),
        ("alpha (paired), n=100", (p["X"].to_numpy(), p["Y"].to_numpy()), alpha, {"paired": True}, {}),
    ]
    rows = []
    for name, data, statistic, kw, scipy_kw in cases:
        for method in ("BCa", "percentile"):
            rows.append(_compare(name, method, data, statistic, kw, scipy_kw, repeats, method == "BCa" or not quick))
    if not quick:
        x = (np.random.default_rng(1).exponential(size=100_000),)
        rows.append(_compare("mean, n=100,000", "BCa", x, np.mean, {}, {"batch": 100}, 1, True, warmup=0))
    return rows


def _compare(name, method, data, statistic, kw, scipy_kw, repeats, measure_memory, warmup=1):
    def theirs():
        return stats.bootstrap(data, statistic, n_resamples=B, method=method, rng=1, **kw, **scipy_kw)

    def ours():
        return bootstrap(data, statistic, n_resamples=B, method=method, rng=1, **kw)

    t_sp, t_us, r_sp, r_us = alternate(theirs, ours, repeats=repeats, warmup=warmup)
    m_sp = peak_mb(theirs) if measure_memory else float("nan")
    m_us = peak_mb(ours) if measure_memory else float("nan")
    low_sp, high_sp = (float(v) for v in r_sp.confidence_interval)
    low_us, high_us = r_us.confidence_interval
    return {
        "case": name + (f" (SciPy batch={scipy_kw['batch']})" if "batch" in scipy_kw else ""),
        "method": method,
        "SciPy s": f"{t_sp:.3f}",
        "resample s": f"{t_us:.3f}",
        "speed-up": f"{t_sp / t_us:.1f}x",
        "SciPy MB": f"{m_sp:.0f}",
        "resample MB": f"{m_us:.0f}",
        "memory ratio": f"{m_us / m_sp:.2g}" if measure_memory else "-",
        "SciPy CI": f"({low_sp:.4f}, {high_sp:.4f})",
        "resample CI": f"({low_us:.4f}, {high_us:.4f})",
    }


def estimator_case(repeats):
    auto = load_auto()
    X, y = auto[["horsepower"]].to_numpy(float), auto["mpg"].to_numpy(float)
    n, n_resamples = len(y), 2000

    def refits():
        rng = np.random.default_rng(0)
        coefs = np.empty((n_resamples, 2))
        for b in range(n_resamples):
            idx = rng.integers(0, n, n)
            m = LinearRegression().fit(X[idx], y[idx])
            coefs[b] = m.intercept_, m.coef_[0]
        return coefs.std(axis=0, ddof=1)

    def batched():
        be = BootstrapEstimator(LinearRegression(), n_resamples=n_resamples, random_state=0).fit(X, y)
        return np.array([be.standard_errors_["intercept_"], be.standard_errors_["coef_"][0]])

    t_ref, t_bat, se_ref, se_bat = alternate(refits, batched, repeats=repeats)
    check = BootstrapEstimator(LinearRegression(), n_resamples=n_resamples, random_state=0, batched=False).fit(X, y)
    same = BootstrapEstimator(LinearRegression(), n_resamples=n_resamples, random_state=0).fit(X, y)
    gap = np.abs(
        same.results_["coef_"].bootstrap_distribution - check.results_["coef_"].bootstrap_distribution
    ).max()
    return [
        {
            "case": "mpg ~ horsepower, 2,000 resamples",
            "2,000 LinearRegression refits s": f"{t_ref:.3f}",
            "BootstrapEstimator (batched) s": f"{t_bat:.4f}",
            "speed-up": f"{t_ref / t_bat:.0f}x",
            "SEs, refits (other draws)": f"{se_ref[0]:.4f}, {se_ref[1]:.5f}",
            "SEs, batched": f"{se_bat[0]:.4f}, {se_bat[1]:.5f}",
            "max gap to refits on the same draws": f"{gap:.1e}",
        }
    ]


def coverage(n_samples, quick):
    """Share of nominal 95% intervals that hold the true mean 1 of Exp(1) samples."""
    methods = ["percentile", "basic", "normal", "bca", "studentized"]
    rows = []
    n_boot = 999 if quick else 1999

    def se(x, axis=-1):
        return np.std(x, axis=axis, ddof=1) / np.sqrt(x.shape[axis])

    for n in (20, 100):
        hits = dict.fromkeys(methods, 0)
        width = dict.fromkeys(methods, 0.0)
        for k, child in enumerate(np.random.default_rng(2024).spawn(n_samples)):
            x = (child.exponential(size=n),)
            first = bootstrap(x, np.mean, n_resamples=n_boot, method="percentile", rng=k)
            for method in methods:
                if method == "studentized":
                    res = bootstrap(x, np.mean, n_resamples=n_boot, method=method, se_function=se, rng=k)
                else:  # the same draws, another method: no new resamples
                    res = bootstrap(x, np.mean, n_resamples=0, method=method, bootstrap_result=first)
                low, high = res.confidence_interval
                hits[method] += low <= 1.0 <= high
                width[method] += high - low
        # Monte Carlo sd of a coverage near 0.95 from N samples: sqrt(.95 * .05 / N).
        rows.append(
            {"n": n, **{m: f"{hits[m] / n_samples:.3f} ({width[m] / n_samples:.3f})" for m in methods}}
        )
    return rows, methods, n_boot


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the tables to this markdown file")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and samples; skip n = 100,000")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    repeats = 2 if args.quick else 3
    n_cov = 200 if args.quick else 1000

    start = time.perf_counter()
    stat_rows = statistic_cases(repeats, args.quick)
    est_rows = estimator_case(repeats)
    cov_rows, methods, n_boot = coverage(n_cov, args.quick)
    sd = np.sqrt(0.95 * 0.05 / n_cov)
    lines = [
        "# Bootstrap benchmark",
        "",
        f"`{' '.join(['.venv/bin/python', 'benchmarks/bench_bootstrap.py', *(argv or sys.argv[1:])])}`; "
        f"numpy {np.__version__}, scipy {__import__('scipy').__version__}; {time.perf_counter() - start:.0f} s in all.",
        "",
        f"## bootstrap() against scipy.stats.bootstrap ({B:,} resamples; medians of {repeats} alternating runs)",
        "",
        markdown_table(stat_rows, list(stat_rows[0])),
        "",
        "Memory: tracemalloc peak of one run each (MB). The n = 100,000 row is one run each.",
        "",
        "## BootstrapEstimator: batched least squares against refits",
        "",
        markdown_table(est_rows, list(est_rows[0])),
        "",
        f"## Coverage of nominal 95% intervals for the mean of Exp(1) samples ({n_cov:,} samples, "
        f"{n_boot:,} resamples each; mean width in brackets; Monte Carlo sd of a coverage {sd:.3f})",
        "",
        markdown_table(cov_rows, ["n", *methods]),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)


if __name__ == "__main__":
    main()
