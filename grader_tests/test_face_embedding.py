"""The face embedding: its network, its recipe's loss and mining, its loader and the shipped weights."""

from __future__ import annotations

import json

import numpy as np
import pytest

from course_tools.recipes.weights import face_embedding as recipe
from shared_utils import paths, runtime
from shared_utils.datasets import faces
from shared_utils.pretrained import face_embedding as loader

RECIPE_COMMAND = "python -m course_tools pretrain face_embedding"


@pytest.fixture(scope="module")
def keras():
    runtime.load_tensorflow()
    import keras

    return keras


@pytest.fixture(scope="module")
def shipped(keras):
    return loader.load_model()


# --- the network -----------------------------------------------------------------------------------


def test_the_architecture_gives_unit_vectors_and_reloads_from_its_configuration(keras) -> None:
    model = recipe.architecture(seed=3)
    assert model.input_shape == (None, 96, 96, 3) and model.output_shape == (None, 128)
    assert 300_000 <= model.count_params() <= 800_000
    x = np.random.default_rng(0).uniform(size=(3, 96, 96, 3)).astype(np.float32)
    y = np.asarray(model(x, training=False))
    np.testing.assert_allclose(np.linalg.norm(y, axis=1), 1.0, atol=1e-5)
    again = keras.models.model_from_json(model.to_json())  # no Lambda layer: no model code needed
    again.set_weights(model.get_weights())
    np.testing.assert_allclose(np.asarray(again(x, training=False)), y, atol=1e-5)
    same_seed = recipe.architecture(seed=3)
    assert all(np.array_equal(a, b) for a, b in zip(same_seed.get_weights(), model.get_weights(), strict=True))


# --- the triplet loss and semi-hard mining -----------------------------------------------------------


def _hand_built() -> tuple[np.ndarray, np.ndarray]:
    """Squared distances of 5 pictures: 0 and 1 show person A, 2 and 3 person B, 4 person C."""
    d = np.array(
        [
            [0.0, 1.0, 0.5, 1.1, 1.5],  # from 0: negatives 0.5 (hard), 1.1 (semi-hard), 1.5 (easy)
            [1.0, 0.0, 0.2, 0.3, 0.4],  # from 1: every negative is closer than the positive
            [0.5, 0.2, 0.0, 0.9, 1.3],  # from 2: negatives 0.5, 0.2, 1.3 around the positive 0.9
            [1.1, 0.3, 0.9, 0.0, 0.6],
            [1.5, 0.4, 1.3, 0.6, 0.0],
        ]
    )
    return d, np.array([0, 0, 1, 1, 2])


def test_semi_hard_mining_picks_the_closest_negative_farther_than_the_positive() -> None:
    d, labels = _hand_built()
    chosen = recipe.semihard_indices(d, labels)
    assert chosen[0, 1] == 3, "the closest negative farther than the positive (1.1 > 1.0)"
    assert chosen[1, 0] == 4, "no negative is farther than the positive: the farthest one"
    assert chosen[2, 3] == 4, "1.3 is the only negative farther than 0.9"
    assert chosen[3, 2] == 0, "from 3: 1.1 is the only negative farther than 0.9"
    assert chosen[4, 4] == -1 and chosen[0, 0] == -1 and chosen[0, 2] == -1  # not positive pairs
    negative, exists = recipe.semihard_negatives(d, labels)
    negative, exists = np.asarray(negative), np.asarray(exists)
    for a, p in ((0, 1), (1, 0), (2, 3), (3, 2)):
        assert negative[a, p] == pytest.approx(d[a, chosen[a, p]])
    assert exists[0, 1] and not exists[1, 0]


def test_the_triplet_loss_averages_over_positive_pairs() -> None:
    # Three pictures on a line: A at 0 and 0.6, B at 1. From 0: the positive is 0.36 away, B 1.0
    # (semi-hard, loss 0.36 - 1 + 0.2 < 0 -> 0); from 0.6: B is only 0.16 away, closer than the
    # positive, so the farthest negative (B) is used: 0.36 - 0.16 + 0.2 = 0.4. Mean: 0.2.
    points = np.array([[0.0], [0.6], [1.0]], dtype=np.float32)
    labels = np.array([0, 0, 1])
    np.testing.assert_allclose(
        np.asarray(recipe.squared_distances(points)), [[0, 0.36, 1], [0.36, 0, 0.16], [1, 0.16, 0]], atol=1e-6
    )
    assert float(recipe.triplet_semihard_loss(labels, points, margin=0.2)) == pytest.approx(0.2, abs=1e-6)
    assert float(recipe.triplet_semihard_loss(labels, points, margin=1.0)) == pytest.approx((0.36 + 1.2) / 2)
    # A bigger random batch against the loop reference (checked by hand on the matrix above).
    rng = np.random.default_rng(0)
    embeddings = rng.normal(size=(12, 6)).astype(np.float32)
    labels = np.repeat(np.arange(4), 3)
    d = np.asarray(recipe.squared_distances(embeddings), dtype=np.float64)
    chosen = recipe.semihard_indices(d, labels)
    losses = [max(d[a, p] - d[a, n] + 0.2, 0) for a in range(12) for p in range(12) if (n := chosen[a, p]) >= 0]
    assert float(recipe.triplet_semihard_loss(labels, embeddings)) == pytest.approx(np.mean(losses), rel=1e-4)
    apart = np.eye(5, 8)[[0, 0, 1, 1, 2]]  # each person's pictures on one point, people far apart
    assert float(recipe.triplet_semihard_loss([0, 0, 1, 1, 2], apart)) == 0.0


def test_the_evaluation_helpers() -> None:
    assert recipe.roc_auc([3, 2, 1, 0], [True, True, False, False]) == 1.0
    assert recipe.roc_auc([0, 1, 2, 3], [True, True, False, False]) == 0.0
    assert recipe.roc_auc([1, 1, 1, 1], [True, False, True, False]) == 0.5
    threshold, accuracy = recipe.best_threshold(np.array([0.1, 0.3, 0.5, 0.9, 1.2]), [True, True, False, False, False])
    assert threshold == pytest.approx(0.4) and accuracy == 1.0
    # A stranger close to someone (0.4) among pairs of one person at 0.1, 0.45 and 0.46: letting him
    # in is the cheaper error when it counts once, missing two pairs when it counts three times.
    distances, same = np.array([0.1, 0.4, 0.45, 0.46, 0.9]), [True, False, True, True, False]
    assert recipe.best_threshold(distances, same) == (pytest.approx(0.68), pytest.approx(0.8))
    assert recipe.best_threshold(distances, same, accept_cost=3) == (pytest.approx(0.25), pytest.approx(0.6))
    ids = np.repeat(np.arange(4), 3)
    index_pairs, same = recipe.pairs(ids)
    assert same.sum() == 4 * 3 and (~same).sum() == 4 * 3
    assert np.array_equal(ids[index_pairs[:, 0]] == ids[index_pairs[:, 1]], same)


def test_training_batches_depend_only_on_seed_and_step() -> None:
    people = np.random.default_rng(0).integers(0, 256, size=(6, 3, 96, 96, 3), dtype=np.uint8)
    x, y = recipe.make_batch(people, step=4, seed=1, per_batch=3, per_person=2, noise=8.0)
    assert x.shape == (6, 96, 96, 3) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    assert len(set(y.tolist())) == 3 and all((y == p).sum() == 2 for p in set(y.tolist()))
    again, labels = recipe.make_batch(people, step=4, seed=1, per_batch=3, per_person=2, noise=8.0)
    assert np.array_equal(x, again) and np.array_equal(y, labels)
    other, _ = recipe.make_batch(people, step=5, seed=1, per_batch=3, per_person=2, noise=8.0)
    assert not np.array_equal(x, other)


# --- the loader ------------------------------------------------------------------------------------


def test_a_missing_or_damaged_file_names_the_recipe(monkeypatch: pytest.MonkeyPatch, tmp_path, keras) -> None:
    monkeypatch.setenv(paths.DATA_ENV_VAR, str(tmp_path))
    with pytest.raises(paths.AssetError, match=RECIPE_COMMAND):
        loader.load_model()
    with pytest.raises(paths.AssetError, match=RECIPE_COMMAND):
        loader.threshold()
    weights = tmp_path / loader.WEIGHTS
    weights.parent.mkdir(parents=True)
    weights.write_bytes(b"not an HDF5 file")
    with pytest.raises(paths.AssetError, match=RECIPE_COMMAND):
        loader.load_model()
    (tmp_path / loader.THRESHOLD_FILE).write_text("{}", encoding="utf-8")
    with pytest.raises(paths.AssetError, match=RECIPE_COMMAND):
        loader.threshold()


# --- the shipped weights -----------------------------------------------------------------------------


def test_the_shipped_threshold_and_metrics_are_sane() -> None:
    values = loader.metrics()
    assert 0.2 < loader.threshold() < 1.6  # an L2 distance between unit vectors is at most 2
    assert values["threshold"] == loader.threshold()
    # Floors well under what the recipe reaches (MODEL_CARD.md): they catch a broken network, not
    # a run that is a little worse. Only 12 strangers come to the door, so one is worth 0.08.
    floors = {"verification_accuracy": 0.95, "roc_auc": 0.99, "gallery_accept": 0.9, "gallery_reject": 0.75}
    for key, floor in floors.items():
        assert floor <= values[key] <= 1.0, f"{key} = {values[key]}"
    stored = json.loads(paths.asset(loader.THRESHOLD_FILE).read_text(encoding="utf-8"))
    assert stored == values


def test_the_shipped_model_tells_held_out_people_apart(shipped) -> None:
    people = faces.identities("heldout")[::50]  # 6 people, 4 pictures each
    image_paths = [path for who in people for path in faces.identity_paths("heldout", who)[:4]]
    encodings = loader.encode_images(faces.load_images(image_paths), shipped)
    assert encodings.shape == (24, 128)
    np.testing.assert_allclose(np.linalg.norm(encodings, axis=1), 1.0, atol=1e-5)
    ids = np.repeat(np.arange(len(people)), 4)
    distances = np.linalg.norm(encodings[:, None] - encodings[None], axis=-1)
    same = (ids[:, None] == ids[None]) & ~np.eye(len(ids), dtype=bool)
    different = ids[:, None] != ids[None]
    for person in range(len(people)):
        mine = ids == person
        within = distances[np.ix_(mine, mine)][same[np.ix_(mine, mine)]].mean()
        between = distances[mine][:, ~mine].mean()
        assert within < between, f"{people[person]}: {within:.3f} apart from itself, {between:.3f} from others"
    correct = (distances[same] < loader.threshold()).sum() + (distances[different] >= loader.threshold()).sum()
    assert correct / (same.sum() + different.sum()) > 0.85


def test_img_to_encoding_reads_a_file_like_encode_images(shipped) -> None:
    path = faces.database_paths()["ana"]
    encoding = loader.img_to_encoding(path, shipped)
    assert encoding.shape == (1, 128) and encoding.dtype == np.float32
    assert np.linalg.norm(encoding) == pytest.approx(1.0, abs=1e-5)
    np.testing.assert_allclose(encoding, loader.encode_images(faces.load_images([path]), shipped), atol=1e-5)
