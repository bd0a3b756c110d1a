"""Command line: ``sknumpynet-bench``, or ``python -m sknumpynet.benchmarks``.

The modules that run the benchmark import the ``bench`` extra's libraries, so
they are imported after the arguments are parsed: ``--help`` needs none of
them, and a run without them stops with one line that says what to install.
"""

import argparse
import shlex
import sys
from importlib import metadata

from ..datasets import DataFileError, DatasetNotFoundError
from ._contenders import CONTENDER_NAMES
from ._data import DATASETS
from ._progress import Progress

EXTRA = 'pip install "sknumpynet[bench]"'
DESCRIPTION = """\
How does a sigmoid network trained by SGD compare with an SVM on MNIST, each
tuned fairly? Every contender is tuned by successive halving on the same folds,
fitted on the whole training set and tested on the test set, each network with
three seeds, each row tested against the strongest SVM by an exact McNemar
test; then fit time, prediction time and accuracy are measured against the
training-set size. Writes results.json, results.csv, report.md and PNG plots to
--output; progress goes to stderr.
Needs the bench extra: {extra}
"""


def _parser():
    """The argument parser of sknumpynet-bench."""
    parser = argparse.ArgumentParser(
        prog="sknumpynet-bench",
        description=DESCRIPTION.format(extra=EXTRA),
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_run_options(parser)
    _add_sizes(parser)
    return parser


def _add_run_options(parser):
    """The options of what to run, where and with which seed."""
    parser.add_argument(
        "--dataset",
        choices=DATASETS,
        default="mnist",
        help="Data set; digits (scikit-learn's 8x8 digits) needs no download.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="Small subsets (3,000 training and 2,000 test images); every step runs.",
    )
    parser.add_argument(
        "--output",
        default="sknumpynet-bench-results",
        metavar="DIR",
        help="Folder of the results and report (default: ./%(default)s).",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="Seed of the subsets, folds and estimators; more seeds add 1 each.",
    )
    parser.add_argument(
        "--n-jobs",
        type=int,
        default=-1,
        help="Parallel jobs of the tuning and of the fits (default: all cores).",
    )
    parser.add_argument(
        "--backend",
        default="loky",
        help="joblib backend of the tuning: loky (default), threading, dask...",
    )
    parser.add_argument(
        "--scheduler-address",
        metavar="ADDRESS",
        help="With --backend dask: the scheduler (default: a local one, closed after).",
    )
    parser.add_argument(
        "--contenders",
        type=_names,
        default=(),
        metavar="NAMES",
        help=f"Comma-separated subset of {', '.join(CONTENDER_NAMES)} (default: "
        "all but svc-virtual-elastic, and on fashion-mnist svc-virtual-shifts).",
    )
    parser.add_argument(
        "--blas-threads",
        type=_positive(int),
        metavar="T",
        help="Limit BLAS to T threads in the main process (default: no limit).",
    )
    parser.add_argument(
        "--data-home",
        metavar="DIR",
        help="Data folder of sknumpynet.datasets (default: scikit-learn's).",
    )
    parser.add_argument(
        "--no-plots", action="store_true", help="Do not draw the PNG plots."
    )


def _add_sizes(parser):
    """The options of the sizes of a run, whose defaults depend on --quick."""
    sizes = parser.add_argument_group(
        "sizes", "Defaults depend on --quick; report.md gives the values used."
    )
    sizes.add_argument(
        "--cv-subset",
        type=_positive(int),
        metavar="N",
        help="Training images of the tuning (full run: 30006).",
    )
    sizes.add_argument(
        "--cv-folds",
        type=_positive(int),
        metavar="K",
        help="Folds of the tuning (default: 3).",
    )
    sizes.add_argument(
        "--scaling-sizes",
        type=_sizes,
        metavar="N,N,...",
        help="Training-set sizes of the scaling study (full run: 1000,...,20000).",
    )
    sizes.add_argument(
        "--scaling-test-size",
        type=_positive(int),
        metavar="N",
        help="Test images predicted in the scaling study (full run: 2000).",
    )
    sizes.add_argument(
        "--predict-repeats",
        type=_positive(int),
        metavar="R",
        help="Most predictions timed per model (default: 3).",
    )
    sizes.add_argument(
        "--predict-budget",
        type=_positive(float),
        metavar="SECONDS",
        dest="predict_budget_s",
        help="Time no more predictions of a model after SECONDS (default: 30).",
    )


def _epilog():
    """Where the installed package's documentation is, if its metadata says."""
    try:
        urls = metadata.metadata("sknumpynet").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "documentation":
            return (
                "The Benchmarks page of the documentation says what each step "
                f"measures\nand how long a full run takes: {url.strip()}"
            )
    return None


def main(argv=None):
    """Run the benchmark from the command line.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments; ``sys.argv[1:]`` by default.

    Returns
    -------
    status : int
        0 on success; 1 if a library of the ``bench`` extra is missing or the
        data set could not be loaded (the reason and the fix are printed on
        stderr).
    """
    argv = sys.argv[1:] if argv is None else argv
    parser = _parser()
    args = vars(parser.parse_args(argv))
    if args["scheduler_address"] and args["backend"] != "dask":
        parser.error("--scheduler-address needs --backend dask")
    try:
        from ._report import write_outputs
        from ._run import QUICK, Config, run_benchmark
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] == "sknumpynet":
            raise
        print(
            f"sknumpynet-bench: the benchmark needs {exc.name}, which is not "
            f"installed: {EXTRA}",
            file=sys.stderr,
        )
        return 1
    output, plots = args.pop("output"), not args.pop("no_plots")
    given = {key: value for key, value in args.items() if value is not None}
    config = Config(**(QUICK if args["quick"] else {}) | given)
    command = shlex.join(["sknumpynet-bench", *argv])
    with Progress(n_unplanned=1) as progress:
        try:
            results = run_benchmark(config, progress, command=command)
        except (DatasetNotFoundError, DataFileError) as exc:
            print(f"sknumpynet-bench: {exc}", file=sys.stderr)
            return 1
        progress.step(f"write the results to {output}")
        files = write_outputs(results, output, plots=plots)
        if skipped := results["outputs"]["plots_skipped"]:
            progress.note(f"plots were skipped: {skipped}")
    print(*files, sep="\n")
    return 0


def _names(text):
    """The contender names of a comma-separated list, all known."""
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = sorted(set(names) - set(CONTENDER_NAMES))
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown contender(s) {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(CONTENDER_NAMES)}"
        )
    return names


def _positive(kind):
    """A parser of positive numbers of type `kind`."""

    def parse(text):
        value = kind(text)
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its errors
    return parse


def _sizes(text):
    """The positive sizes of a comma-separated list."""
    return tuple(_positive(int)(part) for part in text.split(",") if part.strip())


if __name__ == "__main__":
    sys.exit(main())
