"""Grid search on a dask cluster of worker processes gives the local result.

The estimator travels to other processes by pickle and trains there; with a
fixed ``random_state`` each candidate must score exactly as it does in a
sequential search, so that moving a search to a cluster changes its speed and
nothing else.
"""

import numpy as np
import pytest
from joblib import parallel_backend
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from threadpoolctl import threadpool_limits

from sknumpynet import SigmoidMLPClassifier

distributed = pytest.importorskip(
    "distributed",
    reason="dask.distributed is not installed: pip install 'sknumpynet[dask]'",
)

GRID = {"hidden_layer_sizes": [(8,), (16,)], "learning_rate_init": [0.1, 0.5]}


@pytest.fixture(scope="module")
def client():
    """A client of a local cluster of two single-threaded worker processes."""
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _search(n_jobs):
    X, y = load_digits(return_X_y=True)
    search = GridSearchCV(
        SigmoidMLPClassifier(max_iter=5, random_state=0), GRID, cv=3, n_jobs=n_jobs
    )
    return search.fit(X[:600] / 16, y[:600])


def test_grid_search_on_a_dask_cluster_equals_the_sequential_search(client):
    # The workers run BLAS on one thread (dask's default for worker processes);
    # so does the sequential search, for the same sums in the same order.
    with threadpool_limits(limits=1, user_api="blas"):
        sequential = _search(n_jobs=1)
    with distributed.get_task_stream(client) as tasks, parallel_backend("dask"):
        on_cluster = _search(n_jobs=-1)

    workers = {task["worker"] for task in tasks.data}
    assert workers and workers <= set(client.scheduler_info()["workers"])
    assert on_cluster.best_params_ == sequential.best_params_
    assert_array_equal(
        on_cluster.cv_results_["mean_test_score"],
        sequential.cv_results_["mean_test_score"],
    )
    assert np.ptp(sequential.cv_results_["mean_test_score"]) > 0
