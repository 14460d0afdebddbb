"""Recipe: the course's face embedding, a small CNN trained with the triplet loss on drawn people.

**Network** (:func:`architecture`).  A compact CNN sized for a shared 2-core CPU: two strided
convolutions (5 x 5 then 3 x 3, stride 2) bring the 96 x 96 picture to 24 x 24, then 3 x 3
convolutions (each with batch normalization and ReLU) and poolings down to 6 x 6, global average
pooling, a ``Dense(128)`` and ``UnitNormalization``: every encoding has length 1, so squared
distances lie between 0 and 4.  About 0.43 million parameters, most of them in the last layers
(where the picture is small and a parameter costs little time); every layer is a plain Keras
layer, so the stored configuration rebuilds the network without this module.

**Data.**  The training people are ``face_ids.person("train", i)`` for ``i < --people``, each drawn
``--pictures`` times (``face_ids.stored_picture``: the pictures exactly as the dataset stores its
held-out people) by a pool of processes at the start; none of them is in ``data/faces/``.  Every
batch holds ``--per-batch`` people with ``--per-person`` pictures each, chosen from ``(seed, step)``
only, with Gaussian pixel noise of a random strength on top; each drawn picture is seen many times,
under new noise.

**Loss.**  The triplet loss with online semi-hard mining (FaceNet): in a batch, every pair
(anchor, positive) of pictures of one person is matched with the negative (someone else) that is
the closest to the anchor among those *farther* than the positive; when there is none, with the
farthest negative.  The loss is the mean over those triplets of
``max(|a - p|^2 - |a - n|^2 + margin, 0)``.

**Evaluation**, on the people of ``data/faces/heldout/`` (never used in training): all pairs of
pictures of one person and as many random pairs of two people.  The distance threshold is the one
that makes the fewest errors on the pairs of the first half of the people, a pair of two people let
in counting 12 times (a stranger at the door meets the database's 12 people); the accuracy quoted is
the one it reaches on the second half.  Then the door: the database's pictures against the camera's.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from shared_utils.pretrained import face_embedding as loader

from ..data import face_ids
from .base import Recipe, Trained, progress_bar, report_during_training
from .resnet50_signs import write_quantized

EVAL_SEED = 4190  # the random pairs of two people in the evaluation
MARGIN = 0.2


# --- the network -------------------------------------------------------------------------------


def architecture(seed: int = 0, width: int = 32, embedding: int = loader.EMBEDDING_SIZE):
    """The embedding network: (m, 96, 96, 3) in [0, 1] -> (m, ``embedding``) vectors of length 1.

    ``width`` sets the numbers of filters: ``width / 2`` for the first convolution (5 x 5, stride 2),
    ``width`` for the second (stride 2), then 2, 4 and 8 times ``width`` at 24 x 24, 12 x 12 and 6 x 6.
    The kernels' random initialisation depends only on ``seed``.
    """
    import keras
    from keras import layers

    counter = iter(range(1000))

    def conv(x, filters, kernel=3, strides=1, name=""):
        init = keras.initializers.HeNormal(seed=seed * 1000 + next(counter))
        x = layers.Conv2D(
            filters, kernel, strides=strides, padding="same", use_bias=False, kernel_initializer=init, name=name
        )(x)
        x = layers.BatchNormalization(name=f"{name}_bn")(x)
        return layers.ReLU(name=f"{name}_relu")(x)

    inputs = keras.Input(loader.INPUT_SHAPE, name="face")
    x = conv(inputs, width // 2, 5, 2, "conv1")  # 48 x 48
    x = conv(x, width, 3, 2, "conv2")  # 24 x 24
    x = conv(x, 2 * width, name="conv3")
    x = layers.MaxPooling2D(name="pool3")(x)  # 12 x 12
    x = conv(x, 4 * width, name="conv4")
    x = layers.MaxPooling2D(name="pool4")(x)  # 6 x 6
    x = conv(x, 8 * width, name="conv5")
    x = layers.GlobalAveragePooling2D(name="average")(x)
    init = keras.initializers.GlorotUniform(seed=seed * 1000 + next(counter))
    x = layers.Dense(embedding, kernel_initializer=init, name="dense")(x)
    outputs = layers.UnitNormalization(name="l2_normalise")(x)
    return keras.Model(inputs, outputs, name=loader.NAME)


# --- triplet loss with semi-hard mining -----------------------------------------------------------


def squared_distances(embeddings):
    """(m, d) -> (m, m) squared Euclidean distances between every two rows (never below 0)."""
    from keras import ops

    embeddings = ops.convert_to_tensor(embeddings, "float32")
    squares = ops.sum(ops.square(embeddings), axis=1)
    dot = ops.matmul(embeddings, ops.transpose(embeddings))
    return ops.maximum(squares[:, None] - 2.0 * dot + squares[None, :], 0.0)


def semihard_negatives(distances, labels):
    """For every (anchor a, positive p), the squared distance of the negative the loss uses.

    A negative is a picture of someone else than the anchor.  It is the closest negative to ``a``
    among those farther from ``a`` than ``p`` (semi-hard); when no negative is farther, the
    farthest negative.  Returns (m, m) distances ``d[a, n]`` and the (m, m) boolean "a semi-hard
    one exists"; entries whose (a, p) is not a positive pair mean nothing.
    """
    from keras import ops

    distances = ops.convert_to_tensor(distances, "float32")
    labels = ops.reshape(ops.convert_to_tensor(labels), (-1,))
    negative = ops.not_equal(labels[:, None], labels[None, :])  # (a, n)
    to_negative = distances[:, None, :]  # (a, 1, n)
    farther = ops.logical_and(negative[:, None, :], ops.greater(to_negative, distances[:, :, None]))  # (a, p, n)
    big = ops.max(distances) + 1.0
    semihard = ops.min(ops.where(farther, to_negative, big), axis=2)
    exists = ops.any(farther, axis=2)
    farthest = ops.max(ops.where(negative, distances, 0.0), axis=1)  # (a,)
    chosen = ops.where(exists, semihard, ops.broadcast_to(farthest[:, None], ops.shape(semihard)))
    return chosen, exists


def semihard_indices(distances: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The same choice with loops, as indices: ``n[a, p]`` (-1 where (a, p) is not a positive pair).

    A slow reference for tests and for reading; training uses :func:`semihard_negatives`.
    """
    distances, labels = np.asarray(distances), np.asarray(labels).reshape(-1)
    m = len(labels)
    chosen = np.full((m, m), -1)
    for a in range(m):
        negatives = [n for n in range(m) if labels[n] != labels[a]]
        for p in range(m):
            if p == a or labels[p] != labels[a] or not negatives:
                continue
            farther = [n for n in negatives if distances[a, n] > distances[a, p]]
            if farther:
                chosen[a, p] = min(farther, key=lambda n: distances[a, n])
            else:
                chosen[a, p] = max(negatives, key=lambda n: distances[a, n])
    return chosen


def triplet_semihard_loss(labels, embeddings, margin: float = MARGIN):
    """Mean of ``max(d(a, p) - d(a, n) + margin, 0)`` over every positive pair (a, p) of the batch,
    with ``n`` from :func:`semihard_negatives` and ``d`` the squared distance."""
    from keras import ops

    labels = ops.reshape(ops.convert_to_tensor(labels), (-1,))
    distances = squared_distances(embeddings)
    negative_distance, _ = semihard_negatives(distances, labels)
    same = ops.equal(labels[:, None], labels[None, :])
    positive = ops.cast(ops.logical_and(same, ops.logical_not(ops.eye(ops.shape(labels)[0], dtype="bool"))), "float32")
    losses = ops.maximum(distances - negative_distance + margin, 0.0)
    return ops.sum(losses * positive) / ops.maximum(ops.sum(positive), 1.0)


def triplet_loss_fn(margin: float = MARGIN):
    """A Keras loss: ``y_true`` the (m,) identity numbers, ``y_pred`` the (m, d) encodings."""

    def triplet_semihard(y_true, y_pred):
        return triplet_semihard_loss(y_true, y_pred, margin)

    return triplet_semihard


# --- training data ---------------------------------------------------------------------------------


def _draw(job: tuple[int, int]) -> list[np.ndarray]:
    index, count = job
    return [face_ids.stored_picture("train", index, k) for k in range(count)]


def draw_people(first: int, count: int, pictures: int, workers: int = 2, desc: str = "people") -> np.ndarray:
    """Training people ``first .. first + count - 1``, ``pictures`` each: (count, pictures, 96, 96, 3) uint8."""
    from tqdm.auto import tqdm

    jobs = [(first + i, pictures) for i in range(count)]
    if workers > 1 and count > 4:
        with ProcessPoolExecutor(workers) as pool:
            drawn = list(tqdm(pool.map(_draw, jobs, chunksize=4), total=count, desc=desc, unit="person"))
    else:
        drawn = [_draw(job) for job in tqdm(jobs, desc=desc, unit="person")]
    return np.asarray(drawn, dtype=np.uint8)


def make_batch(people: np.ndarray, step: int, seed: int, per_batch: int, per_person: int, noise: float):
    """Batch ``step``: ``per_batch`` people, ``per_person`` pictures each, with pixel noise.

    It depends only on ``(seed, step)``.  Returns (x, y): (m, 96, 96, 3) float32 in [0, 1] and the
    (m,) person numbers.
    """
    rng = np.random.default_rng([seed, 7, step])
    chosen = rng.choice(len(people), size=per_batch, replace=False)
    pictures = np.stack([rng.choice(people.shape[1], size=per_person, replace=False) for _ in chosen])
    x = people[chosen[:, None], pictures].reshape(-1, *people.shape[2:]).astype(np.float32)
    sigma = rng.uniform(0.0, noise, size=(len(x), 1, 1, 1))
    x = np.clip(x + rng.normal(0.0, 1.0, size=x.shape) * sigma, 0, 255) / 255.0
    return x.astype(np.float32), np.repeat(chosen, per_person).astype(np.int32)


def batches(people, steps: int, seed: int, per_batch: int, per_person: int, noise: float):
    import keras

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return steps

        def __getitem__(self, index):
            return make_batch(people, index, seed, per_batch, per_person, noise)

    return Batches(workers=1, use_multiprocessing=False, max_queue_size=4)


# --- evaluation ----------------------------------------------------------------------------------


def pairs(identities: np.ndarray, seed: int = EVAL_SEED) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of pictures of one person, and as many random pairs of pictures of two people.

    Returns (i, j) index arrays and a boolean array ``same`` (as one (n, 2) array and (n,)).
    """
    identities = np.asarray(identities)
    i, j = np.triu_indices(len(identities), k=1)
    same = identities[i] == identities[j]
    rng = np.random.default_rng(seed)
    others = np.flatnonzero(~same)
    others = rng.choice(others, size=min(int(same.sum()), len(others)), replace=False)
    keep = np.concatenate([np.flatnonzero(same), np.sort(others)])
    return np.stack([i[keep], j[keep]], axis=1), same[keep]


def roc_auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve of ``scores`` (higher: more likely positive), ties counted half."""
    scores, positive = np.asarray(scores, float), np.asarray(positive, bool)
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    ranks = (np.cumsum(counts) - (counts - 1) / 2)[inverse]  # 1-based ranks, ties get their mean
    n_pos, n_neg = positive.sum(), (~positive).sum()
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def best_threshold(distances: np.ndarray, same: np.ndarray, accept_cost: float = 1.0) -> tuple[float, float]:
    """The distance threshold (``same`` when below it) that makes the fewest errors, a pair of two
    people accepted counting ``accept_cost`` times, and the accuracy there.

    Candidates are the midpoints between consecutive sorted distances.
    """
    order = np.argsort(distances)
    d, s = np.asarray(distances)[order], np.asarray(same, bool)[order]
    # Threshold just above d[k]: pairs 0..k are "same"; the others are turned away.
    missed = s.sum() - np.cumsum(s)
    accepted = np.cumsum(~s)
    k = int(np.argmin(missed + accept_cost * accepted))
    upper = d[k + 1] if k + 1 < len(d) else d[k] + 1e-3
    return float((d[k] + upper) / 2), float(1 - (missed[k] + accepted[k]) / len(d))


def pair_distances(encodings: np.ndarray, index_pairs: np.ndarray) -> np.ndarray:
    return np.linalg.norm(encodings[index_pairs[:, 0]] - encodings[index_pairs[:, 1]], axis=1)


def verification(encodings: np.ndarray, identities: list[str]) -> dict:
    """Threshold chosen on the first half of the people, accuracy and AUC measured on the second.

    The threshold serves the door, where a stranger is compared with every person of the database
    and is let in if any comparison falls under it: it makes the fewest errors on the first half's
    pairs with a pair of two people accepted counting as many times as the database has people."""
    people = sorted(set(identities))
    first = set(people[: len(people) // 2])
    ids = np.asarray(identities)
    in_first = np.array([who in first for who in ids])
    halves = {}
    for name, mask in (("choose", in_first), ("test", ~in_first)):
        index_pairs, same = pairs(ids[mask])
        halves[name] = (pair_distances(encodings[mask], index_pairs), same)
    threshold, chosen_accuracy = best_threshold(*halves["choose"], accept_cost=len(face_ids.DATABASE))
    distances, same = halves["test"]
    accuracy = float(np.mean((distances < threshold) == same))
    return {
        "threshold": threshold,
        "threshold_accuracy": chosen_accuracy,
        "verification_accuracy": accuracy,
        "true_accept_rate": float(np.mean(distances[same] < threshold)),
        "false_accept_rate": float(np.mean(distances[~same] < threshold)),
        "roc_auc": roc_auc(-distances, same),
        "test_pairs": len(same),
        "choose_pairs": len(halves["choose"][1]),
        "heldout_people": len(people),
    }


def gallery(model, threshold: float, heldout: np.ndarray) -> dict:
    """The door: each camera picture against the database (nearest entry, under the threshold);
    then every held-out picture (``heldout``: their encodings) as a stranger, a larger sample than
    the camera's 12."""
    from shared_utils.datasets import faces

    database = faces.database_paths()
    names = list(database)
    reference = loader.encode_images(faces.load_images(list(database.values())), model)
    camera = faces.camera_pictures()
    encodings = loader.encode_images(faces.load_images([path for path, _ in camera]), model)
    distances = np.linalg.norm(encodings[:, None, :] - reference[None, :, :], axis=-1)
    nearest, closest = distances.argmin(axis=1), distances.min(axis=1)
    known = np.array([who != faces.UNKNOWN for _, who in camera])
    right = np.array([names[n] == who for n, (_, who) in zip(nearest, camera, strict=True)])
    accepted = closest < threshold
    strangers = np.linalg.norm(heldout[:, None, :] - reference[None, :, :], axis=-1).min(axis=1)
    return {
        "gallery_accept": float(np.mean((right & accepted)[known])),
        "gallery_reject": float(np.mean(~accepted[~known])),
        "gallery_known": int(known.sum()),
        "gallery_strangers": int((~known).sum()),
        "gallery_nearest_correct": float(np.mean(right[known])),
        "gallery_reject_heldout": float(np.mean(strangers >= threshold)),
        "gallery_heldout_pictures": len(strangers),
    }


def heldout_encodings(model) -> tuple[np.ndarray, list[str]]:
    from shared_utils.datasets import faces

    image_paths, identities = faces.pictures("heldout")
    return loader.encode_images(faces.load_images(image_paths), model), identities


def quick_verification(model, images: np.ndarray) -> float:
    """Best same/different accuracy on validation people (n, k, 96, 96, 3): a progress number."""
    encodings = loader.encode_images(images.reshape(-1, *images.shape[2:]), model)
    ids = np.repeat(np.arange(len(images)), images.shape[1])
    index_pairs, same = pairs(ids)
    return best_threshold(pair_distances(encodings, index_pairs), same)[1]


# --- the recipe ------------------------------------------------------------------------------------


def write_threshold(path: Path, values: dict) -> None:
    path.write_text(json.dumps(values, indent=2, sort_keys=True) + "\n", encoding="utf-8")


class FaceEmbedding(Recipe):
    """Train the course's face embedding with the triplet loss and store it in 8 bits."""

    name = loader.NAME
    title = "Course face embedding: 96 x 96 face -> 128-d unit vector (triplet loss)"
    options = {
        "people": 3000,  # training people drawn
        "pictures": 8,  # pictures of each
        "val_people": 100,  # further training-split people, scored during training
        "steps": 2500,
        "per_batch": 16,  # people in a batch
        "per_person": 4,  # pictures of each in a batch
        "learning_rate": 2e-3,
        "warmup": 30,
        "margin": MARGIN,
        "noise": 8.0,  # largest standard deviation of the pixel noise (0-255 scale)
        "width": 32,
        "eval_every": 250,
        "draw_workers": 2,  # processes drawing the people
    }

    def train(self, args: argparse.Namespace) -> Trained:
        import keras

        started = time.perf_counter()
        people = draw_people(0, args.people, args.pictures, args.draw_workers, desc="training people")
        val = draw_people(args.people, args.val_people, 4, args.draw_workers, desc="validation people")
        draw_minutes = (time.perf_counter() - started) / 60
        print(f"Drew {people.shape[0] * people.shape[1]:,} pictures in {draw_minutes:.1f} min.", flush=True)

        model = architecture(args.seed, args.width)
        schedule = keras.optimizers.schedules.CosineDecay(
            args.learning_rate / 10,
            decay_steps=max(1, args.steps - args.warmup),
            alpha=0.02,
            warmup_target=args.learning_rate,
            warmup_steps=args.warmup,
        )
        model.compile(optimizer=keras.optimizers.Adam(schedule), loss=triplet_loss_fn(args.margin))
        print(
            f"{model.count_params():,} parameters; {args.steps} steps of {args.per_batch} people x "
            f"{args.per_person} pictures.",
            flush=True,
        )
        fit_started = time.perf_counter()
        history: list[tuple[int, float]] = []

        def validate(step: int, logs: dict) -> str:
            score = quick_verification(model, val)
            history.append((step, score))
            return (
                f"step {step}  {(time.perf_counter() - fit_started) / 60:.1f} min  "
                f"loss {float(logs['loss']):.4f}  validation pair accuracy {score:.3f}"
            )

        bar = progress_bar(1, args.steps)
        every = args.eval_every
        validation = report_during_training(
            lambda step: bool(every) and (step % every == 0 or step == args.steps), validate, bar.write
        )
        data = batches(people, args.steps, args.seed, args.per_batch, args.per_person, args.noise)
        model.fit(data, epochs=1, verbose=0, callbacks=[bar, validation])
        fit_minutes = (time.perf_counter() - fit_started) / 60

        plain = architecture(args.seed, args.width)  # no optimizer or loss in its configuration
        plain.set_weights(model.get_weights())
        float_scores = verification(*heldout_encodings(plain))
        with tempfile.TemporaryDirectory() as tmp:
            stored = Path(tmp) / "check.weights.h5"
            write_quantized(stored, plain)
            size = stored.stat().st_size
            arrays, config = loader.read_weights(stored)  # the network exactly as load_model() gives it
            shipped = keras.models.model_from_json(config)
            shipped.set_weights(arrays)
        encodings, identities = heldout_encodings(shipped)
        scores = verification(encodings, identities)
        scores.update(gallery(shipped, scores["threshold"], encodings))
        scores["float32_verification_accuracy"] = float_scores["verification_accuracy"]
        scores["float32_roc_auc"] = float_scores["roc_auc"]
        scores["margin"] = args.margin
        scores["distance"] = "L2 (not squared) between unit-length encodings"
        values = {k: (round(v, 6) if isinstance(v, float) else v) for k, v in scores.items()}
        card = self.card(args, plain, people, values, size, draw_minutes, fit_minutes, history)
        summary = (
            f"Held-out verification accuracy {scores['verification_accuracy']:.3f} at threshold "
            f"{scores['threshold']:.3f}, AUC {scores['roc_auc']:.4f}; door accepts "
            f"{scores['gallery_accept']:.2f} of known people, rejects {scores['gallery_reject']:.2f} of strangers "
            f"({scores['gallery_reject_heldout']:.2f} of the held-out pictures)."
        )
        return Trained(
            files={
                loader.WEIGHTS.split("/")[-1]: lambda path: write_quantized(path, plain),
                loader.THRESHOLD_FILE.split("/")[-1]: lambda path: write_threshold(path, values),
            },
            card=card,
            summary=summary,
            metrics={k: v for k, v in scores.items() if isinstance(v, float)},
        )

    def card(self, args, model, people, s: dict, size: int, draw_minutes, fit_minutes, history) -> str:
        progress = ", ".join(f"{score:.3f} (step {step})" for step, score in history)
        return f"""
Weights: `{loader.WEIGHTS.split("/")[-1]}` ({size / 1e6:.2f} MB) and `threshold.json`, read by
`shared_utils.pretrained.face_embedding.load_model()` and `threshold()`; kernels in 8 bits (one
scale per output channel), the rest in float32; the file holds the Keras configuration too.

## Network

(m, 96, 96, 3) pictures in [0, 1] -> (m, 128) encodings of length 1. A compact CNN: two strided
convolutions (5 x 5 and 3 x 3, stride 2) down to 24 x 24, 3 x 3 convolutions and max poolings
down to 6 x 6 (every convolution with batch normalization and ReLU), global average pooling,
`Dense(128)`, `UnitNormalization`; {model.count_params():,} parameters
(`course_tools.recipes.weights.face_embedding.architecture`).

## Data and training

- {people.shape[0]:,} training people of `course_tools.recipes.data.face_ids` (split `train`, people
  0 to {people.shape[0] - 1}), {people.shape[1]} pictures each, drawn by the recipe in
  {draw_minutes:.1f} minutes (they are not stored in `data/`). None of them is in `data/faces/`.
- Batches of {args.per_batch} people x {args.per_person} pictures, chosen from (seed, step);
  Gaussian pixel noise of standard deviation up to {args.noise} (0-255 scale) on every picture.
- Triplet loss on squared distances, margin {args.margin}, online semi-hard mining (for each
  anchor-positive pair, the closest negative farther than the positive; else the farthest negative).
- Adam, learning rate warmed up over {args.warmup} steps to {args.learning_rate}, then
  cosine-decayed; {args.steps} steps in {fit_minutes:.1f} minutes.
- Same/different accuracy on {args.val_people} further training-split people during training:
  {progress or "not measured"}.

## Quality, on the {s["heldout_people"]} people of `data/faces/heldout/` (never used in training)

Pairs: every pair of pictures of one person and as many random pairs of two people. The people
are split in two halves; the threshold is the L2 distance that makes the fewest errors on the first
half's {s["choose_pairs"]:,} pairs when a pair of two people let in counts {len(face_ids.DATABASE)} times
(the door compares a stranger with each of its {len(face_ids.DATABASE)} people, so a false accept per
comparison costs it about {len(face_ids.DATABASE)} times more often than one comparison does; accuracy
{s["threshold_accuracy"]:.3f} there), and is then measured on the second half's {s["test_pairs"]:,} pairs:

| | |
|---|---|
| threshold (L2 distance, not squared) | **{s["threshold"]:.3f}** |
| verification accuracy (second half) | **{s["verification_accuracy"]:.3f}** |
| same person accepted / two people accepted | {s["true_accept_rate"]:.3f} / {s["false_accept_rate"]:.3f} |
| ROC AUC (second half) | {s["roc_auc"]:.4f} |
| float32 weights (before storing): accuracy / AUC | {s["float32_verification_accuracy"]:.3f} / \
{s["float32_roc_auc"]:.4f} |

The door (`data/faces/database/`, {len(face_ids.DATABASE)} people, against `data/faces/camera/`):
{s["gallery_accept"]:.3f} of the {s["gallery_known"]} pictures of known people find the right
entry under the threshold (the nearest entry is right for {s["gallery_nearest_correct"]:.3f});
{s["gallery_reject"]:.3f} of the {s["gallery_strangers"]} strangers are turned away. A larger sample of strangers,
the {s["gallery_heldout_pictures"]:,} held-out pictures (none of them is in the database), against the
same 12 entries: {s["gallery_reject_heldout"]:.3f} are turned away. (A stranger has 12 chances to
fall under the threshold, so the door needs a lower false-accept rate than one comparison does.)

## Intended use

The face verification and recognition exercises of `w4a1_face_recognition`: it knows only the
course's drawn cartoon people, and says nothing about photographs of real faces.
"""


RECIPE = FaceEmbedding()
