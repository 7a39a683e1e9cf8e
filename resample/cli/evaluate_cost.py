"""The command never starts a huge LOOCV silently (the cost guard of ``resample evaluate``).

LOOCV with refits needs one fit per row per model: 200,000 rows of a logistic
regression are 200,000 fits. Before fitting, :func:`guard_loocv` counts the refits
LOOCV would need (models with the exact least-squares closed form need none).
Above ``--max-refits`` (default :data:`MAX_REFITS`) it uses the approximate
leave-one-out of ``shortcut="approximate"`` where every model has one
(LogisticRegression and PoissonRegressor with an L2 penalty; the result's notes give
its check against exact refits), and otherwise leaves LOOCV out and says how many
refits that saved and how to force them. The library's own cost guard
(:mod:`resample._model_selection.cost`) still warns of any long run that does start.
"""

import numpy as np

from resample.cli.evaluate_notes import CommandNote
from resample.cli.specs import UsageError

__all__ = ["MAX_REFITS", "guard_loocv"]

#: LOOCV refits (rows x models) the command runs without being asked
MAX_REFITS = 20_000


def _needs(est, scoring, X, y, n):
    """``"exact"`` (closed form, no refits), ``"approximate"`` (covered by it) or ``"refits"``."""
    from sklearn.metrics import get_scorer

    from resample._linalg.least_squares import shortcut_plan
    from resample._model_selection.approximate import approximate_plan
    from resample._model_selection.results import SplitIndices
    from resample._model_selection.stateless import split_stateless_prefix

    _, rest = split_stateless_prefix(est)
    scorer = get_scorer(scoring)
    try:
        if not isinstance(shortcut_plan(rest, scorer, X, y, {}), str):
            return "exact"
        if not isinstance(approximate_plan(rest, scorer, X, y, {}, SplitIndices.leave_one_out(n)), str):
            return "approximate"
    except ValueError:  # the estimator's own parameter checks: its fit will say it better
        pass
    return "refits"


def guard_loocv(args, family, methods, X, y, scoring, warn, notes):
    """The methods to run, with ``args.loocv_shortcut`` set ("auto" or "approximate").

    Examples
    --------
    A family with the closed form needs no refits, so nothing changes:

    >>> import argparse, pandas as pd
    >>> from resample.cli.specs import parse_model
    >>> args = argparse.Namespace(max_refits=10, n_groups=0, method=None)
    >>> family = parse_model("poly:1..3", task="regression")
    >>> X, y = pd.DataFrame({"x": range(50)}), pd.Series(range(50), dtype=float)
    >>> guard_loocv(args, family, ["loocv", "kfold"], X, y, "neg_mean_squared_error", print, []), args.loocv_shortcut
    (['loocv', 'kfold'], 'auto')
    """
    args.loocv_shortcut = "auto"
    limit = getattr(args, "max_refits", MAX_REFITS)
    if "loocv" not in methods:
        return methods
    grouped = bool(getattr(args, "n_groups", 0))
    n = args.n_groups if grouped else len(y)
    needs = [_needs(est, scoring, X, np.asarray(y), len(y)) for est in family.estimators]
    total = n * sum(need != "exact" for need in needs)
    if total <= limit:
        return methods
    if not grouped and all(need != "refits" for need in needs):
        args.loocv_shortcut = "approximate"
        notes.append(CommandNote(
            "approximate_loocv",
            f"LOOCV is approximate (one Newton step per row from the fit on all rows) instead of {total:,} refits, "
            f"more than --max-refits {limit:,}; pass --max-refits {total} to refit every row"))
        return methods
    what = f"{n:,} {'groups' if grouped else 'rows'} x {sum(need != 'exact' for need in needs)} model(s)"
    message = (f"LOOCV left out: it needs {total:,} refits ({what}), more than --max-refits {limit:,}; "
               f"pass --max-refits {total} to run them, or use k-fold CV (--method kfold)")
    rest = [m for m in methods if m != "loocv"]
    if not rest:
        raise UsageError(message + ".")
    warn(message)
    return rest
