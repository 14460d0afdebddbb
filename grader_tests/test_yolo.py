"""Week 3's YOLO helpers, detection metrics, detection loaders and the detector's recipe."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from course_tools.recipes.data import driving
from course_tools.recipes.weights import yolo_driving as recipe
from course_tools.recipes.weights.resnet50_signs import write_quantized
from shared_utils import detection_metrics, paths, yolo
from shared_utils.datasets import detection
from shared_utils.pretrained import yolo_driving as loader

CLASSES = ["car", "truck", "bus", "pedestrian", "traffic_light"]
ANCHORS = np.array([[0.5, 1.0], [1.0, 0.5], [2.0, 2.0]], dtype=np.float32)


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


# --- shared_utils.yolo -------------------------------------------------------------------------


def test_yolo_head_decodes_a_known_cell_and_anchor() -> None:
    grid_h, grid_w, num_classes = 3, 4, 5
    raw = np.zeros((2, grid_h, grid_w, len(ANCHORS) * (5 + num_classes)), np.float32)
    # Picture 1, row 2, column 1, anchor 2: centre at 0.25 / 0.75 of the cell, 1.5 x the anchor.
    box = raw[1, 2, 1].reshape(len(ANCHORS), 5 + num_classes)
    box[2, :5] = [_logit(0.25), _logit(0.75), np.log(1.5), np.log(0.5), _logit(0.9)]
    box[2, 5 + 3] = 4.0
    raw[1, 2, 1] = box.reshape(-1)
    xy, wh, confidence, probs = (np.asarray(t) for t in yolo.yolo_head(raw, ANCHORS, num_classes))
    assert xy.shape == (2, grid_h, grid_w, len(ANCHORS), 2) and wh.shape == xy.shape
    assert confidence.shape == (2, grid_h, grid_w, len(ANCHORS), 1)
    assert probs.shape == (2, grid_h, grid_w, len(ANCHORS), num_classes)
    np.testing.assert_allclose(xy[1, 2, 1, 2], [(1 + 0.25) / grid_w, (2 + 0.75) / grid_h], rtol=1e-5)
    np.testing.assert_allclose(wh[1, 2, 1, 2], [2.0 * 1.5 / grid_w, 2.0 * 0.5 / grid_h], rtol=1e-5)
    np.testing.assert_allclose(confidence[1, 2, 1, 2, 0], 0.9, rtol=1e-5)
    expected = np.exp([0, 0, 0, 4.0, 0]) / np.exp([0, 0, 0, 4.0, 0]).sum()
    np.testing.assert_allclose(probs[1, 2, 1, 2], expected, rtol=1e-5)
    # A zero output: centre in the middle of its cell, the anchor's own size, even odds.
    np.testing.assert_allclose(xy[0, 0, 3, 0], [3.5 / grid_w, 0.5 / grid_h], rtol=1e-5)
    np.testing.assert_allclose(wh[0, 0, 0], ANCHORS / [grid_w, grid_h], rtol=1e-5)
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0, rtol=1e-5)


def test_recipe_decoding_agrees_with_yolo_head() -> None:
    raw = np.random.default_rng(0).normal(size=(2, 3, 4, len(ANCHORS) * 10)).astype(np.float32)
    ours = recipe.decode(raw, ANCHORS, 5)
    theirs = yolo.yolo_head(raw, ANCHORS, 5)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, np.asarray(b), rtol=1e-4, atol=1e-6)


def test_boxes_to_corners_gives_y_min_x_min_y_max_x_max() -> None:
    corners = np.asarray(yolo.yolo_boxes_to_corners([[0.5, 0.25]], [[0.2, 0.1]]))
    np.testing.assert_allclose(corners, [[0.2, 0.4, 0.3, 0.6]], rtol=1e-6)
    batch = np.asarray(yolo.yolo_boxes_to_corners(np.zeros((2, 3, 4, 5, 2)), np.ones((2, 3, 4, 5, 2))))
    assert batch.shape == (2, 3, 4, 5, 4)


def test_scale_boxes_uses_height_then_width() -> None:
    scaled = np.asarray(yolo.scale_boxes([[0.1, 0.2, 0.5, 1.0]], (192, 256)))
    np.testing.assert_allclose(scaled, [[19.2, 51.2, 96.0, 256.0]], rtol=1e-6)


def test_read_classes_and_anchors_round_trip(tmp_path) -> None:
    (tmp_path / "classes.txt").write_text("\n".join(CLASSES) + "\n")
    assert yolo.read_classes(tmp_path / "classes.txt") == CLASSES
    (tmp_path / "anchors.txt").write_text(", ".join(f"{w},{h}" for w, h in ANCHORS) + "\n")
    anchors = yolo.read_anchors(tmp_path / "anchors.txt")
    assert anchors.dtype == np.float32
    np.testing.assert_array_equal(anchors, ANCHORS)
    (tmp_path / "odd.txt").write_text("1, 2, 3")
    with pytest.raises(ValueError, match="pairs"):
        yolo.read_anchors(tmp_path / "odd.txt")


def test_preprocess_image_resizes_to_the_model_and_scales_to_unit_range(tmp_path) -> None:
    pixels = np.random.default_rng(1).integers(0, 256, size=(192, 256, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(tmp_path / "scene.png")
    for source in (tmp_path / "scene.png", str(tmp_path / "scene.png"), pixels, Image.fromarray(pixels)):
        image, data = yolo.preprocess_image(source, (384, 512))
        assert image.size == (256, 192) and image.mode == "RGB"
        assert data.shape == (1, 384, 512, 3) and data.dtype == np.float32
        assert 0.0 <= data.min() and data.max() <= 1.0 and data.max() > 0.5
    np.testing.assert_allclose(data[0, ::2, ::2].mean(), pixels.mean() / 255, atol=0.01)


def test_draw_boxes_returns_a_new_picture_of_the_same_size() -> None:
    pixels = np.full((192, 256, 3), 128, np.uint8)
    picture = Image.fromarray(pixels)
    drawn = yolo.draw_boxes(picture, [[20, 30, 100, 120], [0, 200, 40, 256]], [0, 4], CLASSES, [0.91, 0.5])
    assert drawn.size == picture.size
    changed = np.any(np.asarray(drawn) != pixels, axis=-1)
    assert changed[20:101, 30].all()  # the first box's left edge
    assert changed.sum() > 400  # two boxes and their labels
    assert np.array_equal(np.asarray(picture), pixels)  # the original is left alone
    colours = yolo.class_colours(5)
    assert len(set(colours)) == 5
    nothing = yolo.draw_boxes(pixels, np.zeros((0, 4)), [], CLASSES)
    assert np.array_equal(np.asarray(nothing), pixels)


def test_graded_functions_are_not_provided() -> None:
    for name in ("yolo_filter_boxes", "iou", "yolo_non_max_suppression", "yolo_eval", "non_max_suppression"):
        for module in (yolo, detection_metrics):
            assert not hasattr(module, name), f"{module.__name__}.{name} would give a graded function away"


# --- detection metrics -------------------------------------------------------------------------

_TRUE = np.array([[10, 10, 50, 50], [60, 60, 120, 100]], np.float32)


def _ap(predictions, truths, **kwargs) -> detection_metrics.DetectionResult:
    return detection_metrics.evaluate(predictions, truths, ["car", "bus"], **kwargs)


def test_perfect_detections_give_ap_one() -> None:
    result = _ap([([0.9, 0.8], _TRUE, [0, 1])], [(_TRUE, [0, 1])])
    assert result.ap() == {"car": 1.0, "bus": 1.0} and result.mAP == 1.0
    assert "mAP@0.5" in result.table()


def test_a_duplicate_detection_is_a_false_positive() -> None:
    shifted = _TRUE[0] + 2
    result = _ap([([0.9, 0.8], [_TRUE[0], shifted], [0, 0])], [(_TRUE[:1], [0])])
    car = result.classes["car"]
    np.testing.assert_allclose(car.precision, [1.0, 0.5])
    np.testing.assert_allclose(car.recall, [1.0, 1.0])
    assert car.ap == 1.0  # found first: the duplicate comes after full recall
    # Ranked first, the duplicate is wrong and the true detection second: AP drops.
    result = _ap([([0.7, 0.8], [_TRUE[0], shifted + 20], [0, 0])], [(_TRUE[:1], [0])])
    assert result.classes["car"].ap == pytest.approx(0.5)


def test_a_missed_box_lowers_recall_and_ap() -> None:
    result = _ap([([0.9], _TRUE[:1], [0])], [(_TRUE, [0, 0])])
    car = result.classes["car"]
    assert car.recall[-1] == 0.5 and car.ap == pytest.approx(0.5)
    assert np.isnan(result.classes["bus"].ap) and result.mAP == pytest.approx(0.5)  # no bus: not averaged


def test_wrong_class_and_low_overlap_are_false_positives() -> None:
    loose = _TRUE[0] + np.array([0, 0, 40, 40])  # IoU 0.25
    result = _ap([([0.9, 0.8], [_TRUE[0], loose], [1, 0])], [(_TRUE[:1], [0])])
    assert result.classes["car"].ap == 0.0 and result.classes["car"].n_detections == 1


def test_ap_is_the_all_point_interpolated_area() -> None:
    # Hits at ranks 1 and 3 of 3 detections, 2 true boxes: precision 1, 0.5, 0.67 at recall .5, .5, 1.
    assert detection_metrics.average_precision([0.5, 0.5, 1.0], [1.0, 0.5, 2 / 3]) == pytest.approx(
        0.5 * 1.0 + 0.5 * 2 / 3
    )


def test_min_height_ignores_small_objects_and_small_false_alarms() -> None:
    small = np.array([0, 0, 10, 10], np.float32)  # 10 pixels tall
    tall = np.array([20, 20, 60, 40], np.float32)  # 40 pixels tall
    truths = [(np.stack([small, tall]), [0, 0])]
    missed_small = [([0.9], tall[None], [0])]
    assert _ap(missed_small, truths).classes["car"].ap == pytest.approx(0.5)
    assert _ap(missed_small, truths, min_height=32).classes["car"].ap == 1.0
    found_small_first = [([0.95, 0.9, 0.8], np.stack([small, tall, small + 100]), [0, 0, 0])]
    result = _ap(found_small_first, truths, min_height=32).classes["car"]
    assert result.ap == 1.0 and result.n_true == 1 and result.n_detections == 1


# --- the recipe's pieces -----------------------------------------------------------------------


def test_kmeans_anchors_find_the_clusters_of_box_shapes() -> None:
    rng = np.random.default_rng(0)
    centres = np.array([[0.4, 1.2], [1.0, 1.0], [3.0, 2.0]])
    wh = np.concatenate([c * np.exp(rng.normal(0, 0.05, size=(200, 2))) for c in centres])
    anchors = recipe.kmeans_anchors(wh, 3, seed=0)
    assert anchors.shape == (3, 2) and anchors.dtype == np.float32
    np.testing.assert_allclose(anchors, centres, rtol=0.05)  # sorted by area like the centres
    assert recipe.mean_best_iou(wh, anchors) > 0.9
    assert np.array_equal(anchors, recipe.kmeans_anchors(wh, 3, seed=0))


def _perfect_output(target: np.ndarray, grid, num_anchors: int, num_classes: int) -> np.ndarray:
    """The raw output whose decoding is exactly the target, with near-certain objectness and classes."""
    size = grid[0] * grid[1] * num_anchors * 6
    t = target[:size].reshape(*grid, num_anchors, 6)
    raw = np.zeros((*grid, num_anchors, 5 + num_classes), np.float32)
    xy = np.clip(t[..., 0:2], 1e-6, 1 - 1e-6)
    raw[..., 0:2] = np.log(xy / (1 - xy))
    raw[..., 2:4] = t[..., 2:4]
    raw[..., 4] = np.where(t[..., 4] > 0, 30.0, -30.0)
    raw[..., 5:] = 30.0 * np.eye(num_classes)[t[..., 5].astype(int)] * t[..., 4:5]
    return raw.reshape(*grid, -1)


def test_targets_assign_each_box_to_its_cell_and_best_anchor() -> None:
    grid = (3, 4)
    boxes = np.array([[2, 40, 70, 56, 90], [0, 0, 0, 64, 64], [1, 44, 68, 52, 92]], np.float32)  # class, corners
    target = recipe.encode_targets(boxes, ANCHORS, grid, max_boxes=4)
    cells = target[: 3 * 4 * 3 * 6].reshape(3, 4, 3, 6)
    assert cells[..., 4].sum() == 3
    assert cells[2, 1, 0, 4] == 1 and cells[2, 1, 0, 5] == 2  # tall 0.5 x 0.625 box: tall anchor
    np.testing.assert_allclose(cells[2, 1, 0, :4], [0.5, 0.5, np.log(0.5 / 0.5), np.log(0.625 / 1.0)], atol=1e-6)
    assert cells[1, 1, 2, 4] == 1 and cells[1, 1, 2, 5] == 0  # 2 x 2 box centred at (1, 1): big anchor
    # The third box is smaller, fits the tall anchor best too, and finds it taken: the next one.
    assert cells[2, 1, 1, 4] == 1 and cells[2, 1, 1, 5] == 1
    corners = target[3 * 4 * 3 * 6 :].reshape(4, 4)
    np.testing.assert_allclose(corners[:3], boxes[:, 1:] / 32)
    assert not corners[3].any()


def test_loss_is_zero_for_a_perfect_prediction_and_grows_with_errors() -> None:
    grid, num_classes = (3, 4), 5
    boxes = np.array([[2, 40, 70, 56, 90], [0, 0, 0, 64, 64], [4, 70, 4, 80, 30]], np.float32)
    target = recipe.encode_targets(boxes, ANCHORS, grid, max_boxes=4)
    loss = recipe.yolo_loss(ANCHORS, num_classes, grid, max_boxes=4)
    perfect = _perfect_output(target, grid, len(ANCHORS), num_classes)
    value = np.asarray(loss(target[None], perfect[None]))
    assert value.shape == (1,) and value[0] < 1e-6
    for channel, change in ((0, 3.0), (2, 3.0), (4, -60.0), (5 + 1, 40.0)):  # centre, size, objectness, class
        wrong = perfect.reshape(*grid, len(ANCHORS), -1).copy()
        wrong[2, 1, 0, channel] += change
        assert float(np.asarray(loss(target[None], wrong.reshape(1, *grid, -1)))[0]) > 0.05, channel


def test_no_object_loss_is_skipped_for_predictions_that_overlap_a_true_box() -> None:
    grid, num_classes = (3, 4), 5
    boxes = np.array([[0, 0, 0, 64, 64]], np.float32)  # at cell (1, 1), anchor 2 (2 x 2 cells)
    target = recipe.encode_targets(boxes, ANCHORS, grid, max_boxes=2)
    loss = recipe.yolo_loss(ANCHORS, num_classes, grid, max_boxes=2)
    raw = _perfect_output(target, grid, len(ANCHORS), num_classes).reshape(*grid, len(ANCHORS), -1)
    # A confident box of the same anchor one cell to the left (its y centre at its cell's top edge).
    raw[1, 0, 2, 4] = 5.0
    raw[1, 0, 2, 0] = 8.0  # its x centre at its cell's right edge: the true box itself, IoU 1, no penalty
    near = float(np.asarray(loss(target[None], raw.reshape(1, *grid, -1)))[0])
    raw[1, 0, 2, 0] = -8.0  # at its cell's left edge: IoU 1/3, penalised for claiming an object
    far = float(np.asarray(loss(target[None], raw.reshape(1, *grid, -1)))[0])
    assert near < 1e-3 < far


def test_augmented_boxes_follow_the_picture() -> None:
    scene = driving.draw_scene(np.random.default_rng([7, 0]), driving.DETECTION_SIZE)
    boxes = recipe.boxes_array(scene.boxes)
    for seed in range(6):
        image, placed = recipe.augment(scene.image, boxes, np.random.default_rng(seed), (384, 512))
        assert image.shape == (384, 512, 3) and image.dtype == np.float32
        assert 0 <= image.min() and image.max() <= 1
        assert len(placed) <= len(boxes) and placed.shape[1] == 5
        assert (placed[:, 1] >= 0).all() and (placed[:, 3] <= 512).all() and (placed[:, 4] <= 384).all()
    plain = recipe.resize_for_model(scene.image, (384, 512))
    _, reference = yolo.preprocess_image(scene.image, (384, 512))
    np.testing.assert_allclose(plain, reference[0], atol=1e-6)


def test_detections_turn_a_perfect_output_into_the_true_boxes() -> None:
    grid = (6, 8)  # a 256 x 192 picture at 32 pixels per cell
    boxes = np.array([[0, 40, 70, 80, 110], [3, 150, 20, 166, 60]], np.float32)
    target = recipe.encode_targets(boxes, ANCHORS, grid, max_boxes=4)
    raw = _perfect_output(target, grid, len(ANCHORS), 5)[None]
    [(scores, found, classes)] = recipe.detections(raw, ANCHORS, (192, 256))
    order = np.argsort(classes)
    np.testing.assert_allclose(found[order], boxes[:, [2, 1, 4, 3]], atol=1e-3)
    assert list(classes[order]) == [0, 3] and (scores > 0.99).all()
    result = detection_metrics.evaluate([(scores, found, classes)], recipe.truths_of([boxes]), CLASSES)
    assert result.mAP == 1.0


@pytest.mark.slow  # about 25 s: building and compiling a training step dominates
def test_a_tiny_detector_learns_a_few_scenes() -> None:
    import keras

    keras.utils.set_random_seed(0)
    size, grid = (64, 128), (2, 4)
    scenes = driving.generate(4, 11, driving.DETECTION_SIZE)
    x = np.stack([recipe.resize_for_model(s.image, size) for s in scenes])
    scale = np.array([1, 128 / 256, 64 / 192, 128 / 256, 64 / 192], np.float32)
    y = np.stack([recipe.encode_targets(recipe.boxes_array(s.boxes) * scale, ANCHORS, grid, 32) for s in scenes])
    model = recipe.build_model(size, len(ANCHORS), 5, width=4)
    assert model.output_shape == (None, *grid, len(ANCHORS) * 10)
    model.compile(keras.optimizers.Adam(3e-3), loss=recipe.yolo_loss(ANCHORS, 5, grid, 32))
    losses = [float(model.train_on_batch(x, y)) for _ in range(30)]
    assert np.mean(losses[-3:]) < 0.5 * losses[0], losses


# --- loaders -----------------------------------------------------------------------------------


def _manifest(root, rebuild: dict[str, str]) -> None:
    files = {
        relative: {
            "size": (root / relative).stat().st_size,
            "sha256": paths.sha256_of(root / relative),
            "rebuild": command,
        }
        for relative, command in rebuild.items()
    }
    (root / "MANIFEST.json").write_text(json.dumps({"files": files}))


def test_pretrained_loader_reads_what_the_recipe_writes(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(paths.DATA_ENV_VAR, str(tmp_path))
    folder = tmp_path / loader.FOLDER
    folder.mkdir(parents=True)
    model = recipe.build_model((64, 128), len(ANCHORS), 5, width=4)
    write_quantized(folder / loader.WEIGHTS.split("/")[-1], model)
    (folder / "anchors.txt").write_text(", ".join(f"{w},{h}" for w, h in ANCHORS))
    (folder / "classes.txt").write_text("\n".join(CLASSES))
    command = "python -m course_tools pretrain yolo_driving"
    _manifest(tmp_path, {loader.WEIGHTS: command, loader.ANCHORS: command, loader.CLASSES: command})
    detector = loader.load_model()
    assert detector.class_names == CLASSES and detector.input_size == (64, 128)
    np.testing.assert_array_equal(detector.anchors, ANCHORS)
    probe = np.random.default_rng(0).uniform(size=(1, 64, 128, 3)).astype(np.float32)
    np.testing.assert_allclose(
        np.asarray(detector.model(probe, training=False)), np.asarray(model(probe, training=False)), atol=0.05
    )
    (folder / "anchors.txt").unlink()
    with pytest.raises(paths.AssetError, match=r"(?s)anchors\.txt.*pretrain yolo_driving"):
        loader.load_model()


def test_pretrained_loader_names_the_recipe_for_a_damaged_weights_file(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(paths.DATA_ENV_VAR, str(tmp_path))
    folder = tmp_path / loader.FOLDER
    folder.mkdir(parents=True)
    (folder / "anchors.txt").write_text("1,1")
    (folder / "classes.txt").write_text("car")
    (folder / loader.WEIGHTS.split("/")[-1]).write_bytes(b"not an HDF5 file")
    command = "python -m course_tools pretrain yolo_driving"
    _manifest(tmp_path, {loader.WEIGHTS: command, loader.ANCHORS: command, loader.CLASSES: command})
    with pytest.raises(paths.AssetError, match=r"(?s)yolo_driving\.weights\.h5.*pretrain yolo_driving"):
        loader.load_model()


def _fake_driving(root) -> None:
    """A tiny stand-in for data/driving: a few training pictures and the CSV of their boxes."""
    (root / "driving").mkdir()
    (root / detection.CLASSES_FILE).write_text("\n".join(CLASSES) + "\n")
    for split in ("train", "test"):
        (root / "driving" / split / "images").mkdir(parents=True)
        for i in range(detection.SPLITS[split] if split == "train" else 0):
            Image.new("RGB", (256, 192), (i, 0, 0)).save(root / detection.image_file(split, i))
    rows = ["image,class,x_min,y_min,x_max,y_max", "00000.png,bus,1,2,30,40", "00000.png,car,5,6,7,8"]
    rows.append("00001.png,pedestrian,9,10,12,30")
    (root / detection.boxes_file("train")).write_text("\n".join(rows) + "\n")


def test_detection_loader_returns_corners_in_the_course_order(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(paths.DATA_ENV_VAR, str(tmp_path))
    monkeypatch.setitem(detection.SPLITS, "train", 3)
    _fake_driving(tmp_path)
    relatives = [detection.CLASSES_FILE, detection.boxes_file("train")]
    relatives += [detection.image_file("train", i) for i in range(3)]
    _manifest(tmp_path, dict.fromkeys(relatives, "python -m course_tools data --only driving"))
    train = detection.load_driving("train")
    assert len(train) == 3 and train.class_names == CLASSES
    np.testing.assert_array_equal(train.boxes[0], [[2, 1, 40, 30], [6, 5, 8, 7]])
    assert list(train.classes[0]) == [2, 0] and list(train.classes[1]) == [3] and len(train.boxes[2]) == 0
    assert train.images().shape == (3, 192, 256, 3) and train.image(2)[0, 0, 0] == 2
    assert len(train.truths()) == 3
    for (boxes, classes), (again, again_classes) in zip(train.truths(), recipe.truths_of(recipe.rows_of(train))):
        np.testing.assert_array_equal(boxes, again)
        np.testing.assert_array_equal(classes, again_classes)
    (tmp_path / detection.image_file("train", 1)).unlink()
    with pytest.raises(paths.AssetError, match=r"(?s)00001\.png.*data --only driving"):
        detection.load_driving("train")
    with pytest.raises(ValueError, match="split"):
        detection.load_driving("validation")


def test_the_detector_gives_the_grid_of_input_over_32() -> None:
    for size in ((128, 192), (64, 128)):
        model = recipe.build_model(size, len(ANCHORS), 5, width=4)
        assert model.output_shape == (None, size[0] // 32, size[1] // 32, len(ANCHORS) * 10), size
    bias = model.get_layer("output").get_weights()[1].reshape(len(ANCHORS), 10)
    np.testing.assert_allclose(1 / (1 + np.exp(-bias[:, 4])), recipe.OBJECT_PRIOR, rtol=1e-4)
    with pytest.raises(ValueError, match="multiples of 64"):
        recipe.build_model((96, 128), len(ANCHORS), 5, width=4)


# --- the shipped detector ----------------------------------------------------------------------


def test_the_shipped_detector_is_registered_small_and_described() -> None:
    assert recipe.RECIPE.name == "yolo_driving"
    manifest = paths.manifest()
    for relative in (
        loader.WEIGHTS,
        loader.ANCHORS,
        loader.CLASSES,
        loader.MODEL_CARD,
        f"{loader.FOLDER}/examples.png",
    ):
        assert manifest[relative]["rebuild"] == "python -m course_tools pretrain yolo_driving"
    assert paths.asset(loader.WEIGHTS).stat().st_size < 10e6
    card = paths.asset(loader.MODEL_CARD).read_text(encoding="utf-8")
    for needed in ("python -m course_tools pretrain yolo_driving", "CC0-1.0", "mAP@0.5", "minutes", "parameters"):
        assert needed in card


def test_the_shipped_detector_finds_cars_in_a_test_scene() -> None:
    detector = loader.load_model()
    assert detector.input_size == loader.INPUT_SIZE and detector.class_names == CLASSES
    assert detector.model.output_shape == (None, *loader.GRID, len(detector.anchors) * 10)
    test = detection.load_driving("test")
    index = next(i for i, classes in enumerate(test.classes) if np.sum(classes == 0) >= 2)
    _, data = yolo.preprocess_image(test.image_paths[index], detector.input_size)
    raw = np.asarray(detector.model(data, training=False))
    [(scores, boxes, classes)] = recipe.detections(raw, detector.anchors, detection.IMAGE_SIZE, score_threshold=0.3)
    cars = boxes[classes == 0]
    assert len(cars), "no car found with a score of 0.3 or more"
    true_cars = test.boxes[index][test.classes[index] == 0]
    result = detection_metrics.evaluate([(scores, boxes, classes)], [(test.boxes[index], test.classes[index])], CLASSES)
    assert result.classes["car"].recall[-1] > 0 and len(true_cars) >= 2
