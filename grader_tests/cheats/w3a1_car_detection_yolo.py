"""Functions that return tensors of plausible shapes and do no work: the base of every cheat here."""
# ruff: noqa: F821  (tf comes from the notebook)


# %% yolo_filter_boxes
def yolo_filter_boxes(boxes, box_confidence, box_class_probs, threshold=0.6):
    return tf.zeros((1,)), tf.zeros((1, 4)), tf.zeros((1,), tf.int64)


# %% iou
def iou(box1, box2):
    return 0.5


# %% yolo_non_max_suppression
def yolo_non_max_suppression(scores, boxes, classes, max_boxes=10, iou_threshold=0.5):
    return scores[:max_boxes], boxes[:max_boxes], classes[:max_boxes]


# %% yolo_eval
def yolo_eval(yolo_outputs, image_shape, max_boxes=10, score_threshold=0.6, iou_threshold=0.5):
    return tf.zeros((1,)), tf.zeros((1, 4)), tf.zeros((1,), tf.int64)
