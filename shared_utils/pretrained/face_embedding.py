"""The course's face embedding: a small CNN that maps a 96 x 96 face to a point on the unit sphere.

``load_model()`` returns a Keras network that takes (m, 96, 96, 3) float32 pictures with values in
[0, 1] and answers with (m, 128) encodings of length 1.  Two pictures of one person land close to
each other, pictures of two people far apart: the L2 distance between their encodings, compared
with :func:`threshold`, says "same person" or not.

It was trained by the course's recipe (``python -m course_tools pretrain face_embedding``) with the
triplet loss on cartoon people drawn by the course, none of whom is in ``data/faces/``; the
threshold was chosen on half of the held-out people of ``data/faces/heldout/`` and checked on the
other half (:func:`metrics` has the numbers, ``MODEL_CARD.md`` tells the whole story).

The weights are stored like the course's other networks: kernels in 8 bits with one scale per
output channel, the rest in float32, with the network's Keras configuration in the same file, so it
loads without any model code::

    from shared_utils.pretrained import face_embedding
    model = face_embedding.load_model()
    encoding = face_embedding.img_to_encoding("data/faces/database/ana.png", model)   # (1, 128)
    same_person = np.linalg.norm(encoding - other) < face_embedding.threshold()
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from .. import paths, runtime
from . import resnet50_signs, retrain_error, weights_asset

NAME = "face_embedding"
FOLDER = f"pretrained/{NAME}"
WEIGHTS = f"{FOLDER}/{NAME}.weights.h5"
THRESHOLD_FILE = f"{FOLDER}/threshold.json"
MODEL_CARD = f"{FOLDER}/MODEL_CARD.md"
RECIPE_COMMAND = f"python -m course_tools pretrain {NAME}"
INPUT_SHAPE = (96, 96, 3)
EMBEDDING_SIZE = 128


def read_weights(path) -> tuple[list[np.ndarray], str]:
    """The float32 weight arrays and the Keras configuration stored in ``path``."""
    try:
        return resnet50_signs.read_quantized(Path(path))
    except paths.AssetError as error:  # the shared reader names the ResNet's recipe: name ours
        raise retrain_error("Weights file cannot be read", Path(path), RECIPE_COMMAND) from error


def load_model():
    """The pretrained face embedding, ready for ``predict``.

    Returns:
    model -- keras.Model: (m, 96, 96, 3) float32 in [0, 1] -> (m, 128) encodings of L2 norm 1

    Raises:
        AssetError: the weights file is missing or damaged; the message names it and the command
            that retrains the network (``python -m course_tools pretrain face_embedding``).
    """
    runtime.load_tensorflow()
    import keras

    arrays, config = read_weights(weights_asset(WEIGHTS, RECIPE_COMMAND))
    model = keras.models.model_from_json(config)
    model.set_weights(arrays)
    return model


def metrics() -> dict:
    """What the recipe measured on held-out people: the threshold and the numbers it was chosen with.

    Keys include ``threshold`` (L2 distance), ``threshold_accuracy`` (accuracy on the pairs of the
    half used to choose it), ``verification_accuracy`` (on the other half), ``roc_auc``, and the
    door's ``gallery_accept`` / ``gallery_reject`` rates on ``data/faces/camera/``.
    """
    path = weights_asset(THRESHOLD_FILE, RECIPE_COMMAND)
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
        float(values["threshold"])
    except (ValueError, KeyError, TypeError) as error:
        raise retrain_error("Threshold file cannot be read", path, RECIPE_COMMAND) from error
    return values


def threshold() -> float:
    """The L2 (not squared) distance under which two encodings are taken to show the same person."""
    return float(metrics()["threshold"])


def _as_batch(images) -> np.ndarray:
    """(m, 96, 96, 3) float32 in [0, 1] from uint8 pictures (or floats already in [0, 1])."""
    array = np.asarray(images)
    if array.ndim == 3:
        array = array[None]
    if array.ndim != 4 or array.shape[-1] != 3:
        raise ValueError(f"Expected pictures of shape (m, 96, 96, 3), not {array.shape}.")
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255.0
    return array.astype(np.float32)


def _normalised(encodings) -> np.ndarray:
    encodings = np.asarray(encodings, dtype=np.float32)
    norms = np.linalg.norm(encodings, axis=-1, keepdims=True)
    return encodings / np.maximum(norms, 1e-12)


def load_face(image_path: str) -> np.ndarray:
    """A picture as a (96, 96, 3) uint8 RGB array (other sizes are resized)."""
    with Image.open(image_path) as image:
        image = image.convert("RGB")
        if image.size != INPUT_SHAPE[1::-1]:
            image = image.resize(INPUT_SHAPE[1::-1], Image.BILINEAR)
        return np.asarray(image)


def encode_images(images: np.ndarray | Sequence, model, batch_size: int = 256) -> np.ndarray:
    """Encodings of many pictures at once: (m, 96, 96, 3) uint8 (or floats in [0, 1]) -> (m, 128)."""
    batch = _as_batch(images)
    if len(batch) == 0:
        return np.zeros((0, EMBEDDING_SIZE), np.float32)
    parts = [np.asarray(model(batch[i : i + batch_size], training=False)) for i in range(0, len(batch), batch_size)]
    return _normalised(np.concatenate(parts))


def img_to_encoding(image_path: str, model) -> np.ndarray:
    """The encoding of one picture file: load it (RGB), scale to [0, 1], run ``model``, L2-normalise.

    Returns:
    encoding -- np.ndarray of shape (1, 128) and L2 norm 1
    """
    image = load_face(image_path).astype(np.float32)[None] / 255.0
    return _normalised(np.asarray(model(image, training=False)))


__all__ = [
    "EMBEDDING_SIZE",
    "INPUT_SHAPE",
    "encode_images",
    "img_to_encoding",
    "load_face",
    "load_model",
    "metrics",
    "threshold",
]
