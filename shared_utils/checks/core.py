"""Checks of values: arrays, plain values and properties, and the line that ends a test cell.

Every helper raises ``AssertionError`` (so nbgrader counts the cell as failed) with a message
that names the quantity, the difference found, and, when given, a hint about the usual mistake.
"""

from __future__ import annotations

from collections.abc import Sequence
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
