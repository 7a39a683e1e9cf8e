"""Fixtures shared by the test modules."""

import pytest


@pytest.fixture
def one_thread():
    """One torch and one BLAS thread for the test, restored after.

    These machines have 2 shared cores: one thread is much faster than two that
    compete with the other process, and timings stop swinging.
    """
    torch = pytest.importorskip("torch")
    from threadpoolctl import threadpool_limits

    old = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(1):
            yield
    finally:
        torch.set_num_threads(old)
