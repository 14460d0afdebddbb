"""The provided helpers of the YOLO notebook: reading the model's files, decoding its output, drawing.

A YOLO network looks at the picture once and answers with one tensor of shape
``(m, grid_h, grid_w, A * (5 + C))``: for every cell of a grid laid over the picture and every
one of ``A`` anchor boxes, five numbers for a box (``t_x, t_y, t_w, t_h`` and an objectness
``t_o``) and ``C`` class scores.  These helpers turn those raw numbers into boxes and
probabilities (``yolo_head``), change the boxes' format (``yolo_boxes_to_corners``,
``scale_boxes``), prepare a picture for the network (``preprocess_image``) and draw the result
(``draw_boxes``).  Choosing which boxes to keep is the notebook's own work.

Box conventions, as in the course: centres and sizes are ``(x, y)`` and ``(w, h)``; corners are
``(y_min, x_min, y_max, x_max)``; before ``scale_boxes`` everything is a fraction of the picture.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from . import runtime

tf = runtime.load_tensorflow()


def read_classes(path: str | Path) -> list[str]:
    """The class names, one per line: line ``k`` names class ``k`` of the network's output."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def read_anchors(path: str | Path) -> np.ndarray:
    """The anchor boxes as an ``(A, 2)`` float32 array of ``(width, height)`` in grid cells.

    The file holds ``w1, h1, w2, h2, ...`` separated by commas, spaces or new lines.
    """
    numbers = [float(value) for value in re.split(r"[,\s]+", Path(path).read_text(encoding="utf-8")) if value]
    if not numbers or len(numbers) % 2:
        raise ValueError(f"{path}: expected pairs of numbers (width, height), got {len(numbers)} numbers")
    return np.asarray(numbers, dtype=np.float32).reshape(-1, 2)


def yolo_head(feats, anchors, num_classes: int):
    """Turn the network's raw output into boxes, objectness and class probabilities.

    Arguments:
    feats -- raw output of shape (m, grid_h, grid_w, A * (5 + num_classes))
    anchors -- (A, 2) anchor widths and heights, in grid cells
    num_classes -- C, the number of classes

    Returns:
    box_xy -- (m, grid_h, grid_w, A, 2): box centres (x, y) as fractions of the picture;
              the sigmoid keeps each centre inside its own cell: (sigmoid(t_xy) + cell) / grid
    box_wh -- (m, grid_h, grid_w, A, 2): box sizes (w, h) as fractions of the picture;
              each anchor is stretched by exp(t_wh): anchor * exp(t_wh) / grid
    box_confidence -- (m, grid_h, grid_w, A, 1): sigmoid(t_o), how likely the box holds an object
    box_class_probs -- (m, grid_h, grid_w, A, C): softmax of the class scores
    """
    feats = tf.convert_to_tensor(feats, dtype=tf.float32)
    anchors = tf.reshape(tf.convert_to_tensor(anchors, dtype=tf.float32), [1, 1, 1, -1, 2])
    num_anchors = anchors.shape[3]
    grid_h, grid_w = tf.shape(feats)[1], tf.shape(feats)[2]
    feats = tf.reshape(feats, [-1, grid_h, grid_w, num_anchors, 5 + num_classes])

    # The (x, y) index of every cell, shaped to broadcast against the boxes.
    cell_x, cell_y = tf.meshgrid(tf.range(grid_w), tf.range(grid_h))
    cell = tf.cast(tf.stack([cell_x, cell_y], axis=-1), tf.float32)[None, :, :, None, :]
    grid = tf.cast(tf.stack([grid_w, grid_h]), tf.float32)  # (x, y) order, like the boxes

    box_xy = (tf.sigmoid(feats[..., 0:2]) + cell) / grid
    box_wh = anchors * tf.exp(feats[..., 2:4]) / grid
    box_confidence = tf.sigmoid(feats[..., 4:5])
    box_class_probs = tf.nn.softmax(feats[..., 5:], axis=-1)
    return box_xy, box_wh, box_confidence, box_class_probs


def yolo_boxes_to_corners(box_xy, box_wh):
    """Centres and sizes (x, y), (w, h) -> corners (y_min, x_min, y_max, x_max), the order
    TensorFlow's box functions (``tf.image.non_max_suppression``) expect."""
    box_xy = tf.convert_to_tensor(box_xy, dtype=tf.float32)
    box_wh = tf.convert_to_tensor(box_wh, dtype=tf.float32)
    box_mins = box_xy - box_wh / 2.0
    box_maxes = box_xy + box_wh / 2.0
    return tf.concat([box_mins[..., 1:2], box_mins[..., 0:1], box_maxes[..., 1:2], box_maxes[..., 0:1]], axis=-1)


def scale_boxes(boxes, image_shape: Sequence[int]):
    """Corners as fractions of the picture -> pixels of a picture of ``image_shape = (height, width)``,
    so the boxes can be drawn on the original picture whatever size the network saw."""
    boxes = tf.convert_to_tensor(boxes, dtype=tf.float32)
    height, width = float(image_shape[0]), float(image_shape[1])
    return boxes * tf.constant([height, width, height, width], dtype=tf.float32)


def preprocess_image(image: str | Path | np.ndarray | Image.Image, model_image_size: Sequence[int]):
    """Read a picture and make the network's input from it.

    Arguments:
    image -- a file path, an (H, W, 3) uint8 array or a PIL image
    model_image_size -- (height, width) the network expects

    Returns:
    (image, image_data) -- the original picture as an RGB PIL image (to draw on), and a
    (1, height, width, 3) float32 batch in [0, 1], resized with bicubic interpolation
    """
    if isinstance(image, (str, Path)):
        with Image.open(image) as opened:
            picture = opened.convert("RGB")
    elif isinstance(image, Image.Image):
        picture = image.convert("RGB")
    else:
        picture = Image.fromarray(np.asarray(image, dtype=np.uint8)).convert("RGB")
    height, width = int(model_image_size[0]), int(model_image_size[1])
    resized = picture.resize((width, height), Image.BICUBIC)
    image_data = np.asarray(resized, dtype=np.float32)[None] / 255.0
    return picture, image_data


def class_colours(num_classes: int) -> list[tuple[int, int, int]]:
    """One bright, distinct colour per class (the same colours on every run)."""
    hues = [(k * 0.61803) % 1.0 for k in range(num_classes)]  # golden-ratio steps spread the hues
    return [tuple(round(255 * c) for c in colorsys.hsv_to_rgb(h, 0.85, 0.95)) for h in hues]


def draw_boxes(
    image: Image.Image | np.ndarray,
    boxes,
    box_classes,
    class_names: Sequence[str],
    scores=None,
) -> Image.Image:
    """Draw labelled boxes on a copy of ``image`` and return it.

    Arguments:
    image -- the picture, a PIL image or an (H, W, 3) uint8 array
    boxes -- (n, 4) corners (y_min, x_min, y_max, x_max) in pixels of this picture (see scale_boxes)
    box_classes -- (n,) class indices
    class_names -- the names of the classes
    scores -- optional (n,) scores, written after the class name

    Returns:
    a new RGB PIL image of the same size, with a box and a label per detection
    """
    canvas = image.convert("RGB") if isinstance(image, Image.Image) else Image.fromarray(np.asarray(image, np.uint8))
    canvas = canvas.copy()
    boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)
    box_classes = np.asarray(box_classes).reshape(-1).astype(int)
    scores = None if scores is None else np.asarray(scores, dtype=np.float32).reshape(-1)
    colours = class_colours(len(class_names))
    from PIL import ImageDraw, ImageFont  # only here: importing the helpers loads no drawing code

    font = ImageFont.load_default(size=max(9, round(canvas.height / 20)))
    line = max(1, round(min(canvas.size) / 160))
    draw = ImageDraw.Draw(canvas)
    for i, (y_min, x_min, y_max, x_max) in enumerate(boxes):
        colour = colours[box_classes[i] % len(colours)]
        x0, y0 = max(0.0, float(x_min)), max(0.0, float(y_min))
        x1, y1 = min(canvas.width - 1.0, float(x_max)), min(canvas.height - 1.0, float(y_max))
        draw.rectangle([x0, y0, x1, y1], outline=colour, width=line)
        label = class_names[box_classes[i]] + ("" if scores is None else f" {scores[i]:.2f}")
        left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
        text_w, text_h = right - left, bottom - top
        # The label sits above the box, or inside it when the box touches the top edge.
        ty = y0 - text_h - 2 if y0 - text_h - 2 >= 0 else y0
        tx = min(x0, max(0.0, canvas.width - text_w - 2))
        draw.rectangle([tx, ty, tx + text_w + 2, ty + text_h + 2], fill=colour)
        dark_text = sum(c * w for c, w in zip(colour, (0.299, 0.587, 0.114))) > 140
        draw.text((tx + 1 - left, ty + 1 - top), label, fill=(0, 0, 0) if dark_text else (255, 255, 255), font=font)
    return canvas


__all__ = [
    "class_colours",
    "draw_boxes",
    "preprocess_image",
    "read_anchors",
    "read_classes",
    "scale_boxes",
    "yolo_boxes_to_corners",
    "yolo_head",
]
