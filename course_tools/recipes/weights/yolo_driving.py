"""Recipe: a small YOLOv2-style detector for week 3's driving scenes, trained from scratch on the CPU.

**Input and grid.**  The scenes are 256 x 192 pictures.  The network takes them enlarged four
times, 768 x 1024, and divides by 32 like YOLO does, so its output is a 32 x 24 grid: one cell per
8 x 8 pixels of the scene, and the 4:3 shape of the picture is kept (a square input would squash
thin pedestrians and traffic lights).  Half the cars in the scenes are under 16 pixels tall and
the far ones crowd around the vanishing point, so a fine grid matters: with 16-pixel cells (the
scene enlarged twice) a network of this kind reached a test mAP of 0.385 after 1000 steps, with
8-pixel cells 0.563 after 750 steps, 0.669 after 1800 (the default) and 0.700 after 2500.  The
first layer stacks each 8 x 8 block of input pixels as 192 channels (space to depth, lossless), so
the enlargement costs little: the first convolution works on a 128 x 96 map, 2 x 2 pixels of the
scene per position.

**Network.**  Darknet-like: 3 x 3 convolutions with batch normalization and leaky ReLU, max
pooling between stages, 1 x 1 convolutions that squeeze the channels.  A last stage at half the
grid's resolution sees whole buses and near cars; it is brought back up and joined to the grid's
own features (YOLOv2's passthrough joins fine features to coarse ones; here the coarse context
joins the fine grid, as in YOLOv3).  A last 1 x 1 convolution predicts, for each cell and
each of the A anchors, ``t_x, t_y, t_w, t_h, t_o`` and C class scores; its objectness biases
start at 1 % (almost every anchor holds no object).

**Anchors.**  k-means on the training boxes' (width, height) with YOLOv2's distance
``1 - IoU`` (boxes compared as if they shared a centre), in grid cells.

**Loss (YOLOv2).**  Each true box belongs to the cell that holds its centre and, in it, to the
anchor whose shape overlaps it best (the next best free anchor when two boxes want the same one).
That prediction learns the box (``sigmoid(t_xy)`` towards the centre's place in the cell,
``t_wh`` towards ``log(size / anchor)``, weighted ``2 - w h`` so that small boxes count more),
an objectness of 1 and the class (softmax cross-entropy).  Every other prediction learns an
objectness of 0, unless its box already overlaps a true box with an IoU above 0.6 (YOLOv2 does
not punish a good box for not being the chosen one).  Objectness uses binary cross-entropy.

**Data.**  The 1200 training scenes of ``driving`` plus more scenes drawn at once by the same
generator with another seed (as the dataset stores them), augmented on the fly: mirror images,
zoom and shift, contrast, brightness and colour, and pixel noise on some.  A few hundred further
scenes (a third seed) follow the training; the 200 test scenes are used only at the end.

The data pipeline, the loss and the model are written with NumPy and ``keras.ops`` only.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

from shared_utils import detection_metrics
from shared_utils.pretrained import yolo_driving as loader

from ..data import driving
from .base import Recipe, Trained, progress_bar, report_during_training
from .resnet50_signs import write_quantized

EXTRA_SEED = 3111  # the extra training scenes; the dataset's splits use 3101 (train) and 3102 (test)
VAL_SEED = 3112  # scenes that follow the training (never the test scenes)
STRIDE = loader.STRIDE  # input pixels per grid cell
IGNORE_IOU = 0.6  # no "no object" loss for a prediction that overlaps a true box this well
NMS_IOU = 0.45  # for the evaluation: boxes of one class overlapping more than this are duplicates
CLASS_NAMES = driving.DETECTION_CLASSES
PAD = 96  # pixels of padding around a scene that is zoomed out
OBJECT_PRIOR = 0.01  # the objectness an untrained network starts with


# --- anchors -----------------------------------------------------------------------------------


def shape_iou(wh: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    """IoU of boxes (n, 2) and anchors (k, 2) compared by shape alone, as if they shared a centre."""
    inter = np.minimum(wh[:, None, 0], anchors[None, :, 0]) * np.minimum(wh[:, None, 1], anchors[None, :, 1])
    union = wh[:, None, 0] * wh[:, None, 1] + anchors[None, :, 0] * anchors[None, :, 1] - inter
    return inter / union


def kmeans_anchors(wh: np.ndarray, k: int, seed: int = 0, iterations: int = 300) -> np.ndarray:
    """k-means on box sizes with the distance ``1 - IoU`` (YOLOv2), seeded like k-means++.

    Returns the ``k`` centres (width, height), sorted by area.
    """
    wh = np.asarray(wh, dtype=np.float64).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    centres = [wh[rng.integers(len(wh))]]
    while len(centres) < k:  # k-means++: far boxes are likelier next centres
        distance = 1 - shape_iou(wh, np.asarray(centres)).max(axis=1)
        total = distance.sum()
        pick = rng.choice(len(wh), p=distance / total) if total > 0 else rng.integers(len(wh))
        centres.append(wh[pick])
    centres = np.asarray(centres)
    assignment = None
    for _ in range(iterations):
        nearest = np.argmax(shape_iou(wh, centres), axis=1)
        if assignment is not None and np.array_equal(nearest, assignment):
            break
        assignment = nearest
        for j in range(k):
            if np.any(nearest == j):
                centres[j] = wh[nearest == j].mean(axis=0)
    return centres[np.argsort(centres[:, 0] * centres[:, 1])].astype(np.float32)


def mean_best_iou(wh: np.ndarray, anchors: np.ndarray) -> float:
    """How well the anchors fit the boxes: the mean, over boxes, of the best shape IoU."""
    return float(shape_iou(np.asarray(wh, np.float64), np.asarray(anchors, np.float64)).max(axis=1).mean())


# --- scenes, augmentation and targets ------------------------------------------------------------


def _stored(job: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    seed, index = job
    scene = driving.stored_scene(seed, index, driving.DETECTION_SIZE)
    return scene.image, boxes_array(scene.boxes)


def boxes_array(boxes) -> np.ndarray:
    """``[(name, x0, y0, x1, y1), ...]`` -> (k, 5) float32 rows ``class, x0, y0, x1, y1``."""
    rows = [[CLASS_NAMES.index(name), x0, y0, x1, y1] for name, x0, y0, x1, y1 in boxes]
    return np.asarray(rows, dtype=np.float32).reshape(-1, 5)


def draw_scenes(seed: int, count: int, workers: int | None = None, desc: str = "scenes"):
    """``count`` scenes of set ``seed`` as the dataset stores them: (images, [boxes per scene])."""
    from tqdm.auto import tqdm

    workers = workers or os.cpu_count() or 1
    jobs = [(seed, i) for i in range(count)]
    if workers > 1 and count > 8:
        with ProcessPoolExecutor(workers) as pool:
            drawn = list(tqdm(pool.map(_stored, jobs, chunksize=8), total=count, desc=desc, unit="scene"))
    else:
        drawn = [_stored(job) for job in tqdm(jobs, desc=desc, unit="scene")]
    return np.stack([image for image, _ in drawn]), [boxes for _, boxes in drawn]


def resize_for_model(image: np.ndarray, input_size: tuple[int, int]) -> np.ndarray:
    """What ``shared_utils.yolo.preprocess_image`` does: bicubic resize, float32 in [0, 1]."""
    resized = Image.fromarray(image).resize((input_size[1], input_size[0]), Image.BICUBIC)
    return np.asarray(resized, dtype=np.float32) / 255.0


def augment(
    image: np.ndarray, boxes: np.ndarray, rng: np.random.Generator, input_size: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """A randomly changed copy of a scene at the network's input size, and its boxes there.

    Mirror (half the time), zoom by 0.8 to 1.25 and shift by up to 10 % (three times in four),
    contrast, brightness and colour balance, and pixel noise on a third of the pictures.
    Boxes that keep less than 40 % of their area, or fall under 3 pixels, are dropped.
    """
    height, width = image.shape[:2]
    out_h, out_w = input_size
    boxes = boxes.copy()
    # Light and noise first, at the scene's own size, as a noisy scene would reach preprocess_image.
    pixels = image.astype(np.float32)
    mean = float(pixels.mean())
    gain = rng.uniform(0.8, 1.2)
    pixels = (pixels - mean) * gain + mean * rng.uniform(0.85, 1.15)
    pixels *= rng.uniform(0.92, 1.08, size=3).astype(np.float32)
    if rng.random() < 0.33:
        pixels += rng.standard_normal(pixels.shape, dtype=np.float32) * np.float32(rng.uniform(1.0, 5.0))
    image = np.clip(np.rint(pixels), 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        image = image[:, ::-1]
        boxes[:, [1, 3]] = width - boxes[:, [3, 1]]
    kx, ky = out_w / width, out_h / height
    if rng.random() < 0.75:
        zoom = float(np.exp(rng.uniform(np.log(0.8), np.log(1.25))))
        sx, sy = zoom * kx * rng.uniform(0.95, 1.05), zoom * ky * rng.uniform(0.95, 1.05)
        # The part of the scene shown, (x0, y0) to (x0 + out_w / sx, y0 + out_h / sy), on a
        # scene padded with its mean colour (a zoom below 1 shows more than the scene).
        x0 = width / 2 - out_w / sx / 2 + rng.uniform(-0.1, 0.1) * width
        y0 = height / 2 - out_h / sy / 2 + rng.uniform(-0.1, 0.1) * height
        pad = PAD
        fill = image.reshape(-1, 3).mean(axis=0).round().astype(np.uint8)
        padded = np.empty((height + 2 * pad, width + 2 * pad, 3), np.uint8)
        padded[...] = fill
        padded[pad:-pad, pad:-pad] = image
        x0 = float(np.clip(x0, -pad, width + pad - out_w / sx))
        y0 = float(np.clip(y0, -pad, height + pad - out_h / sy))
        source = (x0 + pad, y0 + pad, x0 + pad + out_w / sx, y0 + pad + out_h / sy)
        picture = Image.fromarray(padded).resize((out_w, out_h), Image.BICUBIC, box=source)
        ox, oy = -x0 * sx, -y0 * sy  # output u = x * sx + ox
    else:
        sx, sy, ox, oy = kx, ky, 0.0, 0.0
        picture = Image.fromarray(np.ascontiguousarray(image)).resize((out_w, out_h), Image.BICUBIC)
    mapped = boxes.copy()
    mapped[:, [1, 3]] = boxes[:, [1, 3]] * sx + ox
    mapped[:, [2, 4]] = boxes[:, [2, 4]] * sy + oy
    clipped = mapped.copy()
    clipped[:, [1, 3]] = np.clip(mapped[:, [1, 3]], 0, out_w)
    clipped[:, [2, 4]] = np.clip(mapped[:, [2, 4]], 0, out_h)
    area = (mapped[:, 3] - mapped[:, 1]) * (mapped[:, 4] - mapped[:, 2])
    kept_w, kept_h = clipped[:, 3] - clipped[:, 1], clipped[:, 4] - clipped[:, 2]
    keep = (kept_w >= 3) & (kept_h >= 3) & (kept_w * kept_h >= 0.4 * np.maximum(area, 1e-6))
    return np.asarray(picture, dtype=np.float32) / np.float32(255), clipped[keep]


def encode_targets(
    boxes: np.ndarray, anchors: np.ndarray, grid: tuple[int, int], max_boxes: int, stride: int = STRIDE
) -> np.ndarray:
    """The training target of one picture, flattened: what the loss compares the output with.

    ``boxes``: (k, 5) rows ``class, x0, y0, x1, y1`` in input pixels.  The first part is, per
    cell and anchor, ``[x, y in the cell (0-1), log(w / anchor w), log(h / anchor h), 1, class]``
    for the anchor a true box is assigned to, zeros elsewhere; the second part lists up to
    ``max_boxes`` true boxes as corners ``x0, y0, x1, y1`` in grid cells (for the IoU > 0.6 rule).
    """
    grid_h, grid_w = grid
    num_anchors = len(anchors)
    assigned = np.zeros((grid_h, grid_w, num_anchors, 6), dtype=np.float32)
    corners = np.zeros((max_boxes, 4), dtype=np.float32)
    if len(boxes):
        cells = boxes[:, 1:5] / stride
        corners[: min(len(cells), max_boxes)] = cells[:max_boxes]
        wh = np.stack([cells[:, 2] - cells[:, 0], cells[:, 3] - cells[:, 1]], axis=1)
        centre = np.stack([cells[:, 0] + cells[:, 2], cells[:, 1] + cells[:, 3]], axis=1) / 2
        ranking = np.argsort(-shape_iou(wh, anchors), axis=1)
        for b in np.argsort(-wh[:, 0] * wh[:, 1]):  # big boxes first: they get their best anchor
            col = int(np.clip(np.floor(centre[b, 0]), 0, grid_w - 1))
            row = int(np.clip(np.floor(centre[b, 1]), 0, grid_h - 1))
            free = [a for a in ranking[b] if assigned[row, col, a, 4] == 0]
            if not free:
                continue  # more boxes than anchors in one cell: this one is left out
            a = free[0]
            assigned[row, col, a] = [
                centre[b, 0] - col,
                centre[b, 1] - row,
                np.log(max(wh[b, 0], 1e-3) / anchors[a, 0]),
                np.log(max(wh[b, 1], 1e-3) / anchors[a, 1]),
                1.0,
                boxes[b, 0],
            ]
    return np.concatenate([assigned.reshape(-1), corners.reshape(-1)])


# --- the loss ----------------------------------------------------------------------------------


def yolo_loss(
    anchors: np.ndarray,
    num_classes: int,
    grid: tuple[int, int],
    max_boxes: int,
    ignore_iou: float = IGNORE_IOU,
    coord_weight: float = 1.0,
    object_weight: float = 1.0,
    no_object_weight: float = 1.0,
    class_weight: float = 1.0,
):
    """The YOLOv2 loss for targets made by ``encode_targets``: a function ``(y_true, y_pred)`` ->
    one loss per picture, the sum of its coordinate, objectness, no-object and class terms."""
    from keras import ops

    grid_h, grid_w = grid
    num_anchors = len(anchors)
    size = grid_h * grid_w * num_anchors * 6
    anchor_wh = ops.convert_to_tensor(np.asarray(anchors, np.float32).reshape(1, 1, 1, num_anchors, 2))
    cell_x, cell_y = np.meshgrid(np.arange(grid_w), np.arange(grid_h))
    cells = ops.convert_to_tensor(np.stack([cell_x, cell_y], -1).astype(np.float32)[None, :, :, None, :])
    grid_xy = ops.convert_to_tensor(np.asarray([grid_w, grid_h], np.float32))

    def loss(y_true, y_pred):
        y_true = ops.cast(y_true, "float32")
        pred = ops.reshape(ops.cast(y_pred, "float32"), (-1, grid_h, grid_w, num_anchors, 5 + num_classes))
        target = ops.reshape(y_true[:, :size], (-1, grid_h, grid_w, num_anchors, 6))
        truths = ops.reshape(y_true[:, size:], (-1, 1, 1, 1, max_boxes, 4))
        has_object = target[..., 4]

        # Coordinates: the centre inside its cell and the size relative to the anchor.
        xy = ops.sigmoid(pred[..., 0:2])
        t_wh = pred[..., 2:4]
        true_wh = anchor_wh * ops.exp(target[..., 2:4]) / grid_xy  # fractions of the picture
        small_first = 2.0 - true_wh[..., 0] * true_wh[..., 1]
        squared = ops.sum(ops.square(xy - target[..., 0:2]) + ops.square(t_wh - target[..., 2:4]), axis=-1)
        coord = has_object * small_first * squared

        # Which predictions already overlap a true box well (no "no object" loss for them).
        centre = xy + cells
        half = anchor_wh * ops.exp(ops.clip(t_wh, -8.0, 8.0)) / 2
        mins, maxes = ops.expand_dims(centre - half, 4), ops.expand_dims(centre + half, 4)
        inter_wh = ops.maximum(ops.minimum(maxes, truths[..., 2:4]) - ops.maximum(mins, truths[..., 0:2]), 0.0)
        inter = inter_wh[..., 0] * inter_wh[..., 1]
        pred_area = ops.prod(2 * half, axis=-1)
        true_area = (truths[..., 2] - truths[..., 0]) * (truths[..., 3] - truths[..., 1])
        iou = inter / ops.maximum(ops.expand_dims(pred_area, -1) + true_area - inter, 1e-9)
        overlaps = ops.stop_gradient(ops.cast(ops.max(iou, axis=-1) > ignore_iou, "float32"))

        logit = pred[..., 4]
        objectness = has_object * ops.softplus(-logit)  # binary cross-entropy towards 1
        no_object = (1 - has_object) * (1 - overlaps) * ops.softplus(logit)  # ... towards 0

        true_class = ops.one_hot(ops.cast(target[..., 5], "int32"), num_classes)
        log_probs = ops.log_softmax(pred[..., 5:], axis=-1)
        classes = -has_object * ops.sum(true_class * log_probs, axis=-1)

        total = (
            coord_weight * coord + object_weight * objectness + no_object_weight * no_object + class_weight * classes
        )
        return ops.sum(ops.reshape(total, (-1, grid_h * grid_w * num_anchors)), axis=1)

    return loss


# --- the network -------------------------------------------------------------------------------


def build_model(
    input_size: tuple[int, int] = loader.INPUT_SIZE,
    num_anchors: int = 5,
    num_classes: int = len(CLASS_NAMES),
    width: int = 16,
):
    """A Darknet-like detector: (m, H, W, 3) in [0, 1] -> (m, H/32, W/32, A * (5 + C)).

    H and W must be multiples of 64.  ``width`` is the first convolution's number of filters; each
    stage doubles it.  The first layer stacks each 8 x 8 block of input pixels as 192 channels
    (lossless, and cheap: for a picture enlarged four times that is 2 x 2 pixels of the scene), three
    stages bring the map down to the output grid (input / 32), and a fourth stage, twice coarser,
    sees the context of big objects and is brought back up and joined to the grid's own features
    (as YOLOv2's passthrough and YOLOv3's upsampling do).
    """
    import keras
    from keras import layers

    def conv(x, filters, kernel=3, name=""):
        x = layers.Conv2D(filters, kernel, padding="same", use_bias=False, name=f"{name}_conv")(x)
        x = layers.BatchNormalization(name=f"{name}_bn")(x)
        return layers.LeakyReLU(negative_slope=0.1, name=f"{name}_leaky")(x)

    height, width_px = input_size
    if height % 64 or width_px % 64:
        raise ValueError(f"the input's height and width must be multiples of 64, not {input_size}")
    block = 8
    inputs = keras.Input((height, width_px, 3), name="image")
    x = layers.Reshape((height // block, block, width_px // block, block, 3), name="stem_blocks")(inputs)
    x = layers.Permute((1, 3, 2, 4, 5), name="stem_order")(x)
    x = layers.Reshape((height // block, width_px // block, block * block * 3), name="stem_stack")(x)  # 8
    x = conv(x, width, kernel=1, name="stem")
    x = conv(x, 2 * width, name="stage2")
    x = layers.MaxPooling2D(2, name="pool2")(x)  # 16
    x = conv(x, 4 * width, name="stage3")
    x = layers.MaxPooling2D(2, name="pool3")(x)  # 32: the output grid
    x = conv(x, 8 * width, name="stage4a")
    x = conv(x, 4 * width, kernel=1, name="stage4b")
    fine = conv(x, 8 * width, name="stage4c")
    x = layers.MaxPooling2D(2, name="pool4")(fine)  # 64
    x = conv(x, 16 * width, name="stage5a")
    x = conv(x, 8 * width, kernel=1, name="stage5b")
    x = conv(x, 16 * width, name="stage5c")
    x = conv(x, 4 * width, kernel=1, name="context")
    x = layers.UpSampling2D(2, name="up")(x)  # back to 32
    x = layers.Concatenate(name="join")([fine, x])
    x = conv(x, 8 * width, name="head")
    output = layers.Conv2D(num_anchors * (5 + num_classes), 1, name="output")
    model = keras.Model(inputs, output(x), name="yolo_driving")
    # Start every objectness at 1 % (RetinaNet's prior): almost every box holds no object, and an
    # even 50 % would make the first hundreds of steps unlearn it.
    bias = np.zeros((num_anchors, 5 + num_classes), np.float32)
    bias[:, 4] = np.log(OBJECT_PRIOR / (1 - OBJECT_PRIOR))
    output.bias.assign(bias.reshape(-1))
    return model


# --- decoding and evaluation (NumPy) -------------------------------------------------------------


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def decode(raw: np.ndarray, anchors: np.ndarray, num_classes: int):
    """``shared_utils.yolo.yolo_head`` in NumPy: (xy, wh, confidence, class probabilities)."""
    m, grid_h, grid_w, _ = raw.shape
    raw = raw.reshape(m, grid_h, grid_w, len(anchors), 5 + num_classes).astype(np.float64)
    cell_x, cell_y = np.meshgrid(np.arange(grid_w), np.arange(grid_h))
    cells = np.stack([cell_x, cell_y], -1)[None, :, :, None, :]
    grid = np.asarray([grid_w, grid_h], np.float64)
    xy = (_sigmoid(raw[..., 0:2]) + cells) / grid
    wh = np.asarray(anchors, np.float64).reshape(1, 1, 1, -1, 2) * np.exp(np.clip(raw[..., 2:4], -10, 10)) / grid
    confidence = _sigmoid(raw[..., 4:5])
    logits = raw[..., 5:] - raw[..., 5:].max(axis=-1, keepdims=True)
    probs = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    return xy, wh, confidence, probs


def _suppress(boxes: np.ndarray, scores: np.ndarray, threshold: float, limit: int) -> list[int]:
    """Greedy non-max suppression (for the recipe's own evaluation)."""
    order = np.argsort(-scores, kind="stable")
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep = []
    while len(order) and len(keep) < limit:
        i, rest = order[0], order[1:]
        keep.append(int(i))
        y0 = np.maximum(boxes[i, 0], boxes[rest, 0])
        x0 = np.maximum(boxes[i, 1], boxes[rest, 1])
        y1 = np.minimum(boxes[i, 2], boxes[rest, 2])
        x1 = np.minimum(boxes[i, 3], boxes[rest, 3])
        inter = np.clip(y1 - y0, 0, None) * np.clip(x1 - x0, 0, None)
        order = rest[inter / np.maximum(areas[i] + areas[rest] - inter, 1e-9) <= threshold]
    return keep


def detections(
    raw: np.ndarray,
    anchors: np.ndarray,
    image_shape: tuple[int, int],
    num_classes: int = len(CLASS_NAMES),
    score_threshold: float = 0.01,
    iou_threshold: float = NMS_IOU,
    max_boxes: int = 100,
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per picture ``(scores, boxes, classes)``: boxes (y_min, x_min, y_max, x_max) in pixels of a
    picture of ``image_shape`` (height, width), each box with its best class, suppressed per class."""
    xy, wh, confidence, probs = decode(raw, anchors, num_classes)
    height, width = image_shape
    corners = np.concatenate([xy[..., ::-1] - wh[..., ::-1] / 2, xy[..., ::-1] + wh[..., ::-1] / 2], axis=-1)
    corners = corners * np.asarray([height, width, height, width], np.float64)
    scores_all = confidence * probs
    out = []
    for i in range(raw.shape[0]):
        classes = scores_all[i].argmax(axis=-1).reshape(-1)
        scores = scores_all[i].max(axis=-1).reshape(-1)
        boxes = corners[i].reshape(-1, 4)
        chosen = scores >= score_threshold
        boxes, scores, classes = boxes[chosen], scores[chosen], classes[chosen]
        keep = []
        for k in np.unique(classes):
            mine = np.flatnonzero(classes == k)
            keep += [int(mine[j]) for j in _suppress(boxes[mine], scores[mine], iou_threshold, max_boxes)]
        keep = sorted(keep, key=lambda j: -scores[j])[:max_boxes]
        out.append((scores[keep].astype(np.float32), boxes[keep].astype(np.float32), classes[keep].astype(np.int64)))
    return out


def predict_raw(model, images: np.ndarray, input_size: tuple[int, int], batch_size: int = 25) -> np.ndarray:
    """The network's raw output for uint8 scenes, resized as ``preprocess_image`` resizes them."""
    outputs = []
    for start in range(0, len(images), batch_size):
        batch = np.stack([resize_for_model(image, input_size) for image in images[start : start + batch_size]])
        outputs.append(np.asarray(model(batch, training=False)))
    return np.concatenate(outputs)


def rows_of(split) -> list[np.ndarray]:
    """A ``load_driving`` split's boxes as (k, 5) rows ``class, x0, y0, x1, y1`` (the recipe's layout)."""
    return [
        np.concatenate([c[:, None].astype(np.float32), b[:, [1, 0, 3, 2]]], axis=1)
        for b, c in zip(split.boxes, split.classes)
    ]


def truths_of(boxes: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(k, 5) ``class, x0, y0, x1, y1`` rows -> ``(corners (y_min, x_min, y_max, x_max), classes)``."""
    return [(b[:, [2, 1, 4, 3]], b[:, 0].astype(np.int64)) for b in boxes]


def evaluate(model, images, boxes, anchors, input_size, min_car_height: float = 32.0) -> dict:
    """mAP@0.5 overall and per class, and the AP of cars at least ``min_car_height`` pixels tall."""
    raw = predict_raw(model, images, input_size)
    found = detections(raw, anchors, images.shape[1:3])
    truths = truths_of(boxes)
    overall = detection_metrics.evaluate(found, truths, CLASS_NAMES)
    tall = detection_metrics.evaluate(found, truths, CLASS_NAMES, min_height=min_car_height)
    return {
        "mAP": overall.mAP,
        **{f"AP_{k}": v for k, v in overall.ap().items()},
        "AP_car_tall": tall.ap()["car"],
        "result": overall,
        "tall": tall,
    }


EXAMPLE_SCENES = (0, 10, 24, 36)  # test scenes drawn in the model card's examples.png


def draw_examples(path: Path, model, images, boxes, anchors, input_size, score_threshold: float = 0.5) -> None:
    """A sheet of a few test scenes, enlarged twice: detections with their scores on the left, the
    true boxes on the right, so a reader of the model card sees what the numbers mean."""
    from shared_utils.yolo import draw_boxes

    chosen = list(EXAMPLE_SCENES)
    found = detections(
        predict_raw(model, images[chosen], input_size), anchors, images.shape[1:3], score_threshold=score_threshold
    )
    height, width = images.shape[1] * 2, images.shape[2] * 2
    rows = []
    for index, (scores, corners, classes) in zip(chosen, found):
        scene = Image.fromarray(images[index]).resize((width, height), Image.NEAREST)
        truth = boxes[index]
        left = draw_boxes(scene, corners * 2, classes, CLASS_NAMES, scores)
        right = draw_boxes(scene, truth[:, [2, 1, 4, 3]] * 2, truth[:, 0].astype(int), CLASS_NAMES)
        rows.append(np.concatenate([left, np.full((height, 8, 3), 255, np.uint8), right], axis=1))
    gap = np.full((8, rows[0].shape[1], 3), 255, np.uint8)
    sheet = np.concatenate([part for row in rows for part in (row, gap)][:-1])
    Image.fromarray(sheet).save(path, optimize=True)


# --- training ----------------------------------------------------------------------------------


def output_grid(input_size: tuple[int, int]) -> tuple[int, int]:
    """(rows, columns) of the detector's output for an input of ``input_size`` (height, width)."""
    return input_size[0] // STRIDE, input_size[1] // STRIDE


def make_batches(images, boxes, anchors, input_size, batch_size, steps, seed, max_boxes, workers=1):
    """A ``keras.utils.PyDataset`` of ``steps`` augmented batches; batch ``i`` depends only on
    ``(seed, i)``, so the training data are the same on every run however they are loaded."""
    import keras

    grid = output_grid(input_size)

    orders: dict[int, np.ndarray] = {}

    def order(epoch: int) -> np.ndarray:  # the scenes' order in pass ``epoch`` over them
        if epoch not in orders:
            orders[epoch] = np.random.default_rng([seed, epoch]).permutation(len(images))
        return orders[epoch]

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return steps

        def __getitem__(self, index):
            x = np.empty((batch_size, *input_size, 3), np.float32)
            y = []
            for j in range(batch_size):
                epoch, place = divmod(index * batch_size + j, len(images))
                pick = order(epoch)[place]
                x[j], placed = augment(images[pick], boxes[pick], np.random.default_rng([seed, index, j]), input_size)
                y.append(encode_targets(placed, anchors, grid, max_boxes))
            return x, np.stack(y)

    return Batches(workers=workers, use_multiprocessing=False, max_queue_size=4)


def fit_detector(
    args: argparse.Namespace, images, boxes, val_images, val_boxes, input_size: tuple[int, int], show_bar: bool = True
):
    """Anchors, network, loss and training: returns (network, anchors, anchor fit, training minutes).

    ``images``: (n, H, W, 3) uint8 scenes; ``boxes``: per scene (k, 5) rows ``class, x0, y0, x1, y1``
    in scene pixels.  The validation scenes are scored every ``args.eval_every`` steps.
    """
    import keras

    grid = output_grid(input_size)
    scale = np.asarray([input_size[1] / images.shape[2], input_size[0] / images.shape[1]])
    wh = np.concatenate([np.stack([b[:, 3] - b[:, 1], b[:, 4] - b[:, 2]], axis=1) for b in boxes])
    wh = wh * scale / STRIDE  # in grid cells
    anchors = kmeans_anchors(wh, args.anchors, seed=args.seed)
    fit = mean_best_iou(wh, anchors)
    print(
        "Anchors (width, height in grid cells, k-means with 1 - IoU): "
        + ", ".join(f"({w:.2f}, {h:.2f})" for w, h in anchors)
        + f"; mean best IoU {fit:.3f}",
        flush=True,
    )
    model = build_model(input_size, args.anchors, len(CLASS_NAMES), args.width)
    schedule = keras.optimizers.schedules.CosineDecay(
        args.learning_rate / 20,
        decay_steps=max(1, args.steps - args.warmup),
        alpha=0.01,
        warmup_target=args.learning_rate,
        warmup_steps=args.warmup,
    )
    model.compile(
        optimizer=keras.optimizers.Adam(schedule, clipnorm=10.0),
        loss=yolo_loss(anchors, len(CLASS_NAMES), grid, args.max_boxes),
    )
    print(f"{model.count_params():,} parameters; {args.steps} steps of {args.batch_size} pictures.", flush=True)
    batches = make_batches(
        images, boxes, anchors, input_size, args.batch_size, args.steps, args.seed, args.max_boxes, args.workers
    )
    started = time.perf_counter()

    def validate(step: int, logs: dict) -> str:
        scores = evaluate(model, val_images, val_boxes, anchors, input_size)
        return (
            f"step {step}  {(time.perf_counter() - started) / 60:.1f} min  loss {float(logs['loss']):.3f}  "
            f"validation mAP {scores['mAP']:.3f}  cars >= 32 px {scores['AP_car_tall']:.3f}"
        )

    every = args.eval_every
    bar = progress_bar(1, args.steps) if show_bar else None
    validation = report_during_training(
        lambda step: bool(every) and step % every == 0 and step < args.steps,
        validate,
        bar.write if bar else lambda line: print(line, flush=True),
    )
    callbacks = [bar, validation] if bar else [validation]
    model.fit(batches, epochs=1, verbose=0, callbacks=callbacks)
    minutes = (time.perf_counter() - started) / 60
    # The same network without the training set-up: its configuration then names no loss function
    # that only this module knows, and loads anywhere.
    plain = build_model(input_size, args.anchors, len(CLASS_NAMES), args.width)
    plain.set_weights(model.get_weights())
    return plain, anchors, fit, minutes


class YoloDriving(Recipe):
    """Train a YOLOv2-style detector on the driving scenes and store it in 8 bits."""

    name = loader.NAME
    title = "Course YOLOv2-style detector trained on the driving scenes (768 x 1024 input, 24 x 32 grid, 5 classes)"
    options = {
        "extra": 2400,  # extra generated training scenes
        "val": 100,  # scenes (another seed) evaluated during and after training
        "steps": 1800,
        "batch_size": 16,
        "learning_rate": 2e-3,
        "warmup": 100,
        "width": 16,
        "enlarge": 4,  # the network's input: the scene enlarged this many times
        "anchors": 5,
        "max_boxes": 64,
        "eval_every": 500,
        "workers": 2,  # threads preparing batches
        "draw_workers": 0,  # processes drawing the extra scenes (0: one per core)
        "quantize": True,
    }

    def train(self, args: argparse.Namespace) -> Trained:
        import keras

        from shared_utils.datasets.detection import load_driving

        started = time.perf_counter()
        shipped = load_driving("train")
        images = [shipped.images()]
        boxes = rows_of(shipped)
        if args.extra:
            extra_images, extra_boxes = draw_scenes(EXTRA_SEED, args.extra, args.draw_workers or None, "extra scenes")
            images.append(extra_images)
            boxes += extra_boxes
        images = np.concatenate(images)
        input_size = (images.shape[1] * args.enlarge, images.shape[2] * args.enlarge)
        val_images, val_boxes = draw_scenes(VAL_SEED, args.val, args.draw_workers or None, "validation scenes")
        drawing_minutes = (time.perf_counter() - started) / 60

        print(f"Training on {len(images)} scenes ({len(shipped)} of driving + {args.extra} more).", flush=True)
        model, anchors, fit, train_minutes = fit_detector(args, images, boxes, val_images, val_boxes, input_size)

        test = load_driving("test")
        test_images = test.images()
        test_boxes = rows_of(test)
        float_scores = evaluate(model, test_images, test_boxes, anchors, input_size)
        with tempfile.TemporaryDirectory() as tmp:
            stored = Path(tmp) / "check.weights.h5"
            if args.quantize:
                write_quantized(stored, model)
            else:
                write_float(stored, model)
            arrays, config = loader.read_weights(stored)
            size = stored.stat().st_size
        shipped_model = keras.models.model_from_json(config)  # what load_model() will give
        shipped_model.set_weights(arrays)
        scores = evaluate(shipped_model, test_images, test_boxes, anchors, input_size)
        val_scores = evaluate(shipped_model, val_images, val_boxes, anchors, input_size)
        timing = time.perf_counter()
        predict_raw(shipped_model, test_images, input_size)
        predict_seconds = time.perf_counter() - timing

        result, tall = scores["result"], scores["tall"]
        rows = "\n".join(
            f"| {name} | {r.n_true} | {r.ap:.3f} | {float_scores['result'].classes[name].ap:.3f} |"
            for name, r in result.classes.items()
        )
        anchor_text = ", ".join(f"{w:.5f},{h:.5f}" for w, h in anchors)
        grid = output_grid(input_size)
        scene, cell = f"{images.shape[2]} x {images.shape[1]}", STRIDE // args.enlarge
        weights_name = loader.WEIGHTS.split("/")[-1]
        storage = (
            "kernels in 8 bits (one scale per output channel), the rest in float32" if args.quantize else "float32"
        )
        card = f"""
Files: `{weights_name}` ({size / 1e6:.2f} MB; {storage}; the file holds the Keras configuration too),
`anchors.txt`, `classes.txt`; read by `shared_utils.pretrained.yolo_driving.load_model()`.

## The network

- Input ({input_size[0]}, {input_size[1]}, 3) in [0, 1]: the {scene} scene enlarged {args.enlarge} times with bicubic
  interpolation (`shared_utils.yolo.preprocess_image(image, {input_size})`); output
  ({grid[0]}, {grid[1]}, {args.anchors} x (5 + 5)) raw numbers: a {grid[1]} x {grid[0]} grid (input / 32, cells of
  {cell} x {cell} scene pixels), {args.anchors} anchors per cell, `t_x, t_y, t_w, t_h, t_o` and 5 class
  scores per anchor, decoded by `shared_utils.yolo.yolo_head`.
- Darknet-like: the input's 8 x 8 pixel blocks stacked as channels (space to depth), then 3 x 3 and
  1 x 1 convolutions with batch normalization and leaky ReLU (0.1) and max pooling down to the grid;
  a further stage at half the grid's resolution, brought back up (nearest neighbour) and joined to
  the grid's features, adds context; objectness biases start at 1 %; {model.count_params():,} parameters;
  width {args.width} (stages of {args.width} to {args.width * 16} filters).
- Anchors (k-means with the distance 1 - IoU on the training boxes' sizes, in grid cells; mean best
  IoU {fit:.3f}): {", ".join(f"({w:.2f}, {h:.2f})" for w, h in anchors)}.
- Prediction on the 200 test scenes (batches of 25, resizing included): {predict_seconds:.1f} s here.

## Data and training

- {len(shipped)} training scenes of `driving` plus {args.extra} more drawn by the same generator (seed
  {EXTRA_SEED}, stored like the dataset: no noise, 64 colours); {args.val} validation scenes (seed {VAL_SEED}).
  Augmented on the fly: mirror images, zoom 0.8 to 1.25 and shifts up to 10 %, contrast, brightness,
  colour balance, pixel noise on a third of the pictures.
- YOLOv2 loss: each true box goes to the cell of its centre and the anchor of best shape IoU
  (the next free one when taken); coordinates (squared error on `sigmoid(t_xy)` and on `t_wh`
  against `log(size / anchor)`, weighted `2 - w h`), objectness (binary cross-entropy), no-object
  term skipped for predictions whose box overlaps a true box with IoU > {IGNORE_IOU}, and classes
  (softmax cross-entropy).
- Adam (gradient norm clipped at 10), learning rate warmed up over {args.warmup} steps to
  {args.learning_rate}, then cosine-decayed; {args.steps} steps of {args.batch_size} pictures
  ({args.steps * args.batch_size / len(images):.1f} passes over the scenes).
- Drawing the scenes took {drawing_minutes:.1f} minutes, the training steps {train_minutes:.1f} minutes
  (validation scenes scored every {args.eval_every or args.steps} steps on the way); the training time
  above counts everything, the final evaluation included.

## Quality, on the 200 test scenes of `driving` (never used for training or choices)

Detections: score = objectness x class probability, at least 0.01; non-max suppression per class
at IoU {NMS_IOU}; at most 100 per scene. A detection is right when its IoU with a true box of its
class is at least 0.5 (Pascal VOC's AP, all-point interpolation).

**mAP@0.5: {scores["mAP"]:.3f}**; **AP of cars at least 32 pixels tall: {scores["AP_car_tall"]:.3f}**
(smaller cars ignored). Validation scenes: mAP {val_scores["mAP"]:.3f}, cars >= 32 px
{val_scores["AP_car_tall"]:.3f}. Before the {"8-bit " if args.quantize else ""}storage: mAP
{float_scores["mAP"]:.3f}, cars >= 32 px {float_scores["AP_car_tall"]:.3f}.

| class | true boxes | AP@0.5 | AP@0.5 before storage |
|---|---|---|---|
{rows}

`examples.png`: test scenes {", ".join(map(str, EXAMPLE_SCENES))}, enlarged twice; on the left the detections
with a score of at least 0.5 and their scores, on the right the true boxes.

## Intended use

The car-detection notebook of week 3: the students' `yolo_filter_boxes`, `iou`,
`yolo_non_max_suppression` and `yolo_eval` turn this network's output into boxes. It knows only
the course's drawn streets.
"""
        del tall
        return Trained(
            files={
                weights_name: (lambda path: write_quantized(path, model))
                if args.quantize
                else (lambda path: write_float(path, model)),
                "anchors.txt": lambda path: path.write_text(anchor_text + "\n", encoding="utf-8"),
                "examples.png": lambda path: draw_examples(
                    path, shipped_model, test_images, test_boxes, anchors, input_size
                ),
                "classes.txt": lambda path: path.write_text("\n".join(CLASS_NAMES) + "\n", encoding="utf-8"),
            },
            card=card,
            summary=f"Test mAP@0.5 {scores['mAP']:.3f}, cars >= 32 px {scores['AP_car_tall']:.3f}.",
            metrics={
                "mAP": scores["mAP"],
                "AP_car_tall": scores["AP_car_tall"],
                **{k: v for k, v in scores.items() if k.startswith("AP_")},
            },
        )


def write_float(path: Path, model) -> None:
    """Every array in float32, in the layout ``write_quantized`` uses (no scales)."""
    import h5py

    with h5py.File(path, "w", libver="earliest") as handle:
        handle.attrs["config"] = model.to_json()
        group = handle.create_group("weights", track_order=True)
        for index, array in enumerate(model.get_weights()):
            group.create_dataset(f"{index:04d}", data=np.asarray(array, np.float32), track_times=False)


RECIPE = YoloDriving()
