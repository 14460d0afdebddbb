"""The course's datasets: loaders used by the notebooks, recipes used to build the files.

The images are drawn by this package's own code (see ``happy.py`` and ``signs.py``) and stored
under ``data/`` by ``make data``.  Notebooks only load them::

    from shared_utils.datasets import load_happy
    data = load_happy()
    data.x_train.shape   # (600, 64, 64, 3), uint8
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import paths
from . import happy, signs, transfer
from .h5io import read_split


class ImageDataset(NamedTuple):
    """Images ``(m, 64, 64, 3)`` uint8, labels ``(m,)`` int64 and the class names."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: list[str]


def _load(name: str) -> ImageDataset:
    splits = {}
    for split in ("train", "test"):
        relative = f"{name}/{split}_{name}.h5"
        splits[split] = read_split(paths.asset(relative), split, relative)
    x_train, y_train, classes = splits["train"]
    x_test, y_test, _ = splits["test"]
    return ImageDataset(x_train, y_train, x_test, y_test, classes)


def load_happy() -> ImageDataset:
    """Faces that smile (1) or not (0): 600 training and 150 test images."""
    return _load(happy.NAME)


def load_signs() -> ImageDataset:
    """Hands showing 0 to 5 fingers (label = the number): 1080 training and 120 test images."""
    return _load(signs.NAME)


# name -> function that writes the dataset's files under a data folder and returns their paths
RECIPES = {
    happy.NAME: happy.build,
    signs.NAME: signs.build,
    transfer.SOURCE_NAME: transfer.build_source,
    transfer.TARGET_NAME: transfer.build_target,
}

__all__ = ["RECIPES", "ImageDataset", "load_happy", "load_signs"]
