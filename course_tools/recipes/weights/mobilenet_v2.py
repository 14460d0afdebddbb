"""Recipe: MobileNetV2 (width 0.35, 96 x 96) pretrained from scratch on the course's source creatures.

keras.applications gives batch normalization a momentum of 0.999, made for ImageNet's million
images; on 3000 images its running averages would lag far behind the weights, so the recipe uses
0.99 while it trains (the momentum is a setting of training, not part of the weights).
"""

from __future__ import annotations

import argparse

import numpy as np

from shared_utils.datasets import transfer
from shared_utils.pretrained import mobilenet_v2 as loader

from .base import Recipe, Trained, train_with_progress

BN_MOMENTUM = 0.99


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
    classes = len(loader.SOURCE_CLASSES)

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


class MobileNetV2Source(Recipe):
    """Train the course MobileNetV2 on the source dataset."""

    name = loader.NAME
    title = (
        f"Course MobileNetV2 (alpha {loader.ALPHA}, {loader.SIZE} x {loader.SIZE}) pretrained on the source creatures"
    )
    options = {"epochs": 30, "batch_size": 32, "learning_rate": 3e-3, "limit": 0}

    def train(self, args: argparse.Namespace) -> Trained:
        import keras

        x_train, y_train, x_val, y_val, classes = transfer.load_source()
        if args.limit:
            x_train, y_train = x_train[: args.limit], y_train[: args.limit]
        train, val = _datasets(keras, x_train, y_train, x_val, y_val, args.batch_size, args.seed)
        steps = len(x_train) // args.batch_size
        warmup = min(steps, args.epochs * steps // 10)  # one epoch
        schedule = keras.optimizers.schedules.CosineDecay(
            args.learning_rate / 10,
            decay_steps=max(1, args.epochs * steps - warmup),
            alpha=0.01,
            warmup_target=args.learning_rate,
            warmup_steps=warmup,
        )
        model = loader.build(loader.INPUT_SHAPE, include_top=True)
        model.compile(
            optimizer=keras.optimizers.Adam(schedule),
            loss=keras.losses.CategoricalCrossentropy(),
            metrics=["accuracy"],
        )
        print(
            f"Pretraining MobileNetV2 (alpha={loader.ALPHA}, {model.count_params():,} parameters) on "
            f"{len(x_train)} source images of {len(classes)} classes for {args.epochs} epochs.",
            flush=True,
        )
        train_with_progress(model, train, val, args.epochs, steps, bn_momentum=BN_MOMENTUM)
        predicted = np.argmax(model.predict(val, verbose=0), axis=1)
        accuracy = float(np.mean(predicted == y_val))
        per_class = {name: float(np.mean(predicted[y_val == k] == k)) for k, name in enumerate(classes)}
        clean = loader.build(loader.INPUT_SHAPE, include_top=True)  # uncompiled: no optimizer state in the file
        clean.set_weights(model.get_weights())
        n_params = model.count_params()
        rows = "\n".join(f"| {name} | {value:.3f} |" for name, value in per_class.items())
        card = f"""
Weights: `{loader.WEIGHTS.split("/")[-1]}` (Keras 3 `.weights.h5`) for
`keras.applications.MobileNetV2(weights=None, alpha={loader.ALPHA}, input_shape={loader.INPUT_SHAPE},
classes={len(classes)}, include_top=True)`: the whole network, with its classifier over the source classes.
Load it with `shared_utils.pretrained.mobilenet_v2.load_base()` (the base without the classifier) or
`load_source_model()` (the whole network).

## Data and training

- Data: the source dataset (`shared_utils.datasets.transfer`): {len(x_train)} training and {len(x_val)}
  held-out 96 x 96 pictures of {len(classes)} kinds of creatures and plants ({", ".join(classes)}).
- Adam, learning rate warmed up to {args.learning_rate} then cosine-decayed, batches of {args.batch_size},
  {args.epochs} epochs, categorical cross-entropy, batch normalization momentum {BN_MOMENTUM} while
  training; every batch randomly flipped, rotated (up to 22 degrees), zoomed, shifted, changed in
  contrast and brightness and noised. Inputs scaled to [-1, 1] as
  `keras.applications.mobilenet_v2.preprocess_input` does.
- Architecture: MobileNetV2, width multiplier alpha = {loader.ALPHA}, {n_params:,} parameters
  (the base without the classifier: {n_params - (1280 + 1) * len(classes):,}).
- Multi-threaded CPU arithmetic is not bit-for-bit reproducible: a rerun gives weights of the same
  quality, not the same bytes.

## Quality (measured on the {len(x_val)} held-out source images)

Accuracy: **{accuracy:.3f}**

| class | accuracy |
|---|---|
{rows}

## Intended use

A small, offline stand-in for ImageNet weights in the course's transfer-learning assignment
(`w2a2_transfer_learning`): its base is frozen and given a new classifier for the owl / not-owl
pictures, which are not among its classes. It knows only cartoon drawings of {len(classes)} kinds of things;
it is not meant for photographs or for any use outside the course.
"""
        return Trained(
            files={loader.WEIGHTS.split("/")[-1]: clean.save_weights},
            card=card,
            summary=f"Held-out source accuracy {accuracy:.3f}.",
            metrics={"accuracy": accuracy},
        )


RECIPE = MobileNetV2Source()
