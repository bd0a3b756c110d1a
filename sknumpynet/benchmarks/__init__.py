"""The benchmark: sigmoid network trained by SGD against SVMs, on MNIST.

Run it with ``sknumpynet-bench`` or ``python -m sknumpynet.benchmarks``; see
``--help``. It is not imported by ``import sknumpynet``: the estimator does not
depend on it, and it needs extras (``pip install "sknumpynet[bench]"``).

Modules: ``_contenders`` (the pipelines and their grids) and ``_recipes``,
``_data``, ``_tuning`` (successive halving), ``_measure`` (timed fits, side by
side where they can), ``_run`` (the steps of a run and the time they should
take), ``_report`` and ``_plots`` (the outputs), ``_progress`` (timing and
progress), ``_environment``, ``_stats``, and ``speed`` (speed and memory of the
estimator alone).
"""
