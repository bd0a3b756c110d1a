"""SigmoidMLPClassifier: the scikit-learn estimator around the numeric core."""

import math

import numpy as np
from scipy.special import log_expit
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import _check_partial_fit_first_call, type_of_target
from sklearn.utils.random import check_random_state
from sklearn.utils.validation import (
    check_is_fitted,
    validate_data,
)
from threadpoolctl import threadpool_limits

from . import _checks, _core, _epoch_monitor, _fit_setup, _training
from ._callbacks import CallbackSupportMixin, CallbackTasks


class SigmoidMLPClassifier(CallbackSupportMixin, ClassifierMixin, BaseEstimator):
    """A network of sigmoid neurons trained by backpropagation and mini-batch SGD.

    Every hidden neuron computes ``sigmoid(a @ w + b)`` of the previous layer's
    activations ``a`` (Nielsen, *Neural Networks and Deep Learning*, chapter 1).
    The weights are learned by stochastic gradient descent on mini-batches,
    with the gradients computed by backpropagation, in plain numpy. The
    numeric core lives in :mod:`sknumpynet._core`; this class validates input,
    encodes labels, runs the epochs and stores the fitted state.

    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(100,)
        Number of sigmoid neurons in each hidden layer; ``(100,)`` is one hidden
        layer of 100 neurons. The book's ``sizes=[784, 30, 10]`` is
        ``hidden_layer_sizes=(30,)`` on MNIST: input and output sizes come
        from the data.

    loss : {"log_loss", "squared_error"}, default="log_loss"
        The cost ``C`` minimised, per sample and summed over the output units.
        ``"squared_error"`` is the book's quadratic cost
        ``0.5 * ||a - y||^2`` (chapter 1). ``"log_loss"`` (scikit-learn's
        name; ``"cross_entropy"``, the book's, is a synonym) is
        ``-sum(y ln a + (1 - y) ln(1 - a))`` with sigmoid outputs and the
        log-likelihood ``-sum(y ln a)`` with softmax outputs (chapter 3); it
        learns faster when an output neuron saturates on a wrong answer.

    output_activation : {"auto", "sigmoid", "softmax"}, default="auto"
        Activation of the output layer. ``"sigmoid"`` gives one independent
        sigmoid neuron per class (the book's chapter-1 network; one neuron for
        a binary problem); :meth:`predict_proba` then normalises the outputs so
        that each row sums to 1. ``"softmax"`` gives a probability
        distribution over the classes. ``"auto"`` uses softmax, or sigmoid for
        multilabel targets, which softmax cannot represent. The choice made is
        stored in ``out_activation_``.

    init : {"lecun_normal", "standard_normal", "glorot_uniform"}, \
            default="lecun_normal"
        How the weights and biases are drawn; the book's names are synonyms.

        - ``"lecun_normal"`` (the book's ``"nielsen"``, its default from
          chapter 3): weights ``N(0, 1/n_in)``, which keeps hidden neurons out
          of saturation (LeCun et al., 1998), and biases ``N(0, 1)``. Keras'
          ``lecun_normal`` draws weights of the same variance from a normal
          truncated at two standard deviations, and Keras layers start their
          biases at zero.
        - ``"standard_normal"`` (the book's ``"large"``, chapter 1): weights
          and biases ``N(0, 1)``.
        - ``"glorot_uniform"`` (``"glorot"``): weights uniform on
          ``±sqrt(6 / (n_in + n_out))``, biases zero (Glorot and Bengio,
          2010), as in Keras.

    dropout : float, default=0.0
        Probability of silencing each hidden neuron during training, drawn
        anew for every sample of every mini-batch (Srivastava et al., 2014,
        who report 98.65 % on MNIST with logistic units). Kept neurons are
        scaled up by ``1 / (1 - dropout)`` during training, so prediction
        uses every neuron as it is. 0 turns dropout off.

    alpha : float, default=1.0
        Strength of the L2 penalty. The training objective is
        ``(1/n) sum_x C_x + (alpha / (2 n)) sum w^2`` over the ``n`` training
        samples (the sum of their weights when ``sample_weight`` is given),
        so ``alpha`` is the book's lambda exactly (chapter 3 uses lambda=5.0
        with n=50,000), and the penalty does not change with ``batch_size``.
        On the full training set this is the same objective as
        :class:`~sklearn.neural_network.MLPClassifier`'s; unlike it, each
        mini-batch gets its share ``alpha / n`` of the penalty gradient rather
        than ``alpha / batch_size``. In :meth:`partial_fit`, ``n`` is the size
        of the chunk passed.

    batch_size : int or "auto", default="auto"
        Samples per mini-batch (the book's ``mini_batch_size``).
        ``"auto"`` is ``min(200, n_samples)``.

    learning_rate : {"constant", "invscaling", "adaptive", "cosine"}, \
            default="cosine"
        Schedule of the step size eta. Every call to :meth:`fit` starts it
        afresh at epoch ``t = 0`` (``t`` is :attr:`n_iter_`); each call to
        :meth:`partial_fit` continues it by one epoch.

        - ``"constant"``: eta stays ``learning_rate_init``.
        - ``"invscaling"``: ``eta = learning_rate_init / (t + 1) ** power_t``.
          Unlike MLPClassifier, ``t`` counts epochs, not samples.
        - ``"adaptive"``: the book's chapter-3 schedule. Each time the
          monitored score (training loss, or validation accuracy with
          ``early_stopping``) has not improved by ``tol`` for more than
          ``n_iter_no_change`` epochs, eta is halved; training stops once
          eta has fallen to 1/128 of ``learning_rate_init``.
        - ``"cosine"``: eta falls along half a cosine,
          ``learning_rate_init * (1 + cos(pi * t / max_iter)) / 2``, from
          ``learning_rate_init`` to nearly 0 in the last of ``max_iter``
          epochs (Loshchilov and Hutter, 2017); later ``partial_fit`` epochs
          keep the last value. The schedule is built to end at
          ``max_iter``: the rule of ``tol`` and ``n_iter_no_change`` on the
          training loss does not cut it short, and reaching ``max_iter``
          raises no warning. With ``early_stopping=True`` the validation
          rule still ends training when the validation accuracy stops
          improving (eta then follows the ``max_iter``-epoch curve up to
          that point).

        The other schedules raise a ``ConvergenceWarning`` when ``max_iter``
        epochs pass before their stopping rule fires, as MLPClassifier does.

    learning_rate_init : float, default=0.3
        The initial step size, the book's eta. With a mean cost over the
        batch, an eta of ``3.0`` reproduces the book's chapter-1 runs.

    power_t : float, default=0.5
        Exponent of the ``"invscaling"`` schedule.

    max_iter : int, default=30
        Maximum number of epochs (passes over the training data, the book's
        ``epochs``; 30 as in the book's chapter-1 runs).

    shuffle : bool, default=True
        Whether to shuffle the samples before each epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the shuffling and the validation
        split. An int gives identical ``coefs_`` on every fit on the same
        machine. See :term:`Glossary <random_state>`.

    tol : float, default=1e-4
        Tolerance of the stopping rule: when the monitored score (the
        training objective, or the validation accuracy with
        ``early_stopping``) does not improve by at least ``tol`` for more
        than ``n_iter_no_change`` consecutive epochs, training stops (or,
        with ``learning_rate="adaptive"``, eta is halved). With
        ``learning_rate="cosine"`` the rule applies only with
        ``early_stopping``: the schedule itself ends at ``max_iter``.

    verbose : bool or int, default=False
        Print one table row per epoch with the columns of :attr:`history_`,
        and say why training stopped.

    warm_start : bool, default=False
        Reuse the weights of the previous call to :meth:`fit` as the starting
        point, instead of drawing new ones. As in MLPClassifier, the momentum,
        :attr:`n_iter_` and the stopping rule start afresh; so does the
        learning-rate schedule (MLPClassifier continues ``"invscaling"``
        from :attr:`t_`). See :term:`the Glossary <warm_start>`.

    momentum : float, default=0.9
        Momentum coefficient mu in ``[0, 1)`` (the book's chapter 3): the
        velocity ``v <- mu v - eta grad`` is added to the weights. 0 gives
        plain SGD as in chapter 1.

    nesterovs_momentum : bool, default=True
        Whether to use Nesterov's momentum.

    early_stopping : bool, default=False
        Hold out a stratified ``validation_fraction`` of the training data
        (or use the ``X_val`` passed to :meth:`fit`), monitor the accuracy on
        it after every epoch, stop when it has not improved by ``tol`` for
        more than ``n_iter_no_change`` epochs, and keep the weights of the
        best epoch. The held-out split needs at least 2 samples. Only used by
        :meth:`fit`.

    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping, unless
        ``X_val`` is passed to :meth:`fit`.

    n_iter_no_change : int or np.inf, default=10
        Number of epochs without improvement that the stopping rule tolerates:
        as in MLPClassifier, it acts after ``n_iter_no_change + 1`` of them.
        ``np.inf`` turns it off. With ``learning_rate="cosine"`` it counts
        only with ``early_stopping`` (see ``tol``).

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``: a dict
        ``{label: weight}``, or ``"balanced"`` for
        ``n_samples / (n_classes * np.bincount(y))``. Not available for
        multilabel targets.

    augment : object or None, default=None
        A transform of the training data drawn anew for every mini-batch,
        such as :class:`~sknumpynet.augmentation.ElasticDistortion` or
        :class:`~sknumpynet.augmentation.RandomShift`. It is applied by
        :meth:`fit` and :meth:`partial_fit` to the rows trained on, never to
        ``X_val``, the early-stopping split or the data of ``predict``; its
        randomness comes from ``random_state``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels (for multilabel targets, the label indices).

    coefs_ : list of ndarray of shape (n_in, n_out)
        ``coefs_[i]`` is the weight matrix from layer ``i`` to layer ``i + 1``.

    intercepts_ : list of ndarray of shape (n_out,)
        ``intercepts_[i]`` is the bias vector of layer ``i + 1``.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    n_iter_ : int
        Number of epochs completed by the last call to :meth:`fit`, as in
        MLPClassifier, plus one for each later call to :meth:`partial_fit`.
        ``history_`` counts every epoch since the weights were drawn.

    t_ : int
        Number of training samples seen by the optimiser, counting every
        mini-batch that was applied.

    loss_ : float or None
        The training objective of the last epoch: the mean cost of its
        mini-batches, each measured before its update, plus the L2 penalty at
        the end of the epoch. None until an epoch has completed.

    loss_curve_ : list of float
        The training objective after each epoch.

    best_loss_ : float or None
        The lowest training objective reached; None with ``early_stopping``.

    validation_loss_curve_ : list of float or None
        The objective on the validation data (``X_val``, or the split held
        out by ``early_stopping``) after each epoch of the last call to
        :meth:`fit`: the weighted mean cost plus the same L2 penalty as
        the training objective, so that the two curves compare. None
        without validation data.

    validation_scores_ : list of float or None
        Accuracy on the validation data after each epoch of the last call
        to :meth:`fit`; None without validation data.

    best_validation_score_ : float or None
        The best validation accuracy; None without ``early_stopping``.

    history_ : list of dict
        One record per epoch since the weights were initialised, with keys
        ``"epoch"`` (counting from 1), ``"train_loss"`` (as in
        :attr:`loss_curve_`), ``"train_accuracy"`` (over the epoch's
        mini-batches, each predicted just before its update, as Keras
        reports it: free to compute, a little behind the end-of-epoch
        weights), ``"val_loss"`` and ``"val_accuracy"`` (only for epochs
        with validation data), ``"learning_rate"`` (eta during the epoch)
        and ``"seconds"`` (wall-clock time of the epoch and its
        evaluation). ``pandas.DataFrame(clf.history_)`` makes it a table.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output neurons.

    out_activation_ : str
        The output activation used: ``"sigmoid"`` or ``"softmax"``.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : scikit-learn's multi-layer
        perceptron, with more activations and solvers.

    Notes
    -----
    The defaults were chosen on a validation split of the MNIST training
    digits (the user guide says how; the benchmarks give the test accuracy
    they reach). Their cosine schedule anneals eta over the 30 epochs of
    ``max_iter`` and ends there, without a warning.

    Sigmoid neurons learn from features of about unit scale: pixels left at
    0..255 saturate the hidden neurons from the first step, and the network
    learns little (MNIST digits at 0..255 stop near 60 % accuracy). Scale the
    features with :class:`~sklearn.preprocessing.MinMaxScaler` or
    :class:`~sklearn.preprocessing.StandardScaler` in a
    :class:`~sklearn.pipeline.Pipeline`; ``fit`` raises a
    :class:`~sknumpynet.FeatureScaleWarning` when a feature's root mean square
    exceeds 50.

    Before a long enough run, ``fit`` times a few trial steps with one BLAS
    thread and with all of them, and trains with the faster (on a busy
    machine, extra threads wait for a core); a limit set around ``fit``, with
    :func:`threadpoolctl.threadpool_limits` or ``OPENBLAS_NUM_THREADS``, is
    kept.

    With scikit-learn 1.9 or later the estimator takes scikit-learn's
    callbacks (:mod:`sklearn.callback`) through ``set_callbacks``, or from a
    pipeline or search they propagate from: each epoch is one task, and a
    callback that asks to stop ends training after that epoch.

    References
    ----------
    Michael A. Nielsen, *Neural Networks and Deep Learning*, Determination
    Press, 2015, chapters 1-3.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.model_selection import train_test_split
    >>> from sknumpynet import SigmoidMLPClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(
    ...     X / 16, y, random_state=0)
    >>> clf = SigmoidMLPClassifier(random_state=0).fit(X_train, y_train)
    >>> clf.predict(X_test[:5])
    array([2, 8, 2, 6, 6])
    >>> round(clf.score(X_test, y_test), 2) >= 0.95
    True
    """

    _parameter_constraints: dict = _fit_setup.PARAMETER_CONSTRAINTS

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        loss="log_loss",
        output_activation="auto",
        init="lecun_normal",
        dropout=0.0,
        alpha=1.0,
        batch_size="auto",
        learning_rate="cosine",
        learning_rate_init=0.3,
        power_t=0.5,
        max_iter=30,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        class_weight=None,
        augment=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.loss = loss
        self.output_activation = output_activation
        self.init = init
        self.dropout = dropout
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight
        self.augment = augment

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        X,
        y,
        sample_weight=None,
        *,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
    ):
        """Train the network on ``(X, y)`` for up to ``max_iter`` epochs.

        After every epoch the loss and accuracy on the training data (running
        over the epoch's mini-batches) and, when there is validation data, on
        the validation data are recorded in :attr:`history_`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 data is trained in float32, anything else
            in float64.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a label indicator matrix for multilabel targets.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights: a weight of 2 counts a sample twice in the
            cost, a weight of 0 leaves it out.

        X_val : {array-like, sparse matrix} of shape (n_val_samples, n_features), \
                default=None
            Validation data (the book's ``evaluation_data``), evaluated after
            every epoch. With ``early_stopping=True`` it replaces the split
            of ``validation_fraction`` of the training data: the stopping rule
            watches its accuracy and the weights of its best epoch are kept.
            Without early stopping it is only monitored. It is used as given:
            in a :class:`~sklearn.pipeline.Pipeline`, pass
            ``transform_input=["X_val"]`` so that the preceding steps
            transform it too.

        y_val : array-like of shape (n_val_samples,) or (n_val_samples, \
                n_labels), default=None
            Labels of ``X_val``; every label must be one of the training
            classes.

        sample_weight_val : array-like of shape (n_val_samples,), default=None
            Weights of the validation samples in the validation loss and
            accuracy. ``class_weight`` is not applied to them.

        Returns
        -------
        self : SigmoidMLPClassifier
            The fitted estimator.

        Notes
        -----
        Ctrl-C stops training after the current mini-batch: the estimator
        keeps the weights of the last complete epoch (with ``early_stopping``,
        those of the best epoch), warns, and raises the
        :class:`KeyboardInterrupt` again, so that a search, a cross-validation
        or a pipeline around ``fit`` stops too. To keep the model in an
        interactive session, catch it::

            try:
                clf.fit(X, y)
            except KeyboardInterrupt:
                pass

        ``clf`` then predicts with the weights of the last complete epoch.
        """
        validation_data = _checks.ValidationData(X_val, y_val, sample_weight_val)
        return self._fit(
            X, y, sample_weight, incremental=False, validation_data=validation_data
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch over ``(X, y)``, continuing from the current state.

        Weights, momentum and learning rate are kept between calls, so that
        ``n`` calls on the same data with the same ``random_state`` give the
        same network as ``fit`` with ``max_iter=n``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a label indicator matrix.

        classes : array-like of shape (n_classes,), default=None
            Every class that will ever be seen. Required on the first call
            (for a multilabel target, the label indices); ignored afterwards.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples.

        Returns
        -------
        self : SigmoidMLPClassifier
            The trained estimator.
        """
        if classes is not None and not hasattr(self, "classes_"):
            _checks.check_partial_fit_classes(classes)
        first_call = _check_partial_fit_first_call(self, classes)
        if first_call:
            self._label_binarizer = LabelBinarizer()
            if type_of_target(y).startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(classes)
        return self._fit(X, y, sample_weight, incremental=True)

    def _fit(self, X, y, sample_weight, *, incremental, validation_data=None):
        hidden_sizes = _checks.check_hidden_layer_sizes(self.hidden_layer_sizes)
        reuse_weights = hasattr(self, "coefs_") and (incremental or self.warm_start)
        # The callback hooks get the data as the user passed it, so that a
        # scorer of the fitted estimator sees the same feature names as fit did.
        hook_kwargs = {
            "estimator": self,
            "X": X,
            "y": y,
            "metadata": {"sample_weight": sample_weight},
        }
        X, y, sample_weight = _fit_setup.validate_training_data(
            self,
            X,
            y,
            sample_weight,
            reset=not reuse_weights,
            classes=self.classes_ if incremental else None,
        )
        Y = self._fit_label_encoding(
            y,
            X.dtype,
            sample_weight,
            reuse_weights=reuse_weights,
            incremental=incremental,
        )
        if not reuse_weights:
            self._initialize_weights(X, Y, hidden_sizes)
        samples = _checks.LabelledSamples(X, Y, y, sample_weight)
        train_idx, validation = _fit_setup.validation_set(
            self,
            samples,
            validation_data or _checks.ValidationData(),
            label_binarizer=self._label_binarizer,
            split_rng=None if incremental else self._rng,
        )
        if not (incremental and reuse_weights):
            self._start_new_optimizer_run(validation is not None)
        callback_ctx = self._init_callback_context(
            task_name="partial_fit" if incremental else "fit",
            max_subtasks=1 if incremental else self.max_iter,
        )
        callback_ctx.call_on_fit_task_begin(**hook_kwargs)
        run = self._training_run(samples, train_idx)
        callbacks = CallbackTasks(callback_ctx, hook_kwargs)
        result = self._train(run, validation, callbacks, incremental=incremental)
        callback_ctx.call_on_fit_task_end(reconstruction_attributes={}, **hook_kwargs)
        if result.ending is _training.Ending.INTERRUPTED:
            # The model is stored: now let Ctrl-C stop a search or pipeline too.
            raise KeyboardInterrupt
        return self

    def _train(self, run, validation, callbacks, *, incremental):
        """Train this call's epochs, store what happened and return it."""
        early_stopping = self.early_stopping and not incremental
        rule = _fit_setup.stopping_rule(
            self,
            early_stopping=early_stopping,
            learning_rate=self._learning_rate,
            no_improvement_count=self._no_improvement_count,
        )
        monitor = _epoch_monitor.EpochMonitor(
            predict_from_logits=self._predict_from_logits,
            validation=validation,
            callbacks=callbacks,
            verbose=self.verbose,
            history=self.history_,
        )
        n_epochs = 1 if incremental else self.max_iter
        self._blas_threads = _training.choose_blas_threads(run, n_epochs)
        with threadpool_limits(self._blas_threads, user_api="blas"):
            result = _training.run_epochs(run, rule, monitor, n_epochs)
        self._store_training_result(run, result, early_stopping)
        _training.warn_about_ending(result, run, rule, incremental=incremental)
        return result

    def _store_training_result(self, run, result, early_stopping):
        """Set the fitted attributes from the run and what its epochs did.

        Every attribute that training changes is set here, once training has
        ended.
        """
        self.coefs_, self.intercepts_ = run.params.coefs, run.params.intercepts
        self._velocity = run.velocity
        self.n_iter_ = result.n_iter
        self.t_ = result.t
        self.history_ = [*self.history_, *result.records]
        self.loss_curve_ = [*self.loss_curve_, *result.curve("train_loss")]
        if result.records:
            self.loss_ = self.loss_curve_[-1]
        if self.validation_scores_ is not None:  # this fit has validation data
            val_losses = result.curve("val_loss")
            self.validation_loss_curve_ = [*self.validation_loss_curve_, *val_losses]
            val_scores = result.curve("val_accuracy")
            self.validation_scores_ = [*self.validation_scores_, *val_scores]
        self._learning_rate = result.learning_rate
        self._no_improvement_count = result.no_improvement_count
        if early_stopping:
            self.best_validation_score_ = result.best_score
        else:
            self.best_loss_ = -result.best_score

    def _fit_label_encoding(
        self, y, dtype, sample_weight, *, reuse_weights, incremental
    ):
        """Fit the label binarizer if needed and return the target matrix."""
        multilabel = type_of_target(y).startswith("multilabel")
        if not reuse_weights and not incremental:
            # Samples of weight 0 do not exist for the model: their labels are
            # not classes, as if they had been removed from the data.
            self._label_binarizer = LabelBinarizer().fit(y[sample_weight > 0])
            _checks.check_two_classes(self._label_binarizer, type(self).__name__)
        else:
            _checks.check_same_classes(
                self._label_binarizer, y, warm_start=not incremental
            )
        self.classes_ = self._label_binarizer.classes_
        self.out_activation_ = _fit_setup.output_activation(
            self.output_activation, multilabel
        )
        return self._target_matrix(y, dtype)

    def _target_matrix(self, y, dtype):
        """The indicator matrix of ``y``, one column per output unit."""
        return _fit_setup.target_matrix(
            self._label_binarizer, y, self.out_activation_, dtype
        )

    def _initialize_weights(self, X, Y, hidden_sizes):
        """Draw new weights and forget every epoch trained so far."""
        layer_sizes = [X.shape[1], *hidden_sizes, Y.shape[1]]
        n_params, needs = _checks.check_network_fits_in_memory(
            layer_sizes, self.hidden_layer_sizes, X.dtype
        )
        try:
            self._rng = check_random_state(self.random_state)
            init = _fit_setup.INIT_SYNONYMS.get(self.init, self.init)
            self.coefs_, self.intercepts_ = _core.init_params(
                layer_sizes, init, self._rng, X.dtype
            )
            self._velocity = np.zeros(n_params, dtype=X.dtype)
        except MemoryError as exc:
            raise MemoryError(
                f"{needs}: more memory than is available. Use smaller hidden layers."
            ) from exc
        self.n_layers_ = len(layer_sizes)
        self.n_outputs_ = Y.shape[1]
        self.t_ = 0
        self.loss_ = None
        self.loss_curve_ = []
        self.history_ = []

    def _start_new_optimizer_run(self, has_validation):
        """Reset what every call to fit starts afresh, as MLPClassifier does.

        The epoch count ``n_iter_`` (which also drives the schedule), the
        momentum, eta, the stopping rule and the validation curves.
        """
        self.n_iter_ = 0
        self._velocity.fill(0)
        self._learning_rate = self.learning_rate_init
        self._no_improvement_count = 0
        self.best_loss_ = None if self.early_stopping else math.inf
        self.best_validation_score_ = -math.inf if self.early_stopping else None
        self.validation_scores_ = [] if has_validation else None
        self.validation_loss_curve_ = [] if has_validation else None

    def _training_run(self, samples, train_idx):
        """The state of this call's training, from copies of the weights.

        Training updates the copies, which become the fitted state when it
        ends (``_store_training_result``).
        """
        return _fit_setup.training_run(
            self, samples, train_idx, velocity=self._velocity, rng=self._rng
        )

    # -------------------------------------------------------------- predict

    def _logits(self, X):
        return _core.predict_logits(X, self.coefs_, self.intercepts_)

    def _validated_logits(self, X):
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            reset=False,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
        )
        logits = self._logits(X)
        if np.isnan(logits).any():
            raise ValueError(
                "Input X has values so large that the weighted inputs of the "
                f"network overflow {logits.dtype} (inf - inf). Scale the features, "
                "for example with StandardScaler or MinMaxScaler."
            )
        return logits

    def _predict_from_logits(self, logits):
        if self._label_binarizer.y_type_ == "multilabel-indicator":
            return self._label_binarizer.inverse_transform((logits > 0).astype(int))
        if logits.shape[1] == 1:
            return self.classes_[(logits[:, 0] > 0).astype(int)]
        return self.classes_[np.argmax(logits, axis=1)]

    def predict(self, X):
        """Predict class labels: the most probable class of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted labels (a label indicator matrix for multilabel targets,
            where each label is predicted when its output exceeds 0.5).
        """
        return self._predict_from_logits(self._validated_logits(X))

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, computed without overflow.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probability of each class, in the order of ``classes_``.
        """
        logits = self._validated_logits(X)
        if self._label_binarizer.y_type_ == "multilabel-indicator":
            return _core.log_output_activation(logits, "sigmoid")
        if self.out_activation_ == "softmax":
            return _core.log_output_activation(logits, "softmax")
        if logits.shape[1] == 1:
            return np.hstack([log_expit(-logits), log_expit(logits)])
        # Independent sigmoid outputs normalised to sum to 1, in log space.
        return _core.log_output_activation(log_expit(logits), "softmax")

    def predict_proba(self, X):
        """Probability of each class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            For single-label targets, each row sums to 1: the softmax outputs,
            or the sigmoid outputs divided by their sum. For multilabel
            targets, the independent probability of each label.
        """
        return np.exp(self.predict_log_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        can_multilabel = self.output_activation != "softmax"
        tags.classifier_tags.multi_label = can_multilabel
        tags.target_tags.multi_output = can_multilabel
        return tags
