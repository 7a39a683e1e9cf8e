"""What a set of learning curves shows, in the words of the tuning checklist.

The cases are those of the lecture notes this project grew from (read the
training and validation curves): a flat start, a plateau, a schedule that decays
too early, overfitting, and still improving at the last epoch. Each rule reads the
mean curves across folds and is deliberately simple; the thresholds are stated
here so that a reader can check a verdict against the plot.
"""

import numpy as np

__all__ = ["diagnose"]

#: A relative change below this counts as flat.
FLAT = 0.01


def _rel_drop(curve, lo, hi):
    a, b = curve[lo], curve[hi]
    return (a - b) / max(abs(a), 1e-12)


def diagnose(curves):
    """Sentences on the mean curves of ``curves`` (a :class:`LearningCurves`), most important first.

    - overfitting: the held-out mean at the last epoch is more than one SE above
      its minimum while the training loss kept falling after the best epoch;
    - still improving: the best epoch is the last one;
    - flat start: the held-out mean falls by less than 1% over the first fifth of
      the epochs (at least 2), then falls by more later (learning rate too low, or
      a poor initialisation);
    - barely moving: over all epochs both curves move by less than 5% (the other
      cases are then not read);
    - plateau: over the last quarter of the epochs both curves move by less than 1%.
    """
    held, train = curves.mean, np.nanmean(curves.train_loss, axis=0)
    ok = ~np.isnan(held)
    held, train = held[ok], train[ok]
    n = len(held)
    out = []
    if n < 2:
        return ["one epoch: no curve to read"]
    best = int(np.argmin(held))
    se = curves.standard_error[ok][best]
    se = 0.0 if np.isnan(se) else se
    if best < n - 1 and held[-1] > held[best] + se and train[-1] < train[best]:
        out.append(f"overfitting: held-out loss is lowest at epoch {best + 1} and rises after it while the "
                   f"training loss keeps falling; stop at epoch {curves.one_se_epoch} (one-SE rule) or "
                   f"{best + 1} (lowest mean)")
    if best == n - 1 and _rel_drop(held, max(n - 2, 0), n - 1) > FLAT / 10:
        out.append("still improving at the last epoch: train longer (raise max_epochs)")
    if abs(_rel_drop(held, 0, n - 1)) < 5 * FLAT and abs(_rel_drop(train, 0, n - 1)) < 5 * FLAT:
        out.append(f"the losses barely move over all {n} epochs (less than {5 * FLAT:.0%}): learning rate too "
                   "low (try lr_range_test) or a model that cannot fit")
        return out
    k = max(2, n // 5)
    if n >= 2 * k and _rel_drop(held, 0, k - 1) < FLAT and _rel_drop(held, k - 1, n - 1) > 5 * FLAT:
        out.append(f"flat start: held-out loss barely moves over the first {k} epochs, then falls "
                   "(learning rate too low at first, or a poor initialisation)")
    q = max(2, n // 4)
    if n >= 2 * q and abs(_rel_drop(held, n - q, n - 1)) < FLAT and abs(_rel_drop(train, n - q, n - 1)) < FLAT:
        out.append(f"plateau: both losses move by less than {FLAT:.0%} over the last {q} epochs "
                   "(a learning-rate decay, or a larger model, may help; a decay that came too early shows as "
                   "a plateau right after it)")
    return out or ["no problem detected: the held-out loss falls and levels off"]
