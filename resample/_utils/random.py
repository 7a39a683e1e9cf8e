"""Randomness in one place.

Estimator classes take ``random_state`` (int, ``numpy.random.Generator``, or None);
functions take a keyword ``rng`` (SciPy's convention). Both become a
:class:`numpy.random.Generator` here. Work is cut into units (a split, or a fixed-size
block of resamples) and each unit gets its own child stream from
``Generator.spawn``, so results never depend on ``n_jobs`` or on the order in which
units run.
"""

import numbers

import numpy as np

__all__ = ["as_generator", "spawn", "int_seed", "BLOCK_SIZE"]

#: Resamples drawn from one child stream. Spawning one stream per resample costs
#: more than the resample itself at 10,000 resamples; a block amortises it while
#: keeping results independent of how blocks are scheduled.
BLOCK_SIZE = 256


def as_generator(seed, name="random_state"):
    """Turn ``seed`` into a fresh :class:`numpy.random.Generator`.

    Parameters
    ----------
    seed : None, int, numpy.random.Generator or numpy.random.SeedSequence
        None gives fresh OS entropy. A Generator is used as given (not copied),
        as in SciPy.
    name : str, default="random_state"
        The parameter name used in error messages.

    Examples
    --------
    >>> g = as_generator(0)
    >>> int(g.integers(100)) == int(as_generator(0).integers(100))
    True
    """
    if seed is None or isinstance(seed, (numbers.Integral, np.random.SeedSequence)):
        if isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed < 0:
            raise ValueError(f"{name} must be a non-negative int, a numpy Generator or None; got {seed!r}.")
        if isinstance(seed, bool):
            raise TypeError(f"{name} must be an int, a numpy Generator or None; got {seed!r}.")
        return np.random.default_rng(seed)
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, np.random.RandomState):
        raise TypeError(
            f"{name} got a legacy numpy RandomState; pass an int or a "
            "numpy.random.Generator (np.random.default_rng(seed)) instead."
        )
    raise TypeError(f"{name} must be an int, a numpy Generator or None; got {seed!r}.")


def spawn(generator, n):
    """``n`` independent child generators of ``generator`` (one per unit of work)."""
    return generator.spawn(n)


def int_seed(generator):
    """An int seed drawn from ``generator``, for APIs that need one.

    scikit-learn's splitters reject a Generator; torch wants an int.
    """
    return int(generator.integers(0, 2**31 - 1))
