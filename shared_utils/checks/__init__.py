"""Student-facing test helpers: each failure says *what* is wrong, not just that something is.

Test cells call these with the student's result and an expected value computed independently.
Every helper raises ``AssertionError`` (so nbgrader counts the cell as failed) with a message
that names the quantity, the difference found, and, when given, a hint about the usual mistake.

* values (``core``): ``check_close``, ``check_shape``, ``check_equal``, ``check_true``,
  ``check_type``, ``relative_error``, and ``all_passed``, the line that ends every test cell;
* one mistake charged once (``core``): ``callees_ready`` (do the graded functions a function calls
  pass their first checks?), ``skipped``, ``problem_of``, and ``substituted`` for hidden tests;
* Keras models (``models``): ``describe_layer``, ``describe_model``, ``check_model``;
* exercises that build layers (``blocks``): ``KnownWeights`` and ``known_kernel`` (weights a test
  can rebuild), ``build_model`` and ``call_friendly`` (one-line errors instead of tracebacks),
  ``layer_counts``, ``conv_settings`` and ``same_layers`` (what a model contains).

Importing this package does not import TensorFlow; ``KnownWeights`` loads it on first use.
"""

from __future__ import annotations

from typing import Any

from . import blocks
from .blocks import build_model, call_friendly, conv_settings, known_kernel, layer_counts, same_layers
from .core import (
    GREEN,
    RED,
    RESET,
    YELLOW,
    _as_array,
    _fail,
    all_passed,
    callees_ready,
    check_close,
    check_equal,
    check_shape,
    check_true,
    check_type,
    problem_of,
    relative_error,
    skipped,
    substituted,
)
from .models import (
    _KEY_CONFIG,
    _blank,
    _format,
    _layer_type,
    _output_shape,
    _plain,
    check_model,
    describe_layer,
    describe_model,
)

__all__ = [
    "GREEN",
    "RED",
    "RESET",
    "YELLOW",
    "KnownWeights",
    "all_passed",
    "build_model",
    "call_friendly",
    "callees_ready",
    "check_close",
    "check_equal",
    "check_model",
    "check_shape",
    "check_true",
    "check_type",
    "conv_settings",
    "describe_layer",
    "describe_model",
    "known_kernel",
    "layer_counts",
    "problem_of",
    "relative_error",
    "same_layers",
    "skipped",
    "substituted",
]

# Kept importable for code written against the single-module version of ``checks``.
_PRIVATE = (_as_array, _fail, _KEY_CONFIG, _blank, _format, _layer_type, _output_shape, _plain)


def __getattr__(name: str) -> Any:
    """Package attribute hook: ``checks.KnownWeights`` is defined (with Keras) on first use."""
    if name == "KnownWeights":
        return blocks.KnownWeights
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
