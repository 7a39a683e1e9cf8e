"""Progress bars over splits or resamples (tqdm, an optional extra), silent by default.

One small module so every entry point shows progress the same way: a bar on
stderr when the caller passed ``progress=True``, nothing otherwise. tqdm is imported
only when a bar is asked for, so the core does not depend on it.
"""

from resample._utils.sklearn_compat import validate_parameters

__all__ = ["check_progress", "require_tqdm", "progress_bar", "parallel_with_progress"]


class _NoBar:
    """Stands in for a tqdm bar when progress is off."""

    def update(self, n=1):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def check_progress(progress, name="progress"):
    """``progress`` must be True or False; True needs tqdm installed.

    Checked before any work, so a missing tqdm is reported at once.

    Examples
    --------
    >>> check_progress(False)
    False
    >>> check_progress("yes")
    Traceback (most recent call last):
    ...
    resample.exceptions.ParameterError: progress must be True or False; got 'yes' of type str.
    """
    validate_parameters({name: ["boolean"]}, {name: progress})
    return require_tqdm(progress, name)


def require_tqdm(progress, name="progress"):
    """With ``progress`` true, fail at once (before any work) when tqdm is missing."""
    if progress:
        try:
            import tqdm  # noqa: F401
        except ImportError as exc:  # pragma: no cover - tqdm is in the test extra
            raise ImportError(
                f"{name}=True shows a progress bar with tqdm, which is not installed: "
                "pip install 'resample-ml[progress]' (or pip install tqdm), or pass progress=False."
            ) from exc
    return bool(progress)


def progress_bar(total, *, desc, enabled):
    """A tqdm bar on stderr with ``total`` steps, or a silent stand-in.

    Examples
    --------
    >>> with progress_bar(3, desc="splits", enabled=False) as bar:
    ...     bar.update()
    """
    if not enabled:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="split" if "split" in desc else "it", leave=False, dynamic_ncols=True)


def parallel_with_progress(jobs, n_jobs, total, desc):
    """Run joblib ``jobs`` (each returning ``(index, value)``) with a progress bar.

    Results come back as they finish (``return_as="generator_unordered"``) so the
    bar moves under ``n_jobs > 1`` and under the Dask backend; they are put back in
    index order, so the outcome is the same as without the bar. Backends that cannot
    stream results (joblib's multiprocessing backend) run as a list and the bar
    completes at the end.
    """
    from joblib import Parallel

    try:
        parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    except ValueError:  # the active backend cannot return a generator
        parallel = Parallel(n_jobs=n_jobs)
    out = [None] * total
    with progress_bar(total, desc=desc, enabled=True) as bar:
        for i, value in parallel(jobs):
            out[i] = value
            bar.update()
    return out
