"""Random distortions of training data: what each transform does to its rows.

The estimator calls ``check_n_features`` once at fit and ``augment(X, rng)`` on
chunks of training rows; a transform must keep the shape and dtype, draw only
from ``rng``, leave ``X`` untouched, move pixels where its parameters say, and
survive cloning and saving like the estimator that holds it.
"""

import pickle

import numpy as np
import pytest
import skops.io as sio
from scipy import ndimage
from sklearn.base import clone

from sknumpynet import SigmoidMLPClassifier, augmentation
from sknumpynet.augmentation import (
    Chain,
    ElasticDistortion,
    GaussianNoise,
    RandomAffine,
    RandomShift,
)

X_IMAGES = np.random.default_rng(0).random((40, 28 * 28))

TRANSFORMS = {
    "shift": RandomShift(),
    "affine": RandomAffine(),
    "elastic": ElasticDistortion(),
    "elastic_shared": ElasticDistortion(images_per_field=4),
    "noise": GaussianNoise(),
    "chain": Chain([("affine", RandomAffine()), ("elastic", ElasticDistortion())]),
}
IMAGE_TRANSFORMS = {
    name: TRANSFORMS[name] for name in ("shift", "affine", "elastic", "elastic_shared")
}
ZERO_STRENGTH = {
    "shift": RandomShift(max_shift=0),
    "affine": RandomAffine(rotation=0, scale=(1, 1), shear=0, shift=0),
    "elastic": ElasticDistortion(alpha=0),
    "elastic_shared": ElasticDistortion(alpha=0, images_per_field=4),
    "noise": GaussianNoise(std=0),
    "chain": Chain([("shift", RandomShift(max_shift=0)), ("noise", GaussianNoise(0))]),
    "empty_chain": Chain([]),
}


def _one_hot_image(shape, pixel):
    image = np.zeros(shape)
    image[pixel] = 1.0
    return image


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("transform", TRANSFORMS.values(), ids=TRANSFORMS)
def test_augment_returns_a_new_array_of_the_same_shape_and_dtype(transform, dtype):
    X = X_IMAGES.astype(dtype)
    X_before = X.copy()
    transform.check_n_features(X.shape[1])
    X_augmented = transform.augment(X, np.random.default_rng(0))
    assert X_augmented.shape == X.shape
    assert X_augmented.dtype == dtype
    assert not np.shares_memory(X_augmented, X)
    np.testing.assert_array_equal(X, X_before)
    assert not np.array_equal(X_augmented, X)


@pytest.mark.parametrize("transform", TRANSFORMS.values(), ids=TRANSFORMS)
def test_a_chunk_of_no_rows_gives_no_rows(transform):
    X = np.empty((0, 28 * 28), dtype=np.float32)
    X_augmented = transform.augment(X, np.random.default_rng(0))
    assert X_augmented.shape == X.shape
    assert X_augmented.dtype == X.dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("transform", ZERO_STRENGTH.values(), ids=ZERO_STRENGTH)
def test_zero_strength_is_the_identity(transform, dtype):
    X = X_IMAGES.astype(dtype)
    np.testing.assert_array_equal(transform.augment(X, np.random.default_rng(0)), X)


@pytest.mark.parametrize("fill_value", [-0.5, 0.0, 2.0])
@pytest.mark.parametrize("transform", IMAGE_TRANSFORMS.values(), ids=IMAGE_TRANSFORMS)
def test_image_values_stay_within_the_input_and_fill_range(transform, fill_value):
    X = X_IMAGES.astype(np.float32)
    # Strong distortions, so that pixels come from outside the image.
    transform = clone(transform).set_params(fill_value=fill_value)
    if isinstance(transform, RandomShift):
        transform.set_params(max_shift=8)
    elif isinstance(transform, RandomAffine):
        transform.set_params(rotation=180, scale=(0.5, 2), shift=8)
    else:
        transform.set_params(alpha=300.0)
    X_augmented = transform.augment(X, np.random.default_rng(0))
    assert X_augmented.min() >= min(X.min(), fill_value)
    assert X_augmented.max() <= max(X.max(), fill_value)
    assert np.any(X_augmented == fill_value)


@pytest.mark.parametrize("transform", TRANSFORMS.values(), ids=TRANSFORMS)
def test_randomness_comes_from_rng_only(transform):
    first, again, other = (
        transform.augment(X_IMAGES, np.random.default_rng(seed)) for seed in (1, 1, 2)
    )
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("transform", TRANSFORMS.values(), ids=TRANSFORMS)
def test_a_random_state_is_drawn_from(transform):
    # The estimator may hold a RandomState (check_random_state) rather than a
    # Generator: the transform must draw from its stream, not reseed.
    random_state = np.random.RandomState(0)
    first = transform.augment(X_IMAGES, random_state)
    second = transform.augment(X_IMAGES, random_state)
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(
        transform.augment(X_IMAGES, np.random.RandomState(0)), first
    )


def test_random_shift_moves_every_image_by_one_of_the_allowed_shifts():
    image = np.arange(1.0, 26.0).reshape(5, 5)
    fill = -1.0
    padded = np.pad(image, 1, constant_values=fill)
    # The image shifted by dy rows down and dx columns right.
    candidates = {
        (dy, dx): padded[1 - dy : 6 - dy, 1 - dx : 6 - dx].ravel()
        for dy in (-1, 0, 1)
        for dx in (-1, 0, 1)
    }
    X = np.tile(image.ravel(), (300, 1))
    shift = RandomShift(image_shape=(5, 5), max_shift=1, fill_value=fill)
    X_shifted = shift.augment(X, np.random.default_rng(0))
    seen = set()
    for row in X_shifted:
        matches = [s for s, moved in candidates.items() if np.array_equal(row, moved)]
        assert len(matches) == 1, f"not the image shifted by one pixel: {row}"
        seen.add(matches[0])
    assert seen == set(candidates)


@pytest.mark.parametrize(
    "params, pixel, moved_to",
    [
        # Offsets from the centre (2, 2) of a 5 x 5 image, y pointing down.
        ({"shift": (1, 1)}, (1, 3), (2, 4)),
        ({"shift": (-2, -2)}, (4, 3), (2, 1)),
        ({"rotation": (90, 90)}, (1, 3), (1, 1)),  # counter-clockwise
        ({"rotation": (-90, -90)}, (1, 3), (3, 3)),
        ({"scale": (2, 2)}, (3, 3), (4, 4)),
        ({"shear": (45, 45)}, (3, 2), (3, 3)),  # one row down, one column right
    ],
)
def test_random_affine_moves_a_pixel_where_its_parameters_say(params, pixel, moved_to):
    affine = RandomAffine(
        image_shape=(5, 5),
        **{"rotation": 0, "scale": (1, 1), "shear": 0, "shift": 0, **params},
    )
    X = _one_hot_image((5, 5), pixel).reshape(1, 25)
    moved = affine.augment(X, np.random.default_rng(0)).reshape(5, 5)
    assert moved[moved_to] == pytest.approx(1.0)
    assert np.unravel_index(moved.argmax(), moved.shape) == moved_to


def test_random_affine_shifts_each_image_by_its_own_draw():
    # More images than the transform resamples at once. Its draws, in order:
    # angle, scale, shear, then the shifts down and right of every image.
    n_images, shift = 300, 3.0
    rng = np.random.default_rng(0)
    for low, high in ((0, 0), (1, 1), (0, 0)):
        rng.uniform(low, high, size=n_images)
    expected = np.stack([rng.uniform(-shift, shift, size=n_images) for _ in "yx"], 1)
    affine = RandomAffine(
        image_shape=(9, 9), rotation=0, scale=(1, 1), shear=0, shift=shift
    )
    X = np.tile(_one_hot_image((9, 9), (4, 4)).ravel(), (n_images, 1))
    moved = affine.augment(X, np.random.default_rng(0)).reshape(-1, 9, 9)
    # Bilinear interpolation keeps the dot's centre of mass where it moved.
    grid = np.indices((9, 9))
    centres = np.einsum("nyx,cyx->nc", moved, grid) / moved.sum(axis=(1, 2))[:, None]
    np.testing.assert_allclose(centres - 4, expected, atol=1e-5)


def _simards_distortion(images, fields, alpha, sigma):
    """Simard et al.'s elastic distortion, one image at a time, as a reference.

    Image i is moved by fields[:, i], uniform noise of shape (2, height, width)
    in [-1, 1] (rows then columns), smoothed and scaled by alpha.
    """
    grid = np.mgrid[0 : images.shape[1], 0 : images.shape[2]]
    return np.array(
        [
            ndimage.map_coordinates(
                image,
                grid
                + alpha
                * ndimage.gaussian_filter(field, (0, sigma, sigma), mode="constant"),
                order=1,
                mode="grid-constant",
            )
            for image, field in zip(images, fields.transpose(1, 0, 2, 3), strict=True)
        ]
    )


# More images than the transform resamples at once, so that the test covers
# how it splits them.
@pytest.mark.parametrize("n_images", [3, 300])
def test_elastic_distortion_is_simards_smoothed_random_displacement(n_images):
    # The transform's draws: one uniform field in [-1, 1] per image for the
    # rows, then one per image for the columns.
    alpha, sigma = 34.0, 4.0
    X = np.random.default_rng(1).random((n_images, 28 * 28), dtype=np.float32)
    fields = np.random.default_rng(5).random((2, n_images, 28, 28), dtype=np.float32)
    expected = _simards_distortion(X.reshape(-1, 28, 28), 2 * fields - 1, alpha, sigma)
    elastic = ElasticDistortion(alpha=alpha, sigma=sigma)
    distorted = elastic.augment(X, np.random.default_rng(5)).reshape(-1, 28, 28)
    np.testing.assert_allclose(distorted, expected, atol=1e-5)


def test_shared_fields_are_simards_fields_each_given_to_a_few_random_images():
    # The draws with images_per_field=8: 300 / 8 rounded up = 38 fields, then
    # a random permutation of the images, dealt out to the fields in turn.
    alpha, sigma, n_images, n_fields = 34.0, 4.0, 300, 38
    X = np.random.default_rng(1).random((n_images, 28 * 28), dtype=np.float32)
    rng = np.random.default_rng(5)
    fields = 2 * rng.random((2, n_fields, 28, 28), dtype=np.float32) - 1
    field_of = rng.permutation(n_images) % n_fields
    expected = _simards_distortion(
        X.reshape(-1, 28, 28), fields[:, field_of], alpha, sigma
    )
    elastic = ElasticDistortion(alpha=alpha, sigma=sigma, images_per_field=8)
    distorted = elastic.augment(X, np.random.default_rng(5)).reshape(-1, 28, 28)
    np.testing.assert_allclose(distorted, expected, atol=1e-5)


@pytest.mark.parametrize(
    "n_images, images_per_field, expected_counts",
    [(64, 8, [8] * 8), (10, 4, [3, 3, 4]), (5, 1, [1] * 5), (3, 10, [3])],
)
def test_each_field_distorts_at_most_images_per_field_images(
    n_images, images_per_field, expected_counts
):
    # Copies of one image: images distorted by the same field come out equal.
    X = np.tile(X_IMAGES[:1], (n_images, 1))
    elastic = ElasticDistortion(images_per_field=images_per_field)
    distorted = elastic.augment(X, np.random.default_rng(0))
    _, counts = np.unique(distorted, axis=0, return_counts=True)
    assert sorted(counts) == expected_counts


@pytest.mark.parametrize("axis", [0, 1])
def test_shared_fields_move_pixels_as_far_as_a_field_per_image(axis):
    # Each pixel of a ramp holds its own row (or column), and bilinear
    # interpolation of a ramp gives the position it read: away from the
    # border, output minus input is the displacement. 500 shared fields
    # estimate its spread to within a few percent.
    ramp = np.indices((28, 28), dtype=np.float32)[axis].ravel()
    X = np.tile(ramp, (4000, 1))
    spread = {}
    for images_per_field in (1, 8):
        elastic = ElasticDistortion(images_per_field=images_per_field)
        moved = elastic.augment(X, np.random.default_rng(0)) - X
        inside = moved.reshape(-1, 28, 28)[:, 4:24, 4:24]
        assert abs(inside.mean()) < 0.1
        spread[images_per_field] = inside.std()
    assert spread[8] == pytest.approx(spread[1], rel=0.05)


def test_a_chain_applies_its_steps_in_turn_drawing_from_one_rng():
    steps = [RandomAffine(), ElasticDistortion(), GaussianNoise()]
    chain = Chain([(type(step).__name__, step) for step in steps])
    rng = np.random.default_rng(0)
    expected = X_IMAGES
    for step in steps:
        expected = step.augment(expected, rng)
    chained = chain.augment(X_IMAGES, np.random.default_rng(0))
    np.testing.assert_array_equal(chained, expected)


def test_the_parameters_of_a_chains_steps_are_reached_by_name():
    chain = Chain([("affine", RandomAffine()), ("elastic", ElasticDistortion())])
    clf = SigmoidMLPClassifier(augment=chain)
    clf.set_params(augment__elastic__sigma=5.0, augment__affine__rotation=0.0)
    assert chain.get_params()["elastic__sigma"] == 5.0
    assert chain.steps[0][1].rotation == 0.0
    copied = clone(clf).augment
    assert copied.get_params()["elastic__sigma"] == 5.0
    assert copied.steps[1][1] is not chain.steps[1][1]


def test_gaussian_noise_has_the_asked_std_for_any_number_of_features():
    X = np.ones((20_000, 3), dtype=np.float32)
    noise = GaussianNoise(std=0.3)
    noise.check_n_features(3)
    added = noise.augment(X, np.random.default_rng(0)) - X
    np.testing.assert_allclose(added.std(axis=0), 0.3, rtol=0.03)
    np.testing.assert_allclose(added.mean(axis=0), 0.0, atol=0.01)


def test_wrong_image_shape_says_what_to_set():
    with pytest.raises(ValueError) as error:
        RandomShift(image_shape=(28, 28)).check_n_features(64)
    for part in ("image_shape=(28, 28)", "784", "64 features", "(8, 8)"):
        assert part in str(error.value)


@pytest.mark.parametrize(
    "transform, message",
    [
        (RandomShift(max_shift=-1), "'max_shift' parameter of RandomShift must be"),
        (RandomShift(max_shift=1.5), "'max_shift' parameter of RandomShift must be"),
        (RandomShift(image_shape=(784,)), "image_shape must be a pair"),
        (RandomShift(image_shape=(0, 784)), "image_shape must be a pair"),
        (RandomShift(fill_value=np.nan), "'fill_value' parameter"),
        (RandomAffine(rotation=-10), "'rotation' parameter of RandomAffine"),
        (RandomAffine(rotation=(10, -10)), "low <= high"),
        (RandomAffine(scale=1.1), "'scale' parameter of RandomAffine must be a pair"),
        (RandomAffine(scale=(0, 1)), "positive"),
        (RandomAffine(shear=(1, 2, 3)), "'shear' parameter"),
        (RandomAffine(shift="2"), "'shift' parameter"),
        (ElasticDistortion(alpha=-1), "'alpha' parameter"),
        (ElasticDistortion(sigma=0), "'sigma' parameter"),
        (ElasticDistortion(images_per_field=0), "'images_per_field' parameter"),
        (ElasticDistortion(images_per_field=2.5), "'images_per_field' parameter"),
        (GaussianNoise(std=-0.1), "'std' parameter of GaussianNoise"),
        (Chain(RandomShift()), "'steps' parameter of Chain"),
        (Chain([RandomShift()]), "steps of Chain must be"),
        (Chain([("shift", "RandomShift")]), "steps of Chain must be"),
        (Chain([("a", RandomShift()), ("a", GaussianNoise())]), "not unique"),
        (Chain([("shift", RandomShift(max_shift=-1))]), "'max_shift' parameter"),
        (Chain([("shift", RandomShift(image_shape=(8, 8)))]), "image_shape"),
    ],
)
def test_bad_parameters_are_refused_with_their_name(transform, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        transform.check_n_features(784)
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        transform.augment(X_IMAGES, np.random.default_rng(0))


@pytest.mark.parametrize(
    "X",
    [X_IMAGES.astype(int), X_IMAGES[0], X_IMAGES.tolist()],
    ids=["int", "1d", "list"],
)
@pytest.mark.parametrize("transform", TRANSFORMS.values(), ids=TRANSFORMS)
def test_augment_refuses_what_is_not_a_float_matrix(transform, X):
    with pytest.raises(ValueError, match="2-D float32 or float64"):
        transform.augment(X, np.random.default_rng(0))


def test_repr_shows_the_changed_parameters():
    assert repr(RandomShift(max_shift=3)) == "RandomShift(max_shift=3)"


def _skops_round_trip(transform):
    dumped = sio.dumps(transform)
    untrusted = sio.get_untrusted_types(data=dumped)
    own_types = {f"sknumpynet.augmentation.{name}" for name in augmentation.__all__}
    assert set(untrusted) <= own_types, f"skops does not trust {untrusted}"
    return sio.loads(dumped, trusted=untrusted)


ROUND_TRIPS = {
    "clone": clone,
    "pickle": lambda transform: pickle.loads(pickle.dumps(transform)),
    "skops": _skops_round_trip,
}


@pytest.mark.parametrize("round_trip", ROUND_TRIPS.values(), ids=ROUND_TRIPS)
@pytest.mark.parametrize("transform", TRANSFORMS.values(), ids=TRANSFORMS)
def test_copies_distort_exactly_as_the_original(transform, round_trip):
    transform = clone(transform).set_params(
        **{"fill_value": 0.5} if "fill_value" in transform.get_params() else {}
    )
    copied = round_trip(transform)
    assert type(copied) is type(transform)
    assert repr(copied) == repr(transform)
    np.testing.assert_array_equal(
        copied.augment(X_IMAGES, np.random.default_rng(3)),
        transform.augment(X_IMAGES, np.random.default_rng(3)),
    )
