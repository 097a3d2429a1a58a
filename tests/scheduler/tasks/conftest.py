"""A real Dask cluster on loopback, shared by the tests of this package."""

from __future__ import annotations

import pytest
from distributed import LocalCluster


@pytest.fixture(scope="package")
def cluster():
    """A Dask scheduler and two single-core workers, each its own process, on 127.0.0.1."""
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as running:
        yield running
