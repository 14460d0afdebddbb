"""Trusted checks of W4A2: the costs on other activations, and one training step on a small stand-in
network (the notebook's VGG19 is far too slow to run twice per submission)."""

from __future__ import annotations

import numpy as np

from .spec import Call, Check, Tensor

SETUP_CELLS = ("def clip_0_1(",)

# The globals train_step reads, made small: a stand-in network whose "style layers" are the image and
# its 2 x 2 max-pooling, and whose "content layer" is the image; fresh for every call.
PRELUDE = '''
def _one_training_step(seed, size, learning_rate):
    """One train_step on a small stand-in problem: the cost it returns and the image after it."""
    global vgg_model_outputs, a_C, a_S, STYLE_LAYERS, optimizer
    rng = np.random.default_rng(seed)
    content = rng.uniform(0, 1, (1, size, size, 3)).astype(np.float32)
    style = np.clip(rng.normal(0.5, 0.3, (1, size, size, 3)), 0, 1).astype(np.float32)
    start = np.clip(content + rng.uniform(-0.4, 0.4, content.shape), 0, 1).astype(np.float32)
    vgg_model_outputs = lambda image: [image, tf.nn.max_pool2d(image, 2, 2, "VALID"), image]
    a_C, a_S = vgg_model_outputs(tf.constant(content)), vgg_model_outputs(tf.constant(style))
    STYLE_LAYERS = [("image", float(rng.uniform(0.2, 1))), ("pooled", float(rng.uniform(0.2, 1)))]
    optimizer = keras.optimizers.Adam(learning_rate)
    image = tf.Variable(start)
    step = getattr(train_step, "python_function", train_step)
    J = step(image)
    return J, image.numpy()


def _cost_gradient(kind, seed):
    """The gradient of a cost with respect to the generated image's activations (None: not differentiable)."""
    rng = np.random.default_rng(seed)
    shapes = [(1, 4, 5, 3), (1, 2, 3, 4)]
    fixed = [tf.constant(rng.random(shape), tf.float32) for shape in shapes]
    moving = [tf.Variable(rng.random(shape), dtype=tf.float32) for shape in shapes]
    with tf.GradientTape() as tape:
        if kind == "content":
            J = compute_content_cost(fixed, moving)
        elif kind == "layer":
            J = compute_layer_style_cost(fixed[0], moving[0])
        else:
            J = compute_style_cost(fixed, moving, [("a", 0.4), ("b", 0.6)])
    return tape.gradient(J, moving[-1] if kind == "content" else moving[0] if kind == "layer" else moving)
'''

_GRADED = ("gram_matrix", "compute_layer_style_cost", "compute_style_cost", "compute_content_cost", "total_cost")


def _activations(seed: int, shape: tuple[int, ...]) -> Tensor:
    return Tensor(np.random.default_rng(seed).normal(0.0, 1.0, shape) ** 2)  # non-negative, like ReLU outputs


def _outputs(seed: int, shapes: list[tuple[int, ...]]) -> list[Tensor]:
    return [_activations(seed + k, shape) for k, shape in enumerate(shapes)]


_LAYERS = [(1, 8, 8, 3), (1, 4, 4, 5), (1, 2, 2, 6)]  # two style layers, then the content layer


def checks() -> list[Check]:
    return [
        Check(
            "test_compute_content_cost",
            [
                Call("compute_content_cost", (_outputs(1, _LAYERS), _outputs(11, _LAYERS))),
                Call("compute_content_cost", ([_activations(2, (1, 5, 3, 4))], [_activations(12, (1, 5, 3, 4))])),
                Call("compute_content_cost", ([_activations(3, (1, 3, 7, 2))], [_activations(3, (1, 3, 7, 2))])),
                Call("_cost_gradient", ("content", 70)),
            ],
        ),
        Check(
            "test_gram_matrix",
            [
                Call("gram_matrix", (_activations(seed, shape),))
                for seed, shape in [(4, (3, 7)), (5, (5, 2)), (6, (1, 4))]
            ],
        ),
        Check(
            "test_compute_layer_style_cost",
            [
                Call(
                    "compute_layer_style_cost",
                    (_activations(7, (1, 4, 6, 3)), _activations(17, (1, 4, 6, 3))),
                    callees=("gram_matrix",),
                ),
                Call(
                    "compute_layer_style_cost",
                    (_activations(8, (1, 5, 2, 7)), _activations(18, (1, 5, 2, 7))),
                    callees=("gram_matrix",),
                ),
                Call(
                    "compute_layer_style_cost",
                    (_activations(9, (1, 3, 3, 2)), _activations(9, (1, 3, 3, 2))),
                    callees=("gram_matrix",),
                ),
                Call("_cost_gradient", ("layer", 71), callees=("gram_matrix",)),
            ],
        ),
        Check(
            "test_compute_style_cost",
            [
                Call(
                    "compute_style_cost",
                    (_outputs(20, _LAYERS), _outputs(30, _LAYERS), [("a", 0.7), ("b", 0.3)]),
                    callees=("gram_matrix", "compute_layer_style_cost"),
                ),
                Call(
                    "compute_style_cost",
                    (_outputs(40, _LAYERS), _outputs(50, _LAYERS), [("a", 0.2), ("b", 1.5)]),
                    callees=("gram_matrix", "compute_layer_style_cost"),
                ),
                Call("_cost_gradient", ("style", 72), callees=("gram_matrix", "compute_layer_style_cost")),
            ],
        ),
        Check(
            "test_total_cost",
            [
                Call("total_cost", (2.5, 0.75)),
                Call("total_cost", (0.3, 1.2), {"alpha": 3, "beta": 7}),
                Call("total_cost", (1.0, 2.0), {"alpha": 0.5, "beta": 0.0}),
            ],
        ),
        Check(
            "test_train_step",
            [
                Call("_one_training_step", (60, 6, 0.02), callees=_GRADED),
                Call("_one_training_step", (61, 8, 0.05), callees=_GRADED),
            ],
            atol=1e-4,
        ),
    ]
