"""Week 3's driving scenes: determinism, boxes that agree with masks, perspective, occlusion, builds."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from PIL import Image

from course_tools.recipes.data import driving

SIZE = driving.DETECTION_SIZE
SEED = 12345
N_SCENES = 40


@pytest.fixture(scope="module")
def scenes() -> list[driving.DrivingScene]:
    return driving.generate(N_SCENES, SEED, SIZE)


def _same(a: driving.DrivingScene, b: driving.DrivingScene) -> bool:
    return (
        np.array_equal(a.image, b.image)
        and np.array_equal(a.mask, b.mask)
        and np.array_equal(a.instances, b.instances)
        and a.boxes == b.boxes
    )


def test_class_lists() -> None:
    assert driving.DETECTION_CLASSES == ["car", "truck", "bus", "pedestrian", "traffic_light"]
    assert len(set(driving.SEGMENTATION_CLASSES)) == len(driving.SEGMENTATION_CLASSES)
    for name in driving.DETECTION_CLASSES:
        assert driving.SEGMENT_OF[name] in driving.SEGMENTATION_CLASSES


def test_a_scene_is_a_function_of_its_seed_and_index(scenes) -> None:
    again = driving.draw_scene(np.random.default_rng([SEED, 3]), SIZE)
    assert _same(again, scenes[3])
    alone = driving.generate(1, SEED, SIZE, start=5)[0]
    assert _same(alone, scenes[5])
    assert not np.array_equal(scenes[0].image, scenes[1].image)


def test_pictures_and_masks_have_the_right_shapes_and_values(scenes) -> None:
    width, height = SIZE
    for scene in scenes:
        assert scene.image.shape == (height, width, 3) and scene.image.dtype == np.uint8
        assert scene.mask.shape == (height, width) and scene.mask.dtype == np.uint8
        assert scene.mask.max() < len(driving.SEGMENTATION_CLASSES)
    small = driving.draw_scene(np.random.default_rng(0), driving.SEGMENTATION_SIZE)
    assert small.image.shape == (96, 128, 3) and small.mask.shape == (96, 128)


def test_boxes_lie_in_the_picture_and_agree_with_the_masks(scenes) -> None:
    width, height = SIZE
    fills = {name: [] for name in driving.DETECTION_CLASSES}
    for scene in scenes:
        kept = [(i, o) for i, o in enumerate(scene.objects) if o.kept]
        assert scene.boxes == [(o.name, *o.box) for _, o in kept]
        for i, obj in kept:
            name, (x0, y0, x1, y1) = obj.name, obj.box
            assert name in driving.DETECTION_CLASSES
            assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
            # the box is exactly the visible part of the object, and the mask says what it is there
            pixels = scene.instances == i + 1
            rows, cols = np.flatnonzero(pixels.any(axis=1)), np.flatnonzero(pixels.any(axis=0))
            assert (cols[0], rows[0], cols[-1] + 1, rows[-1] + 1) == (x0, y0, x1, y1)
            assert pixels.sum() == obj.visible_area >= driving.MIN_VISIBLE_AREA
            segment = driving.SEGMENTATION_CLASSES.index(driving.SEGMENT_OF[name])
            assert (scene.mask[pixels] == segment).all()
            fill = (scene.mask[y0:y1, x0:x1] == segment).mean()
            assert fill >= 0.15, f"a {name} box is only {fill:.0%} {driving.SEGMENT_OF[name]}"  # walkers: legs apart
            fills[name].append(fill)
    for name, values in fills.items():
        assert np.mean(values) >= 0.5, f"{name} boxes are on average {np.mean(values):.0%} {driving.SEGMENT_OF[name]}"


def test_boxes_and_masks_match_the_drawing_toolkit() -> None:
    """The fast region-by-region masks equal what the toolkit's Scene computes from whole layers."""
    for index in range(2):
        scene, drawn = driving._draw(np.random.default_rng([SEED, index]), SIZE)
        masks = drawn.masks()  # where each layer shows, less what nearer layers hide
        shown = np.zeros(scene.mask.shape, int)  # 1 + the index of the layer seen at each pixel
        for layer, mask in enumerate(masks):
            shown[mask] = layer + 1
        labels = np.array([0] + drawn.labels())[shown]  # the class of the layer seen, 0 for the backdrop
        assert np.array_equal(scene.mask[shown > 0], labels[shown > 0])
        objects = [segment in _OBJECT_SEGMENTS for segment in drawn.labels()]
        layers = [i for i, is_object in enumerate(objects) if is_object]
        assert len(layers) == len(scene.objects)
        for number, (layer, obj) in enumerate(zip(layers, scene.objects, strict=True)):
            pixels = shown == layer + 1
            assert obj.visible_area == pixels.sum()
            assert np.array_equal(scene.instances == number + 1, pixels)
            if obj.box is not None:
                rows, cols = np.flatnonzero(pixels.any(axis=1)), np.flatnonzero(pixels.any(axis=0))
                assert obj.box == (cols[0], rows[0], cols[-1] + 1, rows[-1] + 1)
        full_boxes = [box for box, is_object in zip(drawn.boxes(visible=False), objects, strict=True) if is_object]
        assert full_boxes == [obj.full_box for obj in scene.objects]


_OBJECT_SEGMENTS = {driving.SEGMENTATION_CLASSES.index(driving.SEGMENT_OF[n]) for n in driving.DETECTION_CLASSES}


def test_near_objects_are_larger_than_far_ones(scenes) -> None:
    """Objects standing lower in the picture (nearer the camera) are on average larger."""
    for name in ("car", "pedestrian"):
        bottoms, heights, distances = [], [], []
        for scene in scenes:
            for obj in scene.objects:
                if obj.name == name and obj.full_box is not None and obj.full_area == obj.visible_area:
                    x0, y0, x1, y1 = obj.full_box
                    if 0 < x0 and x1 < SIZE[0] and y1 < SIZE[1]:  # whole, not cut by the frame
                        bottoms.append(y1)
                        heights.append(y1 - y0)
                        distances.append(obj.distance)
        bottoms, heights = np.array(bottoms), np.array(heights)
        low = bottoms > np.median(bottoms)
        assert heights[low].mean() > 1.5 * heights[~low].mean(), name
        assert np.corrcoef(np.log(heights), np.log(distances))[0, 1] < -0.7, name


def test_hidden_parts_do_not_count(scenes) -> None:
    hidden = 0
    for scene in scenes:
        for obj in scene.objects:
            assert obj.visible_area <= obj.full_area
            if obj.box is not None:
                x0, y0, x1, y1 = obj.box
                f0, g0, f1, g1 = obj.full_box
                assert f0 <= x0 and g0 <= y0 and x1 <= f1 and y1 <= g1
            hidden += obj.visible_area < obj.full_area
            if obj.kept:
                assert obj.visible_area >= driving.MIN_VISIBLE_SHARE * obj.full_area
    assert hidden > N_SCENES  # traffic hides traffic


def test_every_class_shows_up(scenes) -> None:
    boxes = Counter(name for scene in scenes for name, *_ in scene.boxes)
    assert set(boxes) == set(driving.DETECTION_CLASSES), boxes
    assert boxes["car"] > max(boxes[name] for name in driving.DETECTION_CLASSES if name != "car")
    pixels = np.bincount(
        np.concatenate([scene.mask.ravel() for scene in scenes]), minlength=len(driving.SEGMENTATION_CLASSES)
    )
    assert (pixels > 0).all(), dict(zip(driving.SEGMENTATION_CLASSES, pixels, strict=True))
    assert Counter(scene.district for scene in scenes).keys() == set(driving.DISTRICTS)


def _build(builder, root):
    written = builder(root)
    return written, {path.relative_to(root).as_posix(): path.read_bytes() for path in written}


def test_detection_build_is_deterministic(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(driving, "DETECTION_SPLITS", {"train": (2, 11), "test": (1, 12)})
    first, files = _build(driving.build_detection, tmp_path / "a")
    stale = tmp_path / "b" / "driving" / "train" / "images" / "99999.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    _, again = _build(driving.build_detection, tmp_path / "b")
    assert files == again and not stale.exists()
    assert sorted(files) == [
        "driving/classes.txt",
        "driving/test/boxes.csv",
        "driving/test/images/00000.png",
        "driving/train/boxes.csv",
        "driving/train/images/00000.png",
        "driving/train/images/00001.png",
    ]
    assert files["driving/classes.txt"].decode().split() == driving.DETECTION_CLASSES
    rows = files["driving/train/boxes.csv"].decode().splitlines()
    assert rows[0] == "image,class,x_min,y_min,x_max,y_max"
    expected = [
        f"{i:05d}.png,{name},{x0},{y0},{x1},{y1}"
        for i, scene in enumerate(driving.generate(2, 11, driving.DETECTION_SIZE))
        for name, x0, y0, x1, y1 in scene.boxes
    ]
    assert rows[1:] == expected


def test_segmentation_build_is_deterministic(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(driving, "SEGMENTATION_SPLITS", {"train": (2, 21), "test": (1, 22)})
    _, files = _build(driving.build_segmentation, tmp_path / "a")
    _, again = _build(driving.build_segmentation, tmp_path / "b")
    assert files == again
    names = sorted(files)
    assert names == [
        "driving_seg/classes.txt",
        "driving_seg/test/images/00000.png",
        "driving_seg/test/masks/00000.png",
        "driving_seg/train/images/00000.png",
        "driving_seg/train/images/00001.png",
        "driving_seg/train/masks/00000.png",
        "driving_seg/train/masks/00001.png",
    ]
    scene = driving.stored_scene(21, 1, driving.SEGMENTATION_SIZE)
    with Image.open(tmp_path / "a" / "driving_seg" / "train" / "masks" / "00001.png") as mask:
        assert mask.mode == "L" and np.array_equal(np.asarray(mask), scene.mask)
    with Image.open(tmp_path / "a" / "driving_seg" / "train" / "images" / "00001.png") as image:
        assert image.mode == "RGB" and np.array_equal(np.asarray(image), scene.image)
    assert len(np.unique(scene.image.reshape(-1, 3), axis=0)) <= driving.STORED_COLOURS
    drawn = driving.draw_scene(np.random.default_rng([21, 1]), driving.SEGMENTATION_SIZE)
    assert np.array_equal(drawn.mask, scene.mask)  # storing changes the picture's colours only
    assert np.abs(drawn.image.astype(int) - scene.image).mean() < 8
