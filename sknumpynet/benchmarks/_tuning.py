"""Tuning: successive halving, with the same folds and rounds for every contender.

scikit-learn's ``HalvingGridSearchCV`` cross-validates every candidate on a
ninth of the tuning set, the best third on a third, the best of those on all
of it; every grid climbs the same rounds, on the same images (docs/benchmarks.md).
"""

import warnings

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import HalvingGridSearchCV, ParameterGrid

from ._contenders import pipeline_key
from ._progress import stopwatch

FACTOR = 3
N_ROUNDS = 3


def halving_schedule(n_images):
    """Images of each round: a third of the next, the last at most `n_images`.

    >>> halving_schedule(30_006)
    [3334, 10002, 30006]
    """
    first = n_images // FACTOR ** (N_ROUNDS - 1)
    return [first * FACTOR**i for i in range(N_ROUNDS)]


def tune(contender, X, y, folds, *, seed):
    """Successive halving over the grid of `contender`, on joblib's current backend.

    Every contender gets the same `folds` of the tuning set `X`, `y` and the
    same `seed` for the rounds' draws of images; its grid needs at least
    ``FACTOR ** (N_ROUNDS - 1)`` candidates. Returns ``best_params``, the best
    candidate's CV scores in the last round it reached, each round's size,
    candidates, best score and compute time, every candidate's scores, and the
    wall time.
    """
    n_candidates = len(ParameterGrid(contender.grid))
    if n_candidates < FACTOR ** (N_ROUNDS - 1):
        raise ValueError(
            f"The grid of {contender.name} has {n_candidates} candidates; "
            f"{FACTOR ** (N_ROUNDS - 1)} or more are needed for the {N_ROUNDS} "
            "rounds of successive halving that every contender climbs."
        )
    schedule = halving_schedule(len(y))
    search = HalvingGridSearchCV(
        contender.pipeline,
        contender.grid,
        factor=FACTOR,
        resource="n_samples",
        min_resources=schedule[0],
        max_resources=schedule[-1],
        cv=folds,
        scoring="accuracy",
        refit=False,
        # Training scores are not reported, and an SVC predicting its own
        # training folds costs as much as its fit.
        return_train_score=False,
        random_state=seed,
    )
    with stopwatch() as took, warnings.catch_warnings():
        # Epochs are capped on purpose: max_iter is part of the budget.
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    train_share = np.mean([len(train) / len(y) for train, _ in folds])
    candidates = _candidates(search.cv_results_, len(folds))
    best = candidates[search.best_index_]
    return {
        "best_params": search.best_params_,
        **_cv_scores(best),
        "n_candidates": n_candidates,
        "n_failed": sum(c["cv_mean"] is None for c in candidates),
        "rounds": [
            _round(r, n_images, candidates, train_share, len(folds))
            for r, n_images in enumerate(search.n_resources_, start=1)
        ],
        "candidates": candidates,
        "search_s": took.wall,
    }


def _candidates(cv, n_folds):
    """One record per candidate and round, from ``cv_results_``; failed scores None."""
    return [
        {
            "params": params,
            "round": int(cv["iter"][i]) + 1,
            "n_images": int(cv["n_resources"][i]),
            "cv_mean": _finite_or_none(cv["mean_test_score"][i]),
            "cv_std": _finite_or_none(cv["std_test_score"][i]),
            "fold_scores": [
                _finite_or_none(cv[f"split{k}_test_score"][i]) for k in range(n_folds)
            ],
            "mean_fit_s": float(cv["mean_fit_time"][i]),
            "mean_score_s": float(cv["mean_score_time"][i]),
        }
        for i, params in enumerate(cv["params"])
    ]


def _round(r, n_images, candidates, train_share, n_folds):
    in_round = [c for c in candidates if c["round"] == r]
    best = max(
        in_round, key=lambda c: -np.inf if c["cv_mean"] is None else c["cv_mean"]
    )
    compute_s = sum(c["mean_fit_s"] + c["mean_score_s"] for c in in_round)
    return {
        "round": r,
        "n_candidates": len(in_round),
        "n_images": n_images,
        "n_train_per_fold": round(n_images * train_share),
        "best_cv": best["cv_mean"],
        "best_params": best["params"],
        "compute_s": n_folds * compute_s,
    }


def shared_cv(contender, searches):
    """The CV scores of untuned `contender`'s pipeline as a candidate of a grid.

    `searches` maps the tuned contenders' names to ``(Contender, search)``.
    The scores come from the last round the candidate reached, with the grid's
    name in ``cv_shared_with``; all None when no grid holds it.
    """
    key = pipeline_key(contender.pipeline)
    for name, (tuned, search) in searches.items():
        for candidate in reversed(search["candidates"]):
            pipeline = clone(tuned.pipeline).set_params(**candidate["params"])
            if pipeline_key(pipeline) == key:
                return _cv_scores(candidate) | {"cv_shared_with": name}
    return dict.fromkeys(
        ("cv_mean", "cv_std", "cv_fold_scores", "cv_round", "cv_shared_with")
    )


def _cv_scores(candidate):
    return {
        "cv_mean": candidate["cv_mean"],
        "cv_std": candidate["cv_std"],
        "cv_fold_scores": candidate["fold_scores"],
        "cv_round": candidate["round"],
    }


def _finite_or_none(value):
    return float(value) if np.isfinite(value) else None
