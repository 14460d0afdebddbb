"""Recipe: the course's ResNet50 (the notebook's own architecture) trained to count fingers.

The architecture comes from the solution cells of ``w2a1_residual_networks``, so the weights fit
the network the students build.  Besides the 1080 training pictures of ``signs`` the recipe draws
more hands with the signs generator (other seeds than the test set's), and augments every batch:
ResNet50 has 23.6 million parameters and learns 1080 pictures by heart long before it learns to
count.  The 120 test pictures are never used for training or for choosing anything.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import h5py
import numpy as np

from shared_utils.datasets import load_signs
from shared_utils.pretrained import resnet50_signs as loader

from ..data import signs as signs_generator
from .base import Recipe, Trained, train_with_progress

EXTRA_SEED = 2101  # the extra training hands; the shipped splits use 2001 (train) and 2002 (test)


def write_quantized(path: Path, model) -> None:
    """Kernels as int8 with one float32 scale per output channel; other arrays as float32."""
    with h5py.File(path, "w", libver="earliest") as handle:
        handle.attrs["config"] = model.to_json()
        group = handle.create_group("weights", track_order=True)
        for index, array in enumerate(model.get_weights()):
            array = np.asarray(array, dtype=np.float32)
            name = f"{index:04d}"
            if array.ndim >= 2:
                peak = np.abs(array).reshape(-1, array.shape[-1]).max(axis=0)
                scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
                q = np.clip(np.round(array / scale), -127, 127).astype(np.int8)
                item = group.create_dataset(name, data=q, compression="gzip", compression_opts=6, track_times=False)
                item.attrs["scale"] = scale
            else:
                group.create_dataset(name, data=array, track_times=False)


class ResNet50Signs(Recipe):
    """Train the course's ResNet50 on the signs dataset and store it in 8 bits."""

    name = loader.NAME
    title = "Course ResNet50 trained on the signs dataset (64 x 64, 6 classes)"
    options = {
        "epochs": 12,
        "extra": 1620,  # extra generated training hands
        "batch_size": 32,
        "learning_rate": 1e-3,
        "bn_momentum": 0.9,
    }

    def train(self, args: argparse.Namespace) -> Trained:
        import keras
        import tensorflow as tf

        from ...notebook_code import solution_namespace
        from ...registry import assignments

        resnet50 = solution_namespace(assignments(["w2a1_residual_networks"])[0])["ResNet50"]
        signs = load_signs()
        x_extra, y_extra = signs_generator.generate(args.extra, EXTRA_SEED) if args.extra else (None, None)
        x_val, y_val = signs_generator.generate(240, EXTRA_SEED + 1)
        x_train = np.concatenate([signs.x_train] + ([x_extra] if args.extra else []))
        y_train = np.concatenate([signs.y_train] + ([y_extra] if args.extra else []))

        augment = keras.Sequential(
            [
                keras.layers.RandomTranslation(0.08, 0.08, fill_mode="reflect", seed=args.seed),
                keras.layers.RandomRotation(0.03, fill_mode="reflect", seed=args.seed + 1),
                keras.layers.RandomZoom((-0.1, 0.1), fill_mode="reflect", seed=args.seed + 2),
                keras.layers.RandomContrast(0.2, value_range=(0, 1), seed=args.seed + 3),
            ]
        )

        def prepare(images, labels, training):
            images = tf.cast(images, "float32") / 255.0
            if training:
                images = tf.clip_by_value(augment(images, training=True), 0.0, 1.0)
            return images, tf.one_hot(labels, loader.CLASSES)

        train = (
            tf.data.Dataset.from_tensor_slices((x_train, y_train))
            .shuffle(len(x_train), seed=args.seed, reshuffle_each_iteration=True)
            .batch(args.batch_size, drop_remainder=True)
            .map(lambda x, y: prepare(x, y, True))
            .prefetch(2)
        )
        val = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(120).map(lambda x, y: prepare(x, y, False))
        steps = len(x_train) // args.batch_size
        schedule = keras.optimizers.schedules.CosineDecay(
            args.learning_rate / 10,
            decay_steps=max(1, (args.epochs - 1) * steps),
            alpha=0.01,
            warmup_target=args.learning_rate,
            warmup_steps=steps,
        )
        model = resnet50(input_shape=loader.INPUT_SHAPE, classes=loader.CLASSES)
        model.compile(optimizer=keras.optimizers.Adam(schedule), loss="categorical_crossentropy", metrics=["accuracy"])
        print(
            f"Training ResNet50 ({model.count_params():,} parameters) on {len(x_train)} hands "
            f"({len(signs.x_train)} of signs + {args.extra} more) for {args.epochs} epochs.",
            flush=True,
        )
        train_with_progress(model, train, val, args.epochs, steps, bn_momentum=args.bn_momentum)

        x_test = signs.x_test.astype("float32") / 255.0
        float_predictions = np.argmax(model.predict(x_test, verbose=0), axis=1)
        with tempfile.TemporaryDirectory() as tmp:
            stored = Path(tmp) / "check.weights.h5"
            write_quantized(stored, model)
            arrays, _ = loader.read_quantized(stored)
            size = stored.stat().st_size
        quantized = keras.models.clone_model(model)
        quantized.set_weights(arrays)
        predictions = np.argmax(quantized.predict(x_test, verbose=0), axis=1)
        accuracy = float(np.mean(predictions == signs.y_test))
        float_accuracy = float(np.mean(float_predictions == signs.y_test))
        changed = int(np.sum(predictions != float_predictions))
        val_accuracy = float(
            np.mean(np.argmax(quantized.predict(x_val.astype("float32") / 255.0, verbose=0), 1) == y_val)
        )
        per_class = [float(np.mean(predictions[signs.y_test == k] == k)) for k in range(loader.CLASSES)]
        rows = "\n".join(f"| {k} | {value:.3f} |" for k, value in enumerate(per_class))
        card = f"""
Weights: `{loader.WEIGHTS.split("/")[-1]}` ({size / 1e6:.1f} MB), read by
`shared_utils.pretrained.resnet50_signs.load_model()`; kernels in 8 bits (one scale per output
channel), the rest in float32; the file holds the Keras configuration too.

## Data and training

- Architecture: `ResNet50(input_shape=(64, 64, 3), classes=6)` from the solution of
  `w2a1_residual_networks`, {model.count_params():,} parameters.
- Data: the {len(signs.x_train)} training pictures of `signs` plus {args.extra} more hands drawn by the
  same generator with seed {EXTRA_SEED}; 240 further hands (seed {EXTRA_SEED + 1}) for validation.
  Every batch randomly shifted (8 %), turned (up to 11 degrees), zoomed (10 %) and changed in contrast.
- Adam, learning rate warmed up over one epoch to {args.learning_rate}, then cosine-decayed;
  batches of {args.batch_size}; {args.epochs} epochs; batch normalization momentum {args.bn_momentum}.

## Quality, on the 120 test pictures of `signs` (never used in training)

Test accuracy: **{accuracy:.3f}** (float32 weights before storing: {float_accuracy:.3f};
{changed} test predictions changed by the 8-bit storage). Validation accuracy: {val_accuracy:.3f}.

| fingers | accuracy |
|---|---|
{rows}

## Intended use

The closing section of `w2a1_residual_networks`: what the network the students built does after
a long training. It knows only the course's drawn hands.
"""
        return Trained(
            files={loader.WEIGHTS.split("/")[-1]: lambda path: write_quantized(path, model)},
            card=card,
            summary=f"Test accuracy {accuracy:.3f}.",
            metrics={"test_accuracy": accuracy},
        )


RECIPE = ResNet50Signs()
