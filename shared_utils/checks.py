"""Student-facing test helpers: each failure says *what* is wrong, not just that something is.

Test cells call these with the student's result and an expected value computed independently.
Every helper raises ``AssertionError`` (so nbgrader counts the cell as failed) with a message
that names the quantity, the difference found, and, when given, a hint about the usual mistake.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

GREEN, RED, RESET = "\033[92m", "\033[91m", "\033[0m"


def _fail(message: str, hint: str = "") -> None:
    if hint:
        message += f"\nHint: {hint}"
    raise AssertionError(message)


def _as_array(value: Any, name: str) -> np.ndarray:
    if value is None:
        _fail(f"{name} is None.", "did the function reach its `return` statement?")
    if hasattr(value, "numpy"):  # TensorFlow tensors and variables
        value = value.numpy()
    try:
        return np.asarray(value)
    except Exception as error:  # pragma: no cover - exotic objects
        _fail(f"{name} could not be read as an array ({type(value).__name__}): {error}")
    raise AssertionError  # unreachable, keeps type checkers happy


def check_type(value: Any, expected: type | tuple[type, ...], name: str, hint: str = "") -> None:
    """``value`` must be an instance of ``expected``."""
    if not isinstance(value, expected):
        names = expected.__name__ if isinstance(expected, type) else " or ".join(t.__name__ for t in expected)
        _fail(f"{name} should be a {names}, but it is a {type(value).__name__}.", hint)


def check_shape(value: Any, expected: Sequence[int], name: str, hint: str = "") -> None:
    """``value`` must have exactly the shape ``expected``."""
    actual = _as_array(value, name).shape
    if tuple(actual) != tuple(expected):
        _fail(f"{name} has shape {tuple(actual)}, expected {tuple(expected)}.", hint)


def check_close(
    value: Any,
    expected: Any,
    name: str,
    hint: str = "",
    rtol: float = 1e-5,
    atol: float = 1e-7,
) -> None:
    """``value`` must match ``expected`` in shape and, element by element, in value."""
    actual = _as_array(value, name)
    target = np.asarray(expected)
    if actual.shape != target.shape:
        _fail(f"{name} has shape {actual.shape}, expected {target.shape}.", hint)
    if actual.dtype == object:
        _fail(f"{name} holds Python objects, not numbers (dtype=object).", hint)
    if not np.all(np.isfinite(actual)):
        _fail(f"{name} contains NaN or infinite values.", hint)
    if not np.allclose(actual, target, rtol=rtol, atol=atol):
        error = np.abs(actual.astype(float) - target.astype(float))
        worst = np.unravel_index(np.argmax(error), error.shape) if error.ndim else ()
        where = f" at index {tuple(int(i) for i in worst)}" if worst else ""
        wrong = int(np.sum(~np.isclose(actual, target, rtol=rtol, atol=atol)))
        _fail(
            f"{name} has wrong values: {wrong} of {target.size} differ; the largest difference is "
            f"{float(error.max()):.3g}{where} (got {float(actual[worst]):.6g}, "
            f"expected {float(target[worst]):.6g}).",
            hint,
        )


def check_equal(value: Any, expected: Any, name: str, hint: str = "") -> None:
    """``value == expected`` for plain values (numbers, strings, tuples, booleans)."""
    if value != expected:
        _fail(f"{name} is {value!r}, expected {expected!r}.", hint)


def check_true(condition: bool, message: str, hint: str = "") -> None:
    """A named property must hold."""
    if not condition:
        _fail(message, hint)


def relative_error(a: Any, b: Any) -> float:
    """``|a - b| / max(|a| + |b|, tiny)``: what gradient checks report (expect about 1e-7 or less)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12))


def all_passed(what: str = "All tests passed.") -> None:
    """Print the green line students look for at the end of a test cell."""
    print(f"{GREEN}{what}{RESET}")


# --- Keras architectures ---------------------------------------------------------------------

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
