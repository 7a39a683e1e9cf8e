"""Transfer learning on scikit-learn's digits with EfficientNet-Lite0 (ImageNet weights).

Two parts (``python benchmarks/bench_transfer.py [speed|curve|all]``):

speed
    5-fold CV of ``FrozenFeatures(EfficientNet-Lite0) + LogisticRegression``: the
    core computes the stateless features once per run, against a plain
    scikit-learn ``cross_validate`` of the same Pipeline, which re-extracts in every
    fold, and against ``KFoldCV`` with caching turned off (``cache=False``; this one
    also refits and rescores the fold models on all rows for the Davison-Hinkley
    estimate, so it re-extracts more often still). Extraction dominates: the head is
    a logistic regression on 1280 features.

curve
    DeCAF's experiment (Donahue et al. 2014, their Caltech-101 figure) on the
    digits: test accuracy against training examples per class for frozen ImageNet
    features + logistic regression, a small CNN trained from scratch, and
    fine-tuning the whole network. Each point is a resampling estimate: for m
    images per class, ``--repeats`` random training sets of m per class (the other
    images are the test set); for "all", stratified ``--repeats``-fold CV. The three
    methods see the same splits. Standard errors are the naive ones (spread of the
    split scores over sqrt(splits)).

ensembles
    On the digits (8x8, no upscaling), a small CNN from scratch trained as one model,
    as a snapshot ensemble (3 cosine cycles, same epochs), with an exponential
    moving average of its weights, and as a fold ensemble (the 5 fold models of an
    inner 5-fold CV, probabilities averaged): outer 5-fold CV of each procedure on
    the same folds, with the paired difference to the single model and its
    standard error.

Scaled to run in about 15 minutes on 2 shared CPU cores: 8x8 digits upscaled to
64x64 (96x96 in the speed part; not the network's 224), one torch thread (faster than two on a loaded
machine, and one BLAS thread), fine-tuning for about 60 optimizer steps (batches of 32) per fit, the CNN
for about 300. Writes benchmarks/results/transfer_speed.csv, transfer_curve.csv,
transfer.md and docs/_static/transfer_curve.png.
"""

import argparse
import math
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from threadpoolctl import threadpool_limits
from torch import nn

from resample import KFoldCV
from resample_torch import (
    AveragedFineTuneClassifier,
    FineTuneClassifier,
    FoldEnsembleClassifier,
    FrozenFeatures,
    SnapshotEnsembleClassifier,
    TorchClassifier,
    efficientnet_lite0,
    imagenet_normalizer,
)

sys.path.insert(0, str(Path(__file__).parent))
from _timing import markdown_table

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
FIGURE = ROOT / "docs" / "_static" / "transfer_curve.png"
SIZE = 64  # pixels the 8x8 digits are upscaled to
PER_CLASS = (1, 2, 5, 10, 20, "all")


def digits():
    X, y = load_digits(return_X_y=True)
    return X.reshape(-1, 1, 8, 8).astype(np.float32), y  # pixel values 0..16


def preprocess(size=SIZE):
    return imagenet_normalizer(size, scale=16.0)


def head():
    return LogisticRegression(max_iter=3000)


# --------------------------------------------------------------------------- speed
def speed(n_images, n_splits, repeats, size):
    X, y = digits()
    X, y = X[:n_images], y[:n_images]
    net = efficientnet_lite0(image_size=size)

    def pipe(cache):
        return make_pipeline(FrozenFeatures(net, preprocess=preprocess(size), batch_size=64, cache=cache), head())

    contenders = {
        "KFoldCV, features once per run (refit=False)": lambda: KFoldCV(
            pipe(True), n_splits=n_splits, refit=False).fit(X, y).estimate_,
        "sklearn cross_validate, re-extracting per fold": lambda: cross_validate(
            pipe(True), X, y, cv=StratifiedKFold(n_splits))["test_score"].mean(),
        "KFoldCV, features once per run (refit=True)": lambda: KFoldCV(pipe(True), n_splits=n_splits).fit(X, y).estimate_,
        "KFoldCV, cache=False (refit=True)": lambda: KFoldCV(pipe(False), n_splits=n_splits).fit(X, y).estimate_,
    }
    times = {name: [] for name in contenders}
    scores = {}
    for _ in range(repeats):  # alternate, so load on the shared machine hits all alike
        for name, run in contenders.items():
            start = time.perf_counter()
            scores[name] = run()
            times[name].append(time.perf_counter() - start)
    rows = [
        {"method": name, "seconds": round(float(np.median(t)), 2), "accuracy": round(float(scores[name]), 4)}
        for name, t in times.items()
    ]
    names = list(contenders)
    ratios = {
        "plain Pipeline (sklearn) / cached, no refit": np.median(times[names[1]]) / np.median(times[names[0]]),
        "KFoldCV uncached / cached, with refit": np.median(times[names[3]]) / np.median(times[names[2]]),
    }
    return pd.DataFrame(rows), ratios


# --------------------------------------------------------------------------- curve
def curve_splits(y, m, repeats, seed):
    """``repeats`` training sets of m images per class (test: the rest); "all": stratified K-fold."""
    rng = np.random.default_rng(seed)
    if m == "all":
        skf = StratifiedKFold(repeats, shuffle=True, random_state=int(rng.integers(2**31)))
        return list(skf.split(np.zeros(len(y)), y))
    out = []
    for _ in range(repeats):
        train = np.sort(np.concatenate([rng.choice(np.flatnonzero(y == c), m, replace=False) for c in np.unique(y)]))
        out.append((train, np.setdiff1d(np.arange(len(y)), train)))
    return out


class SmallCNN(nn.Module):
    """Two 3x3 convolutions and a linear layer, for 8x8 digits passed flattened (64 pixels)."""

    def __init__(self, n_features_in=64, n_outputs=10):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # (n, 32, 4, 4)
            nn.Flatten(), nn.Dropout(0.25), nn.Linear(32 * 16, n_outputs),
        )

    def forward(self, x):  # x: (n, 64) -> (n, n_outputs)
        return self.net(x.view(-1, 1, 8, 8) / 16.0)


def _epochs(n_train, steps, batch_size=32):
    return max(1, math.ceil(steps / math.ceil(n_train / batch_size)))


def curve(repeats, seed=0, ft_steps=60, cnn_steps=300, ft_lr_backbone=(1e-4,), only=None, out="transfer_curve.csv"):
    X, y = digits()
    net = efficientnet_lite0(image_size=SIZE)
    rows = []
    for m in PER_CLASS:
        splits = curve_splits(y, m, repeats, seed)
        n_train = len(splits[0][0])
        methods = {
            "frozen features + logistic regression": (
                make_pipeline(FrozenFeatures(net, preprocess=preprocess()), head()), X),
            "small CNN from scratch": (
                TorchClassifier(SmallCNN, lr=3e-3, max_epochs=_epochs(n_train, cnn_steps), batch_size=32,
                                random_state=seed), X.reshape(len(X), -1)),
            **{
                f"fine-tuning (backbone lr {lr:g})": (
                    FineTuneClassifier(net, preprocess=preprocess(), lr_head=1e-2, lr_backbone=lr,
                                       max_epochs=_epochs(n_train, ft_steps), batch_size=32, random_state=seed), X)
                for lr in ft_lr_backbone
            },
            # no network at all: is the pretrained network worth more than the pixels?
            "logistic regression on raw pixels": (head(), X.reshape(len(X), -1) / 16.0),
        }
        for name, (est, data) in methods.items():
            if only is not None and name not in only:
                continue
            start = time.perf_counter()
            cv = KFoldCV(est, cv=splits, refit=False, scoring="accuracy").fit(data, y)
            rows.append({
                "per_class": m, "n_train": n_train, "method": name, "accuracy": cv.estimate_,
                "standard_error": cv.standard_error_, "splits": len(splits),
                "seconds": time.perf_counter() - start,
            })
            print(f"  m={m!s:>3} {name:40s} {cv.estimate_:.3f} +- {cv.standard_error_:.3f} "
                  f"({rows[-1]['seconds']:.0f} s)", flush=True)
        pd.DataFrame(rows).to_csv(RESULTS / out, index=False)  # as it goes
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- ensembles
class DigitCNN(nn.Module):
    """SmallCNN on images (n, 1, 8, 8); its last Linear is the head FineTuneClassifier replaces."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        )
        self.fc = nn.Linear(32 * 16, 10)

    def forward(self, x):  # (n, 1, 8, 8) -> (n, 10)
        return self.fc(self.features(x))


def _scale(batch):
    return batch / 16.0


class FoldEnsembleOf(ClassifierMixin, BaseEstimator):
    """Fit the K fold models of a K-fold CV and predict with their averaged probabilities."""

    def __init__(self, estimator, n_splits=5):
        self.estimator = estimator
        self.n_splits = n_splits

    def fit(self, X, y):
        cv = KFoldCV(clone(self.estimator), n_splits=self.n_splits, refit=False, return_estimator=True).fit(X, y)
        self.ensemble_ = FoldEnsembleClassifier.from_cv(cv)
        self.classes_ = self.ensemble_.classes_
        return self

    def predict_proba(self, X):
        return self.ensemble_.predict_proba(X)

    def predict(self, X):
        return self.ensemble_.predict(X)


def ensembles(epochs=12, seed=0):
    X, y = digits()
    common = {"preprocess": _scale, "lr_head": 3e-3, "lr_backbone": 3e-3, "batchnorm": "train", "batch_size": 32,
              "random_state": seed}
    single = FineTuneClassifier(DigitCNN, max_epochs=epochs, **common)
    procedures = {
        "single model": single,
        "snapshot ensemble (3 cycles)": SnapshotEnsembleClassifier(DigitCNN, n_snapshots=3, max_epochs=epochs, **common),
        "EMA of weights (decay 0.99)": AveragedFineTuneClassifier(DigitCNN, ema_decay=0.99, max_epochs=epochs, **common),
        "fold ensemble (5 fold models)": FoldEnsembleOf(single, 5),
    }
    rows, base = [], {}
    for name, est in procedures.items():
        start = time.perf_counter()
        out = {}
        cv = KFoldCV(est, n_splits=5, shuffle=True, random_state=seed, refit=False, scoring="neg_log_loss",
                     return_estimator=True).fit(X, y)
        splits = list(cv.result_.splits)
        acc = np.array([m.score(X[te], y[te]) for m, (_, te) in zip(cv.estimators_, splits)])
        out["log_loss"] = -np.asarray(cv.scores_)
        out["accuracy"] = acc
        if not base:
            base = out
        row = {"procedure": name, "seconds": time.perf_counter() - start}
        for metric in ("log_loss", "accuracy"):
            v, d = out[metric], out[metric] - base[metric]
            row[metric] = v.mean()
            row[f"{metric}_se"] = v.std(ddof=1) / np.sqrt(len(v))
            row[f"{metric}_diff"] = d.mean()
            row[f"{metric}_diff_se"] = d.std(ddof=1) / np.sqrt(len(d))
        rows.append(row)
        print(f"  {name:32s} log loss {row['log_loss']:.4f} acc {row['accuracy']:.4f} ({row['seconds']:.0f} s)", flush=True)
        pd.DataFrame(rows).to_csv(RESULTS / "transfer_ensembles.csv", index=False)
    return pd.DataFrame(rows)


def plot(df):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for name, g in df.groupby("method", sort=False):
        ax.errorbar(g["n_train"] / 10, g["accuracy"], yerr=g["standard_error"], marker="o", capsize=3, label=name)
    ticks = df.drop_duplicates("per_class")
    ax.set_xscale("log")
    ax.set_xticks(ticks["n_train"] / 10)
    ax.set_xticklabels([f"{m}" if m != "all" else f"all\n(~{int(n) // 10})" for m, n in zip(ticks["per_class"], ticks["n_train"])])
    ax.set_xlabel("training images per class")
    ax.set_ylabel("test accuracy (resampling estimate ± 1 SE)")
    ax.set_title("Digits, EfficientNet-Lite0 ImageNet features (64x64)")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    FIGURE.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(FIGURE, dpi=110)


def report(speed_df, ratios, curve_df, args, ens_df=None):
    lines = [
        "# Transfer learning on digits with EfficientNet-Lite0",
        "",
        (
            f"Produced by `python benchmarks/bench_transfer.py` (parts speed, curve, ensembles) on "
            f"{platform.machine()} ({platform.processor() or 'CPU'}), torch {torch.__version__}, "
            f"{torch.get_num_threads()} torch thread(s), 2 CPU cores shared with other jobs. Images: "
            f"scikit-learn's 8x8 digits upscaled to {SIZE}x{SIZE}, grey repeated to RGB, ImageNet-normalised."
        ),
        "",
    ]
    if speed_df is not None:
        lines += [
            (
                f"## Frozen features: computed once per CV run ({args.n_images} images at "
                f"{args.speed_size}x{args.speed_size}, K = {args.n_splits})"
            ),
            "",
            markdown_table(speed_df.to_dict("records"), ["method", "seconds", "accuracy"]),
            "",
            *[f"- {k}: **{v:.1f}x**" for k, v in ratios.items()],
            "",
            f"Target: at least 0.8 x K = {0.8 * args.n_splits:.1f}x. Median of {args.speed_repeats} alternating runs.",
            "",
        ]
    if curve_df is not None:
        table = curve_df.pivot_table(index=["per_class", "n_train"], columns="method", values="accuracy", sort=False)
        se = curve_df.pivot_table(index=["per_class", "n_train"], columns="method", values="standard_error", sort=False)
        rows = []
        for (m, n), r in table.iterrows():
            row = {"per class": m, "training images": n}
            for name in table.columns:
                row[name] = f"{r[name]:.3f} ± {se.loc[(m, n), name]:.3f}"
            rows.append(row)
        lines += [
            "## The transfer curve",
            "",
            markdown_table(rows, ["per class", "training images", *table.columns]),
            "",
            f"Each cell: accuracy on the held-out images ± its naive standard error over {args.repeats} splits "
            f"(m per class: {args.repeats} random training sets, the rest as test set; all: stratified "
            f"{args.repeats}-fold CV). Fine-tuning: Adam, head lr 1e-2, backbone lr as shown "
            "(1e-5 in the first run; 1e-4 added after it did better on a separate split of 10 per class, seed 99: "
            "0.815 against 0.752; 3e-4 wrecked the features in an earlier check), BatchNorm statistics "
            "frozen, about 60 steps of 32 images per fit (scaled down to fit the time budget on CPU; the "
            "network would gain from more). Small CNN: about 300 steps, lr 3e-3, on the 8x8 pixels. Logistic "
            "regression on the raw 64 pixels: no network at all, the baseline the features have to beat (added "
            "after the first run, on the same splits). "
            "Minutes per column (a default run has one fine-tuning column): "
            + ", ".join(f"{k} {v / 60:.1f}" for k, v in curve_df.groupby("method", sort=False)["seconds"].sum().items())
            + ".",
            "",
        ]
    if ens_df is not None:
        rows = [{
            "procedure": r["procedure"],
            "log loss": f"{r['log_loss']:.4f} ± {r['log_loss_se']:.4f}",
            "vs single": f"{r['log_loss_diff']:+.4f} ± {r['log_loss_diff_se']:.4f}",
            "accuracy": f"{r['accuracy']:.4f} ± {r['accuracy_se']:.4f}",
            "vs single ": f"{r['accuracy_diff']:+.4f} ± {r['accuracy_diff_se']:.4f}",
            "seconds": f"{r['seconds']:.0f}",
        } for r in ens_df.to_dict("records")]
        lines += [
            "## Ensembles against the single model (small CNN from scratch, 8x8 digits)",
            "",
            markdown_table(rows, ["procedure", "log loss", "vs single", "accuracy", "vs single ", "seconds"]),
            "",
            (
                "Outer 5-fold CV of each procedure on the same folds; ± is the naive standard error over the 5 "
                "folds, of the value and of the paired difference to the single model. 12 epochs, Adam lr 3e-3, "
                "BatchNorm trained (so the EMA recomputes its statistics with update_bn)."
            ),
            "",
        ]
    (RESULTS / "transfer.md").write_text("\n".join(lines))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", nargs="?", default="all", choices=["speed", "curve", "ensembles", "report", "all"],
                        help="report: rebuild transfer.md and the figure from the saved CSV files")
    parser.add_argument("--n-images", type=int, default=500)
    parser.add_argument("--n-splits", type=int, default=5)
    parser.add_argument("--speed-repeats", type=int, default=3)
    parser.add_argument("--speed-size", type=int, default=96, help="image size of the speed part")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--ft-lr-backbone", type=float, nargs="+", default=[1e-4],
                        help="backbone learning rate(s) of the fine-tuning curve (each about 12 min)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    # One BLAS thread too: on a loaded 2-core machine two competing BLAS threads made
    # each logistic-regression fit 20-100x slower.
    threadpool_limits(args.threads)
    RESULTS.mkdir(parents=True, exist_ok=True)
    speed_df = ratios = curve_df = ens_df = None
    if args.part in ("speed", "all"):
        speed_df, ratios = speed(args.n_images, args.n_splits, args.speed_repeats, args.speed_size)
        speed_df.to_csv(RESULTS / "transfer_speed.csv", index=False)
        print(speed_df.to_string(index=False))
        print(ratios)
    if args.part in ("curve", "all"):
        curve_df = curve(args.repeats, ft_lr_backbone=args.ft_lr_backbone)
        plot(curve_df)
    if args.part in ("ensembles", "all"):
        ens_df = ensembles()
    if args.part != "all":  # keep the other parts' numbers in the report
        if speed_df is None and (RESULTS / "transfer_speed.csv").exists():
            speed_df = pd.read_csv(RESULTS / "transfer_speed.csv")
            t = dict(zip(speed_df["method"], speed_df["seconds"]))
            names = list(t)
            ratios = {
                "plain Pipeline (sklearn) / cached, no refit": t[names[1]] / t[names[0]],
                "KFoldCV uncached / cached, with refit": t[names[3]] / t[names[2]],
            }
        if curve_df is None and (RESULTS / "transfer_curve.csv").exists():
            curve_df = pd.read_csv(RESULTS / "transfer_curve.csv")
            if args.part == "report":
                plot(curve_df)
        if ens_df is None and (RESULTS / "transfer_ensembles.csv").exists():
            ens_df = pd.read_csv(RESULTS / "transfer_ensembles.csv")
    report(speed_df, ratios, curve_df, args, ens_df)


if __name__ == "__main__":
    main()
