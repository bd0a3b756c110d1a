"""Training recipes meant to beat SVC, for the benchmarks to run and report.

The main benchmark shows a recipe as a row of its own beside SVC; ``speed.py
--only recipes`` checks each against its target, in the same run as the SVC
fit it is compared with.
"""

from dataclasses import dataclass, field

from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sknumpynet import SigmoidMLPClassifier
from sknumpynet.augmentation import ElasticDistortion


@dataclass(frozen=True)
class Recipe:
    """Parameters of the network, and the target they are meant to reach.

    ``min_accuracy`` is the test accuracy to reach when trained on the 60,000
    training images of ``dataset``; ``max_fit_seconds`` the fit time not to
    exceed, None for "no longer than the tuned SVC's fit in the same run".
    ``standardize`` puts a ``StandardScaler`` before the network.
    """

    name: str
    dataset: str
    min_accuracy: float
    max_fit_seconds: float | None
    params: dict = field(repr=False)
    standardize: bool = False

    def make_pipeline(self, random_state):
        """A new, unfitted ``[scale, clf]`` pipeline of this recipe."""
        clf = SigmoidMLPClassifier(**self.params, random_state=random_state)
        scale = StandardScaler() if self.standardize else "passthrough"
        return Pipeline([("scale", scale), ("clf", clf)])


# One hidden layer of 800 as in Simard et al. (2003), elastic distortions and
# a learning rate annealed along a half cosine; the longer run anneals more
# slowly and goes further.
_MNIST_ELASTIC = dict(
    hidden_layer_sizes=(800,),
    batch_size=128,
    learning_rate="cosine",
    learning_rate_init=0.1,
    max_iter=30,
    augment=ElasticDistortion(),
)

RECIPES = [
    Recipe("mnist-fast", "mnist", 0.986, 120.0, _MNIST_ELASTIC),
    Recipe("mnist-99", "mnist", 0.990, None, {**_MNIST_ELASTIC, "max_iter": 80}),
    # Clothes fill the frame: few pixels are near-constant in training, so
    # standardising them does not blow up rare test values (see _contenders).
    Recipe(
        "fashion",
        "fashion-mnist",
        min_accuracy=0.905,
        max_fit_seconds=None,
        params=dict(
            hidden_layer_sizes=(800,),
            batch_size=128,
            dropout=0.3,
            learning_rate="cosine",
            learning_rate_init=0.1,
            max_iter=100,
        ),
        standardize=True,
    ),
]

# The recipe each data set's benchmark shows as a row of its own.
BENCHMARK_RECIPES = {"mnist": "mnist-fast", "fashion-mnist": "fashion"}


def benchmark_recipe(dataset):
    """The recipe the main benchmark compares on ``dataset``, or None."""
    name = BENCHMARK_RECIPES.get(dataset)
    return next((recipe for recipe in RECIPES if recipe.name == name), None)
