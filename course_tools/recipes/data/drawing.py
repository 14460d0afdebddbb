"""The drawing toolkit shared by every procedural dataset.

A picture is a :class:`Scene`: a backdrop plus objects, each drawn on its own transparent layer
and then placed (mirrored, turned, shifted) and laid over what is already there.  Scenes are
drawn at ``supersample`` times their final size and shrunk at the end, which gives smooth,
anti-aliased edges without any special drawing code.  Because every object keeps its own layer,
a scene knows for free where each object ended up: its box and its pixel mask, with the parts
that later objects hide taken away.  Everything random takes a ``numpy.random.Generator``, so a
dataset is a pure function of its seed.

Sizes and positions given to the drawing helpers are in pixels of the image they draw on (the
supersampled canvas, or a layer).  A layer is the canvas plus a margin on every side, so that
turning an object never brings a cut edge into view; ``Layer.at`` turns canvas coordinates into
layer coordinates.

* scenes: :class:`Scene` (``layer``, ``add_layer``, ``composite``, ``finish``, ``boxes``,
  ``masks``, ``label_mask``), :class:`Layer`, :class:`Placed`;
* backdrops: :func:`gradient`, :func:`background`, :func:`add_clutter`;
* finishing: :func:`finish`, :func:`lighting`, :func:`add_noise`;
* shapes: :func:`oval`, :func:`circle`, :func:`ellipse_points`, :func:`capsule`,
  :func:`outlined_capsule`;
* colours: :func:`as_colour`, :func:`shade`, :func:`ink`, :func:`jitter`, :func:`random_colour`,
  :func:`skin_tone`, :func:`colour_distance`; choices: :func:`pick`, :func:`balanced_labels`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw

SUPERSAMPLE = 2  # scenes are drawn this many times larger than their final size
NOISY_SHARE = 0.3  # the share of pictures with pixel noise, unless a dataset says otherwise
MASK_THRESHOLD = 0.5  # a final pixel belongs to an object when the object covers this share of it

Colour = tuple[int, int, int]
Point = tuple[float, float]
Box = tuple[int, int, int, int]  # (x0, y0, x1, y1) in final pixels, x1 and y1 excluded


# --- colours -----------------------------------------------------------------------------------

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


def ink(colour: Colour) -> Colour:
    """A dark outline colour that goes with ``colour``."""
    return shade(colour, 0.45)


def jitter(rng: np.random.Generator, colour: Sequence[float], amount: float = 18.0) -> Colour:
    """``colour`` with Gaussian noise of standard deviation ``amount`` on each channel."""
    return as_colour(np.asarray(colour, dtype=float) + rng.normal(0, amount, size=3))


def pick(rng: np.random.Generator, options: Sequence):
    """One of ``options``, each as likely."""
    return options[int(rng.integers(len(options)))]


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


def balanced_labels(rng: np.random.Generator, n: int, n_classes: int) -> np.ndarray:
    """``n`` labels in shuffled order, each class as often as possible (counts differ by ≤ 1)."""
    labels = np.arange(n) % n_classes
    return rng.permutation(labels).astype(np.int64)


# --- shapes ------------------------------------------------------------------------------------


def ellipse_points(cx: float, cy: float, rx: float, ry: float, angle: float = 0.0, n: int = 48) -> list[Point]:
    """Points of an ellipse turned by ``angle`` degrees (PIL only draws upright ones)."""
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    a = np.radians(angle)
    x, y = rx * np.cos(t), ry * np.sin(t)
    xs = cx + x * np.cos(a) - y * np.sin(a)
    ys = cy + x * np.sin(a) + y * np.cos(a)
    return list(zip(xs.tolist(), ys.tolist(), strict=True))


def oval(draw: ImageDraw.ImageDraw, cx, cy, rx, ry, fill, outline=None, width=2, angle=0.0) -> None:
    """An ellipse centred on ``(cx, cy)`` with half-axes ``rx``, ``ry``, turned by ``angle`` degrees."""
    if angle:
        draw.polygon(ellipse_points(cx, cy, rx, ry, angle), fill=fill, outline=outline, width=width)
    else:
        draw.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=fill, outline=outline, width=width)


def circle(draw: ImageDraw.ImageDraw, cx, cy, r, fill, outline=None, width=2) -> None:
    oval(draw, cx, cy, r, r, fill, outline, width)


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


# --- backdrops ---------------------------------------------------------------------------------


def ramp(size: tuple[int, int], angle: float, half: float = 1.0) -> np.ndarray:
    """``cos(angle) x + sin(angle) y`` over an image of ``size`` (width, height), shape (height, width).

    The longer side runs from ``-half`` to ``half``; the shorter one keeps the same scale.
    """
    width, height = size
    longest = max(width, height)
    xs = np.linspace(-half * width / longest, half * width / longest, width)
    ys = np.linspace(-half * height / longest, half * height / longest, height)
    yy, xx = np.meshgrid(ys, xs, indexing="ij")
    return np.cos(angle) * xx + np.sin(angle) * yy


def gradient(
    size: tuple[int, int], first: Colour, second: Colour, angle: float, horizon: float | None = None
) -> Image.Image:
    """A linear blend from ``first`` to ``second`` along the direction ``angle`` (radians).

    With ``horizon`` (0 to 1) the blend becomes a sharp edge at that point instead.
    """
    t = 0.5 + 0.5 * ramp(size, angle)
    if horizon is not None:
        t = (t > horizon).astype(float)
    t = np.clip(t, 0, 1)[..., None]
    pixels = (1 - t) * np.asarray(first, dtype=float) + t * np.asarray(second, dtype=float)
    return Image.fromarray(np.round(pixels).astype(np.uint8), "RGB")


def background(
    rng: np.random.Generator,
    size: tuple[int, int],
    avoid: Colour,
    min_distance: float,
    vivid: float = 1.0,
    max_warmth: float = 255.0,
) -> Image.Image:
    """A plain or two-colour gradient backdrop of ``size`` whose colours stay away from ``avoid``.

    ``vivid`` (0 to 1) is the largest colour saturation used; ``max_warmth`` as in ``random_colour``.
    """
    first = random_colour(rng, avoid, min_distance, vivid * rng.uniform(0.3, 1.0), max_warmth)
    if rng.random() < 0.35:
        return Image.new("RGB", size, first)
    second = random_colour(rng, avoid, min_distance, vivid * rng.uniform(0.3, 1.0), max_warmth)
    return gradient(size, first, second, rng.uniform(0, 2 * np.pi))


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
    far = np.array(image.size)
    for _ in range(count):
        colour = random_colour(rng, avoid, min_distance, max_warmth=max_warmth)
        x0, y0 = rng.uniform(-10, far)
        w, h = rng.uniform(6, 40, size=2)
        kind = rng.integers(3)
        if kind == 0:
            draw.rectangle([x0, y0, x0 + w, y0 + h], fill=colour)
        elif kind == 1:
            draw.ellipse([x0, y0, x0 + w, y0 + h], fill=colour)
        else:
            x1, y1 = rng.uniform(-10, far + 10)
            draw.line([(x0, y0), (x1, y1)], fill=colour, width=int(rng.integers(1, 5)))


# --- finishing ---------------------------------------------------------------------------------


def lighting(pixels: np.ndarray, rng: np.random.Generator, strength: float = 1.0) -> np.ndarray:
    """Change contrast and overall brightness, and add a linear light gradient across the image.

    ``strength`` scales how far the light may stray from even, full-contrast lighting.
    """
    mean = pixels.mean()
    pixels = mean + (1 + strength * rng.uniform(-0.25, 0.15)) * (pixels - mean)
    light = ramp((pixels.shape[1], pixels.shape[0]), rng.uniform(0, 2 * np.pi), half=0.5)
    gain = (1 + strength * rng.uniform(-0.2, 0.15)) * (1 + strength * rng.uniform(0, 0.45) * light)
    return pixels * gain[..., None]


def add_noise(
    pixels: np.ndarray, rng: np.random.Generator, noise: tuple[float, float], share: float = 1.0
) -> np.ndarray:
    """Gaussian pixel noise, its standard deviation drawn from ``noise``, on a ``share`` of pictures.

    A ``share`` of 1 draws no coin.  Noise cannot be compressed: noisy pictures in every file
    would make the files large.
    """
    if share < 1.0 and rng.random() >= share:
        return pixels
    sigma = rng.uniform(*noise)
    if sigma > 0:
        pixels = pixels + rng.normal(0, sigma, size=pixels.shape)
    return pixels


def finish(
    image: Image.Image,
    rng: np.random.Generator,
    size: tuple[int, int],
    noise: tuple[float, float] = (1.0, 4.0),
    light: float = 1.0,
    noisy_share: float = NOISY_SHARE,
) -> np.ndarray:
    """Shrink ``image`` to ``size`` (width, height), then apply uneven lighting and pixel noise.

    Returns a (height, width, 3) uint8 array.  See ``lighting`` and ``add_noise``.
    """
    small = image.resize(size, Image.LANCZOS)
    pixels = np.asarray(small, dtype=np.float64)
    pixels = lighting(pixels, rng, light)
    pixels = add_noise(pixels, rng, noise, noisy_share)
    return np.clip(np.round(pixels), 0, 255).astype(np.uint8)


# --- scenes ------------------------------------------------------------------------------------


@dataclass
class Layer:
    """A transparent RGBA image to draw one object on: the canvas plus ``margin`` on every side."""

    image: Image.Image
    margin: int
    canvas: tuple[int, int]  # (width, height) of the scene's drawing canvas
    draw: ImageDraw.ImageDraw = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.draw = ImageDraw.Draw(self.image)

    @property
    def centre(self) -> Point:
        """The canvas's centre, in layer coordinates."""
        return self.margin + self.canvas[0] / 2, self.margin + self.canvas[1] / 2

    def at(self, x: float, y: float) -> Point:
        """Canvas coordinates ``(x, y)`` in layer coordinates."""
        return self.margin + x, self.margin + y


def _shrink(values: np.ndarray, k: int) -> np.ndarray:
    """Average ``k`` × ``k`` blocks: the share of each final pixel a supersampled quantity covers."""
    h, w = values.shape
    return values.reshape(h // k, k, w // k, k).mean(axis=(1, 3))


def _bbox(mask: np.ndarray) -> Box | None:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if not len(rows):
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


@dataclass
class Placed:
    """An object laid on a scene: its layer, moved onto the canvas, and its label."""

    image: Image.Image  # RGBA, canvas-sized, after mirroring, turning and shifting
    label: int
    supersample: int

    def alpha(self) -> np.ndarray:
        """The layer's opacity on the drawing canvas, 0 to 1, shape (height, width)."""
        return np.asarray(self.image.getchannel("A"), dtype=np.float64) / 255.0

    def coverage(self) -> np.ndarray:
        """The share of each final pixel the object covers, ignoring what lies over it."""
        return _shrink(self.alpha(), self.supersample)

    def mask(self, threshold: float = MASK_THRESHOLD) -> np.ndarray:
        """Final pixels the object covers (at least ``threshold`` of each), ignoring occlusion."""
        return self.coverage() >= threshold

    def box(self, threshold: float = MASK_THRESHOLD) -> Box | None:
        """The bounding box of ``mask``: (x0, y0, x1, y1) in final pixels, ends excluded."""
        return _bbox(self.mask(threshold))


class Scene:
    """A picture of ``width`` × ``height`` final pixels, drawn ``supersample`` times larger.

    Draw scenery on ``backdrop`` (or through ``draw()``), each object on its own ``layer()``,
    and lay the objects on with ``add_layer`` from back to front.  ``finish`` gives the picture;
    ``boxes``, ``masks`` and ``label_mask`` tell where each object is visible.
    """

    def __init__(
        self,
        width: int,
        height: int | None = None,
        *,
        supersample: int = SUPERSAMPLE,
        margin: int | None = None,
        backdrop: Image.Image | None = None,
    ) -> None:
        height = width if height is None else height
        self.size = (width, height)  # final pixels
        self.supersample = supersample
        self.canvas = (width * supersample, height * supersample)  # drawing pixels
        self.margin = max(self.canvas) // 2 if margin is None else margin
        self.backdrop = backdrop if backdrop is not None else Image.new("RGB", self.canvas, (0, 0, 0))
        self.placed: list[Placed] = []

    def draw(self) -> ImageDraw.ImageDraw:
        """A pen on the backdrop (scenery and clutter that are not objects)."""
        return ImageDraw.Draw(self.backdrop)

    def layer(self) -> Layer:
        """A new, empty layer for one object."""
        width, height = self.canvas
        image = Image.new("RGBA", (width + 2 * self.margin, height + 2 * self.margin), (0, 0, 0, 0))
        return Layer(image, self.margin, self.canvas)

    def add_layer(
        self,
        layer: Layer,
        angle: float = 0.0,
        shift: Point = (0.0, 0.0),
        centre: Point | None = None,
        flip: bool = False,
        label: int = 1,
    ) -> Placed:
        """Lay ``layer`` over everything placed so far and return the placed object.

        The object is first mirrored left-right about ``centre`` (if ``flip``), then turned by
        ``angle`` degrees (counter-clockwise) about ``centre`` (layer coordinates; default: the
        canvas's centre), then shifted by ``shift`` drawing pixels.
        """
        image = layer.image
        cx, cy = layer.centre if centre is None else centre
        if flip:
            image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
            mirrored = image.width - cx  # where the flip moved the centre
            shift = (shift[0] + (cx - mirrored), shift[1])
            cx = mirrored
        moved = image.rotate(angle, resample=Image.BICUBIC, center=(cx, cy), translate=shift)
        m = layer.margin
        moved = moved.crop((m, m, m + self.canvas[0], m + self.canvas[1]))
        placed = Placed(moved, label, self.supersample)
        self.placed.append(placed)
        return placed

    def composite(self) -> Image.Image:
        """The backdrop with every placed object, at drawing size (RGB)."""
        out = self.backdrop.convert("RGBA")
        for placed in self.placed:
            out.alpha_composite(placed.image)
        return out.convert("RGB")

    def finish(
        self,
        rng: np.random.Generator,
        noise: tuple[float, float] = (1.0, 4.0),
        light: float = 1.0,
        noisy_share: float = NOISY_SHARE,
    ) -> np.ndarray:
        """The final picture as a (height, width, 3) uint8 array (see the module's ``finish``)."""
        return finish(self.composite(), rng, self.size, noise, light, noisy_share)

    def visible_coverage(self) -> np.ndarray:
        """(objects, height, width): the share of each final pixel where each object shows."""
        k = self.supersample
        through = np.ones((self.canvas[1], self.canvas[0]))  # how much light the objects above let through
        shares = []
        for placed in reversed(self.placed):
            alpha = placed.alpha()
            shares.append(_shrink(alpha * through, k))
            through = through * (1 - alpha)
        return np.stack(shares[::-1]) if shares else np.zeros((0, self.size[1], self.size[0]))

    def masks(self, visible: bool = True, threshold: float = MASK_THRESHOLD) -> np.ndarray:
        """(objects, height, width) bool: the pixels of each object, less what later objects hide
        (``visible``) or whole (``visible=False``)."""
        if visible:
            return self.visible_coverage() >= threshold
        if not self.placed:
            return np.zeros((0, self.size[1], self.size[0]), bool)
        return np.stack([placed.mask(threshold) for placed in self.placed])

    def boxes(self, visible: bool = True, threshold: float = MASK_THRESHOLD) -> list[Box | None]:
        """The bounding box of each object's mask (None where nothing of it shows)."""
        return [_bbox(mask) for mask in self.masks(visible, threshold)]

    def labels(self) -> list[int]:
        return [placed.label for placed in self.placed]

    def label_mask(self, threshold: float = MASK_THRESHOLD, dtype=np.uint8) -> np.ndarray:
        """(height, width): the label of the object seen at each pixel, 0 for the backdrop."""
        out = np.zeros((self.size[1], self.size[0]), dtype)
        for placed, mask in zip(self.placed, self.masks(True, threshold), strict=True):
            out[mask] = placed.label
        return out

    def instance_mask(self, threshold: float = MASK_THRESHOLD) -> np.ndarray:
        """(height, width) int32: 1 + the index of the object seen at each pixel, 0 for the backdrop."""
        out = np.zeros((self.size[1], self.size[0]), np.int32)
        for i, mask in enumerate(self.masks(True, threshold)):
            out[mask] = i + 1
        return out
