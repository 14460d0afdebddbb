"""Trusted checks of W3A1: box filtering, IoU, non-max suppression and yolo_eval on other outputs."""

from __future__ import annotations

import numpy as np

from .spec import Call, Check, Tensor


def _head_output(seed: int, grid: tuple[int, int], anchors: int, classes: int) -> tuple[Tensor, ...]:
    """A random (box_xy, box_wh, box_confidence, box_class_probs) as yolo_head would return it."""
    rng = np.random.default_rng(seed)
    shape = (*grid, anchors)
    xy = rng.uniform(0.0, 1.0, (*shape, 2))
    wh = rng.uniform(0.03, 0.4, (*shape, 2))
    confidence = rng.uniform(0.0, 1.0, (*shape, 1)) ** 2
    logits = rng.normal(0.0, 2.0, (*shape, classes))
    probs = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    return Tensor(xy), Tensor(wh), Tensor(confidence), Tensor(probs)


def _filter_case(seed: int, shape: tuple[int, ...], classes: int) -> tuple[Tensor, Tensor, Tensor]:
    rng = np.random.default_rng(seed)
    boxes = rng.uniform(0.0, 1.0, (*shape, 4))
    confidence = rng.uniform(0.0, 1.0, (*shape, 1))
    probs = rng.dirichlet(np.full(classes, 0.3), shape)
    return Tensor(boxes), Tensor(confidence), Tensor(probs)


def _at_threshold() -> tuple[Tensor, Tensor, Tensor]:
    """Scores exactly at 0.5 (1.0 x 0.5 in float32): kept, since a box is kept at >= threshold."""
    boxes = np.arange(16.0).reshape(2, 2, 4)
    confidence = np.array([[[1.0], [1.0]], [[0.25], [1.0]]])
    probs = np.array([[[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]], [[0.9, 0.05, 0.05], [0.4, 0.45, 0.15]]])
    return Tensor(boxes), Tensor(confidence), Tensor(probs)


def _clusters(seed: int, groups: int, per_group: int) -> tuple[Tensor, Tensor, Tensor]:
    """Groups of jittered boxes (y1, x1, y2, x2) with random scores, a class per group."""
    rng = np.random.default_rng(seed)
    boxes, classes = [], []
    for group in range(groups):
        y, x = rng.uniform(0, 300, 2)
        height, width = rng.uniform(20, 60, 2)
        for _ in range(per_group):
            dy, dx = rng.uniform(-10, 10, 2)
            boxes.append(
                [y + dy, x + dx, y + dy + height * rng.uniform(0.8, 1.2), x + dx + width * rng.uniform(0.8, 1.2)]
            )
            classes.append(group % 3)
    order = rng.permutation(len(boxes))
    scores = rng.uniform(0.05, 1.0, len(boxes))
    return Tensor(scores), Tensor(np.asarray(boxes)[order]), Tensor(np.asarray(classes)[order], "int64")


_IOU_CASES = [
    ((0.0, 0.0, 4.0, 4.0), (2.0, 2.0, 6.0, 6.0)),  # overlap
    ((0.0, 0.0, 2.0, 2.0), (3.0, 3.0, 5.0, 5.0)),  # apart
    ((0.0, 0.0, 2.0, 2.0), (2.0, 0.0, 4.0, 2.0)),  # touching edges
    ((0.0, 0.0, 2.0, 2.0), (2.0, 2.0, 3.0, 3.0)),  # touching corners
    ((1.0, 1.0, 9.0, 7.0), (2.0, 3.0, 4.0, 5.0)),  # one inside the other
    ((1.5, 2.5, 4.0, 6.0), (1.5, 2.5, 4.0, 6.0)),  # the same box
    ((0.0, 5.0, 3.0, 9.0), (1.0, 0.0, 2.0, 6.0)),  # a cross
    ((3.0, 0.0, 6.0, 2.0), (0.0, 1.0, 4.0, 8.0)),  # apart in one direction only overlapping
]


def checks() -> list[Check]:
    return [
        Check(
            "test_yolo_filter_boxes",
            [
                Call("yolo_filter_boxes", _filter_case(1, (6, 8, 5), 5), {"threshold": 0.3}),
                Call("yolo_filter_boxes", _filter_case(2, (4, 4, 3), 3)),
                Call("yolo_filter_boxes", _filter_case(3, (10,), 7), {"threshold": 0.15}),
                Call("yolo_filter_boxes", _at_threshold(), {"threshold": 0.5}),
            ],
        ),
        Check("test_iou", [Call("iou", (a, b)) for a, b in _IOU_CASES] + [Call("iou", (b, a)) for a, b in _IOU_CASES]),
        Check(
            "test_yolo_non_max_suppression",
            [
                Call("yolo_non_max_suppression", _clusters(11, 4, 5)),
                Call("yolo_non_max_suppression", _clusters(12, 6, 4), {"max_boxes": 3}),
                Call("yolo_non_max_suppression", _clusters(13, 5, 6), {"max_boxes": 20, "iou_threshold": 0.3}),
                Call("yolo_non_max_suppression", _clusters(14, 3, 8), {"iou_threshold": 0.7}),
            ],
        ),
        Check(
            "test_yolo_eval",
            [
                Call(
                    "yolo_eval",
                    (_head_output(21, (6, 8), 3, 4), (192, 256)),
                    {"score_threshold": 0.3},
                    callees=("yolo_filter_boxes", "yolo_non_max_suppression"),
                ),
                Call(
                    "yolo_eval",
                    (_head_output(22, (12, 16), 5, 5), (384, 512)),
                    {"max_boxes": 5, "score_threshold": 0.25, "iou_threshold": 0.4},
                    callees=("yolo_filter_boxes", "yolo_non_max_suppression"),
                ),
                Call(
                    "yolo_eval",
                    (_head_output(23, (4, 4), 2, 3), (100, 150)),
                    callees=("yolo_filter_boxes", "yolo_non_max_suppression"),
                ),
            ],
        ),
    ]
