"""Week 3's driving scenes: dash-cam views of a street, with object boxes and per-pixel classes.

**The world.**  A camera sits at driver's height in one lane of a straight street and looks along
it (turned by a few degrees at most).  Everything is placed in metres on the ground — ``X`` across
the street (positive to the right), ``Z`` ahead, ``Y`` up — and projected through a pinhole
camera, so size shrinks with distance and every line along the street meets at one vanishing
point on the horizon.  Traffic keeps to the right: our lanes lie right of the centre line,
oncoming lanes left of it, sometimes with parked cars along a curb.  A street is one of three
districts: *city* (tall, continuous blocks, shop fronts, street lamps), *town* (lower houses with
gaps, street trees) or *suburb* (small houses with pitched roofs behind lawns and hedges, many
trees).  The sky changes with the time of day (day, overcast, golden hour, dusk with lit
windows and car lights) and carries clouds.

**Objects.**  Cars (sedan, hatchback, SUV, van), trucks and buses are boxes in true perspective:
we see the rear of the traffic ahead and the front of oncoming traffic, plus the side that faces
the middle of the view.  Pedestrians are articulated figures (walking in profile, or seen from
the front or back) on the sidewalks and on crossings.  Traffic lights are heads with one lit
lamp, on a post at the curb or hanging from an arm over the road.  Street trees, lamp posts and
sign posts stand along the curbs.  Everything that stands up is drawn from far to near, so near
things hide far ones.

**Labels.**  Each object (vehicle, pedestrian, traffic light) is drawn on its own layer of the
drawing toolkit (:mod:`.drawing`), so its pixel mask and its box (the part of it left visible)
come from the drawing itself.  The scenery (sky, road, markings, sidewalks, buildings, lawns) is
drawn on the backdrop together with a map of its classes, with the same shapes; so are trees and
poles, except those that stand in front of an object, which get a layer of their own.

* ``DETECTION_CLASSES``: the boxes' classes; an object gets a box when at least
  ``MIN_VISIBLE_AREA`` pixels and ``MIN_VISIBLE_SHARE`` of it are visible.
* ``SEGMENTATION_CLASSES``: every pixel gets exactly one; ``vehicle`` covers cars, trucks and
  buses; ``pole`` covers posts, lamp posts and the signs on them; ``traffic_light`` is the
  light's head only; clouds are ``sky``; tree trunks, lawns and hedges are ``vegetation``.

Scenes are drawn at twice their size; a final pixel is the mean of its 2 × 2 drawn pixels, and its
class the most common class among them (an object's, where the object covers at least half).

:func:`draw_scene` draws one scene; :func:`generate` draws scene ``i`` of a set from
``numpy.random.default_rng([seed, i])`` alone; :func:`build_detection` and
:func:`build_segmentation` write the two datasets with the
pictures of :func:`stored_scene`: without pixel noise and with a palette of ``STORED_COLOURS``
colours, which makes the PNG files about three times smaller (training adds noise back).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from shared_utils.datasets.segmentation import CLASSES as SEGMENTATION_CLASS_NAMES

from . import drawing as dr
from .storage import png_bytes, write_atomically

# --- what the datasets hold --------------------------------------------------------------------

DETECTION_NAME = "driving"  # data/driving/{train,test}/images/*.png, boxes.csv
SEGMENTATION_NAME = "driving_seg"  # data/driving_seg/{train,test}/{images,masks}/*.png
DETECTION_CLASSES = ["car", "truck", "bus", "pedestrian", "traffic_light"]
SEGMENTATION_CLASSES = SEGMENTATION_CLASS_NAMES  # one list, shared with the loader the notebook uses
DETECTION_SIZE = (256, 192)  # (width, height) of the detection pictures
SEGMENTATION_SIZE = (128, 96)  # (width, height): the U-Net's input_size is (96, 128, 3)
DETECTION_SPLITS = {"train": (1200, 3101), "test": (200, 3102)}  # split: (scenes, seed)
SEGMENTATION_SPLITS = {"train": (1000, 3201), "test": (120, 3202)}
CLASSES_FILE = "classes.txt"
BOXES_FILE = "boxes.csv"

NOISY_SHARE = dr.NOISY_SHARE  # the share of drawn pictures with pixel noise
STORED_COLOURS = 64  # colours per stored picture (see stored_scene): noise-free, palette PNGs are small
MIN_VISIBLE_AREA = 20  # pixels an object must show to get a box ...
MIN_VISIBLE_SHARE = 0.25  # ... and the share of its (in-frame) pixels that must stay unhidden

SKY, ROAD, MARKING, SIDEWALK, BUILDING, VEGETATION, POLE, VEHICLE, PEDESTRIAN, LIGHT = range(10)
SEGMENT_OF = {
    "car": "vehicle",
    "truck": "vehicle",
    "bus": "vehicle",
    "pedestrian": "pedestrian",
    "traffic_light": "traffic_light",
}

# --- the world, in metres ----------------------------------------------------------------------

DISTRICTS = ("city", "town", "suburb")
TIMES = ("day", "overcast", "golden", "dusk")
_TIME_WEIGHTS = (0.45, 0.2, 0.2, 0.15)
_TINT = {
    "day": (1.0, 1.0, 1.0),
    "overcast": (0.93, 0.95, 0.98),
    "golden": (1.06, 0.96, 0.84),
    "dusk": (0.66, 0.66, 0.8),
}
_FAR = 2000.0  # the street's far end (practically the vanishing point)
_BUILDINGS_TO = 400.0  # blocks are placed up to this distance
_CURB = 0.15  # height of the sidewalk above the road
_LANE = (3.1, 3.6)  # lane width
_PARKING = 2.2  # width of a parking strip
_DASH = (3.0, 9.0)  # a lane dash's length and its period
_MARKING = 0.13  # width of a painted line
_OBJECTS_TO = 75.0  # no object is placed further away than this
_LIGHT = 0.6  # how uneven the lighting may be (see drawing.lighting)
_NOISE = (1.0, 4.0)  # standard deviations of the pixel noise (see drawing.add_noise)

_KIND_WEIGHTS = {"car": 0.78, "truck": 0.11, "bus": 0.11}  # what a moving vehicle is
_CAR_KINDS = {"sedan": 0.35, "hatchback": 0.25, "suv": 0.25, "van": 0.15}  # what a car is
_SHAPES = {  # kind: (length, width, height) ranges, ground clearance, height of the waist line
    "sedan": ((4.3, 4.9), (1.72, 1.85), (1.38, 1.48), 0.28, 0.95),
    "hatchback": ((3.7, 4.2), (1.65, 1.78), (1.42, 1.55), 0.28, 0.98),
    "suv": ((4.4, 4.9), (1.82, 1.95), (1.65, 1.82), 0.4, 1.08),
    "van": ((4.8, 5.4), (1.9, 2.02), (1.9, 2.35), 0.35, 1.05),
    "truck": ((7.0, 11.0), (2.35, 2.5), (3.1, 3.9), 0.5, 1.0),
    "bus": ((10.5, 12.5), (2.5, 2.5), (2.95, 3.3), 0.32, 1.1),
}
_CABINS = {  # car kind: (rear deck, rear window's run, bonnet, windscreen's run), metres along the car
    "sedan": (0.9, 0.6, 1.2, 0.8),
    "hatchback": (0.15, 0.35, 0.9, 0.75),
    "suv": (0.1, 0.15, 1.0, 0.6),
    "van": (0.0, 0.05, 0.55, 0.7),
}
_TRUCK_COLOURS = [(236, 236, 232), (180, 180, 184), (196, 60, 40), (40, 80, 150)]
_GLASS = [(40, 46, 56), (60, 74, 92), (28, 30, 34)]
_TYRE, _HUB, _CHASSIS, _GRILLE = (24, 24, 26), (120, 122, 126), (40, 40, 44), (28, 28, 30)
_CAR_COLOURS = [
    (236, 236, 234),
    (182, 185, 190),
    (112, 114, 120),
    (32, 32, 36),
    (28, 48, 108),
    (172, 30, 32),
    (52, 92, 170),
    (40, 92, 62),
    (204, 188, 150),
    (224, 182, 40),
    (120, 30, 40),
    (90, 60, 40),
]
_BUS_COLOURS = [(226, 186, 30), (196, 40, 38), (40, 90, 170), (236, 236, 230), (60, 140, 80)]
_FACADES = [
    (150, 76, 56),
    (172, 98, 72),
    (214, 200, 172),
    (226, 222, 214),
    (142, 142, 142),
    (172, 168, 160),
    (200, 172, 168),
    (172, 190, 202),
    (212, 202, 150),
    (96, 90, 84),
    (190, 140, 100),
]
_AWNINGS = [(160, 40, 40), (40, 110, 70), (40, 70, 140), (200, 150, 40), (90, 40, 100), (30, 30, 34)]
_ROOFS = [(122, 52, 42), (82, 72, 66), (60, 62, 72), (142, 84, 60), (100, 100, 96)]
_GREENS = [(52, 102, 42), (72, 122, 52), (40, 82, 36), (92, 132, 62), (62, 96, 48), (110, 130, 60)]
_TROUSERS = [(36, 52, 92), (30, 30, 34), (96, 96, 100), (180, 160, 120), (70, 56, 44), (60, 80, 110)]
_HAIR = [(28, 24, 24), (62, 40, 28), (112, 74, 44), (214, 182, 112), (160, 70, 34), (168, 168, 168)]
_LAMP_ON = [(255, 50, 36), (255, 186, 20), (70, 255, 140)]  # red, amber, green
_LAMP_OFF = [(70, 30, 26), (70, 58, 22), (24, 58, 36)]


def _tone(colour: dr.Colour, factor: float) -> dr.Colour:
    """``drawing.shade`` in plain Python (a scene shades thousands of colours)."""
    r, g, b = (min(255, max(0, round(c * factor))) for c in colour)
    return r, g, b


# --- the camera ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Camera:
    """A pinhole camera at ``height`` metres, looking along +Z; drawing-canvas pixels out."""

    focal: float  # pixels
    centre: float  # x of the image centre
    horizon: float  # y of the horizon
    height: float  # metres above the road
    turn: float  # tan of how far the street turns away from the view's axis

    def point(self, x: float, y: float, z: float) -> dr.Point:
        """Where the point ``(x, y, z)`` metres lands on the canvas."""
        return self.centre + self.focal * (x / z + self.turn), self.horizon + self.focal * (self.height - y) / z

    def scale(self, z: float) -> float:
        """Canvas pixels per metre at distance ``z``."""
        return self.focal / z

    def side_plane(self, x: float, y0: float, y1: float, z0: float, z1: float) -> list[dr.Point]:
        """A vertical rectangle along the street (a facade, a vehicle's side) at ``x``."""
        return [self.point(x, y0, z0), self.point(x, y1, z0), self.point(x, y1, z1), self.point(x, y0, z1)]

    def front_plane(self, x0: float, x1: float, y0: float, y1: float, z: float) -> list[dr.Point]:
        """A vertical rectangle facing the camera at distance ``z``."""
        return [self.point(x0, y0, z), self.point(x1, y0, z), self.point(x1, y1, z), self.point(x0, y1, z)]

    def ground(self, x0: float, x1: float, z0: float, z1: float, y: float = 0.0) -> list[dr.Point]:
        """A horizontal rectangle at height ``y`` (a stretch of road, a dash, a roof)."""
        return [self.point(x0, y, z0), self.point(x1, y, z0), self.point(x1, y, z1), self.point(x0, y, z1)]


# --- a pen that draws colours and, on the backdrop, classes ------------------------------------


class Pen:
    """Draws shapes in colour on an image and, where it has one, their class on a class map.

    A shape drawn with ``cls=None`` is a detail (a window, a light) that keeps the class of what
    it is drawn on.  ``extent`` is a box (x0, y0, x1, y1) around everything drawn so far, with
    a pixel to spare, or None while nothing is drawn (or when not asked to ``measure``).  A pen
    without an image draws nothing and only measures the extent.
    """

    def __init__(self, image: Image.Image | None, classes: Image.Image | None = None, measure: bool = True) -> None:
        self.colour = _NoDraw() if image is None else ImageDraw.Draw(image)
        self.classes = None if classes is None else ImageDraw.Draw(classes)
        self.measure = measure
        self.extent: list[float] | None = None

    def _grow(self, xs, ys, pad: float) -> None:
        if not self.measure:
            return
        box = [min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad]
        if self.extent is None:
            self.extent = box
        else:
            e = self.extent
            self.extent = [min(e[0], box[0]), min(e[1], box[1]), max(e[2], box[2]), max(e[3], box[3])]

    def polygon(self, points, fill, cls: int | None = None) -> None:
        self.colour.polygon(points, fill=fill)
        self._grow([p[0] for p in points], [p[1] for p in points], 2)
        if self.classes is not None and cls is not None:
            self.classes.polygon(points, fill=cls)

    def ellipse(self, box, fill, cls: int | None = None) -> None:
        x0, y0, x1, y1 = box
        box = [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]
        self.colour.ellipse(box, fill=fill)
        self._grow(box[0::2], box[1::2], 2)
        if self.classes is not None and cls is not None:
            self.classes.ellipse(box, fill=cls)

    def circle(self, cx, cy, r, fill, cls: int | None = None) -> None:
        self.ellipse([cx - r, cy - r, cx + r, cy + r], fill, cls)

    def line(self, points, fill, width: float, cls: int | None = None) -> None:
        width = max(1, int(round(width)))
        self.colour.line(points, fill=fill, width=width)
        self._grow([p[0] for p in points], [p[1] for p in points], width / 2 + 2)
        if self.classes is not None and cls is not None:
            self.classes.line(points, fill=cls, width=width)

    def capsule(self, start, end, width: float, fill, cls: int | None = None) -> None:
        """A thick segment with round ends (a limb, a trunk)."""
        self.line([start, end], fill, width, cls)
        for x, y in (start, end):
            self.circle(x, y, width / 2, fill, cls)


class _NoDraw:
    """Stands in for an ``ImageDraw`` where nothing is to be drawn."""

    def polygon(self, *args, **kwargs) -> None:
        pass

    ellipse = line = polygon


# --- the scene's plan ----------------------------------------------------------------------------


@dataclass
class Street:
    """The layout of one street: districts, lanes, sidewalks, light and colours."""

    camera: Camera
    district: str
    time: str
    lane: float  # lane width
    centre_line: float  # X of the line between oncoming lanes and ours
    oncoming: int  # lanes to the left of the centre line
    ours: int  # lanes to the right
    parking: tuple[bool, bool]  # a parking strip along the left / right curb
    walk: tuple[float, float]  # sidewalk widths, left / right
    asphalt: dr.Colour
    paving: dr.Colour
    crossing: float | None  # Z of a zebra crossing

    @property
    def left_edge(self) -> float:
        return self.centre_line - self.oncoming * self.lane - self.parking[0] * _PARKING

    @property
    def right_edge(self) -> float:
        return self.centre_line + self.ours * self.lane + self.parking[1] * _PARKING

    def curb(self, side: int) -> float:
        """X of the curb on ``side`` (-1 left, +1 right)."""
        return self.left_edge if side < 0 else self.right_edge

    def walk_edge(self, side: int) -> float:
        """X of the outer edge of the sidewalk on ``side``."""
        return self.curb(side) + side * self.walk[0 if side < 0 else 1]

    def lanes(self) -> list[tuple[float, bool]]:
        """(X of the lane's middle, whether the traffic comes towards us) for every driving lane."""
        ours = [(self.centre_line + (j + 0.5) * self.lane, False) for j in range(self.ours)]
        oncoming = [(self.centre_line - (j + 0.5) * self.lane, True) for j in range(self.oncoming)]
        return ours + oncoming


def _plan_street(rng: np.random.Generator, canvas: tuple[int, int]) -> Street:
    width, height = canvas
    fov = np.radians(rng.uniform(58, 72))
    camera = Camera(
        focal=width / (2 * np.tan(fov / 2)),
        centre=width / 2,
        horizon=height * rng.uniform(0.38, 0.5),
        height=rng.uniform(1.25, 1.7),
        turn=float(np.tan(np.radians(rng.normal(0, 2.0)))),
    )
    district = dr.pick(rng, DISTRICTS)
    time = TIMES[int(rng.choice(len(TIMES), p=_TIME_WEIGHTS))]
    lane = rng.uniform(*_LANE)
    ours = int(rng.choice([1, 2], p=[0.55, 0.45]))
    oncoming = int(rng.choice([0, 1, 2], p=[0.15, 0.5, 0.35]))
    own_lane = int(rng.integers(ours))
    centre_line = -(own_lane + 0.5) * lane + rng.uniform(-0.3, 0.3)
    parking_share = {"city": 0.5, "town": 0.5, "suburb": 0.3}[district]
    parking = (bool(rng.random() < parking_share), bool(rng.random() < parking_share))
    walk = tuple(rng.uniform(*((1.8, 3.0) if district == "suburb" else (2.5, 5.0)), size=2).tolist())
    grey = rng.uniform(62, 108)
    asphalt = dr.jitter(rng, (grey, grey, grey + rng.uniform(0, 6)), 4)
    paving = dr.jitter(rng, dr.pick(rng, [(168, 166, 160), (150, 150, 152), (184, 176, 160), (160, 140, 130)]), 8)
    crossing = float(rng.uniform(9, 32)) if rng.random() < 0.35 else None
    return Street(camera, district, time, lane, centre_line, oncoming, ours, parking, walk, asphalt, paving, crossing)


# --- the backdrop: sky, ground, road, markings, buildings ----------------------------------------


_SKIES = {  # time: (top, horizon) colours
    "day": ((66, 124, 206), (186, 212, 238)),
    "overcast": ((150, 156, 166), (200, 204, 210)),
    "golden": ((92, 122, 188), (250, 196, 138)),
    "dusk": ((36, 44, 100), (236, 136, 96)),
}


def _sky(rng: np.random.Generator, street: Street, canvas: tuple[int, int]) -> Image.Image:
    """A vertical gradient down to the horizon, with clouds."""
    width, height = canvas
    top, low = (np.asarray(dr.jitter(rng, c, 10), float) for c in _SKIES[street.time])
    t = np.clip(np.arange(height) / street.camera.horizon, 0, 1)[:, None] ** 1.3
    column = np.round((1 - t) * top + t * low).astype(np.uint8)[:, None, :]  # one pixel wide
    image = Image.fromarray(column, "RGB").resize(canvas, Image.NEAREST)
    draw = ImageDraw.Draw(image)
    white = {"day": (250, 250, 252), "overcast": (214, 216, 222), "golden": (255, 226, 200), "dusk": (226, 150, 150)}
    clouds = int(rng.integers(0, 7)) if street.time != "overcast" else int(rng.integers(6, 12))
    for _ in range(clouds):
        cx, cy = rng.uniform(-0.1, 1.1) * width, rng.uniform(0.05, 0.9) * street.camera.horizon
        size = rng.uniform(0.04, 0.14) * width * (1.6 if street.time == "overcast" else 1.0)
        mix = rng.uniform(0.35, 0.9)
        base = (1 - mix) * (1 - cy / street.camera.horizon) * top + mix * np.asarray(white[street.time], float)
        base = base + (1 - mix) * cy / street.camera.horizon * low
        for _ in range(int(rng.integers(4, 9))):
            dx, dy = rng.normal(0, size * 0.6), rng.normal(0, size * 0.12)
            rx, ry = size * rng.uniform(0.3, 0.7), size * rng.uniform(0.15, 0.3)
            shade = dr.as_colour(base * rng.uniform(0.95, 1.03))
            draw.ellipse([cx + dx - rx, cy + dy - ry, cx + dx + rx, cy + dy + ry], fill=shade)
    return image


def _skyline(pen: Pen, rng: np.random.Generator, street: Street) -> None:
    """Far towers (city) or a far tree line around the vanishing point, hazy with distance."""
    cam = street.camera
    haze = np.asarray(_SKIES[street.time][1], float)
    if street.district == "city":
        for _ in range(int(rng.integers(4, 12))):
            x, z = rng.uniform(-160, 160), rng.uniform(350, 700)
            w, h = rng.uniform(15, 50), rng.uniform(20, 140)
            colour = dr.as_colour(0.55 * haze + 0.45 * np.asarray(dr.pick(rng, _FACADES), float))
            pen.polygon(cam.front_plane(x - w / 2, x + w / 2, 0, h, z), colour, BUILDING)
    else:
        for _ in range(int(rng.integers(6, 16))):
            x, z = rng.uniform(-250, 250), rng.uniform(350, 600)
            r = rng.uniform(6, 16)
            colour = dr.as_colour(0.5 * haze + 0.5 * np.asarray(dr.pick(rng, _GREENS), float))
            (x0, y0), (x1, y1) = cam.point(x - r, 2 * r, z), cam.point(x + r, 0, z)
            pen.ellipse([x0, y0, x1, y1 + (y1 - y0) * 0.3], colour, VEGETATION)


def _ground(pen: Pen, rng: np.random.Generator, street: Street, canvas: tuple[int, int], near: float) -> None:
    """Lawns (or paving, in the city) beyond the sidewalks, then sidewalks, curbs and the road."""
    cam = street.camera
    width, height = canvas
    beyond = (0, cam.horizon, width, height + 1)
    if street.district == "city":
        pen.polygon([beyond[:2], (beyond[2], beyond[1]), beyond[2:], (beyond[0], beyond[3])], street.paving, SIDEWALK)
    else:
        lawn = dr.jitter(rng, dr.pick(rng, [(96, 140, 60), (110, 150, 70), (84, 120, 56)]), 8)
        pen.polygon([beyond[:2], (beyond[2], beyond[1]), beyond[2:], (beyond[0], beyond[3])], lawn, VEGETATION)
    for side in (-1, 1):
        curb, edge = street.curb(side), street.walk_edge(side)
        pen.polygon(cam.ground(curb, edge, near, _FAR, _CURB), street.paving, SIDEWALK)
        seam = _tone(street.paving, 0.86)
        z = rng.uniform(1, 3)
        while z < 40:  # paving seams across the sidewalk
            pen.line([cam.point(curb, _CURB, z), cam.point(edge, _CURB, z)], seam, max(1, cam.scale(z) * 0.04))
            z += rng.uniform(1.8, 2.2)
        face = _tone(street.paving, rng.uniform(0.75, 1.1))
        pen.polygon(cam.side_plane(curb, 0, _CURB, near, _FAR), face, SIDEWALK)
    pen.polygon(cam.ground(street.left_edge, street.right_edge, near, _FAR), street.asphalt, ROAD)
    for _ in range(int(rng.integers(0, 6))):  # patches and stains on the asphalt
        w, d = rng.uniform(0.4, 2.5), rng.uniform(0.5, 4)
        x, z = rng.uniform(street.left_edge, street.right_edge - w), rng.uniform(near, 40)
        pen.polygon(cam.ground(x, x + w, z, z + d), _tone(street.asphalt, rng.uniform(0.8, 1.15)))


def _markings(pen: Pen, rng: np.random.Generator, street: Street, near: float) -> None:
    """Edge lines, the centre line, dashed lane lines, a zebra crossing and its stop line."""
    cam = street.camera
    white = dr.jitter(rng, (226, 226, 218), 6)
    yellow = dr.jitter(rng, (222, 178, 40), 8)
    half = _MARKING / 2
    far = cam.focal * _MARKING / 1.2  # where a line becomes thinner than about one pixel
    gaps = []
    if street.crossing is not None:
        gaps = [(street.crossing - 1.8, street.crossing + 3.2)]

    def solid(x, colour):
        for z0, z1 in _spans(near, far, gaps):
            pen.polygon(cam.ground(x - half, x + half, z0, z1), colour, MARKING)

    def dashed(x, colour):
        length, period = _DASH
        z = near - rng.uniform(0, period)
        while z < far:
            for z0, z1 in _spans(max(z, near), z + length, gaps):
                pen.polygon(cam.ground(x - half, x + half, z0, z1), colour, MARKING)
            z += period

    # edge lines, between the lanes and the curb or the parking strip
    left = street.centre_line - street.oncoming * street.lane
    right = street.centre_line + street.ours * street.lane
    solid(left + (0.25 if not street.parking[0] else 0), white)
    solid(right - (0.25 if not street.parking[1] else 0), white)
    if street.oncoming:
        if rng.random() < 0.5:
            solid(street.centre_line - 0.1, yellow)
            solid(street.centre_line + 0.1, yellow)
        else:
            dashed(street.centre_line, white)
    for j in range(1, street.ours):
        dashed(street.centre_line + j * street.lane, white)
    for j in range(1, street.oncoming):
        dashed(street.centre_line - j * street.lane, white)
    if street.crossing is not None:
        z = street.crossing
        x = left + 0.3
        while x < right - 0.4:
            pen.polygon(cam.ground(x, x + 0.5, z, z + 3.0), white, MARKING)
            x += 1.0
        pen.polygon(cam.ground(street.centre_line, right, z - 1.6, z - 1.2), white, MARKING)


def _spans(z0: float, z1: float, gaps: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The stretch ``z0`` to ``z1`` less the ``gaps`` (where a crossing interrupts a line)."""
    spans = [(z0, z1)]
    for g0, g1 in gaps:
        spans = [piece for a, b in spans for piece in ((a, min(b, g0)), (max(a, g1), b)) if piece[1] > piece[0]]
    return spans


@dataclass
class Block:
    """One building: its facade runs along the street at ``x`` from ``z0`` to ``z1``."""

    x: float
    z0: float
    z1: float
    height: float
    colour: dr.Colour
    roof: dr.Colour | None  # a pitched roof's colour (suburban houses), None for a flat roof
    windows: dict = field(default_factory=dict)


def _plan_blocks(rng: np.random.Generator, street: Street, side: int) -> list[Block]:
    """The buildings along one side, near to far."""
    district = street.district
    gap_share = {"city": 0.06, "town": 0.25, "suburb": 0.35}[district]
    blocks, z = [], rng.uniform(-8, 4)
    line = abs(street.walk_edge(side))
    while z < _BUILDINGS_TO:
        if blocks and rng.random() < gap_share:
            z += rng.uniform(4, 14) * (1 + z / 150)
            continue
        if district == "city":
            length, height, setback = rng.uniform(12, 34), rng.uniform(10, 42), rng.choice([0, 0, 0, 1.5])
        elif district == "town":
            length, height, setback = rng.uniform(8, 20), rng.uniform(6, 15), rng.uniform(0, 2)
        else:
            length, height, setback = rng.uniform(8, 14), rng.uniform(3.2, 6.5), rng.uniform(4, 9)
        length *= 1 + z / 200  # far blocks are longer: fewer, barely visible pieces
        colour = dr.jitter(rng, dr.pick(rng, _FACADES), 10)
        roof = dr.jitter(rng, dr.pick(rng, _ROOFS), 8) if district == "suburb" else None
        floor = rng.uniform(2.9, 3.5)
        windows = {
            "floor": floor,
            "bay": rng.uniform(2.2, 3.6),
            "width": rng.uniform(0.35, 0.6),  # share of the bay
            "height": rng.uniform(0.4, 0.6),  # share of the floor
            "glass": dr.jitter(rng, dr.pick(rng, [(46, 56, 70), (70, 90, 110), (36, 40, 44), (110, 130, 150)]), 8),
            "frame": _tone(colour, rng.uniform(0.6, 1.25)),
            "shop": district != "suburb" and rng.random() < 0.6,
            "awning": dr.pick(rng, _AWNINGS),
            "lit": 0.35 if street.time == "dusk" else 0.0,
        }
        blocks.append(Block(side * (line + setback), z, z + length, height, colour, roof, windows))
        z += length
    return blocks


def _buildings(pen: Pen, rng: np.random.Generator, street: Street, side: int, blocks: list[Block]) -> None:
    """Draw one side's buildings from far to near: end walls, facades, windows, roofs."""
    cam = street.camera
    for block in reversed(blocks):
        z0, z1 = max(block.z0, 0.6), block.z1
        if z1 <= z0:
            continue
        depth = side * 14.0
        end_colour = _tone(block.colour, 0.78)
        pen.polygon(cam.front_plane(block.x, block.x + depth, 0, block.height, z0), end_colour, BUILDING)
        pen.polygon(cam.side_plane(block.x, 0, block.height, z0, z1), block.colour, BUILDING)
        if block.roof is not None:
            ridge = block.height + rng.uniform(1.5, 3.0)
            roof = [
                cam.point(block.x, block.height, z0),
                cam.point(block.x, block.height, z1),
                cam.point(block.x + depth / 2, ridge, z1),
                cam.point(block.x + depth / 2, ridge, z0),
            ]
            pen.polygon(roof, block.roof, BUILDING)
            gable = [cam.point(block.x, block.height, z0), cam.point(block.x + depth, block.height, z0)]
            pen.polygon([*gable, cam.point(block.x + depth / 2, ridge, z0)], _tone(block.colour, 0.7), BUILDING)
        else:
            cornice = _tone(block.colour, 0.7)
            pen.polygon(cam.side_plane(block.x, block.height - 0.5, block.height, z0, z1), cornice)
        _windows(pen, rng, cam, block, z0, z1)


def _windows(pen: Pen, rng: np.random.Generator, cam: Camera, block: Block, z0: float, z1: float) -> None:
    """Rows of windows on a facade (a shop front on the ground floor); tiny ones are skipped."""
    w = block.windows
    floor, bay = w["floor"], w["bay"]
    bays = max(1, int((z1 - z0) / bay))
    step = (z1 - z0) / bays
    floors = max(1, int((block.height - 0.6) / floor))
    x = block.x
    for j in range(bays):
        a = z0 + j * step + step * (1 - w["width"]) / 2
        b = a + step * w["width"]
        (xa, _), (xb, _) = cam.point(x, 0, a), cam.point(x, 0, b)
        if abs(xb - xa) < 1.5:
            continue
        for k in range(floors):
            if k == 0 and w["shop"]:
                pen.polygon(cam.side_plane(x, 0.3, 2.6, z0 + j * step + 0.3, z0 + (j + 1) * step - 0.3), w["glass"])
                pen.polygon(cam.side_plane(x, 2.6, 3.0, z0 + j * step, z0 + (j + 1) * step), w["awning"])
                continue
            y0 = k * floor + floor * (1 - w["height"]) * 0.6
            y1 = y0 + floor * w["height"]
            if cam.scale(a) * (y1 - y0) < 1.5:
                break
            glass = (255, 214, 130) if rng.random() < w["lit"] else w["glass"]
            pen.polygon(cam.side_plane(x, y0 - 0.12, y1 + 0.08, a - 0.1, b + 0.1), w["frame"])
            pen.polygon(cam.side_plane(x, y0, y1, a, b), glass)


def _hedges(pen: Pen, rng: np.random.Generator, street: Street, side: int, near: float) -> None:
    """Suburban hedges along the outer edge of the sidewalk."""
    cam = street.camera
    x = street.walk_edge(side) + side * 0.5
    z = rng.uniform(near, 8)
    colour = dr.jitter(rng, dr.pick(rng, _GREENS), 8)
    while z < 150:
        length = rng.uniform(6, 20)
        if rng.random() < 0.6:
            h = rng.uniform(0.8, 1.6)
            pen.polygon(cam.side_plane(x, 0, h, max(z, near), z + length), colour, VEGETATION)
            pen.polygon(cam.ground(x, x + side * 0.8, max(z, near), z + length, h), _tone(colour, 1.15), VEGETATION)
        z += length + rng.uniform(1, 6)


# --- standing things -----------------------------------------------------------------------------


@dataclass
class Prop:
    """Something that stands on the ground at distance ``z``, drawn by ``draw(pen)``.

    ``name`` is a detection class or None (scenery: trees, poles); ``segment`` its pixel class.
    """

    z: float
    segment: int
    draw: Callable[[Pen], None]
    name: str | None = None
    shadow: list[dr.Point] | None = None  # the outline of its shadow on the ground


def _vehicle_props(rng: np.random.Generator, street: Street, near: float) -> list[Prop]:
    """Traffic in every lane and cars parked along the curbs."""
    props = []
    crossing = street.crossing
    for x, towards in street.lanes():
        own = abs(x) < street.lane / 2
        z = rng.uniform(6, 14) if own else rng.uniform(2.5, 12)
        while z < _OBJECTS_TO:
            if rng.random() < 0.3:  # an empty stretch
                z += rng.uniform(10, 30)
                continue
            name = str(rng.choice(list(_KIND_WEIGHTS), p=list(_KIND_WEIGHTS.values())))
            spec = _vehicle_spec(rng, name)
            if crossing is not None and z < crossing + 3.5 and z + spec["length"] > crossing - 2.5:
                z = crossing + 4 + rng.uniform(0, 4)
                continue
            offset = rng.normal(0, 0.25)
            props.append(_vehicle(rng, street, name, spec, x + offset, z, towards))
            z += spec["length"] + rng.uniform(2.5, 14) * (1 + z / 40)
    for side, parked in zip((-1, 1), street.parking, strict=True):
        if not parked:
            continue
        z = rng.uniform(1, 6)
        while z < 70:
            spec = _vehicle_spec(rng, "car")
            if rng.random() < 0.65 and (crossing is None or not (crossing - 8 < z < crossing + 4)):
                x = street.curb(side) - side * (_PARKING / 2 + rng.uniform(-0.15, 0.1))
                props.append(_vehicle(rng, street, "car", spec, x, z, towards=bool(rng.random() < 0.2)))
            z += spec["length"] + rng.uniform(0.8, 4)
    return props


def _vehicle_spec(rng: np.random.Generator, name: str) -> dict:
    """Kind, dimensions (metres) and colours of one vehicle of class ``name``."""
    if name == "car":
        kind = str(rng.choice(list(_CAR_KINDS), p=list(_CAR_KINDS.values())))
        colour = dr.pick(rng, _CAR_COLOURS)
    else:
        kind = name
        colour = dr.pick(rng, _TRUCK_COLOURS if kind == "truck" else _BUS_COLOURS)
    length, width, height, clearance, waist = _SHAPES[kind]
    return {
        "kind": kind,
        "length": rng.uniform(*length),
        "width": rng.uniform(*width),
        "height": rng.uniform(*height),
        "clearance": clearance,
        "waist": waist,
        "body": dr.jitter(rng, colour, 8),
        "cab": dr.jitter(rng, dr.pick(rng, _CAR_COLOURS), 8),  # a truck's cab
        "chassis": _CHASSIS,
        "glass": dr.jitter(rng, dr.pick(rng, _GLASS), 6),
        "plate": (250, 250, 244) if rng.random() < 0.7 else (250, 214, 40),
        "bumper": (30, 30, 32) if rng.random() < 0.7 else None,  # None: the body's colour, darker
    }


@dataclass(frozen=True)
class _Part:
    """A box-like piece of a vehicle: ``d0`` to ``d1`` metres from its near end, ``y0`` to ``y1`` up.

    Its near face leans back by ``lean`` metres from bottom to top (a sloping window), its far face
    by ``far_lean``; it narrows from ``half`` to ``top_half`` (half widths) going up.  ``paint``
    names its colour in the vehicle's spec; a ``glass`` part (a car's cabin) is mostly windows.
    """

    d0: float
    d1: float
    y0: float
    y1: float
    half: float
    top_half: float
    lean: float = 0.0
    far_lean: float = 0.0
    paint: str = "body"
    glass: bool = False


def _vehicle_parts(spec: dict, towards: bool) -> list[_Part]:
    """The pieces of a vehicle (its near end is its front when it comes ``towards`` us)."""
    kind, length, half, height = spec["kind"], spec["length"], spec["width"] / 2, spec["height"]
    clear, waist = spec["clearance"], spec["waist"]
    if kind == "bus":
        return [_Part(0, length, clear, height, half, half - 0.05, 0.1 if towards else 0.03)]
    if kind == "truck":
        cab_top = min(height - 0.3, 2.9)
        chassis = _Part(0, length, clear, 1.05, half - 0.1, half - 0.1, paint="chassis")
        if towards:
            cab = _Part(0, 2.3, clear, cab_top, half - 0.05, half - 0.12, 0.15, paint="cab")
            return [cab, chassis, _Part(2.5, length, 1.0, height, half, half)]
        cab = _Part(length - 2.3, length, clear, cab_top, half - 0.05, half - 0.12, paint="cab")
        return [_Part(0, length - 2.6, 1.0, height, half, half), chassis, cab]
    deck, rear_run, bonnet, wind_run = _CABINS[kind]
    near, run, far, far_run = (bonnet, wind_run, deck, rear_run) if towards else (deck, rear_run, bonnet, wind_run)
    body = _Part(0, length, clear, waist, half, half - 0.03)
    cabin = _Part(near, length - far, waist, height, half - 0.06, half - 0.22, run, far_run, glass=True)
    return [body, cabin]


def _vehicle(rng, street: Street, name: str, spec: dict, x: float, z: float, towards: bool) -> Prop:
    """A vehicle whose near end is ``z`` metres ahead, its middle at ``x``."""
    lights_on = street.time == "dusk" or rng.random() < 0.1

    def draw(pen: Pen) -> None:
        _draw_vehicle(pen, street.camera, spec, x, z, towards, lights_on)

    half = spec["width"] / 2
    shadow = street.camera.ground(x - half, x + half, z + 0.15, z + spec["length"] - 0.15)
    return Prop(z, VEHICLE, draw, name, shadow=shadow)


def _draw_vehicle(pen: Pen, cam: Camera, spec: dict, x: float, z: float, towards: bool, lights_on: bool) -> None:
    """Tyres under the near end, the parts (far ones first), wheels on the side we see, the near face."""
    parts = _vehicle_parts(spec, towards)
    axles = _axles(spec, towards)
    for t in (-1, 1):  # the near tyres show under the bumper
        tx = x + t * (spec["width"] / 2 - 0.25)
        pen.polygon(cam.front_plane(tx - 0.14, tx + 0.14, 0, spec["clearance"] + 0.12, z + axles[0]), _TYRE)
    for part in sorted(parts, key=lambda p: -p.d0):
        _draw_part(pen, cam, spec, part, x, z)
    side = _visible_side(x, spec["width"] / 2)
    if side:
        sx = x + side * spec["width"] / 2
        radius = 0.5 if spec["kind"] in ("truck", "bus") else 0.33
        for d in axles:
            zc = z + d
            (xa, ya), (xb, _) = cam.point(sx, radius, zc - radius), cam.point(sx, radius, zc + radius)
            r, inset = radius * cam.scale(zc), (xb - xa) * 0.3
            pen.ellipse([xa, ya - r, xb, ya + r], _TYRE)
            pen.ellipse([xa + inset, ya - r * 0.45, xb - inset, ya + r * 0.45], _HUB)
    near = min(parts, key=lambda p: (p.d0, p.y0))  # the lowest of the nearest parts
    if spec["kind"] == "truck" and not towards:
        _truck_doors(pen, cam, parts[0], x, z)
        near = parts[1]  # the lights sit on the chassis
    elif spec["kind"] in ("truck", "bus"):
        _big_windows(pen, cam, spec, near, x, z, towards)
    _near_face(pen, cam, spec, near, x, z, towards, lights_on)


def _axles(spec: dict, towards: bool) -> list[float]:
    """Distances of the axles from the near end."""
    length = spec["length"]
    if spec["kind"] == "bus":
        axles = [2.6, length - 3.0]
    elif spec["kind"] == "truck":
        axles = [1.3, length - 2.0, length - 3.3]
    else:
        axles = [0.8, length - 0.95]
    return sorted(length - d for d in axles) if towards else axles


def _visible_side(x: float, half: float) -> int:
    """-1 when the vehicle's left side faces the camera's axis, +1 for its right side, 0 for none."""
    if x - half > 0:
        return -1
    if x + half < 0:
        return 1
    return 0


def _draw_part(pen: Pen, cam: Camera, spec: dict, part: _Part, x: float, z: float) -> None:
    """A part's visible side (with windows), its top (when the camera is above it), its near face."""
    colour, glass = spec[part.paint], spec["glass"]
    side = _visible_side(x, part.half)
    if side:
        xb, xt = x + side * part.half, x + side * part.top_half
        outline = [
            cam.point(xb, part.y0, z + part.d0),
            cam.point(xt, part.y1, z + part.d0 + part.lean),
            cam.point(xt, part.y1, z + part.d1 - part.far_lean),
            cam.point(xb, part.y0, z + part.d1),
        ]
        pen.polygon(outline, _tone(colour, 0.82))
        if part.glass or spec["kind"] == "bus":  # side windows: a band following the part's outline
            y0, y1 = (part.y0 + 0.08, part.y1 - 0.07) if part.glass else (1.25, part.y1 - 0.5)
            band = []
            for y, far in ((y0, False), (y1, False), (y1, True), (y0, True)):
                f = (y - part.y0) / (part.y1 - part.y0)
                d = part.d1 - part.far_lean * f - 0.12 if far else part.d0 + part.lean * f + 0.12
                band.append(cam.point(xb + (xt - xb) * f, y, z + d))
            pen.polygon(band, _tone(glass, 1.1))
    if cam.height > part.y1:
        near, far = z + part.d0 + part.lean, z + part.d1 - part.far_lean
        pen.polygon(cam.ground(x - part.top_half, x + part.top_half, near, far, part.y1), _tone(colour, 1.08))
    pen.polygon(_on_face(cam, part, x, z, -1, 1, part.y0, part.y1), colour)
    if part.glass:
        pen.polygon(_on_face(cam, part, x, z, -0.88, 0.88, part.y0 + 0.07, part.y1 - 0.07), glass)


def _on_face(
    cam: Camera, part: _Part, x: float, z: float, t0: float, t1: float, y0: float, y1: float
) -> list[dr.Point]:
    """A rectangle on a part's near face: across from ``t0`` to ``t1`` (-1 = left edge, 1 = right
    edge), up from ``y0`` to ``y1`` metres; it follows the face's lean and narrowing."""

    def at(t, y):
        f = (y - part.y0) / (part.y1 - part.y0)
        half = part.half + (part.top_half - part.half) * f
        return cam.point(x + t * half, y, z + part.d0 + part.lean * f)

    return [at(t0, y0), at(t1, y0), at(t1, y1), at(t0, y1)]


def _truck_doors(pen: Pen, cam: Camera, box: _Part, x: float, z: float) -> None:
    """The seam and the locking bars of a cargo box's rear doors."""
    pen.polygon(_on_face(cam, box, x, z, -0.005, 0.005, box.y0 + 0.1, box.y1 - 0.1), (60, 60, 64))
    for t in (-0.5, 0.5):
        pen.polygon(_on_face(cam, box, x, z, t - 0.01, t + 0.01, box.y0 + 0.2, box.y1 - 0.2), (90, 90, 96))


def _big_windows(pen: Pen, cam: Camera, spec: dict, face: _Part, x: float, z: float, towards: bool) -> None:
    """A windscreen (a truck's cab, a bus), a bus's rear window and destination display."""
    top = face.y1 - (0.45 if spec["kind"] == "bus" else 0.15)
    if towards:
        bottom = 1.3 if spec["kind"] == "bus" else face.y1 - 1.1
        pen.polygon(_on_face(cam, face, x, z, -0.9, 0.9, bottom, top), spec["glass"])
        if spec["kind"] == "bus":
            pen.polygon(_on_face(cam, face, x, z, -0.7, 0.7, face.y1 - 0.38, face.y1 - 0.12), (24, 24, 24))
            pen.polygon(_on_face(cam, face, x, z, -0.5, 0.3, face.y1 - 0.3, face.y1 - 0.2), (255, 170, 30))
    elif spec["kind"] == "bus":
        pen.polygon(_on_face(cam, face, x, z, -0.9, 0.9, face.y1 - 1.0, top), spec["glass"])


def _near_face(pen, cam, spec: dict, face: _Part, x, z, towards: bool, lights_on: bool) -> None:
    """Bumper, grille, lights and number plate on the face we see."""
    y0 = face.y0
    light_y = 0.75 if spec["kind"] in ("truck", "bus") else face.y1 - 0.17
    bumper = spec["bumper"] or _tone(spec["body"], 0.7)
    pen.polygon(_on_face(cam, face, x, z, -1, 1, y0, min(face.y1, y0 + 0.16)), bumper)
    if towards:
        pen.polygon(_on_face(cam, face, x, z, -0.45, 0.45, light_y - 0.28, light_y - 0.02), _GRILLE)
        colour = (255, 250, 220) if lights_on else (220, 222, 214)
    else:
        colour = (255, 40, 30) if lights_on else (176, 24, 24)
    for t0, t1 in ((-0.98, -0.7), (0.7, 0.98)):
        pen.polygon(_on_face(cam, face, x, z, t0, t1, light_y - 0.1, light_y + 0.06), colour)
    pen.polygon(_on_face(cam, face, x, z, -0.14, 0.14, y0 + 0.2, y0 + 0.32), spec["plate"])


# pedestrians


def _pedestrian_props(rng: np.random.Generator, street: Street) -> list[Prop]:
    """People on the sidewalks, and sometimes on the zebra crossing."""
    busy = {"city": 7.0, "town": 4.5, "suburb": 2.2}[street.district]
    props = []
    for _ in range(int(rng.poisson(busy))):
        side = -1 if rng.random() < 0.45 else 1
        x = street.curb(side) + side * rng.uniform(0.4, 0.9) * street.walk[0 if side < 0 else 1]
        nearest = abs(x) * street.camera.focal / street.camera.centre  # nearer ones are out of view
        z = rng.uniform(nearest, max(nearest, 30) + 5) if rng.random() < 0.6 else rng.uniform(nearest, nearest + 10)
        props.append(_pedestrian(rng, street, x, z, _CURB))
    if street.crossing is not None and rng.random() < 0.7:
        for _ in range(int(rng.integers(1, 5))):
            x = rng.uniform(street.left_edge + 0.5, street.right_edge - 0.5)
            props.append(_pedestrian(rng, street, x, street.crossing + rng.uniform(0.3, 2.7), 0.0, crossing=True))
    return props


def _pedestrian(rng, street: Street, x: float, z: float, ground: float, crossing: bool = False) -> Prop:
    """A walking (profile) or standing (front or back view) person whose feet are at ``(x, z)``."""
    child = rng.random() < 0.12
    look = {
        "height": rng.uniform(1.05, 1.35) if child else rng.uniform(1.55, 1.92),
        "view": "side" if crossing or rng.random() < 0.45 else dr.pick(rng, ["front", "back"]),
        "facing": 1 if rng.random() < 0.5 else -1,
        "stride": rng.uniform(8, 26),
        "skin": dr.skin_tone(rng),
        "hair": dr.pick(rng, _HAIR),
        "top": dr.random_colour(rng, saturation=rng.uniform(0.3, 1.0)),
        "legs": dr.jitter(rng, dr.pick(rng, _TROUSERS), 8),
        "coat": rng.random() < 0.3,
        "skirt": rng.random() < 0.15,
        "bag": rng.random() < 0.35,
        "bag_colour": dr.jitter(rng, dr.pick(rng, [(40, 36, 34), (120, 80, 40), (160, 40, 40), (50, 60, 90)]), 8),
        "bulk": rng.uniform(0.95, 1.15),
    }

    def draw(pen: Pen) -> None:
        _draw_person(pen, street.camera, look, x, z, ground)

    shadow = street.camera.ground(x - 0.3, x + 0.3, z - 0.25, z + 0.25, ground)
    return Prop(z, PEDESTRIAN, draw, "pedestrian", shadow=shadow)


def _draw_person(pen: Pen, cam: Camera, look: dict, x: float, z: float, ground: float) -> None:
    h, s = look["height"], cam.scale(z)
    fx, fy = cam.point(x, ground, z)

    def at(u: float, v: float) -> dr.Point:  # metres across and up from the feet
        return fx + u * s, fy - v * s

    side = look["view"] == "side"
    bulk = look["bulk"]
    hip, shoulder, hand = 0.5 * h, 0.81 * h, 0.43 * h
    leg_w, arm_w = 0.075 * h * bulk, 0.058 * h * bulk
    head_r = 0.068 * h
    swing = np.radians(look["stride"]) if side else 0.0
    facing = look["facing"]
    # legs
    for k, tone in ((-1, 0.75), (1, 1.0)):
        if side:
            foot = (facing * k * np.sin(swing) * hip, hip * (1 - np.cos(swing)))
            start = at(0, hip)
        else:
            foot = (k * 0.07 * h, 0.0)
            start = at(k * 0.05 * h, hip)
        end = at(foot[0], foot[1] + leg_w / 2)
        pen.capsule(start, end, leg_w * s, _tone(look["legs"], tone))
        pen.capsule(end, (end[0] + facing * 0.05 * h * s * side, end[1]), leg_w * 0.8 * s, (30, 28, 28))
    # the far arm, the body, the near arm
    half_shoulder = (0.06 if side else 0.125) * h * bulk
    half_hip = (0.07 if side else 0.1) * h * bulk
    if side:
        pen.capsule(
            at(0, shoulder - 0.03 * h), at(-facing * np.sin(swing) * 0.3 * h, hand), arm_w * s, _tone(look["top"], 0.7)
        )
    if look["bag"] and side:
        pen.polygon(
            [
                at(-facing * 0.16 * h, shoulder - 0.03 * h),
                at(-facing * 0.05 * h, shoulder - 0.03 * h),
                at(-facing * 0.05 * h, hip + 0.07 * h),
                at(-facing * 0.17 * h, hip + 0.07 * h),
            ],
            look["bag_colour"],
        )
    bottom = 0.33 * h if look["coat"] or look["skirt"] else hip - 0.03 * h
    flare = 0.04 * h if look["skirt"] or look["coat"] else 0.0
    torso = [
        at(-half_shoulder, shoulder),
        at(half_shoulder, shoulder),
        at(half_hip + flare, bottom),
        at(-half_hip - flare, bottom),
    ]
    pen.polygon(torso, look["top"] if not look["skirt"] else look["top"])
    pen.circle(*at(-half_shoulder + arm_w / 2, shoulder - 0.01 * h), arm_w * s / 2, look["top"])
    pen.circle(*at(half_shoulder - arm_w / 2, shoulder - 0.01 * h), arm_w * s / 2, look["top"])
    if side:
        pen.capsule(at(0, shoulder - 0.03 * h), at(facing * np.sin(swing) * 0.3 * h, hand), arm_w * s, look["top"])
        pen.circle(*at(facing * np.sin(swing) * 0.3 * h, hand - 0.02 * h), arm_w * 0.55 * s, look["skin"])
    else:
        for k in (-1, 1):
            elbow = at(k * (half_shoulder + 0.01 * h), shoulder - 0.04 * h)
            wrist = at(k * (half_shoulder + 0.03 * h), hand)
            pen.capsule(elbow, wrist, arm_w * s, _tone(look["top"], 0.92))
            pen.circle(wrist[0], wrist[1] + 0.02 * h * s, arm_w * 0.55 * s, look["skin"])
        if look["bag"] and look["view"] == "back":
            pen.polygon(
                [
                    at(-0.09 * h, shoulder - 0.04 * h),
                    at(0.09 * h, shoulder - 0.04 * h),
                    at(0.085 * h, hip + 0.08 * h),
                    at(-0.085 * h, hip + 0.08 * h),
                ],
                look["bag_colour"],
            )
    # neck and head
    pen.capsule(at(0, shoulder - 0.01 * h), at(0, shoulder + 0.05 * h), 0.05 * h * s, look["skin"])
    cx, cy = at(0, h - head_r)
    r = head_r * s
    if look["view"] == "back":
        pen.circle(cx, cy, r, look["hair"])
    else:
        pen.circle(cx, cy, r, look["skin"])
        offset = facing * 0.3 * r if side else 0.0
        pen.ellipse([cx - r * 1.02 - offset, cy - r * 1.08, cx + r * 1.02 - offset, cy - r * 0.1], look["hair"])


# traffic lights, lamps, signs and trees


def _light_props(rng: np.random.Generator, street: Street) -> list[Prop]:
    """Traffic lights at a crossing (or a junction out of view): posts at the curbs, perhaps an arm over the road."""
    if street.crossing is None and rng.random() < 0.45:
        return []
    z = street.crossing + 4.0 if street.crossing is not None else rng.uniform(12, 45)
    props = []
    sides = [1] if rng.random() < 0.4 else [1, -1]
    state = int(rng.choice(3, p=[0.45, 0.15, 0.4]))
    housing = dr.pick(rng, [(34, 36, 34), (30, 40, 34), (190, 160, 40)])
    for side in sides:
        x = street.curb(side) + side * 0.5
        zz = z + rng.uniform(-0.5, 0.5) + (6 if side < 0 else 0) * rng.random()
        if side > 0 and rng.random() < 0.5:  # an arm over our lanes with one or two heads
            arm_y = rng.uniform(5.4, 6.2)
            reach = x - street.centre_line - 0.5
            heads = [x - reach * rng.uniform(0.35, 0.6)] + ([x - reach * 0.95] if rng.random() < 0.5 else [])
            props.append(Prop(zz + 0.01, POLE, _pole_drawer(street.camera, x, zz, arm_y + 0.3, (x, x - reach, arm_y))))
            for hx in heads:
                props.append(_light_head(street.camera, hx, zz, arm_y - 0.05, state, housing, rng))
        else:
            top = rng.uniform(2.9, 3.6)
            props.append(Prop(zz + 0.01, POLE, _pole_drawer(street.camera, x, zz, top)))
            props.append(_light_head(street.camera, x, zz, top + 1.0, state, housing, rng))
    return props


def _pole_drawer(cam: Camera, x: float, z: float, height: float, arm: tuple | None = None, lamp: bool = False):
    """A post ``height`` metres tall; ``arm`` = (x from, x to, height) adds a horizontal arm."""
    colour = (70, 72, 74)

    def draw(pen: Pen) -> None:
        s = cam.scale(z)
        pen.line([cam.point(x, 0, z), cam.point(x, height, z)], colour, max(1.5, 0.14 * s), POLE)
        if arm is not None:
            x0, x1, y = arm
            pen.line([cam.point(x0, y, z), cam.point(x1, y, z)], colour, max(1.5, 0.1 * s), POLE)
            if lamp:
                lx, ly = cam.point(x1, y, z)
                pen.ellipse([lx - 0.35 * s, ly - 0.06 * s, lx + 0.35 * s, ly + 0.14 * s], (200, 200, 190), POLE)

    return draw


def _light_head(cam: Camera, x: float, z: float, top: float, state: int, housing, rng) -> Prop:
    """A traffic light's head (top at ``top`` metres): a housing, three lamps, one of them lit, maybe a backplate."""
    plate = rng.random() < 0.5

    def draw(pen: Pen) -> None:
        s = cam.scale(z)
        if plate:
            pen.polygon(cam.front_plane(x - 0.3, x + 0.3, top - 1.08, top + 0.08, z), (20, 20, 20))
            pen.polygon(cam.front_plane(x - 0.27, x + 0.27, top - 1.05, top + 0.05, z), (236, 236, 236))
            pen.polygon(cam.front_plane(x - 0.24, x + 0.24, top - 1.02, top + 0.02, z), (24, 24, 24))
        pen.polygon(cam.front_plane(x - 0.18, x + 0.18, top - 0.96, top, z), housing)
        for k in range(3):
            cx, cy = cam.point(x, top - 0.17 - 0.31 * k, z)
            pen.circle(cx, cy, 0.115 * s, _LAMP_ON[k] if k == state else _LAMP_OFF[k])

    return Prop(z, LIGHT, draw, "traffic_light")


def _street_furniture(rng: np.random.Generator, street: Street) -> list[Prop]:
    """Street lamps, sign posts and street trees along the curbs."""
    props = []
    cam = street.camera
    trees = {"city": 0.3, "town": 0.6, "suburb": 0.85}[street.district]
    lamps = {"city": 0.85, "town": 0.6, "suburb": 0.35}[street.district]
    for side in (-1, 1):
        walk = street.walk[0 if side < 0 else 1]
        if rng.random() < lamps:
            z, gap = rng.uniform(2, 20), rng.uniform(22, 34)
            x = street.curb(side) + side * 0.4
            height = rng.uniform(7, 9)
            while z < 160:
                arm = (x, x - side * rng.uniform(1.2, 2.0), height)
                props.append(Prop(z, POLE, _pole_drawer(cam, x, z, height, arm, lamp=True)))
                z += gap
        if rng.random() < trees:
            z, gap = rng.uniform(4, 12), rng.uniform(7, 14)
            x = street.curb(side) + side * min(1.0, walk / 2)
            look = (rng.uniform(2.0, 3.4), dr.jitter(rng, dr.pick(rng, _GREENS), 10), rng.random() < 0.15)
            while z < 120:
                if rng.random() < 0.85:
                    props.append(_tree(rng, cam, x + side * rng.uniform(-0.2, 0.2), z, *look))
                z += gap * rng.uniform(0.85, 1.15)
        if street.district == "suburb":  # garden trees behind the hedges
            for _ in range(int(rng.integers(2, 7))):
                x = street.walk_edge(side) + side * rng.uniform(2, 7)
                props.append(
                    _tree(
                        rng,
                        cam,
                        x,
                        rng.uniform(6, 120),
                        rng.uniform(2.5, 4.5),
                        dr.pick(rng, _GREENS),
                        rng.random() < 0.3,
                    )
                )
        if rng.random() < 0.5:  # a road sign
            z = rng.uniform(5, 40)
            props.append(Prop(z, POLE, _sign_drawer(rng, cam, street.curb(side) + side * 0.4, z)))
    return props


def _sign_drawer(rng, cam: Camera, x: float, z: float):
    shape = dr.pick(rng, ["round", "triangle", "square"])
    height = rng.uniform(2.0, 2.6)
    face = dr.pick(rng, [(200, 30, 30), (30, 70, 160), (240, 240, 236)])

    def draw(pen: Pen) -> None:
        s = cam.scale(z)
        pen.line([cam.point(x, 0, z), cam.point(x, height, z)], (120, 122, 126), max(1.2, 0.07 * s), POLE)
        cx, cy = cam.point(x, height + 0.3, z)
        r = 0.32 * s
        if shape == "round":
            pen.circle(cx, cy, r, face, POLE)
            pen.circle(cx, cy, r * 0.72, (240, 240, 236) if face != (240, 240, 236) else (30, 30, 30), POLE)
        elif shape == "triangle":
            pen.polygon([(cx, cy - r), (cx + r, cy + 0.75 * r), (cx - r, cy + 0.75 * r)], (200, 30, 30), POLE)
            pen.polygon(
                [(cx, cy - 0.55 * r), (cx + 0.6 * r, cy + 0.48 * r), (cx - 0.6 * r, cy + 0.48 * r)], (240, 240, 236)
            )
        else:
            pen.polygon([(cx - r, cy - r), (cx + r, cy - r), (cx + r, cy + r), (cx - r, cy + r)], face, POLE)
            pen.polygon(
                [
                    (cx - 0.8 * r, cy - 0.8 * r),
                    (cx + 0.8 * r, cy - 0.8 * r),
                    (cx + 0.8 * r, cy + 0.8 * r),
                    (cx - 0.8 * r, cy + 0.8 * r),
                ],
                (240, 240, 236),
            )

    return draw


def _tree(rng, cam: Camera, x: float, z: float, radius: float, green: dr.Colour, conifer: bool) -> Prop:
    """A tree whose trunk stands at ``(x, z)``: a crown of overlapping leafy blobs, or a conifer."""
    radius *= rng.uniform(0.85, 1.15)
    trunk = rng.uniform(1.8, 3.0)
    bark = dr.jitter(rng, (92, 70, 52), 10)
    blobs = [
        (rng.normal(0, 0.45), rng.normal(0, 0.35), rng.uniform(0.45, 0.7), _tone(green, rng.uniform(0.75, 1.2)))
        for _ in range(int(rng.integers(6, 11)))
    ]
    blobs.sort(key=lambda b: -b[1])  # lower, darker blobs first

    def draw(pen: Pen) -> None:
        s = cam.scale(z)
        pen.line([cam.point(x, 0, z), cam.point(x, trunk + radius * 0.5, z)], bark, max(1.5, 0.3 * s), VEGETATION)
        cx, cy = cam.point(x, trunk + radius, z)
        if conifer:
            for k in range(4):
                w, top = radius * (1 - 0.2 * k), cy - (0.9 - 0.5 * k) * radius * s
                pen.polygon(
                    [
                        (cx, top - 0.9 * radius * s),
                        (cx + w * s, top + 0.6 * radius * s),
                        (cx - w * s, top + 0.6 * radius * s),
                    ],
                    _tone(green, 0.8 + 0.08 * k),
                    VEGETATION,
                )
            return
        for dx, dy, r, colour in blobs:
            bx, by = cx + dx * radius * s, cy - dy * radius * s
            rr = r * radius * s
            pen.ellipse([bx - rr, by - rr * 0.9, bx + rr, by + rr * 0.9], colour, VEGETATION)

    return Prop(z, VEGETATION, draw)


# --- the scene --------------------------------------------------------------------------------


@dataclass
class SceneObject:
    """One object of a detection class as drawn: where it shows, and whether it gets a box."""

    name: str
    distance: float  # metres to its near end
    box: dr.Box | None  # the visible part's box (final pixels, ends excluded)
    full_box: dr.Box | None  # the box of the whole object (in the frame), ignoring what hides it
    visible_area: int  # pixels where it shows
    full_area: int  # pixels it covers in the frame, ignoring what hides it
    kept: bool  # whether it has a box in ``DrivingScene.boxes``


@dataclass
class DrivingScene:
    """A dash-cam picture and its labels.

    ``image``: (H, W, 3) uint8.  ``mask``: (H, W) uint8, an index into ``SEGMENTATION_CLASSES``
    for every pixel.  ``boxes``: (class name, x0, y0, x1, y1) in pixels (x1, y1 excluded) for the
    objects that show enough of themselves, far ones first.  ``objects``: every object of a
    detection class drawn, kept or not; ``instances``: (H, W) uint8, 1 + the index in ``objects``
    of the object seen at each pixel, 0 for scenery.
    """

    image: np.ndarray
    mask: np.ndarray
    boxes: list[tuple[str, int, int, int, int]]
    objects: list[SceneObject]
    instances: np.ndarray
    district: str = ""
    time: str = ""


def draw_scene(
    rng: np.random.Generator, size: tuple[int, int] = DETECTION_SIZE, noisy_share: float = NOISY_SHARE
) -> DrivingScene:
    """One dash-cam scene of ``size`` = (width, height) pixels, a function of ``rng`` alone.

    ``noisy_share``: the chance that the picture gets pixel noise (nothing else depends on it).
    """
    return _draw(rng, size, noisy_share)[0]


def _draw(
    rng: np.random.Generator, size: tuple[int, int], noisy_share: float = NOISY_SHARE
) -> tuple[DrivingScene, dr.Scene]:
    """The scene, and the toolkit's :class:`~.drawing.Scene` it was drawn on (for checks)."""
    scene = dr.Scene(size[0], size[1], margin=0)
    canvas = scene.canvas
    street = _plan_street(rng, canvas)
    cam = street.camera
    near = cam.focal * cam.height / (canvas[1] - cam.horizon) * 0.9  # just below the picture's bottom

    # the backdrop, with a map of its classes drawn with the same shapes
    scene.backdrop = _sky(rng, street, canvas)
    classes = Image.new("L", canvas, SKY)
    pen = Pen(scene.backdrop, classes, measure=False)
    _skyline(pen, rng, street)
    _ground(pen, rng, street, canvas, near)
    _markings(pen, rng, street, near)
    blocks = {side: _plan_blocks(rng, street, side) for side in (-1, 1)}
    for side in (-1, 1):
        _buildings(pen, rng, street, side, blocks[side])
        if street.district == "suburb":
            _hedges(pen, rng, street, side, near)

    # standing things, drawn far to near
    props = _vehicle_props(rng, street, near) + _pedestrian_props(rng, street)
    props += _light_props(rng, street) + _street_furniture(rng, street)
    props.sort(key=lambda p: -p.z)
    _shadows(scene.backdrop, props)
    # Objects go on layers of their own.  Scenery (trees, poles) goes on the backdrop too, unless
    # it overlaps something already on a layer: it must then cover that, so it gets a layer.
    layered = []  # (prop, region) of each layer, far to near
    for prop in props:
        if prop.name is None:
            probe = Pen(None)
            prop.draw(probe)
            region = _region(probe.extent, canvas, scene.supersample)
            if region is None:
                continue
            if not any(_overlap(region, other) for _, other in layered if other is not None):
                prop.draw(pen)
                continue
        layer = scene.layer()
        layer_pen = Pen(layer.image)
        prop.draw(layer_pen)
        scene.placed.append(dr.Placed(layer.image, prop.segment, scene.supersample))
        layered.append((prop, _region(layer_pen.extent, canvas, scene.supersample)))

    tint = np.asarray(_TINT[street.time]) * rng.uniform(0.92, 1.06)
    image = _finish(_composite(scene, [region for _, region in layered]), rng, scene.supersample, tint, noisy_share)
    mask, instances, found = _labels(scene, classes, layered)
    boxes = [(o.name, *o.box) for o in found if o.kept]
    return DrivingScene(image, mask, boxes, found, instances, street.district, street.time), scene


def _finish(image: Image.Image, rng, k: int, tint: np.ndarray, noisy_share: float) -> np.ndarray:
    """``drawing.finish`` with the time of day's colour ``tint`` (the share of each channel kept).

    Each final pixel is the mean of its ``k`` × ``k`` drawn pixels (the block its class comes
    from), which is also many times faster than a Lanczos filter.
    """
    pixels = np.asarray(image.reduce(k), np.float64) * tint
    pixels = dr.lighting(pixels, rng, _LIGHT)
    pixels = dr.add_noise(pixels, rng, _NOISE, noisy_share)
    return np.clip(np.round(pixels), 0, 255).astype(np.uint8)


def _shadows(backdrop: Image.Image, props: list[Prop]) -> None:
    """Dark patches on the ground under vehicles and people (they keep the ground's class)."""
    shadows = [prop.shadow for prop in props if prop.shadow is not None]
    if not shadows:
        return
    overlay = Image.new("RGBA", backdrop.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for shadow in shadows:
        draw.polygon(shadow, fill=(0, 0, 0, 96))
    backdrop.paste(Image.alpha_composite(backdrop.convert("RGBA"), overlay).convert("RGB"))


def _region(extent: list[float] | None, canvas: tuple[int, int], k: int) -> dr.Box | None:
    """The part of the canvas a layer drew on, (x0, y0, x1, y1) on the grid of final pixels."""
    if extent is None:
        return None
    x0, y0 = max(0, int(extent[0]) // k * k), max(0, int(extent[1]) // k * k)
    x1, y1 = min(canvas[0], -(-int(np.ceil(extent[2])) // k) * k), min(canvas[1], -(-int(np.ceil(extent[3])) // k) * k)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def _overlap(a: dr.Box, b: dr.Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _composite(scene: dr.Scene, regions: list[dr.Box | None]) -> Image.Image:
    """``Scene.composite``, laying each layer only over the region it drew on."""
    out = scene.backdrop.convert("RGBA")
    for placed, region in zip(scene.placed, regions, strict=True):
        if region is not None:
            out.alpha_composite(placed.image, dest=region[:2], source=region)
    return out.convert("RGB")


def _labels(scene: dr.Scene, classes: Image.Image, layered: list[tuple[Prop, dr.Box | None]]):
    """The class mask, the instance map and a :class:`SceneObject` for every object of a detection class.

    As in the toolkit's ``label_mask`` and ``instance_mask``, a pixel shows the nearest layer that
    covers at least half of it; an object's visible part is where it is the one shown.
    """
    k = scene.supersample
    mask = _downsample_classes(np.asarray(classes), k)
    shown = np.zeros(mask.shape, np.int32)  # 1 + the index of the layer shown at each pixel
    shares = _visible_coverage(scene, [region for _, region in layered])
    for index, ((_, region), placed, (visible, _)) in enumerate(zip(layered, scene.placed, shares, strict=True)):
        if region is not None:
            seen = visible >= dr.MASK_THRESHOLD
            window = (slice(region[1] // k, region[3] // k), slice(region[0] // k, region[2] // k))
            shown[window][seen] = index + 1
            mask[window][seen] = placed.label
    found, number = [], np.zeros(len(layered) + 1, np.uint8)  # layer -> 1 + object index
    for index, ((prop, region), (_, whole)) in enumerate(zip(layered, shares, strict=True)):
        if prop.name is None:  # scenery: a class, no box
            continue
        number[index + 1] = len(found) + 1
        if region is None:
            found.append(SceneObject(prop.name, prop.z, None, None, 0, 0, False))
            continue
        x0, y0 = region[0] // k, region[1] // k
        seen = shown[y0 : region[3] // k, x0 : region[2] // k] == index + 1
        full = whole >= dr.MASK_THRESHOLD
        box, full_box = _box(seen, x0, y0), _box(full, x0, y0)
        area, full_area = int(seen.sum()), int(full.sum())
        kept = box is not None and area >= MIN_VISIBLE_AREA and area >= MIN_VISIBLE_SHARE * full_area
        found.append(SceneObject(prop.name, prop.z, box, full_box, area, full_area, kept))
    return mask, number[shown], found


def _box(mask: np.ndarray, x0: int, y0: int) -> dr.Box | None:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if not len(rows):
        return None
    return x0 + int(cols[0]), y0 + int(rows[0]), x0 + int(cols[-1]) + 1, y0 + int(rows[-1]) + 1


def _visible_coverage(scene: dr.Scene, regions: list[dr.Box | None]) -> list:
    """For each placed layer: (the share of each final pixel of its region where it shows, the
    share it covers ignoring what hides it), or (None, None) for a layer without a region.

    The same shares as ``Scene.visible_coverage`` and ``Placed.coverage``, computed only over the
    region each layer drew on (canvas pixels, on the grid of final pixels).
    """
    k = scene.supersample
    width, height = scene.canvas
    through = np.ones((height, width), np.float32)  # how much light the layers above let through
    out = []
    for placed, region in zip(reversed(scene.placed), reversed(regions), strict=True):
        if region is None:
            out.append((None, None))
            continue
        x0, y0, x1, y1 = region
        alpha = np.asarray(placed.image.crop(region).getchannel("A"), np.float32) / np.float32(255)
        window = through[y0:y1, x0:x1]
        visible = _shrink(alpha * window, k)
        window *= 1 - alpha
        out.append((visible, _shrink(alpha, k)))
    return out[::-1]


def _shrink(values: np.ndarray, k: int) -> np.ndarray:
    """Average ``k`` × ``k`` blocks (as ``drawing``'s, with strided sums, which are much faster)."""
    total = 0
    for i in range(k):
        for j in range(k):
            total = total + values[i::k, j::k]
    return total / (k * k)


def _downsample_classes(classes: np.ndarray, k: int) -> np.ndarray:
    """The most common class of each ``k`` × ``k`` block (for k = 2: ties go to the top-left pixel's class)."""
    if k == 1:
        return classes.copy()
    if k == 2:
        a, b, c, d = classes[0::2, 0::2], classes[0::2, 1::2], classes[1::2, 0::2], classes[1::2, 1::2]
        out = np.where((b == c) & (b == d) & (a != b), b, a)
        out = np.where((a != b) & (a != c) & (a != d) & ((b == c) | (b == d)), b, out)
        out = np.where((a != b) & (a != c) & (a != d) & (b != c) & (b != d) & (c == d), c, out)
        return out.astype(np.uint8)
    h, w = classes.shape
    blocks = classes.reshape(h // k, k, w // k, k).transpose(0, 2, 1, 3).reshape(h // k, w // k, k * k)
    counts = np.stack([(blocks == c).sum(axis=2) for c in range(len(SEGMENTATION_CLASSES))], axis=2)
    return counts.argmax(axis=2).astype(np.uint8)


# --- sets of scenes and the datasets -----------------------------------------------------------


def generate(
    n: int, seed: int, size: tuple[int, int] = DETECTION_SIZE, start: int = 0, noisy_share: float = NOISY_SHARE
) -> list[DrivingScene]:
    """Scenes ``start`` to ``start + n - 1`` of the set ``seed``; scene ``i`` depends only on ``(seed, i)``."""
    return [draw_scene(np.random.default_rng([seed, i]), size, noisy_share) for i in range(start, start + n)]


def stored_scene(seed: int, index: int, size: tuple[int, int]) -> DrivingScene:
    """Scene ``index`` of the set ``seed`` as the datasets store it: without pixel noise, its picture
    reduced to a palette of ``STORED_COLOURS`` colours (which keeps the PNG files small)."""
    scene = draw_scene(np.random.default_rng([seed, index]), size, noisy_share=0.0)
    reduced = Image.fromarray(scene.image, "RGB").quantize(
        STORED_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    scene.image = np.asarray(reduced.convert("RGB"))
    return scene


def build_detection(out_dir: Path) -> list[Path]:
    """Write ``<out_dir>/driving/{train,test}/images/NNNNN.png`` with a ``boxes.csv`` per split
    (``image,class,x_min,y_min,x_max,y_max`` in pixels, max excluded) and ``classes.txt``."""
    root = Path(out_dir) / DETECTION_NAME
    written = [write_atomically(root / CLASSES_FILE, ("\n".join(DETECTION_CLASSES) + "\n").encode())]
    for split, (n, seed) in DETECTION_SPLITS.items():
        folder = root / split / "images"
        _clear(folder)
        rows = ["image,class,x_min,y_min,x_max,y_max"]
        for i in range(n):
            scene = stored_scene(seed, i, DETECTION_SIZE)
            name = f"{i:05d}.png"
            written.append(write_atomically(folder / name, png_bytes(scene.image)))
            rows += [f"{name},{c},{x0},{y0},{x1},{y1}" for c, x0, y0, x1, y1 in scene.boxes]
        written.append(write_atomically(root / split / BOXES_FILE, ("\n".join(rows) + "\n").encode()))
    return written


def build_segmentation(out_dir: Path) -> list[Path]:
    """Write ``<out_dir>/driving_seg/{train,test}/{images,masks}/NNNNN.png`` (masks hold class
    indices) and ``classes.txt``."""
    root = Path(out_dir) / SEGMENTATION_NAME
    written = [write_atomically(root / CLASSES_FILE, ("\n".join(SEGMENTATION_CLASSES) + "\n").encode())]
    for split, (n, seed) in SEGMENTATION_SPLITS.items():
        images, masks = root / split / "images", root / split / "masks"
        _clear(images)
        _clear(masks)
        for i in range(n):
            scene = stored_scene(seed, i, SEGMENTATION_SIZE)
            name = f"{i:05d}.png"
            written.append(write_atomically(images / name, png_bytes(scene.image)))
            written.append(write_atomically(masks / name, png_bytes(scene.mask)))
    return written


def _clear(folder: Path) -> None:
    """Create ``folder`` and remove the PNGs a previous, larger build left there."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.png"):
        stale.unlink()
