"""The style-transfer pictures: two content pictures and two painterly style pictures (PNG).

* ``content/grace_hopper.png``: the portrait photograph that ships with matplotlib
  (``matplotlib.cbook.get_sample_data("grace_hopper.jpg")``; a U.S. Navy photograph, in the public
  domain), its upper part cropped to a square;
* ``content/harbour.png``: a harbour at dusk (hills, houses, boats, a pier and their reflections),
  drawn here;
* ``style/swirls.png``: thick brush strokes following swirling currents, ultramarine and cobalt
  with yellow stars and a dark flame-like tree;
* ``style/strokes.png``: long diagonal strokes of autumn colours (vermilion, orange, ochre, deep
  red) with a few teal ones, each stroke with a darker edge and a light ridge.

Every stroke follows a flow field and has the texture of a loaded brush; everything random comes
from ``numpy.random.default_rng(seed)`` and the pictures are drawn twice as large and shrunk, so
the same code always writes the same bytes. Build with ``python -m course_tools data --only style_images``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from shared_utils.datasets import style_images as loader

from . import drawing
from .storage import png_bytes, write_atomically

NAME = loader.NAME
SIZE = loader.STORED_SIZE[1], loader.STORED_SIZE[0]  # (width, height)
BIG = (SIZE[0] * drawing.SUPERSAMPLE, SIZE[1] * drawing.SUPERSAMPLE)
SEEDS = {"harbour": 41, "swirls": 42, "strokes": 43}

# --- helpers -----------------------------------------------------------------------------------


def smooth_field(rng: np.random.Generator, waves: int = 6, scale: float = 3.0) -> Callable:
    """A smooth random function of (x, y) in [0, 1]^2 with values in about [-1, 1]: a sum of waves."""
    freq = rng.normal(0, scale, size=(waves, 2))
    phase = rng.uniform(0, 2 * np.pi, size=waves)
    weight = rng.uniform(0.5, 1.0, size=waves)
    weight = weight / weight.sum()

    def field(x, y):
        x, y = np.asarray(x, float), np.asarray(y, float)
        total = sum(w * np.sin(2 * np.pi * (f[0] * x + f[1] * y) + p) for f, p, w in zip(freq, phase, weight))
        return np.asarray(total) * 1.6

    return field


def streamline(start: tuple[float, float], angle_at: Callable, length: float, step: float) -> list[tuple[float, float]]:
    """Points of a curve from ``start`` that follows the direction ``angle_at(x, y)`` (radians)."""
    x, y = start
    points = [(x, y)]
    for _ in range(max(1, int(length / step))):
        a = float(angle_at(x, y))
        x, y = x + step * np.cos(a), y + step * np.sin(a)
        points.append((x, y))
    return points


def brush_stroke(draw: ImageDraw.ImageDraw, points, width: float, colour, rng: np.random.Generator) -> None:
    """A loaded-brush stroke: a darker rim, the paint, and a thin light ridge along one side."""
    width = max(2.0, width)
    rim = drawing.shade(colour, rng.uniform(0.6, 0.8))
    ridge = drawing.as_colour(np.asarray(colour, float) * 0.7 + 255 * 0.3)
    for pts, w, fill in ((points, width + 3, rim), (points, width, colour)):
        draw.line(pts, fill=fill, width=int(round(w)), joint="curve")
        r = w / 2
        for x, y in (pts[0], pts[-1]):
            draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)
    offset = width * 0.22
    ridge_points = [(x + offset, y - offset) for x, y in points[1:-1]]
    if len(ridge_points) >= 2:
        draw.line(ridge_points, fill=ridge, width=max(1, int(width * 0.18)), joint="curve")


def canvas_texture(pixels: np.ndarray, rng: np.random.Generator, amount: float = 10.0) -> np.ndarray:
    """A woven-canvas grain: faint crossing threads plus a little noise."""
    height, width = pixels.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width]
    weave = np.sin(xx * 1.9) * np.sin(yy * 1.9)
    grain = amount * (0.6 * weave + 0.4 * rng.normal(0, 1, size=(height, width)))
    return pixels + grain[..., None]


def to_uint8(image: Image.Image, rng: np.random.Generator, texture: float = 6.0) -> np.ndarray:
    small = image.resize(SIZE, Image.Resampling.LANCZOS)
    pixels = canvas_texture(np.asarray(small, np.float64), rng, texture)
    return np.clip(np.round(pixels), 0, 255).astype(np.uint8)


def mix(a, b, t: float):
    return drawing.as_colour((1 - t) * np.asarray(a, float) + t * np.asarray(b, float))


# --- style: swirls -----------------------------------------------------------------------------

_NIGHT = [(22, 38, 96), (32, 60, 140), (48, 92, 170), (78, 124, 190), (120, 160, 205), (26, 46, 118)]
_STAR = [(250, 214, 70), (252, 236, 140), (240, 190, 50), (255, 246, 200)]
_TREE = [(18, 36, 30), (30, 58, 40), (12, 24, 22), (44, 70, 50)]
_HILLS = [(30, 52, 100), (46, 78, 110), (22, 40, 80), (64, 96, 120)]


def draw_swirls(seed: int = SEEDS["swirls"]) -> np.ndarray:
    """Swirling night-sky brushwork: blue currents curling round yellow stars, a dark tree, hills."""
    rng = np.random.default_rng(seed)
    w, h = BIG
    image = Image.new("RGB", BIG, (28, 48, 110))
    draw = ImageDraw.Draw(image)
    stars = [(0.84 * w, 0.15 * h, 0.1 * w)]  # a moon, then stars kept apart from each other
    while len(stars) < 6:
        x, y, r = rng.uniform(0.3, 0.95) * w, rng.uniform(0.06, 0.5) * h, rng.uniform(0.045, 0.07) * w
        if all(np.hypot(x - sx, y - sy) > 2.2 * (r + sr) for sx, sy, sr in stars):
            stars.append((x, y, r))
    vortices = [(rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.45) * h, rng.choice([-1.0, 1.0])) for _ in range(2)]
    noise = smooth_field(rng, 6, 2.5)
    hill_line = smooth_field(rng, 3, 1.0)

    def horizon(x):
        return h * (0.72 + 0.06 * hill_line(x / w, 0.3))

    def angle_at(x, y):
        u, v = np.cos(0.35 * np.sin(2 * np.pi * y / h * 1.5)), 0.35 * np.sin(2 * np.pi * x / w * 2 + 1)
        for cx, cy, turn in vortices:
            dx, dy, d2 = x - cx, y - cy, (x - cx) ** 2 + (y - cy) ** 2
            pull = 3.0 * (0.18 * w) ** 2 / (d2 + (0.05 * w) ** 2)
            u, v = u - turn * pull * dy / np.sqrt(d2 + 1), v + turn * pull * dx / np.sqrt(d2 + 1)
        for cx, cy, r in stars:
            dx, dy, d2 = x - cx, y - cy, (x - cx) ** 2 + (y - cy) ** 2
            ring = 2.5 * np.exp(-d2 / (2.2 * r) ** 2)
            u, v = u - ring * dy / np.sqrt(d2 + 1), v + ring * dx / np.sqrt(d2 + 1)
        return np.arctan2(v, u) + 0.25 * noise(x / w, y / h)

    # the sky, in three passes of shorter and thinner strokes
    for count, length, width in ((900, 70, 16), (1400, 48, 11), (1800, 30, 8)):
        for _ in range(count):
            x, y = rng.uniform(-20, w + 20), rng.uniform(-20, h * 0.85)
            tone = 0.5 + 0.5 * noise(x / w, y / h) + rng.normal(0, 0.18)
            colour = _NIGHT[int(np.clip(tone * len(_NIGHT), 0, len(_NIGHT) - 1))]
            near = min(np.hypot(x - cx, y - cy) / r for cx, cy, r in stars)
            if near < 2.3 and rng.random() < 0.55 * (2.3 - near):
                colour = drawing.pick(rng, _STAR) if near < 1.6 else mix(drawing.pick(rng, _STAR), colour, 0.5)
            pts = streamline((x, y), angle_at, length * rng.uniform(0.7, 1.3), 4.0)
            brush_stroke(draw, pts, width * rng.uniform(0.8, 1.2), drawing.jitter(rng, colour, 8), rng)
    # stars and moon: concentric rings of short strokes round a bright core
    for cx, cy, r in stars:
        drawing.circle(draw, cx, cy, r * 0.55, fill=drawing.pick(rng, _STAR))
        for ring in np.linspace(0.2, 1.0, 5):
            for t in np.linspace(0, 2 * np.pi, int(10 + 22 * ring), endpoint=False):
                t = t + rng.uniform(-0.1, 0.1)
                px, py = cx + ring * r * np.cos(t), cy + ring * r * np.sin(t)
                pts = [
                    (px + 8 * np.cos(t + np.pi / 2 + k * 0.12) * k, py + 8 * np.sin(t + np.pi / 2 + k * 0.12) * k)
                    for k in range(4)
                ]
                brush_stroke(draw, pts, rng.uniform(6, 10), drawing.jitter(rng, drawing.pick(rng, _STAR), 10), rng)
    # hills: horizontal strokes below a wavy horizon
    for _ in range(900):
        x = rng.uniform(-20, w + 20)
        y = rng.uniform(horizon(x), h + 10)
        pts = streamline((x, y), lambda px, py: 0.25 * np.sin(px / w * 9) + 0.15 * noise(px / w, py / h), 40, 4.0)
        colour = drawing.pick(rng, _HILLS) if rng.random() < 0.9 else (230, 200, 90)  # lit windows
        brush_stroke(draw, pts, rng.uniform(8, 13), drawing.jitter(rng, colour, 8), rng)
    # a tall dark tree like a flame on the left: upward wavy strokes
    base_x = 0.17 * w
    for _ in range(650):
        t = rng.uniform(0, 1)  # 0 at the top, 1 at the foot
        y = h * (0.08 + 0.95 * t)
        half = 0.09 * w * (0.15 + 0.85 * t**0.7)
        x = base_x + rng.uniform(-half, half)
        pts = streamline(
            (x, y), lambda px, py: -np.pi / 2 + 0.6 * np.sin(py / h * 18 + px / w * 6), rng.uniform(30, 60), 4.0
        )
        brush_stroke(draw, pts, rng.uniform(8, 14), drawing.jitter(rng, drawing.pick(rng, _TREE), 6), rng)
    image = image.filter(ImageFilter.SMOOTH)
    return to_uint8(image, rng, texture=5.0)


# --- style: strokes ----------------------------------------------------------------------------

_AUTUMN = [(214, 70, 38), (236, 128, 40), (246, 182, 66), (178, 40, 36), (120, 34, 30), (204, 150, 70)]
_TEAL = [(38, 118, 122), (70, 150, 140), (26, 80, 96)]
_DARK = [(60, 28, 24), (90, 46, 30)]


def draw_strokes(seed: int = SEEDS["strokes"]) -> np.ndarray:
    """Long, thick diagonal strokes in autumn colours with teal accents, layered like a palette-knife study."""
    rng = np.random.default_rng(seed)
    w, h = BIG
    image = Image.new("RGB", BIG, (150, 70, 40))
    draw = ImageDraw.Draw(image)
    direction = smooth_field(rng, 4, 1.2)
    tone_field = smooth_field(rng, 6, 2.0)
    teal_field = smooth_field(rng, 3, 1.5)

    def angle_at(x, y):
        return -0.7 + 0.55 * direction(x / w, y / h)

    for count, length, width in ((450, 150, 26), (800, 100, 18), (1100, 60, 12)):
        for _ in range(count):
            x, y = rng.uniform(-40, w + 40), rng.uniform(-40, h + 40)
            tone = 0.5 + 0.5 * tone_field(x / w, y / h) + rng.normal(0, 0.2)
            colour = _AUTUMN[int(np.clip(tone * len(_AUTUMN), 0, len(_AUTUMN) - 1))]
            if teal_field(x / w, y / h) > 0.7 and rng.random() < 0.6:
                colour = drawing.pick(rng, _TEAL)
            elif rng.random() < 0.08:
                colour = drawing.pick(rng, _DARK)
            pts = streamline((x, y), angle_at, length * rng.uniform(0.6, 1.4), 5.0)
            brush_stroke(draw, pts, width * rng.uniform(0.75, 1.25), drawing.jitter(rng, colour, 10), rng)
    # a few short cross-hatching dabs across the grain
    for _ in range(120):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        pts = streamline((x, y), lambda px, py: angle_at(px, py) + np.pi / 2, rng.uniform(14, 24), 4.0)
        colour = drawing.pick(rng, _AUTUMN + _DARK)
        brush_stroke(draw, pts, rng.uniform(5, 9), drawing.jitter(rng, colour, 10), rng)
    return to_uint8(image, rng, texture=6.0)


# --- content: a harbour at dusk ----------------------------------------------------------------


def draw_harbour(seed: int = SEEDS["harbour"]) -> np.ndarray:
    """A harbour at dusk: sky, sun, two ranges of hills, houses on the shore, boats, a pier, reflections."""
    rng = np.random.default_rng(seed)
    w, h = BIG
    sea_top = int(0.6 * h)
    sky = drawing.gradient((w, sea_top), (46, 60, 120), (246, 160, 90), np.pi / 2)
    image = Image.new("RGB", BIG)
    image.paste(sky, (0, 0))
    draw = ImageDraw.Draw(image)
    drawing.circle(draw, 0.68 * w, 0.42 * h, 0.07 * w, fill=(255, 214, 130))
    for k in range(4):  # thin clouds
        cx, cy = rng.uniform(0.1, 0.9) * w, rng.uniform(0.08, 0.3) * h
        drawing.oval(draw, cx, cy, rng.uniform(0.08, 0.16) * w, 0.012 * h + 2 * k, fill=(196, 130, 150))
    far = smooth_field(rng, 3, 1.0)
    near = smooth_field(rng, 4, 1.5)
    xs = np.linspace(0, w, 65)
    far_line = [(x, sea_top - (0.14 + 0.05 * far(x / w, 0)) * h) for x in xs]
    draw.polygon([*far_line, (w, sea_top), (0, sea_top)], fill=(112, 90, 130))
    near_line = [(x, sea_top - (0.06 + 0.035 * near(x / w, 0)) * h) for x in xs]
    draw.polygon([*near_line, (w, sea_top), (0, sea_top)], fill=(62, 70, 84))
    # houses along the shore
    x = 0.02 * w
    while x < 0.62 * w:
        hw, hh = rng.uniform(0.05, 0.08) * w, rng.uniform(0.06, 0.11) * h
        wall = drawing.jitter(
            rng, drawing.pick(rng, [(226, 196, 150), (206, 120, 90), (236, 226, 200), (170, 180, 190)]), 8
        )
        top = sea_top - hh
        draw.rectangle([x, top, x + hw, sea_top], fill=wall, outline=drawing.ink(wall), width=2)
        roof = drawing.jitter(rng, (150, 60, 50), 12)
        draw.polygon(
            [(x - 3, top), (x + hw / 2, top - 0.45 * hw), (x + hw + 3, top)], fill=roof, outline=drawing.ink(roof)
        )
        for row in range(2):
            wy = top + hh * (0.25 + 0.4 * row)
            for col in range(2):
                wx = x + hw * (0.2 + 0.4 * col)
                lit = (255, 220, 120) if rng.random() < 0.5 else (60, 70, 90)
                draw.rectangle([wx, wy, wx + 0.2 * hw, wy + 0.18 * hh], fill=lit)
        x += hw + rng.uniform(0.003, 0.02) * w
    # the sea, then the reflection of everything above it, broken by ripples
    sea = drawing.gradient((w, h - sea_top), (70, 80, 120), (24, 34, 64), np.pi / 2)
    image.paste(sea, (0, sea_top))
    upper = np.asarray(image, np.float64)[:sea_top]
    mirrored = upper[::-1][: h - sea_top]
    pixels = np.asarray(image, np.float64)
    rows = np.arange(h - sea_top)
    shift = (6 * np.sin(rows * 0.45) * (1 + rows / (h - sea_top))).astype(int)
    for r in rows:
        pixels[sea_top + r] = 0.55 * pixels[sea_top + r] + 0.45 * np.roll(mirrored[r], shift[r], axis=0)
    image = Image.fromarray(np.clip(np.round(pixels), 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(90):  # glints and ripples
        y = rng.uniform(sea_top + 4, h)
        x0 = rng.uniform(0, w)
        length = rng.uniform(10, 50)
        colour = (255, 200, 130) if abs(x0 - 0.68 * w) < 0.08 * w else (110, 120, 160)
        draw.line([(x0, y), (x0 + length, y)], fill=colour, width=2)
    # a pier on the right
    pier_y = sea_top + 0.05 * h
    draw.rectangle([0.62 * w, pier_y, w, pier_y + 0.025 * h], fill=(96, 66, 46), outline=(50, 34, 24), width=2)
    for px in np.linspace(0.64 * w, 0.98 * w, 8):
        draw.rectangle([px, pier_y, px + 0.012 * w, pier_y + 0.12 * h], fill=(70, 48, 34))
    # boats with sails
    for bx, by, size, sail in (
        (0.2, 0.78, 0.16, (240, 236, 220)),
        (0.48, 0.7, 0.11, (220, 90, 70)),
        (0.78, 0.86, 0.13, (240, 210, 120)),
    ):
        bx, by, bw = bx * w, by * h, size * w
        hull = drawing.jitter(rng, (40, 60, 110), 10)
        draw.polygon(
            [(bx - bw / 2, by), (bx + bw / 2, by), (bx + 0.35 * bw, by + 0.18 * bw), (bx - 0.35 * bw, by + 0.18 * bw)],
            fill=hull,
            outline=drawing.ink(hull),
            width=2,
        )
        draw.line([(bx, by), (bx, by - 0.9 * bw)], fill=(40, 30, 30), width=4)
        draw.polygon(
            [(bx + 3, by - 0.88 * bw), (bx + 3, by - 0.06 * bw), (bx + 0.45 * bw, by - 0.06 * bw)],
            fill=sail,
            outline=drawing.ink(sail),
        )
        draw.polygon(
            [(bx - 3, by - 0.7 * bw), (bx - 3, by - 0.06 * bw), (bx - 0.3 * bw, by - 0.06 * bw)],
            fill=drawing.shade(sail, 0.9),
            outline=drawing.ink(sail),
        )
    small = image.resize(SIZE, Image.Resampling.LANCZOS)
    return np.asarray(small, np.uint8)


# --- content: the photograph -------------------------------------------------------------------


def grace_hopper() -> np.ndarray:
    """matplotlib's sample portrait (512 x 600), its upper square shrunk to the stored size."""
    from matplotlib import cbook

    with Image.open(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)) as photo:
        photo = photo.convert("RGB")
        side = min(photo.size)
        left = (photo.size[0] - side) // 2
        square = photo.crop((left, 0, left + side, side))
        return np.asarray(square.resize(SIZE, Image.Resampling.LANCZOS), np.uint8)


PICTURES = {
    "content/grace_hopper.png": grace_hopper,
    "content/harbour.png": draw_harbour,
    "style/swirls.png": draw_swirls,
    "style/strokes.png": draw_strokes,
}


def build(out_dir: Path) -> list[Path]:
    """Write the four pictures under ``out_dir/style_images/`` and return their paths."""
    root = Path(out_dir) / NAME
    written = []
    for relative, draw in PICTURES.items():
        written.append(write_atomically(root / relative, png_bytes(draw())))
    return written
