"""The face-recognition assignment's pictures: file lists and labels, checked against the manifest.

Every picture is a 96 x 96 RGB PNG of a cartoon person::

    data/faces/heldout/h0000/0.png ...   people the face embedding never saw in training, several
                                         pictures each (one folder per person): to measure verification
    data/faces/database/ana.png ...      one reference picture of each person the door knows
    data/faces/camera/camera_00.png ...  what the door's camera saw; camera/labels.csv tells who
                                         (a database name, or "unknown" for a stranger)

The pictures are drawn by the course's recipe (``python -m course_tools data --only faces``); the
people the embedding was trained on are not stored (its recipe draws them when it trains).  This
module only finds them, and checks each file against ``data/MANIFEST.json`` (``paths.asset``) so
that a missing or damaged file stops here with the command that rebuilds it::

    from shared_utils.datasets import faces
    faces.database_paths()["ana"]          # ".../faces/database/ana.png"
    faces.camera_pictures()[0]             # (".../faces/camera/camera_00.png", "kira")
    paths, ids = faces.pictures("heldout")
"""

from __future__ import annotations

import csv
from pathlib import PurePosixPath

import numpy as np
from PIL import Image

from .. import paths

NAME = "faces"
SPLITS = ("heldout",)  # the stored splits (the training people are not stored)
IMAGE_SIZE = (96, 96)  # (height, width)
UNKNOWN = "unknown"  # the camera label of someone not in the database
LABELS_FILE = f"{NAME}/camera/labels.csv"


def _listed(folder: str) -> list[str]:
    """Manifest entries under ``faces/<folder>/`` (sorted), or an AssetError when there are none."""
    prefix = f"{NAME}/{folder}/"
    found = sorted(key for key in paths.manifest() if key.startswith(prefix) and key.endswith(".png"))
    if not found:
        raise paths.AssetError(
            f"No pictures under {paths.data_dir() / NAME / folder} in data/MANIFEST.json.\n"
            f"Build them from the repository root with:  {paths.rebuild_hint(prefix)}"
        )
    return found


def _check_split(split: str) -> None:
    if split not in SPLITS:
        raise ValueError(f"Unknown split {split!r}: choose one of {list(SPLITS)}.")


def _order(relative: str) -> tuple[str, int]:
    """Sort key: the person's folder, then the picture's number (so 10.png comes after 9.png)."""
    path = PurePosixPath(relative)
    return path.parent.name, int(path.stem) if path.stem.isdigit() else 0


def pictures(split: str) -> tuple[list[str], list[str]]:
    """Every picture of ``split`` with the identity it shows, person by person.

    Arguments:
    split -- "heldout" (people the face embedding never saw in training)

    Returns:
    image_paths -- list of strings, ``.../faces/<split>/<identity>/<k>.png``
    identities -- list of strings of the same length: identities[i] is who image_paths[i] shows

    Raises:
        ValueError: ``split`` is unknown.
        AssetError: a file is missing or differs from the manifest.
    """
    _check_split(split)
    listed = sorted(_listed(split), key=_order)
    image_paths = [str(paths.asset(relative)) for relative in listed]
    return image_paths, [PurePosixPath(relative).parent.name for relative in listed]


def identities(split: str) -> list[str]:
    """The identities (folder names) of ``split``, sorted: ``["h0000", "h0001", ...]``."""
    _check_split(split)
    return sorted({PurePosixPath(relative).parent.name for relative in _listed(split)})


def identity_paths(split: str, identity: str) -> list[str]:
    """The pictures of one person of ``split``, in order (checked against the manifest)."""
    _check_split(split)
    prefix = f"{NAME}/{split}/{identity}/"
    listed = sorted((key for key in _listed(split) if key.startswith(prefix)), key=_order)
    if not listed:
        raise ValueError(f"No person {identity!r} in the {split} split.")
    return [str(paths.asset(relative)) for relative in listed]


def database_paths() -> dict[str, str]:
    """The reference picture of each person in the door's database: ``{name: path}``, sorted by name."""
    return {PurePosixPath(relative).stem: str(paths.asset(relative)) for relative in _listed("database")}


def camera_pictures() -> list[tuple[str, str]]:
    """The camera's pictures in file order, each with who it shows: ``[(path, identity), ...]``.

    ``identity`` is a name of ``database_paths()`` or ``UNKNOWN``.
    """
    rows = list(csv.DictReader(paths.asset(LABELS_FILE).read_text(encoding="utf-8").splitlines()))
    return [(str(paths.asset(f"{NAME}/camera/{row['file']}")), row["identity"]) for row in rows]


def load_image(path: str) -> np.ndarray:
    """A picture as a (96, 96, 3) uint8 array (the files are palette PNGs: this returns RGB)."""
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def load_images(image_paths: list[str]) -> np.ndarray:
    """Several pictures as one (m, 96, 96, 3) uint8 array, in the order given."""
    if not image_paths:
        return np.zeros((0, *IMAGE_SIZE, 3), np.uint8)
    return np.stack([load_image(path) for path in image_paths])


__all__ = [
    "IMAGE_SIZE",
    "LABELS_FILE",
    "NAME",
    "SPLITS",
    "UNKNOWN",
    "camera_pictures",
    "database_paths",
    "identities",
    "identity_paths",
    "load_image",
    "load_images",
    "pictures",
]
