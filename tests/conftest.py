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


@pytest.fixture(autouse=True, scope="session")
def _private_cache_key(tmp_path_factory):
    """The cache's HMAC key of the test session, outside every cache directory and the user's home."""
    import os

    path = tmp_path_factory.mktemp("resample-config") / "cache-key"
    old = os.environ.get("RESAMPLE_CACHE_KEY_FILE")
    os.environ["RESAMPLE_CACHE_KEY_FILE"] = str(path)
    yield path
    if old is None:
        os.environ.pop("RESAMPLE_CACHE_KEY_FILE", None)
    else:
        os.environ["RESAMPLE_CACHE_KEY_FILE"] = old
