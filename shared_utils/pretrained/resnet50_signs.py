"""The course's ResNet50, trained on the signs dataset: the ending of the residual-networks notebook.

The weights are stored in 8 bits: each convolution and dense kernel as integers from -127 to 127
with one scale per output channel (``w ~= q * scale``), everything else (biases, batch
normalization) as 32-bit floats.  That keeps the file at a quarter of the float32 size; the
predictions it gives differ from the float32 network's on no test image (see MODEL_CARD.md).
The file also holds the network's Keras configuration, so it loads without any model code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import h5py
import numpy as np

from .. import paths, runtime

NAME = "resnet50_signs"
WEIGHTS = f"pretrained/{NAME}/{NAME}.weights.h5"
INPUT_SHAPE = (64, 64, 3)
CLASSES = 6


def read_quantized(path: Path) -> tuple[list[np.ndarray], str]:
    """The float32 weight arrays (in ``model.get_weights()`` order) and the model's JSON config."""
    arrays = []
    try:
        with h5py.File(path, "r") as handle:
            config = handle.attrs["config"]
            group = handle["weights"]
            for index in range(len(group)):
                item = group[f"{index:04d}"]
                values = item[...]
                if "scale" in item.attrs:
                    values = values.astype(np.float32) * item.attrs["scale"].astype(np.float32)
                arrays.append(np.asarray(values, dtype=np.float32))
    except (OSError, KeyError) as error:
        raise paths.AssetError(
            f"Weights file cannot be read ({type(error).__name__}): {path}\n"
            f"Retrain it from the repository root with:  {paths.rebuild_hint(WEIGHTS)}"
        ) from error
    return arrays, str(config)


def _same_shapes(model, arrays: list[np.ndarray]) -> bool:
    weights = model.get_weights()
    return len(weights) == len(arrays) and all(w.shape == a.shape for w, a in zip(weights, arrays))


def load_model(build: Callable | None = None):
    """The pretrained ResNet50 for 64 x 64 x 3 images and 6 classes, ready for ``predict``.

    Arguments:
    build -- optional: your own ``ResNet50`` function. When the network it builds has the same
             weights, in the same order and shapes, as the pretrained one, the weights are loaded
             into *your* network; otherwise (or without ``build``) into the network stored in the file.

    Returns:
    (model, yours) -- the keras.Model, and True when it is the network ``build`` made
    """
    runtime.load_tensorflow()
    import keras

    arrays, config = read_quantized(paths.asset(WEIGHTS))
    if build is not None:
        try:
            model = build(input_shape=INPUT_SHAPE, classes=CLASSES)
        except Exception:  # a broken exercise: fall back to the stored network
            model = None
        if model is not None and _same_shapes(model, arrays):
            model.set_weights(arrays)
            return model, True
    model = keras.models.model_from_json(config)
    model.set_weights(arrays)
    return model, False


def config_of(path: Path) -> dict:
    """The stored Keras configuration, as a dict (for the tests)."""
    with h5py.File(path, "r") as handle:
        return json.loads(handle.attrs["config"])
