"""Command line of the benchmark.

Run as ``sknumpynet-bench`` or ``python -m sknumpynet.benchmarks``.
"""

import argparse
import shlex
import sys

from ..datasets import DataFileError, DatasetNotFoundError
from ._contenders import CONTENDER_NAMES
from ._report import write_outputs
from ._run import DATASETS, Progress, make_settings, run_benchmark

DEFAULT_OUTPUT = "sknumpynet-bench-results"

DESCRIPTION = """\
How does a sigmoid network trained by SGD compare with an SVM on MNIST, each
tuned fairly? Every contender (a scikit-learn Pipeline) is tuned by a grid
search on the same stratified folds of a training subset, refitted on the
whole training set and tested on the official test set; then fit time,
prediction time and accuracy are measured against the training-set size for
the tuned SVC and SigmoidMLPClassifier. Writes results.json, results.csv,
report.md and PNG plots (with matplotlib) to --output. Progress goes to stderr.
The full MNIST run took 28 minutes here, on 2 cores with nothing else
running (see docs/benchmarks.md); --quick about a minute.
"""


def build_parser():
    """The argument parser of the benchmark.

    Returns
    -------
    parser : argparse.ArgumentParser
    """
    parser = argparse.ArgumentParser(
        prog="sknumpynet-bench",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--dataset",
        choices=DATASETS,
        default="mnist",
        help="mnist (default) and fashion-mnist: 60,000 training and 10,000 test "
        "images, see sknumpynet.datasets; digits: scikit-learn's bundled 8x8 "
        "digits, for a run with no data installed.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="Small subsets (3,000 training and 2,000 test images) and small "
        "grids: everything runs, in a minute or two.",
    )
    parser.add_argument(
        "--output",
        default=DEFAULT_OUTPUT,
        metavar="DIR",
        help=f"Folder of the results and report (default: ./{DEFAULT_OUTPUT}).",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="Seeds the subsets, the folds and every estimator (default: 0).",
    )
    parser.add_argument(
        "--n-jobs",
        type=int,
        default=-1,
        help="Parallel jobs of every grid search (default: -1, all cores).",
    )
    parser.add_argument(
        "--backend",
        default="loky",
        help="joblib backend of the grid searches, set through "
        "joblib.parallel_config: loky (default), threading, multiprocessing, "
        "sequential, dask, or any registered one.",
    )
    parser.add_argument(
        "--scheduler-address",
        metavar="ADDRESS",
        help="With --backend dask: the dask scheduler to use, e.g. "
        "tcp://10.0.0.5:8786. Without it, a LocalCluster of --n-jobs "
        "single-threaded workers is started and closed.",
    )
    parser.add_argument(
        "--contenders",
        type=_names,
        default=(),
        metavar="NAMES",
        help=f"Comma-separated subset of {', '.join(CONTENDER_NAMES)} (default: all).",
    )
    sizes = parser.add_argument_group(
        "sizes", "Defaults depend on --quick; see report.md for the values used."
    )
    sizes.add_argument(
        "--cv-subset",
        type=_positive_int,
        metavar="N",
        help="Training images of the grid searches (full run: 10000).",
    )
    sizes.add_argument(
        "--cv-folds",
        type=_positive_int,
        metavar="K",
        help="Folds of the grid searches (default: 3).",
    )
    sizes.add_argument(
        "--scaling-sizes",
        type=_sizes,
        metavar="N,N,...",
        help="Training-set sizes of the scaling study (full run: "
        "1000,2000,5000,10000,20000,60000); the whole training set is always "
        "the last point.",
    )
    sizes.add_argument(
        "--scaling-test-size",
        type=_positive_int,
        metavar="N",
        help="Test images predicted in the scaling study (full run: 2000).",
    )
    sizes.add_argument(
        "--predict-repeats",
        type=_positive_int,
        metavar="R",
        help="At most R predictions timed per model; the median is reported "
        "with the number of runs (default: 3).",
    )
    sizes.add_argument(
        "--predict-budget",
        type=_positive_float,
        metavar="SECONDS",
        help="Stop repeating a model's predictions once they have taken "
        "SECONDS together; one is always timed (default: 60).",
    )
    parser.add_argument(
        "--blas-threads",
        type=_positive_int,
        metavar="T",
        help="Limit BLAS (OpenBLAS, MKL) to T threads for the whole run, "
        "through threadpoolctl (default: the libraries' own choice, usually "
        "one per core). On a machine shared with other work, 1 avoids "
        "threads that wait for each other and inflate the times of the "
        "networks many times over.",
    )
    parser.add_argument(
        "--data-home",
        metavar="DIR",
        help="Data folder of sknumpynet.datasets (default: scikit-learn's).",
    )
    parser.add_argument(
        "--no-plots", action="store_true", help="Do not draw the PNG plots."
    )
    return parser


def main(argv=None):
    """Run the benchmark from the command line.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments; ``sys.argv[1:]`` by default.

    Returns
    -------
    status : int
        0 on success, 1 if the data set could not be loaded (the reason and
        the fix are printed on stderr).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.scheduler_address and args.backend != "dask":
        parser.error("--scheduler-address needs --backend dask")
    settings = make_settings(
        quick=args.quick,
        dataset=args.dataset,
        seed=args.seed,
        n_jobs=args.n_jobs,
        backend=args.backend,
        scheduler_address=args.scheduler_address,
        contenders=args.contenders,
        cv_subset=args.cv_subset,
        cv_folds=args.cv_folds,
        scaling_sizes=args.scaling_sizes,
        scaling_test_size=args.scaling_test_size,
        predict_repeats=args.predict_repeats,
        predict_budget_s=args.predict_budget,
        blas_threads=args.blas_threads,
        data_home=args.data_home,
    )
    command = shlex.join(
        ["sknumpynet-bench", *(sys.argv[1:] if argv is None else argv)]
    )
    progress = Progress()
    try:
        results = run_benchmark(settings, progress, command=command)
    except (DatasetNotFoundError, DataFileError) as exc:
        print(f"sknumpynet-bench: {exc}", file=sys.stderr)
        return 1
    progress.step(f"write the results to {args.output}")
    files = write_outputs(results, args.output, plots=not args.no_plots)
    skipped = results["outputs"]["plots_skipped"]
    if skipped:
        progress.note(f"plots were skipped: {skipped}")
    for path in files:
        print(path)
    return 0


def _names(text):
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = sorted(set(names) - set(CONTENDER_NAMES))
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown contender(s) {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(CONTENDER_NAMES)}"
        )
    return names


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def _positive_float(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def _sizes(text):
    return tuple(_positive_int(part) for part in text.split(",") if part.strip())


if __name__ == "__main__":
    sys.exit(main())
