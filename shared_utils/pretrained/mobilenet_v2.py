"""MobileNetV2 (width 0.35, 96×96 inputs) pretrained by the course on its source dataset.

The network is ``keras.applications.MobileNetV2`` itself, with its usual layer names, trained from
scratch by :func:`pretrain` on the twelve classes of ``shared_utils.datasets.transfer`` (birds,
butterflies, cats, ...).  The weights file holds the whole model, classifier included.

* :func:`load_base` gives the convolutional base without its classifier, ready for transfer
  learning, with these weights — or with Keras' real ImageNet weights when they are already in
  Keras' local cache (nothing is ever downloaded);
* :func:`load_source_model` gives the whole network with its twelve-class classifier.

Images go in as for every MobileNetV2: RGB scaled from [0, 255] to [-1, 1]
(``keras.applications.mobilenet_v2.preprocess_input``).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .. import paths, runtime
from ..datasets import transfer
from ..datasets.build import update_manifest

NAME = "mobilenet_v2"
ALPHA = 0.35
SIZE = 96
INPUT_SHAPE = (SIZE, SIZE, 3)
SOURCE_CLASSES = list(transfer.SOURCE_CLASSES)
FOLDER = f"pretrained/{NAME}"
WEIGHTS = f"{FOLDER}/{NAME}_source.weights.h5"
MODEL_CARD = f"{FOLDER}/MODEL_CARD.md"
RECIPE_COMMAND = f"python -m shared_utils.course pretrain {NAME}"
LICENCE = "CC0-1.0"
IMAGENET_SIZES = (96, 128, 160, 192, 224)  # the input sizes Keras publishes ImageNet weights for

# The recipe's settings (``pretrain --help`` can change them for an experiment).
EPOCHS = 30
BATCH_SIZE = 32
LEARNING_RATE = 3e-3
SEED = 0
# keras.applications gives batch normalization a momentum of 0.999, made for ImageNet's million
# images; on 3000 images its running averages would lag far behind the weights.  The recipe uses
# 0.99 while it trains (the momentum is a setting of training, not part of the weights).
BN_MOMENTUM = 0.99


def _keras():
    runtime.load_tensorflow()
    import keras

    return keras


def build(input_shape: Sequence[int] = INPUT_SHAPE, include_top: bool = True, weights: Any = None):
    """``keras.applications.MobileNetV2`` with the course's width, randomly initialised by default."""
    keras = _keras()
    return keras.applications.MobileNetV2(
        input_shape=tuple(input_shape),
        alpha=ALPHA,
        include_top=include_top,
        weights=weights,
        classes=len(SOURCE_CLASSES) if include_top and weights in (None, "course") else 1000,
    )


def _weights_problem(path: Path, problem: str) -> paths.AssetError:
    return paths.AssetError(
        f"{problem}: {path}\nRetrain the course's MobileNetV2 from the repository root with:  {RECIPE_COMMAND}"
    )


def weights_file() -> Path:
    """The course weights' path, checked against data/MANIFEST.json.

    Raises:
        AssetError: the file is missing or does not match the manifest; the message names the file
            and the command that retrains it.
    """
    path = paths.data_dir() / WEIGHTS
    if not path.is_file():
        raise _weights_problem(path, "Missing weights file")
    try:
        return paths.asset(WEIGHTS)
    except paths.AssetError:
        raise _weights_problem(path, "Weights file does not match data/MANIFEST.json (corrupt or edited)") from None


def load_source_model():
    """The whole course MobileNetV2 with its classifier over ``SOURCE_CLASSES`` (softmax outputs)."""
    model = build(INPUT_SHAPE, include_top=True)
    path = weights_file()
    try:
        model.load_weights(path)
    except Exception as error:  # h5py/Keras raise many kinds of errors for a damaged file
        raise _weights_problem(path, f"Weights file cannot be read ({type(error).__name__})") from error
    return model


def imagenet_file_name(input_shape: Sequence[int] = INPUT_SHAPE, include_top: bool = False) -> str:
    """The name Keras gives its cached ImageNet weights for this width and input shape."""
    rows, cols = int(input_shape[0]), int(input_shape[1])
    if rows != cols or rows not in IMAGENET_SIZES:
        rows = 224  # what keras.applications falls back to
    suffix = "" if include_top else "_no_top"
    return f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(ALPHA)}_{rows}{suffix}.h5"


def keras_cache_dir() -> Path:
    """Keras' cache folder: ``$KERAS_HOME``, else ``~/.keras`` (read when called, not at import)."""
    home = os.environ.get("KERAS_HOME")
    return Path(home).expanduser() if home else Path("~/.keras").expanduser()


def imagenet_weights_file(input_shape: Sequence[int] = INPUT_SHAPE, include_top: bool = False) -> Path | None:
    """The path of Keras' cached ImageNet weights for this network, or None when absent."""
    candidate = keras_cache_dir() / "models" / imagenet_file_name(input_shape, include_top)
    return candidate if candidate.is_file() else None


def load_base(input_shape: Sequence[int] = INPUT_SHAPE, include_top: bool = False, weights: str | None = "course"):
    """MobileNetV2 for transfer learning, with the layer names of ``keras.applications``.

    Arguments:
    input_shape -- (height, width, 3); the weights fit any size, 96 x 96 is the one they were trained at
    include_top -- False (the default): the convolutional base, ending with the layer "out_relu";
                   True: the whole network with its classifier
    weights -- "course": the course's weights (trained on the source dataset);
               "imagenet": Keras' ImageNet weights, only if they already are in Keras' cache;
               "auto": ImageNet weights if cached, else the course's; None: random initialisation

    Returns:
    model -- a keras.Model
    """
    keras = _keras()
    input_shape = tuple(int(n) for n in input_shape)
    if weights == "auto":
        weights = "imagenet" if imagenet_weights_file(input_shape, include_top) else "course"
    if weights == "imagenet":
        path = imagenet_weights_file(input_shape, include_top)
        if path is None:
            expected = keras_cache_dir() / "models" / imagenet_file_name(input_shape, include_top)
            raise paths.AssetError(
                f"ImageNet weights for MobileNetV2 (alpha={ALPHA}) are not in Keras' cache: {expected}\n"
                "The course never downloads them. Use weights='course' (the course's own pretrained weights), "
                "or weights='auto' to use ImageNet weights only when they are there."
            )
        try:
            return keras.applications.MobileNetV2(
                input_shape=input_shape, alpha=ALPHA, include_top=include_top, weights=str(path)
            )
        except Exception as error:
            raise paths.AssetError(
                f"Cached ImageNet weights cannot be loaded ({type(error).__name__}: {error}): {path}"
            ) from error
    if weights is None:
        return build(input_shape, include_top)
    if weights != "course":
        raise ValueError(f"weights must be 'course', 'imagenet', 'auto' or None, not {weights!r}")
    source = load_source_model()
    if include_top and input_shape == INPUT_SHAPE:
        return source
    model = build(input_shape, include_top)
    for layer in model.layers:
        if layer.weights:
            layer.set_weights(source.get_layer(layer.name).get_weights())
    return model


# --- the recipe ---------------------------------------------------------------------------------


def _augmenter(keras, seed: int):
    """Random changes of pose, framing, colour and noise applied to every training batch."""
    return keras.Sequential(
        [
            keras.layers.RandomFlip("horizontal", seed=seed),
            keras.layers.RandomRotation(0.06, fill_mode="reflect", seed=seed + 1),
            keras.layers.RandomZoom((-0.2, 0.15), fill_mode="reflect", seed=seed + 2),
            keras.layers.RandomTranslation(0.1, 0.1, fill_mode="reflect", seed=seed + 3),
            keras.layers.RandomContrast(0.25, value_range=(0, 255), seed=seed + 4),
            keras.layers.RandomBrightness(0.2, value_range=(0, 255), seed=seed + 5),
        ],
        name="source_augmentation",
    )


def _datasets(keras, x_train, y_train, x_val, y_val, batch_size: int, seed: int):
    import tensorflow as tf

    augment = _augmenter(keras, seed)
    classes = len(SOURCE_CLASSES)

    def prepare(images, labels, training: bool):
        images = tf.cast(images, "float32")
        if training:
            images = augment(images, training=True)
            sigma = tf.random.uniform([tf.shape(images)[0], 1, 1, 1], 0.0, 4.0, seed=seed + 6)
            images = images + sigma * tf.random.normal(tf.shape(images), seed=seed + 7)  # pixel noise
            images = tf.clip_by_value(images, 0.0, 255.0)
        return images / 127.5 - 1.0, tf.one_hot(labels, classes)

    train = (
        tf.data.Dataset.from_tensor_slices((x_train, y_train))
        .shuffle(len(x_train), seed=seed, reshuffle_each_iteration=True)
        .batch(batch_size, drop_remainder=True)
        .map(lambda x, y: prepare(x, y, True), num_parallel_calls=1)
        .prefetch(2)
    )
    val = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(200).map(lambda x, y: prepare(x, y, False))
    return train, val


def pretrain(argv: Sequence[str] | None = None) -> int:
    """Train the course MobileNetV2 on the source dataset; write its weights, model card and manifest."""
    parser = argparse.ArgumentParser(prog=RECIPE_COMMAND, description=pretrain.__doc__)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--learning-rate", type=float, default=LEARNING_RATE)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--limit", type=int, help="train on the first N source images only (quick trials)")
    args = parser.parse_args(list(argv or []))

    keras = _keras()
    from .. import plotting

    runtime.seed_everything(args.seed)
    x_train, y_train, x_val, y_val, classes = transfer.load_source()
    if args.limit:
        x_train, y_train = x_train[: args.limit], y_train[: args.limit]
    train, val = _datasets(keras, x_train, y_train, x_val, y_val, args.batch_size, args.seed)
    steps = len(x_train) // args.batch_size
    warmup = min(steps, args.epochs * steps // 10)  # one epoch
    schedule = keras.optimizers.schedules.CosineDecay(
        args.learning_rate / 10,
        decay_steps=args.epochs * steps - warmup,
        alpha=0.01,
        warmup_target=args.learning_rate,
        warmup_steps=warmup,
    )
    model = build(INPUT_SHAPE, include_top=True)
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = BN_MOMENTUM
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss=keras.losses.CategoricalCrossentropy(),
        metrics=["accuracy"],
    )
    print(
        f"Pretraining MobileNetV2 (alpha={ALPHA}, {SIZE}x{SIZE}, {model.count_params():,} parameters) on "
        f"{len(x_train)} source images of {len(classes)} classes for {args.epochs} epochs.",
        flush=True,
    )
    start = time.perf_counter()
    model.fit(train, epochs=args.epochs, validation_data=val, verbose=0, callbacks=[plotting.EpochLogger()])
    seconds = time.perf_counter() - start
    predicted = np.argmax(model.predict(val, verbose=0), axis=1)
    accuracy = float(np.mean(predicted == y_val))
    per_class = {name: float(np.mean(predicted[y_val == k] == k)) for k, name in enumerate(classes)}
    print(f"held-out source accuracy {accuracy:.4f} after {seconds / 60:.1f} min", flush=True)

    root = paths.data_dir()
    folder = root / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    weights_path = root / WEIGHTS
    partial = weights_path.with_name("partial_" + weights_path.name)
    clean = build(INPUT_SHAPE, include_top=True)  # uncompiled: the file gets no optimizer state
    clean.set_weights(model.get_weights())
    clean.save_weights(partial)
    os.replace(partial, weights_path)
    card = root / MODEL_CARD
    card.write_text(
        _model_card(args, len(x_train), len(x_val), model.count_params(), seconds, accuracy, per_class),
        encoding="utf-8",
    )
    update_manifest([weights_path, card], RECIPE_COMMAND, prune=f"{FOLDER}/")
    print(f"Wrote {weights_path} ({weights_path.stat().st_size / 1e6:.2f} MB) and {card}")
    return 0


def _model_card(args, n_train, n_val, n_params, seconds, accuracy, per_class) -> str:
    import tensorflow as tf

    keras = _keras()
    rows = "\n".join(f"| {name} | {value:.3f} |" for name, value in per_class.items())
    cpu = f"{platform.machine()}, {os.cpu_count()} logical CPU cores"
    return f"""# Course MobileNetV2 (alpha {ALPHA}, {SIZE} x {SIZE}) pretrained on the source creatures

Weights: `{WEIGHTS.split("/")[-1]}` (Keras 3 `.weights.h5`) for
`keras.applications.MobileNetV2(weights=None, alpha={ALPHA}, input_shape={INPUT_SHAPE}, classes={len(per_class)},
include_top=True)`: the whole network, with its classifier over the source classes.
Load it with `shared_utils.pretrained.mobilenet_v2.load_base()` (the base without the classifier) or
`load_source_model()` (the whole network).

## How it was made

- Recipe: `{RECIPE_COMMAND}` (options: `--epochs {args.epochs} --batch-size {args.batch_size}
  --learning-rate {args.learning_rate} --seed {args.seed}`{f" --limit {args.limit}" if args.limit else ""}).
- Data: the source dataset of `shared_utils.datasets.transfer`, generated by the course (no downloaded
  data): {n_train} training and {n_val} held-out 96 x 96 pictures of {len(per_class)} kinds of creatures and
  plants ({", ".join(per_class)}).
- Training from random initialisation: Adam, learning rate warmed up to {args.learning_rate} then
  cosine-decayed, batches of {args.batch_size}, categorical cross-entropy,
  batch normalization momentum {BN_MOMENTUM} while training; every batch randomly flipped, rotated (up to
  22 degrees), zoomed, shifted, changed in contrast and brightness and noised. Inputs scaled to [-1, 1]
  as `keras.applications.mobilenet_v2.preprocess_input` does.
- Architecture: MobileNetV2, width multiplier alpha = {ALPHA}, {n_params:,} parameters
  (the base without the classifier: {n_params - (1280 + 1) * len(per_class):,}).
- Training time: {seconds / 60:.1f} minutes for {args.epochs} epochs on the CPU ({cpu}),
  TensorFlow {tf.__version__}, Keras {keras.__version__}.

## Quality (measured on the {n_val} held-out source images)

Accuracy: **{accuracy:.3f}**

| class | accuracy |
|---|---|
{rows}

## Intended use

A small, offline stand-in for ImageNet weights in the course's transfer-learning assignment
(`w2a2_transfer_learning`): its base is frozen and given a new classifier for the owl / not-owl
pictures, which are not among its classes. It knows only cartoon drawings of {len(per_class)} kinds of things;
it is not meant for photographs or for any use outside the course.

## Licence

The weights are released under {LICENCE} (public domain dedication), like the data they were trained on.
Training is seeded, but multi-threaded CPU arithmetic is not bit-for-bit reproducible: a rerun gives
weights of the same quality, not the same bytes.
"""
