"""Drawing primitives shared by the procedural datasets.

Each picture is drawn at ``SUPERSAMPLE`` times its final size and then shrunk, which gives smooth,
anti-aliased edges without any special drawing code.  Everything random takes a
``numpy.random.Generator`` so that a dataset is a pure function of its seed.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

SIZE = 64  # side of the final images, in pixels
SUPERSAMPLE = 2
CANVAS = SIZE * SUPERSAMPLE  # side of the canvas we draw on
# Figures are drawn on a larger transparent layer, so that rotating one never brings a cut edge
# (the bottom of an arm, of the shoulders) into view.  The canvas starts at (MARGIN, MARGIN) on it.
MARGIN = CANVAS // 2
NOISY_SHARE = 0.3  # the share of pictures with pixel noise

Colour = tuple[int, int, int]
Point = tuple[float, float]

# Skin tones from very light to very dark; a tone is picked anywhere along this path.
_SKIN_PATH = np.array(
    [
        (255, 228, 206),
        (241, 194, 160),
        (224, 172, 118),
        (198, 134, 82),
        (160, 100, 60),
        (120, 72, 42),
        (92, 58, 38),
    ],
    dtype=float,
)


def skin_tone(rng: np.random.Generator) -> Colour:
    """A skin colour drawn from a wide range of real tones, with a little jitter."""
    t = rng.uniform(0, len(_SKIN_PATH) - 1)
    i = min(int(t), len(_SKIN_PATH) - 2)
    tone = _SKIN_PATH[i] + (t - i) * (_SKIN_PATH[i + 1] - _SKIN_PATH[i])
    tone = tone + rng.normal(0, 6, size=3)
    return as_colour(tone)


def as_colour(values) -> Colour:
    """Round and clip three numbers into an RGB tuple."""
    r, g, b = np.clip(np.round(np.asarray(values, dtype=float)), 0, 255).astype(int)
    return int(r), int(g), int(b)


def shade(colour: Colour, factor: float) -> Colour:
    """The same colour, darker (factor < 1) or lighter (factor > 1)."""
    return as_colour(np.asarray(colour, dtype=float) * factor)


def colour_distance(a: Colour, b: Colour) -> float:
    return float(np.linalg.norm(np.asarray(a, dtype=float) - np.asarray(b, dtype=float)))


def random_colour(
    rng: np.random.Generator,
    avoid: Colour | None = None,
    min_distance: float = 0.0,
    saturation: float = 1.0,
    max_warmth: float = 255.0,
) -> Colour:
    """A random colour, at least ``min_distance`` (RGB) away from ``avoid``.

    ``saturation`` below 1 pulls the colour towards grey, for calmer backgrounds.  ``max_warmth``
    caps red minus blue: every skin tone is clearly warm (red above blue), so a cap below zero
    keeps a colour from ever looking like skin.
    """
    for _ in range(100):
        rgb = rng.uniform(0, 255, size=3)
        rgb = rgb.mean() + saturation * (rgb - rgb.mean())
        colour = as_colour(rgb)
        if colour[0] - colour[2] > max_warmth:
            continue
        if avoid is None or colour_distance(colour, avoid) >= min_distance:
            return colour
    # A colour far from ``avoid`` always exists: the RGB corner opposite to it.
    return as_colour([0 if c > 127 else 255 for c in avoid])  # type: ignore[union-attr]


def background(
    rng: np.random.Generator,
    avoid: Colour,
    min_distance: float,
    vivid: float = 1.0,
    max_warmth: float = 255.0,
) -> Image.Image:
    """A plain or two-colour gradient backdrop whose colours stay away from ``avoid``.

    ``vivid`` (0 to 1) is the largest colour saturation used; ``max_warmth`` as in ``random_colour``.
    """
    first = random_colour(rng, avoid, min_distance, vivid * rng.uniform(0.3, 1.0), max_warmth)
    if rng.random() < 0.35:
        return Image.new("RGB", (CANVAS, CANVAS), first)
    second = random_colour(rng, avoid, min_distance, vivid * rng.uniform(0.3, 1.0), max_warmth)
    angle = rng.uniform(0, 2 * np.pi)
    coords = np.linspace(-1, 1, CANVAS)
    yy, xx = np.meshgrid(coords, coords, indexing="ij")
    t = np.clip(0.5 + 0.5 * (np.cos(angle) * xx + np.sin(angle) * yy), 0, 1)[..., None]
    pixels = (1 - t) * np.asarray(first, dtype=float) + t * np.asarray(second, dtype=float)
    return Image.fromarray(np.round(pixels).astype(np.uint8), "RGB")


def add_clutter(
    image: Image.Image,
    rng: np.random.Generator,
    count: int,
    avoid: Colour,
    min_distance: float,
    max_warmth: float = 255.0,
) -> None:
    """Scatter random rectangles, ellipses and lines over ``image`` (in place)."""
    draw = ImageDraw.Draw(image)
    for _ in range(count):
        colour = random_colour(rng, avoid, min_distance, max_warmth=max_warmth)
        x0, y0 = rng.uniform(-10, CANVAS, size=2)
        w, h = rng.uniform(6, 40, size=2)
        kind = rng.integers(3)
        if kind == 0:
            draw.rectangle([x0, y0, x0 + w, y0 + h], fill=colour)
        elif kind == 1:
            draw.ellipse([x0, y0, x0 + w, y0 + h], fill=colour)
        else:
            x1, y1 = rng.uniform(-10, CANVAS + 10, size=2)
            draw.line([(x0, y0), (x1, y1)], fill=colour, width=int(rng.integers(1, 5)))


def capsule(draw: ImageDraw.ImageDraw, start: Point, end: Point, width: float, fill) -> None:
    """A thick segment with round ends (a finger, a limb, a stroke of a pen)."""
    draw.line([start, end], fill=fill, width=max(1, int(round(width))))
    r = width / 2
    for x, y in (start, end):
        draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)


def outlined_capsule(
    draw: ImageDraw.ImageDraw, start: Point, end: Point, width: float, fill, outline, edge: float
) -> None:
    """A capsule with a darker rim, so that touching shapes stay distinguishable."""
    capsule(draw, start, end, width + 2 * edge, outline)
    capsule(draw, start, end, width, fill)


def place(backdrop: Image.Image, layer: Image.Image, angle: float, shift: Point, centre: Point) -> Image.Image:
    """Rotate ``layer`` (RGBA) by ``angle`` degrees about ``centre``, shift it, lay it over ``backdrop``."""
    moved = layer.rotate(angle, resample=Image.BICUBIC, center=centre, translate=shift)
    moved = moved.crop((MARGIN, MARGIN, MARGIN + CANVAS, MARGIN + CANVAS))
    out = backdrop.convert("RGBA")
    out.alpha_composite(moved)
    return out.convert("RGB")


def transparent_layer() -> Image.Image:
    """An empty layer to draw a figure on (the canvas plus ``MARGIN`` on every side)."""
    return Image.new("RGBA", (CANVAS + 2 * MARGIN,) * 2, (0, 0, 0, 0))


def finish(image: Image.Image, rng: np.random.Generator, noise: tuple[float, float], light: float = 1.0) -> np.ndarray:
    """Shrink to the final size, then apply uneven lighting and pixel noise; returns uint8.

    Only ``NOISY_SHARE`` of the pictures get noise (standard deviation drawn from ``noise``):
    noise cannot be compressed, and noisy pictures in every file would make the files large.
    """
    small = image.resize((SIZE, SIZE), Image.LANCZOS)
    pixels = np.asarray(small, dtype=np.float64)
    pixels = lighting(pixels, rng, light)
    if rng.random() < NOISY_SHARE:
        pixels = pixels + rng.normal(0, rng.uniform(*noise), size=pixels.shape)
    return np.clip(np.round(pixels), 0, 255).astype(np.uint8)


def lighting(pixels: np.ndarray, rng: np.random.Generator, strength: float = 1.0) -> np.ndarray:
    """Change contrast and overall brightness, and add a linear light gradient across the image.

    ``strength`` scales how far the light may stray from even, full-contrast lighting.
    """
    mean = pixels.mean()
    pixels = mean + (1 + strength * rng.uniform(-0.25, 0.15)) * (pixels - mean)
    size = pixels.shape[0]
    coords = np.linspace(-0.5, 0.5, size)
    yy, xx = np.meshgrid(coords, coords, indexing="ij")
    angle = rng.uniform(0, 2 * np.pi)
    ramp = np.cos(angle) * xx + np.sin(angle) * yy
    gain = (1 + strength * rng.uniform(-0.2, 0.15)) * (1 + strength * rng.uniform(0, 0.45) * ramp)
    return pixels * gain[..., None]


def balanced_labels(rng: np.random.Generator, n: int, n_classes: int) -> np.ndarray:
    """``n`` labels in shuffled order, each class as often as possible (counts differ by ≤ 1)."""
    labels = np.arange(n) % n_classes
    return rng.permutation(labels).astype(np.int64)
