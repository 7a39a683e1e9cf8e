"""Cross-validate a character language model on text nobody here wrote.

The text is the Python standard library's own documentation, ``pydoc_data.topics``
(shipped with CPython, about 465,000 characters), one document per help topic so
that no block and no training stream crosses a topic. The script

1. cuts it into blocks of 256 characters (``text_blocks``),
2. runs 5-fold blocked cross-validation with a gap of one block on each side of
   every test block (``KFoldCV`` + ``BlockedKFold(5, gap=1)``) of a GRU language
   model, and of a unigram and a bigram model on the same folds,
3. reports bits per character with the naive standard error over folds, and a
   block-bootstrap interval of the GRU's held-out bits/char,
4. samples from the model refitted on all the text at three temperatures.

    python examples/char_lm_pydoc.py                 # CPU-sized: 60,000 characters, ~3.5 min on 2 cores
    python examples/char_lm_pydoc.py --full --device cuda   # all of it, the model of the issue

Measured output (CPU): ``benchmarks/results/torch_example_pydoc.md``; there the GRU
reaches 2.66 bits/char against 3.76 for the bigram and 4.67 for the unigram.

The fold models are trained together on a GPU (``batch_folds="auto"``), one by one
on a CPU; ``cv.result_.notes`` says which.
"""

import argparse
import math
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from resample import KFoldCV  # noqa: E402
from resample.splitters import BlockedKFold  # noqa: E402
from resample_torch import (  # noqa: E402
    CharRNNLanguageModel,
    NGramLanguageModel,
    block_bootstrap_perplexity,
    cross_val_block_log_likelihood,
    text_blocks,
)

LN2 = math.log(2)


def load_topics(max_chars=None):
    """The help topics as ``{name: text}``, in name order, cut at ``max_chars`` in total."""
    from pydoc_data.topics import topics

    docs, total = {}, 0
    for name in sorted(topics):
        text = topics[name]
        if max_chars is not None:
            text = text[: max(0, max_chars - total)]
        if text:
            docs[name] = text
            total += len(text)
    return docs


def bits(cv):
    """(bits/char, standard error) from a CV estimate in nats of log-likelihood."""
    return -cv.estimate_ / LN2, cv.standard_error_ / LN2


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="all of the text and the issue's model (GPU-sized)")
    ap.add_argument("--chars", type=int, default=60_000)
    ap.add_argument("--block-len", type=int, default=256)
    ap.add_argument("--cell", default="gru")
    ap.add_argument("--embedding-dim", type=int, default=32)
    ap.add_argument("--hidden-size", type=int, default=128)
    ap.add_argument("--bptt", type=int, default=64)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--lr", type=float, default=5e-3)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--bootstrap", type=int, default=1999, help="block-bootstrap resamples")
    ap.add_argument("--sample-len", type=int, default=300)
    args = ap.parse_args(argv)
    if args.full:
        args.chars, args.embedding_dim, args.hidden_size, args.epochs = None, 64, 256, 5

    docs = load_topics(args.chars)
    X = text_blocks(docs, block_len=args.block_len)
    n_chars = sum(len(t) for t in docs.values())
    cv_split = BlockedKFold(5, gap=1)
    print(f"text: pydoc_data.topics, {len(docs)} topics, {n_chars:,} characters in {len(X)} blocks "
          f"of {args.block_len}; cross-validation: {cv_split}\n")

    lm = CharRNNLanguageModel(
        args.cell, embedding_dim=args.embedding_dim, hidden_size=args.hidden_size, bptt=args.bptt,
        batch_size=args.batch_size, max_epochs=args.epochs, lr=args.lr, device=args.device, random_state=0,
    )
    rows = []
    for name, est in [
        ("unigram (add-one)", NGramLanguageModel(order=1)),
        ("bigram (smoothed to unigram)", NGramLanguageModel(order=2)),
        (f"{args.cell.upper()} {args.hidden_size} (emb {args.embedding_dim}, bptt {args.bptt}, "
         f"{args.epochs} epochs)", lm),
    ]:
        t0 = time.perf_counter()
        cv = KFoldCV(est, cv=cv_split, return_estimator=True).fit(X)
        rows.append((name, cv, time.perf_counter() - t0))

    print("| model | CV bits/char | standard error (naive) | per-fold bits/char | time (s) |")
    print("|---|---|---|---|---|")
    for name, cv, seconds in rows:
        b, se = bits(cv)
        folds = ", ".join(f"{-s / LN2:.3f}" for s in cv.scores_)
        print(f"| {name} | {b:.3f} | {se:.3f} | {folds} | {seconds:.1f} |")
    rnn_cv = rows[-1][1]
    print("\nnotes on the GRU run:", "; ".join(rnn_cv.result_.notes) or "none")

    held = cross_val_block_log_likelihood(rnn_cv, X)
    boot = block_bootstrap_perplexity(held, unit="bits_per_char", n_resamples=args.bootstrap, rng=0)
    low, high = boot.confidence_interval
    print(f"\nheld-out bits/char of the GRU pooled over all folds: {boot.estimate:.3f}, "
          f"95% block-bootstrap percentile interval ({low:.3f}, {high:.3f}) over {int((held.n_symbols > 0).sum())} "
          "blocks (it treats the blocks as independent and ignores fold-to-fold variation of the models)")

    final = rnn_cv.estimator_
    for temperature in (0.2, 0.7, 1.0):
        text = final.sample(args.sample_len, prime="The ", temperature=temperature, random_state=0)
        print(f"\n--- sample at temperature {temperature} (prime 'The ') ---\nThe {text}")
    return rows


if __name__ == "__main__":
    main()
