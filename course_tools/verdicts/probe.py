"""Run a submission's functions on hidden inputs and hand back plain numbers, nothing else.

This file runs *outside* the trusted grader, inside the grading sandbox, as a script copied next
to its request (the sandbox hides the rest of ``course_tools``): it needs only the standard library
and numpy.  Everything in this process may be forged by the submission, which is why nothing here
decides a grade: the process never holds an expected answer, and what it writes back is decoded as
plain data (JSON, and arrays as raw float64 bytes) by the trusted side.

Request (JSON)::

    {"cells": [[name, source], ...],                 # run in order in one namespace; errors are recorded
     "calls": [{"id": ..., "function": name, "args": [...], "kwargs": {...},
                "replace": {name: source, ...}}],    # callees swapped for these definitions during the call
     "call_seconds": 60}                             # the time each cell and call may take

Several requests may share one process (``{"batch": [request, ...]}``: the course's own fixtures,
proven in one go; a student's submission always has a process of its own).

Response (JSON lines, written as it goes so that a probe stopped for time keeps what it finished;
each line also carries ``"submission"``, the index of its request in the batch):
``{"cell": name, "error": ...}`` per cell, then ``{"id": ..., "value": ..., "error": ...}`` per call.
Values are encoded by :func:`encode`: arrays as ``{"array": base64, "shape": [...]}`` (float64),
tuples as ``{"tuple": [...]}``, dicts as ``{"dict": [[key, value], ...]}``; an input may also be
``{"tensor": array, "dtype": "float32"}``, handed to the function as a TensorFlow tensor, or
``{"name": global}``, an object the set-up cells made (a model, a database).
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import signal
import sys

import numpy as np

CALL_SECONDS = 60  # by default, one call that runs longer is stopped and recorded as an error


def encode(value):
    """Plain JSON for numbers, strings, tuples, lists, dicts and anything numpy can turn into floats."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, np.generic):
        return value
    if isinstance(value, tuple):
        return {"tuple": [encode(item) for item in value]}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {"dict": [[encode(key), encode(item)] for key, item in value.items()]}
    array = np.array(value, dtype=np.float64)  # tensors, numpy scalars, boolean masks, ...
    return {"array": base64.b64encode(array.tobytes()).decode("ascii"), "shape": list(array.shape)}


def decode(value, namespace: dict | None = None):
    """The inverse of :func:`encode` (arrays come back as float64 numpy arrays)."""
    if isinstance(value, list):
        return [decode(item, namespace) for item in value]
    if isinstance(value, dict):
        if "tuple" in value:
            return tuple(decode(item, namespace) for item in value["tuple"])
        if "dict" in value:
            return {decode(key, namespace): decode(item, namespace) for key, item in value["dict"]}
        if "array" in value:
            shape = tuple(int(n) for n in value["shape"])
            data = np.frombuffer(base64.b64decode(value["array"]), dtype=np.float64)
            return data.reshape(shape).copy()
        if "name" in value and namespace is not None:  # an object the set-up cells made, e.g. a model
            return namespace[value["name"]]
        if "tensor" in value:  # an input the notebook gives as a TensorFlow tensor
            import tensorflow as tf

            return tf.constant(decode(value["tensor"]).astype(value["dtype"]))
        raise ValueError(f"unknown encoded value with keys {sorted(value)}")
    return value


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout("ran past the time limit")


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def _timed(seconds: int, function, *args, **kwargs):
    """``function(*args, **kwargs)`` with its prints swallowed, stopped after ``seconds``."""
    quiet = io.StringIO()
    try:
        with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
            signal.alarm(seconds)
            return function(*args, **kwargs)
    finally:
        signal.alarm(0)


def run(request: dict, answer) -> None:
    """Run the request's cells and calls, handing each outcome to ``answer`` as soon as it is known."""
    namespace: dict = {"__name__": "__main__"}
    seconds = int(request.get("call_seconds", CALL_SECONDS))
    signal.signal(signal.SIGALRM, _alarm)
    for name, source in request["cells"]:
        try:
            _timed(seconds, exec, compile(source, f"<cell {name}>", "exec"), namespace)
            answer({"cell": name, "error": ""})
        except BaseException as error:  # a submission may raise anything, SystemExit included
            answer({"cell": name, "error": _describe(error)})
    too_slow: set[str] = set()  # a function that ran out of time once is not given more
    for call in request["calls"]:
        saved = {}
        try:
            if call["function"] in too_slow and not call.get("replace"):
                raise _Timeout("an earlier call ran past the time limit")
            replacements = call.get("replace", {})
            scratch: dict = dict(namespace)  # the references call one another, not the student's versions
            for callee, source in replacements.items():
                exec(compile(source, f"<reference {callee}>", "exec"), scratch)
            for callee in replacements:
                saved[callee] = namespace.get(callee)
                namespace[callee] = scratch[callee]
            function = namespace[call["function"]]
            args = [decode(arg, namespace) for arg in call.get("args", [])]
            kwargs = {key: decode(item, namespace) for key, item in call.get("kwargs", {}).items()}
            value = _timed(seconds, function, *args, **kwargs)
            outcome = {"id": call["id"], "value": encode(value), "error": ""}
        except BaseException as error:
            if isinstance(error, _Timeout):
                too_slow.add(call["function"])
            outcome = {"id": call["id"], "value": None, "error": _describe(error)}
        finally:
            for callee, original in saved.items():
                namespace[callee] = original
        answer(outcome)


def main(argv: list[str]) -> int:
    """``probe.py REQUEST RESPONSE``: REQUEST holds ``{"batch": [request, ...]}``; every answer line
    carries the index of its request as ``"submission"``."""
    request_path, response_path = argv
    with open(request_path, encoding="utf-8") as file:
        batch = json.load(file)["batch"]
    with open(response_path, "w", encoding="utf-8") as response:
        for index, request in enumerate(batch):

            def answer(outcome: dict, index: int = index) -> None:
                response.write(json.dumps({"submission": index, **outcome}) + "\n")
                response.flush()

            run(request, answer)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
