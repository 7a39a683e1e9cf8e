"""The bootstrap's up-front size check (size_check.py) and its lazily spawned streams."""

import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

from resample import bootstrap
from resample._bootstrapping import size_check
from resample._bootstrapping.draws import children
from resample.exceptions import ResampleWarning

X = np.random.default_rng(0).normal(size=100)


def test_a_run_that_cannot_fit_is_refused_before_drawing(monkeypatch):
    monkeypatch.setattr(size_check, "available_memory", lambda: 10**9)
    with pytest.raises(ValueError, match=r"n_resamples=10000000000 needs about 280 GB of memory .* and 1 GB is "
                                         r"available\. Allowed here: at most about 35714285 resamples"):  # fmt: skip
        bootstrap((X,), np.mean, n_resamples=10**10)
    # two values per resample need twice the memory
    with pytest.raises(ValueError, match=r"at most about 17857142 resamples"):
        bootstrap((X,), lambda x, axis=-1: np.stack([x.mean(axis), x.std(axis)]), n_resamples=10**8)


def test_the_limit_of_prlimit_is_read():
    # a child process under ulimit -v 2 GB: 10**8 resamples (2.8 GB) no longer fit
    code = textwrap.dedent("""
        import resource, numpy as np
        resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, resource.RLIM_INFINITY))
        from resample import bootstrap
        try:
            bootstrap((np.arange(10.0),), np.mean, n_resamples=10**8)
        except ValueError as e:
            print(e)
    """)
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
    assert "n_resamples=100000000 needs about 2.8 GB" in out.stdout, out.stderr


def test_unknown_memory_keeps_the_old_bound(monkeypatch):
    monkeypatch.setattr(size_check, "available_memory", lambda: None)
    with pytest.raises(ValueError, match="does not say how much memory is available, so at most 100000000"):
        bootstrap((X,), np.mean, n_resamples=10**9)


def test_a_long_run_is_announced_with_its_estimates(monkeypatch):
    monkeypatch.setattr(size_check, "PILOT_FROM", 1000)
    monkeypatch.setattr(size_check, "LONG_SECONDS", 1e-6)
    with pytest.warns(ResampleWarning, match=r"n_resamples=2000: this bootstrap will take about .* \(timed on 256 "
                                             r"resamples\) and about 56 kB of memory at the peak"):  # fmt: skip
        res = bootstrap((X,), np.mean, n_resamples=2000, method="percentile", rng=1)
    # the pilot draws from a throwaway stream: the caller's values are unchanged
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        monkeypatch.setattr(size_check, "PILOT_FROM", 10**9)
        again = bootstrap((X,), np.mean, n_resamples=2000, method="percentile", rng=1)
    np.testing.assert_array_equal(res.bootstrap_distribution, again.bootstrap_distribution)


@pytest.mark.parametrize("first", [0, 3, 1500])
def test_children_in_groups_equal_one_spawn(first):
    a = [g.integers(2**63) for g in np.random.default_rng(7).spawn(2500)[first:]]
    b = [g.integers(2**63) for g in children(np.random.default_rng(7), 2500, first, group=1024)]
    assert a == b
