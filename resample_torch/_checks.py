"""Input validation for the torch estimators, in the core's message style.

Every message names the parameter, the value received and what is allowed, and
every check runs in ``fit`` (or ``fit_folds``) before any module is built. The
rules are written in scikit-learn's constraint vocabulary (``Interval``,
``StrOptions``) and checked by the core's :func:`resample._protocol.validate_parameters`,
so the same rule gives the same message here as in the core; only what no such
rule says (devices, module factories, alphabets) is checked by hand.
"""

import numbers

from resample._protocol import Interval, StrOptions, check_int, validate_parameters
from resample._protocol import short_repr as _short

__all__ = [
    "check_int",
    "check_positive_float",
    "check_nonnegative_float",
    "check_dropout",
    "check_choice",
    "check_device",
    "check_factory",
    "check_alphabet",
    "check_batch_folds",
    "check_bool",
    "check_fraction",
    "check_module_output",
    "check_text",
]

POSITIVE = Interval(numbers.Real, 0, None, closed="neither")
NONNEGATIVE = Interval(numbers.Real, 0, None, closed="left")
PROBABILITY_BELOW_ONE = Interval(numbers.Real, 0, 1, closed="left")
FRACTION = Interval(numbers.Real, 0, 1, closed="neither")


def _check(name, value, rules):
    validate_parameters({name: rules}, {name: value})
    return value


def check_positive_float(value, name, *, allow_none=False):
    """A finite float > 0 (or None when allowed)."""
    if value is None and allow_none:
        return None
    return float(_check(name, value, [POSITIVE] + ([None] if allow_none else [])))


def check_nonnegative_float(value, name):
    """A finite float >= 0."""
    return float(_check(name, value, [NONNEGATIVE]))


def check_dropout(value, name="dropout"):
    """A probability in [0, 1) (0 turns dropout off)."""
    return float(_check(name, value, [PROBABILITY_BELOW_ONE]))


def check_bool(value, name):
    """True or False (numpy booleans too)."""
    return bool(_check(name, value, ["boolean"]))


def check_fraction(value, name):
    """A float strictly between 0 and 1."""
    return float(_check(name, value, [FRACTION]))


def check_choice(value, name, allowed):
    """One of the names in ``allowed`` (a dict or a sequence)."""
    return _check(name, value, [StrOptions(set(allowed))])


def check_batch_folds(value, name="batch_folds"):
    """``"auto"``, True or False."""
    return _check(name, value, [StrOptions({"auto"}), "boolean"])


def check_device(device, name="device"):
    """Resolve ``device`` to a :class:`torch.device` that exists on this machine.

    ``"auto"`` is CUDA when ``torch.cuda.is_available()``, else the CPU.

    Examples
    --------
    >>> check_device("cpu")
    device(type='cpu')
    >>> check_device("tpu")
    Traceback (most recent call last):
    ...
    ValueError: device='tpu' is not a torch device; allowed: 'auto', 'cpu', 'cuda', 'cuda:<index>', 'mps' or a torch.device.
    """
    import torch

    allowed = "'auto', 'cpu', 'cuda', 'cuda:<index>', 'mps' or a torch.device"
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if not isinstance(device, (str, torch.device)):
        raise TypeError(f"{name} must be a string or a torch.device; got {_short(device)} of type {type(device).__name__}.")
    try:
        dev = torch.device(device)
    except (RuntimeError, ValueError) as exc:
        raise ValueError(f"{name}={_short(device)} is not a torch device; allowed: {allowed}.") from exc
    if dev.type == "cpu":
        return dev
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"{name}={_short(device)} but CUDA is not available on this machine "
                "(torch.cuda.is_available() is False); use device='auto' or 'cpu'."
            )
        count = torch.cuda.device_count()
        if dev.index is not None and dev.index >= count:
            raise ValueError(
                f"{name}={_short(device)} but this machine has {count} CUDA device(s); "
                f"the index must be below {count}."
            )
        return dev
    if dev.type == "mps":
        if not (hasattr(torch.backends, "mps") and torch.backends.mps.is_available()):
            raise ValueError(f"{name}={_short(device)} but MPS is not available on this machine; use 'auto' or 'cpu'.")
        return dev
    raise ValueError(f"{name}={_short(device)} is not supported; allowed: {allowed}.")


def check_factory(module, name="module"):
    """A class or callable that builds a fresh ``nn.Module`` (never a module instance)."""
    import torch

    if isinstance(module, torch.nn.Module):
        raise TypeError(
            f"{name} must be an nn.Module class or a factory function, not an instance "
            f"({type(module).__name__}(...)): the module is built fresh in every fit so that "
            f"no weights pass between folds. Pass {name}={type(module).__name__} and its keyword "
            "arguments in module_params."
        )
    if not callable(module):
        raise TypeError(f"{name} must be an nn.Module class or a callable factory; got {_short(module)}.")
    return module


def check_alphabet(alphabet, name="alphabet"):
    """None (bytes) or a string of distinct characters."""
    if alphabet is None:
        return None
    if not isinstance(alphabet, str) or len(alphabet) == 0:
        raise TypeError(f"{name} must be None (UTF-8 bytes) or a non-empty string of characters; got {_short(alphabet)}.")
    if len(set(alphabet)) != len(alphabet):
        seen, dupes = set(), []
        for ch in alphabet:
            if ch in seen and ch not in dupes:
                dupes.append(ch)
            seen.add(ch)
        raise ValueError(f"{name} repeats the characters {''.join(dupes)!r}; every character must appear once.")
    return alphabet


def check_numeric_features(X, name="X"):
    """Refuse text features with a message that says what to do (not numpy's float error)."""
    import numpy as np

    kind = getattr(getattr(X, "dtype", None), "kind", None)
    if kind is None and not hasattr(X, "dtypes"):
        try:
            kind = np.asarray(X).dtype.kind
        except Exception:
            return
    if kind in ("U", "S", "O"):
        first = np.ravel(np.asarray(X))[:1]
        if first.size and isinstance(first[0], (str, bytes)):
            raise TypeError(
                f"{name} holds text (dtype {np.asarray(X).dtype}), but this estimator takes numbers; "
                "encode it first (e.g. sklearn.preprocessing.OneHotEncoder)."
            )


def check_two_classes(classes, name="y"):
    """A classifier needs at least two classes to learn from."""
    if len(classes) < 2:
        raise ValueError(
            f"{name} has only one class ({classes[0]!r}); a classifier needs at least two classes to learn from."
        )


def check_module_output(criterion, n_outputs, *, classifier):
    """``criterion``, wrapped so that the first batch's output is checked against its target.

    The check runs inside the first loss computation, before any backward pass or
    optimizer step, and costs nothing afterwards; it draws no random numbers, so
    training is unchanged. A regressor's module must return the target's shape
    ``(batch, n_outputs)``, a classifier's ``(batch, n_classes)`` logits. Without it
    ``nn.MSELoss`` broadcasts a ``(batch,)`` output against a ``(batch, 1)`` target into
    a ``(batch, batch)`` loss and trains on nonsense.
    """
    return _FirstBatchCheck(criterion, n_outputs, classifier)


class _FirstBatchCheck:
    def __init__(self, criterion, n_outputs, classifier):
        self.criterion = criterion
        self.n_outputs = n_outputs
        self.classifier = classifier
        self.checked = False

    def __call__(self, output, target, *args, **kwargs):
        if not self.checked:
            _check_output_shape(output, target, self.n_outputs, self.classifier)
            self.checked = True
        return self.criterion(output, target, *args, **kwargs)


def _check_output_shape(output, target, n_outputs, classifier):
    got = tuple(getattr(output, "shape", ()))
    rows = len(target)
    expected = (rows, n_outputs)
    if got != expected:
        what = f"{n_outputs} class logits" if classifier else f"{n_outputs} target value{'s' if n_outputs > 1 else ''}"
        raise ValueError(
            f"module output has shape {got} on the first batch of {rows} rows, but the target "
            f"(shape {tuple(target.shape)}) needs {expected}: {what} per row. Make forward return one row of "
            f"{n_outputs} per input row (a module class gets n_outputs passed when its constructor takes it)."
        )


_SURROGATE = None


def check_text(text, name):
    """Text a language model can encode: a str without lone surrogates (which UTF-8 cannot hold).

    Lone surrogates come from bytes decoded with ``errors="surrogateescape"`` or from
    broken UTF-16; left in, they fail deep inside encoding with ``UnicodeEncodeError``.
    """
    global _SURROGATE
    if isinstance(text, (bytes, bytearray)):
        raise TypeError(
            f"{name} is bytes; decode it to str first, e.g. data.decode('utf-8', errors='replace') "
            "(invalid UTF-8 becomes U+FFFD)."
        )
    if _SURROGATE is None:
        import re

        _SURROGATE = re.compile("[\ud800-\udfff]")
    found = _SURROGATE.search(text)
    if found is not None:
        raise ValueError(
            f"{name} holds a lone surrogate U+{ord(found.group()):04X} at character {found.start()}, which "
            "cannot be encoded as UTF-8 (text decoded with errors='surrogateescape', or broken UTF-16). "
            "Clean it first, e.g. text.encode('utf-8', errors='replace').decode('utf-8')."
        )
    return text
