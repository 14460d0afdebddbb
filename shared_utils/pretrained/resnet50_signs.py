"""The course's ResNet50, trained on the signs dataset: the ending of the residual-networks notebook.

The weights are stored in 8 bits: each convolution and dense kernel as integers from -127 to 127
with one scale per output channel (``w ~= q * scale``), everything else (biases, batch
normalization) as 32-bit floats.  That keeps the file at a quarter of the float32 size; the
recipe counts the test predictions the 8-bit storage changes and writes it in MODEL_CARD.md.
The file also holds the network's Keras configuration, so it loads without any model code.

``load_model(build=ResNet50)`` puts the weights into the student's own network only when it is the
same network: same weights in the same order and shapes, and the same probabilities on two probe
images. A network with the right layers but a mistake inside a block (a ReLU before the addition,
say) has the same weight shapes, so the shapes alone would not tell.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import h5py
import numpy as np

from .. import paths, runtime
from . import retrain_error

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
        raise retrain_error(
            f"Weights file cannot be read ({type(error).__name__})", path, paths.rebuild_hint(WEIGHTS)
        ) from error
    return arrays, str(config)


def _same_shapes(model, arrays: list[np.ndarray]) -> bool:
    weights = model.get_weights()
    return len(weights) == len(arrays) and all(w.shape == a.shape for w, a in zip(weights, arrays))


def _probe() -> np.ndarray:
    """Two fixed pictures of noise: enough to tell two networks apart when their weights are equal."""
    return np.random.default_rng(0).uniform(0.0, 1.0, size=(2, *INPUT_SHAPE)).astype(np.float32)


def _same_outputs(first, second) -> bool:
    """Whether two networks with the same weights give the same probabilities (inference mode)."""
    probe = _probe()
    try:
        a = np.asarray(first(probe, training=False))
        b = np.asarray(second(probe, training=False))
    except Exception:  # a network that cannot run on a 64 x 64 x 3 batch
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-3, atol=1e-4))


def load_model(build: Callable | None = None):
    """The pretrained ResNet50 for 64 x 64 x 3 images and 6 classes, ready for ``predict``.

    Arguments:
    build -- optional: your own ``ResNet50`` function. The weights are loaded into *your* network
             when it has the same weights as the pretrained one, in the same order and shapes, and,
             with them, computes the same probabilities (checked on two probe images). Otherwise,
             or without ``build``, they are loaded into the network stored in the file.

    Returns:
    (model, yours) -- the keras.Model, and True when it is the network ``build`` made
    """
    runtime.load_tensorflow()
    import keras

    arrays, config = read_quantized(paths.asset(WEIGHTS))
    stored = keras.models.model_from_json(config)
    stored.set_weights(arrays)
    if build is not None:
        try:
            model = build(input_shape=INPUT_SHAPE, classes=CLASSES)
        except Exception:  # a broken exercise: fall back to the stored network
            model = None
        if model is not None and hasattr(model, "get_weights") and _same_shapes(model, arrays):
            model.set_weights(arrays)
            if _same_outputs(model, stored):
                return model, True
    return stored, False
