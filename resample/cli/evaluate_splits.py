"""``--groups COL`` and ``--stratify``: how ``resample evaluate`` splits rows that belong together or by class.

With ``--groups`` every method keeps a group's rows on one side of each split, with
scikit-learn's splitters: k-fold CV by ``GroupKFold`` (``StratifiedGroupKFold`` with
``--stratify``), LOOCV becomes ``LeaveOneGroupOut``, and the validation set draws half of
the groups (``GroupShuffleSplit``). The bootstrap .632+ resamples rows, not groups, so it
is left out. ``--stratify`` asks for ``StratifiedKFold`` (and stratified halves and
bootstrap samples drawn within classes); without it the library's default applies, which
stratifies a classifier's folds; ``--no-stratify`` turns that off.
"""

import numpy as np
from sklearn.model_selection import GroupShuffleSplit

from resample._model_selection.cv import ValidationSetCV, _complement_splits
from resample._utils.random import int_seed
from resample.cli.data import check_columns
from resample.cli.errors import UsageError

__all__ = ["GroupValidationSetCV", "check_group_methods", "check_groups", "check_stratify", "stratify_option"]


def stratify_option(args):
    """``--stratify`` / ``--no-stratify`` / neither, as the CV classes' ``stratify`` parameter."""
    return {None: "auto", True: True, False: False}[getattr(args, "stratify", None)]


def check_groups(args, table, source):
    """Check ``--groups``: a column of the table that is neither the target nor a feature.

    Returns the group labels with ``args.n_groups`` set (``None`` and 0 without ``--groups``).
    Run after the rows with missing values are left out.
    """
    col = getattr(args, "groups", None)
    args.n_groups = 0
    if col is None:
        return None
    check_columns(table, [col], "--groups", source)
    if col == args.target:
        raise UsageError(f"--groups {col!r} is the target; name the column that says which rows belong together "
                         "(e.g. a subject or a site).")
    if col in args.features:
        raise UsageError(f"--features includes the --groups column {col!r}: it labels rows that belong together and "
                         "is not a predictor; leave it out of --features.")
    labels = table[col].to_numpy()
    args.n_groups = n = int(table[col].nunique())
    if n < 2:
        raise UsageError(f"--groups {col!r} has {n} group in {source}; splitting by group needs at least 2.")
    return labels


def check_group_methods(args, methods, warn):
    """The methods that can split by group: the bootstrap .632+ resamples rows, so it is left out."""
    if not getattr(args, "groups", None):
        return methods
    if "bootstrap" in methods:
        if args.method:
            raise UsageError("--method bootstrap (.632+) resamples rows, not groups, so it cannot honour --groups; "
                             "drop bootstrap from --method or drop --groups.")
        warn("bootstrap .632+ left out: it resamples rows, not the groups of --groups")
        methods = [m for m in methods if m != "bootstrap"]
    if "kfold" in methods and args.n_groups < args.k:
        raise UsageError(f"--k {args.k} is more folds than --groups {args.groups!r} has groups ({args.n_groups}); "
                         f"k-fold by group needs --k {args.n_groups} or fewer.")
    return methods


def check_stratify(args, y, task, methods, warn):
    """Refuse ``--stratify`` for a continuous target; check every class can be in every fold.

    Sets ``args.stratified``: whether the splits are stratified by class (asked for, or the
    library's default for a classifier).
    """
    asked = getattr(args, "stratify", None)
    if asked and task != "classification":
        raise UsageError(
            f"--stratify needs classes, but --target {args.target!r} is continuous (regression): stratified splits "
            "keep each class's share in every fold. Drop --stratify, or pass --task classification if the values "
            "are class labels."
        )
    grouped = bool(getattr(args, "groups", None))
    # by group, only when asked (StratifiedGroupKFold); else as the library: a classifier's folds are stratified
    args.stratified = task == "classification" and (asked is True or (asked is None and not grouped))
    if not args.stratified:
        return
    if grouped:
        if "validation" in methods:
            warn("validation set: the halves are drawn by group and are not stratified (scikit-learn's "
                 "GroupShuffleSplit); k-fold CV is (StratifiedGroupKFold)")
        return  # StratifiedGroupKFold balances classes as far as the groups allow
    classes, counts = np.unique(np.asarray(y), return_counts=True)
    need = args.k if "kfold" in methods else (2 if "validation" in methods else 0)
    if need and counts.min() < need:
        c = classes[np.argmin(counts)]
        c = c.item() if isinstance(c, np.generic) else c
        fix = f"pass --k {counts.min()} or fewer, " if "kfold" in methods and counts.min() >= 2 else ""
        raise UsageError(
            f"stratified splits need every class in every fold, but class {c!r} of --target {args.target!r} has "
            f"{counts.min()} rows, fewer than {need}; {fix}merge rare classes, or pass --no-stratify."
        )


class GroupValidationSetCV(ValidationSetCV):
    """:class:`~resample.ValidationSetCV` by group: each random split holds out ``test_size`` of the groups.

    scikit-learn's ``GroupShuffleSplit`` draws the groups; the training set is the other groups.
    """

    def _make_splits(self, X, y, groups, n, rng):
        if groups is None:
            raise ValueError("GroupValidationSetCV needs groups: fit(X, y, groups=labels).")
        splitter = GroupShuffleSplit(n_splits=self.n_repeats, test_size=self.test_size, random_state=int_seed(rng))
        splits = _complement_splits(splitter, X, y, groups, n)
        return splits, np.arange(len(splits))
