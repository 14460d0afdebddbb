"""The course's YOLOv2-style detector, trained on week 3's driving scenes.

``load_model()`` returns the Keras network with the two files that give its output a meaning:
the anchor boxes (``anchors.txt``, widths and heights in grid cells) and the class names
(``classes.txt``).  The network takes a (768, 1024, 3) picture in [0, 1], the 256 x 192 scene
enlarged four times (see ``shared_utils.yolo.preprocess_image``), and answers with a
(24, 32, 5 * (5 + 5)) tensor: a 32 x 24 grid of cells, each 32 input pixels (8 scene pixels) wide,
with 5 anchors of 5 box numbers and 5 class scores each.

The weights are stored like the course's ResNet50's: kernels in 8 bits with one scale per output
channel, the rest in float32, with the network's Keras configuration in the same file, so it
loads without any model code.  ``MODEL_CARD.md`` says how it was trained and how well it detects.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import paths, runtime
from . import resnet50_signs, retrain_error

NAME = "yolo_driving"
FOLDER = f"pretrained/{NAME}"
WEIGHTS = f"{FOLDER}/{NAME}.weights.h5"
ANCHORS = f"{FOLDER}/anchors.txt"
CLASSES = f"{FOLDER}/classes.txt"
MODEL_CARD = f"{FOLDER}/MODEL_CARD.md"
INPUT_SIZE = (768, 1024)  # (height, width) the network takes
STRIDE = 32  # input pixels per grid cell
GRID = (INPUT_SIZE[0] // STRIDE, INPUT_SIZE[1] // STRIDE)  # (rows, columns) of its output: (24, 32)


class YoloDetector(NamedTuple):
    """The network and what its output means."""

    model: object  # keras.Model: (m, 768, 1024, 3) in [0, 1] -> (m, 24, 32, A * (5 + C)) raw output
    anchors: np.ndarray  # (A, 2) anchor widths and heights, in grid cells
    class_names: list[str]
    input_size: tuple[int, int]  # (height, width)


def read_weights(path) -> tuple[list[np.ndarray], str]:
    """The float32 weight arrays and the Keras configuration stored in ``path``."""
    try:
        return resnet50_signs.read_quantized(path)
    except paths.AssetError as error:  # the shared reader names the ResNet's recipe: name ours
        raise retrain_error("Weights file cannot be read", path, paths.rebuild_hint(WEIGHTS)) from error


def load_model() -> YoloDetector:
    """The pretrained detector, its anchors and its class names, checked against the manifest.

    Raises:
        AssetError: a file is missing or damaged; the message names it and the command that
            retrains the detector (``python -m course_tools pretrain yolo_driving``).
    """
    runtime.load_tensorflow()
    import keras

    from ..yolo import read_anchors, read_classes

    anchors = read_anchors(paths.asset(ANCHORS))
    class_names = read_classes(paths.asset(CLASSES))
    arrays, config = read_weights(paths.asset(WEIGHTS))
    model = keras.models.model_from_json(config)
    model.set_weights(arrays)
    return YoloDetector(model, anchors, class_names, tuple(model.input_shape[1:3]))


__all__ = ["YoloDetector", "load_model"]
