"""Speed and accuracy of SigmoidMLPClassifier, each figure beside an anchor.

``python -m sknumpynet.benchmarks.speed`` prints the value of each figure
beside an anchor measured in the same run, and their ratio, value / anchor; it
judges none of them. A timed value and its anchor are the medians of
``--repeats`` runs, each run of the value followed by one of its anchor.
``--json PATH`` writes the figures, notes and results as JSON too. The groups,
numbered as their figures; ``--only`` runs some of them:

- ``epochs`` (1, 2): seconds per epoch against scikit-learn's MLPClassifier
  set up as the book's network, and against the epoch's matrix products alone;
- ``accuracy`` (3, 4): test accuracy and fit time of a wide dropout network
  and of the defaults, against MLPClassifier with the same hidden layers,
  batch size and epochs;
- ``memory`` (5): the memory fit allocates, against the size of the data;
- ``scaling`` (6): the log-log slope of fit time against the number of images;
- ``augmentation`` (7): the seconds RandomShift, RandomAffine and
  ElasticDistortion (a field per image, and one per 16 images) add to an
  epoch inside fit, against the unaugmented epoch, with one BLAS thread
  and with two;
- ``threads`` (8, 9): the defaults' fit with one core kept busy against the
  idle machine, and an epoch with the BLAS threads fit chooses against one
  thread;
- ``recipes`` (10): each recipe of ``sknumpynet.benchmarks._recipes`` over
  ``--seeds`` seeds, against the tuned SVC of the benchmark's results fitted
  in the same run, with the exact McNemar test of each seed against it (and
  on digits against the virtual SVC built from it, fitted in the same run).
"""

import argparse
import json
import platform
import sys
import warnings
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_info

from .. import __version__
from ._environment import cpu_model, describe_environment, source_commit
from ._speed_recipes import SvcResultsError, recipe_datasets, recipe_figures, tuned_svcs
from ._speed_training import (
    NAME_WIDTH,
    Settings,
    SpeedLog,
    accuracy_figures,
    augmentation_figures,
    epoch_figures,
    load_train_test,
    memory_figure,
    scaling_figure,
    thread_figures,
)

# The groups of figures that --only selects, in the order they run.
GROUPS = {
    "epochs": epoch_figures,
    "accuracy": accuracy_figures,
    "memory": memory_figure,
    "scaling": scaling_figure,
    "augmentation": augmentation_figures,
    "threads": thread_figures,
    "recipes": recipe_figures,
}


def main(argv=None):
    """Measure and print the figures of the groups asked for.

    Parameters
    ----------
    argv : list of str, default=None
        The command-line arguments (see ``--help``); ``sys.argv[1:]`` if None.

    Returns
    -------
    status : int
        0 once every group asked for has run.
    """
    parser = _parser()
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(arguments)
    settings = Settings(repeats=args.repeats, quick=args.quick, seeds=args.seeds)
    if "recipes" in args.only:
        try:
            svcs = tuned_svcs(recipe_datasets(), args.svc_results or ())
        except SvcResultsError as exc:
            parser.error(str(exc))
        settings = replace(settings, svcs=svcs)
    if args.json and not Path(args.json).parent.is_dir():
        parser.error(f"--json {args.json}: no folder {Path(args.json).parent}")
    log = SpeedLog()
    mnist = load_train_test("mnist", args.quick)
    _print_header(arguments, mnist, settings, log.started)
    # The figures fit for a few epochs on purpose: their fits may not converge.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for group, measure in GROUPS.items():
            if group in args.only:
                log.group = group
                measure(mnist, settings, log)
    if args.json:
        _write_json(arguments, args, log)
    return 0


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m sknumpynet.benchmarks.speed",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--repeats",
        type=_positive_int,
        default=3,
        help="runs of each timed figure and its anchor, of which the median "
        "is printed (default: %(default)s)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="10,000 training images, no 800-neuron epochs, 2 epochs a network "
        "in accuracy and recipes: a check that every group runs, not a measurement",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=GROUPS,
        default=list(GROUPS),
        metavar="GROUP",
        help=f"run only these groups, of: {', '.join(GROUPS)}",
    )
    parser.add_argument(
        "--seeds",
        type=_positive_int,
        default=3,
        help="seeds of each recipe (default: %(default)s)",
    )
    parser.add_argument(
        "--svc-results",
        nargs="+",
        metavar="PATH",
        help="results.json files of sknumpynet-bench runs, whose tuned SVC the "
        "recipes of their data set are compared with (default: "
        "docs/benchmarks/<dataset>/results.json of a source checkout)",
    )
    parser.add_argument(
        "--json", metavar="PATH", help="also write the figures to PATH as JSON"
    )
    return parser


def _positive_int(text):
    """`text` as an int of at least 1, for argparse."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _print_header(arguments, mnist, settings, started):
    """Print what ran, on what, and how the figures are measured."""
    threads = ", ".join(
        f"{info['internal_api']}={info['num_threads']}" for info in threadpool_info()
    )
    commit = source_commit() or "installed copy"
    X = mnist.X_train
    print(f"# sknumpynet speed benchmark, {started:%Y-%m-%d %H:%M}")
    print(f"# command: python -m sknumpynet.benchmarks.speed {' '.join(arguments)}")
    print(f"# sknumpynet {__version__} ({commit})")
    print(f"# machine: {cpu_model()}, threads: {threads}")
    print(f"# numpy {np.__version__}, python {platform.python_version()}")
    print(
        f"# MNIST train {X.shape} {X.dtype}; timed values and their anchors: "
        f"medians of --repeats {settings.repeats} runs taken in turn; "
        "ratio: value / anchor"
    )
    header = f"{'figure':<{NAME_WIDTH}} {'value':>14} {'anchor':>14} {'ratio':>7}"
    print(header, flush=True)


def _write_json(arguments, args, log):
    """Write what ran and everything `log` kept to ``args.json``."""
    record = {
        "command": ["python", "-m", "sknumpynet.benchmarks.speed", *arguments],
        "started": log.started.isoformat(timespec="seconds"),
        "finished": datetime.now().isoformat(timespec="seconds"),
        "options": vars(args),
        "environment": describe_environment(),
        **log.as_dict(),
    }
    with open(args.json, "w", encoding="utf-8") as file:
        json.dump(record, file, indent=2)
        file.write("\n")


if __name__ == "__main__":
    sys.exit(main())
