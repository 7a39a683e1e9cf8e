"""Permutation tests of a statistic, with SciPy's names and result fields.

Three kinds of exchangeability (as :func:`scipy.stats.permutation_test`):

- ``"independent"``: the observations of all samples are pooled and dealt back into
  samples of the original sizes (two-sample and k-sample tests of equal distributions).
- ``"pairings"``: the order of each sample after the first is permuted, breaking the
  pairing of observations (tests of association, e.g. a correlation); one sample
  alone is permuted against its positions.
- ``"samples"``: within each observation the sample labels are permuted (paired tests);
  for one sample the signs are flipped (a test of symmetry about zero).

When the number of distinct permutations is at most ``n_resamples`` every one is
enumerated and the p-value is exact; otherwise permutations are drawn in blocks of
:data:`resample._utils.random.BLOCK_SIZE`, each from its own child stream, so
``batch`` never changes the result, and the p-value counts the observed arrangement
as one of the permutations (Phipson & Smyth 2010).

References
----------
Phipson, B. & Smyth, G. K. (2010). Permutation p-values should never be zero.
Statistical Applications in Genetics and Molecular Biology 9(1).
"""

import itertools
import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from resample._bootstrapping.jackknife import _fmt, _scalar
from resample._bootstrapping.statistic import BatchedStatistic
from resample._utils.checks import check_batch, check_option, check_samples, check_vectorized
from resample._utils.random import BLOCK_SIZE, as_generator, spawn

__all__ = ["PermutationTestResult", "permutation_test"]

#: Entries of permuted data per call of the statistic when ``batch`` is None.
_BUDGET = 1 << 18


@dataclass(frozen=True, eq=False, slots=True)
class PermutationTestResult:
    """The result of :func:`permutation_test` (SciPy's fields first).

    Attributes
    ----------
    statistic : float or ndarray
        The statistic on the data as observed.
    pvalue : float or ndarray
    null_distribution : ndarray of shape (n_resamples, ...)
        The statistic on each permutation, permutations on the first axis (as SciPy).
    n_resamples : int
        Permutations evaluated (all distinct ones when ``exact``).
    exact : bool
        Whether every distinct permutation was enumerated.
    permutation_type, alternative : str
    """

    statistic: object
    pvalue: object
    null_distribution: np.ndarray = field(repr=False)
    n_resamples: int
    exact: bool
    permutation_type: str
    alternative: str

    def __repr__(self):
        kind = "exact" if self.exact else f"{self.n_resamples} random permutations"
        return (
            f"PermutationTestResult(statistic={_fmt(self.statistic)}, pvalue={_fmt(self.pvalue)}, "
            f"{self.alternative}, {self.permutation_type}, {kind})"
        )


def permutation_test(
    data,
    statistic,
    *,
    permutation_type="independent",
    vectorized=None,
    n_resamples=9999,
    batch=None,
    alternative="two-sided",
    axis=0,
    rng=None,
):
    """Permutation test of a statistic: its null distribution and p-value.

    Parameters
    ----------
    data : sequence of array-like
        The samples, observations along ``axis``.
    statistic : callable
        ``statistic(*samples)`` returning a number (or a fixed-shape array); when
        vectorized, ``statistic(*samples, axis=-1)`` reduces the last axis of a batch.
    permutation_type : {"independent", "pairings", "samples"}, default="independent"
        What is exchangeable under the null hypothesis (see the module notes).
    vectorized : bool or None, default=None
        None: True when ``statistic`` takes an ``axis`` argument.
    n_resamples : int or math.inf, default=9999
        Random permutations to draw; when the number of distinct permutations is at
        most this, all of them are enumerated instead (``math.inf``: always).
    batch : int or None, default=None
        Permutations per call of a vectorized statistic (None: about 2 MB of data per
        call). It changes memory and speed, never the result.
    alternative : {"two-sided", "less", "greater"}, default="two-sided"
        "greater": the share of the null distribution at or above the observed value;
        "less": at or below; "two-sided": twice the smaller, at most 1 (SciPy's rule).
    axis : int, default=0
    rng : None, int or numpy.random.Generator, default=None

    Returns
    -------
    PermutationTestResult
        ``statistic``, ``pvalue`` and ``null_distribution``, as SciPy's.

    Notes
    -----
    Null values within ``100 eps |statistic|`` of the observed value count as equal
    to it (as SciPy), so that rounding does not decide ties. Random permutations are
    drawn differently from SciPy's, so random p-values agree in distribution only;
    exact ones agree exactly.

    Examples
    --------
    A difference of means between two small samples, with all 252 ways of dealing
    the ten observations into two groups of five:

    >>> import numpy as np
    >>> from resample import permutation_test
    >>> x = np.array([1.1, 2.3, 2.9, 3.1, 4.0]); y = np.array([3.8, 4.4, 5.0, 5.2, 6.1])
    >>> def diff(x, y, axis=-1):
    ...     return np.mean(x, axis=axis) - np.mean(y, axis=axis)
    >>> res = permutation_test((x, y), diff, alternative="less")
    >>> res.exact, res.n_resamples, round(res.pvalue * 252)  # the observed split and one other
    (True, 252, 2)
    """
    check_option(permutation_type, "permutation_type", _NULLS)
    check_option(alternative, "alternative", ("two-sided", "less", "greater"))
    samples = check_samples(data, paired=permutation_type != "independent", axis=axis, min_samples=1)
    if permutation_type == "independent" and len(samples) < 2:
        raise ValueError(
            "permutation_type='independent' deals pooled observations back into samples: pass at least two "
            "samples, or permutation_type='samples' (sign flips) for one."
        )
    if permutation_type == "samples" and len({s.shape for s in samples}) > 1:
        raise ValueError(
            "permutation_type='samples' exchanges paired observations between samples, which must have "
            f"the same shape; got shapes {[s.shape for s in samples]}."
        )
    n_resamples = _check_n_resamples(n_resamples)
    batch = check_batch(batch)
    stat = BatchedStatistic(statistic, samples, vectorized=check_vectorized(vectorized, statistic), paired=False)
    rng = as_generator(rng, "rng")

    null = _NULLS[permutation_type](samples)
    exact = null.count <= n_resamples
    total = null.count if exact else n_resamples
    chunk = batch or max(1, _BUDGET // max(1, sum(s.size for s in samples)))
    chunk = min(chunk, BLOCK_SIZE)
    if exact:
        parts = [stat.evaluate(null.permute(block), len(block)) for block in null.enumerate(chunk)]
    else:
        parts = []
        for k, child in enumerate(spawn(rng, math.ceil(n_resamples / BLOCK_SIZE))):
            m = min(BLOCK_SIZE, n_resamples - k * BLOCK_SIZE)
            for s in range(0, m, chunk):
                block = null.draw(child, min(chunk, m - s))
                parts.append(stat.evaluate(null.permute(block), len(block)))
    distribution = np.moveaxis(np.concatenate(parts, axis=-1), -1, 0)  # (B, *S)
    pvalue = _pvalue(stat.value, distribution, alternative, adjustment=0 if exact else 1)
    return PermutationTestResult(
        statistic=_scalar(stat.value),
        pvalue=_scalar(pvalue),
        null_distribution=distribution,
        n_resamples=int(total),
        exact=bool(exact),
        permutation_type=permutation_type,
        alternative=alternative,
    )


def _check_n_resamples(n_resamples):
    if n_resamples == math.inf:
        return math.inf
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, numbers.Integral) or n_resamples < 1:
        raise ValueError(f"n_resamples={n_resamples!r} is not allowed: it must be an int >= 1 or math.inf.")
    return int(n_resamples)


def _pvalue(observed, null, alternative, adjustment):
    """SciPy's rule: counts within a relative tolerance, plus one for a random test."""
    gamma = np.abs(100 * np.finfo(float).eps * observed)
    n = null.shape[0]
    less = ((null <= observed + gamma).sum(axis=0) + adjustment) / (n + adjustment)
    greater = ((null >= observed - gamma).sum(axis=0) + adjustment) / (n + adjustment)
    p = {"less": less, "greater": greater, "two-sided": 2 * np.minimum(less, greater)}[alternative]
    return np.clip(p, 0.0, 1.0)


class _Independent:
    """Pool the samples; a permutation is an ``(N,)`` order of the pooled observations."""

    def __init__(self, samples):
        self.sizes = [s.shape[-1] for s in samples]
        self.cuts = np.cumsum(self.sizes)[:-1]
        self.pooled = np.concatenate(samples, axis=-1)  # (*L, N)
        ends = np.cumsum(self.sizes)
        self.count = math.prod(math.comb(int(e), n) for e, n in zip(ends[1:], self.sizes[1:]))

    def draw(self, generator, m):
        return np.argsort(generator.random((m, sum(self.sizes))), axis=-1)

    def enumerate(self, chunk):
        rows = _partitions(list(range(sum(self.sizes))), self.sizes)
        return _batches(rows, chunk)

    def permute(self, order):
        return np.split(self.pooled[..., order], self.cuts, axis=-1)  # each (*L, m, n_j)


class _Pairings:
    """Permute the order of every sample after the first (of the only one when alone)."""

    def __init__(self, samples):
        self.samples = samples
        self.n = samples[0].shape[-1]
        self.moving = max(1, len(samples) - 1)
        self.count = math.factorial(self.n) ** self.moving

    def draw(self, generator, m):
        return np.argsort(generator.random((m, self.moving, self.n)), axis=-1)

    def enumerate(self, chunk):
        rows = itertools.product(itertools.permutations(range(self.n)), repeat=self.moving)  # (moving, n) each
        return _batches(rows, chunk)

    def permute(self, orders):  # (m, moving, n)
        m = len(orders)
        fixed = self.samples[:1] if len(self.samples) > 1 else []
        out = [np.broadcast_to(s[..., None, :], (*s.shape[:-1], m, s.shape[-1])) for s in fixed]
        first = len(fixed)
        return out + [s[..., orders[:, j, :]] for j, s in enumerate(self.samples[first:])]


class _Samples:
    """Permute the sample labels within each observation; sign flips for one sample."""

    def __init__(self, samples):
        self.one = len(samples) == 1
        self.stacked = np.stack(samples if not self.one else [samples[0], -samples[0]], axis=-1)  # (*L, n, k)
        self.n, self.k = self.stacked.shape[-2:]
        self.count = math.factorial(self.k) ** self.n

    def draw(self, generator, m):
        return np.argsort(generator.random((m, self.n, self.k)), axis=-1)

    def enumerate(self, chunk):
        rows = (np.array(p) for p in itertools.product(itertools.permutations(range(self.k)), repeat=self.n))
        return _batches(rows, chunk)

    def permute(self, labels):  # (m, n, k)
        out = self.stacked[..., np.arange(self.n)[None, :, None], labels]  # (*L, m, n, k)
        return [out[..., 0]] if self.one else [out[..., j] for j in range(self.k)]


_NULLS = {"independent": _Independent, "pairings": _Pairings, "samples": _Samples}


def _partitions(items, sizes):
    """Every way to deal ``items`` into groups of ``sizes`` (order within a group fixed), concatenated."""
    if len(sizes) == 1:
        yield list(items)
        return
    for first in itertools.combinations(items, sizes[0]):
        chosen = set(first)
        rest = [i for i in items if i not in chosen]
        for tail in _partitions(rest, sizes[1:]):
            yield list(first) + tail


def _batches(rows, chunk):
    while True:
        block = list(itertools.islice(rows, chunk))
        if not block:
            return
        yield np.stack([np.asarray(r) for r in block])
