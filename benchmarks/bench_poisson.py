"""poisson_bootstrap on a Dask LocalCluster (2 worker processes) against the same call on NumPy.

The data: a ratio of means (revenue per click) over ``--rows`` rows, generated lazily
by Dask in partitions of ``--chunk`` rows (each partition from its own seeded stream),
so no process ever holds the table. The Dask run gets the lazy array; the NumPy run
gets the same numbers materialised in this process (generation not timed). Both run
B = 200 resamples, alternating, and give the same numbers to rounding.

Peak memory: per worker, the peak resident set of the worker process (sampled every
20 ms by a thread in the worker) minus its resident set before the run (with resample and its imports loaded); for
NumPy, tracemalloc's peak of the call (NumPy reports its buffers), the data excluded.
A smaller table also runs the ordinary :func:`resample.bootstrap` for scale.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_poisson.py --out benchmarks/results/poisson.md
"""

import argparse
import os
import statistics
import time
import tracemalloc

import numpy as np

from _timing import markdown_table


def make_block(block_id, chunk):
    g = np.random.default_rng([2026, block_id[0]])
    clicks = g.poisson(3.0, size=chunk) + 1.0
    revenue = clicks * g.gamma(2.0, 0.5, size=chunk)
    return np.column_stack([revenue, clicks])


def lazy_table(rows, chunk):
    import dask.array as da

    n_blocks = rows // chunk
    return da.map_blocks(
        lambda block_id=None: make_block(block_id, chunk),
        chunks=((chunk,) * n_blocks, (2,)),
        dtype=float,
        meta=np.empty((0, 2)),
    )


def ratio(m):
    return m[0] / m[1]


def _rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _start_sampler():
    """A thread in the worker that records its peak resident set every 20 ms."""
    import threading

    state = {"peak": _rss_mb(), "run": True}

    def sample():
        while state["run"]:
            state["peak"] = max(state["peak"], _rss_mb())
            time.sleep(0.02)

    import sys

    sys.resample_bench_sampler = state  # functions travel by value; a module attribute persists
    threading.Thread(target=sample, daemon=True).start()
    return state["peak"]


def _stop_sampler():
    import sys

    state = sys.resample_bench_sampler
    state["run"] = False
    return max(state["peak"], _rss_mb())


def run_dask(client, data, n_resamples):
    from resample import poisson_bootstrap

    client.run(lambda: __import__("resample"))  # the library's own imports are not the run's memory
    before = client.run(_start_sampler)
    start = time.perf_counter()
    res = poisson_bootstrap(data, ratio, n_resamples=n_resamples, rng=0)
    seconds = time.perf_counter() - start
    peak = client.run(_stop_sampler)
    grew = max(peak[w] - before[w] for w in peak)
    return seconds, grew, max(before.values()), res


def run_numpy(x, n_resamples):
    from resample import poisson_bootstrap

    tracemalloc.start()
    start = time.perf_counter()
    res = poisson_bootstrap(x, ratio, n_resamples=n_resamples, rng=0)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, res


def ordinary_vs_poisson(rows, n_resamples, repeats):
    """The ordinary bootstrap (n indices per resample) against the Poisson one, in memory."""
    from resample import bootstrap, poisson_bootstrap

    x = make_block((0,), rows)

    def ordinary():
        return bootstrap((x[:, 0], x[:, 1]), lambda a, b, axis=-1: a.mean(axis) / b.mean(axis), paired=True,
                         n_resamples=n_resamples, method="percentile", rng=0)

    def poisson():
        return poisson_bootstrap(x, ratio, n_resamples=n_resamples, rng=0)

    times = {"ordinary": [], "poisson": []}
    for _ in range(repeats):
        for name, f in (("ordinary", ordinary), ("poisson", poisson)):
            start = time.perf_counter()
            out = f()
            times[name].append(time.perf_counter() - start)
            times[name + "_se"] = out.standard_error
    return {k: statistics.median(v) if isinstance(v, list) else v for k, v in times.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10**7)
    parser.add_argument("--chunk", type=int, default=10**6)
    parser.add_argument("--resamples", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--small-rows", type=int, default=10**6)
    parser.add_argument("--dask-only", action="store_true", help="skip NumPy and the in-memory comparison")
    parser.add_argument("--out")
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    data = lazy_table(args.rows, args.chunk)
    x = None if args.dask_only else data.compute(scheduler="threads")
    rows = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        for rep in range(args.repeats):
            ds, dmem, base, dres = run_dask(client, data, args.resamples)
            if args.dask_only:
                print(dict(rep=rep, dask_s=ds, dask_worker_peak_mb=dmem, worker_base_mb=base,
                           se=dres.standard_error, estimate=dres.estimate), flush=True)
                continue
            ns, nmem, nres = run_numpy(x, args.resamples)
            diff = np.max(np.abs(dres.bootstrap_distribution - nres.bootstrap_distribution) / np.abs(nres.estimate))
            rows.append(dict(rep=rep, dask_s=ds, numpy_s=ns, dask_worker_peak_mb=dmem, worker_base_mb=base,
                             numpy_peak_mb=nmem, max_rel_diff=diff, se=dres.standard_error))
            print(rows[-1], flush=True)
    if args.dask_only:
        return
    small = ordinary_vs_poisson(args.small_rows, args.resamples, args.repeats)
    print(small, flush=True)

    med = {k: statistics.median(r[k] for r in rows) for k in rows[0] if k != "rep"}
    data_mb = x.nbytes / 2**20
    table = [
        {"run": f"Dask, LocalCluster 2 workers x 1 thread, {args.rows // args.chunk} partitions",
         "seconds": f"{med['dask_s']:.1f}", "peak memory": f"{med['dask_worker_peak_mb']:.0f} MB per worker "
         f"above a {med['worker_base_mb']:.0f} MB idle worker (resample imported)", "ratio to NumPy": f"{med['dask_s'] / med['numpy_s']:.2f}"},
        {"run": "NumPy, one process (data materialised)", "seconds": f"{med['numpy_s']:.1f}",
         "peak memory": f"{med['numpy_peak_mb']:.0f} MB above the {data_mb:.0f} MB of data", "ratio to NumPy": "1.00"},
    ]
    text = [
        f"# poisson_bootstrap: {args.rows:.0e} rows x 2 columns, ratio of means, B = {args.resamples}",
        "",
        f"Medians of {args.repeats} alternating runs (`{' '.join(os.sys.argv[1:]) or 'defaults'}`, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}), a shared 2-core machine.",
        "",
        markdown_table(table, ["run", "seconds", "peak memory", "ratio to NumPy"]),
        "",
        f"Largest difference of the bootstrap values, Dask against NumPy, relative to the estimate: "
        f"{max(r['max_rel_diff'] for r in rows):.1e} (summation order only). Standard error: {med['se']:.3g}.",
        f"Throughput: {args.rows * args.resamples / med['dask_s'] / 1e6:.0f} million row-resample weights per second "
        f"on the cluster, {args.rows * args.resamples / med['numpy_s'] / 1e6:.0f} million in one process.",
        "",
        f"For scale, in memory at {args.small_rows:.0e} rows, B = {args.resamples} (medians of {args.repeats}): "
        f"ordinary `bootstrap` {small['ordinary']:.1f} s, `poisson_bootstrap` {small['poisson']:.1f} s "
        f"(ratio {small['ordinary'] / small['poisson']:.2f}); standard errors {small['ordinary_se']:.3g} and "
        f"{small['poisson_se']:.3g}.",
    ]
    print("\n".join(text))
    if args.out:
        with open(args.out, "w") as f:
            f.write("\n".join(text) + "\n")


if __name__ == "__main__":
    main()
