"""Test plumbing for exercises that build Keras layers: known weights, friendly builds, inventories.

A test of a block (say a residual block) needs four things besides the expected values, which the
test computes itself with NumPy:

* weights it knows: pass ``KnownWeights`` as the block's ``initializer`` and every kernel the block
  creates holds ``known_kernel(shape)``, values that depend only on the kernel's shape;
* a model to run: ``build_model(block, input_shape, ...)`` calls the block once on a symbolic input,
  and when Keras cannot build it, fails with one line that names the call and the error instead of
  a long traceback (``call_friendly`` does the same for any function, e.g. one returning a model);
* an inventory: ``layer_counts(model)`` counts layers by kind, counting ``X + Y`` as an ``Add`` and
  ``keras.ops.relu`` or ``Activation("relu")`` as a ``ReLU``, so equivalent spellings count the same;
* the settings that matter: ``conv_settings(model)`` lists (filters, kernel_size, strides, padding)
  of every ``Conv2D``.

Only ``KnownWeights`` needs Keras to exist when it is defined, so it is created on first use
(``checks.KnownWeights``), through ``runtime.load_tensorflow`` to keep TensorFlow's banner off stderr.
Everything else imports nothing heavy: a NumPy-only notebook can import ``checks`` cheaply.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .core import check_true
from .models import describe_layer, describe_model

# Operations (not layers) that Keras records for functional code, under the layer kind they stand for.
_OPERATION_KINDS = {"Relu": "ReLU", "Add": "Add"}


def known_kernel(shape: Sequence[int]) -> np.ndarray:
    """The kernel ``KnownWeights`` creates for ``shape``: uniform in [-1, 1), a function of the shape alone.

    Arguments:
    shape -- the kernel's shape, e.g. (f, f, n_C_prev, n_C) for a Conv2D

    Returns:
    kernel -- float32 array of that shape; the same shape always gives the same values
    """
    shape = tuple(int(n) for n in shape)
    return np.random.default_rng(list(shape)).uniform(-1.0, 1.0, size=shape).astype("float32")


def _known_weights_class() -> type:
    from shared_utils import runtime

    runtime.load_tensorflow()
    import keras

    class KnownWeights(keras.initializers.Initializer):
        """A kernel initializer for tests: every kernel is ``known_kernel(shape)``.

        Pass the class where an exercise takes an initializer function: the exercise calls
        ``initializer(seed=0)`` as it would call ``glorot_uniform(seed=0)``; the seed is kept (for
        ``get_config``) but does not change the values, so the test can rebuild every kernel.
        """

        def __init__(self, seed: int | None = 0) -> None:
            self.seed = seed

        def __call__(self, shape, dtype=None):
            return keras.ops.convert_to_tensor(known_kernel(shape), dtype=dtype)

        def get_config(self) -> dict:
            return {"seed": self.seed}

    KnownWeights.__module__ = "shared_utils.checks"
    KnownWeights.__qualname__ = "KnownWeights"
    return KnownWeights


def __getattr__(name: str) -> Any:
    """Module attribute hook: define ``KnownWeights`` the first time someone asks for it."""
    if name == "KnownWeights":
        cls = _known_weights_class()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _short(value: Any) -> str:
    """An argument as a reader wants to see it: functions and classes by name, tensors by shape."""
    shape = getattr(value, "shape", None)
    if shape is not None and hasattr(value, "dtype") and getattr(value, "ndim", 1):
        return f"<tensor of shape {tuple(shape)}>"
    if isinstance(value, type) or callable(value):
        return getattr(value, "__name__", type(value).__name__)
    return repr(value)


def _error_line(error: BaseException) -> str:
    """``TypeError: first line of the message`` without Keras' terminal colours, at most 300 characters."""
    message = str(error).replace("\x1b[1m", "").replace("\x1b[0m", "").strip()
    first = message.splitlines()[0][:300] if message else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


def call_friendly(function: Callable, /, *args: Any, hint: str = "", what: str | None = None, **kwargs: Any) -> Any:
    """Return ``function(*args, **kwargs)``; if it raises, fail with one line instead of a traceback.

    Arguments:
    function -- the student's function, e.g. ``ResNet50``
    *args, **kwargs -- its arguments (``hint`` and ``what`` are this helper's own)
    hint -- the likely cause, shown under the error
    what -- how to name the call in the message; by default ``name(arguments)``

    Returns:
    whatever ``function`` returns

    Raises:
    AssertionError -- "``what`` failed with ``ErrorType: message``", and the hint
    """
    if what is None:
        shown = [_short(a) for a in args] + [f"{key}={_short(value)}" for key, value in kwargs.items()]
        what = f"{getattr(function, '__name__', 'the function')}({', '.join(shown)})"
    problem = result = None
    try:
        result = function(*args, **kwargs)
    except Exception as error:  # reported below, outside the handler, so without a chain of tracebacks
        problem = _error_line(error)
    check_true(problem is None, f"{what} failed with {problem}", hint=hint)
    return result


def build_model(block: Callable, input_shape: Sequence[int], /, hint: str = "", **arguments: Any):
    """Call ``block`` once on ``keras.Input(shape=input_shape)`` and wrap the result in a ``keras.Model``.

    The model runs the block on NumPy batches (``model(x)``) and lists its layers for the checks.

    Arguments:
    block -- a function ``block(X, **arguments)`` that returns a tensor, e.g. ``identity_block``
    input_shape -- the shape of one example, without the batch axis, e.g. (4, 4, 3)
    hint -- the likely cause when Keras cannot build the block (e.g. shapes that cannot be added)
    **arguments -- passed on to ``block``

    Returns:
    model -- a ``keras.Model`` from the input to the block's output

    Raises:
    AssertionError -- in one line, when the block raises, returns None, or returns something that
                      is not the output of Keras layers
    """
    from shared_utils import runtime

    runtime.load_tensorflow()
    import keras

    name = getattr(block, "__name__", "the block")
    shown = ", ".join(f"{key}={_short(value)}" for key, value in arguments.items())
    where = f"{name} on an input of shape {(None, *input_shape)}" + (f" with {shown}" if shown else "")
    inputs = keras.Input(shape=tuple(input_shape))
    outputs = call_friendly(block, inputs, hint=hint, what=f"Building {where}", **arguments)
    check_true(outputs is not None, f"{name} returned None.", hint="end the function with `return X`.")
    problem = model = None
    try:
        model = keras.Model(inputs, outputs)
    except Exception as error:  # reported below, without a chain of tracebacks
        problem = _error_line(error)
    check_true(
        problem is None,
        f"The output of {where} is not a tensor made by Keras layers ({type(outputs).__name__}): {problem}",
        hint="call each layer on the previous tensor, X = Layer(...)(X), and return the last X.",
    )
    return model


def layer_counts(model: Any) -> Counter:
    """How many layers (or operations) of each kind ``model`` holds, e.g. ``{"Conv2D": 3, "ReLU": 3}``.

    Layers are named as ``describe_layer`` names them (``Activation("relu")`` is a ``ReLU``);
    operations written as code are counted too: ``X + Y`` as an ``Add`` and ``keras.ops.relu(X)``
    as a ``ReLU``. The ``Input`` is not counted.

    Arguments:
    model -- a functional ``keras.Model``

    Returns:
    counts -- a ``collections.Counter`` from kind to number (a missing kind counts 0)
    """
    import keras

    counts: Counter = Counter()
    for operation in model.operations:
        if isinstance(operation, keras.layers.InputLayer):
            continue
        if isinstance(operation, keras.layers.Layer):
            counts[describe_layer(operation)["type"]] += 1
        else:  # e.g. `X + Y` or keras.ops.relu(X)
            kind = type(operation).__name__
            counts[_OPERATION_KINDS.get(kind, kind)] += 1
    return counts


def conv_settings(
    model: Any, keys: Sequence[str] = ("filters", "kernel_size", "strides", "padding")
) -> list[tuple[Any, ...]]:
    """The settings of every ``Conv2D`` layer of ``model``, in layer order.

    Arguments:
    model -- a ``keras.Model``
    keys -- which settings, by their ``get_config`` names; sizes and strides are tuples, e.g. (1, 1)

    Returns:
    settings -- one tuple per Conv2D, e.g. ``(64, (1, 1), (2, 2), "valid")``
    """
    return [tuple(layer["config"][key] for key in keys) for layer in describe_model(model) if layer["type"] == "Conv2D"]


def same_layers(first: Any, second: Any) -> list[str]:
    """The kinds of the layers that two models share (the same layer object in both), apart from inputs.

    A function that creates its layers outside its body (once, at import) hands the same layers to
    every model it builds, which then share their weights; this lists them.

    Arguments:
    first, second -- two ``keras.Model`` objects

    Returns:
    kinds -- e.g. ``["Dense"]``; empty when the models share no layer
    """
    import keras

    def own(model: Any) -> dict[int, Any]:
        return {id(layer): layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)}

    theirs = own(second)
    return [describe_layer(layer)["type"] for key, layer in own(first).items() if key in theirs]
