"""Speed and memory of SigmoidMLPClassifier, measured against its anchors.

``python -m sknumpynet.benchmarks.speed`` prints each figure, the median of
``--repeats`` runs timed in turn with its anchor's, beside that anchor, their
ratio and whether the ratio meets its target. Its groups, numbered as their
figures, are ``epochs`` (1, 2), ``accuracy`` (3, 4), ``memory`` (5),
``scaling`` (6), ``augmentation`` (7), ``threads`` (8, 9) and ``recipes``
(10); ``--only`` runs some of them, docs/benchmarks.md describes them.
"""

import argparse
import platform
import sys
import warnings
from datetime import datetime

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_info

from sknumpynet.benchmarks._environment import cpu_model
from sknumpynet.benchmarks._speed_training import FIGURES, NAME_WIDTH, load_train_test


def main(argv=None):
    """Measure and print the speed figures of the groups asked for.

    Parameters
    ----------
    argv : list of str, default=None
        ``--repeats``, ``--quick`` and ``--only``; ``sys.argv[1:]`` if None.

    Returns
    -------
    status : int
        0, the exit status.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--quick", action="store_true", help="10k training samples, fewer sizes"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=FIGURES,
        default=list(FIGURES),
        metavar="GROUP",
        help=f"run only these groups of figures, of: {', '.join(FIGURES)}",
    )
    args = parser.parse_args(argv)
    mnist = load_train_test("mnist", args.quick)
    X = mnist[0]
    threads = ", ".join(
        f"{info['internal_api']}={info['num_threads']}" for info in threadpool_info()
    )
    print(f"# sknumpynet speed benchmark, {datetime.now():%Y-%m-%d %H:%M}")
    print(f"# machine: {cpu_model()}, threads: {threads}")
    print(f"# numpy {np.__version__}, python {platform.python_version()}")
    print(f"# MNIST train {X.shape} {X.dtype}; median of {args.repeats} runs")
    header = f"{'figure':<{NAME_WIDTH}} {'ours':>14} {'anchor':>14} {'ratio':>7}"
    print(header, flush=True)
    # The figures fit for a few epochs on purpose: their fits may not converge.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for group in FIGURES:
            if group in args.only:
                FIGURES[group](mnist, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
