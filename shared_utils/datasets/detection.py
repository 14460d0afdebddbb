"""Loader of week 3's detection dataset ``driving``: dash-cam scenes with boxes around objects.

The scenes are drawn by the course's recipe (``python -m course_tools data --only driving``):
``data/driving/{train,test}/images/NNNNN.png`` (256 x 192 RGB), a ``boxes.csv`` per split
(``image,class,x_min,y_min,x_max,y_max`` in pixels, max excluded) and ``classes.txt``.
Every file is checked against ``data/MANIFEST.json`` before it is read.

The loader hands boxes over as corners ``(y_min, x_min, y_max, x_max)`` in pixels, the order
``yolo_eval`` and ``shared_utils.detection_metrics`` use, so they compare without reordering::

    from shared_utils.datasets.detection import load_driving
    test = load_driving("test")
    test.boxes[0], test.classes[0]   # (k, 4) float32 corners and (k,) class indices of picture 0
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from .. import paths

NAME = "driving"
SPLITS = {"train": 1200, "test": 200}  # split: number of pictures
IMAGE_SIZE = (192, 256)  # (height, width)
CLASSES_FILE = f"{NAME}/classes.txt"


def boxes_file(split: str) -> str:
    return f"{NAME}/{split}/boxes.csv"


def image_file(split: str, index: int) -> str:
    return f"{NAME}/{split}/images/{index:05d}.png"


@dataclass
class DetectionSplit:
    """One split: picture paths, and per picture its true boxes and their classes."""

    split: str
    class_names: list[str]
    image_paths: list[Path]
    boxes: list[np.ndarray]  # per picture: (k, 4) float32 corners (y_min, x_min, y_max, x_max), pixels
    classes: list[np.ndarray]  # per picture: (k,) int64 class indices

    def __len__(self) -> int:
        return len(self.image_paths)

    def image(self, index: int) -> np.ndarray:
        """Picture ``index`` as a (192, 256, 3) uint8 array."""
        with Image.open(self.image_paths[index]) as opened:
            return np.asarray(opened.convert("RGB"))

    def images(self) -> np.ndarray:
        """Every picture, as an (m, 192, 256, 3) uint8 array."""
        return np.stack([self.image(i) for i in range(len(self))])

    def truths(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """``(boxes, classes)`` per picture, as ``detection_metrics.evaluate`` takes them."""
        return list(zip(self.boxes, self.classes))


def load_class_names() -> list[str]:
    """``["car", "truck", "bus", "pedestrian", "traffic_light"]``: line k of classes.txt is class k."""
    text = paths.asset(CLASSES_FILE).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def load_driving(split: str = "train") -> DetectionSplit:
    """The pictures and true boxes of ``split`` ("train": 1200 scenes, "test": 200 scenes).

    Raises:
        AssetError: a file is missing or differs from data/MANIFEST.json, or boxes.csv names an
            unknown class or picture; the message names the file and the command that rebuilds it.
    """
    if split not in SPLITS:
        raise ValueError(f"Unknown split {split!r}: choose one of {', '.join(SPLITS)}")
    class_names = load_class_names()
    index_of = {name: k for k, name in enumerate(class_names)}
    image_paths = [paths.asset(image_file(split, i)) for i in range(SPLITS[split])]
    position = {path.name: i for i, path in enumerate(image_paths)}
    boxes: list[list[list[float]]] = [[] for _ in image_paths]
    classes: list[list[int]] = [[] for _ in image_paths]
    relative = boxes_file(split)
    csv_path = paths.asset(relative)
    with open(csv_path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["image"] not in position or row["class"] not in index_of:
                raise paths.AssetError(
                    f"{csv_path} names an unknown picture or class: {row['image']}, {row['class']}\n"
                    f"Rebuild it from the repository root with:  {paths.rebuild_hint(relative)}"
                )
            i = position[row["image"]]
            x0, y0, x1, y1 = (float(row[key]) for key in ("x_min", "y_min", "x_max", "y_max"))
            boxes[i].append([y0, x0, y1, x1])
            classes[i].append(index_of[row["class"]])
    return DetectionSplit(
        split,
        class_names,
        image_paths,
        [np.asarray(b, dtype=np.float32).reshape(-1, 4) for b in boxes],
        [np.asarray(c, dtype=np.int64) for c in classes],
    )


__all__ = ["DetectionSplit", "load_class_names", "load_driving"]
