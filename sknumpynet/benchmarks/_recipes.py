"""Training recipes meant to beat SVC, for the benchmarks to run and report.

Each recipe is a :class:`Recipe`: the data set, the target it is meant to
reach on the official test set, and the estimator's parameters. The main
benchmark shows them as rows of their own beside SVC, and ``speed.py
--only recipes`` checks each against its target, in the same run as the SVC
fit it is compared with. ``docs/user_guide/augmentation.rst`` lists the
measured results.
"""

from dataclasses import dataclass, field

from sknumpynet import SigmoidMLPClassifier
from sknumpynet.augmentation import ElasticDistortion


@dataclass(frozen=True)
class Recipe:
    """A configuration of the network and the target it is meant to reach.

    Attributes
    ----------
    name : str
    dataset : {"mnist", "fashion-mnist"}
    min_accuracy : float
        Test accuracy to reach, trained on the 60,000 training images.
    max_fit_seconds : float or None
        Fit time not to exceed; None means "no longer than tuned SVC's fit,
        measured in the same run".
    params : dict
        Parameters of :class:`~sknumpynet.SigmoidMLPClassifier` but
        ``random_state``.
    """

    name: str
    dataset: str
    min_accuracy: float
    max_fit_seconds: float | None
    params: dict = field(repr=False)

    def make_estimator(self, random_state):
        """A new, unfitted estimator with this recipe's parameters."""
        return SigmoidMLPClassifier(**self.params, random_state=random_state)


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
    Recipe(
        name="mnist-fast",
        dataset="mnist",
        min_accuracy=0.986,
        max_fit_seconds=120.0,
        params=_MNIST_ELASTIC,
    ),
    Recipe(
        name="mnist-99",
        dataset="mnist",
        min_accuracy=0.990,
        max_fit_seconds=None,
        params={**_MNIST_ELASTIC, "max_iter": 80},
    ),
    Recipe(
        name="fashion",
        dataset="fashion-mnist",
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
    ),
]

# The recipe each data set's benchmark shows as a row of its own.
BENCHMARK_RECIPES = {"mnist": "mnist-fast", "fashion-mnist": "fashion"}


def benchmark_recipe(dataset):
    """The recipe the main benchmark compares on ``dataset``, or None.

    Parameters
    ----------
    dataset : str

    Returns
    -------
    recipe : Recipe or None
    """
    name = BENCHMARK_RECIPES.get(dataset)
    return next((recipe for recipe in RECIPES if recipe.name == name), None)
