"""The contenders: one scikit-learn Pipeline each, and how it is tuned and measured.

Every pipeline is ``[("scale", ...), ("clf", ...)]`` so that grids read alike.
Pixels stay in [0, 1] unless a recipe standardises them (docs/benchmarks.md
says why). Each tuned grid holds at least nine candidates, to climb the three
halving rounds of ``_tuning``, and its estimator's defaults, whose row then
shows that candidate's CV score. To add candidates, add a key or a value to a
grid; to add a row, add a :class:`Contender` to :func:`make_contenders`.
"""

import json
from dataclasses import dataclass

from sklearn.decomposition import PCA
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, LinearSVC

from .. import SigmoidMLPClassifier
from ._recipes import benchmark_recipe

NIELSEN_CH1 = "nielsen-ch1"
RECIPE = "sigmoid-mlp-recipe"

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

# 12 candidates, the defaults among them; a recipe's distortion or scaler
# doubles them (see make_contenders). Each of these settings moves the test
# accuracy by more than the seed-to-seed spread on the full training set.
SIGMOID_MLP_GRID = {
    "clf__hidden_layer_sizes": [(100,), (300,), (800,)],
    "clf__dropout": [0.0, 0.3],
    "clf__learning_rate": ["constant", "cosine"],
}


@dataclass
class Contender:
    """A pipeline to compare, how it is tuned and how it is measured.

    ``name`` is used on the command line and in the results, ``title`` in the
    report, ``note`` says there why the pipeline and grid are what they are.
    ``grid`` is the halving search's ``param_grid``, None for an untuned row;
    ``n_seeds`` fits are made on the training set, each with its own
    ``random_state``. ``one_core`` fits (libsvm, liblinear) run side by side,
    one per core. ``fit_growth`` is about how fit time grows with the training
    set (``n**fit_growth``; only the progress estimate uses it). ``scaling`` and
    ``learning_curve`` ask for those studies.
    """

    name: str
    title: str
    pipeline: Pipeline
    grid: dict | list | None = None
    note: str = ""
    n_seeds: int = 1
    one_core: bool = False
    fit_growth: float = 1.0
    scaling: bool = False
    learning_curve: bool = False


def make_contenders(*, gamma_scale, seed, dataset="mnist"):
    """Build every contender, with `seed` as every ``random_state``.

    The SVC grid's gammas are multiples of `gamma_scale` (what
    ``gamma="scale"`` uses on the tuning set), so that one grid fits images of
    any size. On a `dataset` with a recipe, the network's grid also searches
    the recipe's distortion, and the recipe is a row of its own.
    """
    gammas = ["scale", *(float(f"{m * gamma_scale:.3g}") for m in (2, 3))]
    recipe = benchmark_recipe(dataset)
    sigmoid_grid = dict(SIGMOID_MLP_GRID)
    if recipe is not None and recipe.params.get("augment") is not None:
        sigmoid_grid["clf__augment"] = [None, recipe.params["augment"]]
    if recipe is not None and recipe.standardize:
        sigmoid_grid["scale"] = ["passthrough", StandardScaler()]
    contenders = [
        Contender(
            "sigmoid-mlp-default",
            "SigmoidMLPClassifier (defaults)",
            _passthrough(SigmoidMLPClassifier(random_state=seed)),
            note="SigmoidMLPClassifier() as it comes: 100 sigmoid neurons, "
            "eta=0.2, batches of 200, alpha=1, momentum 0.9, 30 epochs.",
            n_seeds=3,
        ),
        Contender(
            "sigmoid-mlp",
            "SigmoidMLPClassifier (tuned)",
            _passthrough(SigmoidMLPClassifier(random_state=seed)),
            sigmoid_grid,
            note="sknumpynet's network: sigmoid hidden layer, softmax output, "
            "cross-entropy, SGD with momentum 0.9, 30 epochs.",
            n_seeds=3,
            scaling=True,
            learning_curve=True,
        ),
        Contender(
            "svc-default",
            "SVC, RBF (defaults)",
            _passthrough(SVC()),
            note="SVC() as it comes: C=1, gamma='scale'.",
            one_core=True,
            fit_growth=2.0,
        ),
        Contender(
            "svc-tuned",
            "SVC, RBF (tuned)",
            _passthrough(SVC()),
            {"clf__C": [1.0, 10.0, 100.0], "clf__gamma": gammas},
            note=f"gamma='scale' ({gamma_scale:.4g} on the tuning set) and two "
            "and three times that.",
            one_core=True,
            fit_growth=2.0,
            scaling=True,
        ),
        Contender(
            "pca-svc",
            "PCA + SVC, RBF",
            Pipeline([("pca", PCA(random_state=seed)), ("clf", SVC())]),
            {"pca__n_components": [0.7, 0.8, 0.9], "clf__C": [1.0, 10.0, 100.0]},
            note="PCA first, keeping 70 to 90 % of the variance: the usual way "
            "to make an RBF SVC affordable.",
            one_core=True,
            fit_growth=2.0,
        ),
        Contender(
            "linear-svc",
            "LinearSVC",
            _passthrough(LinearSVC(random_state=seed)),
            {"clf__C": [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0]},
            note="A linear baseline (one-vs-rest, squared hinge).",
            one_core=True,
        ),
        Contender(
            "sklearn-mlp",
            "MLPClassifier (scikit-learn, tuned)",
            _passthrough(MLPClassifier(max_iter=30, random_state=seed)),
            {
                "clf__hidden_layer_sizes": [(100,), (300,), (100, 100)],
                "clf__alpha": [1e-4, 1e-3, 1e-2],
            },
            note="ReLU, Adam, 30 epochs: scikit-learn's own multi-layer perceptron.",
        ),
        Contender(
            NIELSEN_CH1,
            "Nielsen ch. 1 [784, 30, 10] (replication)",
            _passthrough(SigmoidMLPClassifier(random_state=seed, **NIELSEN_CH1_PARAMS)),
            note="The book's chapter-1 run, not tuned: quadratic cost, sigmoid "
            "outputs, eta=3, mini-batches of 10, 30 epochs, no momentum, no L2, "
            "weights N(0, 1). The book trained on the first 50,000 training "
            "images; here it gets the same training set as every other row.",
        ),
    ]
    if recipe is not None:
        contenders.insert(2, _recipe_contender(recipe, seed))
    return contenders


def _recipe_contender(recipe, seed):
    """The row of a fixed recipe meant to beat SVC, with what it knows."""
    title, knows = "SigmoidMLPClassifier (recipe)", ""
    if recipe.params.get("augment") is not None:
        title = "SigmoidMLPClassifier (augmented recipe)"
        knows = (
            " Distorting the training images gives the network prior knowledge of "
            "images that the SVC rows do not get: an SVM needs the same knowledge "
            "in its own form, such as DeCoste and Schölkopf's virtual support "
            "vectors (2002, 0.56 % test error on MNIST, at a large cost)."
        )
    scaled = ", standardised pixels" if recipe.standardize else ""
    return Contender(
        RECIPE,
        title,
        recipe.make_pipeline(seed),
        note=f"The recipe {recipe.name!r} of sknumpynet.benchmarks._recipes, "
        f"not tuned: {params_text(recipe.params)}{scaled}.{knows}",
    )


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


def _passthrough(classifier):
    return Pipeline([("scale", "passthrough"), ("clf", classifier)])


CONTENDER_NAMES = tuple(c.name for c in make_contenders(gamma_scale=1.0, seed=0))
