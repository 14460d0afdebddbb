"""The driving scenes of the U-Net assignment: file lists and class names, checked against the manifest.

Each scene is a pair of PNG files with the same name::

    data/driving_seg/train/images/00000.png   the dash-cam picture, 128 x 96 RGB
    data/driving_seg/train/masks/00000.png    one byte per pixel: the index of its class (0 to 9)

1000 scenes for training and 120 held-out test scenes; ``classes.txt`` names the classes in index
order. The pictures are drawn by the course's recipe (``python -m course_tools data --only
driving_seg``); this module only finds them. Reading them is the notebook's job (a ``tf.data``
pipeline), so nothing here imports TensorFlow::

    from shared_utils.datasets import segmentation
    image_paths, mask_paths = segmentation.image_and_mask_paths("train")
    names = segmentation.class_names()     # ["sky", "road", ...]
"""

from __future__ import annotations

from .. import paths

NAME = "driving_seg"
CLASSES_FILE = f"{NAME}/classes.txt"
SPLITS = {"train": 1000, "test": 120}  # scenes per split
IMAGE_SIZE = (96, 128)  # (height, width) of every picture and mask
CLASSES = [
    "sky",
    "road",
    "lane_marking",
    "sidewalk",
    "building",
    "vegetation",
    "pole",
    "vehicle",
    "pedestrian",
    "traffic_light",
]
# One colour per class, in class order, to draw masks: close to what each class looks like.
CLASS_COLOURS = [
    (135, 190, 235),  # sky: light blue
    (70, 70, 78),  # road: dark grey
    (250, 240, 120),  # lane_marking: pale yellow
    (215, 150, 200),  # sidewalk: pink
    (160, 105, 75),  # building: brown
    (70, 160, 60),  # vegetation: green
    (150, 150, 160),  # pole: light grey
    (20, 60, 220),  # vehicle: blue
    (230, 30, 50),  # pedestrian: red
    (255, 150, 0),  # traffic_light: orange
]


def scene_files(split: str) -> list[str]:
    """The scene file names of ``split`` (``"train"`` or ``"test"``) in order: ``00000.png``, ...

    Raises:
        ValueError: ``split`` is not one of the dataset's splits.
    """
    if split not in SPLITS:
        raise ValueError(f"Unknown split {split!r}: choose one of {sorted(SPLITS)}.")
    return [f"{i:05d}.png" for i in range(SPLITS[split])]


def image_and_mask_paths(split: str) -> tuple[list[str], list[str]]:
    """The paths of the pictures and of their masks, in the same (sorted) order.

    Every file is checked against ``data/MANIFEST.json`` first (``paths.asset``), so a missing or
    damaged file stops here with the command that rebuilds it, not deep inside ``tf.data``.

    Arguments:
    split -- "train" (1000 scenes) or "test" (120 held-out scenes)

    Returns:
    image_paths -- list of strings, ``.../driving_seg/<split>/images/NNNNN.png``
    mask_paths -- list of strings, ``.../driving_seg/<split>/masks/NNNNN.png``; mask_paths[i] labels image_paths[i]

    Raises:
        ValueError: ``split`` is unknown.
        AssetError: a file is missing or differs from the manifest.
    """
    names = scene_files(split)
    images = [str(paths.asset(f"{NAME}/{split}/images/{name}")) for name in names]
    masks = [str(paths.asset(f"{NAME}/{split}/masks/{name}")) for name in names]
    return images, masks


def class_names() -> list[str]:
    """The class of each mask value, read from ``classes.txt``: ``names[k]`` is the class of pixels equal to k."""
    lines = paths.asset(CLASSES_FILE).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


__all__ = [
    "CLASSES",
    "CLASS_COLOURS",
    "IMAGE_SIZE",
    "NAME",
    "SPLITS",
    "class_names",
    "image_and_mask_paths",
    "scene_files",
]
