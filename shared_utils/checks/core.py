"""Checks of values: arrays, plain values and properties, and the line that ends a test cell.

Every helper raises ``AssertionError`` (so nbgrader counts the cell as failed) with a message
that names the quantity, the difference found, and, when given, a hint about the usual mistake.

One mistake is charged once: the test of a function that calls other graded functions (its
*callees*) first asks ``callees_ready`` whether they pass their first checks.  When one does not,
the caller's public checks wait (``all_passed`` then says why instead of "All tests passed."),
and the hidden checks grade the caller with reference callees put in place by ``substituted``.
"""

from __future__ import annotations

import contextlib
import io
import sys
import warnings
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from typing import Any

import numpy as np

GREEN, RED, RESET = "\033[92m", "\033[91m", "\033[0m"
YELLOW = "\033[93m"


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


# Checks a test cell skipped, as (cell, reason): all_passed() of that cell reports the reason.
_SKIPPED: list[tuple[Any, str]] = []


def _current_cell() -> Any:
    """The running notebook cell's execution count (None outside IPython), so that a skip recorded
    by a cell that then failed is never reported by a later cell."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    return getattr(shell, "execution_count", None)


def skipped(reason: str) -> None:
    """Record that this cell's checks did not run, and why: its ``all_passed()`` prints the reason
    (in yellow) instead of "All tests passed.", without failing the cell."""
    _SKIPPED[:] = [(_current_cell(), reason)]


def all_passed(what: str = "All tests passed.") -> None:
    """Print the green line students look for at the end of a test cell, or, when the cell skipped
    its checks (``skipped``, ``callees_ready``), the reason they did not run."""
    cell = _current_cell()
    reasons = [reason for where, reason in _SKIPPED if where == cell]
    _SKIPPED.clear()
    if reasons:
        print(f"{YELLOW}{reasons[-1]}{RESET}")
    else:
        print(f"{GREEN}{what}{RESET}")


def _first_line(text: str) -> str:
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return lines[0][:300] if lines else ""


def problem_of(check: Callable[[], object]) -> str | None:
    """Run ``check()`` quietly (its prints and warnings hidden); None if it passes, else one line
    saying what went wrong ("not written yet" when it meets a ``NotImplementedError``)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                check()
    except NotImplementedError:
        return "not written yet"
    except AssertionError as error:
        return _first_line(str(error)) or "a check failed"
    except Exception as error:  # the student's function crashed: report the error in one line
        return f"{type(error).__name__}: {_first_line(str(error))}".rstrip(": ")
    return None


@contextlib.contextmanager
def substituted(namespace: MutableMapping[str, Any], **replacements: Any) -> Iterator[None]:
    """Within the ``with`` block, ``namespace[name]`` is ``replacements[name]``; afterwards, even
    after a failure, every name is restored (or removed again if it was not there).

    Hidden tests use it to check a function with reference versions of the functions it calls:
    ``with checks.substituted(globals(), zero_pad=_zero_pad_reference): ...``.
    """
    absent = object()
    saved = {name: namespace.get(name, absent) for name in replacements}
    namespace.update(replacements)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is absent:
                namespace.pop(name, None)
            else:
                namespace[name] = value


class _StandIn(Exception):
    """Raised by the stand-ins of the callees while ``callees_ready`` asks whether the caller is written."""


def _stand_in(*args: Any, **kwargs: Any) -> Any:
    raise _StandIn


def _not_written(caller: Callable, example: Sequence[Any], callees: Sequence[str]) -> NotImplementedError | None:
    """The ``NotImplementedError`` of ``caller(*example)`` when the caller itself is still the stub.

    The callees are replaced by stand-ins that raise at once, so the caller's own code is all that
    runs: a ``NotImplementedError`` can then only come from the caller.
    """
    namespace = getattr(caller, "__globals__", None)
    if namespace is None:
        return None
    try:
        with substituted(namespace, **dict.fromkeys(callees, _stand_in)):
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    caller(*example)
    except NotImplementedError as error:
        return error
    except Exception:  # the caller runs (and stops at a stand-in, or elsewhere): it is written
        return None
    return None


def callees_ready(caller: Callable, example: Sequence[Any] = (), /, **callee_checks: Callable[[], object]) -> bool:
    """Whether the graded functions ``caller`` calls pass their first checks, so that checking it means something.

    Arguments:
    caller -- the function under test, e.g. ``conv_forward``
    example -- arguments for one call of ``caller``, used only when a callee fails, to tell a caller
               that is not written yet (still raising ``NotImplementedError``) from one that is
    **callee_checks -- for each function the caller calls, by name, a function that runs some of
                       that callee's own public checks (raising ``AssertionError`` when one fails)

    Returns:
    True when every callee passes. Otherwise False, after recording (``skipped``) that ``caller`` is
    not checked yet because of the callees that fail; the cell's ``all_passed()`` then says so.

    Raises:
    NotImplementedError -- when a callee fails and ``caller`` itself is not written yet, so that a
                           blank exercise still fails its test
    """
    problems = {name: problem_of(check) for name, check in callee_checks.items()}
    failing = {name: problem for name, problem in problems.items() if problem is not None}
    if not failing:
        return True
    error = _not_written(caller, example, list(callee_checks))
    if error is not None:
        raise error
    name = getattr(caller, "__name__", "this function")
    names = " and ".join(failing)
    which = "which fails its own tests — fix that" if len(failing) == 1 else "which fail their own tests — fix them"
    details = "".join(f"\n    {callee}: {problem}" for callee, problem in failing.items())
    skipped(f"{name} is not checked yet: it calls {names}, {which} first, then rerun this cell.{details}")
    return False
