"""An up-front estimate of a bootstrap's memory and time: refuse what cannot fit, say what is long.

``bootstrap(..., n_resamples=10**10)`` would grow its distribution for hours (75 MB/s)
before the kernel killed it. The estimate before any drawing:

- memory: the bootstrap distribution, ``K`` values per resample (the statistic's size)
  times 8 bytes, held about :data:`PEAK_COPIES` times at the peak (the blocks, their
  concatenation, the copies NumPy's quantiles sort), twice for the studentized method
  (the per-resample standard errors); compared with the memory available to this
  process (``MemAvailable`` of ``/proc/meminfo``, or the ``RLIMIT_AS`` limit of
  ``prlimit --as`` / ``ulimit -v`` when lower), where the platform tells it;
- time: only for large runs (above :data:`PILOT_FROM` resamples), from a pilot of one
  chunk of resamples drawn from a throwaway stream (the caller's ``rng`` is not used).

A run that does not fit is refused with the memory it needs, the memory there is and
the most resamples that fit; one estimated to take over :data:`LONG_SECONDS` gets a
:class:`~resample.exceptions.ResampleWarning` with both estimates before it starts.
"""

import os
import resource
import time
import warnings

from resample._utils.rules import check_int
from resample._utils.sample_checks import MAX_RESAMPLES
from resample._utils.sklearn_compat import ParameterError
from resample.exceptions import ResampleWarning

__all__ = ["available_memory", "check_n_resamples", "check_size", "format_bytes"]

#: Copies of the distribution held at the peak of a run (measured with tracemalloc at
#: 10^6 resamples of a mean: 3.13 for the percentile, basic and BCa methods).
PEAK_COPIES = 3.5
#: Estimates below this many bytes are not compared with the memory available.
SMALL = 64 * 2**20
#: Runs with more resamples than this get a timed pilot before they start.
PILOT_FROM = 10**5
#: Runs estimated to take longer than this (seconds) are announced with a warning.
LONG_SECONDS = 3600.0


def available_memory():
    """Bytes this process may still allocate, or None where the platform does not say."""
    limits = []
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    limits.append(int(line.split()[1]) * 1024)
    except OSError:
        pass
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        try:
            with open("/proc/self/statm") as f:
                used = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")  # virtual size now
        except (OSError, ValueError):
            used = 0
        limits.append(max(soft - used, 0))
    return min(limits) if limits else None


def format_bytes(n):
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} bytes"


def _format_seconds(s):
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if s >= size:
            return f"{s / size:.3g} {unit}"
    return f"{s:.2g} s"


def check_n_resamples(n_resamples, *, previous=0, name="n_resamples"):
    """An int of at least 1 (0 when ``previous`` resamples are passed back in); its size is
    bounded by :func:`check_size`, where the memory it needs is known."""
    check_int(n_resamples, name, low=0)
    if n_resamples < 1 and previous < 1:
        try:  # the rule's own message (as every Interval rule words it), and when 0 is allowed
            check_int(n_resamples, name, low=1)
        except ParameterError as exc:
            raise ParameterError(
                f"{exc} 0 is allowed only when a bootstrap_result with resamples is passed back in."
            ) from None
    return int(n_resamples)


def check_size(n_resamples, values_per_resample, *, studentized=False, pilot=None, name="n_resamples"):
    """Refuse a run whose distribution cannot fit in memory; warn about one of over an hour.

    ``pilot(m)`` (optional) evaluates ``m`` resamples; it is timed on one chunk when
    ``n_resamples`` exceeds :data:`PILOT_FROM`. Where the available memory is unknown,
    :data:`~resample._utils.sample_checks.MAX_RESAMPLES` bounds the run instead.
    Returns the estimated bytes.
    """
    per_resample = values_per_resample * 8 * PEAK_COPIES * (2 if studentized else 1)
    needed = n_resamples * per_resample
    # below SMALL nothing is read (reading /proc costs about 1 ms, a tenth of a small run)
    available = available_memory() if needed > SMALL else float("inf")
    if available is None and n_resamples > MAX_RESAMPLES:
        raise ValueError(
            f"{name}={n_resamples} is out of range: this platform does not say how much memory is available, "
            f"so at most {MAX_RESAMPLES} resamples are allowed (about {format_bytes(MAX_RESAMPLES * per_resample)})."
        )
    if available is not None and needed > available:
        fits = max(int(available // per_resample), 0)
        raise ValueError(
            f"{name}={n_resamples} needs about {format_bytes(needed)} of memory for the bootstrap distribution "
            f"({values_per_resample} value(s) per resample, 8 bytes each, about {PEAK_COPIES}"
            f"{' x 2' if studentized else ''} copies at the peak), and {format_bytes(available)} is available. "
            f"Allowed here: at most about {fits} resamples (memory, not a fixed number, sets the most)."
        )
    if pilot is not None and n_resamples > PILOT_FROM:
        m = 256
        start = time.perf_counter()
        pilot(m)
        seconds = (time.perf_counter() - start) / m * n_resamples
        if seconds > LONG_SECONDS:
            warnings.warn(
                f"{name}={n_resamples}: this bootstrap will take about {_format_seconds(seconds)} "
                f"(timed on {m} resamples) and about {format_bytes(needed)} of memory at the peak.",
                ResampleWarning,
                stacklevel=3,
            )
    return needed
