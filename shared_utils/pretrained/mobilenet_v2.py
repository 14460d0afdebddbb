"""MobileNetV2 (width 0.35, 96×96 inputs) pretrained by the course on its source dataset.

The network is ``keras.applications.MobileNetV2`` itself, with its usual layer names, trained from
scratch by the recipe ``python -m course_tools pretrain mobilenet_v2`` on the twelve classes of
``shared_utils.datasets.transfer`` (birds, butterflies, cats, ...).  The weights file holds the whole
model, classifier included.

* :func:`load_base` gives the convolutional base without its classifier, ready for transfer
  learning, with these weights — or with Keras' real ImageNet weights when they are already in
  Keras' local cache (nothing is ever downloaded);
* :func:`load_source_model` gives the whole network with its twelve-class classifier.

Images go in as for every MobileNetV2: RGB scaled from [0, 255] to [-1, 1]
(``keras.applications.mobilenet_v2.preprocess_input``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import paths, runtime
from ..datasets import transfer
from . import retrain_error, weights_asset

NAME = "mobilenet_v2"
ALPHA = 0.35
SIZE = 96
INPUT_SHAPE = (SIZE, SIZE, 3)
SOURCE_CLASSES = list(transfer.SOURCE_CLASSES)
FOLDER = f"pretrained/{NAME}"
WEIGHTS = f"{FOLDER}/{NAME}_source.weights.h5"
MODEL_CARD = f"{FOLDER}/MODEL_CARD.md"
RECIPE_COMMAND = f"python -m course_tools pretrain {NAME}"
IMAGENET_SIZES = (96, 128, 160, 192, 224)  # the input sizes Keras publishes ImageNet weights for


def _keras():
    runtime.load_tensorflow()
    import keras

    return keras


def build(input_shape: Sequence[int] = INPUT_SHAPE, include_top: bool = True, weights: Any = None):
    """``keras.applications.MobileNetV2`` with the course's width, randomly initialised by default."""
    keras = _keras()
    return keras.applications.MobileNetV2(
        input_shape=tuple(input_shape),
        alpha=ALPHA,
        include_top=include_top,
        weights=weights,
        classes=len(SOURCE_CLASSES) if include_top and weights in (None, "course") else 1000,
    )


def weights_file() -> Path:
    """The course weights' path, checked against data/MANIFEST.json.

    Raises:
        AssetError: the file is missing or does not match the manifest; the message names the file
            and the command that retrains it.
    """
    return weights_asset(WEIGHTS, RECIPE_COMMAND)


def load_source_model():
    """The whole course MobileNetV2 with its classifier over ``SOURCE_CLASSES`` (softmax outputs)."""
    model = build(INPUT_SHAPE, include_top=True)
    path = weights_file()
    try:
        model.load_weights(path)
    except Exception as error:  # h5py/Keras raise many kinds of errors for a damaged file
        raise retrain_error(f"Weights file cannot be read ({type(error).__name__})", path, RECIPE_COMMAND) from error
    return model


def imagenet_file_name(input_shape: Sequence[int] = INPUT_SHAPE, include_top: bool = False) -> str:
    """The name Keras gives its cached ImageNet weights for this width and input shape."""
    rows, cols = int(input_shape[0]), int(input_shape[1])
    if rows != cols or rows not in IMAGENET_SIZES:
        rows = 224  # what keras.applications falls back to
    suffix = "" if include_top else "_no_top"
    return f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(ALPHA)}_{rows}{suffix}.h5"


def keras_cache_dir() -> Path:
    """Keras' cache folder: ``$KERAS_HOME``, else ``~/.keras`` (read when called, not at import)."""
    home = os.environ.get("KERAS_HOME")
    return Path(home).expanduser() if home else Path("~/.keras").expanduser()


def imagenet_weights_file(input_shape: Sequence[int] = INPUT_SHAPE, include_top: bool = False) -> Path | None:
    """The path of Keras' cached ImageNet weights for this network, or None when absent."""
    candidate = keras_cache_dir() / "models" / imagenet_file_name(input_shape, include_top)
    return candidate if candidate.is_file() else None


def load_base(input_shape: Sequence[int] = INPUT_SHAPE, include_top: bool = False, weights: str | None = "course"):
    """MobileNetV2 for transfer learning, with the layer names of ``keras.applications``.

    Arguments:
    input_shape -- (height, width, 3); the weights fit any size, 96 x 96 is the one they were trained at
    include_top -- False (the default): the convolutional base, ending with the layer "out_relu";
                   True: the whole network with its classifier
    weights -- "course": the course's weights (trained on the source dataset);
               "imagenet": Keras' ImageNet weights, only if they already are in Keras' cache;
               "auto": ImageNet weights if cached, else the course's; None: random initialisation

    Returns:
    model -- a keras.Model
    """
    keras = _keras()
    input_shape = tuple(int(n) for n in input_shape)
    if weights == "auto":
        weights = "imagenet" if imagenet_weights_file(input_shape, include_top) else "course"
    if weights == "imagenet":
        path = imagenet_weights_file(input_shape, include_top)
        if path is None:
            expected = keras_cache_dir() / "models" / imagenet_file_name(input_shape, include_top)
            raise paths.AssetError(
                f"ImageNet weights for MobileNetV2 (alpha={ALPHA}) are not in Keras' cache: {expected}\n"
                "The course never downloads them. Use weights='course' (the course's own pretrained weights), "
                "or weights='auto' to use ImageNet weights only when they are there."
            )
        try:
            return keras.applications.MobileNetV2(
                input_shape=input_shape, alpha=ALPHA, include_top=include_top, weights=str(path)
            )
        except Exception as error:
            raise paths.AssetError(
                f"Cached ImageNet weights cannot be loaded ({type(error).__name__}: {error}): {path}"
            ) from error
    if weights is None:
        return build(input_shape, include_top)
    if weights != "course":
        raise ValueError(f"weights must be 'course', 'imagenet', 'auto' or None, not {weights!r}")
    source = load_source_model()
    if include_top and input_shape == INPUT_SHAPE:
        return source
    model = build(input_shape, include_top)
    for layer in model.layers:
        if layer.weights:
            layer.set_weights(source.get_layer(layer.name).get_weights())
    return model
