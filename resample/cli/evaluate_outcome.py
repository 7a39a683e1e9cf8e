"""What ``resample evaluate`` computed (:class:`EvaluateOutcome`), and how its model and features are named."""

from dataclasses import dataclass, field

__all__ = ["EvaluateOutcome", "feature_list", "feature_summary"]

#: Short names of the errors in the tables (the scorer's own name otherwise).
_SHORT = {
    "neg_mean_squared_error": "MSE",
    "neg_root_mean_squared_error": "RMSE",
    "neg_mean_absolute_error": "MAE",
    "neg_log_loss": "log loss",
    "accuracy": "error rate",
}


@dataclass
class EvaluateOutcome:
    """Everything ``evaluate`` computed, for the text table and the report."""

    source: str
    n_rows: int
    target: str
    features: list
    family: object
    scoring: str
    confidence: float
    titles: dict
    results: dict  # method key -> list of CVResult, one per model
    choices: dict  # method key -> OneStandardErrorChoice or None
    kfold_runs: list = field(default_factory=list)  # extra k-fold runs: lists of CVResult
    notes: list = field(default_factory=list)
    bundled: bool = False
    groups: str | None = None  # the --groups column: every split keeps a group's rows together
    imputed: str = ""  # how missing feature values are filled in (empty: rows with any are left out)

    @property
    def error_name(self):
        return _SHORT.get(self.scoring, self.scoring)

    def describe_model(self):
        fam = self.family
        feats = feature_summary(self.features)
        if fam.kind.name == "poly" and fam.task == "regression":
            inner = f"poly({feats}, d)" if len(fam.values) > 1 else f"poly({feats}, {fam.values[0]})"
        elif fam.kind.param is not None and len(fam.values) > 1:
            inner = f"{fam.kind.name}({feats}; {fam.kind.param})"
        else:
            inner = f"{fam.kind.name}({feats})" if fam.kind.param is None else f"{fam.kind.name}({feats}; {fam.label(fam.values[0])})"
        return f"{self.target} ~ {inner}"

    def describe_values(self):
        fam = self.family
        if fam.kind.param is None or len(fam.values) == 1:
            return ""
        vals = [v for v in fam.values]
        if fam.kind.integer and vals == list(range(vals[0], vals[-1] + 1)):
            return f"{fam.kind.param} = {vals[0]}..{vals[-1]}"
        shown = [f"{v:g}" if isinstance(v, float) else str(v) for v in vals]
        if len(vals) > 5:  # the table lists them all; a title names the range
            return f"{fam.kind.param} = {shown[0]}..{shown[-1]} ({len(vals)} values)"
        return f"{fam.kind.param} in {{{', '.join(shown)}}}"


def feature_summary(features, most=4):
    """The features for a title: their names, or ``"30 features"`` when there are more than ``most``.

    Examples
    --------
    >>> feature_summary(["horsepower"])
    'horsepower'
    >>> feature_summary([f"x{i}" for i in range(30)])
    '30 features'
    """
    return ", ".join(map(str, features)) if len(features) <= most else f"{len(features)} features"


def feature_list(features, most=6):
    """The features for a data line: all of a few, or the count with the first and last ones.

    Examples
    --------
    >>> feature_list([f"x{i}" for i in range(30)])
    '30 (x0, x1, x2, ..., x28, x29)'
    """
    names = list(map(str, features))
    if len(names) <= most:
        return ", ".join(names)
    return f"{len(names)} ({', '.join(names[:3])}, ..., {', '.join(names[-2:])})"
