"""scikit-learn's callback API (:mod:`sklearn.callback`, new in 1.9), if present.

With an older scikit-learn the estimator has no ``set_callbacks`` and fit
reports to a context that discards everything, so that the training loop is
written once for both. :class:`CallbackTasks` is how the training loop tells
the callbacks about each epoch.
"""

try:
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn < 1.9

    class _NoCallbackContext:
        """Stands in for ``sklearn.callback.CallbackContext``: no callbacks."""

        def subcontext(self, **kwargs):
            return self

        def call_on_fit_task_begin(self, **kwargs):
            return self

        def call_on_fit_task_end(self, **kwargs):
            return False  # never asks to stop

    class CallbackSupportMixin:
        """Stands in for ``sklearn.callback.CallbackSupportMixin``."""

        def _init_callback_context(self, **kwargs):
            return _NoCallbackContext()


class CallbackTasks:
    """Tells scikit-learn's callbacks about each epoch, a task of the fit task.

    Parameters
    ----------
    fit_context : sklearn.callback.CallbackContext
        The context of the ``fit`` or ``partial_fit`` task; with scikit-learn
        older than 1.9, a stand-in that tells nobody.
    hook_kwargs : dict
        What every hook receives: ``estimator``, handed on as it is, and the
        training data as the user passed it (``X``, ``y``, ``metadata``).
    """

    def __init__(self, fit_context, hook_kwargs):
        self.fit_context = fit_context
        self.hook_kwargs = hook_kwargs
        self.epoch_context = None

    def begin_epoch(self):
        """An epoch is about to start: begin its task."""
        self.epoch_context = self.fit_context.subcontext(task_name="epoch")
        self.epoch_context.call_on_fit_task_begin(**self.hook_kwargs)

    def end_epoch(self, run, n_iter):
        """End the epoch's task; return whether a callback asks to stop.

        A callback that asks for the fitted estimator gets a copy of it with
        copies of the run's weights, ``n_iter`` and the run's ``t``: it
        predicts as if fit had stopped now, and does not change as training
        goes on.
        """

        def fitted_state():
            return {
                "coefs_": [w.copy() for w in run.params.coefs],
                "intercepts_": [b.copy() for b in run.params.intercepts],
                "n_iter_": n_iter,
                "t_": run.t,
            }

        return self.epoch_context.call_on_fit_task_end(
            reconstruction_attributes=fitted_state, **self.hook_kwargs
        )


__all__ = ["CallbackSupportMixin", "CallbackTasks"]
