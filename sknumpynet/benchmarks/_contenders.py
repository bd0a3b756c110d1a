"""The contenders: one scikit-learn Pipeline each, and the grid it is tuned over.

Every pipeline has the same shape, ``[preprocessing step, "clf"]``, so that the
grids read alike. Pixels arrive in ``[0, 1]`` (MNIST and Fashion-MNIST divided
by 255, digits by 16).

Scaling. No contender rescales the pixels (the first step is
``"passthrough"``), except PCA + SVC whose first step is the PCA:

- ``SigmoidMLPClassifier`` is initialised for inputs of order 1 (weights
  ``N(0, 1/n_in)``), which ``[0, 1]`` pixels are, and Nielsen trains it on
  these very pixels. ``StandardScaler`` would divide the border pixels, almost
  always 0 in training, by a standard deviation near 0: the rare test image
  that inks them feeds inputs of several hundred into the sigmoids and
  saturates them.
- The RBF kernel compares images by the Euclidean distance between pixel
  vectors; ``[0, 1]`` pixels keep the ink's natural weight, and the grid over
  gamma adapts the kernel's width to them.

Time budget of the full MNIST run. The issue asks for about 20 minutes on 2
cores. The run before these grids took 35 minutes here (2,089 s), most of it
SVC on all 60,000 images, which no fair comparison can shrink: the two
refits (default 256 s, tuned 386 s), the predictions of the 10,000 test
images (97 s and 113 s each, timed 3 times: 626 s), the scaling study (255 s:
fits up to 20,000 images, predictions of 2,000). The grid searches took 348 s,
SigmoidMLP's 32 candidates 175 s of them. What changed:

- Prediction times are the median of up to 3 predictions, but no more once
  they have taken 60 s together (``--predict-repeats``, ``--predict-budget``);
  the report gives the number of runs. A prediction of a minute or more is
  measured once, not guessed from a subset; the networks' predictions, which
  take milliseconds, are still timed 3 times. This saves about 7 minutes.
- SVC's defaults (C=1, gamma="scale") are a candidate of the tuned SVC's
  grid. The grids are searched before the defaults rows, and the defaults
  row shows that candidate's CV scores instead of cross-validating the same
  model again (85 s saved); if the defaults win the grid, the two rows share
  one refit and its timings.
- SigmoidMLP's grid has 24 candidates instead of 32 (see below), and its
  defaults got a row of their own (one CV candidate and a 20 s refit).
- Everything else stays: the same 10,000-image CV subset and 3 folds for
  every contender (a smaller subset tunes everyone on data less like the full
  set, and makes the subset bias described below worse), the same n_jobs,
  60,000 training and 10,000 test images for every refit. A larger SVC kernel
  cache (``cache_size``) was tried and left out: at 20,000 images a 2,000 MB
  cache saved 8 % of the fit's CPU time (86 s against 94 s), as libsvm's
  one-vs-one fit is 45 small two-class problems.

This does not reach 20 minutes. The committed MNIST run, on the 2 cores
with nothing else running, took 27.5 minutes, of which SVC took 21: its two
60,000-image refits took 294 s and 415 s, their predictions 97 s and 116 s,
its grid search 1.5 minutes and its scaling study 4.4. The issue's own
reference machine fits SVC(C=10) in 153 s and predicts in 30 s, 2.7 and 3.9
times faster than this one; at those speeds the run would take about 14
minutes. Runs on a machine shared with other work took 41
minutes, for MNIST and for Fashion-MNIST (whose SVC has more support
vectors). What is left to cut is the scaling study
(``--scaling-sizes 1000,2000,5000,10000 --scaling-test-size 1000`` would save
about 3 minutes), or SVC's rows on the full training set, which the issue
asks for.

SigmoidMLP's grid. It contains the estimator's defaults (100 hidden
neurons, eta=0.2, batches of 200, alpha=1, momentum 0.9), which the previous
grid lacked, and crosses hidden sizes (100, 300), L2 (0.1, 1), batch sizes
(50, and "auto": 200) with three optimiser settings: momentum 0.9 with eta
0.2 or 0.3, and plain SGD (momentum 0) with eta 2.0. In the previous run eta=0.1 with
momentum lost to 0.3 in 7 of 8 settings, and plain SGD with eta=0.5 lost to
2.0 in 7 of 8, so both were dropped. Larger networks (800 neurons, batches
of 128) were left out: an epoch of 800 neurons costs about six times one of
100 (``python -m sknumpynet.benchmarks.speed``), the 60,000-image refit, the
learning curve and the scaling study would each pay for it, and 300 neurons
already lost to 100 on the CV subset. Tuning on a subset has a bias that the
grid cannot remove: 30 epochs of the folds' 6,667 images are a ninth of the
SGD steps of 30 epochs of 60,000, so the CV favours
settings that learn fast in few steps (small batches, larger eta), which are
not the best on the full set. That is why the defaults are also a row of
their own, as SVC's are: the report shows what tuning on the subset gave and
what the defaults give.

The quick grids keep two candidates per contender.
"""

from dataclasses import dataclass, field

from sklearn.decomposition import PCA
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.svm import SVC, LinearSVC

from .. import SigmoidMLPClassifier

# The book's chapter-1 run: sizes=[784, 30, 10], quadratic cost, sigmoid
# outputs, weights and biases N(0, 1), eta=3.0, mini-batches of 10, 30 epochs.
NIELSEN_CH1_PARAMS = dict(
    hidden_layer_sizes=(30,),
    loss="squared_error",
    output_activation="sigmoid",
    init="large",
    learning_rate_init=3.0,
    batch_size=10,
    max_iter=30,
    momentum=0.0,
    alpha=0.0,
)

SIGMOID_MLP_DEFAULT = "sigmoid-mlp-default"
SIGMOID_MLP = "sigmoid-mlp"
SVC_DEFAULT = "svc-default"
SVC_TUNED = "svc-tuned"
PCA_SVC = "pca-svc"
LINEAR_SVC = "linear-svc"
SKLEARN_MLP = "sklearn-mlp"
NIELSEN_CH1 = "nielsen-ch1"

CONTENDER_NAMES = (
    SIGMOID_MLP_DEFAULT,
    SIGMOID_MLP,
    SVC_DEFAULT,
    SVC_TUNED,
    PCA_SVC,
    LINEAR_SVC,
    SKLEARN_MLP,
    NIELSEN_CH1,
)

# The contenders of the scaling study (fit time, predict time and accuracy
# against the number of training samples), with their tuned parameters.
SCALING_CONTENDERS = (SVC_TUNED, SIGMOID_MLP)


@dataclass
class Contender:
    """A pipeline to compare and how it is tuned.

    Attributes
    ----------
    name : str
        Short identifier, used on the command line and in the results.

    title : str
        Name for people, used in the report.

    pipeline : sklearn.pipeline.Pipeline
        The unfitted pipeline, with the parameters that are not searched.

    grid : dict or list of dict
        The ``param_grid`` of :class:`~sklearn.model_selection.GridSearchCV`;
        ``{}`` is the single candidate of the pipeline as it is.

    searched : bool
        Whether the grid is cross-validated at all; False for the replication
        of the book's run, which is only fitted and tested.

    note : str
        Why the pipeline and grid are what they are, for the report.
    """

    name: str
    title: str
    pipeline: Pipeline
    grid: dict | list = field(default_factory=dict)
    searched: bool = True
    note: str = ""


def make_contenders(*, quick, n_features, gamma_scale, seed):
    """Build every contender, with the full or the quick grids.

    Parameters
    ----------
    quick : bool
        Small grids (two candidates per searched contender), for a run of a
        minute or two.

    n_features : int
        Number of pixels; PCA sizes larger than it are left out of the grid.

    gamma_scale : float
        ``1 / (n_features * X.var())`` on the cross-validation subset: what
        ``SVC(gamma="scale")`` uses. The SVC grid's gammas are multiples of it,
        so that one grid fits images of any size.

    seed : int
        ``random_state`` of every estimator that draws random numbers.

    Returns
    -------
    contenders : list of Contender
        In the order of :data:`CONTENDER_NAMES`.
    """
    grids = _quick_grids(gamma_scale) if quick else _full_grids(gamma_scale)
    pca_sizes = [k for k in grids[PCA_SVC]["pca__n_components"] if k < n_features]
    grids[PCA_SVC]["pca__n_components"] = pca_sizes or [n_features // 2]
    return [
        Contender(
            SIGMOID_MLP_DEFAULT,
            "SigmoidMLPClassifier (defaults)",
            _passthrough(SigmoidMLPClassifier(random_state=seed)),
            {},
            note="SigmoidMLPClassifier() as it comes: hidden_layer_sizes=(100,), "
            "learning_rate_init=0.2, batch_size='auto' (200), alpha=1.0, "
            "momentum=0.9, 30 epochs; the counterpart of SVC's defaults row.",
        ),
        Contender(
            SIGMOID_MLP,
            "SigmoidMLPClassifier (tuned)",
            _passthrough(SigmoidMLPClassifier(random_state=seed)),
            grids[SIGMOID_MLP],
            note="sknumpynet's network: sigmoid hidden layer, softmax output, "
            "cross-entropy, SGD; 30 epochs. Plain SGD and momentum 0.9 get "
            "their own learning rates (momentum multiplies the step by "
            "about 1 / (1 - momentum)). The estimator's defaults are one of "
            "the candidates.",
        ),
        Contender(
            SVC_DEFAULT,
            "SVC, RBF (defaults)",
            _passthrough(SVC()),
            {},
            note="SVC() as it comes: C=1, gamma='scale'.",
        ),
        Contender(
            SVC_TUNED,
            "SVC, RBF (tuned)",
            _passthrough(SVC()),
            grids[SVC_TUNED],
            note="gamma='scale' (1 / (n_features X.var()), "
            f"{gamma_scale:.4g} on the CV subset) and twice that; C=1 with "
            "gamma='scale' are SVC's defaults.",
        ),
        Contender(
            PCA_SVC,
            "PCA + SVC, RBF",
            Pipeline([("pca", PCA(random_state=seed)), ("clf", SVC())]),
            grids[PCA_SVC],
            note="PCA first, the usual way to make an RBF SVC affordable; "
            "gamma='scale' on the components.",
        ),
        Contender(
            LINEAR_SVC,
            "LinearSVC",
            _passthrough(LinearSVC(random_state=seed)),
            grids[LINEAR_SVC],
            note="A linear baseline (one-vs-rest, squared hinge).",
        ),
        Contender(
            SKLEARN_MLP,
            "MLPClassifier (scikit-learn, tuned)",
            _passthrough(MLPClassifier(max_iter=30, random_state=seed)),
            grids[SKLEARN_MLP],
            note="ReLU, Adam, 30 epochs: scikit-learn's own multi-layer perceptron.",
        ),
        Contender(
            NIELSEN_CH1,
            "Nielsen ch. 1 [784, 30, 10] (replication)",
            _passthrough(SigmoidMLPClassifier(random_state=seed, **NIELSEN_CH1_PARAMS)),
            {},
            searched=False,
            note="The book's chapter-1 run, not tuned: quadratic cost, sigmoid "
            "outputs, eta=3, mini-batches of 10, 30 epochs, no momentum, no L2, "
            "weights N(0, 1). The book trained on the first 50,000 training "
            "images; here it gets the same training set as every other row.",
        ),
    ]


def _passthrough(classifier):
    return Pipeline([("scale", "passthrough"), ("clf", classifier)])


def _full_grids(gamma_scale):
    # 2 x 2 x 2 x 3 = 24 candidates; the estimator's defaults (100 neurons,
    # alpha=1, batch_size="auto" (batches of 200), momentum 0.9, eta=0.2) are
    # one of them, spelled as the defaults are so that their row shares it.
    sigmoid_shared = {
        "clf__hidden_layer_sizes": [(100,), (300,)],
        "clf__alpha": [0.1, 1.0],
        "clf__batch_size": [50, "auto"],
    }
    return {
        SIGMOID_MLP: [
            {
                **sigmoid_shared,
                "clf__momentum": [0.9],
                "clf__learning_rate_init": [0.2, 0.3],
            },
            {
                **sigmoid_shared,
                "clf__momentum": [0.0],
                "clf__learning_rate_init": [2.0],
            },
        ],
        # 2 x 2 = 4 candidates, SVC's defaults (C=1, gamma="scale") among
        # them; gamma = 2 x "scale" (about 0.027 on MNIST) is near the usual
        # optimum.
        SVC_TUNED: {
            "clf__C": [1.0, 10.0],
            "clf__gamma": ["scale", *_gammas(gamma_scale, (2.0,))],
        },
        # 3 x 2 = 6 candidates.
        PCA_SVC: {"pca__n_components": [30, 50, 100], "clf__C": [1.0, 10.0]},
        # 3 candidates.
        LINEAR_SVC: {"clf__C": [0.01, 0.1, 1.0]},
        # 2 x 2 = 4 candidates.
        SKLEARN_MLP: {
            "clf__hidden_layer_sizes": [(100,), (300,)],
            "clf__alpha": [1e-4, 1e-2],
        },
    }


def _quick_grids(gamma_scale):
    return {
        SIGMOID_MLP: {
            "clf__hidden_layer_sizes": [(100,)],
            "clf__learning_rate_init": [0.1, 0.3],
        },
        SVC_TUNED: {"clf__C": [1.0, 10.0], "clf__gamma": ["scale"]},
        PCA_SVC: {"pca__n_components": [30], "clf__C": [1.0, 10.0]},
        LINEAR_SVC: {"clf__C": [0.1, 1.0]},
        SKLEARN_MLP: {"clf__hidden_layer_sizes": [(100,)], "clf__alpha": [1e-4, 1e-2]},
    }


def _gammas(gamma_scale, multiples):
    return [float(f"{m * gamma_scale:.3g}") for m in multiples]
