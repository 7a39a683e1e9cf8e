"""Intervals of data near the floating-point floor: every method is scale-equivariant.

``np.std`` squares deviations, which underflow below about 1e-154; the studentized
bootstrap then divided 0 by 0 and returned a NaN interval (seen as a rare failure of
test_bootstrap.py::test_intervals_are_ordered when hypothesis drew values near 1e-300).
"""

import warnings

import numpy as np
import pytest

from resample import bootstrap
from resample.exceptions import DegenerateWarning, ResampleWarning

METHODS = ["percentile", "basic", "normal", "bca", "studentized"]


@pytest.mark.parametrize("method", METHODS)
# powers of two scale every value exactly, so ties with the estimate (BCa counts them) are kept
@pytest.mark.parametrize("scale", [2.0**-1000, 2.0**-530, 2.0**530])
def test_intervals_scale_with_the_data(method, scale):
    x = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 3.5])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (DegenerateWarning, ResampleWarning))
        unit = bootstrap((x,), np.mean, method=method, n_resamples=300, n_inner=10, rng=3)
        tiny = bootstrap((x * scale,), np.mean, method=method, n_resamples=300, n_inner=10, rng=3)
    assert np.all(np.isfinite(tiny.confidence_interval))
    np.testing.assert_allclose(np.array(tiny.confidence_interval) / scale, unit.confidence_interval, rtol=1e-9)
    assert tiny.standard_error / scale == pytest.approx(unit.standard_error, rel=1e-9)
    if method == "bca":
        assert tiny.acceleration == pytest.approx(unit.acceleration, rel=1e-9)
