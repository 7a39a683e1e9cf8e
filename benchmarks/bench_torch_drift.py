"""How far batched and one-by-one fold models drift apart in float32 as training goes on.

Trains the K = 5 blocked folds of a small GRU both ways for ``--epochs`` epochs and
prints, per epoch, the largest difference of the folds' mean training losses, and at
the end the largest difference of held-out scores and of weights. Both ways do the
same arithmetic in a different order (batched matmuls, a hand-written Adam over
stacked weights), so they agree to rounding at first; training amplifies rounding.

    python benchmarks/bench_torch_drift.py --out benchmarks/results/torch_drift_cpu.md
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch
from _timing import write_table  # noqa: E402
from sklearn.base import clone

from resample.splitters import BlockedKFold
from resample_torch import CharRNNLanguageModel, text_blocks


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chars", type=int, default=20_000)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--hidden", type=int, default=24)
    ap.add_argument("--dtype", default="float32")
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    from pydoc_data.topics import topics

    X = text_blocks("\n\n".join(topics[k] for k in sorted(topics))[: args.chars], 256)
    splits = list(BlockedKFold(5, gap=1).split(X))
    lm = CharRNNLanguageModel("gru", embedding_dim=32, hidden_size=args.hidden, bptt=64, batch_size=32,
                              max_epochs=args.epochs, device="cpu", batch_folds=True, random_state=0)
    batched = lm.fit_folds(X, None, splits, [0] * 5)
    alone = [clone(lm).fit(X[tr]) for tr, _ in splits]
    steps = sum(len(a.history_) for a in alone[:1]) * int(np.ceil(alone[0].n_chars_ / 32 / 64))
    d_train = np.max([np.abs(a.history_["train_loss"] - b.history_["train_loss"]) for a, b in zip(alone, batched)],
                     axis=0)
    d_score = max(abs(a.score(X[te]) - b.score(X[te])) for a, b, (_, te) in zip(alone, batched, splits))
    d_w = max(float((p - q).abs().max()) for a, b in zip(alone, batched)
              for p, q in zip(a.module_.parameters(), b.module_.parameters()))
    lines = [
        "# Batched vs one-by-one fold models: float32 drift over training",
        "",
        (f"CPU, torch {torch.__version__}; K = 5 blocked folds of pydoc_data.topics, {args.chars:,} characters; "
         f"GRU hidden {args.hidden}, embedding 32, bptt 64, batch 32, Adam lr 3e-3, clip 1.0; "
         f"{args.epochs} epochs ({steps} optimizer steps per fold: epochs x chunks)."),
        "",
        "| epoch | max abs diff of the folds' mean training loss (nats) |",
        "|---|---|",
    ]
    lines += [f"| {e + 1} | {d:.1e} |" for e, d in enumerate(d_train)]
    lines += ["", f"After {args.epochs} epochs: max abs diff of held-out scores {d_score:.1e} nats/char; "
              f"of any weight {d_w:.1e}."]
    table = "\n".join(lines)
    write_table(table, args.out)


if __name__ == "__main__":
    main()
