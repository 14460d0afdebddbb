"""Week 4's face-identity dataset: many people, each photographed several times.

A *person* (:class:`Person`) is what stays the same in every picture of someone: the cartoon
face of :mod:`.faces` (face shape and size, skin, hair colour and style or a hat, ears, eyes and
their spacing, brows, glasses, nose, blush) plus a few traits of this dataset — the mouth's width
and lips, a beard or moustache, earrings, a mole, freckles.  A *shot* (:class:`Shot`) is what
changes from picture to picture: the expression (neutral, smile, grin, open mouth, sleepy eyes),
the pose (a small turn of the head, a tilt, a size and a position), the clothes, the hair falling
a little differently; the backdrop, the clutter, the lighting and its colour are drawn with the
picture.  Nothing that changes between pictures tells who the person is, and nothing that tells
who the person is changes, so a model has to learn the face.

Pictures are 96 × 96 RGB, drawn at twice that size.  Person ``i`` of a split depends only on
``(seed, i)`` and their picture ``j`` only on ``(seed, i, j)`` (:func:`person`, :func:`picture`).
The files hold :func:`stored_picture`: no pixel noise, ``STORED_COLOURS`` colours, saved as
palette PNGs (a third of the size of RGB ones; every reader returns RGB).

:func:`build` writes ``faces/``, only what the course's notebook and the embedding's evaluation
read (about 4 MB):

* ``heldout/<id>/<k>.png``: ``SPLITS["heldout"]`` (people × pictures each); these people are in no
  training set, and measure how well an embedding tells new people apart;
* ``database/<name>.png``: one passport-like picture (frontal, calm, plain backdrop) of each of the
  ``DATABASE`` people, who are in neither split;
* ``camera/<file>.png`` and ``camera/labels.csv`` (``file,identity``): new pictures of each
  database person and of strangers (``unknown``), in an order that does not give them away.

The ``train`` people are not stored: the embedding's recipe (``python -m course_tools pretrain
face_embedding``) draws as many of them as it wants with :func:`stored_picture` (or
:func:`picture`, with pixel noise), the same pictures on every machine.
"""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from . import drawing as dr
from . import faces
from .storage import write_atomically

NAME = "faces"
SIZE = 96  # side of every picture, in pixels
SPLITS = {"train": (3000, 8, 4101), "heldout": (300, 8, 4102)}  # split: (people, pictures each, seed)
SHIPPED_SPLITS = ("heldout",)  # the splits build() writes; train people are drawn when needed
PREFIX = {"train": "t", "heldout": "h"}  # identity ids: t0000, t0001, ... and h0000, ...
PEOPLE_SEED = 4103  # the database people and the strangers (in no split)
CAMERA_SEED = 4104  # the order of the camera pictures
DATABASE = (
    "ana", "bruno", "chidi", "dalia", "emre", "freya",
    "goran", "hana", "ines", "jomo", "kira", "lars",
)  # fmt: skip
CAMERA_PER_PERSON = 3  # camera pictures of each database person
STRANGERS = 12  # people not in the database, one camera picture each
UNKNOWN = "unknown"  # the camera label of a stranger
LABELS_FILE = "labels.csv"
STORED_COLOURS = 32  # colours per stored picture (see stored_picture)

EXPRESSIONS = ("neutral", "smile", "grin", "open", "sleepy")
_EXPRESSION_WEIGHTS = (0.3, 0.3, 0.15, 0.1, 0.15)
BEARDS = ("moustache", "goatee", "full", "stubble")
MAX_YAW = 1.0  # a turn of the head: the features slide by up to _YAW_SLIDE of the face's half-width
_YAW_SLIDE = 0.13
MAX_ROLL = 8.0  # degrees
SCALE = (0.88, 1.08)
MAX_OFFSET = 6.0  # reference pixels (see faces.REFERENCE)
LIGHT = (0.4, 1.0)  # strength of the uneven lighting (drawing.lighting)
COLOUR_CAST = 0.06  # standard deviation of each channel's gain (white balance)


@dataclass(frozen=True)
class Person:
    """Everything that stays the same in every picture of one person."""

    face: faces.FaceSpec
    mouth_width: float  # half the mouth's width, relative to half the face's width
    lips: dr.Colour
    mouth_ink: dr.Colour  # the dark line between the lips
    beard: str | None  # one of BEARDS
    beard_colour: dr.Colour
    earrings: tuple[dr.Colour, bool, float] | None  # colour, hoop (else stud), radius
    mole: tuple[float, float] | None  # position relative to (rx, ry) from the face's centre
    freckles: tuple[tuple[float, float], ...]  # positions relative to (rx, ry)


@dataclass(frozen=True)
class Shot:
    """What changes from one picture of a person to the next (backdrop and light aside)."""

    expression: str  # one of EXPRESSIONS
    yaw: float  # -1 (features slide left) to 1 (right)
    roll: float  # degrees
    scale: float
    offset: tuple[float, float]  # reference pixels
    clothes: dr.Colour
    hair: tuple[float, float]  # how far the hairline and the hair's length move, and how curls/spikes grow
    mouth: tuple[float, float, float]  # width factor, bend, tilt (relative to the mouth's half-width)
    details: int  # seeds the small details (teeth)


FRONTAL = Shot("neutral", 0.0, 0.0, 1.0, (0.0, 0.0), (90, 110, 150), (0.0, 1.0), (1.0, 0.0, 0.0), 0)


# --- identities and pictures ------------------------------------------------------------------


def random_person(rng: np.random.Generator) -> Person:
    """A random person: a cartoon face (``faces.random_face_spec``) and this dataset's extra traits."""
    face = faces.random_face_spec(rng)
    skin = np.asarray(face.skin, dtype=float)
    mouth_width = rng.uniform(0.33, 0.55)
    lips = dr.as_colour((1 - (t := rng.uniform(0.4, 0.75))) * skin + t * np.array([205, 95, 105]))
    mouth_ink = dr.as_colour(skin * 0.12 + np.array([40, 4, 8]) * rng.uniform(0.2, 1.0))
    beard = BEARDS[rng.integers(len(BEARDS))] if rng.random() < 0.25 else None
    beard_colour = dr.shade(face.hair, rng.uniform(0.75, 1.0))
    earrings = None
    if rng.random() < 0.18:
        colour = dr.pick(rng, [(222, 184, 60), (200, 200, 210), dr.random_colour(rng)])
        earrings = (colour, bool(rng.random() < 0.5), rng.uniform(2.0, 4.0))
    mole = (rng.uniform(-0.6, 0.6), rng.uniform(-0.1, 0.5)) if rng.random() < 0.18 else None
    freckles: tuple[tuple[float, float], ...] = ()
    if rng.random() < 0.12:
        freckles = tuple((side * rng.uniform(0.25, 0.65), rng.uniform(0.05, 0.35)) for side in (-1, 1) * 4)
    return Person(face, mouth_width, lips, mouth_ink, beard, beard_colour, earrings, mole, freckles)


def random_shot(rng: np.random.Generator, expression: str | None = None) -> Shot:
    """A random pose, expression, clothing and hair-do (``expression`` drawn unless given)."""
    if expression is None:
        expression = EXPRESSIONS[rng.choice(len(EXPRESSIONS), p=_EXPRESSION_WEIGHTS)]
    if expression not in EXPRESSIONS:
        raise ValueError(f"expression must be one of {EXPRESSIONS}, not {expression!r}")
    yaw = rng.uniform(-MAX_YAW, MAX_YAW)
    roll = rng.uniform(-MAX_ROLL, MAX_ROLL)
    scale = rng.uniform(*SCALE)
    offset = (rng.uniform(-MAX_OFFSET, MAX_OFFSET), rng.uniform(-MAX_OFFSET, MAX_OFFSET))
    clothes = dr.random_colour(rng)
    hair = (rng.uniform(-0.05, 0.05), rng.uniform(0.9, 1.1))
    mouth = (rng.uniform(0.9, 1.1), rng.uniform(-1, 1), rng.uniform(-0.1, 0.1))
    return Shot(expression, yaw, roll, scale, offset, clothes, hair, mouth, int(rng.integers(2**31)))


def passport_shot(rng: np.random.Generator) -> Shot:
    """A reference picture: facing the camera, upright, calm (neutral or a small smile)."""
    expression = "smile" if rng.random() < 0.5 else "neutral"
    shot = random_shot(rng, expression)
    return replace(shot, yaw=0.0, roll=rng.uniform(-2, 2), scale=1.0, offset=(0.0, 0.0))


def render_person(
    person: Person,
    shot: Shot,
    rng: np.random.Generator,
    *,
    size: int = SIZE,
    plain: bool = False,
    noise: tuple[float, float] = (0.0, 0.0),
) -> np.ndarray:
    """One picture of ``person`` in ``shot``, as a (size, size, 3) uint8 array.

    ``rng`` draws, in order: the backdrop (``plain``: one calm colour or gradient, no clutter),
    the lighting and its strength, the colour cast, then the pixel noise (``noise``: the range of
    its standard deviation; none by default).
    """
    scene = dr.Scene(size)
    skin = person.face.skin
    if plain:
        scene.backdrop = dr.background(rng, scene.canvas, avoid=skin, min_distance=60, vivid=0.25)
    else:
        scene.backdrop = faces.face_backdrop(rng, skin, scene.canvas)
    u = min(scene.canvas) / faces.REFERENCE * shot.scale
    layer = scene.layer()
    cx = layer.margin + scene.canvas[0] / 2 + shot.offset[0] * u
    cy = layer.margin + scene.canvas[1] / 2 + shot.offset[1] * u
    draw_person(layer.draw, person, shot, cx, cy, u)
    scene.add_layer(layer, shot.roll, centre=(cx, cy))
    small = scene.composite().resize(scene.size, Image.LANCZOS)
    pixels = dr.lighting(np.asarray(small, dtype=np.float64), rng, rng.uniform(*LIGHT))
    pixels = pixels * (1 + rng.normal(0, COLOUR_CAST, size=3))
    if noise[1] > 0:
        pixels = dr.add_noise(pixels, rng, noise)
    return np.clip(np.round(pixels), 0, 255).astype(np.uint8)


def person(split: str, index: int) -> Person:
    """Person ``index`` of ``split`` (see ``SPLITS``); a function of the split's seed and ``index``."""
    return random_person(np.random.default_rng([_seed(split), 1, index]))


def picture(split: str, index: int, k: int, noise: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """Picture ``k`` of person ``index`` of ``split``: a function of (seed, index, k) only."""
    rng = np.random.default_rng([_seed(split), 2, index, k])
    return render_person(person(split, index), random_shot(rng), rng, noise=noise)


def stored_picture(split: str, index: int, k: int) -> np.ndarray:
    """``picture`` as the files hold it: noise-free, ``STORED_COLOURS`` colours (RGB array)."""
    return np.asarray(_reduce(picture(split, index, k)).convert("RGB"))


def identity_id(split: str, index: int) -> str:
    """The folder name of person ``index`` of ``split``: ``t0000``, ``h0042``, ..."""
    return f"{PREFIX[split]}{index:04d}"


def _seed(split: str) -> int:
    if split not in SPLITS:
        raise ValueError(f"Unknown split {split!r}: choose one of {sorted(SPLITS)}.")
    return SPLITS[split][2]


# --- the database and the camera --------------------------------------------------------------


def named_person(index: int) -> Person:
    """Person ``index`` of the pool outside the splits: database people first, then strangers."""
    return random_person(np.random.default_rng([PEOPLE_SEED, 1, index]))


def database_picture(name: str) -> np.ndarray:
    """The reference picture of the database person ``name`` (noise-free, not reduced)."""
    index = DATABASE.index(name)
    rng = np.random.default_rng([PEOPLE_SEED, 2, index, 0])
    return render_person(named_person(index), passport_shot(rng), rng, plain=True)


def camera_plan() -> list[tuple[str, int, int]]:
    """The camera pictures in file order: ``(identity, pool index, picture number)`` each.

    ``identity`` is a database name or ``UNKNOWN``; a stranger's pool index follows the database's.
    """
    plan = [(name, i, k) for i, name in enumerate(DATABASE) for k in range(1, 1 + CAMERA_PER_PERSON)]
    plan += [(UNKNOWN, len(DATABASE) + s, 1) for s in range(STRANGERS)]
    order = np.random.default_rng(CAMERA_SEED).permutation(len(plan))
    return [plan[i] for i in order]


def camera_picture(index: int, k: int) -> np.ndarray:
    """Picture ``k`` (from 1) of pool person ``index``, as the camera saw it (noise-free, not reduced)."""
    rng = np.random.default_rng([PEOPLE_SEED, 2, index, k])
    return render_person(named_person(index), random_shot(rng), rng)


def camera_file(position: int) -> str:
    return f"camera_{position:02d}.png"


# --- drawing ----------------------------------------------------------------------------------


def draw_person(draw: ImageDraw.ImageDraw, person: Person, shot: Shot, cx: float, cy: float, u: float) -> None:
    """The person's head and shoulders centred on ``(cx, cy)``; ``u`` scales reference lengths.

    A turn of the head (``shot.yaw``) slides the eyes, nose and mouth sideways, narrows the face a
    little and hides the ear on the side the face turns to.
    """
    spec = _styled(person.face, shot)
    turn = shot.yaw
    rx, ry = spec.rx * u * (1 - 0.06 * abs(turn)), spec.ry * u
    fx = cx + turn * _YAW_SLIDE * rx  # the middle of the features
    faces._body(draw, spec, cx, cy, rx, ry, u)
    faces._hair_behind(draw, spec, cx, cy, rx, ry)
    _ears_and_head(draw, person, spec, cx, cy, rx, ry, turn)
    if person.beard in ("full", "stubble"):
        _jaw_beard(draw, person, spec, cx, cy, rx, ry)
    faces._hair_on_top(draw, spec, cx + 0.3 * (fx - cx), cy, rx, ry, u)
    for x, y in person.freckles:
        r = 0.7 * u
        px, py = fx + x * rx, cy + y * ry
        draw.ellipse([px - r, py - r, px + r, py + r], fill=dr.shade(spec.skin, 0.72))
    if person.mole is not None:
        r = 1.3 * u
        px, py = fx + person.mole[0] * rx, cy + person.mole[1] * ry
        draw.ellipse([px - r, py - r, px + r, py + r], fill=dr.shade(spec.skin, 0.45))
    eye_y = cy - ry * spec.eye_rise
    eye_dx = rx * spec.eye_spread
    eye_r = spec.eye_size * u
    faces._eyes(draw, spec, fx, eye_y, eye_dx, eye_r, u)
    if shot.expression == "sleepy" and spec.eye_style != "closed":
        _eyelids(draw, spec, fx, eye_y, eye_dx, eye_r, u)
    if spec.brows is not None:
        faces._eyebrows(draw, spec, fx, eye_y - eye_r - spec.brows[0] * u, eye_dx, u)
    if spec.glasses is not None:
        faces._glasses(draw, spec.glasses, fx, eye_y, eye_dx, rx, u)
    mouth_y = cy + ry * spec.mouth_drop
    faces._cheeks_and_nose(draw, spec, fx, eye_y, mouth_y, eye_dx, u)
    half = rx * person.mouth_width * shot.mouth[0]
    if person.beard in ("moustache", "goatee", "full"):
        _moustache(draw, person, fx, mouth_y, half, u)
    if person.beard == "goatee":
        _goatee(draw, person, fx, mouth_y, ry, half, u)
    _mouth(draw, person, shot, fx, mouth_y, half, u)


def _styled(face: faces.FaceSpec, shot: Shot) -> faces.FaceSpec:
    """The face with this picture's clothes and hair-do."""
    hairline, growth = shot.hair
    changes: dict = {"clothes": shot.clothes}
    if face.hair_style not in ("none", "hat"):
        changes["hairline"] = float(np.clip(face.hairline + hairline, 0.25, 0.65))
    if face.hair_style == "long":
        changes["hair_back"] = (face.hair_back[0] * growth,)
    elif face.hair_style == "curly":
        changes["hair_back"] = tuple(r * (0.5 + 0.5 * growth) for r in face.hair_back)
    elif face.hair_style == "spiky":
        changes["spikes"] = tuple(h * growth for h in face.spikes)
    return replace(face, **changes)


def _ears_and_head(draw, person: Person, spec: faces.FaceSpec, cx, cy, rx, ry, turn: float) -> None:
    """Ears (the one the face turns to slips behind the head), the face, then earrings."""
    ear = dr.shade(spec.skin, 0.92)
    er = rx * spec.ear
    hidden = [max(0.0, side * turn) for side in (-1, 1)]  # 0: in full view, 1: behind the head
    for side, away in zip((-1, 1), hidden, strict=True):
        ex = cx + side * rx * (1 - 0.35 * away)
        draw.ellipse([ex - er, cy - 1.4 * er, ex + er, cy + 1.4 * er], fill=ear)
    box = [cx - rx, cy - ry, cx + rx, cy + ry]
    if spec.head_shape == "oval":
        draw.ellipse(box, fill=spec.skin)
    elif spec.head_shape == "box":
        draw.rounded_rectangle(box, radius=rx * spec.corner, fill=spec.skin)
    else:
        draw.ellipse(box, fill=spec.skin)
        jaw = [cx - rx * 0.92, cy - ry * 0.2, cx + rx * 0.92, cy + ry * 0.98]
        draw.rounded_rectangle(jaw, radius=rx * 0.5, fill=spec.skin)
    if person.earrings is None or spec.hair_style == "long":
        return
    colour, hoop, size = person.earrings
    r = size * rx / spec.rx  # rx / spec.rx is the drawing scale
    for side, away in zip((-1, 1), hidden, strict=True):
        if away > 0.4:
            continue
        ex, ey = cx + side * rx * (1.02 - 0.35 * away), cy + 1.4 * er + r * 0.9
        if hoop:
            draw.ellipse([ex - r, ey - r, ex + r, ey + r], outline=colour, width=max(1, int(r / 2.5)))
        else:
            draw.ellipse([ex - r * 0.6, ey - r * 0.6, ex + r * 0.6, ey + r * 0.6], fill=colour)


def _jaw_beard(draw, person: Person, spec: faces.FaceSpec, cx, cy, rx, ry) -> None:
    """A full beard (or stubble: a shadow of skin and beard) over the lower face."""
    colour = person.beard_colour
    if person.beard == "stubble":
        colour = dr.as_colour(0.55 * np.asarray(spec.skin) + 0.45 * np.asarray(colour))
    box = [cx - rx * 1.0, cy - ry * 1.0, cx + rx * 1.0, cy + ry * 1.06]
    draw.chord(box, 8, 172, fill=colour)
    top = cy + ry * 0.14
    draw.rectangle([cx - rx * 0.98, top, cx - rx * 0.84, cy + ry * 0.3], fill=colour)
    draw.rectangle([cx + rx * 0.84, top, cx + rx * 0.98, cy + ry * 0.3], fill=colour)


def _moustache(draw, person: Person, fx, mouth_y, half, u) -> None:
    y = mouth_y - 6 * u
    width = 4 * u
    draw.rounded_rectangle(
        [fx - half * 0.95, y - width, fx + half * 0.95, y + width * 0.6], radius=width, fill=person.beard_colour
    )


def _goatee(draw, person: Person, fx, mouth_y, ry, half, u) -> None:
    top, bottom = mouth_y + 5 * u, min(mouth_y + 0.45 * ry, mouth_y + 20 * u)
    draw.rounded_rectangle([fx - half * 0.5, top, fx + half * 0.5, bottom], radius=4 * u, fill=person.beard_colour)


def _eyelids(draw, spec: faces.FaceSpec, fx, y, dx, r, u) -> None:
    """Half-closed eyes: skin-coloured lids over the upper half, with a dark edge."""
    lid = dr.shade(spec.skin, 0.94)
    for side in (-1, 1):
        x = fx + side * dx
        draw.rectangle([x - r * 1.35, y - r * 1.15, x + r * 1.35, y - r * 0.05], fill=lid)
        draw.line(
            [(x - r * 1.25, y - r * 0.05), (x + r * 1.25, y - r * 0.05)], fill=spec.eye_dark, width=faces._px(2, u)
        )


def _mouth(draw, person: Person, shot: Shot, fx, y, half, u) -> None:
    """The expression's mouth, of the person's width and lips; its curve comes from the shot."""
    _, bend, tilt = shot.mouth
    tilt *= half
    ink, lips = person.mouth_ink, person.lips
    inside = (70, 12, 20)
    details = np.random.default_rng(shot.details)
    if shot.expression in ("neutral", "sleepy"):
        _closed_mouth(draw, fx, y, half, half * 0.08 * bend, tilt, ink, lips, u)
    elif shot.expression == "smile":
        _closed_mouth(draw, fx, y, half, half * (0.6 + 0.25 * bend), tilt, ink, lips, u)
    elif shot.expression == "grin":
        top, low = half * (0.08 + 0.08 * bend), half * (0.8 + 0.15 * bend)
        faces._open_mouth(draw, details, fx, y, half, top, low, tilt, inside, ink, lips, 0.8, u)
    else:  # open: a round "o" of surprise, narrower than the mouth
        r = half * (0.45 + 0.1 * bend)
        draw.ellipse([fx - r, y - r * 1.2, fx + r, y + r * 1.2], fill=lips)
        r *= 0.72
        draw.ellipse([fx - r, y - r * 1.2, fx + r, y + r * 1.2], fill=inside, outline=ink, width=faces._px(2, u))


def _closed_mouth(draw, fx, y, half, bend, tilt, ink, lips, u) -> None:
    """A closed mouth centred on ``y``: a band of lips with a dark line along its middle."""
    points = np.asarray(faces._curve(fx, y - bend / 2, half, bend, tilt))
    _band(draw, points, 7.5 * u, lips)
    _band(draw, points, 3.0 * u, ink)


def _band(draw, points: np.ndarray, width: float, fill) -> None:
    """A thick curve with round ends, drawn as one polygon (wide PIL lines leave seams at joints)."""
    step = np.gradient(points, axis=0)
    normal = np.stack([-step[:, 1], step[:, 0]], axis=1) / np.linalg.norm(step, axis=1, keepdims=True)
    edge = normal * width / 2
    outline = np.concatenate([points + edge, (points - edge)[::-1]])
    draw.polygon([tuple(p) for p in outline.tolist()], fill=fill)
    r = width / 2
    for x, y in (points[0], points[-1]):
        draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)


# --- files ------------------------------------------------------------------------------------


def _reduce(image: np.ndarray) -> Image.Image:
    """A palette image of ``STORED_COLOURS`` colours (median cut, no dithering)."""
    return Image.fromarray(image, "RGB").quantize(
        STORED_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )


def stored_png(image: np.ndarray) -> bytes:
    """``image`` reduced to ``STORED_COLOURS`` colours, as palette PNG bytes with no metadata."""
    buffer = io.BytesIO()
    _reduce(image).save(buffer, format="PNG", optimize=False, compress_level=9)
    return buffer.getvalue()


def labels_csv() -> bytes:
    """``camera/labels.csv``: ``file,identity`` per camera picture, in file order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["file", "identity"])
    for position, (identity, _, _) in enumerate(camera_plan()):
        writer.writerow([camera_file(position), identity])
    return buffer.getvalue().encode("utf-8")


def build(out_dir: Path) -> list[Path]:
    """Write ``<out_dir>/faces/{heldout,database,camera}/`` and return the written paths.

    Folders of the splits that are not shipped (``train``), left by an older build, are removed.
    """
    root = Path(out_dir) / NAME
    for folder in (*SPLITS, "database", "camera"):
        shutil.rmtree(root / folder, ignore_errors=True)  # no stale pictures of a larger build
    written = []
    for split in SHIPPED_SPLITS:
        n, per_person, _ = SPLITS[split]
        for i in range(n):
            folder = root / split / identity_id(split, i)
            for k in range(per_person):
                written.append(write_atomically(folder / f"{k}.png", stored_png(picture(split, i, k))))
    for name in DATABASE:
        written.append(write_atomically(root / "database" / f"{name}.png", stored_png(database_picture(name))))
    for position, (_, index, k) in enumerate(camera_plan()):
        image = camera_picture(index, k)
        written.append(write_atomically(root / "camera" / camera_file(position), stored_png(image)))
    written.append(write_atomically(root / "camera" / LABELS_FILE, labels_csv()))
    return written
