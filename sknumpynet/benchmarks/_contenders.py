"""The contenders: one scikit-learn Pipeline each, and how it is tuned and measured.

Every pipeline is ``[("deskew", ...), ("scale", ...), ("clf", ...)]`` so that
grids read alike. Pixels stay in [0, 1] unless a recipe standardises them
(docs/benchmarks.md says why). Each tuned grid holds at least nine
candidates, to climb the three halving rounds of ``_tuning``, and its
estimator's defaults, whose row then shows that candidate's CV score. To add
candidates, add a key or a value to a grid; to add a row, add a
:class:`Contender` to :func:`make_contenders`.
"""

import json
from dataclasses import dataclass

from sklearn.decomposition import PCA
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, LinearSVC

from .. import SigmoidMLPClassifier
from ..augmentation import ElasticDistortion
from ..preprocessing import Deskew
from ._recipes import benchmark_recipe
from ._virtual_svc import VirtualSVC

NIELSEN_CH1 = "nielsen-ch1"
RECIPE = "sigmoid-mlp-recipe"
SVC_TUNED = "svc-tuned"
# The data sets of handwritten digits, the images virtual support vectors
# were made for.
DIGITS = ("mnist", "digits")

# The book's chapter-1 run: sizes=[784, 30, 10], quadratic cost, sigmoid
# outputs, weights and biases N(0, 1), eta=3.0, mini-batches of 10, 30 epochs.
NIELSEN_CH1_PARAMS = dict(
    hidden_layer_sizes=(30,),
    loss="squared_error",
    output_activation="sigmoid",
    init="standard_normal",
    learning_rate="constant",
    learning_rate_init=3.0,
    batch_size=10,
    max_iter=30,
    momentum=0.0,
    alpha=0.0,
)

# 6 candidates, the defaults among them; deskewing doubles them, and so does
# the recipe's distortion or scaler (see make_contenders). The learning-rate
# schedule is not searched: the defaults' cosine schedule leaves its place to
# deskewing (docs/benchmarks.md says why).
SIGMOID_MLP_GRID = {
    "clf__hidden_layer_sizes": [(100,), (300,), (800,)],
    "clf__dropout": [0.0, 0.3],
}


@dataclass
class Contender:
    """A pipeline to compare, how it is tuned and how it is measured.

    ``name`` is used on the command line and in the results, ``title`` in the
    report, ``note`` says there why the pipeline and grid are what they are.
    ``grid`` is the halving search's ``param_grid``, None for an untuned row;
    an untuned row with ``params_from`` takes the parameters that contender's
    search chose. ``n_seeds`` fits are made on the training set, each with its
    own ``random_state``. ``svm`` marks the support vector machines, the
    strongest of which every row is tested against. ``scaling`` and
    ``learning_curve`` ask for those studies. An ``optional`` row runs only
    when ``--contenders`` names it.
    """

    name: str
    title: str
    pipeline: Pipeline
    grid: dict | list | None = None
    note: str = ""
    n_seeds: int = 1
    params_from: str | None = None
    svm: bool = False
    scaling: bool = False
    learning_curve: bool = False
    optional: bool = False


def make_contenders(*, gamma_scale, seed, dataset="mnist", image_shape=(28, 28)):
    """Build every contender, with `seed` as every ``random_state``.

    The SVC grid's gammas are multiples of `gamma_scale` (what
    ``gamma="scale"`` uses on the tuning set), so that one grid fits images of
    any size; the grids of SVC, PCA + SVC and the network let the search
    decide whether to deskew images of `image_shape` first. On a `dataset`
    with a recipe, the network's grid also searches the recipe's distortion
    or scaler, and the recipe is a row of its own.
    """
    deskew = ["passthrough", Deskew(image_shape=image_shape)]
    recipe = benchmark_recipe(dataset)
    return [
        *_networks(recipe, deskew, seed),
        *_svms(gamma_scale, deskew, dataset, image_shape, seed),
        Contender(
            "sklearn-mlp",
            "MLPClassifier (scikit-learn, tuned)",
            _pipeline(MLPClassifier(max_iter=30, random_state=seed)),
            {
                "clf__hidden_layer_sizes": [(100,), (300,), (100, 100)],
                "clf__alpha": [1e-4, 1e-3, 1e-2],
            },
            note="ReLU, Adam, 30 epochs: scikit-learn's own multi-layer "
            "perceptron, on raw pixels.",
            n_seeds=3,
        ),
        Contender(
            NIELSEN_CH1,
            "Nielsen ch. 1 [784, 30, 10] (replication)",
            _pipeline(SigmoidMLPClassifier(random_state=seed, **NIELSEN_CH1_PARAMS)),
            note="The book's chapter-1 run, not tuned: quadratic cost, sigmoid "
            "outputs, eta=3, mini-batches of 10, 30 epochs, no momentum, no L2, "
            "weights N(0, 1). The book trained on the first 50,000 training "
            "images; here it gets the same training set as every other row.",
            n_seeds=3,
        ),
    ]


def _svms(gamma_scale, deskew, dataset, image_shape, seed):
    """The support vector machines: RBF SVC tuned, virtual, after PCA; linear."""
    gammas = ["scale", *(float(f"{m * gamma_scale:.3g}") for m in (2, 3))]
    pca_svc = Pipeline(
        [("deskew", "passthrough"), ("scale", PCA(random_state=seed)), ("clf", SVC())]
    )
    return [
        Contender(
            SVC_TUNED,
            "SVC, RBF (tuned)",
            _pipeline(SVC()),
            {"deskew": deskew, "clf__C": [1.0, 10.0, 100.0], "clf__gamma": gammas},
            note=f"gamma='scale' ({gamma_scale:.4g} on the tuning set) and two "
            "and three times that, on raw or deskewed pixels.",
            svm=True,
            scaling=True,
        ),
        *_virtual_svcs(dataset, image_shape, seed),
        Contender(
            "pca-svc",
            "PCA + SVC, RBF",
            pca_svc,
            {
                "deskew": deskew,
                "scale__n_components": [0.7, 0.8, 0.9],
                "clf__C": [1.0, 10.0, 100.0],
            },
            note="PCA first, keeping 70 to 90 % of the variance: the usual way "
            "to make an RBF SVC affordable.",
            svm=True,
        ),
        Contender(
            "linear-svc",
            "LinearSVC",
            _pipeline(LinearSVC(random_state=seed)),
            {"clf__C": [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0]},
            note="A linear baseline (one-vs-rest, squared hinge), on raw pixels.",
            svm=True,
        ),
    ]


def _networks(recipe, deskew, seed):
    """The SigmoidMLPClassifier rows: defaults, tuned, and the recipe if any."""
    grid = {"deskew": deskew, **SIGMOID_MLP_GRID}
    if recipe is not None and recipe.params.get("augment") is not None:
        grid["clf__augment"] = [None, recipe.params["augment"]]
    if recipe is not None and recipe.standardize:
        grid["scale"] = ["passthrough", StandardScaler()]
    networks = [
        Contender(
            "sigmoid-mlp-default",
            "SigmoidMLPClassifier (defaults)",
            _pipeline(SigmoidMLPClassifier(random_state=seed)),
            note="SigmoidMLPClassifier() as it comes: 100 sigmoid neurons, "
            "log-loss, LeCun-normal weights, batches of 200, eta=0.3 annealed "
            "along a half cosine, momentum 0.9, alpha=1, 30 epochs.",
            n_seeds=3,
        ),
        Contender(
            "sigmoid-mlp",
            "SigmoidMLPClassifier (tuned)",
            _pipeline(SigmoidMLPClassifier(random_state=seed)),
            grid,
            note="sknumpynet's network: sigmoid hidden layer, softmax output, "
            "log-loss, SGD with momentum 0.9 and the defaults' cosine schedule, "
            "30 epochs, on raw or deskewed pixels.",
            n_seeds=3,
            scaling=True,
            learning_curve=True,
        ),
    ]
    if recipe is not None:
        networks.append(_recipe_contender(recipe, seed))
    return networks


def _recipe_contender(recipe, seed):
    """The row of a fixed recipe meant to beat SVC, with what it knows."""
    title, knows = "SigmoidMLPClassifier (recipe)", ""
    if recipe.params.get("augment") is not None:
        title = "SigmoidMLPClassifier (augmented recipe)"
        knows = (
            " Distorting the training images gives the network prior knowledge of "
            "images; the virtual SVC rows give the SVM the same knowledge."
        )
    preprocessing = [
        text
        for text, used in (
            ("deskewed", recipe.deskew),
            ("standardised", recipe.standardize),
        )
        if used
    ]
    pixels = f", {' and '.join(preprocessing)} pixels" if preprocessing else ""
    return Contender(
        RECIPE,
        title,
        recipe.make_pipeline(seed),
        note=f"The recipe {recipe.name!r} of sknumpynet.benchmarks._recipes, "
        f"not tuned: {params_text(recipe.params)}{pixels}.{knows}",
        n_seeds=3,
    )


def _virtual_svcs(dataset, image_shape, seed):
    """The virtual-support-vector SVCs, with the tuned SVC's parameters.

    Both are optional but the shifts on digits: the second fit, on five times
    the first's support vectors, costs several times the first, and the run
    has time for one such row (docs/benchmarks.md); Fashion-MNIST's SVC keeps
    too many support vectors for it.
    """
    # The network's distortion, scaled with the image as its defaults suit 28 x 28.
    scale = image_shape[0] / 28
    elastic = ElasticDistortion(
        image_shape=image_shape, alpha=34.0 * scale, sigma=4.0 * scale
    )
    method = (
        "SVC with the tuned SVC's parameters and deskewing, fitted again on its "
        "support vectors and four copies of each (Schölkopf, Burges and Vapnik "
        "1996; DeCoste and Schölkopf 2002); the fit time counts both fits"
    )
    return [
        Contender(
            "svc-virtual-shifts",
            "Virtual SVC, one-pixel shifts",
            _pipeline(VirtualSVC(SVC(), image_shape=image_shape)),
            note=f"{method}. The copies: each support vector shifted by one pixel "
            "down, up, right and left, as in the papers.",
            params_from=SVC_TUNED,
            svm=True,
            optional=dataset not in DIGITS,
        ),
        Contender(
            "svc-virtual-elastic",
            "Virtual SVC, elastic copies",
            _pipeline(VirtualSVC(SVC(), distortion=elastic, random_state=seed)),
            note=f"{method}. The copies: the network's elastic distortions "
            f"({elastic!r}) of each support vector.",
            params_from=SVC_TUNED,
            svm=True,
            optional=True,
        ),
    ]


def borrowed_params(pipeline, params):
    """`params` chosen for another pipeline, set where `pipeline` holds them.

    A parameter of a step goes to that step, or else to the estimator the step
    wraps, as ``clf__C`` of an SVC becomes ``clf__estimator__C`` of a
    :class:`~sknumpynet.benchmarks._virtual_svc.VirtualSVC`.
    """
    names = pipeline.get_params(deep=True)
    borrowed = {}
    for key, value in params.items():
        step, _, name = key.partition("__")
        borrowed[key if key in names else f"{step}__estimator__{name}"] = value
    return borrowed


def pipeline_key(pipeline):
    """A string that is equal for two pipelines of the same steps and parameters."""
    steps = [type(step).__qualname__ for _, step in pipeline.steps]
    params = {key: repr(value) for key, value in step_params(pipeline).items()}
    return json.dumps([steps, params], sort_keys=True)


def step_params(pipeline):
    """Every parameter of the pipeline's steps, such as ``clf__alpha``."""
    return {
        key: value
        for key, value in pipeline.get_params(deep=True).items()
        if "__" in key and not hasattr(value, "get_params")
    }


def params_text(params):
    """``"C=10, gamma=0.027"``: parameters without their step prefix, or "defaults"."""
    return (
        ", ".join(f"{k.split('__')[-1]}={v}" for k, v in params.items()) or "defaults"
    )


def _pipeline(classifier):
    """``classifier`` on the pixels as they come: no deskewing, no scaling."""
    return Pipeline(
        [("deskew", "passthrough"), ("scale", "passthrough"), ("clf", classifier)]
    )


CONTENDER_NAMES = tuple(c.name for c in make_contenders(gamma_scale=1.0, seed=0))
