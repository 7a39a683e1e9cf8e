"""Side-by-side timing helpers shared by the benchmark scripts.

Both contenders run in one process, alternating (A, B, A, B, ...), so that load on
a shared machine hits both alike; medians and their ratio are reported.
"""

import statistics
import time


def _loops(f, target):
    """How many calls of ``f`` make one timed sample of at least ``target`` seconds."""
    start = time.perf_counter()
    f()
    once = time.perf_counter() - start
    return max(1, int(target / max(once, 1e-9)) + 1) if once < target else 1


def alternate(a, b, repeats=5, warmup=1, min_sample=0.05):
    """Median seconds per call of ``a()`` and ``b()`` over alternating samples, and their last results.

    A call shorter than ``min_sample`` is timed in an inner loop (as ``timeit``
    does) so that one sample lasts at least that long: one short call per sample
    measures the timer and the scheduler, and ratios swung 5x-37x between reruns.
    """
    for _ in range(warmup):
        a()
        b()
    na, nb = _loops(a, min_sample), _loops(b, min_sample)
    ta, tb = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(na):
            ra = a()
        ta.append((time.perf_counter() - start) / na)
        start = time.perf_counter()
        for _ in range(nb):
            rb = b()
        tb.append((time.perf_counter() - start) / nb)
    return statistics.median(ta), statistics.median(tb), ra, rb


def markdown_table(rows, columns):
    head = "| " + " | ".join(columns) + " |"
    sep = "|" + "|".join("---" for _ in columns) + "|"
    body = ["| " + " | ".join(str(r[c]) for c in columns) + " |" for r in rows]
    return "\n".join([head, sep, *body])


def write_table(table, out=None):
    """Print a result table and, when ``out`` names a file, write it there too."""
    print(table)
    if out:
        with open(out, "w") as fh:
            fh.write(table + "\n")
