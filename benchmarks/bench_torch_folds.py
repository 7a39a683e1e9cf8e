"""K-fold blocked CV of a character language model: all folds at once vs one by one.

Trains the K = 5 fold models of ``BlockedKFold(5, gap=1)`` on the Python
documentation text (``pydoc_data.topics``, shipped with CPython) twice: one by one
(``clone(lm).fit(X[train])``, torch's fused ``nn.GRU`` loop) and together
(``lm.fit_folds``, stacked hand-written cells). Prints the time ratio, the time of
a single fold's fit (the GPU target is 5 folds in at most 1.5x of it) and how far
apart the per-fold losses are.

    python benchmarks/bench_torch_folds.py                   # CPU, about 2 minutes on 2 cores
    python benchmarks/bench_torch_folds.py --device cuda     # a GPU, the example model, < 3 minutes

Writes a markdown table to stdout (and to ``--out`` when given).
"""

import argparse
import os
import platform
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
from _timing import write_table  # noqa: E402
from sklearn.base import clone  # noqa: E402

from resample.splitters import BlockedKFold  # noqa: E402
from resample_torch import CharRNNLanguageModel, text_blocks  # noqa: E402

PRESETS = {
    # a small model and a slice of the text, so 2 CPU cores finish in ~2 minutes
    "cpu": dict(chars=40_000, cell="gru", embedding_dim=32, hidden_size=128, bptt=64, batch_size=32, max_epochs=1),
    # the example model on the whole text
    "cuda": dict(chars=None, cell="gru", embedding_dim=64, hidden_size=256, bptt=64, batch_size=64, max_epochs=2),
}


def corpus(n_chars):
    from pydoc_data.topics import topics

    text = "\n\n".join(topics[k] for k in sorted(topics))
    return text if n_chars is None else text[:n_chars]


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--preset", choices=sorted(PRESETS), default=None, help="default: cuda on a GPU, else cpu")
    ap.add_argument("--chars", type=int, default=None, help="characters of text (default: the preset's)")
    ap.add_argument("--hidden-size", type=int, default=None)
    ap.add_argument("--hidden-sizes", default=None,
                    help="comma-separated hidden sizes: the grid the CPU rule of batch_folds='auto' is read from")
    ap.add_argument("--layers", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--cells", default=None, help="comma-separated cells, e.g. gru,lstm")
    ap.add_argument("--threads", type=int, default=None, help="torch intra-op threads (CPU)")
    ap.add_argument("--repeats", type=int, default=2, help="timings are the best of this many runs")
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    device = torch.device(args.device)
    preset = dict(PRESETS[args.preset or ("cuda" if device.type == "cuda" else "cpu")])
    if args.chars is not None:
        preset["chars"] = args.chars
    if args.hidden_size is not None:
        preset["hidden_size"] = args.hidden_size
    if args.epochs is not None:
        preset["max_epochs"] = args.epochs
    if args.threads:
        torch.set_num_threads(args.threads)
    cells = args.cells.split(",") if args.cells else [preset["cell"]]
    text = corpus(preset.pop("chars"))
    X = text_blocks(text, 256)
    splits = list(BlockedKFold(5, gap=1).split(X))

    hidden_sizes = [int(h) for h in args.hidden_sizes.split(",")] if args.hidden_sizes else [preset["hidden_size"]]
    rows = []
    for cell, hidden in [(c, h) for c in cells for h in hidden_sizes]:
        params = {**preset, "cell": cell, "hidden_size": hidden, "num_layers": args.layers}
        lm = CharRNNLanguageModel(**params, device=device, batch_folds=True, random_state=0)
        # warm-up (allocator, kernels, first-call overheads) on a small slice
        clone(lm).set_params(max_epochs=1).fit(X[:8])
        lm.fit_folds(X[:16], None, list(BlockedKFold(2).split(X[:16])), [0, 0])

        # best of --repeats interleaved runs: the machine may be shared
        t_alone = t_batched = t_one = float("inf")
        for _ in range(args.repeats):
            sync(device)
            t0 = time.perf_counter()
            alone = [clone(lm).fit(X[train]) for train, _ in splits]
            sync(device)
            t_alone = min(t_alone, time.perf_counter() - t0)

            t0 = time.perf_counter()
            batched = lm.fit_folds(X, None, splits, [0] * len(splits))
            sync(device)
            t_batched = min(t_batched, time.perf_counter() - t0)

            t0 = time.perf_counter()
            clone(lm).fit(X[splits[0][0]])
            sync(device)
            t_one = min(t_one, time.perf_counter() - t0)

        d_hist = max(np.max(np.abs(np.subtract(a.history_["train_loss"], b.history_["train_loss"]))) for a, b in zip(alone, batched))
        scores_a = np.array([a.score(X[test]) for a, (_, test) in zip(alone, splits)])
        scores_b = np.array([b.score(X[test]) for b, (_, test) in zip(batched, splits)])
        bpc = -scores_a.mean() / np.log(2)
        rows.append((cell, hidden, t_one, t_alone, t_batched, t_alone / t_batched, t_batched / t_one, d_hist,
                     np.max(np.abs(scores_a - scores_b)), bpc))

    name = torch.cuda.get_device_name(device) if device.type == "cuda" else f"CPU ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"
    lines = [
        f"# K = 5 blocked CV (gap 1) of a char-{preset['cell'].upper()} LM: batched vs one by one",
        "",
        f"device: {name}; torch {torch.__version__}; text: pydoc_data.topics, {len(text):,} characters in "
        f"{len(X)} blocks of 256; model: embedding {preset['embedding_dim']}, {args.layers} layer(s), "
        f"bptt {preset['bptt']}, batch {preset['batch_size']}, {preset['max_epochs']} epoch(s), Adam, clip 1.0; "
        f"times are the best of {args.repeats} interleaved runs. Fold 0 (an edge fold) is the 'one fold fit'.",
        "",
        "| cell | hidden | one fold fit (s) | 5 folds one by one (s) | 5 folds batched (s) | speed-up (one-by-one / batched) "
        "| batched / one fit | max abs diff, epoch losses (nats) | max abs diff, held-out scores (nats) | CV bits/char |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for cell, hidden, t1, ta, tb, speed, per_fit, dh, ds, bpc in rows:
        lines.append(f"| {cell} | {hidden} | {t1:.2f} | {ta:.2f} | {tb:.2f} | {speed:.2f}x | {per_fit:.2f}x | {dh:.1e} | {ds:.1e} | {bpc:.3f} |")
    lines += ["", "Largest hidden size at which the batched fit is at least 1.1x faster (the rule of "
              "batch_folds='auto' on this device):", ""]
    for cell in cells:
        pays = [r[1] for r in rows if r[0] == cell and r[5] >= 1.1]  # r[5]: the speed-up
        lines.append(f"- {cell}: {max(pays) if pays else 'none measured'}")
    table = "\n".join(lines)
    write_table(table, args.out)


if __name__ == "__main__":
    main()
