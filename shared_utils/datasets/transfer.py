"""Loaders of the two transfer-learning datasets: the *source* the course's MobileNetV2 was
pretrained on, and the small owl / not-owl *target* the students transfer it to.

The pictures are drawn by the course's recipes (``python -m course_tools data``); see
``data/README.md`` for what they show.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import paths
from .h5io import read_split

SOURCE_NAME = "transfer_source"
SOURCE_CLASSES = [
    "bat",
    "bird",
    "butterfly",
    "cat",
    "chick",
    "fish",
    "flower",
    "frog",
    "ladybug",
    "penguin",
    "snail",
    "spider",
]
SOURCE_SPLITS = {"train": (3000, 3001), "val": (420, 3002)}  # split: (number of images, seed)

TARGET_NAME = "owls"
TARGET_CLASSES = ["not_owl", "owl"]  # folder names; image_dataset_from_directory sorts them: owl = 1
TARGET_COUNTS = {"not_owl": (200, 3101), "owl": (200, 3102)}  # class: (number of images, seed)
TARGET_KINDS_FILE = f"{TARGET_NAME}/kinds.csv"  # what each target picture shows (written by the build)

_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif"}  # what image_dataset_from_directory reads


def target_files() -> list[str]:
    """Relative paths (under the data folder) of every target image, in a fixed order."""
    return [f"{TARGET_NAME}/{label}/{label}_{i:03d}.png" for label, (n, _) in TARGET_COUNTS.items() for i in range(n)]


def target_directory() -> Path:
    """The folder ``data/owls`` for ``image_dataset_from_directory``, after checking every image.

    Raises:
        AssetError: an image is missing, differs from data/MANIFEST.json, or an unexpected image
            (one that image_dataset_from_directory would load) sits among them; the message names
            the file and the command that rebuilds it.
    """
    expected = target_files()
    for relative in expected:
        paths.asset(relative)
    root = paths.data_dir() / TARGET_NAME
    known = set(expected)
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(paths.data_dir()).as_posix()
        if path.is_file() and path.suffix.lower() in _IMAGE_SUFFIXES and relative not in known:
            raise paths.AssetError(
                f"Unexpected file among the target images: {path}\n"
                f"Remove it, or rebuild the folder from the repository root with:  {paths.rebuild_hint(relative)}"
            )
    return root


def target_kinds() -> dict[str, str]:
    """What each target picture shows, by file name: ``{"not_owl_000.png": "fox", ..., "owl_000.png": "owl"}``.

    A not-owl's kind is either one of ``SOURCE_CLASSES`` (a kind the pretrained base was trained on) or
    one it never saw.
    """
    lines = paths.asset(TARGET_KINDS_FILE).read_text(encoding="utf-8").splitlines()
    return dict(line.split(",") for line in lines[1:])


def load_source() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """``(x_train, y_train, x_val, y_val, class_names)`` of the source dataset (uint8 images)."""
    splits = {}
    for split in SOURCE_SPLITS:
        relative = f"{SOURCE_NAME}/{split}_{SOURCE_NAME}.h5"
        splits[split] = read_split(paths.asset(relative), split, relative)
    (x_train, y_train, classes), (x_val, y_val, _) = splits["train"], splits["val"]
    return x_train, y_train, x_val, y_val, classes
