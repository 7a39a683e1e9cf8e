"""What a cache key covers besides the data: the code that computes, and its packages' versions.

An estimator's parameters say what it was asked to do; its class's source says what
it does. A cached result is served only while both are unchanged: the digest of
the file of every module defining a class in the estimator's MRO, its nested
estimators, functions among its parameters and the scorer's metric (else their
source, else their byte code), and the versions of Python and of the packages
involved.
"""

import functools
import hashlib
import inspect
import marshal
import os
import platform
import sys

__all__ = ["fingerprint"]

#: Packages whose versions enter every key (besides those defining the estimator's classes).
_CORE_PACKAGES = ("resample-ml", "numpy", "scipy", "scikit-learn", "joblib", "pandas")


@functools.lru_cache(maxsize=512)
def _file_digest(path, mtime_ns, size):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _source_digest(obj):
    """A digest of the code behind ``obj`` (a class or a function): its module's file, else its source."""
    module = sys.modules.get(getattr(obj, "__module__", None) or "")
    filename = getattr(module, "__file__", None)
    if filename and os.path.isfile(filename):
        st = os.stat(filename)
        return "file:" + _file_digest(filename, st.st_mtime_ns, st.st_size)
    try:
        return "src:" + hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()
    except (OSError, TypeError):
        pass
    # no file and no source (a REPL, a compiled extension): the byte code of its
    # functions, else only its name (a compiled type: the package versions cover it)
    members = list(vars(obj).values()) if isinstance(obj, type) else [obj]
    codes = [getattr(getattr(v, "__func__", v), "__code__", None) for v in members]
    codes = [c for c in codes if c is not None]
    if not codes:
        return f"compiled:{getattr(obj, '__module__', '?')}"
    return "code:" + hashlib.sha256(b"".join(marshal.dumps(c) for c in codes)).hexdigest()


def _code_objects(obj, seen):
    """Classes and functions that decide what ``obj`` computes: its class's MRO, nested estimators, callables."""
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if inspect.isfunction(obj) or inspect.ismethod(obj):
        yield getattr(obj, "__func__", obj)
        return
    if isinstance(obj, functools.partial):
        yield from _code_objects(obj.func, seen)
        for v in (*obj.args, *obj.keywords.values()):
            yield from _code_objects(v, seen)
        return
    cls = obj if isinstance(obj, type) else type(obj)
    for c in cls.__mro__:
        if c.__module__ != "builtins":
            yield c
    if isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _code_objects(v, seen)
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _code_objects(v, seen)
    elif hasattr(obj, "get_params") and not isinstance(obj, type):
        try:
            params = obj.get_params(deep=False)
        except Exception:  # noqa: BLE001 - a broken get_params: fingerprint what we have
            params = {}
        for v in params.values():
            yield from _code_objects(v, seen)
    score_func = getattr(obj, "_score_func", None)  # a scikit-learn scorer's metric
    if score_func is not None:
        yield from _code_objects(score_func, seen)


@functools.lru_cache(maxsize=1)
def _distributions():
    from importlib.metadata import packages_distributions

    return packages_distributions()


@functools.lru_cache(maxsize=256)
def _version(dist):
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def _versions(objects):
    dists = set(_CORE_PACKAGES)
    mapping = _distributions()
    for o in objects:
        top = (getattr(o, "__module__", None) or "").partition(".")[0]
        dists.update(mapping.get(top, ()))
    return {d: _version(d) for d in sorted(dists)} | {"python": platform.python_version()}


def fingerprint(*objects):
    """What the key of an entry covers besides the data: code digests and package versions.

    Returns None when some code has no source to digest (the caller then does not cache).
    """
    seen, code = set(), []
    for obj in objects:
        code.extend(_code_objects(obj, seen))
    digests = {}
    for c in code:
        d = _source_digest(c)
        if d is None:
            return None
        digests[f"{getattr(c, '__module__', '?')}.{getattr(c, '__qualname__', '?')}"] = d
    return {"code": digests, "versions": _versions(code)}


