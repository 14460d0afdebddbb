"""Trusted checks of W2A2: the augmenter's layers and behaviour on other pictures, owl_model on a
stand-in base (with known weights on both sides) for other picture sizes, fine_tune on other layers
and learning rates.  Random outputs come back as arrays; what the visible tests conclude from them
(every flip is the picture or its mirror image, the rotations differ...) is decided here."""

from __future__ import annotations

import functools

import numpy as np

from .keras_models import PRELUDE as KERAS_PRELUDE
from .spec import Call, Check

PREAMBLE = 'IMG_SIZE = (96, 96)\nBASE_WEIGHTS = "course"\n'

PRELUDE = (
    KERAS_PRELUDE
    + '''

def _augmenter_outputs(picture, n):
    """data_augmenter's layers and settings, and its outputs (random ones included) on n copies of a picture."""
    augmenter, other = data_augmenter(), data_augmenter()
    kinds = tuple(type(layer).__name__ for layer in augmenter.layers)
    fresh = other is not augmenter and not any(a is b for a in other.layers for b in augmenter.layers)
    mode = augmenter.layers[0].get_config().get("mode")
    factor = augmenter.layers[1].get_config().get("factor")
    turn = tuple(float(f) for f in factor) if isinstance(factor, (list, tuple)) else (-float(factor), float(factor))
    batch = np.repeat(np.asarray(picture, dtype="float32")[None], n, axis=0)
    outputs = [augmenter(batch, training=False), augmenter(batch, training=True)]
    outputs += [augmenter.layers[0](batch, training=True), augmenter.layers[1](batch, training=True)]
    is_sequential = isinstance(augmenter, keras.Sequential)
    return (is_sequential, kinds, mode, turn, fresh, *[np.asarray(o, dtype="float64") for o in outputs])


class _TrustedStandInLoader:
    """A small base with MobileNetV2's 1280 output channels and known weights (the same on both sides)."""

    def __init__(self):
        self.calls, self.bases = [], []

    def __call__(self, input_shape=(96, 96, 3), include_top=False, weights="course"):
        self.calls.append((tuple(int(n) for n in input_shape), bool(include_top)))
        inputs = keras.Input(shape=tuple(input_shape))
        h = keras.layers.Conv2D(16, 3, strides=4, padding="same")(inputs)
        h = keras.layers.BatchNormalization()(h)
        h = keras.layers.ReLU(6.0)(h)
        h = keras.layers.Conv2D(1280, 1)(h)
        h = keras.layers.BatchNormalization()(h)
        base = keras.Model(inputs, keras.layers.ReLU(6.0)(h), name=f"mobilenetv2_trusted_{len(self.calls)}")
        _known_weights(base)
        self.bases.append(base)
        return base


def _owl_facts(image_shape, seed):
    """owl_model's layers, frozen weights and the graph's training argument, and what it computes."""
    augmentation = keras.Sequential([keras.layers.Identity()], name=f"trusted_augmentation_{seed}")
    loader, real = _TrustedStandInLoader(), pretrained.load_base
    pretrained.load_base = loader
    try:
        model = owl_model(image_shape, augmentation)
    finally:
        pretrained.load_base = real
    (base,) = [layer for layer in model.layers if any(layer is b for b in loader.bases)]
    names = {id(base): "base", id(augmentation): "augmentation"}
    ignored = ("InputLayer", "Rescaling", "Lambda", "Normalization")
    kept = [layer for layer in model.layers if type(layer).__name__ not in ignored]
    sequence = [names.get(id(layer), type(layer).__name__) for layer in kept]
    argument = None
    used = {id(t) for layer in model.layers for node in layer._inbound_nodes for t in node.input_tensors}
    for node in base._inbound_nodes:
        if any(id(t) in used for t in node.output_tensors):
            argument = str(node.arguments.kwargs.get("training", "missing"))
    last = model.layers[-1].get_config()
    facts = (
        tuple(int(n) for n in model.input_shape[1:]), tuple(loader.calls[0]), tuple(sequence),
        model.operations[1] is augmentation, last.get("units"), last.get("activation"),
        tuple(int(n) for n in model.output_shape[1:]),
        tuple(float(layer.rate) for layer in model.layers if isinstance(layer, keras.layers.Dropout)),
        bool(base.trainable), tuple(sorted(tuple(int(n) for n in w.shape) for w in model.trainable_weights)),
        len(model.non_trainable_weights) == len(base.weights), argument,
    )
    pooling = [layer for layer in model.layers if isinstance(layer, keras.layers.GlobalAveragePooling2D)]
    pooled = keras.Model(model.inputs, pooling[0].output)
    x = np.random.default_rng(seed).uniform(0.0, 255.0, size=(4, *image_shape, 3)).astype("float32")
    features = np.asarray(pooled(x), dtype="float64")
    base.trainable = True
    try:
        unfrozen = np.asarray(pooled(x), dtype="float64")
    finally:
        base.trainable = False
    kernel = np.random.default_rng(seed + 3).normal(0.0, 0.5, size=(1280, 1)).astype("float32")
    model.layers[-1].set_weights([kernel, np.array([-0.25], "float32")])
    return facts, features, unfrozen, np.asarray(model(x, training=False), dtype="float64")


def _fine_tune_facts(fine_tune_at, base_learning_rate, seed):
    """What fine_tune does to a small model: the flags, the optimizer, the loss, the frozen statistics."""
    base_inputs = keras.Input(shape=(8, 8, 3))
    h = base_inputs
    for filters in (4, 6, 8):
        h = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(h)
        h = keras.layers.BatchNormalization()(h)
        h = keras.layers.ReLU()(h)
    base = keras.Model(base_inputs, h, name=f"trusted_base_{seed}")
    base.trainable = False
    inputs = keras.Input(shape=(8, 8, 3))
    model = keras.Model(inputs, Dense(1)(GlobalAveragePooling2D()(base(inputs, training=False))))
    _known_weights(model)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="mse", metrics=["mae"])
    old_optimizer = model.optimizer
    returned = fine_tune(model, base, fine_tune_at, base_learning_rate)
    loss = keras.losses.get(model.loss) if isinstance(model.loss, str) else model.loss
    y = np.array([[1.0], [0.0], [1.0], [0.0]], "float32")
    z = np.array([[2.0], [-1.0], [-3.0], [0.5]], "float32")
    statistics = [keras.ops.convert_to_numpy(w) for w in base.layers[-2].non_trainable_weights]
    rng = np.random.default_rng(seed)
    model.train_on_batch(rng.normal(2.0, 3.0, (8, 8, 8, 3)).astype("float32"), rng.integers(0, 2, (8, 1)))
    after = [keras.ops.convert_to_numpy(w) for w in base.layers[-2].non_trainable_weights]
    return (
        returned is model, bool(base.trainable), tuple(bool(layer.trainable) for layer in base.layers),
        len(model.trainable_weights), model.optimizer is not old_optimizer, type(model.optimizer).__name__,
        float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)),
        float(keras.ops.convert_to_numpy(loss(y, z))), "acc" in str(model.get_compile_config().get("metrics")).lower(),
        all(np.array_equal(a, b) for a, b in zip(statistics, after)),
    )
'''
)


def _picture(height: int, width: int, seed: int) -> np.ndarray:
    """A picture with no symmetry, for the augmenter: a bright rectangle off-centre, above a green band."""
    rng = np.random.default_rng(seed)
    picture = np.zeros((height, width, 3), "float32")
    top, left = int(rng.integers(1, height // 4)), int(rng.integers(1, width // 4))
    picture[top : top + height // 4, left : left + width // 4] = 255.0
    picture[2 * height // 3 :, :, 1] = 120.0
    return picture


def _augmentation_verdicts(height: int, width: int, n: int, seed: int, answer: tuple) -> tuple:
    """The augmenter's settings and what the visible test concludes from its random outputs."""
    is_sequential, kinds, mode, turn, fresh, inference, trained, flipped, turned = answer
    picture = _picture(height, width, seed)
    batch = np.repeat(picture[None], n, axis=0)
    changed = np.abs(trained - batch).max(axis=(1, 2, 3)) > 1.0
    same = np.all(np.isclose(flipped, batch), axis=(1, 2, 3))
    mirrored = np.all(np.isclose(flipped, batch[:, :, ::-1]), axis=(1, 2, 3))
    angles = {round(float(np.abs(image - picture).sum())) for image in turned}
    return (
        bool(is_sequential),
        tuple(kinds),
        mode,
        np.round(np.asarray(turn, dtype=np.float64), 6),
        bool(fresh),
        bool(np.allclose(inference, batch, rtol=1e-5, atol=1e-3)),
        bool(changed.sum() >= 0.75 * n),
        bool(np.all(same | mirrored) and same.any() and mirrored.any()),
        len(angles) > n // 2,
    )


def _augmenter_call(height: int, width: int, n: int, seed: int) -> Call:
    pick = functools.partial(_augmentation_verdicts, height, width, n, seed)
    return Call("_augmenter_outputs", (_picture(height, width, seed), n), pick=pick)


def checks() -> list[Check]:
    return [
        Check("test_data_augmenter", [_augmenter_call(40, 56, 20, 11), _augmenter_call(28, 24, 16, 12)]),
        Check(
            "test_owl_model",
            [Call("_owl_facts", ((72, 88), 21)), Call("_owl_facts", ((104, 64), 22))],
            rtol=1e-3,
            atol=1e-3,
        ),
        Check(
            "test_fine_tune",
            [
                Call("_fine_tune_facts", (3, 0.004, 31)),
                Call("_fine_tune_facts", (8, 0.0007, 32)),
                Call("_fine_tune_facts", (1, 0.05, 33)),
            ],
        ),
    ]
