"""Checks of Keras models: name-independent layer descriptions and layer-by-layer comparison.

Nothing here imports TensorFlow: the functions only read the models they are given.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .core import _fail

_KEY_CONFIG = {
    "Conv2D": ("filters", "kernel_size", "strides", "padding", "activation"),
    "Conv2DTranspose": ("filters", "kernel_size", "strides", "padding", "activation"),
    "DepthwiseConv2D": ("kernel_size", "strides", "padding"),
    "Dense": ("units", "activation"),
    "MaxPooling2D": ("pool_size", "strides", "padding"),
    "AveragePooling2D": ("pool_size", "strides", "padding"),
    "ZeroPadding2D": ("padding",),
    "BatchNormalization": ("axis",),
    "Dropout": ("rate",),
    "RandomFlip": ("mode",),
    "RandomRotation": ("factor",),
}


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    return value


def _layer_type(layer: Any) -> str:
    kind = type(layer).__name__
    config = layer.get_config()
    if kind == "Activation":
        return config["activation"].capitalize() if config["activation"] != "relu" else "ReLU"
    if kind == "ReLU" and (config.get("max_value") is None and not config.get("negative_slope")):
        return "ReLU"
    return kind


def _output_shape(layer: Any) -> tuple | None:
    try:
        return tuple(layer.output.shape)
    except (AttributeError, ValueError):
        return None


def describe_layer(layer: Any) -> dict:
    """A name-independent description of one layer: type, output shape, parameters, key config."""
    kind = _layer_type(layer)
    config = layer.get_config()
    keys = _KEY_CONFIG.get(type(layer).__name__, ())
    settings = {key: _plain(config[key]) for key in keys if key in config}
    if "axis" in settings and isinstance(settings["axis"], int) and settings["axis"] < 0:
        shape = _output_shape(layer)
        if shape is not None:
            settings["axis"] = len(shape) + settings["axis"]
    if isinstance(settings.get("axis"), tuple) and len(settings["axis"]) == 1:
        settings["axis"] = settings["axis"][0]
    return {
        "type": kind,
        "output_shape": _output_shape(layer),
        "params": int(layer.count_params()),
        "config": settings,
    }


def describe_model(model: Any) -> list[dict]:
    """``describe_layer`` for every layer of ``model`` except its ``Input``."""
    return [describe_layer(layer) for layer in model.layers if type(layer).__name__ != "InputLayer"]


def _format(entry: dict) -> str:
    parts = [f"out={entry['output_shape']}", f"params={entry['params']}"]
    parts += [f"{key}={value!r}" for key, value in entry["config"].items()]
    return f"{entry['type']}({', '.join(parts)})"


def check_model(model: Any, expected: Iterable[dict], name: str = "model") -> None:
    """Compare ``describe_model(model)`` with an expected description, layer by layer.

    Each expected entry needs ``type`` and may give ``output_shape``, ``params`` and ``config``
    (only the config keys given are compared).  Layer names are never compared, so Keras'
    automatic names (``conv2d_7``...) do not matter.
    """
    expected = list(expected)
    actual = describe_model(model)
    for index, (got, want) in enumerate(zip(actual, expected)):
        where = f"{name}, layer {index + 1}"
        if got["type"] != want["type"]:
            _fail(
                f"{where} is {got['type']}, expected {want['type']}.\n"
                f"  got:      {_format(got)}\n  expected: {_format({**_blank(), **want})}",
                "layers must come in the order the exercise lists them.",
            )
        if "output_shape" in want and got["output_shape"] != tuple(want["output_shape"]):
            _fail(
                f"{where} ({got['type']}) outputs shape {got['output_shape']}, expected {tuple(want['output_shape'])}.",
                "check kernel size, strides and padding of this layer and the ones before it.",
            )
        for key, value in want.get("config", {}).items():
            if got["config"].get(key) != _plain(value):
                _fail(f"{where} ({got['type']}) has {key}={got['config'].get(key)!r}, expected {value!r}.")
        if "params" in want and got["params"] != want["params"]:
            _fail(f"{where} ({got['type']}) has {got['params']} parameters, expected {want['params']}.")
    if len(actual) != len(expected):
        listing = "\n".join(f"  {i + 1}. {_format(entry)}" for i, entry in enumerate(actual))
        _fail(
            f"{name} has {len(actual)} layers (not counting the Input), expected {len(expected)}.\n"
            f"Your layers:\n{listing}"
        )


def _blank() -> dict:
    return {"output_shape": None, "params": "?", "config": {}}
