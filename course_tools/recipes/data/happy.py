"""The "happy" dataset: cartoon faces that smile (label 1) or do not (label 0).

Only the mouth carries the label.  Everything else — face shape, skin, hair, eyes, glasses,
background, lighting, pose — is drawn independently of it, so a model has to find the mouth and
read its shape.  Not-smiling mouths are straight lines, mild frowns, small open "o" mouths and
open frowns; smiles are curved lines or open "D" shapes, often with teeth.  Smiles and other
mouths share the same range of widths, and as many are open in both classes, so neither size nor
a dark opening gives the answer away: only the direction of the curve does.

Faces are close-ups that lean and move only a little, like passport photos: the course's happy
model is a single convolution layer followed by a dense layer, which reads the mouth at roughly
fixed places.  Mouths are always drawn much darker than the skin, between lips of a lighter or
redder tone, so that a smile is as visible on dark skin as on light skin.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import ImageDraw

from . import drawing as dr
from .storage import write_split

NAME = "happy"
CLASSES = ["not smiling", "smiling"]
SPLITS = {"train": (600, 1001), "test": (150, 1002)}  # split: (number of images, seed)
_HAIR = [(28, 24, 24), (62, 40, 28), (112, 74, 44), (214, 182, 112), (160, 70, 34), (168, 168, 168)]
_HAIR_STYLES = ["none", "short", "fringe", "long", "curly", "bun", "spiky", "hat"]
_EYE_STYLES = ["dot", "round", "oval", "closed"]
_MAX_TILT = 6.0  # degrees
_VIVID = 0.7  # the most saturated background colour (0 to 1)
_CLUTTER = 0.4  # the share of backgrounds with clutter
_LIGHT = 0.6  # how uneven the lighting may be (see drawing.lighting)
_MOUTH_WIDTH = (0.35, 0.55)  # half the mouth's width, relative to half the face's width
_MAX_SHIFT = 3.0  # pixels of the drawing canvas (twice the final size)


def generate(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` faces: images (n, 64, 64, 3) uint8 and labels (n,) int64, a function of ``seed``."""
    rng = np.random.default_rng(seed)
    labels = dr.balanced_labels(rng, n, len(CLASSES))
    images = np.stack([draw_face(rng, bool(label)) for label in labels]) if n else _empty()
    return images, labels


def build(out_dir: Path) -> list[Path]:
    """Write ``<out_dir>/happy/{train,test}_happy.h5`` and return their paths."""
    written = []
    for split, (n, seed) in SPLITS.items():
        x, y = generate(n, seed)
        path = Path(out_dir) / NAME / f"{split}_{NAME}.h5"
        written.append(write_split(path, split, x, y, CLASSES))
    return written


def _empty() -> np.ndarray:
    return np.zeros((0, dr.SIZE, dr.SIZE, 3), np.uint8)


def draw_face(rng: np.random.Generator, smiling: bool) -> np.ndarray:
    """One face on a random backdrop, as a (64, 64, 3) uint8 array."""
    skin = dr.skin_tone(rng)
    backdrop = dr.background(rng, avoid=skin, min_distance=60, vivid=_VIVID)
    if rng.random() < _CLUTTER:
        dr.add_clutter(backdrop, rng, int(rng.integers(1, 7)), avoid=skin, min_distance=60)

    layer = dr.transparent_layer()
    draw = ImageDraw.Draw(layer)
    cx = dr.MARGIN + dr.CANVAS / 2 + rng.uniform(-3, 3)
    cy = dr.MARGIN + dr.CANVAS * 0.5 + rng.uniform(-3, 3)
    rx = rng.uniform(34, 41)
    ry = rx * rng.uniform(1.08, 1.22)
    hair = _hair_colour(rng)
    style = _HAIR_STYLES[rng.integers(len(_HAIR_STYLES))]

    _body(draw, rng, cx, cy, rx, ry, skin)
    _hair_behind(draw, rng, style, hair, cx, cy, rx, ry)
    _head(draw, rng, cx, cy, rx, ry, skin)
    _hair_on_top(draw, rng, style, hair, cx, cy, rx, ry)
    eye_y = cy - ry * rng.uniform(0.0, 0.22)
    eye_dx = rx * rng.uniform(0.32, 0.48)
    eye_r = rng.uniform(2.5, 5.5)
    _eyes(draw, rng, cx, eye_y, eye_dx, eye_r)
    if rng.random() < 0.6:
        _eyebrows(draw, rng, cx, eye_y - eye_r - rng.uniform(3, 8), eye_dx, hair)
    if rng.random() < 0.3:
        _glasses(draw, rng, cx, eye_y, eye_dx, eye_r, rx)
    mouth_y = cy + ry * rng.uniform(0.42, 0.55)
    _cheeks_and_nose(draw, rng, cx, eye_y, mouth_y, eye_dx, skin)
    _mouth(draw, rng, cx, mouth_y, rx, skin, smiling)

    angle = rng.uniform(-_MAX_TILT, _MAX_TILT)
    shift = tuple(rng.uniform(-_MAX_SHIFT, _MAX_SHIFT, size=2))
    return dr.finish(dr.place(backdrop, layer, angle, shift, centre=(cx, cy)), rng, noise=(1, 4), light=_LIGHT)


def _hair_colour(rng: np.random.Generator):
    if rng.random() < 0.12:  # dyed
        return dr.random_colour(rng)
    base = np.asarray(_HAIR[rng.integers(len(_HAIR))], dtype=float)
    return dr.as_colour(base * rng.uniform(0.85, 1.15))


def _body(draw, rng, cx, cy, rx, ry, skin) -> None:
    """Neck and shoulders in a random shirt colour."""
    clothes = dr.random_colour(rng)
    draw.ellipse([cx - 2.0 * rx, cy + ry + 12, cx + 2.0 * rx, cy + ry + 90], fill=clothes)
    neck = dr.shade(skin, 0.85)
    draw.rectangle([cx - 0.45 * rx, cy + 0.5 * ry, cx + 0.45 * rx, cy + ry + 18], fill=neck)


def _head(draw, rng, cx, cy, rx, ry, skin) -> None:
    """Ears, then the face: an ellipse, a rounded box or a wide-jawed blend of both."""
    ear = dr.shade(skin, 0.92)
    er = rx * rng.uniform(0.16, 0.24)
    for side in (-1, 1):
        ex = cx + side * rx
        draw.ellipse([ex - er, cy - 1.4 * er, ex + er, cy + 1.4 * er], fill=ear)
    box = [cx - rx, cy - ry, cx + rx, cy + ry]
    shape = rng.integers(3)
    if shape == 0:
        draw.ellipse(box, fill=skin)
    elif shape == 1:
        draw.rounded_rectangle(box, radius=rx * rng.uniform(0.55, 0.8), fill=skin)
    else:
        draw.ellipse(box, fill=skin)
        jaw = [cx - rx * 0.92, cy - ry * 0.2, cx + rx * 0.92, cy + ry * 0.98]
        draw.rounded_rectangle(jaw, radius=rx * 0.5, fill=skin)


def _hair_behind(draw, rng, style, hair, cx, cy, rx, ry) -> None:
    if style == "long":
        bottom = cy + ry * rng.uniform(0.5, 1.4)
        draw.rounded_rectangle([cx - rx * 1.22, cy - ry * 1.08, cx + rx * 1.22, bottom], radius=rx * 0.7, fill=hair)
    elif style == "curly":
        for t in np.linspace(np.pi * 0.95, np.pi * 2.05, 9):
            r = rx * rng.uniform(0.3, 0.42)
            x, y = cx + rx * 1.02 * np.cos(t), cy + ry * 0.98 * np.sin(t)
            draw.ellipse([x - r, y - r, x + r, y + r], fill=hair)
    elif style == "bun":
        r = rx * rng.uniform(0.35, 0.5)
        x = cx + rx * rng.uniform(-0.3, 0.3)
        draw.ellipse([x - r, cy - ry - 1.6 * r, x + r, cy - ry + 0.4 * r], fill=hair)


def _hair_on_top(draw, rng, style, hair, cx, cy, rx, ry) -> None:
    """Hair (or a hat) covering the top of the head down to a random hairline."""
    if style == "none":
        return
    colour = dr.random_colour(rng) if style == "hat" else hair
    depth = ry * rng.uniform(0.3, 0.6)  # how far above the centre the hairline sits
    big_rx, big_ry = rx + 2, ry + 3
    theta = np.degrees(np.arcsin(min(depth / big_ry, 0.99)))
    box = [cx - big_rx, cy - big_ry, cx + big_rx, cy + big_ry]
    draw.chord(box, 180 + theta, 360 - theta, fill=colour)
    if style == "fringe":
        for side in (-1, 1):
            x = cx + side * rx * 0.95
            draw.polygon([(x, cy - depth), (x - side * rx * 0.18, cy - depth), (x, cy + ry * 0.1)], fill=hair)
    elif style == "spiky":
        for x in np.linspace(cx - rx * 0.8, cx + rx * 0.8, 6):
            top = cy - big_ry - rng.uniform(3, 9)
            draw.polygon([(x - 6, cy - big_ry + 8), (x + 6, cy - big_ry + 8), (x, top)], fill=hair)
    elif style == "hat":
        brim_y = cy - depth
        draw.rectangle([cx - rx * 1.25, brim_y - 4, cx + rx * 1.25, brim_y + 1], fill=dr.shade(colour, 0.8))


def _eyes(draw, rng, cx, y, dx, r) -> None:
    style = _EYE_STYLES[rng.integers(len(_EYE_STYLES))]
    dark = dr.as_colour(rng.uniform(10, 60, size=3))
    iris = dr.random_colour(rng, saturation=0.6)
    for side in (-1, 1):
        x = cx + side * dx
        if style == "dot":
            draw.ellipse([x - r * 0.7, y - r * 0.7, x + r * 0.7, y + r * 0.7], fill=dark)
        elif style == "round":
            draw.ellipse([x - r * 1.2, y - r, x + r * 1.2, y + r], fill=(245, 245, 245), outline=dark)
            draw.ellipse([x - r * 0.6, y - r * 0.6, x + r * 0.6, y + r * 0.6], fill=iris)
            draw.ellipse([x - r * 0.3, y - r * 0.3, x + r * 0.3, y + r * 0.3], fill=dark)
        elif style == "oval":
            draw.ellipse([x - r * 0.6, y - r, x + r * 0.6, y + r], fill=dark)
            draw.ellipse([x - r * 0.1, y - r * 0.6, x + r * 0.3, y - r * 0.2], fill=(250, 250, 250))
        else:  # closed eyes: a short line with eyelashes
            draw.line([(x - r, y), (x + r, y)], fill=dark, width=2)
            for t in (-0.6, 0.0, 0.6):
                draw.line([(x + t * r, y), (x + t * r * 1.3, y + r * 0.5)], fill=dark, width=1)


def _eyebrows(draw, rng, cx, y, dx, hair) -> None:
    half = rng.uniform(3.5, 6.5)
    tilt = rng.uniform(-2.5, 2.5)  # inner end up or down; unrelated to the label
    width = int(rng.integers(2, 5))
    for side in (-1, 1):
        x = cx + side * dx
        inner, outer = (x - side * half, y - tilt), (x + side * half, y + tilt)
        draw.line([inner, outer], fill=dr.shade(hair, 0.8), width=width)


def _glasses(draw, rng, cx, y, dx, r, rx) -> None:
    frame = dr.random_colour(rng, saturation=rng.uniform(0.0, 1.0))
    frame = dr.shade(frame, rng.uniform(0.3, 1.0))
    lens = rng.uniform(r + 3, r + 7)
    sunglasses = rng.random() < 0.2
    fill = dr.as_colour(rng.uniform(15, 50, size=3)) if sunglasses else None
    width = int(rng.integers(2, 4))
    round_lens = rng.random() < 0.5
    for side in (-1, 1):
        x = cx + side * dx
        box = [x - lens, y - lens * 0.85, x + lens, y + lens * 0.85]
        if round_lens:
            draw.ellipse(box, outline=frame, fill=fill, width=width)
        else:
            draw.rounded_rectangle(box, radius=3, outline=frame, fill=fill, width=width)
        draw.line([(x + side * lens, y), (cx + side * rx, y - 2)], fill=frame, width=width)
    draw.line([(cx - dx + lens, y), (cx + dx - lens, y)], fill=frame, width=width)


def _cheeks_and_nose(draw, rng, cx, eye_y, mouth_y, eye_dx, skin) -> None:
    if rng.random() < 0.25:
        blush = dr.as_colour(0.65 * np.asarray(skin) + 0.35 * np.array([240, 110, 120]))
        r = rng.uniform(3, 6)
        for side in (-1, 1):
            x, y = cx + side * eye_dx * 1.1, (eye_y + mouth_y) / 2 + 2
            draw.ellipse([x - r, y - r * 0.7, x + r, y + r * 0.7], fill=blush)
    nose_y = eye_y + (mouth_y - eye_y) * rng.uniform(0.45, 0.65)
    dark = dr.shade(skin, rng.uniform(0.55, 0.8))
    kind = rng.integers(5)
    if kind == 1:
        for side in (-1, 1):
            x = cx + side * 2.5
            draw.ellipse([x - 1.2, nose_y - 1.2, x + 1.2, nose_y + 1.2], fill=dark)
    elif kind == 2:
        draw.line([(cx, nose_y - 7), (cx - 2, nose_y), (cx + 2, nose_y)], fill=dark, width=2)
    elif kind == 3:
        draw.ellipse([cx - 3.5, nose_y - 3, cx + 3.5, nose_y + 3], fill=dr.shade(skin, 0.88))
    elif kind == 4:
        draw.arc([cx - 4, nose_y - 4, cx + 4, nose_y + 2], 20, 160, fill=dark, width=2)


def _curve(cx: float, y: float, half: float, bend: float, tilt: float, n: int = 17) -> list[tuple]:
    """Points of a parabola through both mouth corners; ``bend`` > 0 puts its middle lower."""
    t = np.linspace(-1, 1, n)
    xs = cx + half * t
    ys = y + bend * (1 - t**2) + tilt * t
    return list(zip(xs.tolist(), ys.tolist(), strict=True))


def _mouth(draw, rng, cx, y, rx, skin, smiling: bool) -> None:
    """The only part of the face that depends on the label."""
    half = rx * rng.uniform(*_MOUTH_WIDTH)
    tilt = rng.uniform(-0.1, 0.1) * half
    # Mouths are always much darker than the skin, so that a smile reads on every skin tone, and
    # lips are drawn redder (and on dark skin lighter) than the skin around them.
    ink = dr.as_colour(np.asarray(skin) * 0.12 + np.array([40, 4, 8]) * rng.uniform(0.2, 1.0))
    lips = dr.as_colour(0.4 * np.asarray(skin) + 0.6 * np.array([215, 105, 110]))
    inside = dr.as_colour([rng.uniform(40, 90), rng.uniform(5, 20), rng.uniform(10, 30)])
    width = int(rng.integers(5, 8))
    kind = rng.random()
    if smiling and kind < 0.5:  # a curved line, corners up
        bend = half * rng.uniform(0.55, 0.95)
        _line_mouth(draw, cx, y, half, bend, tilt, ink, lips, width)
        if rng.random() < 0.3:  # dimples at the corners
            y -= bend / 2
            for side in (-1, 1):
                x, yc = cx + side * half, y + side * tilt
                draw.line([(x - side * 2, yc - 3), (x + side * 1, yc + 1)], fill=ink, width=2)
    elif smiling:  # an open "D", flat on top
        top_bend = half * rng.uniform(-0.05, 0.2)
        low_bend = half * rng.uniform(0.6, 1.0)
        _open_mouth(draw, rng, cx, y, half, top_bend, low_bend, tilt, inside, ink, lips, teeth=0.6)
    elif kind < 0.35:  # straight, or nearly so
        _line_mouth(draw, cx, y, half, half * rng.uniform(-0.05, 0.05), tilt, ink, lips, width)
    elif kind < 0.65:  # a mild frown, corners down
        _line_mouth(draw, cx, y, half, -half * rng.uniform(0.25, 0.55), tilt, ink, lips, width)
    elif kind < 0.8:  # a small round "o"
        r = half * rng.uniform(0.3, 0.6)
        draw.ellipse([cx - r, y - r * 1.1, cx + r, y + r * 1.1], fill=inside, outline=ink, width=2)
    else:  # an open, upside-down "D"
        top_bend = -half * rng.uniform(0.35, 0.7)
        low_bend = half * rng.uniform(-0.1, 0.05)
        _open_mouth(draw, rng, cx, y, half, top_bend, low_bend, tilt, inside, ink, lips, teeth=0.5)


def _line_mouth(draw, cx, y, half, bend, tilt, ink, lips, width) -> None:
    """A closed mouth: a dark curved stroke between the lips, centred on ``y``."""
    points = _curve(cx, y - bend / 2, half, bend, tilt)
    draw.line(points, fill=lips, width=width + 5, joint="curve")
    draw.line(points, fill=ink, width=width, joint="curve")


def _open_mouth(draw, rng, cx, y, half, top_bend, low_bend, tilt, inside, ink, lips, teeth: float) -> None:
    """An open mouth between two curves, centred on ``y``, with teeth (chance ``teeth``)."""
    y -= (top_bend + low_bend) / 2
    top = _curve(cx, y, half, top_bend, tilt)
    low = _curve(cx, y, half, low_bend, tilt)
    draw.line(top + low[::-1] + top[:1], fill=lips, width=6, joint="curve")
    draw.polygon(top + low[::-1], fill=inside, outline=ink)
    if rng.random() < teeth:  # the upper part of the opening
        share = rng.uniform(0.25, 0.45)
        edge = [(x, yt + share * (yl - yt)) for (x, yt), (_, yl) in zip(top, low, strict=True)]
        draw.polygon(top + edge[::-1], fill=(240, 238, 230))
    draw.line(top, fill=ink, width=2)
    draw.line(low, fill=ink, width=2)
