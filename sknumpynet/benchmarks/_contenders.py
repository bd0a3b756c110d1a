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

The full grids were sized for a default MNIST run of about 20 minutes on 2
cores; on this project's machine it took 35 (SVC's 60,000-image fits and
predictions most of it). The quick grids keep two candidates per contender.
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

SIGMOID_MLP = "sigmoid-mlp"
SVC_DEFAULT = "svc-default"
SVC_TUNED = "svc-tuned"
PCA_SVC = "pca-svc"
LINEAR_SVC = "linear-svc"
SKLEARN_MLP = "sklearn-mlp"
NIELSEN_CH1 = "nielsen-ch1"

CONTENDER_NAMES = (
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
            SIGMOID_MLP,
            "SigmoidMLPClassifier (tuned)",
            _passthrough(SigmoidMLPClassifier(random_state=seed)),
            grids[SIGMOID_MLP],
            note="sknumpynet's network: sigmoid hidden layer, softmax output, "
            "cross-entropy, SGD; 30 epochs. Plain SGD and momentum 0.9 get "
            "their own learning rates (momentum multiplies the step by "
            "about 1 / (1 - momentum)).",
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
            note="gamma as multiples of gamma='scale' = 1 / (n_features X.var()) "
            f"= {gamma_scale:.4g} on the CV subset.",
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
    sigmoid_shared = {
        "clf__hidden_layer_sizes": [(100,), (300,)],
        "clf__alpha": [0.1, 1.0],
        "clf__batch_size": [50, 200],
    }
    return {
        # 2 x 2 x 2 x (2 + 2) = 32 candidates.
        SIGMOID_MLP: [
            {
                **sigmoid_shared,
                "clf__momentum": [0.0],
                "clf__learning_rate_init": [0.5, 2.0],
            },
            {
                **sigmoid_shared,
                "clf__momentum": [0.9],
                "clf__learning_rate_init": [0.1, 0.3],
            },
        ],
        # 2 x 2 = 4 candidates: each costs about 40 s of CPU on 10,000 MNIST
        # images; gamma = 2 x 'scale' (about 0.027) is near the usual optimum.
        SVC_TUNED: {
            "clf__C": [1.0, 10.0],
            "clf__gamma": _gammas(gamma_scale, (1.0, 2.0)),
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
        SVC_TUNED: {"clf__C": [1.0, 10.0], "clf__gamma": _gammas(gamma_scale, (2.0,))},
        PCA_SVC: {"pca__n_components": [30], "clf__C": [1.0, 10.0]},
        LINEAR_SVC: {"clf__C": [0.1, 1.0]},
        SKLEARN_MLP: {"clf__hidden_layer_sizes": [(100,)], "clf__alpha": [1e-4, 1e-2]},
    }


def _gammas(gamma_scale, multiples):
    return [float(f"{m * gamma_scale:.3g}") for m in multiples]
