"""A character model of Python source: the installed standard library's own .py files.

The lecture's example made real. The script

1. reads the standard library's top-level ``.py`` files in name order (skipping
   files over 30,000 characters, so that many files take part) until ``--chars``
   characters, one document per file, cut into blocks of 256 (``text_blocks``);
2. draws the learning curves of a GRU over 5 blocked folds (``BlockedKFold(5,
   gap=1)``, so a fold holds out a run of neighbouring files): held-out bits per
   character after every epoch, the mean with its SE band, the epochs chosen by CV
   (``learning_curves``), saved as a PNG;
3. cross-validates the same model on the same folds with the fold models kept
   (``KFoldCV``; ``batch_folds="auto"`` trains the 5 folds together on the CPU
   for this GRU size, and the notes say why);
4. reports held-out bits per character with the block bootstrap interval, the
   document (file) bootstrap interval and the CV standard error of the fold
   scores side by side (``cv_perplexity_interval``);
5. samples 300 characters at temperatures 0.5 and 1.0 from fold 0's model.

    python examples/char_lm_stdlib.py                     # ~200,000 characters; minutes on a CPU
    python examples/char_lm_stdlib.py --chars 400000 --hidden 128 --device cuda

Measured output: ``benchmarks/results/torch_example_stdlib.md`` (with the CPU time).
"""

import argparse
import os
import sys
import sysconfig
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import torch

from resample import KFoldCV
from resample.splitters import BlockedKFold
from resample_torch import (
    CharRNNLanguageModel,
    cv_perplexity_interval,
    learning_curves,
    text_blocks,
)


def stdlib_sources(n_chars, max_file=30_000):
    """``{file name: source}`` of the standard library's top-level .py files, in name order."""
    root = sysconfig.get_paths()["stdlib"]
    docs, total = {}, 0
    for name in sorted(os.listdir(root)):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(root, name), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        if not 0 < len(text) <= max_file:
            continue
        docs[name] = text
        total += len(text)
        if total >= n_chars:
            break
    return docs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chars", type=int, default=200_000)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--png", default="docs/_static/stdlib_learning_curves.png")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    docs = stdlib_sources(args.chars)
    X = text_blocks(docs, 256)
    groups = [b.document for b in X]
    splits = list(BlockedKFold(5, gap=1).split(X))
    n = sum(map(len, docs.values()))
    print(f"text: {len(docs)} files of the Python {sys.version.split()[0]} standard library "
          f"({next(iter(docs))} .. {list(docs)[-1]}), {n:,} characters in {len(X)} blocks of 256; "
          f"BlockedKFold(5, gap=1)")
    lm = CharRNNLanguageModel("gru", embedding_dim=32, hidden_size=args.hidden, bptt=64, batch_size=32,
                              max_epochs=args.epochs, lr=3e-3, device=args.device, random_state=0)
    print(f"model: {lm}")

    t0, c0 = time.perf_counter(), time.process_time()
    curves = learning_curves(lm, X, cv=splits)
    t_curves, c_curves = time.perf_counter() - t0, time.process_time() - c0
    print(f"\nlearning curves: {curves!r}")
    print(curves.to_frame().groupby("epoch")[["train_loss", "heldout_loss"]].mean().round(3).to_string())
    print("diagnosis:", "; ".join(curves.diagnose()))
    if args.png:
        os.makedirs(os.path.dirname(args.png), exist_ok=True)
        curves.plot().savefig(args.png, dpi=110)
        print(f"figure: {args.png}")
    print(f"time: {t_curves:.0f} s wall, {c_curves:.0f} s CPU (5 folds one by one, scored every epoch)")

    t0, c0 = time.perf_counter(), time.process_time()
    cv = KFoldCV(lm, cv=splits, refit=False, return_estimator=True).fit(X)
    t_cv, c_cv = time.perf_counter() - t0, time.process_time() - c0
    print(f"\nKFoldCV: {-cv.estimate_ / 0.6931471805599453:.3f} bits/char; notes: {'; '.join(cv.result_.notes)}")
    print(f"time: {t_cv:.0f} s wall, {c_cv:.0f} s CPU")

    for label, g in (("blocks", None), ("files", groups)):
        res = cv_perplexity_interval(cv, X, groups=g, n_resamples=1999, rng=0)
        print(f"\ninterval, resampling {label}:")
        print(res.to_frame().round(4).to_string(index=False))
        print("per-fold bits/char:", ", ".join(f"{s:.3f}" for s in res.fold_scores))
        for note in res.notes:
            print("note:", note)

    model = cv.estimators_[0]
    for temperature in (0.5, 1.0):
        print(f"\n--- fold 0's model, temperature {temperature} (prime 'def ') ---")
        print("def " + model.sample(300, prime="def ", temperature=temperature, random_state=0))


if __name__ == "__main__":
    main()
