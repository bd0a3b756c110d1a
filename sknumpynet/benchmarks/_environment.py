"""What ran the benchmark: the machine, the libraries, the source, the backend."""

import os
import platform
import subprocess
import sys
from contextlib import ExitStack, contextmanager
from importlib import metadata
from pathlib import Path

import joblib
from threadpoolctl import threadpool_info

LIBRARIES = (
    "sknumpynet",
    "numpy",
    "scipy",
    "scikit-learn",
    "joblib",
    "threadpoolctl",
    "pandas",
    "matplotlib",
    "skl2onnx",
    "onnxruntime",
    "dask",
    "distributed",
)


def describe_environment():
    """Python, libraries, CPU, cores, BLAS and source commit of this run, as a dict."""
    affinity = getattr(os, "sched_getaffinity", None)  # Linux only
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "usable_cores": len(affinity(0)) if affinity else os.cpu_count(),
        "libraries": {name: _version(name) for name in LIBRARIES},
        "sknumpynet_commit": source_commit(),
        "blas": [
            {key: pool.get(key) for key in ("internal_api", "version", "num_threads")}
            for pool in threadpool_info()
            if pool.get("user_api") == "blas"
        ],
    }


def source_commit():
    """The git commit of the sknumpynet checkout that runs, None for an installed copy.

    The hash is followed by ``" with uncommitted changes"`` when tracked files
    differ from it.
    """
    package_dir = Path(__file__).resolve().parents[1]

    def git(*args):
        completed = subprocess.run(
            ["git", "-C", str(package_dir), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        return completed.stdout.strip()

    try:
        # A copy installed inside some other repository is not its checkout.
        if Path(git("rev-parse", "--show-toplevel")) != package_dir.parent:
            return None
        commit = git("rev-parse", "HEAD")
        changed = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + (" with uncommitted changes" if changed else "")


def cpu_model():
    """The CPU's model name, from /proc/cpuinfo or else the platform module."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith(("model name", "Processor", "cpu model")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _version(distribution):
    """The installed version of `distribution`, None if it is not installed."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


@contextmanager
def search_backend(backend, n_jobs, scheduler_address):
    """Set joblib's `backend` for the block, with a dask client if it is dask.

    The client connects to `scheduler_address`, else starts a local cluster of
    `n_jobs` single-threaded workers. Yields a description of the backend for
    the results: for dask, the scheduler's address and its workers.
    """
    description = {"backend": backend, "n_jobs": n_jobs}
    with ExitStack() as stack:
        if backend == "dask":
            # joblib's dask backend binds to the client that exists when it is set.
            client = stack.enter_context(_dask_client(n_jobs, scheduler_address))
            workers = client.scheduler_info().get("workers", {})
            description |= {
                "scheduler_address": client.scheduler.address,
                "dask_workers": len(workers),
                "dask_threads": sum(w.get("nthreads", 0) for w in workers.values()),
            }
        stack.enter_context(joblib.parallel_config(backend=backend, n_jobs=n_jobs))
        yield description


def _dask_client(n_jobs, scheduler_address):
    """A client of the scheduler at `scheduler_address`, else of a local cluster."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise ImportError(
            '--backend dask needs dask.distributed: pip install "sknumpynet[dask]"'
        ) from exc
    if scheduler_address:
        return Client(scheduler_address)
    # The client closes the LocalCluster it starts when it closes.
    n_workers = joblib.effective_n_jobs(n_jobs)
    return Client(n_workers=n_workers, threads_per_worker=1, dashboard_address=None)
