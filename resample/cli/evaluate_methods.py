"""The methods of ``resample evaluate``: how each builds its CV estimator, and which scorers each takes."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from resample.cli.evaluate_splits import GroupValidationSetCV, stratify_option
from resample.cli.errors import UsageError

__all__ = ["BOOTSTRAP_SCORINGS", "EVAL_METHODS", "EvalMethod", "choose_methods"]

#: Scorers the bootstrap .632+ can combine (a mean of a per-sample loss with a no-information rate).
BOOTSTRAP_SCORINGS = ("neg_mean_squared_error", "accuracy", "neg_log_loss")


def _no_fit_kw(args, y, groups):
    return {} if groups is None else {"groups": groups}


@dataclass(frozen=True)
class EvalMethod:
    """One row of the method table: how to build its CV estimator, how to fit it and how to name it."""

    key: str
    title: Callable
    make: Callable
    refits: bool = False  # always refits: use the family's numerically safer equivalents
    fit_kw: Callable = _no_fit_kw  # (args, y, groups) -> keyword arguments of fit


def _validation(est, args, common, seed):
    from resample._model_selection.cv import ValidationSetCV

    if getattr(args, "groups", None):
        return GroupValidationSetCV(est, test_size=0.5, n_repeats=args.repeats, stratify=False, random_state=seed,
                                    **common)
    return ValidationSetCV(est, test_size=0.5, n_repeats=args.repeats, stratify=stratify_option(args),
                           random_state=seed, **common)


def _loocv(est, args, common, seed):
    from resample._model_selection.cv import KFoldCV, LeaveOneOutCV

    if getattr(args, "groups", None):
        from sklearn.model_selection import LeaveOneGroupOut

        return KFoldCV(est, cv=LeaveOneGroupOut(), **common)
    # "approximate" where the command's cost guard chose it (resample.cli.evaluate_cost)
    return LeaveOneOutCV(est, shortcut=getattr(args, "loocv_shortcut", "auto"), **common)


def _kfold(est, args, common, seed):
    from resample._model_selection.cv import KFoldCV

    if getattr(args, "groups", None):
        from sklearn.model_selection import GroupKFold, StratifiedGroupKFold

        cls = StratifiedGroupKFold if getattr(args, "stratify", None) else GroupKFold
        return KFoldCV(est, cv=cls(n_splits=args.k, shuffle=True, random_state=seed), **common)
    return KFoldCV(est, n_splits=args.k, shuffle=True, stratify=stratify_option(args), random_state=seed, **common)


def _bootstrap632(est, args, common, seed):
    from resample._model_selection.bootstrap_cv import BootstrapCV

    return BootstrapCV(est, n_resamples=args.n_resamples, method=".632+", random_state=seed, **common)


def _bootstrap_fit_kw(args, y, groups):
    # --stratify: every bootstrap sample keeps the class counts (BootstrapCV.fit(strata=y))
    return {"strata": np.asarray(y)} if getattr(args, "stratify", None) else {}


def _how(args, stratifies=True):
    """What a title adds: how the splits treat groups and classes (``stratifies``: this method can, by group)."""
    stratified = getattr(args, "stratified", False)
    if getattr(args, "groups", None):
        return f", by group ({args.groups}, {args.n_groups} groups)" + (", stratified" if stratified and stratifies else "")
    return ", stratified by class" if stratified else ""


def _loocv_title(a):
    if getattr(a, "groups", None):
        return f"leave one group out: each of the {a.n_groups} groups of {a.groups} held out in turn"
    return "LOOCV: leave-one-out cross-validation"


EVAL_METHODS = {
    "validation": EvalMethod(
        "validation", lambda a: f"validation set: {a.repeats} random halves (seed {a.seed}), averaged{_how(a, stratifies=False)}",
        _validation,
    ),
    "loocv": EvalMethod("loocv", _loocv_title, _loocv),
    "kfold": EvalMethod("kfold", lambda a: f"{a.k}-fold CV: one shuffle (seed {a.seed}){_how(a)}", _kfold),
    "bootstrap": EvalMethod(
        "bootstrap",
        lambda a: f"bootstrap .632+: {a.n_resamples} resamples (seed {a.seed})"
        + (", drawn within classes" if getattr(a, "stratify", None) else ""),
        _bootstrap632, refits=True, fit_kw=_bootstrap_fit_kw,
    ),
}


def choose_methods(args, scoring, warn):
    """The methods asked for (all by default), without the bootstrap where ``scoring`` has no .632+."""
    chosen = list(dict.fromkeys(args.method)) if args.method else list(EVAL_METHODS)
    if "bootstrap" in chosen and scoring not in BOOTSTRAP_SCORINGS:
        if args.method:
            raise UsageError(
                f"--method bootstrap (.632+) needs a loss with a no-information rate: --scoring one of "
                f"{', '.join(BOOTSTRAP_SCORINGS)}; got {scoring!r}. Drop bootstrap from --method or change --scoring."
            )
        warn(f"bootstrap .632+ left out: it is not defined for --scoring {scoring}")
        chosen.remove("bootstrap")
    return chosen
