"""The "signs" dataset: a hand showing 0 to 5 extended fingers (label = how many).

A hand is a rounded palm, a wrist, four fingers and a thumb drawn as capsules.  An extended
finger sticks out of the palm; a folded one shows only as a short knuckle bump (a folded thumb
lies across the palm).  Hands count the usual way: index first, then middle, ring and little
finger, and the thumb makes five.  Pose, size, left or right hand, finger shapes and spread,
skin, background, clutter and lighting vary independently of the label.

The course's small ConvNet (8 then 16 filters, 8×8 then 4×4 max pooling) sees the picture only
through a coarse 2×2 grid of pooled features, so a few choices keep counting learnable for it:
backgrounds are cool colours that never look like skin, the hand fills the frame, and the hand
turns about a point among the fingers (as a camera that keeps the fingers in view would), so
fingertips move less than the wrist.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import drawing as dr
from .storage import write_split

NAME = "signs"
CLASSES = [str(k) for k in range(6)]
SPLITS = {"train": (1080, 2001), "test": (120, 2002)}  # split: (number of images, seed)
SIZE = 64  # side of the pictures, in pixels
THUMB, INDEX, MIDDLE, RING, PINKY = range(5)
RAISED = {  # count -> the fingers raised to show it
    0: (),
    1: (INDEX,),
    2: (INDEX, MIDDLE),
    3: (INDEX, MIDDLE, RING),
    4: (INDEX, MIDDLE, RING, PINKY),
    5: (THUMB, INDEX, MIDDLE, RING, PINKY),
}
_LENGTHS = np.array([0.95, 1.05, 0.97, 0.78])  # index .. pinky, relative to the palm height
_WIDTHS = np.array([1.0, 1.05, 1.0, 0.88])
_SCALE = (1.0, 1.2)  # hand size, relative to a palm 25 pixels wide
_PALM_Y = 0.66  # height of the palm's centre, as a share of the picture's height
_PIVOT = -0.8  # the hand turns about this point (0 = knuckles, 1 = wrist, < 0 among the fingers)
_TILT_SD = 10.0  # degrees: most hands lean a little, a few a lot ...
_MAX_TILT = 30.0  # ... but never more than this
_MAX_SHIFT = 3.0  # pixels of the drawing canvas (twice the final size)
_SPREAD = (8.0, 16.0)  # degrees between neighbouring fingers
_CLUTTER = 1.0  # the share of backgrounds with clutter (the ConvNet ignores it, pixel models do not)
_CLUTTER_COUNT = (3, 12)  # how many shapes: at least, and fewer than
_FINGER_LENGTH = (0.85, 1.15)  # relative to the palm's height
_CONTRAST = 110.0  # least RGB distance between the skin and any background colour
_MAX_WARMTH = -10.0  # backgrounds are cool colours (red below blue), never skin-like


def generate(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` hands: images (n, 64, 64, 3) uint8 and labels (n,) int64, a function of ``seed``."""
    rng = np.random.default_rng(seed)
    labels = dr.balanced_labels(rng, n, len(CLASSES))
    if n == 0:
        return np.zeros((0, SIZE, SIZE, 3), np.uint8), labels
    images = np.stack([draw_hand(rng, set(RAISED[int(k)])) for k in labels])
    return images, labels


def build(out_dir: Path) -> list[Path]:
    """Write ``<out_dir>/signs/{train,test}_signs.h5`` and return their paths."""
    written = []
    for split, (n, seed) in SPLITS.items():
        x, y = generate(n, seed)
        path = Path(out_dir) / NAME / f"{split}_{NAME}.h5"
        written.append(write_split(path, split, x, y, CLASSES))
    return written


def draw_hand(rng: np.random.Generator, raised: set[int]) -> np.ndarray:
    """One hand with the fingers in ``raised`` extended, as a (64, 64, 3) uint8 array."""
    skin = dr.skin_tone(rng)
    scene = dr.Scene(SIZE)
    scene.backdrop = dr.background(rng, scene.canvas, avoid=skin, min_distance=_CONTRAST, max_warmth=_MAX_WARMTH)
    if rng.random() < _CLUTTER:
        count = int(rng.integers(*_CLUTTER_COUNT))
        dr.add_clutter(scene.backdrop, rng, count, avoid=skin, min_distance=_CONTRAST, max_warmth=_MAX_WARMTH)

    layer = scene.layer()
    draw = layer.draw
    rim = dr.shade(skin, rng.uniform(0.6, 0.8))
    edge = rng.uniform(1.0, 2.0)
    side = 1 if rng.random() < 0.5 else -1  # the thumb's side: left or right hand
    scale = rng.uniform(*_SCALE)
    width, height = 50 * scale * rng.uniform(0.9, 1.1), 44 * scale * rng.uniform(0.9, 1.1)
    length = height * rng.uniform(*_FINGER_LENGTH)
    # The hand fills the picture: the palm sits low, the raised fingers reach up to the top edge.
    canvas = scene.canvas[1]
    cx, top = layer.margin + scene.canvas[0] / 2, layer.margin + canvas * _PALM_Y - height / 2

    _arm(draw, rng, cx, top + height, width, skin, rim, edge, canvas)
    fingers = _finger_geometry(rng, cx, top, width, length, side)
    thumb_base = (cx + side * width * 0.42, top + height * 0.62)
    thumb_width = width * rng.uniform(0.2, 0.25)
    if THUMB in raised:
        angle = np.radians(side * rng.uniform(35, 70))
        reach = length * rng.uniform(0.6, 0.8)
        tip = (thumb_base[0] + reach * np.sin(angle), thumb_base[1] - reach * np.cos(angle))
        dr.outlined_capsule(draw, thumb_base, tip, thumb_width, skin, rim, edge)
    for finger, (base, tip, finger_width) in enumerate(fingers, start=INDEX):
        if finger in raised:
            dr.outlined_capsule(draw, base, tip, finger_width, skin, rim, edge)

    palm = [cx - width / 2, top, cx + width / 2, top + height]
    draw.rounded_rectangle(palm, radius=width * rng.uniform(0.2, 0.35), fill=rim)
    inner = [palm[0] + edge, palm[1] + edge, palm[2] - edge, palm[3] - edge]
    draw.rounded_rectangle(inner, radius=width * 0.25, fill=skin)

    for finger, (base, _, finger_width) in enumerate(fingers, start=INDEX):
        if finger not in raised:  # a knuckle bump just above the palm
            bump = (base[0], top - finger_width * rng.uniform(0.05, 0.3))
            dr.outlined_capsule(draw, base, bump, finger_width, skin, rim, edge)
    if THUMB not in raised:  # the folded thumb lies across the palm
        rest = (cx + side * width * rng.uniform(-0.05, 0.15), top + height * rng.uniform(0.3, 0.5))
        dr.outlined_capsule(draw, thumb_base, rest, thumb_width, skin, rim, edge)

    angle = float(np.clip(rng.normal(0, _TILT_SD), -_MAX_TILT, _MAX_TILT))
    shift = tuple(rng.uniform(-_MAX_SHIFT, _MAX_SHIFT, size=2))
    scene.add_layer(layer, angle, shift, centre=(cx, top + height * _PIVOT))
    return scene.finish(rng, noise=(1, 4))


def _finger_geometry(rng, cx, top, width, length, side) -> list[tuple]:
    """Base, tip and width of the index, middle, ring and little fingers."""
    spread = rng.uniform(*_SPREAD)
    gap = rng.uniform(0.9, 1.05)
    fingers = []
    for i in range(4):
        finger_width = width * rng.uniform(0.17, 0.22) * _WIDTHS[i]
        x = cx + side * width * (0.375 - 0.25 * i) * gap
        base = (x, top + finger_width * 0.6)
        angle = np.radians(side * (1.5 - i) * spread + rng.uniform(-3, 3))
        reach = length * _LENGTHS[i] * rng.uniform(0.93, 1.07)
        tip = (x + reach * np.sin(angle), base[1] - reach * np.cos(angle))
        fingers.append((base, tip, finger_width))
    return fingers


def _arm(draw, rng, cx, palm_bottom, width, skin, rim, edge, reach) -> None:
    """The wrist running ``reach`` pixels down, out of the picture, sometimes in a sleeve."""
    wrist = width * rng.uniform(0.65, 0.8)
    start, end = (cx, palm_bottom - 5), (cx, palm_bottom + reach)
    dr.outlined_capsule(draw, start, end, wrist, skin, rim, edge)
    if rng.random() < 0.5:
        sleeve_top = palm_bottom + rng.uniform(8, 25)
        colour = dr.random_colour(rng, avoid=skin, min_distance=_CONTRAST, max_warmth=_MAX_WARMTH)
        draw.rectangle([cx - wrist * 0.7, sleeve_top, cx + wrist * 0.7, end[1]], fill=colour)
