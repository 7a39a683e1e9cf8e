"""Side-by-side timing helpers shared by the benchmark scripts.

Both contenders run in one process, alternating (A, B, A, B, ...), so that load on
a shared machine hits both alike; medians and their ratio are reported.
"""

import statistics
import time


def alternate(a, b, repeats=5, warmup=1):
    """Median seconds of ``a()`` and ``b()`` over alternating runs, and their last results."""
    for _ in range(warmup):
        a()
        b()
    ta, tb = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        ra = a()
        ta.append(time.perf_counter() - start)
        start = time.perf_counter()
        rb = b()
        tb.append(time.perf_counter() - start)
    return statistics.median(ta), statistics.median(tb), ra, rb


def markdown_table(rows, columns):
    head = "| " + " | ".join(columns) + " |"
    sep = "|" + "|".join("---" for _ in columns) + "|"
    body = ["| " + " | ".join(str(r[c]) for c in columns) + " |" for r in rows]
    return "\n".join([head, sep, *body])
