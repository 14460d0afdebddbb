"""Trusted checks of W4A1: the triplet loss on other encodings, and verify / who_is_it with the
course's network on camera pictures, other databases and other values of THRESHOLD."""

from __future__ import annotations

import numpy as np

from .spec import Call, Check, Tensor

SETUP_CELLS = ("img_to_encoding_provided",)

# The notebook's model, database and names, and cases whose THRESHOLD is set a margin away from the
# distance that decides them (so that rounding never does).
PRELUDE = """
model = face_embedding.load_model()
UNKNOWN = faces.UNKNOWN
_camera = [path for path, _ in faces.camera_pictures()]
database = {name: img_to_encoding(path, model) for name, path in faces.database_paths().items()}


def _distance(path, name):
    return float(np.linalg.norm(img_to_encoding(path, model) - database[name]))


def _with_types(result):
    # The visible tests ask for a Python float and a bool or str: the names of the types come back too.
    first, second = result
    kind = "float" if isinstance(first, float) and not hasattr(first, "numpy") else type(first).__name__
    return first, second, kind, type(second).__name__


def _verify_case(index, name, margin, people=None):
    global THRESHOLD
    THRESHOLD = _distance(_camera[index], name) + margin
    entries = {n: database[n] for n in (people or database)}
    with contextlib.redirect_stdout(io.StringIO()):
        return _with_types(verify(_camera[index], name, entries, model))


def _who_case(index, margin, people=None):
    global THRESHOLD
    entries = {n: database[n] for n in (people or database)}
    THRESHOLD = min(_distance(_camera[index], n) for n in entries) + margin
    with contextlib.redirect_stdout(io.StringIO()):
        return _with_types(who_is_it(_camera[index], entries, model))
"""


def _triplet(seed: int, m: int, size: int, spread: float, near: float = 0.0) -> tuple[None, list[Tensor]]:
    """Unit encodings: positives ``spread`` from their anchors; negatives random, or (every other
    row) ``near`` from the anchors too, so that the margin and the clamp decide some rows."""
    rng = np.random.default_rng(seed)
    anchor = rng.normal(0.0, 1.0, (m, size))
    positive = anchor + rng.normal(0.0, spread, (m, size))
    negative = rng.normal(0.0, 1.0, (m, size))
    if near:
        negative[::2] = anchor[::2] + rng.normal(0.0, near, (len(anchor[::2]), size))
    unit = [x / np.linalg.norm(x, axis=1, keepdims=True) for x in (anchor, positive, negative)]
    return None, [Tensor(x) for x in unit]


def _camera_labels() -> list[str]:
    from shared_utils.datasets import faces

    return [who for _, who in faces.camera_pictures()]


def checks() -> list[Check]:
    from shared_utils.datasets import faces

    labels = _camera_labels()
    names = sorted(faces.database_paths())
    known = [i for i, who in enumerate(labels) if who != faces.UNKNOWN]
    strangers = [i for i, who in enumerate(labels) if who == faces.UNKNOWN]
    verify_calls = []
    for k, index in enumerate(known[:4]):
        other = names[(names.index(labels[index]) + 3 + k) % len(names)]
        verify_calls += [
            Call("_verify_case", (index, labels[index], 0.05)),
            Call("_verify_case", (index, labels[index], -0.05)),
            Call("_verify_case", (index, other, 0.1)),
            Call("_verify_case", (index, other, -0.1), {"people": [other, labels[index]]}),
        ]
    verify_calls += [
        Call("_verify_case", (index, names[0], margin)) for index in strangers[:2] for margin in (-0.05, 0.05)
    ]
    who_calls = []
    for k, index in enumerate(known[4:8] + strangers[2:4]):
        rotated = names[k:] + names[:k]
        who_calls += [
            Call("_who_case", (index, 0.05)),
            Call("_who_case", (index, -0.05)),
            Call("_who_case", (index, 0.05), {"people": rotated[:5]}),
        ]
        if labels[index] in names:  # the right person last in the database
            who_calls.append(
                Call(
                    "_who_case",
                    (index, 0.05),
                    {"people": [n for n in rotated if n != labels[index]][:3] + [labels[index]]},
                )
            )
    return [
        Check(
            "test_triplet_loss",
            [
                Call("triplet_loss", _triplet(1, 5, 128, 0.3)),
                Call("triplet_loss", _triplet(2, 1, 128, 1.5)),
                Call("triplet_loss", _triplet(3, 16, 128, 0.8), {"alpha": 0.5}),
                Call("triplet_loss", _triplet(4, 7, 32, 0.6), {"alpha": 0.1}),
                Call("triplet_loss", _triplet(5, 3, 128, 0.05), {"alpha": 0.0}),
                Call("triplet_loss", _triplet(6, 8, 128, 0.5, near=0.55)),
                Call("triplet_loss", _triplet(7, 6, 64, 1.2, near=0.4), {"alpha": 0.3}),
            ],
        ),
        Check("test_verify", verify_calls, atol=1e-4),
        Check("test_who_is_it", who_calls, atol=1e-4),
    ]
