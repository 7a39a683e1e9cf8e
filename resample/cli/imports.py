"""``--model package.module.Class``: only estimator classes, only from installed distributions.

A dotted path on the command line names code to import, and importing runs code.
So before anything is imported the top-level package must belong to an installed
distribution (the standard library, the working directory and the script's folder
are not distributions), and it is imported with the working directory and the
script's folder taken off ``sys.path``, so a local ``sklearn.py`` cannot stand in
for the real one. What comes back must be a class that scikit-learn calls a
regressor or a classifier, constructible with keyword parameters alone, and its
own parameter validation (``_validate_params``) runs on every value before any
data is read.
"""

import importlib
import importlib.util
import inspect
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

from resample.cli.errors import UsageError

__all__ = ["check_constructible", "import_estimator_class", "validate_estimator"]

_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+")


@lru_cache(maxsize=1)
def _distributions():
    from importlib.metadata import packages_distributions

    return packages_distributions()


def _local_dirs():
    """Folders a plain import would search first that hold no installed package: cwd, the script's folder."""
    dirs = {"", os.getcwd()}
    main = sys.modules.get("__main__")
    script = getattr(main, "__file__", None)
    if script and getattr(main, "__spec__", None) is None:  # `python script.py` puts its folder first (not -m)
        dirs.add(str(Path(script).resolve().parent))
    return {str(Path(d).resolve()) if d else d for d in dirs}


def _is_local(path, local):
    try:
        return str(Path(path).resolve().parent) in local or str(Path(path).resolve().parent.parent) in local
    except OSError:
        return True


def _import_installed(module_name, option, spec):
    top = module_name.partition(".")[0]
    if top not in _distributions():
        raise UsageError(
            f"{option} {spec!r}: {top!r} is not an installed distribution; --model imports estimator classes only "
            "from installed packages (e.g. sklearn.tree.DecisionTreeRegressor), never from the working directory "
            "or the standard library."
        )
    local = _local_dirs()
    loaded = sys.modules.get(top)
    if loaded is not None:
        origin = getattr(loaded, "__file__", None)
        if origin is None or _is_local(origin, local):
            raise UsageError(f"{option} {spec!r}: {top!r} was loaded from the working directory, not an installed package.")
    saved = sys.path[:]
    sys.path[:] = [p for p in sys.path if (str(Path(p).resolve()) if p else p) not in local]
    try:
        found = importlib.util.find_spec(top)
        if found is None or found.origin is None or _is_local(found.origin, local):
            raise UsageError(f"{option} {spec!r}: {top!r} is not importable from an installed package.")
        return importlib.import_module(module_name)
    except ImportError as exc:
        raise UsageError(f"{option} {spec!r}: cannot import module {module_name!r} ({exc}).") from None
    finally:
        sys.path[:] = saved


def import_estimator_class(path, option="--model", spec=None):
    """The class at ``path``, imported safely, if it is a scikit-learn regressor or classifier class."""
    spec = path if spec is None else spec
    if not _DOTTED.fullmatch(path):
        raise UsageError(f"{option} {spec!r}: {path!r} is not a dotted class path such as sklearn.tree.DecisionTreeRegressor.")
    module_name, _, class_name = path.rpartition(".")
    module = _import_installed(module_name, option, spec)
    cls = getattr(module, class_name, None)
    if cls is None:
        raise UsageError(f"{option} {spec!r}: module {module_name!r} has no {class_name!r}.")
    from sklearn.base import BaseEstimator

    if not inspect.isclass(cls) or not issubclass(cls, BaseEstimator):
        raise UsageError(f"{option} {spec!r}: {path} is not a scikit-learn estimator class.")
    check_constructible(cls, path, option, spec)
    estimator = _construct(cls, {}, path, option, spec)
    kind = _estimator_kind(estimator)
    if kind is None:
        raise UsageError(
            f"{option} {spec!r}: {path} is {_what(estimator)}: not a regressor or classifier. The command "
            "estimates prediction error, so it needs an estimator that predicts the target."
        )
    return cls


def _estimator_kind(estimator):
    from sklearn.base import is_classifier, is_regressor

    try:
        if is_classifier(estimator):
            return "classification"
        if is_regressor(estimator):
            return "regression"
    except Exception:  # noqa: BLE001 - broken tags: not an estimator we can use
        return None
    return None


def _what(estimator):
    """What kind of estimator it is, in words, with its article."""
    try:
        tags = estimator.__sklearn_tags__()
    except Exception:  # noqa: BLE001 - no usable tags
        return "class without scikit-learn tags"
    kind = {"clusterer": "a clusterer", "density_estimator": "a density estimator",
            "outlier_detector": "an outlier detector"}.get(tags.estimator_type)
    if kind is None and tags.transformer_tags is not None:
        kind = "a transformer"
    return kind or "an estimator that scikit-learn's tags call neither"


def check_constructible(cls, path, option, spec):
    """The class must be constructible with keyword parameters alone (no required arguments)."""
    try:
        sig = inspect.signature(cls)
    except (TypeError, ValueError):
        return
    required = [
        p.name for p in sig.parameters.values()
        if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    if required:
        raise UsageError(
            f"{option} {spec!r}: {path} needs the argument(s) {', '.join(required)}, which the command cannot "
            "give; name an estimator class that works with its defaults (meta-estimators such as Pipeline "
            "are not supported)."
        )


def _construct(cls, params, path, option, spec):
    try:
        return cls(**params)
    except Exception as exc:  # noqa: BLE001 - whatever the constructor raises is the user's to fix
        raise UsageError(f"{option} {spec!r}: cannot construct {path}({_kwargs(params)}): {type(exc).__name__}: {exc}") from None


def validate_estimator(cls, params, path, option="--model", spec=None):
    """``cls(**params)``, after the estimator's own parameter validation; a UsageError otherwise."""
    spec = path if spec is None else spec
    estimator = _construct(cls, params, path, option, spec)
    check = getattr(estimator, "_validate_params", None)
    if callable(check):
        try:
            check()
        except (ValueError, TypeError) as exc:
            raise UsageError(f"{option} {spec!r}: {_oneline(exc)}") from None
    return estimator


def _kwargs(params):
    return ", ".join(f"{k}={v!r}" for k, v in params.items())


def _oneline(exc):
    return " ".join(str(exc).split())
