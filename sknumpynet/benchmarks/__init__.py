"""The benchmark: sigmoid network trained by SGD against SVMs, on MNIST.

Run it with ``sknumpynet-bench`` or ``python -m sknumpynet.benchmarks`` (see
``--help``); it needs ``pip install "sknumpynet[bench]"``, and ``import
sknumpynet`` does not import it. ``_run`` orders the steps of a run (the
pipelines of ``_contenders``, tuned by ``_tuning``, timed by ``_measure``);
``_report`` and ``_plots`` write the outputs; ``speed`` times the estimator alone.
"""
