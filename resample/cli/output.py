"""Where ``--report DIR`` may write: checked before any work, written without following links.

The command writes only inside the directory it was told to, and never silently
replaces what is there: a non-empty directory is refused unless ``--overwrite``
says so; a file is written under a fresh temporary name inside DIR and renamed into
place, so a symlink planted at ``DIR/index.html`` is replaced, never followed, and a
crash mid-write leaves the old page or none, never half a page.
"""

import os
import tempfile
from pathlib import Path

from resample.cli.specs import UsageError

__all__ = ["ReportTarget", "prepare_report_dir", "write_text_atomic"]


class ReportTarget:
    """A checked report directory; ``discard()`` removes it again if this run created it empty."""

    def __init__(self, path, created):
        self.path = path
        self.created = created

    def __fspath__(self):
        return os.fspath(self.path)

    def __str__(self):
        return str(self.path)

    def discard(self):
        if self.created:
            try:
                self.path.rmdir()  # only if still empty: never removes anything else
            except OSError:
                pass


def prepare_report_dir(directory, *, overwrite=False, option="--report"):
    """Check (and create) the report directory before any fit; returns a :class:`ReportTarget`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = prepare_report_dir(pathlib.Path(tempfile.mkdtemp()) / "out")
    >>> target.path.is_dir(), target.created
    (True, True)
    """
    text = os.fspath(directory)
    if not text.strip():
        raise UsageError(f"{option} is empty; name a directory for the report, e.g. {option} out.")
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        raise UsageError(f"{option} {text!r} is a file, not a directory; name a new or empty directory.")
    created = False
    if not path.exists():
        if path.is_symlink():
            raise UsageError(f"{option} {text!r} is a broken symbolic link; name a real directory.")
        try:
            path.mkdir(parents=True)
            created = True
        except FileExistsError:
            pass
        except NotADirectoryError:
            raise UsageError(f"{option} {text!r} lies below a file; name a directory whose parents are directories.") from None
        except OSError as exc:
            raise UsageError(f"{option} {text!r} cannot be created: {exc.strerror or exc}.") from None
    else:
        held = sorted(p.name for p in path.iterdir())
        if held and not overwrite:
            shown = ", ".join(held[:5]) + (f", ... ({len(held) - 5} more)" if len(held) > 5 else "")
            raise UsageError(
                f"{option} {text!r} is not empty (it holds {shown}); pass --overwrite to replace the report "
                "files in it, or name a new or empty directory."
            )
    page = path / "index.html"
    if page.is_dir() and not page.is_symlink():
        raise UsageError(f"{option} {text!r}: {str(page)!r} is a directory, so the report cannot be written there.")
    try:  # can we write here? (a read-only directory fails now, not after the fits)
        fd, probe = tempfile.mkstemp(dir=path, prefix=".resample-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        target = ReportTarget(path, created)
        target.discard()
        raise UsageError(f"{option} {text!r} is not writable: {exc.strerror or exc}.") from None
    return ReportTarget(path, created)


def write_text_atomic(directory, name, text):
    """Write ``directory/name`` through a temporary file and a rename; returns the path.

    ``name`` must be a plain file name: nothing is written outside ``directory``.
    """
    if Path(name).name != name or name in ("", ".", ".."):
        raise ValueError(f"name={name!r} must be a plain file name.")
    directory = Path(os.fspath(directory))
    final = directory / name
    if final.is_dir() and not final.is_symlink():
        raise UsageError(f"--report: {str(final)!r} is a directory; remove it or name another report directory.")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")  # O_EXCL: follows no link
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644 & ~_umask())
        os.replace(tmp, final)  # replaces a symlink at `final` itself; never writes through it
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return final


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask
