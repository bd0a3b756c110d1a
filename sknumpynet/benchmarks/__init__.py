"""The benchmark: sigmoid network trained by SGD against SVMs, on MNIST.

Run it with ``sknumpynet-bench`` or ``python -m sknumpynet.benchmarks``; see
``--help``. It is not imported by ``import sknumpynet``: the estimator does not
depend on it, and it needs extras (``pip install "sknumpynet[bench]"``).

Modules
-------
_contenders
    The pipelines compared and the grid each is tuned over.
_run
    Data, grid searches, refits, timings, the learning curve, the scaling study.
_report
    ``results.json``, ``results.csv``, ``report.md`` and the plots.
_stats
    The Wilson interval and the log-log slope.
"""
