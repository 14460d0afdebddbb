"""Cartoon faces: an *identity* (:class:`FaceSpec`) drawn many times in different *renders*.

The identity holds what makes a face that person's: face shape and size, skin tone, hair colour
and style, clothes, ears, eyes, brows, glasses, nose, blush.  A render adds what changes from
picture to picture: position, tilt, expression (the mouth), backdrop, clutter, lighting and pixel
noise.  ``random_face_spec`` draws an identity; ``render_face`` draws one picture of it, so a
dataset can hold an identity fixed and photograph it many times.

Lengths in a spec are in pixels of a 128-pixel drawing canvas (a 64-pixel picture drawn twice
as large); ``render_face`` scales them to the canvas it draws on.  Mouths are always drawn much
darker than the skin, between lips of a lighter or redder tone, so that a smile is as visible on
dark skin as on light skin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from . import drawing as dr

EXPRESSIONS = ("not smiling", "smiling")
HAIR_COLOURS = [(28, 24, 24), (62, 40, 28), (112, 74, 44), (214, 182, 112), (160, 70, 34), (168, 168, 168)]
HAIR_STYLES = ("none", "short", "fringe", "long", "curly", "bun", "spiky", "hat")
HEAD_SHAPES = ("oval", "box", "jaw")  # an ellipse, a rounded box or a wide-jawed blend of both
EYE_STYLES = ("dot", "round", "oval", "closed")
NOSE_STYLES = ("none", "nostrils", "line", "button", "arc")
REFERENCE = 128  # the drawing canvas (in pixels) that a spec's lengths refer to
MAX_TILT = 6.0  # degrees
MAX_SHIFT = 3.0  # pixels of the reference canvas
_VIVID = 0.7  # the most saturated background colour (0 to 1)
_CLUTTER = 0.4  # the share of backgrounds with clutter
_LIGHT = 0.6  # how uneven the lighting may be (see drawing.lighting)
_MOUTH_WIDTH = (0.35, 0.55)  # half the mouth's width, relative to half the face's width


@dataclass(frozen=True)
class Glasses:
    frame: dr.Colour
    lens: float  # half a lens's width
    tint: dr.Colour | None  # sunglasses
    width: int  # of the frame's lines
    round: bool


@dataclass(frozen=True)
class FaceSpec:
    """Everything that stays the same in every picture of one person.

    Positions are relative to the face's half-width ``rx`` and half-height ``ry``; other lengths
    are in pixels of the reference canvas.
    """

    skin: dr.Colour
    rx: float
    ry: float
    hair: dr.Colour
    hair_style: str
    clothes: dr.Colour
    hair_back: tuple[float, ...]  # long: (bottom,); curly: 9 curl radii; bun: (radius, x)
    ear: float  # ear radius, relative to rx
    head_shape: str
    corner: float  # corner radius of a "box" head, relative to rx
    hat: dr.Colour | None
    hairline: float  # how far above the centre the hair starts, relative to ry
    spikes: tuple[float, ...]  # heights of the spikes of "spiky" hair
    eye_rise: float  # eyes above the centre, relative to ry
    eye_spread: float  # eyes off the middle, relative to rx
    eye_size: float
    eye_style: str
    eye_dark: dr.Colour
    iris: dr.Colour
    brows: tuple[float, float, float, int] | None  # gap above the eye, half length, tilt, width
    glasses: Glasses | None
    mouth_drop: float  # mouth below the centre, relative to ry
    blush: float | None  # cheek radius
    nose_drop: float  # where the nose sits between eyes (0) and mouth (1)
    nose_colour: dr.Colour
    nose_style: str


def random_face_spec(rng: np.random.Generator, skin: dr.Colour | None = None) -> FaceSpec:
    """A random identity (``skin`` drawn first unless given)."""
    if skin is None:
        skin = dr.skin_tone(rng)
    rx = rng.uniform(34, 41)
    ry = rx * rng.uniform(1.08, 1.22)
    hair = _hair_colour(rng)
    style = HAIR_STYLES[rng.integers(len(HAIR_STYLES))]
    clothes = dr.random_colour(rng)
    if style == "long":
        hair_back = (rng.uniform(0.5, 1.4),)
    elif style == "curly":
        hair_back = tuple(rng.uniform(0.3, 0.42) for _ in range(9))
    elif style == "bun":
        hair_back = (rng.uniform(0.35, 0.5), rng.uniform(-0.3, 0.3))
    else:
        hair_back = ()
    ear = rng.uniform(0.16, 0.24)
    head_shape = HEAD_SHAPES[rng.integers(3)]
    corner = rng.uniform(0.55, 0.8) if head_shape == "box" else 0.0
    hat, hairline, spikes = None, 0.0, ()
    if style != "none":
        hat = dr.random_colour(rng) if style == "hat" else None
        hairline = rng.uniform(0.3, 0.6)
        if style == "spiky":
            spikes = tuple(rng.uniform(3, 9) for _ in range(6))
    eye_rise, eye_spread, eye_size = rng.uniform(0.0, 0.22), rng.uniform(0.32, 0.48), rng.uniform(2.5, 5.5)
    eye_style = EYE_STYLES[rng.integers(len(EYE_STYLES))]
    eye_dark = dr.as_colour(rng.uniform(10, 60, size=3))
    iris = dr.random_colour(rng, saturation=0.6)
    brows = None
    if rng.random() < 0.6:
        brows = (rng.uniform(3, 8), rng.uniform(3.5, 6.5), rng.uniform(-2.5, 2.5), int(rng.integers(2, 5)))
    glasses = _random_glasses(rng, eye_size) if rng.random() < 0.3 else None
    mouth_drop = rng.uniform(0.42, 0.55)
    blush = rng.uniform(3, 6) if rng.random() < 0.25 else None
    nose_drop = rng.uniform(0.45, 0.65)
    nose_colour = dr.shade(skin, rng.uniform(0.55, 0.8))
    nose_style = NOSE_STYLES[rng.integers(5)]
    return FaceSpec(
        skin, rx, ry, hair, style, clothes, hair_back, ear, head_shape, corner, hat, hairline, spikes,
        eye_rise, eye_spread, eye_size, eye_style, eye_dark, iris, brows, glasses,
        mouth_drop, blush, nose_drop, nose_colour, nose_style,
    )  # fmt: skip


def _hair_colour(rng: np.random.Generator) -> dr.Colour:
    if rng.random() < 0.12:  # dyed
        return dr.random_colour(rng)
    base = np.asarray(HAIR_COLOURS[rng.integers(len(HAIR_COLOURS))], dtype=float)
    return dr.as_colour(base * rng.uniform(0.85, 1.15))


def _random_glasses(rng: np.random.Generator, eye_size: float) -> Glasses:
    frame = dr.random_colour(rng, saturation=rng.uniform(0.0, 1.0))
    frame = dr.shade(frame, rng.uniform(0.3, 1.0))
    lens = rng.uniform(eye_size + 3, eye_size + 7)
    tint = dr.as_colour(rng.uniform(15, 50, size=3)) if rng.random() < 0.2 else None
    return Glasses(frame, lens, tint, int(rng.integers(2, 4)), bool(rng.random() < 0.5))


def face_backdrop(rng: np.random.Generator, skin: dr.Colour, size: tuple[int, int]) -> Image.Image:
    """A backdrop of ``size`` drawing pixels whose colours stay clear of ``skin``, sometimes cluttered."""
    backdrop = dr.background(rng, size, avoid=skin, min_distance=60, vivid=_VIVID)
    if rng.random() < _CLUTTER:
        dr.add_clutter(backdrop, rng, int(rng.integers(1, 7)), avoid=skin, min_distance=60)
    return backdrop


def face_scene(
    spec: FaceSpec,
    rng: np.random.Generator,
    expression: str | None = None,
    *,
    size: int = 64,
    backdrop: Image.Image | None = None,
    offset: dr.Point | None = None,
    max_tilt: float = MAX_TILT,
    max_shift: float = MAX_SHIFT,
) -> dr.Scene:
    """A scene with the face of ``spec``, before lighting and noise (see ``render_face``)."""
    scene = dr.Scene(size)
    u = min(scene.canvas) / REFERENCE
    if expression is None:
        expression = EXPRESSIONS[int(rng.random() < 0.5)]
    if expression not in EXPRESSIONS:
        raise ValueError(f"expression must be one of {EXPRESSIONS}, not {expression!r}")
    scene.backdrop = face_backdrop(rng, spec.skin, scene.canvas) if backdrop is None else backdrop
    if offset is None:
        offset = (rng.uniform(-3, 3), rng.uniform(-3, 3))
    layer = scene.layer()
    cx = layer.margin + scene.canvas[0] / 2 + offset[0] * u
    cy = layer.margin + scene.canvas[1] * 0.5 + offset[1] * u
    draw_face(layer.draw, spec, cx, cy, u)
    _mouth(layer.draw, rng, spec, cx, cy, u, expression == "smiling")
    angle = rng.uniform(-max_tilt, max_tilt)
    shift = tuple(rng.uniform(-max_shift, max_shift, size=2) * u)
    scene.add_layer(layer, angle, shift, centre=(cx, cy))
    return scene


def render_face(
    spec: FaceSpec,
    rng: np.random.Generator,
    expression: str | None = None,
    *,
    size: int = 64,
    backdrop: Image.Image | None = None,
    offset: dr.Point | None = None,
    max_tilt: float = MAX_TILT,
    max_shift: float = MAX_SHIFT,
    light: float = _LIGHT,
    noise: tuple[float, float] = (1.0, 4.0),
) -> np.ndarray:
    """One picture of the person ``spec``, as a (size, size, 3) uint8 array.

    ``expression`` is one of ``EXPRESSIONS`` (drawn at random when None); the mouth's exact shape
    is drawn from ``rng``.  In order, ``rng`` draws: the backdrop (unless ``backdrop`` is given,
    drawing-canvas sized), the face's offset from the centre (unless ``offset``, in reference
    pixels), the mouth, the tilt (up to ``max_tilt`` degrees), the shift (up to ``max_shift``
    reference pixels), then the lighting (``light``) and pixel noise (``noise``).
    """
    scene = face_scene(
        spec, rng, expression, size=size, backdrop=backdrop, offset=offset, max_tilt=max_tilt, max_shift=max_shift
    )
    return scene.finish(rng, noise=noise, light=light)


def draw_face(draw: ImageDraw.ImageDraw, spec: FaceSpec, cx: float, cy: float, u: float = 1.0) -> None:
    """Everything of the face but the mouth, centred on ``(cx, cy)``; ``u`` scales the spec's lengths."""
    rx, ry = spec.rx * u, spec.ry * u
    _body(draw, spec, cx, cy, rx, ry, u)
    _hair_behind(draw, spec, cx, cy, rx, ry)
    _head(draw, spec, cx, cy, rx, ry)
    _hair_on_top(draw, spec, cx, cy, rx, ry, u)
    eye_y = cy - ry * spec.eye_rise
    eye_dx = rx * spec.eye_spread
    eye_r = spec.eye_size * u
    _eyes(draw, spec, cx, eye_y, eye_dx, eye_r, u)
    if spec.brows is not None:
        _eyebrows(draw, spec, cx, eye_y - eye_r - spec.brows[0] * u, eye_dx, u)
    if spec.glasses is not None:
        _glasses(draw, spec.glasses, cx, eye_y, eye_dx, rx, u)
    mouth_y = cy + ry * spec.mouth_drop
    _cheeks_and_nose(draw, spec, cx, eye_y, mouth_y, eye_dx, u)


def _px(value: float, u: float) -> int:
    """A line width of ``value`` reference pixels, in pixels of the canvas drawn on."""
    return max(1, int(round(value * u)))


def _body(draw, spec, cx, cy, rx, ry, u) -> None:
    """Neck and shoulders in the spec's shirt colour."""
    draw.ellipse([cx - 2.0 * rx, cy + ry + 12 * u, cx + 2.0 * rx, cy + ry + 90 * u], fill=spec.clothes)
    neck = dr.shade(spec.skin, 0.85)
    draw.rectangle([cx - 0.45 * rx, cy + 0.5 * ry, cx + 0.45 * rx, cy + ry + 18 * u], fill=neck)


def _head(draw, spec, cx, cy, rx, ry) -> None:
    """Ears, then the face."""
    ear = dr.shade(spec.skin, 0.92)
    er = rx * spec.ear
    for side in (-1, 1):
        ex = cx + side * rx
        draw.ellipse([ex - er, cy - 1.4 * er, ex + er, cy + 1.4 * er], fill=ear)
    box = [cx - rx, cy - ry, cx + rx, cy + ry]
    skin = spec.skin
    if spec.head_shape == "oval":
        draw.ellipse(box, fill=skin)
    elif spec.head_shape == "box":
        draw.rounded_rectangle(box, radius=rx * spec.corner, fill=skin)
    else:
        draw.ellipse(box, fill=skin)
        jaw = [cx - rx * 0.92, cy - ry * 0.2, cx + rx * 0.92, cy + ry * 0.98]
        draw.rounded_rectangle(jaw, radius=rx * 0.5, fill=skin)


def _hair_behind(draw, spec, cx, cy, rx, ry) -> None:
    hair = spec.hair
    if spec.hair_style == "long":
        bottom = cy + ry * spec.hair_back[0]
        draw.rounded_rectangle([cx - rx * 1.22, cy - ry * 1.08, cx + rx * 1.22, bottom], radius=rx * 0.7, fill=hair)
    elif spec.hair_style == "curly":
        for t, size in zip(np.linspace(np.pi * 0.95, np.pi * 2.05, 9), spec.hair_back, strict=True):
            r = rx * size
            x, y = cx + rx * 1.02 * np.cos(t), cy + ry * 0.98 * np.sin(t)
            draw.ellipse([x - r, y - r, x + r, y + r], fill=hair)
    elif spec.hair_style == "bun":
        r = rx * spec.hair_back[0]
        x = cx + rx * spec.hair_back[1]
        draw.ellipse([x - r, cy - ry - 1.6 * r, x + r, cy - ry + 0.4 * r], fill=hair)


def _hair_on_top(draw, spec, cx, cy, rx, ry, u) -> None:
    """Hair (or a hat) covering the top of the head down to the hairline."""
    style, hair = spec.hair_style, spec.hair
    if style == "none":
        return
    colour = spec.hat if style == "hat" else hair
    depth = ry * spec.hairline  # how far above the centre the hairline sits
    big_rx, big_ry = rx + 2 * u, ry + 3 * u
    theta = np.degrees(np.arcsin(min(depth / big_ry, 0.99)))
    box = [cx - big_rx, cy - big_ry, cx + big_rx, cy + big_ry]
    draw.chord(box, 180 + theta, 360 - theta, fill=colour)
    if style == "fringe":
        for side in (-1, 1):
            x = cx + side * rx * 0.95
            draw.polygon([(x, cy - depth), (x - side * rx * 0.18, cy - depth), (x, cy + ry * 0.1)], fill=hair)
    elif style == "spiky":
        for x, height in zip(np.linspace(cx - rx * 0.8, cx + rx * 0.8, 6), spec.spikes, strict=True):
            top = cy - big_ry - height * u
            base = cy - big_ry + 8 * u
            draw.polygon([(x - 6 * u, base), (x + 6 * u, base), (x, top)], fill=hair)
    elif style == "hat":
        brim_y = cy - depth
        brim = [cx - rx * 1.25, brim_y - 4 * u, cx + rx * 1.25, brim_y + 1 * u]
        draw.rectangle(brim, fill=dr.shade(colour, 0.8))


def _eyes(draw, spec, cx, y, dx, r, u) -> None:
    dark, iris = spec.eye_dark, spec.iris
    for side in (-1, 1):
        x = cx + side * dx
        if spec.eye_style == "dot":
            draw.ellipse([x - r * 0.7, y - r * 0.7, x + r * 0.7, y + r * 0.7], fill=dark)
        elif spec.eye_style == "round":
            draw.ellipse([x - r * 1.2, y - r, x + r * 1.2, y + r], fill=(245, 245, 245), outline=dark)
            draw.ellipse([x - r * 0.6, y - r * 0.6, x + r * 0.6, y + r * 0.6], fill=iris)
            draw.ellipse([x - r * 0.3, y - r * 0.3, x + r * 0.3, y + r * 0.3], fill=dark)
        elif spec.eye_style == "oval":
            draw.ellipse([x - r * 0.6, y - r, x + r * 0.6, y + r], fill=dark)
            draw.ellipse([x - r * 0.1, y - r * 0.6, x + r * 0.3, y - r * 0.2], fill=(250, 250, 250))
        else:  # closed eyes: a short line with eyelashes
            draw.line([(x - r, y), (x + r, y)], fill=dark, width=_px(2, u))
            for t in (-0.6, 0.0, 0.6):
                draw.line([(x + t * r, y), (x + t * r * 1.3, y + r * 0.5)], fill=dark, width=_px(1, u))


def _eyebrows(draw, spec, cx, y, dx, u) -> None:
    _, half, tilt, width = spec.brows
    half, tilt = half * u, tilt * u  # the inner end up or down
    for side in (-1, 1):
        x = cx + side * dx
        inner, outer = (x - side * half, y - tilt), (x + side * half, y + tilt)
        draw.line([inner, outer], fill=dr.shade(spec.hair, 0.8), width=_px(width, u))


def _glasses(draw, glasses: Glasses, cx, y, dx, rx, u) -> None:
    frame, lens, width = glasses.frame, glasses.lens * u, _px(glasses.width, u)
    for side in (-1, 1):
        x = cx + side * dx
        box = [x - lens, y - lens * 0.85, x + lens, y + lens * 0.85]
        if glasses.round:
            draw.ellipse(box, outline=frame, fill=glasses.tint, width=width)
        else:
            draw.rounded_rectangle(box, radius=3 * u, outline=frame, fill=glasses.tint, width=width)
        draw.line([(x + side * lens, y), (cx + side * rx, y - 2 * u)], fill=frame, width=width)
    draw.line([(cx - dx + lens, y), (cx + dx - lens, y)], fill=frame, width=width)


def _cheeks_and_nose(draw, spec, cx, eye_y, mouth_y, eye_dx, u) -> None:
    skin = spec.skin
    if spec.blush is not None:
        blush = dr.as_colour(0.65 * np.asarray(skin) + 0.35 * np.array([240, 110, 120]))
        r = spec.blush * u
        for side in (-1, 1):
            x, y = cx + side * eye_dx * 1.1, (eye_y + mouth_y) / 2 + 2 * u
            draw.ellipse([x - r, y - r * 0.7, x + r, y + r * 0.7], fill=blush)
    nose_y = eye_y + (mouth_y - eye_y) * spec.nose_drop
    dark = spec.nose_colour
    if spec.nose_style == "nostrils":
        for side in (-1, 1):
            x, r = cx + side * 2.5 * u, 1.2 * u
            draw.ellipse([x - r, nose_y - r, x + r, nose_y + r], fill=dark)
    elif spec.nose_style == "line":
        points = [(cx, nose_y - 7 * u), (cx - 2 * u, nose_y), (cx + 2 * u, nose_y)]
        draw.line(points, fill=dark, width=_px(2, u))
    elif spec.nose_style == "button":
        box = [cx - 3.5 * u, nose_y - 3 * u, cx + 3.5 * u, nose_y + 3 * u]
        draw.ellipse(box, fill=dr.shade(skin, 0.88))
    elif spec.nose_style == "arc":
        box = [cx - 4 * u, nose_y - 4 * u, cx + 4 * u, nose_y + 2 * u]
        draw.arc(box, 20, 160, fill=dark, width=_px(2, u))


def _curve(cx: float, y: float, half: float, bend: float, tilt: float, n: int = 17) -> list[tuple]:
    """Points of a parabola through both mouth corners; ``bend`` > 0 puts its middle lower."""
    t = np.linspace(-1, 1, n)
    xs = cx + half * t
    ys = y + bend * (1 - t**2) + tilt * t
    return list(zip(xs.tolist(), ys.tolist(), strict=True))


def _mouth(draw, rng, spec: FaceSpec, cx, cy, u, smiling: bool) -> None:
    """The expression: a smile or another mouth, its exact shape drawn from ``rng``."""
    rx, skin = spec.rx * u, spec.skin
    y = cy + spec.ry * u * spec.mouth_drop
    half = rx * rng.uniform(*_MOUTH_WIDTH)
    tilt = rng.uniform(-0.1, 0.1) * half
    # Mouths are always much darker than the skin, so that a smile reads on every skin tone, and
    # lips are drawn redder (and on dark skin lighter) than the skin around them.
    ink = dr.as_colour(np.asarray(skin) * 0.12 + np.array([40, 4, 8]) * rng.uniform(0.2, 1.0))
    lips = dr.as_colour(0.4 * np.asarray(skin) + 0.6 * np.array([215, 105, 110]))
    inside = dr.as_colour([rng.uniform(40, 90), rng.uniform(5, 20), rng.uniform(10, 30)])
    width = _px(int(rng.integers(5, 8)), u)
    kind = rng.random()
    if smiling and kind < 0.5:  # a curved line, corners up
        bend = half * rng.uniform(0.55, 0.95)
        _line_mouth(draw, cx, y, half, bend, tilt, ink, lips, width, u)
        if rng.random() < 0.3:  # dimples at the corners
            y -= bend / 2
            for side in (-1, 1):
                x, yc = cx + side * half, y + side * tilt
                points = [(x - side * 2 * u, yc - 3 * u), (x + side * 1 * u, yc + 1 * u)]
                draw.line(points, fill=ink, width=_px(2, u))
    elif smiling:  # an open "D", flat on top
        top_bend = half * rng.uniform(-0.05, 0.2)
        low_bend = half * rng.uniform(0.6, 1.0)
        _open_mouth(draw, rng, cx, y, half, top_bend, low_bend, tilt, inside, ink, lips, 0.6, u)
    elif kind < 0.35:  # straight, or nearly so
        _line_mouth(draw, cx, y, half, half * rng.uniform(-0.05, 0.05), tilt, ink, lips, width, u)
    elif kind < 0.65:  # a mild frown, corners down
        _line_mouth(draw, cx, y, half, -half * rng.uniform(0.25, 0.55), tilt, ink, lips, width, u)
    elif kind < 0.8:  # a small round "o"
        r = half * rng.uniform(0.3, 0.6)
        draw.ellipse([cx - r, y - r * 1.1, cx + r, y + r * 1.1], fill=inside, outline=ink, width=_px(2, u))
    else:  # an open, upside-down "D"
        top_bend = -half * rng.uniform(0.35, 0.7)
        low_bend = half * rng.uniform(-0.1, 0.05)
        _open_mouth(draw, rng, cx, y, half, top_bend, low_bend, tilt, inside, ink, lips, 0.5, u)


def _line_mouth(draw, cx, y, half, bend, tilt, ink, lips, width, u) -> None:
    """A closed mouth: a dark curved stroke between the lips, centred on ``y``."""
    points = _curve(cx, y - bend / 2, half, bend, tilt)
    draw.line(points, fill=lips, width=width + _px(5, u), joint="curve")
    draw.line(points, fill=ink, width=width, joint="curve")


def _open_mouth(draw, rng, cx, y, half, top_bend, low_bend, tilt, inside, ink, lips, teeth: float, u) -> None:
    """An open mouth between two curves, centred on ``y``, with teeth (chance ``teeth``)."""
    y -= (top_bend + low_bend) / 2
    top = _curve(cx, y, half, top_bend, tilt)
    low = _curve(cx, y, half, low_bend, tilt)
    draw.line(top + low[::-1] + top[:1], fill=lips, width=_px(6, u), joint="curve")
    draw.polygon(top + low[::-1], fill=inside, outline=ink)
    if rng.random() < teeth:  # the upper part of the opening
        share = rng.uniform(0.25, 0.45)
        edge = [(x, yt + share * (yl - yt)) for (x, yt), (_, yl) in zip(top, low, strict=True)]
        draw.polygon(top + edge[::-1], fill=(240, 238, 230))
    draw.line(top, fill=ink, width=_px(2, u))
    draw.line(low, fill=ink, width=_px(2, u))
