"""The on-disk cache of finished splits behind ``memory=``: it runs no code it finds there.

Trust model
-----------
The cache directory is treated as untrusted storage: anyone who can write to it
may have replaced, edited or planted files. So

* results are stored in formats that cannot run code when read: the score and
  timings in ``meta.json``, per-sample values and held-out predictions as ``.npy``
  read with ``allow_pickle=False``;
* a fitted fold model is stored (as a pickle) only when the caller asked to keep
  the fold models (``return_estimator=True``);
* every entry, pickle or not, carries an HMAC-SHA256 over its key and all its
  files, made with a secret key kept *outside* the cache directory
  (:func:`key_path`: ``$RESAMPLE_CACHE_KEY_FILE``, else
  ``$XDG_CONFIG_HOME/resample/cache-key``, else ``~/.config/resample/cache-key``),
  created on first use with owner-only permissions. An entry whose HMAC does not
  verify is never parsed or unpickled: it is discarded with a
  :class:`~resample.exceptions.CacheWarning` and the split is recomputed;
* the key of an entry covers the data, the split's indices, the estimator's
  parameters, the source of its classes (and of the modules defining them, and of
  any function among its parameters or the scorer), and the versions of Python
  and of the packages that compute it, so an edited ``fit`` or an upgraded
  scikit-learn recomputes instead of serving an old result;
* failed splits (``error_score=np.nan``) are never stored: a rerun retries them.

What it does not protect against: someone who can read the secret key (it is the
trust anchor: keep the config directory private), and someone who can change the
installed packages or your own source files (they run code anyway).

Written by hand rather than through ``joblib.Memory``: joblib unpickles whatever
it finds in its directory and keys a call on its arguments only, not on the
source of the classes it is given.
"""

import hashlib
import hmac
import io
import json
import os
import pickle
import secrets
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np

from resample._model_selection.fingerprint import fingerprint
from resample._model_selection.records import SplitOutcome
from resample._model_selection.scoring import SplitScore
from resample.exceptions import CacheWarning

__all__ = ["SplitCache", "check_memory_location", "key_path", "open_cache"]

#: Bump when the layout of an entry changes: older entries then simply miss.
FORMAT = 1
_SUBDIR = "resample-splits"
_SIGNATURE = "entry.hmac"


# ---------------------------------------------------------------- the secret key


def key_path():
    """Where the cache's secret HMAC key lives (outside every cache directory).

    ``$RESAMPLE_CACHE_KEY_FILE`` when set, else ``$XDG_CONFIG_HOME/resample/cache-key``,
    else ``~/.config/resample/cache-key``.
    """
    override = os.environ.get("RESAMPLE_CACHE_KEY_FILE")
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "resample" / "cache-key"


def _load_or_create_key(path):
    """The 32-byte secret at ``path``, created (mode 0600, parent 0700) if absent."""
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # written under a temporary name, then linked into place: a concurrent process
    # either wins the link or reads the complete key the winner wrote
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cache-key-")
    try:
        os.fchmod(fd, 0o600) if hasattr(os, "fchmod") else None
        os.write(fd, secrets.token_bytes(32))
        os.fsync(fd)
        os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
    return _read_key(path)


def _read_key(path):
    st = os.stat(path)
    if os.name == "posix" and st.st_mode & 0o077:
        raise PermissionError(
            f"the cache key {str(path)!r} is readable or writable by others (mode {st.st_mode & 0o777:o}); "
            f"anyone who can read it can forge cache entries. Run `chmod 600 {path}` or delete it "
            "(a new one is created on the next run, and existing cache entries are recomputed)."
        )
    data = path.read_bytes()
    if len(data) < 32:
        raise PermissionError(f"the cache key {str(path)!r} is shorter than 32 bytes; delete it to create a new one.")
    return data


# ---------------------------------------------------------------- opening


def _location(memory):
    """The directory ``memory`` names, or None for no cache."""
    if memory is None:
        return None
    if isinstance(memory, (str, os.PathLike)):
        return Path(os.fspath(memory)).expanduser()
    location = getattr(memory, "location", None)  # a joblib.Memory: its directory, not its pickles
    return None if location is None else Path(os.fspath(location)).expanduser()


def check_memory_location(memory, name="memory"):
    """Check, before any fit, that ``memory`` names a directory this process can use.

    Returns the cache directory (created if needed), or None for no cache.
    """
    location = _location(memory)
    if location is None:
        return None
    root = location / _SUBDIR
    if location.exists() and not location.is_dir():
        raise ValueError(f"{name}={str(memory)!r} is a file, not a directory; pass a directory for the cache (or None).")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(
            f"{name}={str(memory)!r} cannot be used as a cache directory: {exc.strerror or exc}. "
            "Pass a writable directory (or None)."
        ) from None
    if not os.access(root, os.W_OK | os.X_OK):
        raise ValueError(f"{name}={str(memory)!r} is not writable; pass a writable directory for the cache (or None).")
    kp = key_path().absolute()
    if kp.is_relative_to(location.absolute()):
        raise ValueError(
            f"the cache key {str(kp)!r} lies inside {name}={str(memory)!r}; it must be kept outside the cache "
            "directory (set RESAMPLE_CACHE_KEY_FILE elsewhere)."
        )
    return root


def open_cache(memory, name="memory"):
    """A :class:`SplitCache` for ``memory`` (a directory or a joblib.Memory), or None."""
    if isinstance(memory, SplitCache):
        return memory
    root = check_memory_location(memory, name)
    if root is None:
        return None
    try:
        key = _load_or_create_key(key_path())
    except OSError as exc:
        raise ValueError(f"{name}=: cannot use the cache key {str(key_path())!r}: {exc}") from None
    return SplitCache(root, key)


# ---------------------------------------------------------------- the cache


def _encode_array(a):
    """``(bytes, how)`` of an array in .npy form without pickles, or None if it needs them."""
    a = np.asarray(a)
    how = "array"
    if a.dtype == object:
        items = a.ravel().tolist()
        if all(isinstance(v, str) for v in items):
            a, how = np.asarray(items, dtype=str).reshape(a.shape), "object-str"
        elif all(isinstance(v, (bool, int, float)) for v in items):
            a, how = np.asarray(items).reshape(a.shape), "object-number"
        else:
            return None
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return buf.getvalue(), how


def _decode_array(data, how):
    a = np.load(io.BytesIO(data), allow_pickle=False)
    if how.startswith("object-"):
        out = np.empty(a.shape, dtype=object)
        out[...] = a.tolist() if a.ndim else a.item()
        return out
    return a


class SplitCache:
    """Finished splits, one authenticated entry per key, under ``root``.

    Picklable (joblib workers store their own splits as soon as they finish).
    """

    def __init__(self, root, secret):
        self.root = Path(root)
        self._secret = secret

    def run_key(self, *parts, code=()):
        """Digest of everything a run's splits share (data, estimator, scorer, options), or None.

        ``parts`` are hashed by value (joblib.hash); ``code`` are the objects whose
        classes' and functions' source enters the key.
        """
        from joblib import hash as joblib_hash

        fp = fingerprint(*code)
        if fp is None:
            warnings.warn(
                "memory=: the estimator's code has no source file or source to fingerprint, so a cached "
                "result could not be told apart from one of changed code; running without the cache.",
                CacheWarning, stacklevel=4,
            )
            return None
        try:
            values = joblib_hash(parts)
        except Exception as exc:  # noqa: BLE001 - e.g. a lambda among the parameters cannot be hashed
            warnings.warn(f"memory=: cannot hash the inputs ({type(exc).__name__}: {exc}); running without the cache.",
                          CacheWarning, stacklevel=4)
            return None
        text = json.dumps({"format": FORMAT, "values": values, **fp}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    @staticmethod
    def split_key(run_key, train, test):
        h = hashlib.sha256(run_key.encode())
        for idx in (train, test):
            a = np.ascontiguousarray(idx, dtype=np.int64)
            h.update(len(a).to_bytes(8, "little"))
            h.update(a.tobytes())
        return h.hexdigest()

    # -- signing
    def _mac(self, key, files):
        m = hmac.new(self._secret, digestmod=hashlib.sha256)
        m.update(f"resample-split-cache/{FORMAT}/{key}".encode())
        for name in sorted(files):
            m.update(f"\0{name}\0{len(files[name])}\0".encode())
            m.update(files[name])
        return m.hexdigest()

    # -- writing
    def store(self, key, outcome):
        """Write a finished split; failed splits and unstorable outcomes are skipped."""
        if outcome.error is not None:
            return False  # a failure is never cached as done: the next run retries it
        files = {}
        meta = {
            "format": FORMAT, "fit_time": outcome.fit_time, "score_time": outcome.score_time,
            "all_rows": outcome.all_rows, "score": None, "arrays": {},
        }
        scored = outcome.scored
        if scored is not None:
            meta["score"] = scored.score
            for name in ("values", "predictions"):
                a = getattr(scored, name)
                if a is None:
                    continue
                enc = _encode_array(a)
                if enc is None:
                    return False  # e.g. predictions of arbitrary objects: not stored rather than pickled
                files[f"{name}.npy"], meta["arrays"][name] = enc
            # the further metrics of a multi-metric run, as [name, entry] pairs (their order is the user's)
            meta["others"] = []
            for j, (metric, other) in enumerate((scored.others or {}).items()):
                entry = {"score": other.score, "arrays": {}}
                for name in ("values", "predictions"):
                    a = getattr(other, name)
                    if a is None:
                        continue
                    enc = _encode_array(a)
                    if enc is None:
                        return False
                    files[f"other{j}.{name}.npy"], entry["arrays"][name] = enc
                meta["others"].append([metric, entry])
        if outcome.estimator is not None:
            files["estimator.pkl"] = pickle.dumps(outcome.estimator, protocol=pickle.HIGHEST_PROTOCOL)
        files["meta.json"] = json.dumps(meta, sort_keys=True).encode()
        files[_SIGNATURE] = self._mac(key, files).encode()
        final = self.root / key
        try:
            tmp = Path(tempfile.mkdtemp(dir=self.root, prefix=".tmp-"))
            for name, data in files.items():
                (tmp / name).write_bytes(data)
            try:
                os.rename(tmp, final)  # atomic: readers see a whole entry or none
            except OSError:  # another process stored it first (or a bad entry sits there)
                shutil.rmtree(tmp, ignore_errors=True)
                return False
        except OSError as exc:  # a full disk or a vanished directory costs the cache, not the run
            warnings.warn(f"memory=: could not store a split in {str(self.root)!r} ({exc}).", CacheWarning, stacklevel=3)
            return False
        return True

    # -- reading
    def load(self, key):
        """The stored outcome of ``key``, or None (missing, or refused and removed)."""
        entry = self.root / key
        if not os.path.lexists(entry):
            return None
        files = self._read(entry)
        if files is None or _SIGNATURE not in files:
            return self._refuse(entry, "it is incomplete or unreadable")
        expected = self._mac(key, {k: v for k, v in files.items() if k != _SIGNATURE}).encode()
        if not hmac.compare_digest(expected, files[_SIGNATURE]):
            return self._refuse(entry, "its signature does not match its contents (it was modified or not written "
                                       "by resample with this machine's cache key)")
        # authenticated: these bytes are exactly what this library wrote under this key
        meta = json.loads(files["meta.json"])
        if meta.get("format") != FORMAT:
            return None
        arrays = {n: _decode_array(files[f"{n}.npy"], how) for n, how in meta["arrays"].items()}
        scored = None
        if meta["score"] is not None:
            others = {}
            for j, (metric, entry) in enumerate(meta.get("others", ())):
                got = {n: _decode_array(files[f"other{j}.{n}.npy"], how) for n, how in entry["arrays"].items()}
                others[metric] = SplitScore(entry["score"], got.get("values"), got.get("predictions"))
            scored = SplitScore(meta["score"], arrays.get("values"), arrays.get("predictions"), others or None)
        estimator = pickle.loads(files["estimator.pkl"]) if "estimator.pkl" in files else None
        return SplitOutcome(scored, estimator, meta["fit_time"], meta["score_time"], None, meta["all_rows"])

    @staticmethod
    def _read(entry):
        if entry.is_symlink() or not entry.is_dir():
            return None
        files = {}
        try:
            for p in entry.iterdir():
                if p.is_symlink() or not p.is_file():
                    return None
                files[p.name] = p.read_bytes()
        except OSError:
            return None
        return files

    def _refuse(self, entry, why):
        warnings.warn(
            f"memory=: refused the cache entry {entry.name[:12]}... in {str(self.root)!r}: {why}. It was not loaded; "
            "the split is recomputed.",
            CacheWarning, stacklevel=4,
        )
        try:
            if entry.is_symlink() or not entry.is_dir():
                entry.unlink()
            else:
                shutil.rmtree(entry)
        except OSError:
            pass
