"""engine="numba": the compiled draw-and-sum of a mean's bootstrap (compiled.py).

The reference stream is computed with numpy from resample._utils.counter_rng's
definition, so the compiled loop is checked value for value, not only in law.
"""

import numpy as np
import pytest

from resample import bootstrap
from resample._bootstrapping.compiled import draw_compiled
from resample._bootstrapping.statistic import BatchedStatistic
from resample._utils.counter_rng import key_from_seed, random_bits, uniform


def _reference(x, key, streams):
    n = x.size
    out = []
    for b in streams:
        u = uniform(random_bits(key, b, np.arange(n, dtype=np.uint64)))
        out.append(np.add.reduce(x[np.minimum((u * n).astype(np.int64), n - 1)]))  # summed in order below
    return np.array(out)


def test_the_stream_is_counter_rngs():
    pytest.importorskip("numba")
    x = np.random.default_rng(0).normal(size=37)
    stat = BatchedStatistic(np.sum, [x], vectorized=True, paired=False)
    key = key_from_seed(5)
    got = draw_compiled(stat, 50, None, start=10, key=key)
    np.testing.assert_allclose(got, _reference(x, key, range(10, 60)), rtol=1e-13, atol=1e-13)


def test_threads_and_extension_do_not_change_values():
    numba = pytest.importorskip("numba")
    x = np.random.default_rng(1).exponential(size=1000)
    one = bootstrap((x,), np.mean, n_resamples=1000, engine="numba", method="percentile", rng=3)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        single = bootstrap((x,), np.mean, n_resamples=1000, engine="numba", method="percentile", rng=3)
    finally:
        numba.set_num_threads(before)
    part = bootstrap((x,), np.mean, n_resamples=300, engine="numba", method="percentile", rng=3)
    rest = bootstrap((x,), np.mean, n_resamples=700, engine="numba", method="percentile", rng=3,
                     bootstrap_result=part)  # fmt: skip
    np.testing.assert_array_equal(one.bootstrap_distribution, single.bootstrap_distribution)
    np.testing.assert_array_equal(one.bootstrap_distribution, rest.bootstrap_distribution)


def test_the_standard_error_is_the_plug_in_one():
    pytest.importorskip("numba")
    x = np.random.default_rng(2).normal(size=500)
    res = bootstrap((x,), np.mean, n_resamples=20_000, engine="numba", rng=4)
    exact = np.std(x) / np.sqrt(x.size)  # the bootstrap SE of a mean, in closed form
    # the estimate's relative sd is about 1/sqrt(2 B) = 0.5%: 3% is six of them (about 1e-9 by chance)
    assert res.standard_error == pytest.approx(exact, rel=0.03)
    assert res.bias == pytest.approx(0.0, abs=4 * exact / np.sqrt(20_000) * 1.5)
    assert "closed-form" in " ".join(res.notes)  # BCa's acceleration as for the numpy engine


def test_what_the_engine_does_not_serve_is_refused_with_the_reason():
    x = np.arange(10.0)
    with pytest.raises(ValueError, match='engine must be "numpy" or "numba"; got \'cuda\''):
        bootstrap((x,), np.mean, engine="cuda")
    with pytest.raises(ValueError, match=r'engine="numba" .* here statistic is <lambda>, not np.mean or np.sum'):
        bootstrap((x,), lambda s, axis=-1: s.mean(axis), engine="numba")
    with pytest.raises(ValueError, match="blocks and strata resample by the numpy engine only"):
        bootstrap((x,), np.mean, engine="numba", block_length=2, method="percentile")
    with pytest.raises(ValueError, match="one 1-D sample"):
        bootstrap((x.reshape(2, 5),), np.mean, axis=-1, engine="numba")
