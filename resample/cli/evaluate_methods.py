"""The methods of ``resample evaluate``: how each builds its CV estimator, and which scorers each takes."""

from collections.abc import Callable
from dataclasses import dataclass

from resample.cli.specs import UsageError

__all__ = ["BOOTSTRAP_SCORINGS", "EVAL_METHODS", "EvalMethod", "choose_methods"]

#: Scorers the bootstrap .632+ can combine (a mean of a per-sample loss with a no-information rate).
BOOTSTRAP_SCORINGS = ("neg_mean_squared_error", "accuracy", "neg_log_loss")


@dataclass(frozen=True)
class EvalMethod:
    """One row of the method table: how to build its CV estimator and how to name it."""

    key: str
    title: Callable
    make: Callable
    refits: bool = False  # always refits: use the family's numerically safer equivalents


def _validation(est, args, common, seed):
    from resample._model_selection.cv import ValidationSetCV

    return ValidationSetCV(est, test_size=0.5, n_repeats=args.repeats, random_state=seed, **common)


def _loocv(est, args, common, seed):
    from resample._model_selection.cv import LeaveOneOutCV

    return LeaveOneOutCV(est, **common)


def _kfold(est, args, common, seed):
    from resample._model_selection.cv import KFoldCV

    return KFoldCV(est, n_splits=args.k, shuffle=True, random_state=seed, **common)


def _bootstrap632(est, args, common, seed):
    from resample._model_selection.bootstrap_cv import BootstrapCV

    return BootstrapCV(est, n_resamples=args.n_resamples, method=".632+", random_state=seed, **common)


EVAL_METHODS = {
    "validation": EvalMethod(
        "validation", lambda a: f"validation set: {a.repeats} random halves (seed {a.seed}), averaged", _validation
    ),
    "loocv": EvalMethod("loocv", lambda a: "LOOCV: leave-one-out cross-validation", _loocv),
    "kfold": EvalMethod("kfold", lambda a: f"{a.k}-fold CV: one shuffle (seed {a.seed})", _kfold),
    "bootstrap": EvalMethod(
        "bootstrap", lambda a: f"bootstrap .632+: {a.n_resamples} resamples (seed {a.seed})", _bootstrap632,
        refits=True,
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
