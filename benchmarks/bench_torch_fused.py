"""The stacked cells of fold batching: autograd (the library's) against the hand-written backward it replaced.

Issue 16 asked to keep the hand-written backward (``_fused_reference.py``, formerly
``resample_torch/lm/fused.py``) only if it is at least 1.3x faster on the device
where fold batching is used. This times ``CharRNNLanguageModel.fit_folds`` (K = 5
blocked folds, the whole batched fit: embedding, cells, decoder, optimizer) with
each implementation of the cells, alternating runs in one process; medians and
ratios.

    python benchmarks/bench_torch_fused.py                 # CPU, a few minutes on 2 shared cores
    python benchmarks/bench_torch_fused.py --device cuda   # a GPU (run_torch_gpu.sh)
"""

import argparse
import os
import platform
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _timing import write_table  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))

import _fused_reference
import torch

from resample.splitters import BlockedKFold
from resample_torch import CharRNNLanguageModel, text_blocks
from resample_torch.lm import cells

IMPLS = {
    "autograd": dict(cells.CELL_LOOPS),
    "hand-written": {"gru": _fused_reference.stacked_gru, "lstm": _fused_reference.stacked_lstm,
                     "rnn": _fused_reference.stacked_rnn},
}


def corpus(n_chars):
    from pydoc_data.topics import topics

    return "\n\n".join(topics[k] for k in sorted(topics))[:n_chars]


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def time_fit(lm, X, splits, impl, device):
    cells.CELL_LOOPS.update(IMPLS[impl])
    try:
        sync(device)
        t0 = time.perf_counter()
        lm.fit_folds(X, None, splits, [0] * len(splits))
        sync(device)
        return time.perf_counter() - t0
    finally:
        cells.CELL_LOOPS.update(IMPLS["autograd"])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--chars", type=int, default=20_000)
    ap.add_argument("--hidden", default="24,128")
    ap.add_argument("--cells", default="gru,lstm,rnn")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    device = torch.device(args.device)
    if device.type == "cpu":
        torch.set_num_threads(args.threads)
    X = text_blocks(corpus(args.chars), 256)
    splits = list(BlockedKFold(5, gap=1).split(X))
    rows = []
    for cell in args.cells.split(","):
        for hidden in map(int, args.hidden.split(",")):
            lm = CharRNNLanguageModel(cell, embedding_dim=32, hidden_size=hidden, bptt=64,
                                      batch_size=args.batch_size, max_epochs=1, device=device, batch_folds=True,
                                      random_state=0)
            for impl in IMPLS:  # warm-up
                time_fit(lm, X[:16], list(BlockedKFold(2).split(X[:16])), impl, device)
            times = {impl: [] for impl in IMPLS}
            for r in range(args.repeats):  # alternate, so drift in the machine's load hits both
                for impl in (IMPLS if r % 2 == 0 else list(IMPLS)[::-1]):
                    times[impl].append(time_fit(lm, X, splits, impl, device))
            med = {k: float(np.median(v)) for k, v in times.items()}
            rows.append((cell, hidden, med["autograd"], med["hand-written"], med["autograd"] / med["hand-written"]))
            print(rows[-1], flush=True)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else (
        f"CPU ({platform.machine()}, {torch.get_num_threads()} thread(s))")
    lines = [
        "# Fold batching's stacked cells: autograd vs the hand-written backward",
        "",
        (f"device: {name}; torch {torch.__version__}; K = 5 blocked folds (gap 1) of pydoc_data.topics, "
         f"{args.chars:,} characters in {len(X)} blocks of 256; 1 layer, embedding 32, bptt 64, batch "
         f"{args.batch_size}, 1 epoch, Adam; whole `fit_folds` timed; median of {args.repeats} alternating runs."),
        "",
        "| cell | hidden | autograd (s) | hand-written (s) | hand-written speed-up (autograd / hand-written) |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {c} | {h} | {a:.2f} | {f:.2f} | {r:.2f}x |" for c, h, a, f, r in rows]
    table = "\n".join(lines)
    write_table(table, args.out)


if __name__ == "__main__":
    main()
