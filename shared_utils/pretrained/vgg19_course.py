"""A feature extractor with VGG19's layers and names, for neural style transfer.

:func:`load_vgg19` gives ``keras.applications.VGG19(include_top=False)``'s sixteen convolutions
and five poolings, with the same names (``block1_conv1`` ... ``block5_conv4``, ``block1_pool`` ...
``block5_pool``), frozen (``trainable = False``). It takes RGB pictures with values in [0, 1]: the
scaling each set of weights expects happens inside the model, in a 1 x 1 convolution named
``preprocess`` just before ``block1_conv1``, so a notebook never preprocesses anything.

Which weights (``weights=``):

* ``"auto"`` (the default): Keras' real ImageNet VGG19 when its file
  (``vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5``) is already in Keras' local cache, else
  the course's weights. Nothing is ever downloaded;
* ``"course"``: a quarter-width VGG19 (16, 32, 64, 128 and 128 filters per block) trained by the
  course's recipe ``python -m course_tools pretrain vgg19_course`` on the course's own pictures;
* ``"imagenet"``: Keras' ImageNet weights (full width, Caffe preprocessing inside), only if cached;
* ``"random"``: the quarter-width network with random Glorot weights and zero biases;
* ``"lsuv"``: the same random network, each layer rescaled once so that its activations on the
  course's pictures have a root mean square of 1 (layer-sequential unit variance; the style layers:
  ``STYLE_LAYER_RMS``, as in the course's weights).

:func:`weights_source` tells which ones a model holds. The weights file also stores the model's
Keras configuration, so ``keras.models.model_from_json`` rebuilds it without this module.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import h5py
import numpy as np

from .. import paths, runtime
from . import retrain_error, weights_asset
from .mobilenet_v2 import keras_cache_dir

NAME = "vgg19_course"
FOLDER = f"pretrained/{NAME}"
WEIGHTS = f"{FOLDER}/{NAME}.weights.h5"
MODEL_CARD = f"{FOLDER}/MODEL_CARD.md"
RECIPE_COMMAND = f"python -m course_tools pretrain {NAME}"
IMAGENET_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"

BLOCKS = (2, 2, 4, 4, 4)  # convolutions per block, as in VGG19
COURSE_WIDTHS = (16, 32, 64, 128, 128)  # filters per block of the course's network
# The RMS of the style layers' (block*_conv1) activations in the course's and the "lsuv" weights, the
# other layers' being 1. A layer's style cost grows with the fourth power of its scale, the content
# cost with the square: this sets how the two compare before alpha and beta weigh them (see the
# model card).
STYLE_LAYER_RMS = 4.0
IMAGENET_WIDTHS = (64, 128, 256, 512, 512)
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)  # what keras.applications.vgg19.preprocess_input subtracts
COURSE_SCALE, COURSE_OFFSET = 4.0, -2.0  # course networks see 4 x - 2: [0, 1] -> [-2, 2]
DEFAULT_SHAPE = (128, 128, 3)
CHOICES = ("auto", "course", "imagenet", "random", "lsuv")
DESCRIPTIONS = {
    "imagenet": "Keras' ImageNet VGG19 (full width, found in Keras' local cache)",
    "course": "the course's quarter-width VGG19, trained on the course's pictures",
    "random": "a quarter-width VGG19 with random Glorot weights (untrained)",
    "lsuv": "a quarter-width VGG19 with random weights, rescaled to the course weights' activation sizes (untrained)",
}


def _keras():
    runtime.load_tensorflow()
    import keras

    return keras


def layer_names() -> list[str]:
    """VGG19's layer names in order, without the input: ``block1_conv1``, ..., ``block5_pool``."""
    names = []
    for block, n_convs in enumerate(BLOCKS, start=1):
        names += [f"block{block}_conv{i}" for i in range(1, n_convs + 1)] + [f"block{block}_pool"]
    return names


def conv_names() -> list[str]:
    """The sixteen convolutions' names in order."""
    return [name for name in layer_names() if "conv" in name]


def _preprocess_weights(kind: str) -> list[np.ndarray]:
    """Kernel (1, 1, 3, 3) and bias (3,) of the ``preprocess`` layer: [0, 1] RGB -> what the weights expect."""
    kernel = np.zeros((1, 1, 3, 3), np.float32)
    if kind == "caffe":  # RGB in [0, 1] -> BGR in [0, 255] minus the ImageNet mean
        for channel in range(3):
            kernel[0, 0, channel, 2 - channel] = 255.0
        return [kernel, -np.asarray(CAFFE_MEAN_BGR, np.float32)]
    for channel in range(3):
        kernel[0, 0, channel, channel] = COURSE_SCALE
    return [kernel, np.full(3, COURSE_OFFSET, np.float32)]


def build(
    input_shape: Sequence[int | None] = (None, None, 3),
    widths: Sequence[int] = COURSE_WIDTHS,
    preprocess: str = "course",
    seed: int = 0,
):
    """The network with VGG19's layers, randomly initialised (Glorot uniform kernels, zero biases).

    Arguments:
    input_shape -- (H, W, 3); None for any size
    widths -- filters in each of the five blocks
    preprocess -- "course" (4 x - 2) or "caffe" (what ImageNet VGG19 expects), from [0, 1] RGB
    seed -- seed of the random kernels

    Returns:
    model -- a keras.Model named "vgg19" whose output is block5_pool's
    """
    keras = _keras()
    inputs = keras.Input(shape=tuple(input_shape), name="input_layer")
    prep = keras.layers.Conv2D(3, 1, name="preprocess")
    x = prep(inputs)
    prep.set_weights(_preprocess_weights(preprocess))
    layer = 0
    for block, (n_convs, width) in enumerate(zip(BLOCKS, widths), start=1):
        for i in range(1, n_convs + 1):
            x = keras.layers.Conv2D(
                int(width),
                3,
                padding="same",
                activation="relu",
                kernel_initializer=keras.initializers.GlorotUniform(seed=seed + layer),
                name=f"block{block}_conv{i}",
            )(x)
            layer += 1
        x = keras.layers.MaxPooling2D(2, strides=2, name=f"block{block}_pool")(x)
    return keras.Model(inputs, x, name="vgg19")


def activation_rms(model, images: np.ndarray) -> dict[str, float]:
    """The root mean square of every convolution's output (after its ReLU) on ``images``."""
    keras = _keras()
    names = conv_names()
    probe = keras.Model(model.input, [model.get_layer(name).output for name in names])
    outputs = probe(np.asarray(images, np.float32), training=False)
    return {name: float(np.sqrt(np.mean(np.square(np.asarray(out, np.float64))))) for name, out in zip(names, outputs)}


def lsuv_rescale(model, images: np.ndarray, style_rms: float = 1.0) -> dict[str, float]:
    """Rescale every convolution once so that its activations on ``images`` have an RMS of 1, and
    those of each block's first convolution (the style layers) an RMS of ``style_rms``.

    ReLU and max pooling commute with positive scaling, so a network whose layer ``l`` gave
    activations ``a_l`` with RMS ``c_l`` gives ``t_l a_l / c_l`` once kernel ``l`` is multiplied by
    ``(c_{l-1} / t_{l-1}) (t_l / c_l)`` and bias ``l`` by ``t_l / c_l``: every layer computes the
    same features, on the scale ``t_l`` chosen for it. Changes ``model`` in place; returns the RMS
    values measured before.
    """
    rms = activation_rms(model, images)
    previous = 1.0
    for name in conv_names():
        layer = model.get_layer(name)
        kernel, bias = layer.get_weights()
        scale = max(rms[name], 1e-12) / (style_rms if name.endswith("_conv1") else 1.0)
        layer.set_weights([kernel * (previous / scale), bias / scale])
        previous = scale
    return rms


def course_pictures(size: tuple[int, int] = DEFAULT_SHAPE[:2]) -> np.ndarray:
    """The style-transfer dataset's content and style pictures, flipped too: (8, H, W, 3) in [0, 1]."""
    from ..datasets import style_images

    pictures = [style_images.load_image(style_images.content_path(name), size) for name in style_images.CONTENT]
    pictures += [style_images.load_image(style_images.style_path(name), size) for name in style_images.STYLE]
    batch = np.concatenate(pictures)
    return np.concatenate([batch, batch[:, :, ::-1]])


def imagenet_weights_file() -> Path | None:
    """Keras' cached ImageNet VGG19 weights (without the classifier), or None when absent."""
    candidate = keras_cache_dir() / "models" / IMAGENET_FILE
    return candidate if candidate.is_file() else None


def weights_file() -> Path:
    """The course weights' path, checked against data/MANIFEST.json (AssetError naming the recipe)."""
    return weights_asset(WEIGHTS, RECIPE_COMMAND)


def write_weights(model, path: Path) -> None:
    """Store ``model``'s weights in float16 with its widths and Keras configuration (any input size)."""
    widths = [model.get_layer(f"block{block}_conv1").filters for block in range(1, 6)]
    config = build((None, None, 3), widths).to_json()
    with h5py.File(path, "w") as handle:
        handle.attrs["config"] = config
        handle.attrs["widths"] = np.asarray(widths, np.int64)
        group = handle.create_group("weights")
        for index, array in enumerate(model.get_weights()):
            group.create_dataset(f"{index:04d}", data=np.asarray(array, np.float16))


def read_weights(path: Path) -> tuple[list[int], list[np.ndarray], str]:
    """Widths, float32 weight arrays (``model.get_weights()`` order) and Keras configuration of a file."""
    try:
        with h5py.File(path, "r") as handle:
            widths = [int(n) for n in handle.attrs["widths"]]
            config = str(handle.attrs["config"])
            group = handle["weights"]
            arrays = [np.asarray(group[f"{i:04d}"][...], np.float32) for i in range(len(group))]
        json.loads(config)
    except (OSError, KeyError, ValueError) as error:
        raise retrain_error(f"Weights file cannot be read ({type(error).__name__})", path, RECIPE_COMMAND) from error
    return widths, arrays, config


def _imagenet(input_shape: tuple):
    keras = _keras()
    path = imagenet_weights_file()
    if path is None:
        raise paths.AssetError(
            f"ImageNet weights for VGG19 are not in Keras' cache: {keras_cache_dir() / 'models' / IMAGENET_FILE}\n"
            "The course never downloads them. Use weights='course' (the course's own weights), or "
            "weights='auto' to use ImageNet weights only when they are there."
        )
    try:
        reference = keras.applications.VGG19(include_top=False, weights=str(path), input_shape=input_shape)
    except Exception as error:
        raise paths.AssetError(
            f"Cached ImageNet weights cannot be loaded ({type(error).__name__}: {error}): {path}"
        ) from error
    model = build(input_shape, IMAGENET_WIDTHS, preprocess="caffe")
    for name in conv_names():
        model.get_layer(name).set_weights(reference.get_layer(name).get_weights())
    return model


def load_vgg19(input_shape: Sequence[int] = DEFAULT_SHAPE, weights: str = "auto", seed: int = 0):
    """A frozen network with VGG19's layers and names, taking RGB pictures in [0, 1].

    Arguments:
    input_shape -- (H, W, 3)
    weights -- "auto" (ImageNet if cached, else the course's), "course", "imagenet", "random" or "lsuv"
    seed -- seed of the random kernels ("random" and "lsuv")

    Returns:
    model -- keras.Model with ``trainable = False``; ``weights_source(model)`` says which weights it holds

    Raises:
        AssetError: the weights file is missing or damaged (the message names the recipe), or
            "imagenet" was asked for and Keras' cache does not hold it.
    """
    input_shape = tuple(None if n is None else int(n) for n in input_shape)
    if weights not in CHOICES:
        raise ValueError(f"weights must be one of {list(CHOICES)}, not {weights!r}")
    if weights == "auto":
        weights = "imagenet" if imagenet_weights_file() is not None else "course"
    if weights == "imagenet":
        model = _imagenet(input_shape)
    elif weights == "course":
        path = weights_file()
        widths, arrays, _ = read_weights(path)
        model = build(input_shape, widths)
        try:
            model.set_weights(arrays)
        except ValueError as error:
            raise retrain_error(f"Weights file does not fit the network ({error})", path, RECIPE_COMMAND) from error
    else:
        model = build(input_shape, COURSE_WIDTHS, seed=seed)
        if weights == "lsuv":
            height, width = (n or DEFAULT_SHAPE[i] for i, n in enumerate(input_shape[:2]))
            lsuv_rescale(model, course_pictures((height, width)), style_rms=STYLE_LAYER_RMS)
    model.trainable = False
    model.weights_source = weights
    return model


def weights_source(model) -> str:
    """Which weights ``load_vgg19`` put in ``model``: "imagenet", "course", "random" or "lsuv"."""
    return getattr(model, "weights_source", "unknown")


__all__ = [
    "CHOICES",
    "DESCRIPTIONS",
    "IMAGENET_FILE",
    "NAME",
    "RECIPE_COMMAND",
    "WEIGHTS",
    "build",
    "conv_names",
    "imagenet_weights_file",
    "layer_names",
    "load_vgg19",
    "lsuv_rescale",
    "weights_source",
]
