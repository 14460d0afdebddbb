"""The style-transfer assignment's pictures: content photographs and painterly style pictures.

::

    data/style_images/content/grace_hopper.png   a portrait photograph (public domain, from matplotlib's samples)
    data/style_images/content/harbour.png        a harbour at dusk, drawn by the course's recipe
    data/style_images/style/swirls.png           swirling brush strokes in blues and yellows, drawn by the recipe
    data/style_images/style/strokes.png          thick oriented strokes in warm autumn colours, drawn by the recipe

Every file is a 256 x 256 RGB PNG made by ``python -m course_tools data --only style_images``;
this module finds them (checked against ``data/MANIFEST.json``) and reads them as the network
wants them::

    from shared_utils.datasets import style_images
    content = style_images.load_image(style_images.content_path(), size=(160, 160))  # (1, 160, 160, 3) in [0, 1]
    style = style_images.load_image(style_images.style_path("swirls"), size=(160, 160))
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from .. import paths

NAME = "style_images"
REBUILD_COMMAND = f"python -m course_tools data --only {NAME}"
STORED_SIZE = (256, 256)  # (height, width) of every stored picture
CONTENT = ("grace_hopper", "harbour")
STYLE = ("swirls", "strokes")
DEFAULT_CONTENT = "grace_hopper"
DEFAULT_STYLE = "swirls"


def _checked(kind: str, name: str, names: tuple[str, ...]) -> str:
    if name not in names:
        raise ValueError(f"Unknown {kind} picture {name!r}: choose one of {list(names)}.")
    relative = f"{NAME}/{kind}/{name}.png"
    path = paths.data_dir() / relative
    try:
        return str(paths.asset(relative))
    except paths.AssetError:
        problem = "Missing picture" if not path.is_file() else "Picture does not match data/MANIFEST.json"
        raise paths.AssetError(
            f"{problem}: {path}\nRebuild the style-transfer pictures from the repository root with:  {REBUILD_COMMAND}"
        ) from None


def content_path(name: str = DEFAULT_CONTENT) -> str:
    """The path of a content picture (one of ``CONTENT``), checked against the manifest."""
    return _checked("content", name, CONTENT)


def style_path(name: str = DEFAULT_STYLE) -> str:
    """The path of a style picture (one of ``STYLE``), checked against the manifest."""
    return _checked("style", name, STYLE)


def _crop_to_aspect(image: Image.Image, height: int, width: int) -> Image.Image:
    """The largest centred part of ``image`` with the aspect ratio ``width : height``."""
    w, h = image.size
    target = width / height
    if abs(w / h - target) < 1e-6:
        return image
    if w / h > target:  # too wide: cut the sides
        new_w = max(1, round(h * target))
        left = (w - new_w) // 2
        return image.crop((left, 0, left + new_w, h))
    new_h = max(1, round(w / target))
    top = (h - new_h) // 2
    return image.crop((0, top, w, top + new_h))


def load_image(path, size: tuple[int, int] = STORED_SIZE) -> np.ndarray:
    """A picture as a float32 batch of one, shape (1, H, W, 3), values in [0, 1].

    Arguments:
    path -- a path from ``content_path`` / ``style_path`` (or any picture file of your own)
    size -- (H, W); the picture's centre is cropped to this aspect ratio, then resized

    Returns:
    image -- float32 numpy array of shape (1, H, W, 3) in [0, 1]
    """
    height, width = (int(n) for n in size)
    path = Path(path)
    if not path.is_file():
        raise paths.AssetError(f"Missing picture: {path}\nRebuild the course's pictures with:  {REBUILD_COMMAND}")
    with Image.open(path) as opened:
        image = _crop_to_aspect(opened.convert("RGB"), height, width)
        if image.size != (width, height):
            image = image.resize((width, height), Image.Resampling.LANCZOS)
        pixels = np.asarray(image, dtype=np.float32) / 255.0
    return pixels[None]


__all__ = [
    "CONTENT",
    "DEFAULT_CONTENT",
    "DEFAULT_STYLE",
    "NAME",
    "REBUILD_COMMAND",
    "STORED_SIZE",
    "STYLE",
    "content_path",
    "load_image",
    "style_path",
]
