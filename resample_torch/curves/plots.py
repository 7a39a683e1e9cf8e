"""Figures of the learning curves and of the learning-rate range test.

Built to read on data they were not designed on: constrained layout, legends
outside the data, integer epoch ticks, the diagnosis printed under the axes.
"""

import textwrap

import numpy as np

from resample._protocol import import_pyplot

__all__ = ["plot_learning_curves", "plot_lr_range"]

HELD, TRAIN, CHOICE = "#1f5fa8", "#c0392b", "#555555"


def _loss_axes(ax, curves):
    e = curves.epochs
    for k, fold in enumerate(curves.heldout_loss):
        ax.plot(e, fold, color=HELD, alpha=0.25, lw=0.8, label="held-out, each fold" if k == 0 else None)
    mean, se = curves.mean, curves.standard_error
    ax.fill_between(e, mean - se, mean + se, color=HELD, alpha=0.18, lw=0, label="held-out mean ± 1 SE")
    ax.plot(e, mean, color=HELD, lw=2, marker="o", ms=3, label="held-out mean")
    ax.plot(e, np.nanmean(curves.train_loss, axis=0), color=TRAIN, lw=1.5, ls="--", label="training mean")
    best, one_se = curves.best_epoch, curves.one_se_epoch
    ax.axvline(best, color=CHOICE, lw=1, ls=":", label=f"lowest mean: {best}")
    if one_se != best:
        ax.axvline(one_se, color=CHOICE, lw=1, ls="-.", label=f"one-SE rule: {one_se}")
    ax.set_ylabel(curves.unit)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(alpha=0.3)


def plot_learning_curves(curves, ax=None):
    """Loss (and the metric, when there is one) against epochs; returns the Figure."""
    plt = import_pyplot()
    n_panels = 1 if curves.metric is None else 2
    if ax is None:
        fig, axes = plt.subplots(n_panels, 1, figsize=(7, 3.2 * n_panels + 1.0), sharex=True, layout="constrained",
                                 squeeze=False)
        axes = axes[:, 0]
    else:
        fig, axes = ax.figure, [ax]
        n_panels = 1
    _loss_axes(axes[0], curves)
    n_folds = curves.heldout_loss.shape[0]
    axes[0].set_title(f"Learning curves over {n_folds} folds: epochs chosen by CV", fontsize=11)
    axes[0].legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    if n_panels == 2:
        m = curves.metric
        for k, fold in enumerate(m):
            axes[1].plot(curves.epochs, fold, color=HELD, alpha=0.25, lw=0.8)
        axes[1].plot(curves.epochs, np.nanmean(m, axis=0), color=HELD, lw=2, marker="o", ms=3)
        axes[1].set_ylabel(f"held-out {curves.metric_name}")
        axes[1].grid(alpha=0.3)
    axes[-1].set_xlabel("epoch")
    text = "\n".join(textwrap.fill("• " + s, 95) for s in curves.diagnose())
    axes[-1].annotate(text, xy=(0, 0), xycoords="axes fraction", xytext=(0, -34), textcoords="offset points",
                      va="top", ha="left", fontsize=8, annotation_clip=False)
    return fig


def plot_lr_range(result, ax=None):
    """Loss against a log-scaled learning rate, the suggestion marked; returns the Figure."""
    plt = import_pyplot()
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    else:
        fig = ax.figure
    ax.plot(result.lr, result.loss, color=HELD, alpha=0.3, lw=0.8, label="loss per batch")
    ax.plot(result.lr, result.smoothed_loss, color=HELD, lw=2, label="smoothed")
    ax.axvline(result.suggested_lr, color=TRAIN, ls="--", lw=1.2, label=f"suggested lr {result.suggested_lr:.2g}")
    ax.set_xscale("log")
    lo, hi = np.nanmin(result.smoothed_loss), np.nanmax(result.smoothed_loss[: max(len(result.lr) // 2, 1)])
    pad = 0.1 * (hi - lo) if hi > lo else 1.0
    ax.set_ylim(lo - pad, hi + 3 * pad)  # the divergence at the end would flatten the rest
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel(result.unit)
    ax.set_title("Learning-rate range test", fontsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    ax.grid(alpha=0.3, which="both")
    return fig
