"""scikit-learn's callback API (:mod:`sklearn.callback`, new in 1.9), if present.

With an older scikit-learn the estimator has no ``set_callbacks`` and fit
reports to a context that discards everything, so that the training loop is
written once for both.
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


__all__ = ["CallbackSupportMixin"]
