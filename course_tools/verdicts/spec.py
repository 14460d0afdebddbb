"""What a trusted check is: calls on hidden inputs, compared with the instructor's reference.

An assignment's checks live in ``course_tools/verdicts/<assignment_id>.py`` as ``CHECKS``: for a
test cell (its grade_id), the calls of graded functions whose answers must match the reference
solution's.  The inputs are made here, in the trusted process, from fixed seeds; the reference
answers are computed here too, with the instructor notebook's own solution cells; the submission's
answers come back from the sandboxed probe as plain numbers.  A check never adds a rule that the
notebook's visible tests do not state: it asks for the same values on other inputs.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

Pick = Callable[[object], object]


def whole(value: object) -> object:
    return value


def first(value: object) -> object:
    """The first element of a returned tuple (``Z`` of ``(Z, cache)``)."""
    return value[0] if isinstance(value, (tuple, list)) and value else value


@dataclass(frozen=True)
class Tensor:
    """An input that the notebook hands to the function as a TensorFlow tensor of ``dtype``."""

    value: np.ndarray
    dtype: str = "float32"

    def live(self):
        import tensorflow as tf

        return tf.constant(np.asarray(self.value).astype(self.dtype))


@dataclass(frozen=True)
class Name:
    """An input that is an object the set-up cells make (a model, a database): the probe and the
    reference each pass their own, made by the same trusted code."""

    name: str


def encode_input(value: object) -> object:
    """Inputs for the probe (see probe.encode), tensors marked as such."""
    from .probe import encode

    if isinstance(value, Tensor):
        return {"tensor": encode(np.asarray(value.value, dtype=np.float64)), "dtype": value.dtype}
    if isinstance(value, Name):
        return {"name": value.name}
    if isinstance(value, tuple):
        return {"tuple": [encode_input(item) for item in value]}
    if isinstance(value, list):
        return [encode_input(item) for item in value]
    if isinstance(value, dict):
        return {"dict": [[encode_input(k), encode_input(v)] for k, v in value.items()]}
    return encode(value)


def live_input(value: object, namespace: dict) -> object:
    """Inputs for the reference: what the notebook would pass (tensors as tensors, copies of arrays)."""
    if isinstance(value, Tensor):
        return value.live()
    if isinstance(value, Name):
        return namespace[value.name]
    if isinstance(value, tuple):
        return tuple(live_input(item, namespace) for item in value)
    if isinstance(value, list):
        return [live_input(item, namespace) for item in value]
    if isinstance(value, dict):
        return {key: live_input(item, namespace) for key, item in value.items()}
    return copy.deepcopy(value)


@dataclass(frozen=True)
class Call:
    """One call of a graded function on hidden inputs; ``pick`` chooses what is compared."""

    function: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    pick: Pick = whole
    callees: tuple[str, ...] = ()  # graded functions it calls: judged with references if those fail
    # Equivalent forms: each maps reference functions to trusted alternatives (e.g. the other order of a
    # concatenation); an answer matching the reference with any of these swaps in is right too.
    equivalents: tuple[dict[str, str], ...] = ()

    def describe(self) -> str:
        def short(value) -> str:
            if isinstance(value, Tensor):
                return f"tensor{tuple(np.shape(value.value))}"
            if isinstance(value, Name):
                return value.name
            if isinstance(value, np.ndarray):
                return f"array{tuple(value.shape)}"
            if isinstance(value, (tuple, list)):
                inner = ", ".join(short(item) for item in value)
                return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
            if isinstance(value, dict):
                return "{" + ", ".join(f"{k!r}: {short(v)}" for k, v in value.items()) + "}"
            return repr(value)

        shown = [short(arg) for arg in self.args] + [f"{k}={short(v)}" for k, v in self.kwargs.items()]
        return f"{self.function}({', '.join(shown)})"


@dataclass(frozen=True)
class Check:
    """The trusted counterpart of one test cell."""

    test: str  # the test cell's grade_id
    calls: Sequence[Call]
    rtol: float = 1e-4
    atol: float = 1e-6


def as_float(value: object) -> object:
    """The reference's answer in the form the probe returns answers: float64 arrays in tuples/lists."""
    if isinstance(value, (tuple, list)):
        converted = [as_float(item) for item in value]
        return tuple(converted) if isinstance(value, tuple) else converted
    if isinstance(value, dict):
        return {key: as_float(item) for key, item in value.items()}
    if isinstance(value, str) or value is None:
        return value
    return np.array(value, dtype=np.float64)


def same(got: object, expected: object, rtol: float, atol: float) -> str:
    """ "" when ``got`` matches ``expected``; otherwise what differs (for the instructor's report)."""
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"expected a sequence of {len(expected)} values, got {type(got).__name__}"
        for index, (g, e) in enumerate(zip(got, expected)):
            problem = same(g, e, rtol, atol)
            if problem:
                return f"[{index}]: {problem}"
        return ""
    if isinstance(expected, np.ndarray):
        if not isinstance(got, np.ndarray):
            return f"expected numbers, got {type(got).__name__}"
        if got.shape != expected.shape:
            return f"shape {got.shape}, expected {expected.shape}"
        if not np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=False):
            return f"values differ (largest difference {float(np.max(np.abs(got - expected))):.3g})"
        return ""
    return "" if got == expected else f"{got!r}, expected {expected!r}"


def expected_answer(call: Call, reference: dict, swap: dict[str, str] | None = None) -> object:
    """The reference solution's answer to ``call`` (on copies: a function may not change its inputs),
    with the reference functions named in ``swap`` replaced by their alternatives meanwhile."""
    saved = {name: reference[name] for name in swap or {}}
    try:
        for name, alternative in (swap or {}).items():
            reference[name] = reference[alternative]
        function = reference[call.function]
        args = [live_input(arg, reference) for arg in call.args]
        kwargs = {key: live_input(value, reference) for key, value in call.kwargs.items()}
        return as_float(call.pick(function(*args, **kwargs)))
    finally:
        reference.update(saved)
