"""Two datasets for transfer learning: a *source* to pretrain on and a small *target* to transfer to.

**Source** (``data/transfer_source/``): 96×96 cartoon pictures of twelve kinds of creatures and
plants — bat, bird, butterfly, cat, chick, fish, flower, frog, ladybug, penguin, snail, spider —
3000 for training and 420 for validation, stored as two HDF5 files with the course's keys.  The
course's MobileNetV2 is pretrained on it (``shared_utils.pretrained``).  To keep the files small,
each source image is drawn without pixel noise and reduced to its own palette of 32 colours, as a
GIF would be (the cartoons barely change); the pretraining recipe adds noise back as augmentation.

**Target** (``data/owls/{owl,not_owl}/*.png``): 400 pictures, half of them owls, half of them
"not an owl".  Half of the not-owls are *seen* kinds, which the pretrained base learnt to tell apart:
bats, birds, cats, penguins, frogs, ... — every source kind but the chick, too close to a young owl.
The other half are *unseen* kinds, drawn only for the target: foxes, hedgehogs, mice, rabbits and
turtles.  ``data/owls/kinds.csv`` says what each picture shows.
No owl is in the source, but its parts are: big round eyes and pointed ears (cats, bats), feathers,
wings, a beak and a perch (birds, chicks, penguins), ringed spots (butterfly eyespots, flowers).

Everything is drawn here with PIL from a seeded ``numpy.random.Generator``: each image is a pure
function of ``(seed, index)``.  Pose (position, size, rotation, mirror image), colours, markings,
background, clutter, lighting and pixel noise vary independently of the class.

Build both with ``make data`` (or ``python -m course_tools data --only transfer_source --only owls``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from shared_utils.datasets.transfer import (
    SOURCE_CLASSES,
    SOURCE_NAME,
    SOURCE_SPLITS,
    TARGET_CLASSES,
    TARGET_COUNTS,
    TARGET_KINDS_FILE,
    TARGET_NAME,
    target_files,
)

from . import drawing as dr
from .storage import png_bytes, write_split

__all__ = ["SOURCE_CLASSES", "TARGET_CLASSES", "target_files", "build", "generate_source", "generate_target"]

SIZE = 96  # side of the final images, in pixels

SOURCE_COLOURS = 32  # colours per source image (see the module docstring)
SOURCE_SCALE = (0.30, 0.46)  # size of the creatures, as a fraction of the picture's side
TARGET_SCALE = (0.34, 0.46)

# What the "not_owl" pictures show: half of them a *seen* kind, one the pretrained base was trained on (every
# source kind but the chick, which looks too much like a young owl), half an *unseen* kind, drawn only here.
SEEN_NOT_OWLS = [name for name in SOURCE_CLASSES if name != "chick"]
UNSEEN_NOT_OWLS = ["fox", "hedgehog", "mouse", "rabbit", "turtle"]

Drawer = Callable[[ImageDraw.ImageDraw, np.random.Generator, float, float, float], None]


# --- a part several creatures share ---------------------------------------------------------


def _eye(draw, rng, x, y, r, iris: dr.Colour | None = None, pupil: str = "round") -> None:
    """A cartoon eye: white (or coloured iris), a pupil and a glint."""
    if iris is None:
        dr.circle(draw, x, y, r, (246, 246, 240), outline=(30, 30, 30), width=2)
        dr.circle(draw, x + 0.15 * r, y, 0.55 * r, (20, 20, 24))
    else:
        dr.circle(draw, x, y, r, iris, outline=(25, 22, 20), width=2)
        if pupil == "slit":
            dr.oval(draw, x, y, 0.2 * r, 0.8 * r, (15, 15, 18))
        elif pupil == "wide":
            dr.oval(draw, x, y, 0.75 * r, 0.35 * r, (15, 15, 18))
        else:
            dr.circle(draw, x, y, 0.55 * r, (15, 15, 18))
    dr.circle(draw, x - 0.3 * r, y - 0.3 * r, max(1.5, 0.2 * r), (255, 255, 255))


# --- the creatures -----------------------------------------------------------------------------
# Each drawer draws one creature centred near (cx, cy), about 2 s wide, on an RGBA layer.


def draw_cat(draw, rng, cx, cy, s) -> None:
    """A cat sitting, seen from the front: pointed ears, slit pupils, whiskers."""
    fur = dr.jitter(
        rng,
        dr.pick(
            rng,
            [
                (228, 138, 52),
                (45, 42, 44),
                (128, 128, 134),
                (236, 234, 226),
                (120, 82, 52),
                (232, 206, 160),
                (90, 90, 100),
            ],
        ),
    )
    ink, dark = dr.ink(fur), dr.shade(fur, 0.7)
    light = dr.as_colour(0.45 * np.asarray(fur) + 0.55 * np.array([250, 246, 236]))
    # tail, body, paws
    side = 1 if rng.random() < 0.5 else -1
    t = np.linspace(0, 1, 12)[:, None]
    start, bend, end = (
        np.array([cx + side * 0.3 * s, cy + 0.85 * s]),
        np.array([cx + side * 1.05 * s, cy + 0.95 * s]),
        np.array([cx + side * 0.9 * s, cy + rng.uniform(0.0, 0.4) * s]),
    )
    tail = [tuple(p) for p in ((1 - t) ** 2 * start + 2 * t * (1 - t) * bend + t**2 * end).tolist()]
    draw.line(tail, fill=ink, width=int(0.17 * s), joint="curve")
    draw.line(tail, fill=fur, width=int(0.11 * s), joint="curve")
    dr.circle(draw, *tail[-1], 0.055 * s, fur)
    dr.oval(draw, cx, cy + 0.45 * s, 0.6 * s, 0.5 * s, fur, ink)
    if rng.random() < 0.5:
        dr.oval(draw, cx, cy + 0.5 * s, 0.3 * s, 0.38 * s, light)
    for px in (-0.22, 0.22):
        dr.oval(draw, cx + px * s, cy + 0.9 * s, 0.14 * s, 0.09 * s, fur, ink)
    # ears, head
    for k in (-1, 1):
        ear = [(cx + k * 0.52 * s, cy - 0.4 * s), (cx + k * 0.45 * s, cy - 1.0 * s), (cx + k * 0.1 * s, cy - 0.68 * s)]
        draw.polygon(ear, fill=fur, outline=ink, width=2)
        inner = [
            (cx + k * 0.44 * s, cy - 0.5 * s),
            (cx + k * 0.42 * s, cy - 0.86 * s),
            (cx + k * 0.2 * s, cy - 0.66 * s),
        ]
        draw.polygon(inner, fill=(236, 160, 170))
    dr.oval(draw, cx, cy - 0.32 * s, 0.56 * s, 0.45 * s, fur, ink)
    if rng.random() < 0.5:  # tabby stripes on the forehead
        for dx in (-0.12, 0.0, 0.12):
            draw.line([(cx + dx * s, cy - 0.72 * s), (cx + dx * 0.8 * s, cy - 0.55 * s)], fill=dark, width=3)
    if rng.random() < 0.5:  # a pale muzzle
        dr.oval(draw, cx, cy - 0.12 * s, 0.25 * s, 0.16 * s, light)
    iris = dr.jitter(rng, dr.pick(rng, [(120, 200, 80), (230, 200, 60), (220, 150, 40), (110, 170, 230)]), 10)
    for k in (-1, 1):
        dr.oval(draw, cx + k * 0.22 * s, cy - 0.35 * s, 0.12 * s, 0.1 * s, iris, (20, 20, 20))
        dr.oval(draw, cx + k * 0.22 * s, cy - 0.35 * s, 0.03 * s, 0.09 * s, (15, 15, 15))
    nose = [(cx - 0.06 * s, cy - 0.2 * s), (cx + 0.06 * s, cy - 0.2 * s), (cx, cy - 0.13 * s)]
    draw.polygon(nose, fill=(230, 130, 140))
    draw.arc([cx - 0.12 * s, cy - 0.2 * s, cx, cy - 0.06 * s], 20, 160, fill=ink, width=2)
    draw.arc([cx, cy - 0.2 * s, cx + 0.12 * s, cy - 0.06 * s], 20, 160, fill=ink, width=2)
    whisker = dr.shade(light, 1.05) if sum(fur) < 300 else (40, 40, 40)
    for k in (-1, 1):
        for j in (-1, 0, 1):
            draw.line(
                [(cx + k * 0.15 * s, cy - 0.13 * s), (cx + k * 0.72 * s, cy - (0.2 - 0.09 * j) * s)],
                fill=whisker,
                width=2,
            )


_BIRDS = [  # body, breast, wing
    ((196, 30, 36), (214, 60, 60), (150, 24, 30)),  # cardinal
    ((60, 100, 190), (222, 130, 70), (40, 70, 150)),  # bluebird
    ((240, 210, 50), (250, 230, 110), (200, 170, 40)),  # canary
    ((140, 100, 70), (220, 200, 170), (100, 70, 50)),  # sparrow
    ((110, 90, 70), (230, 110, 50), (80, 65, 50)),  # robin
    ((70, 170, 80), (180, 220, 90), (40, 120, 60)),  # parakeet
    ((50, 50, 56), (120, 120, 126), (30, 30, 34)),  # blackbird
]


def draw_bird(draw, rng, cx, cy, s) -> None:
    """A songbird seen from the side, often on a branch: beak, wing, tail, thin legs."""
    body, breast, wing = (dr.jitter(rng, c, 12) for c in dr.pick(rng, _BIRDS))
    ink = dr.ink(wing)
    if rng.random() < 0.6:
        _branch(draw, rng, cx, cy + 0.72 * s, s)
    for dx in (-0.05, 0.12):  # legs
        draw.line([(cx + dx * s, cy + 0.3 * s), (cx + dx * s, cy + 0.75 * s)], fill=(70, 60, 50), width=3)
        draw.line(
            [(cx + (dx - 0.08) * s, cy + 0.75 * s), (cx + (dx + 0.1) * s, cy + 0.75 * s)], fill=(70, 60, 50), width=3
        )
    tail = [
        (cx - 0.45 * s, cy),
        (cx - 1.05 * s, cy + 0.2 * s),
        (cx - 1.0 * s, cy + 0.42 * s),
        (cx - 0.4 * s, cy + 0.2 * s),
    ]
    draw.polygon(tail, fill=wing, outline=ink, width=2)
    tilt = rng.uniform(-25, -5)
    dr.oval(draw, cx, cy, 0.62 * s, 0.42 * s, body, ink, angle=tilt)
    dr.oval(draw, cx + 0.2 * s, cy + 0.12 * s, 0.38 * s, 0.26 * s, breast, angle=tilt)
    head_x, head_y = cx + 0.48 * s, cy - 0.38 * s
    if rng.random() < 0.3:  # a crest
        draw.polygon(
            [
                (head_x - 0.2 * s, head_y - 0.1 * s),
                (head_x - 0.25 * s, head_y - 0.55 * s),
                (head_x + 0.1 * s, head_y - 0.2 * s),
            ],
            fill=body,
            outline=ink,
            width=2,
        )
    dr.circle(draw, head_x, head_y, 0.3 * s, body, ink)
    beak = dr.jitter(rng, dr.pick(rng, [(240, 170, 40), (230, 110, 30), (40, 40, 40), (150, 150, 150)]), 10)
    length = rng.uniform(0.25, 0.4)
    draw.polygon(
        [
            (head_x + 0.24 * s, head_y - 0.09 * s),
            (head_x + 0.24 * s, head_y + 0.07 * s),
            (head_x + (0.24 + length) * s, head_y),
        ],
        fill=beak,
        outline=dr.ink(beak),
        width=1,
    )
    dr.circle(draw, head_x + 0.08 * s, head_y - 0.06 * s, 0.065 * s, (15, 15, 15))
    dr.circle(draw, head_x + 0.06 * s, head_y - 0.08 * s, 0.02 * s, (255, 255, 255))
    dr.oval(draw, cx - 0.12 * s, cy - 0.02 * s, 0.42 * s, 0.22 * s, wing, ink, angle=tilt + 12)
    for k in range(3):  # feather lines on the wing
        x = cx - (0.3 + 0.1 * k) * s
        draw.line([(x, cy - 0.05 * s), (x - 0.2 * s, cy + 0.08 * s)], fill=ink, width=2)


def _branch(draw, rng, cx, y, s) -> None:
    bark = dr.jitter(rng, (110, 78, 50), 15)
    slope = rng.uniform(-0.15, 0.15) * s
    draw.line([(cx - 1.3 * s, y - slope), (cx + 1.3 * s, y + slope)], fill=dr.shade(bark, 0.6), width=int(0.16 * s))
    draw.line([(cx - 1.3 * s, y - slope), (cx + 1.3 * s, y + slope)], fill=bark, width=int(0.1 * s))
    if rng.random() < 0.6:  # a leaf
        lx = cx + rng.uniform(-1.0, 1.0) * s
        dr.oval(
            draw, lx, y + 0.12 * s, 0.16 * s, 0.07 * s, dr.jitter(rng, (70, 150, 60), 20), angle=rng.uniform(0, 180)
        )


def draw_fish(draw, rng, cx, cy, s) -> None:
    """A fish seen from the side: tail fin, fins, an eye, stripes, spots or scales."""
    body = dr.jitter(
        rng,
        dr.pick(
            rng,
            [
                (240, 120, 30),
                (60, 110, 220),
                (245, 210, 50),
                (150, 80, 200),
                (90, 190, 170),
                (230, 80, 90),
                (200, 200, 210),
            ],
        ),
    )
    fin, ink = dr.shade(body, 0.75), dr.ink(body)
    ry = rng.uniform(0.3, 0.5) * s
    tail = [(cx - 0.6 * s, cy), (cx - 1.05 * s, cy - 0.45 * s), (cx - 0.92 * s, cy), (cx - 1.05 * s, cy + 0.45 * s)]
    draw.polygon(tail, fill=fin, outline=ink, width=2)
    dorsal = [(cx - 0.35 * s, cy - ry * 0.8), (cx + 0.05 * s, cy - ry - 0.3 * s), (cx + 0.3 * s, cy - ry * 0.85)]
    draw.polygon(dorsal, fill=fin, outline=ink, width=2)
    draw.polygon(
        [(cx - 0.2 * s, cy + ry * 0.85), (cx - 0.05 * s, cy + ry + 0.18 * s), (cx + 0.15 * s, cy + ry * 0.9)],
        fill=fin,
        outline=ink,
        width=2,
    )
    dr.oval(draw, cx, cy, 0.75 * s, ry, body, ink)
    pattern = rng.integers(4)
    mark = (250, 250, 250) if rng.random() < 0.5 else dr.shade(body, 0.55)
    if pattern == 0:  # vertical stripes, kept inside the body
        for x in np.linspace(-0.35, 0.35, int(rng.integers(2, 4))):
            h = ry * np.sqrt(max(0.0, 1 - (x / 0.75) ** 2)) * 0.95
            draw.line([(cx + x * s, cy - h), (cx + x * s, cy + h)], fill=mark, width=int(0.1 * s))
    elif pattern == 1:  # spots
        for _ in range(int(rng.integers(4, 9))):
            x, y = rng.uniform(-0.5, 0.4) * s, rng.uniform(-0.5, 0.5) * ry
            dr.circle(draw, cx + x, cy + y, 0.05 * s, mark)
    elif pattern == 2:  # scales
        for x in np.arange(-0.45, 0.35, 0.14):
            for y in np.arange(-0.5, 0.6, 0.3):
                r = 0.08 * s
                draw.arc([cx + x * s - r, cy + y * ry - r, cx + x * s + r, cy + y * ry + r], 270, 90, fill=fin, width=2)
    draw.arc([cx + 0.2 * s, cy - 0.6 * ry, cx + 0.45 * s, cy + 0.6 * ry], 120, 240, fill=ink, width=2)  # gill
    dr.oval(draw, cx + 0.05 * s, cy + 0.25 * ry, 0.15 * s, 0.07 * s, fin, ink, angle=25)  # pectoral fin
    _eye(draw, rng, cx + 0.5 * s, cy - 0.25 * ry, 0.09 * s)
    draw.line([(cx + 0.68 * s, cy + 0.15 * ry), (cx + 0.58 * s, cy + 0.2 * ry)], fill=ink, width=2)


def draw_butterfly(draw, rng, cx, cy, s) -> None:
    """A butterfly seen from above: four patterned wings, mirror-symmetric, and antennae."""
    wing = dr.jitter(
        rng,
        dr.pick(
            rng,
            [
                (240, 140, 30),
                (70, 120, 230),
                (245, 220, 60),
                (230, 80, 150),
                (140, 200, 90),
                (250, 250, 245),
                (150, 90, 200),
            ],
        ),
    )
    border = dr.shade(wing, rng.uniform(0.2, 0.5))
    spot = dr.random_colour(rng, avoid=wing, min_distance=120)
    eyespots = rng.random() < 0.5
    spots = [(rng.uniform(0.25, 0.55), rng.uniform(-0.35, 0.05), rng.uniform(0.04, 0.08)) for _ in range(3)]
    for k in (-1, 1):
        dr.oval(draw, cx + k * 0.45 * s, cy - 0.25 * s, 0.5 * s, 0.36 * s, wing, border, width=5, angle=-k * 30)
        dr.oval(
            draw,
            cx + k * 0.32 * s,
            cy + 0.3 * s,
            0.32 * s,
            0.27 * s,
            dr.shade(wing, 0.9),
            border,
            width=5,
            angle=k * 30,
        )
        if eyespots:
            x, y = cx + k * 0.55 * s, cy - 0.3 * s
            dr.circle(draw, x, y, 0.13 * s, border)
            dr.circle(draw, x, y, 0.09 * s, spot)
            dr.circle(draw, x, y, 0.04 * s, (15, 15, 15))
        for dx, dy, r in spots:
            dr.circle(draw, cx + k * dx * s, cy + dy * s + (0.45 * s if dx < 0.35 and eyespots else 0), r * s, spot)
    draw.line([(cx, cy - 0.45 * s), (cx, cy + 0.5 * s)], fill=(40, 32, 28), width=int(0.1 * s))
    dr.circle(draw, cx, cy - 0.48 * s, 0.07 * s, (40, 32, 28))
    for k in (-1, 1):
        tip = (cx + k * 0.3 * s, cy - 0.95 * s)
        draw.line([(cx, cy - 0.5 * s), tip], fill=(40, 32, 28), width=2)
        dr.circle(draw, tip[0], tip[1], 0.035 * s, (40, 32, 28))


def draw_ladybug(draw, rng, cx, cy, s) -> None:
    """A ladybug seen from above: a red (or orange, yellow) dome with black spots."""
    shell = dr.jitter(rng, dr.pick(rng, [(215, 30, 30), (230, 110, 20), (240, 200, 40), (200, 40, 60)]), 12)
    black = (20, 18, 18)
    for k in (-1, 1):
        for dy in (-0.25, 0.1, 0.45):
            draw.line([(cx, cy + dy * s), (cx + k * 0.85 * s, cy + (dy + 0.1) * s)], fill=black, width=4)
    dr.oval(draw, cx, cy - 0.55 * s, 0.32 * s, 0.24 * s, black)
    for k in (-1, 1):
        draw.line([(cx + k * 0.1 * s, cy - 0.72 * s), (cx + k * 0.3 * s, cy - 0.95 * s)], fill=black, width=3)
        dr.circle(draw, cx + k * 0.15 * s, cy - 0.62 * s, 0.05 * s, (250, 250, 250))
    dr.oval(draw, cx, cy + 0.08 * s, 0.62 * s, 0.66 * s, shell, black, width=3)
    draw.line([(cx, cy - 0.56 * s), (cx, cy + 0.72 * s)], fill=black, width=3)
    for _ in range(int(rng.integers(1, 5))):
        dx, dy, r = rng.uniform(0.15, 0.42), rng.uniform(-0.35, 0.45), rng.uniform(0.07, 0.13)
        for k in (-1, 1):
            dr.circle(draw, cx + k * dx * s, cy + dy * s, r * s, black)


def draw_snail(draw, rng, cx, cy, s) -> None:
    """A snail seen from the side: a spiral shell on a soft body with two eye stalks."""
    skin = dr.jitter(rng, dr.pick(rng, [(170, 160, 140), (200, 180, 150), (140, 150, 120), (190, 160, 170)]), 15)
    shell = dr.jitter(
        rng, dr.pick(rng, [(170, 100, 50), (220, 150, 60), (240, 200, 110), (210, 140, 150), (120, 80, 60)])
    )
    ink = dr.ink(skin)
    foot = [(cx - 0.85 * s, cy + 0.45 * s), (cx + 0.55 * s, cy + 0.45 * s)]
    draw.line(foot, fill=ink, width=int(0.3 * s))
    draw.line(foot, fill=skin, width=int(0.24 * s))
    neck = [(cx + 0.5 * s, cy + 0.45 * s), (cx + 0.7 * s, cy + 0.05 * s)]
    dr.outlined_capsule(draw, neck[0], neck[1], 0.24 * s, skin, ink, 2)
    for tip in ((cx + 0.65 * s, cy - 0.45 * s), (cx + 0.95 * s, cy - 0.35 * s)):
        draw.line([(cx + 0.72 * s, cy), tip], fill=ink, width=4)
        dr.circle(draw, tip[0], tip[1], 0.055 * s, (25, 25, 25))
    scx, scy, r = cx - 0.15 * s, cy - 0.05 * s, rng.uniform(0.45, 0.55) * s
    dr.circle(draw, scx, scy, r, shell, dr.ink(shell), width=3)
    turns = rng.uniform(2.2, 3.2)
    t = np.linspace(0, turns * 2 * np.pi, 120)
    direction = 1 if rng.random() < 0.5 else -1
    rr = r * (t / t[-1]) * 0.95
    spiral = list(
        zip((scx + rr * np.cos(direction * t)).tolist(), (scy + rr * np.sin(direction * t)).tolist(), strict=True)
    )
    draw.line(spiral, fill=dr.ink(shell), width=int(rng.integers(3, 6)), joint="curve")


def draw_frog(draw, rng, cx, cy, s) -> None:
    """A frog sitting, seen from the front: eyes bulging on top, a wide mouth, webbed feet."""
    skin = dr.jitter(
        rng,
        dr.pick(rng, [(80, 170, 60), (140, 200, 60), (110, 130, 60), (150, 110, 70), (60, 110, 200), (220, 60, 40)]),
    )
    ink, belly = dr.ink(skin), dr.as_colour(0.5 * np.asarray(skin) + 0.5 * np.array([240, 235, 190]))
    for k in (-1, 1):
        dr.oval(draw, cx + k * 0.55 * s, cy + 0.5 * s, 0.32 * s, 0.22 * s, skin, ink)
        for t in (-1, 0, 1):
            dr.circle(draw, cx + k * (0.75 + 0.1 * t) * s, cy + 0.72 * s, 0.06 * s, skin, ink)
    dr.oval(draw, cx, cy + 0.22 * s, 0.58 * s, 0.5 * s, skin, ink)
    dr.oval(draw, cx, cy + 0.32 * s, 0.35 * s, 0.32 * s, belly)
    if rng.random() < 0.4:
        for _ in range(5):
            dr.circle(
                draw, cx + rng.uniform(-0.45, 0.45) * s, cy + rng.uniform(0.0, 0.4) * s, 0.06 * s, dr.shade(skin, 0.5)
            )
    for k in (-1, 1):  # front legs
        draw.line([(cx + k * 0.3 * s, cy + 0.35 * s), (cx + k * 0.25 * s, cy + 0.7 * s)], fill=ink, width=int(0.13 * s))
        draw.line(
            [(cx + k * 0.3 * s, cy + 0.35 * s), (cx + k * 0.25 * s, cy + 0.7 * s)], fill=skin, width=int(0.09 * s)
        )
        for t in (-1, 0, 1):
            dr.circle(draw, cx + k * 0.25 * s + t * 0.07 * s, cy + 0.74 * s, 0.045 * s, skin, ink)
    dr.oval(draw, cx, cy - 0.2 * s, 0.56 * s, 0.32 * s, skin, ink)
    iris = dr.jitter(rng, dr.pick(rng, [(230, 200, 60), (240, 140, 40), (220, 220, 200)]), 10)
    for k in (-1, 1):
        dr.circle(draw, cx + k * 0.3 * s, cy - 0.45 * s, 0.18 * s, skin, ink)
        _eye(draw, rng, cx + k * 0.3 * s, cy - 0.47 * s, 0.12 * s, iris=iris, pupil="wide")
        dr.circle(draw, cx + k * 0.06 * s, cy - 0.25 * s, 0.02 * s, ink)
    draw.arc([cx - 0.42 * s, cy - 0.4 * s, cx + 0.42 * s, cy - 0.02 * s], 20, 160, fill=ink, width=3)


def draw_spider(draw, rng, cx, cy, s) -> None:
    """A spider seen from above: eight bent legs, two body parts, markings, maybe its thread."""
    body = dr.jitter(rng, dr.pick(rng, [(30, 28, 30), (90, 60, 40), (110, 110, 110), (60, 40, 60)]), 12)
    mark = dr.jitter(rng, dr.pick(rng, [(220, 40, 40), (240, 160, 40), (240, 230, 80), (240, 240, 240)]), 10)
    if rng.random() < 0.4:
        draw.line([(cx, cy - 3 * s), (cx, cy - 0.3 * s)], fill=(235, 235, 235), width=2)
    for k in (-1, 1):
        for j, a in enumerate((-50, -20, 15, 45)):
            a = np.radians(a + rng.uniform(-8, 8))
            knee = (cx + k * 0.5 * s * np.cos(a), cy - 0.1 * s + 0.5 * s * np.sin(a) - 0.25 * s)
            foot = (knee[0] + k * 0.35 * s, knee[1] + (0.25 + 0.15 * j) * s)
            draw.line([(cx, cy - 0.1 * s), knee, foot], fill=body, width=int(0.07 * s), joint="curve")
    dr.oval(draw, cx, cy + 0.3 * s, 0.32 * s, 0.4 * s, body, (10, 10, 10))
    dr.circle(draw, cx, cy - 0.18 * s, 0.22 * s, body, (10, 10, 10))
    kind = rng.integers(3)
    if kind == 0:
        draw.polygon([(cx - 0.1 * s, cy + 0.15 * s), (cx + 0.1 * s, cy + 0.15 * s), (cx, cy + 0.3 * s)], fill=mark)
        draw.polygon([(cx - 0.1 * s, cy + 0.45 * s), (cx + 0.1 * s, cy + 0.45 * s), (cx, cy + 0.3 * s)], fill=mark)
    elif kind == 1:
        for y in (0.15, 0.32, 0.5):
            dr.circle(draw, cx - 0.1 * s, cy + y * s, 0.05 * s, mark)
            dr.circle(draw, cx + 0.1 * s, cy + y * s, 0.05 * s, mark)
    for k in (-1, 1):
        dr.circle(
            draw, cx + k * 0.07 * s, cy - 0.3 * s, 0.035 * s, (230, 60, 60) if rng.random() < 0.3 else (240, 240, 240)
        )


def draw_flower(draw, rng, cx, cy, s) -> None:
    """A flower: a ring of petals around a seeded centre, on a stem with leaves."""
    petal = dr.random_colour(rng, avoid=(80, 150, 60), min_distance=120)
    stem = dr.jitter(rng, (70, 140, 60), 15)
    head_y = cy - 0.25 * s
    bend = rng.uniform(-0.3, 0.3) * s
    draw.line([(cx, head_y), (cx + bend, cy + 1.1 * s)], fill=stem, width=int(0.07 * s))
    for t, k in ((0.55, -1), (0.8, 1)):
        x, y = cx + bend * t, head_y + t * (1.35 * s)
        dr.oval(draw, x + k * 0.2 * s, y, 0.22 * s, 0.08 * s, stem, dr.ink(stem), angle=k * -30)
    n = int(rng.integers(5, 13))
    length = rng.uniform(0.3, 0.45) * s
    width = rng.uniform(0.1, 0.18) * s
    start = rng.uniform(0, 360)
    for a in start + np.arange(n) * 360 / n:
        x = cx + 0.75 * length * np.cos(np.radians(a))
        y = head_y + 0.75 * length * np.sin(np.radians(a))
        dr.oval(draw, x, y, length * 0.75, width, petal, dr.ink(petal), angle=a)
    centre = dr.jitter(rng, dr.pick(rng, [(240, 200, 40), (110, 70, 40), (40, 30, 30), (240, 140, 40)]), 12)
    r = rng.uniform(0.12, 0.2) * s
    dr.circle(draw, cx, head_y, r, centre, dr.ink(centre))
    for _ in range(6):
        a, d = rng.uniform(0, 2 * np.pi), rng.uniform(0, 0.6) * r
        dr.circle(draw, cx + d * np.cos(a), head_y + d * np.sin(a), 0.12 * r, dr.ink(centre))


def draw_penguin(draw, rng, cx, cy, s) -> None:
    """A penguin standing, seen from the front: dark back, white belly, flippers, orange feet."""
    back = dr.jitter(rng, dr.pick(rng, [(30, 32, 40), (50, 55, 70), (70, 70, 80)]), 8)
    feet = dr.jitter(rng, (240, 150, 40), 10)
    for k in (-1, 1):
        dr.oval(draw, cx + k * 0.18 * s, cy + 0.88 * s, 0.15 * s, 0.07 * s, feet, dr.ink(feet))
        dr.oval(draw, cx + k * 0.5 * s, cy + 0.25 * s, 0.12 * s, 0.38 * s, back, (10, 10, 10), angle=-k * 20)
    dr.oval(draw, cx, cy + 0.2 * s, 0.48 * s, 0.7 * s, back, (10, 10, 10))
    dr.oval(draw, cx, cy + 0.32 * s, 0.33 * s, 0.52 * s, (245, 245, 240))
    dr.oval(draw, cx, cy - 0.5 * s, 0.34 * s, 0.3 * s, back, (10, 10, 10))
    if rng.random() < 0.5:  # white face, as on some penguins
        for k in (-1, 1):
            dr.oval(draw, cx + k * 0.13 * s, cy - 0.5 * s, 0.1 * s, 0.13 * s, (245, 245, 240))
    if rng.random() < 0.4:  # yellow-orange neck patches
        for k in (-1, 1):
            dr.oval(draw, cx + k * 0.28 * s, cy - 0.3 * s, 0.07 * s, 0.14 * s, (245, 190, 60))
    for k in (-1, 1):
        dr.circle(draw, cx + k * 0.13 * s, cy - 0.55 * s, 0.045 * s, (15, 15, 15), (250, 250, 250), width=2)
    beak = dr.jitter(rng, dr.pick(rng, [(240, 150, 40), (40, 40, 40)]), 8)
    draw.polygon([(cx - 0.07 * s, cy - 0.45 * s), (cx + 0.07 * s, cy - 0.45 * s), (cx, cy - 0.3 * s)], fill=beak)


def draw_bat(draw, rng, cx, cy, s) -> None:
    """A bat with spread wings, seen from the front: big ears, small eyes, scalloped wings."""
    fur = dr.jitter(rng, dr.pick(rng, [(60, 45, 40), (40, 36, 40), (100, 70, 50), (80, 80, 90)]), 10)
    membrane = dr.shade(fur, rng.uniform(0.7, 1.2))
    for k in (-1, 1):
        top = [(cx + k * 0.15 * s, cy - 0.15 * s), (cx + k * 0.6 * s, cy - 0.45 * s), (cx + k * 1.05 * s, cy - 0.3 * s)]
        bottom = [
            (cx + k * 1.0 * s, cy + 0.15 * s),
            (cx + k * 0.75 * s, cy + 0.05 * s),
            (cx + k * 0.6 * s, cy + 0.3 * s),
            (cx + k * 0.35 * s, cy + 0.15 * s),
            (cx + k * 0.15 * s, cy + 0.35 * s),
        ]
        draw.polygon(top + bottom, fill=membrane, outline=(15, 15, 15), width=2)
        for p in top[1:]:
            draw.line([(cx + k * 0.15 * s, cy - 0.1 * s), p], fill=dr.shade(membrane, 0.6), width=3)
        draw.polygon(
            [(cx + k * 0.08 * s, cy - 0.4 * s), (cx + k * 0.25 * s, cy - 0.8 * s), (cx + k * 0.28 * s, cy - 0.3 * s)],
            fill=fur,
            outline=(15, 15, 15),
            width=2,
        )
    dr.oval(draw, cx, cy + 0.05 * s, 0.2 * s, 0.32 * s, fur, (15, 15, 15))
    dr.circle(draw, cx, cy - 0.3 * s, 0.2 * s, fur, (15, 15, 15))
    for k in (-1, 1):
        dr.circle(draw, cx + k * 0.08 * s, cy - 0.33 * s, 0.04 * s, (240, 220, 120))
        draw.polygon(
            [(cx + k * 0.04 * s, cy - 0.2 * s), (cx + k * 0.07 * s, cy - 0.2 * s), (cx + k * 0.055 * s, cy - 0.14 * s)],
            fill=(250, 250, 250),
        )


def draw_chick(draw, rng, cx, cy, s) -> None:
    """A chick standing, seen from the front: a round fluffy body, small dark eyes, a little beak."""
    down = dr.jitter(
        rng, dr.pick(rng, [(250, 220, 70), (248, 200, 90), (240, 230, 170), (200, 170, 120), (250, 190, 60)]), 10
    )
    ink = dr.ink(down)
    feet = dr.jitter(rng, (240, 140, 40), 10)
    for k in (-1, 1):
        for t in (-1, 0, 1):
            draw.line(
                [(cx + k * 0.2 * s, cy + 0.7 * s), (cx + (k * 0.2 + 0.09 * t) * s, cy + 0.88 * s)], fill=feet, width=4
            )
    if rng.random() < 0.3:  # the egg it came from
        shell = (245, 242, 232)
        draw.chord(
            [cx - 0.7 * s, cy + 0.25 * s, cx + 0.7 * s, cy + 1.2 * s],
            0,
            180,
            fill=shell,
            outline=(150, 140, 120),
            width=2,
        )
        for x in np.linspace(-0.6, 0.5, 5):
            draw.polygon(
                [
                    (cx + x * s, cy + 0.72 * s),
                    (cx + (x + 0.11) * s, cy + 0.6 * s),
                    (cx + (x + 0.22) * s, cy + 0.72 * s),
                ],
                fill=shell,
            )
    dr.oval(draw, cx, cy + 0.28 * s, 0.5 * s, 0.48 * s, down, ink)  # body
    for k in (-1, 1):  # stubby wings
        dr.oval(draw, cx + k * 0.46 * s, cy + 0.3 * s, 0.12 * s, 0.25 * s, dr.shade(down, 0.9), ink, angle=k * 25)
    dr.circle(draw, cx, cy - 0.35 * s, 0.36 * s, down, ink)  # head
    for dx in (-0.06, 0.0, 0.06):  # a tuft of fluff
        draw.line([(cx, cy - 0.68 * s), (cx + dx * 2 * s, cy - 0.9 * s)], fill=ink, width=3)
    for k in (-1, 1):
        dr.circle(draw, cx + k * 0.14 * s, cy - 0.4 * s, 0.05 * s, (20, 18, 18))
        dr.circle(draw, cx + k * 0.14 * s - 0.015 * s, cy - 0.415 * s, 0.015 * s, (255, 255, 255))
    if rng.random() < 0.4:  # rosy cheeks
        for k in (-1, 1):
            dr.oval(draw, cx + k * 0.25 * s, cy - 0.28 * s, 0.06 * s, 0.035 * s, (245, 160, 140))
    beak = dr.jitter(rng, (240, 140, 40), 10)
    draw.polygon(
        [(cx - 0.08 * s, cy - 0.3 * s), (cx + 0.08 * s, cy - 0.3 * s), (cx, cy - 0.18 * s)],
        fill=beak,
        outline=dr.ink(beak),
        width=1,
    )


_OWLS = [  # feathers, face, belly, eye ring
    ((140, 100, 60), (200, 165, 120), (215, 190, 150), (245, 180, 40)),  # tawny
    ((120, 120, 118), (190, 190, 185), (210, 208, 200), (245, 200, 40)),  # grey
    ((236, 236, 232), (250, 250, 248), (244, 244, 240), (240, 200, 40)),  # snowy
    ((200, 160, 90), (248, 244, 236), (245, 238, 222), (25, 22, 20)),  # barn owl: pale heart face, dark eyes
    ((160, 80, 50), (210, 150, 110), (225, 180, 140), (240, 140, 40)),  # rufous
    ((90, 70, 55), (160, 130, 100), (190, 160, 130), (250, 170, 30)),  # dark brown
]


def draw_owl(draw, rng, cx, cy, s) -> None:
    """An owl perched, seen from the front: a big round head with a facial disc, huge eyes, a
    small hooked beak, ear tufts on some, folded wings, speckled or barred belly, talons."""
    feathers, face, belly, ring = (dr.jitter(rng, c, 12) for c in dr.pick(rng, _OWLS))
    ink = dr.ink(feathers)
    if rng.random() < 0.6:
        _branch(draw, rng, cx, cy + 0.82 * s, s)
    talon = dr.jitter(rng, dr.pick(rng, [(230, 190, 60), (120, 110, 100), (200, 200, 190)]), 8)
    for k in (-1, 1):
        for t in (-1, 0, 1):
            draw.line(
                [(cx + k * 0.18 * s, cy + 0.7 * s), (cx + (k * 0.18 + 0.08 * t) * s, cy + 0.86 * s)],
                fill=talon,
                width=4,
            )
    dr.oval(draw, cx, cy + 0.2 * s, 0.55 * s, 0.58 * s, feathers, ink)  # body
    dr.oval(draw, cx, cy + 0.3 * s, 0.36 * s, 0.42 * s, belly)
    marks = dr.shade(feathers, 0.6) if sum(feathers) < 600 else (60, 60, 60)
    style = rng.integers(3)
    for _ in range(int(rng.integers(8, 16))):
        x, y = cx + rng.uniform(-0.28, 0.28) * s, cy + rng.uniform(0.0, 0.65) * s
        if style == 0:  # chevrons
            draw.line(
                [(x - 0.05 * s, y - 0.03 * s), (x, y + 0.02 * s), (x + 0.05 * s, y - 0.03 * s)], fill=marks, width=2
            )
        elif style == 1:  # speckles
            dr.circle(draw, x, y, 0.025 * s, marks)
        else:  # bars
            draw.line([(x - 0.06 * s, y), (x + 0.06 * s, y)], fill=marks, width=2)
    wing = dr.shade(feathers, 0.85)
    for k in (-1, 1):
        dr.oval(draw, cx + k * 0.45 * s, cy + 0.28 * s, 0.18 * s, 0.45 * s, wing, ink, angle=-k * 12)
        for y in (0.1, 0.3, 0.5):
            draw.arc(
                [cx + k * 0.45 * s - 0.1 * s, cy + (y - 0.06) * s, cx + k * 0.45 * s + 0.1 * s, cy + (y + 0.06) * s],
                20,
                160,
                fill=ink,
                width=2,
            )
    tufts = rng.random() < 0.55
    if tufts:
        for k in (-1, 1):
            draw.polygon(
                [
                    (cx + k * 0.18 * s, cy - 0.72 * s),
                    (cx + k * 0.5 * s, cy - 1.05 * s),
                    (cx + k * 0.45 * s, cy - 0.55 * s),
                ],
                fill=feathers,
                outline=ink,
                width=2,
            )
    dr.oval(draw, cx, cy - 0.38 * s, 0.55 * s, 0.44 * s, feathers, ink)  # head
    for k in (-1, 1):  # the facial disc: two pale rings around the eyes
        dr.circle(draw, cx + k * 0.21 * s, cy - 0.38 * s, 0.25 * s, face)
    eye_r = rng.uniform(0.12, 0.16) * s
    for k in (-1, 1):
        x, y = cx + k * 0.21 * s, cy - 0.4 * s
        dr.circle(draw, x, y, eye_r, ring, (20, 18, 16), width=2)
        dr.circle(draw, x, y, eye_r * rng.uniform(0.45, 0.6) if ring[0] > 60 else eye_r * 0.8, (15, 14, 14))
        dr.circle(draw, x - 0.35 * eye_r, y - 0.35 * eye_r, max(1.5, 0.2 * eye_r), (255, 255, 255))
    if rng.random() < 0.5:  # brows in a V above the beak
        for k in (-1, 1):
            draw.line([(cx + k * 0.04 * s, cy - 0.45 * s), (cx + k * 0.38 * s, cy - 0.62 * s)], fill=ink, width=3)
    beak = dr.jitter(rng, dr.pick(rng, [(90, 85, 80), (230, 190, 70), (60, 55, 55), (200, 180, 160)]), 8)
    draw.polygon(
        [(cx - 0.06 * s, cy - 0.3 * s), (cx + 0.06 * s, cy - 0.3 * s), (cx, cy - 0.13 * s)],
        fill=beak,
        outline=dr.ink(beak),
        width=1,
    )


# --- kinds that are in neither the source nor the owl class ----------------------------------------
# Drawn for the "not_owl" pictures only, so that part of them shows creatures the pretrained base never saw.


def draw_hedgehog(draw, rng, cx, cy, s) -> None:
    """A hedgehog seen from the side: a dome of spines, a pale pointed face, a black nose, small feet."""
    spines = dr.jitter(rng, dr.pick(rng, [(112, 82, 56), (82, 64, 50), (140, 112, 82), (96, 92, 88)]), 12)
    face = dr.jitter(rng, dr.pick(rng, [(222, 196, 160), (200, 170, 132), (236, 222, 204)]), 10)
    ink, tips = dr.ink(spines), dr.shade(spines, 0.55)
    for dx in (-0.5, -0.2, 0.15, 0.42):  # feet
        dr.oval(draw, cx + dx * s, cy + 0.55 * s, 0.1 * s, 0.07 * s, dr.shade(face, 0.8), dr.ink(face))
    bx, by, rx, ry = cx - 0.15 * s, cy + 0.45 * s, 0.72 * s, 0.62 * s  # the dome of spines
    n = int(rng.integers(13, 19))
    step = 180 / n
    for a in np.linspace(180 + step / 2, 360 - step / 2, n):
        length = rng.uniform(1.2, 1.38)
        base = [(bx + rx * np.cos(np.radians(b)), by + ry * np.sin(np.radians(b))) for b in (a - step, a + step)]
        tip = (bx + length * rx * np.cos(np.radians(a)), by + length * ry * np.sin(np.radians(a)))
        draw.polygon([base[0], tip, base[1]], fill=tips, outline=ink, width=1)
    draw.chord([bx - rx, by - ry, bx + rx, by + ry], 180, 360, fill=spines, outline=ink, width=2)
    for _ in range(int(rng.integers(10, 18))):  # short strokes of spines on the dome
        a, d = np.radians(rng.uniform(195, 345)), rng.uniform(0.3, 0.85)
        x, y = bx + d * rx * np.cos(a), by + d * ry * np.sin(a)
        draw.line([(x, y), (x + 0.12 * s * np.cos(a), y + 0.12 * s * np.sin(a))], fill=tips, width=2)
    hx, hy = cx + 0.55 * s, cy + 0.25 * s  # the face
    dr.oval(draw, hx, hy, 0.3 * s, 0.26 * s, face, dr.ink(face))
    draw.polygon(
        [(hx + 0.1 * s, hy - 0.2 * s), (hx + 0.55 * s, hy + 0.08 * s), (hx + 0.1 * s, hy + 0.24 * s)], fill=face
    )
    draw.line([(hx + 0.1 * s, hy - 0.2 * s), (hx + 0.55 * s, hy + 0.08 * s)], fill=dr.ink(face), width=2)
    dr.circle(draw, hx + 0.55 * s, hy + 0.08 * s, 0.07 * s, (25, 20, 20))
    dr.circle(draw, hx + 0.08 * s, hy - 0.06 * s, 0.055 * s, (20, 18, 18))
    dr.circle(draw, hx + 0.065 * s, hy - 0.075 * s, 0.018 * s, (255, 255, 255))
    dr.circle(draw, hx - 0.12 * s, hy - 0.22 * s, 0.08 * s, dr.shade(face, 0.85), dr.ink(face))  # ear


def draw_mouse(draw, rng, cx, cy, s) -> None:
    """A mouse seen from the side: big round ears, a pointed snout with whiskers, a long thin tail."""
    fur = dr.jitter(rng, dr.pick(rng, [(150, 150, 156), (120, 96, 76), (236, 232, 224), (90, 84, 82), (196, 160, 120)]))
    ink, pink = dr.ink(fur), dr.jitter(rng, (236, 160, 170), 10)
    t = np.linspace(0, 1, 14)[:, None]
    start, bend = np.array([cx - 0.6 * s, cy + 0.45 * s]), np.array([cx - 1.2 * s, cy + 0.75 * s])
    end = np.array([cx - 1.05 * s, cy + rng.uniform(-0.3, 0.2) * s])
    tail = [tuple(p) for p in ((1 - t) ** 2 * start + 2 * t * (1 - t) * bend + t**2 * end).tolist()]
    draw.line(tail, fill=pink, width=max(2, int(0.05 * s)), joint="curve")
    for dx in (-0.35, 0.25):  # feet
        dr.oval(draw, cx + dx * s, cy + 0.62 * s, 0.12 * s, 0.06 * s, pink, dr.ink(pink))
    dr.oval(draw, cx - 0.1 * s, cy + 0.25 * s, 0.62 * s, 0.42 * s, fur, ink)  # body
    hx, hy = cx + 0.45 * s, cy - 0.02 * s
    dr.oval(draw, hx, hy, 0.36 * s, 0.27 * s, fur, ink, angle=-12)  # head
    draw.polygon(
        [(hx + 0.15 * s, hy - 0.2 * s), (hx + 0.62 * s, hy + 0.05 * s), (hx + 0.15 * s, hy + 0.2 * s)], fill=fur
    )
    draw.line([(hx + 0.15 * s, hy - 0.2 * s), (hx + 0.62 * s, hy + 0.05 * s)], fill=ink, width=2)
    dr.circle(draw, hx + 0.62 * s, hy + 0.05 * s, 0.055 * s, dr.shade(pink, 0.8))
    for k, dx in ((0.9, -0.22), (1.0, -0.02)):  # two big round ears, the far one darker
        ear = fur if k == 1.0 else dr.shade(fur, 0.85)
        dr.circle(draw, hx + dx * s, hy - 0.3 * s, 0.22 * s, ear, ink)
        dr.circle(draw, hx + dx * s, hy - 0.3 * s, 0.14 * s, pink)
    dr.circle(draw, hx + 0.2 * s, hy - 0.05 * s, 0.06 * s, (18, 16, 16))
    dr.circle(draw, hx + 0.18 * s, hy - 0.07 * s, 0.02 * s, (255, 255, 255))
    whisker = (40, 40, 40) if sum(fur) > 360 else (225, 225, 225)
    for dy in (-0.12, 0.0, 0.12):
        draw.line([(hx + 0.5 * s, hy + 0.06 * s), (hx + 0.85 * s, hy + (0.06 + dy) * s)], fill=whisker, width=1)


def draw_fox(draw, rng, cx, cy, s) -> None:
    """A fox sitting, seen from the front: a pointed face with white cheeks, tall ears with dark backs,
    a white chest, dark legs and a bushy tail with a white tip."""
    fur = dr.jitter(rng, dr.pick(rng, [(222, 112, 40), (200, 84, 36), (236, 150, 70), (130, 120, 118)]), 12)
    white, dark = (244, 240, 232), dr.shade(fur, 0.35)
    ink = dr.ink(fur)
    side = 1 if rng.random() < 0.5 else -1
    tail = (cx + side * 0.72 * s, cy + 0.72 * s)
    dr.oval(draw, *tail, 0.5 * s, 0.2 * s, fur, ink, angle=side * rng.uniform(-35, -10))
    dr.circle(draw, tail[0] + side * 0.42 * s, tail[1] - 0.12 * s, 0.14 * s, white)
    dr.oval(draw, cx, cy + 0.42 * s, 0.42 * s, 0.5 * s, fur, ink)  # body
    draw.polygon([(cx - 0.22 * s, cy + 0.0 * s), (cx + 0.22 * s, cy + 0.0 * s), (cx, cy + 0.65 * s)], fill=white)
    for k in (-1, 1):  # legs in dark socks
        dr.oval(draw, cx + k * 0.18 * s, cy + 0.82 * s, 0.1 * s, 0.18 * s, dark, (10, 10, 10))
    for k in (-1, 1):  # tall ears
        ear = [
            (cx + k * 0.12 * s, cy - 0.62 * s),
            (cx + k * 0.45 * s, cy - 1.12 * s),
            (cx + k * 0.52 * s, cy - 0.45 * s),
        ]
        draw.polygon(ear, fill=fur, outline=ink, width=2)
        draw.polygon([ear[1], (cx + k * 0.38 * s, cy - 0.9 * s), (cx + k * 0.5 * s, cy - 0.85 * s)], fill=dark)
        inner = [
            (cx + k * 0.22 * s, cy - 0.6 * s),
            (cx + k * 0.43 * s, cy - 0.95 * s),
            (cx + k * 0.46 * s, cy - 0.55 * s),
        ]
        draw.polygon(inner, fill=white)
    dr.oval(draw, cx, cy - 0.48 * s, 0.48 * s, 0.3 * s, fur, ink)  # forehead
    face = [(cx - 0.62 * s, cy - 0.35 * s), (cx + 0.62 * s, cy - 0.35 * s), (cx, cy + 0.05 * s)]
    draw.polygon(face, fill=fur, outline=ink, width=2)
    for k in (-1, 1):  # white cheeks down to the muzzle
        draw.polygon(
            [(cx + k * 0.58 * s, cy - 0.34 * s), (cx + k * 0.08 * s, cy - 0.3 * s), (cx, cy + 0.03 * s)], fill=white
        )
    iris = dr.jitter(rng, dr.pick(rng, [(230, 170, 40), (200, 140, 50), (240, 200, 80)]), 10)
    for k in (-1, 1):
        dr.oval(draw, cx + k * 0.2 * s, cy - 0.45 * s, 0.09 * s, 0.06 * s, iris, (20, 18, 16), angle=k * 20)
        dr.oval(draw, cx + k * 0.2 * s, cy - 0.45 * s, 0.02 * s, 0.055 * s, (15, 15, 15))
    dr.oval(draw, cx, cy - 0.02 * s, 0.07 * s, 0.05 * s, (22, 20, 20))


def draw_turtle(draw, rng, cx, cy, s) -> None:
    """A turtle seen from the side: a domed shell with plates and a rim, a head on a neck, stubby legs."""
    shell = dr.jitter(rng, dr.pick(rng, [(90, 130, 60), (130, 100, 60), (110, 120, 70), (70, 110, 90), (160, 120, 60)]))
    skin = dr.jitter(rng, dr.pick(rng, [(130, 170, 90), (160, 170, 110), (120, 130, 110), (170, 150, 100)]), 12)
    ink, plate = dr.ink(shell), dr.shade(shell, rng.uniform(1.15, 1.35))
    for dx in (-0.5, -0.2, 0.2, 0.45):  # legs
        dr.oval(draw, cx + dx * s, cy + 0.2 * s, 0.12 * s, 0.16 * s, skin, dr.ink(skin))
    draw.polygon(
        [(cx - 0.7 * s, cy + 0.05 * s), (cx - 0.95 * s, cy + 0.18 * s), (cx - 0.68 * s, cy + 0.2 * s)],
        fill=skin,
        outline=dr.ink(skin),
        width=2,
    )  # tail
    up = rng.uniform(-0.15, 0.1) * s  # the head, a little up or down
    dr.outlined_capsule(
        draw, (cx + 0.55 * s, cy + 0.05 * s), (cx + 0.82 * s, cy - 0.12 * s + up), 0.2 * s, skin, dr.ink(skin), 2
    )
    hx, hy = cx + 0.9 * s, cy - 0.15 * s + up
    dr.oval(draw, hx, hy, 0.2 * s, 0.15 * s, skin, dr.ink(skin))
    dr.circle(draw, hx + 0.06 * s, hy - 0.04 * s, 0.045 * s, (18, 16, 16))
    dr.circle(draw, hx + 0.05 * s, hy - 0.05 * s, 0.015 * s, (255, 255, 255))
    draw.line([(hx + 0.05 * s, hy + 0.07 * s), (hx + 0.19 * s, hy + 0.04 * s)], fill=dr.ink(skin), width=2)
    box = [cx - 0.75 * s, cy - 0.62 * s, cx + 0.65 * s, cy + 0.5 * s]
    draw.chord(box, 180, 360, fill=shell, outline=ink, width=2)
    for x in (-0.45, -0.05, 0.35):  # the plates along the top
        dr.oval(draw, cx + x * s, cy - 0.22 * s, 0.15 * s, 0.14 * s, plate, ink)
    for x in (-0.6, -0.25, 0.15, 0.5):
        draw.line([(cx + x * s, cy - 0.02 * s), (cx + (x + 0.05) * s, cy - 0.1 * s)], fill=ink, width=2)
    rim = dr.shade(shell, 0.8)
    draw.rounded_rectangle(
        [cx - 0.78 * s, cy - 0.08 * s, cx + 0.68 * s, cy + 0.06 * s], radius=0.07 * s, fill=rim, outline=ink, width=2
    )


def draw_rabbit(draw, rng, cx, cy, s) -> None:
    """A rabbit sitting, seen from the front: long ears (upright or lop), a round face, buck teeth,
    whiskers, big hind feet."""
    fur = dr.jitter(
        rng, dr.pick(rng, [(240, 238, 232), (170, 160, 150), (150, 110, 80), (210, 180, 140), (90, 80, 78)])
    )
    ink, pink = dr.ink(fur), (238, 170, 180)
    light = dr.as_colour(0.5 * np.asarray(fur) + 0.5 * np.array([250, 248, 242]))
    lop = rng.random() < 0.3
    for k in (-1, 1):  # hind feet, body
        dr.oval(draw, cx + k * 0.3 * s, cy + 0.88 * s, 0.22 * s, 0.09 * s, fur, ink)
    dr.oval(draw, cx, cy + 0.45 * s, 0.5 * s, 0.47 * s, fur, ink)
    dr.oval(draw, cx, cy + 0.5 * s, 0.28 * s, 0.32 * s, light)
    for k in (-1, 1):  # ears
        if lop:
            dr.oval(draw, cx + k * 0.42 * s, cy - 0.2 * s, 0.13 * s, 0.4 * s, fur, ink, angle=k * -15)
            dr.oval(draw, cx + k * 0.42 * s, cy - 0.18 * s, 0.07 * s, 0.3 * s, pink, angle=k * -15)
        else:
            tilt = k * rng.uniform(5, 18)
            dr.oval(draw, cx + k * 0.2 * s, cy - 0.9 * s, 0.13 * s, 0.42 * s, fur, ink, angle=tilt)
            dr.oval(draw, cx + k * 0.2 * s, cy - 0.88 * s, 0.07 * s, 0.32 * s, pink, angle=tilt)
    dr.oval(draw, cx, cy - 0.3 * s, 0.38 * s, 0.34 * s, fur, ink)  # head
    for k in (-1, 1):
        dr.oval(draw, cx + k * 0.1 * s, cy - 0.14 * s, 0.12 * s, 0.09 * s, light)  # muzzle
        _eye(draw, rng, cx + k * 0.18 * s, cy - 0.38 * s, 0.07 * s, iris=(40, 28, 24))
    draw.polygon([(cx - 0.05 * s, cy - 0.24 * s), (cx + 0.05 * s, cy - 0.24 * s), (cx, cy - 0.18 * s)], fill=pink)
    draw.rectangle(
        [cx - 0.045 * s, cy - 0.1 * s, cx + 0.045 * s, cy - 0.02 * s], fill=(250, 250, 250), outline=(120, 120, 120)
    )
    whisker = (40, 40, 40) if sum(fur) > 360 else (225, 225, 225)
    for k in (-1, 1):
        for dy in (-0.08, 0.0, 0.08):
            draw.line(
                [(cx + k * 0.15 * s, cy - 0.15 * s), (cx + k * 0.6 * s, cy + (dy - 0.17) * s)], fill=whisker, width=1
            )


DRAWERS: dict[str, Drawer] = {
    "bird": draw_bird,
    "butterfly": draw_butterfly,
    "cat": draw_cat,
    "fish": draw_fish,
    "flower": draw_flower,
    "frog": draw_frog,
    "ladybug": draw_ladybug,
    "snail": draw_snail,
    "spider": draw_spider,
    "penguin": draw_penguin,
    "chick": draw_chick,
    "bat": draw_bat,
    "owl": draw_owl,
    "fox": draw_fox,
    "hedgehog": draw_hedgehog,
    "mouse": draw_mouse,
    "rabbit": draw_rabbit,
    "turtle": draw_turtle,
}


# --- scenes ------------------------------------------------------------------------------------


def _backdrop(rng: np.random.Generator, size: tuple[int, int]) -> Image.Image:
    """Plain, gradient, sky, night, meadow or leafy backdrops of ``size``, chosen whatever the creature."""
    kind = dr.pick(rng, ["gradient", "gradient", "plain", "sky", "night", "meadow", "leaves"])
    if kind in ("gradient", "plain"):
        first = dr.random_colour(rng, saturation=rng.uniform(0.2, 0.9))
        second = dr.random_colour(rng, saturation=rng.uniform(0.2, 0.9)) if kind == "gradient" else first
    elif kind == "sky":
        first, second = dr.jitter(rng, (110, 160, 230), 20), dr.jitter(rng, (200, 225, 250), 15)
    elif kind == "night":
        first, second = dr.jitter(rng, (15, 20, 50), 8), dr.jitter(rng, (50, 50, 100), 15)
    elif kind == "meadow":
        first, second = dr.jitter(rng, (150, 200, 240), 20), dr.jitter(rng, (90, 160, 70), 20)
    else:
        first, second = dr.jitter(rng, (60, 110, 60), 20), dr.jitter(rng, (120, 160, 80), 20)
    angle = rng.uniform(0, 2 * np.pi) if kind in ("gradient", "leaves") else np.pi / 2 + rng.uniform(-0.2, 0.2)
    horizon = rng.uniform(0.4, 0.75) if kind == "meadow" else None  # a horizon instead of a smooth blend
    image = dr.gradient(size, first, second, angle, horizon)
    draw = ImageDraw.Draw(image)
    width, height = size
    if kind == "sky":
        for _ in range(int(rng.integers(1, 4))):
            x, y, w = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(20, 50)
            for dx in (-0.6, 0.0, 0.6):
                dr.oval(draw, x + dx * w, y + abs(dx) * 0.2 * w, 0.55 * w, 0.35 * w, (248, 248, 250))
    elif kind == "night":
        for _ in range(int(rng.integers(10, 30))):
            x, y = rng.uniform(0, size)
            dr.circle(draw, x, y, rng.uniform(0.8, 2.0), (250, 250, 220))
        if rng.random() < 0.5:
            dr.circle(draw, *rng.uniform(20, np.array(size) - 20), rng.uniform(10, 20), (245, 240, 200))
    elif kind == "leaves":
        for _ in range(int(rng.integers(15, 40))):
            x, y = rng.uniform(0, size)
            rx, ry, colour = rng.uniform(6, 16), rng.uniform(3, 7), dr.jitter(rng, second, 35)
            dr.oval(draw, x, y, rx, ry, colour, angle=rng.uniform(0, 180))
    return image


def _clutter(image: Image.Image, rng: np.random.Generator, count: int) -> None:
    """Pebbles, leaves, blobs and sticks scattered over the backdrop (behind the creature)."""
    draw = ImageDraw.Draw(image)
    far = np.array(image.size) + 10
    for _ in range(count):
        colour = dr.random_colour(rng, saturation=rng.uniform(0.2, 1.0))
        x, y = rng.uniform(-10, far)
        w, h = rng.uniform(6, 36, size=2)
        kind = rng.integers(4)
        if kind == 0:
            dr.oval(draw, x, y, w / 2, h / 2, colour, dr.ink(colour), angle=rng.uniform(0, 180))
        elif kind == 1:
            draw.rectangle([x, y, x + w, y + h], fill=colour)
        elif kind == 2:
            dr.oval(draw, x, y, w / 2, w / 5, dr.jitter(rng, (80, 140, 60), 30), angle=rng.uniform(0, 180))
        else:
            x1, y1 = rng.uniform(-10, far)
            draw.line([(x, y), (x1, y1)], fill=colour, width=int(rng.integers(2, 6)))


def creature_scene(rng: np.random.Generator, kind: str, scale: tuple[float, float] = (0.26, 0.42)) -> dr.Scene:
    """A scene with one creature of ``kind`` on a random backdrop, before lighting and noise.

    The creature is about ``2 s`` wide, ``s`` drawn from ``scale`` (a share of the picture's side).
    """
    scene = dr.Scene(SIZE)
    scene.backdrop = _backdrop(rng, scene.canvas)
    if rng.random() < 0.5:
        _clutter(scene.backdrop, rng, int(rng.integers(1, 7)))
    layer = scene.layer()
    side = scene.canvas[0]
    s = rng.uniform(*scale) * side
    cx, cy = layer.centre
    DRAWERS[kind](layer.draw, rng, cx, cy, s)
    flip = rng.random() < 0.5
    room = max(0.0, side / 2 - 1.05 * s)  # keep most of the creature in view
    shift = tuple(rng.uniform(-room - 0.15 * s, room + 0.15 * s, size=2))
    angle = rng.uniform(-25, 25)
    scene.add_layer(layer, angle, shift, centre=(cx, cy), flip=flip)
    return scene


def draw_scene(
    rng: np.random.Generator,
    kind: str,
    noise: tuple[float, float] = (0.0, 4.0),
    scale: tuple[float, float] = (0.26, 0.42),
) -> np.ndarray:
    """One creature of ``kind`` on a random backdrop, as a (96, 96, 3) uint8 array.

    Every picture gets pixel noise, its standard deviation drawn from ``noise`` (0 for none).
    """
    return creature_scene(rng, kind, scale).finish(rng, noise=noise, light=0.8, noisy_share=1.0)


# --- the two datasets --------------------------------------------------------------------------


def source_labels(n: int, seed: int) -> np.ndarray:
    """The shuffled, balanced labels of a source split."""
    return dr.balanced_labels(np.random.default_rng(seed), n, len(SOURCE_CLASSES))


def generate_source(n: int, seed: int, start: int = 0, stop: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Images ``start`` to ``stop - 1`` (default: all ``n``) of a source split of ``n`` images:
    (m, 96, 96, 3) uint8 and labels (m,) int64.

    Image ``i`` depends only on ``(seed, i)``, so any slice can be redrawn on its own.
    """
    labels = source_labels(n, seed)[start:stop]
    images = [
        _palette(draw_scene(np.random.default_rng([seed, start + i]), SOURCE_CLASSES[label], (0.0, 0.0), SOURCE_SCALE))
        for i, label in enumerate(labels)
    ]
    return (np.stack(images) if images else np.zeros((0, SIZE, SIZE, 3), np.uint8)), labels


def _palette(image: np.ndarray, colours: int = SOURCE_COLOURS) -> np.ndarray:
    """The image redrawn with its own palette of ``colours`` colours (median cut, no dithering)."""
    reduced = Image.fromarray(image, "RGB").quantize(colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    return np.asarray(reduced.convert("RGB"))


def target_kinds(seed: int, n: int) -> list[str]:
    """What each of ``n`` "not_owl" pictures shows, a seeded draw.

    Pictures ``2j`` and ``2j + 1`` are one seen and one unseen kind, in random order, each picked
    uniformly from its list: half of the pictures are of each group, and the first kinds do not depend
    on ``n``.
    """
    rng = np.random.default_rng(seed)
    kinds = []
    for _ in range((n + 1) // 2):
        seen, unseen = dr.pick(rng, SEEN_NOT_OWLS), dr.pick(rng, UNSEEN_NOT_OWLS)
        kinds += [seen, unseen] if rng.random() < 0.5 else [unseen, seen]
    return kinds[:n]


def generate_target(label: str, indices: Sequence[int]) -> list[np.ndarray]:
    """The target images ``indices`` of class ``label`` ("owl" or "not_owl") as uint8 arrays."""
    n, seed = TARGET_COUNTS[label]
    kinds = ["owl"] * n if label == "owl" else target_kinds(seed, n)
    return [draw_scene(np.random.default_rng([seed, i]), kinds[i], (0.0, 3.0), TARGET_SCALE) for i in indices]


def build_source(out_dir: Path) -> list[Path]:
    """Write ``<out_dir>/transfer_source/{train,val}_transfer_source.h5`` and return their paths."""
    written = []
    for split, (n, seed) in SOURCE_SPLITS.items():
        x, y = generate_source(n, seed)
        written.append(
            write_split(Path(out_dir) / SOURCE_NAME / f"{split}_{SOURCE_NAME}.h5", split, x, y, SOURCE_CLASSES)
        )
    return written


def build_target(out_dir: Path) -> list[Path]:
    """Write ``<out_dir>/owls/{owl,not_owl}/*.png`` (stale PNGs there are removed) and the table
    ``<out_dir>/owls/kinds.csv`` of what each picture shows; return the paths."""
    root = Path(out_dir) / TARGET_NAME
    written, rows = [], ["file,kind"]
    for label, (n, seed) in TARGET_COUNTS.items():
        folder = root / label
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.png"):
            stale.unlink()
        kinds = ["owl"] * n if label == "owl" else target_kinds(seed, n)
        for i, image in enumerate(generate_target(label, range(n))):
            path = folder / f"{label}_{i:03d}.png"
            path.write_bytes(png_bytes(image))
            written.append(path)
            rows.append(f"{path.name},{kinds[i]}")
    table = Path(out_dir) / TARGET_KINDS_FILE
    table.write_text("\n".join(rows) + "\n", encoding="utf-8", newline="\n")
    return written + [table]


def build(out_dir: Path) -> list[Path]:
    """Both datasets."""
    return build_source(out_dir) + build_target(out_dir)
