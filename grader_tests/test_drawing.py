"""The drawing toolkit behind the procedural datasets: scenes, layers, boxes, masks and faces."""

from __future__ import annotations

import numpy as np
import pytest

from course_tools.recipes.data import drawing as dr
from course_tools.recipes.data import faces


def _rectangle(scene: dr.Scene, x: int, y: int, w: int, h: int, colour=(255, 0, 0)) -> dr.Layer:
    """A layer holding a filled ``w`` × ``h`` rectangle whose top-left corner is at canvas ``(x, y)``."""
    layer = scene.layer()
    x0, y0 = layer.at(x, y)
    layer.draw.rectangle([x0, y0, x0 + w - 1, y0 + h - 1], fill=colour)
    return layer


def test_scenes_need_not_be_square() -> None:
    scene = dr.Scene(48, 32)
    assert scene.size == (48, 32) and scene.canvas == (96, 64)
    rng = np.random.default_rng(0)
    scene.backdrop = dr.background(rng, scene.canvas, avoid=(200, 150, 120), min_distance=60)
    dr.add_clutter(scene.backdrop, rng, 5, avoid=(200, 150, 120), min_distance=60)
    assert scene.backdrop.size == (96, 64)
    scene.add_layer(_rectangle(scene, 10, 6, 30, 20))
    image = scene.finish(rng)
    assert image.shape == (32, 48, 3) and image.dtype == np.uint8
    assert scene.masks().shape == (1, 32, 48)
    assert scene.label_mask().shape == (32, 48)
    assert dr.gradient((30, 10), (0, 0, 0), (255, 255, 255), angle=0.0).size == (30, 10)
    tall = dr.Scene(20, 50, supersample=3)
    assert tall.canvas == (60, 150) and tall.layer().image.size == (60 + 2 * tall.margin, 150 + 2 * tall.margin)


def test_box_and_mask_match_what_was_drawn() -> None:
    scene = dr.Scene(40, 30)
    placed = scene.add_layer(_rectangle(scene, 20, 10, 40, 40), shift=(8, 4))
    # (20 + 8, 10 + 4) to (60 + 8, 50 + 4) drawing pixels: halved, (14, 7) to (34, 27)
    assert placed.box() == (14, 7, 34, 27)
    mask = placed.mask()
    assert mask.sum() == 20 * 20 and mask[7:27, 14:34].all()
    assert scene.boxes() == [(14, 7, 34, 27)]
    assert np.array_equal(scene.masks()[0], mask)
    labels = scene.label_mask()
    assert set(np.unique(labels)) == {0, 1} and (labels == 1).sum() == 400


def test_turning_and_mirroring_move_the_box() -> None:
    scene = dr.Scene(40)
    layer = _rectangle(scene, 20, 36, 40, 8)  # a flat bar, 20 x 4 final pixels
    centre = layer.at(40, 40)  # the canvas's centre
    upright = scene.add_layer(layer, angle=90, centre=centre)
    x0, y0, x1, y1 = upright.box()
    assert abs((x1 - x0) - 4) <= 1 and abs((y1 - y0) - 20) <= 1
    off_centre = _rectangle(scene, 4, 4, 20, 20)  # top left
    mirrored = scene.add_layer(off_centre, flip=True, centre=layer.at(40, 14))
    assert mirrored.box() == (28, 2, 38, 12)  # mirrored about x = 40 drawing pixels: top right


def test_later_layers_hide_earlier_ones() -> None:
    scene = dr.Scene(40, 30)
    back = scene.add_layer(_rectangle(scene, 20, 10, 40, 40), label=1)
    front = scene.add_layer(_rectangle(scene, 40, 30, 40, 20, colour=(0, 0, 255)), label=2)
    whole, visible = scene.masks(visible=False), scene.masks()
    assert np.array_equal(whole[0], back.mask()) and whole[0].sum() == 400
    hidden = back.mask() & front.mask()
    assert hidden.sum() == 10 * 10  # final (20, 15) to (30, 25)
    assert np.array_equal(visible[0], back.mask() & ~front.mask())
    assert np.array_equal(visible[1], front.mask())
    labels = scene.label_mask()
    assert (labels == 1).sum() == 400 - 100 and (labels == 2).sum() == 200
    assert np.array_equal(scene.instance_mask() > 0, labels > 0)
    image = np.asarray(scene.composite())
    assert tuple(image[35, 45]) == (0, 0, 255)  # drawing pixels inside both: the front one shows
    # A layer hidden completely has no visible box.
    scene.add_layer(_rectangle(scene, 0, 0, 80, 60, colour=(0, 255, 0)), label=3)
    assert scene.boxes()[:2] == [None, None] and scene.boxes(visible=False)[0] == (10, 5, 30, 25)


def _random_scene(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    scene = dr.Scene(40, 24)
    scene.backdrop = dr.background(rng, scene.canvas, avoid=(0, 0, 0), min_distance=40)
    for _ in range(3):
        layer = scene.layer()
        x, y = layer.at(*rng.uniform(10, 40, size=2))
        dr.oval(layer.draw, x, y, rng.uniform(5, 15), rng.uniform(5, 15), dr.random_colour(rng), angle=30)
        dr.outlined_capsule(layer.draw, (x, y), (x + 10, y + 5), 4, dr.jitter(rng, (200, 100, 50)), (0, 0, 0), 1)
        scene.add_layer(layer, rng.uniform(-30, 30), tuple(rng.uniform(-5, 5, size=2)), (x, y), rng.random() < 0.5)
    return np.concatenate([scene.finish(rng).ravel(), scene.label_mask().ravel()])


def test_same_seed_same_bytes() -> None:
    assert _random_scene(3).tobytes() == _random_scene(3).tobytes()
    assert _random_scene(3).tobytes() != _random_scene(4).tobytes()
    spec = faces.random_face_spec(np.random.default_rng(5))
    assert spec == faces.random_face_spec(np.random.default_rng(5))
    first = faces.render_face(spec, np.random.default_rng(6), "smiling")
    assert first.tobytes() == faces.render_face(spec, np.random.default_rng(6), "smiling").tobytes()


def _upper_face(spec: faces.FaceSpec, seed: int, expression: str) -> np.ndarray:
    """The placed face layer above the mouth, with the pose held still."""
    scene = faces.face_scene(spec, np.random.default_rng(seed), expression, offset=(0, 0), max_tilt=0, max_shift=0)
    mouth_y = int(scene.margin + scene.canvas[1] / 2 + spec.ry * spec.mouth_drop) - scene.margin
    return np.asarray(scene.placed[0].image)[: mouth_y - 30]


def test_a_face_spec_keeps_its_identity_across_renders() -> None:
    rng = np.random.default_rng(11)
    spec, other = faces.random_face_spec(rng), faces.random_face_spec(rng)
    # Held still, everything above the mouth is the same whatever the render's other draws.
    still = _upper_face(spec, 1, "smiling")
    assert np.array_equal(still, _upper_face(spec, 2, "not smiling"))
    assert not np.array_equal(still, _upper_face(other, 1, "smiling"))
    # Posed differently, the pictures differ but the face keeps its colours: the skin is the most
    # common colour of the face layer in every render.
    renders = [faces.face_scene(spec, np.random.default_rng(seed)) for seed in range(3)]
    assert len({scene.finish(np.random.default_rng(0)).tobytes() for scene in renders}) == 3
    assert len({scene.boxes()[0] for scene in renders}) > 1
    for scene in renders:
        pixels = np.asarray(scene.placed[0].image).reshape(-1, 4)
        opaque = pixels[pixels[:, 3] == 255, :3]
        colours, counts = np.unique(opaque, axis=0, return_counts=True)
        assert tuple(colours[np.argmax(counts)]) == spec.skin


def test_faces_render_at_other_sizes() -> None:
    spec = faces.random_face_spec(np.random.default_rng(0))
    image = faces.render_face(spec, np.random.default_rng(1), size=96)
    assert image.shape == (96, 96, 3) and image.dtype == np.uint8
    with pytest.raises(ValueError, match="expression"):
        faces.render_face(spec, np.random.default_rng(1), "laughing")


def test_colour_helpers() -> None:
    rng = np.random.default_rng(0)
    assert dr.shade((100, 200, 50), 0.5) == (50, 100, 25)
    assert dr.ink((200, 100, 0)) == (90, 45, 0)
    assert dr.pick(rng, ["a"]) == "a"
    colour = dr.random_colour(rng, avoid=(255, 255, 255), min_distance=200)
    assert dr.colour_distance(colour, (255, 255, 255)) >= 200
    assert all(0 <= c <= 255 for c in dr.jitter(rng, (250, 5, 128), 50))
    tone = dr.skin_tone(rng)
    assert tone[0] > tone[2]  # every skin tone is warm
    points = dr.ellipse_points(0, 0, 10, 5, angle=90)
    assert max(abs(x) for x, _ in points) == pytest.approx(5, abs=0.1)
