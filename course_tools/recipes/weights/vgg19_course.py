"""Recipe: a quarter-width VGG19 trained on the course's pictures, for neural style transfer.

Style transfer needs a network whose layers respond to edges, colours, strokes and textures at
several scales. Random weights do not: their deep layers respond to almost nothing, and their
style costs vanish. Here the network learns to tell apart the kinds of pictures the course draws
(twelve kinds of creatures and plants, six hand signs, smiling and neutral faces, street scenes)
from random 64 x 64 crops, flipped but with their colours left alone, so that colour stays part
of what the features describe. It starts from a data-driven initialisation (each layer rescaled to
unit-RMS activations) so that sixteen plain convolutions train without batch normalization, and
after training each layer is rescaled the same way on the style-transfer pictures: every layer's
activations then have a comparable scale, so equal style-layer weights (0.2 each) make sense, and
the style layers' scale (``--style-rms``) is set so that the notebook's alpha and beta balance the
style cost against the content cost.
The model card reports what style transfer with the result achieves.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from PIL import Image

from shared_utils import style_metrics
from shared_utils.datasets import load_happy, load_signs, segmentation, style_images, transfer
from shared_utils.pretrained import vgg19_course as loader

from .base import Recipe, Trained, format_logs, progress_bar

STORED = 64  # every training picture is kept at STORED x STORED; crops of CROP x CROP are cut from it
CROP = 48
NST = {  # the style-transfer notebook's settings, used to measure the features
    "size": 160,
    "steps": 300,
    "learning_rate": 0.02,
    "alpha": 10.0,
    "beta": 40.0,
    "style_layers": [(f"block{b}_conv1", 0.2) for b in range(1, 6)],
    "content_layer": "block5_conv4",
}
PAIRS = (("grace_hopper", "swirls"), ("harbour", "strokes"))  # the pairs measured for the model card


def _resize(images: np.ndarray, size: int = STORED) -> np.ndarray:
    return np.stack([np.asarray(Image.fromarray(x).resize((size, size), Image.Resampling.BILINEAR)) for x in images])


def _street_pictures(limit: int | None = None) -> np.ndarray:
    """The segmentation scenes (128 x 96), their centre squares shrunk to STORED x STORED."""
    image_paths, _ = segmentation.image_and_mask_paths("train")
    out = []
    for path in image_paths[:limit]:
        with Image.open(path) as image:
            image = image.convert("RGB")
            w, h = image.size
            left = (w - h) // 2
            out.append(
                np.asarray(image.crop((left, 0, left + h, h)).resize((STORED, STORED), Image.Resampling.BILINEAR))
            )
    return np.stack(out)


def course_pictures() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Training and held-out pictures (uint8, STORED x STORED) with labels over all the kinds."""
    x_tr, y_tr, x_va, y_va, source_classes = transfer.load_source()
    signs, happy = load_signs(), load_happy()
    classes = list(source_classes)
    xs_train, ys_train, xs_val, ys_val = [_resize(x_tr)], [y_tr], [_resize(x_va)], [y_va]
    for data, prefix in ((signs, "sign"), (happy, "face")):
        offset = len(classes)
        classes += [f"{prefix} {name}" for name in data.classes]
        xs_train.append(_resize(data.x_train))
        ys_train.append(data.y_train + offset)
        xs_val.append(_resize(data.x_test))
        ys_val.append(data.y_test + offset)
    streets = _street_pictures()
    classes.append("street")
    xs_train.append(streets[:900])
    ys_train.append(np.full(900, len(classes) - 1))
    xs_val.append(streets[900:])
    ys_val.append(np.full(len(streets) - 900, len(classes) - 1))
    return (
        np.concatenate(xs_train),
        np.concatenate(ys_train).astype(np.int64),
        np.concatenate(xs_val),
        np.concatenate(ys_val).astype(np.int64),
        classes,
    )


def style_transfer(model, content: np.ndarray, style: np.ndarray, settings: dict = NST, seed: int = 0) -> dict:
    """Repaint ``content`` in the style of ``style`` with ``model``'s features, as the notebook does.

    Returns the result, the seconds per step, and the numbers the model card reports.
    """
    import tensorflow as tf

    names = [name for name, _ in settings["style_layers"]] + [settings["content_layer"]]
    weights = [w for _, w in settings["style_layers"]]
    extract = tf.keras.Model(model.input, [model.get_layer(name).output for name in names])

    def gram(a):
        a = tf.reshape(a, [-1, a.shape[-1]])
        return tf.matmul(a, a, transpose_a=True)

    def style_cost(outputs, targets):
        total = 0.0
        for w, a, g in zip(weights, outputs[:-1], targets):
            _, h, wd, c = a.shape
            total += w * tf.reduce_sum((g - gram(a)) ** 2) / (4.0 * c**2 * (h * wd) ** 2)
        return total

    def content_cost(a_c, a_g):
        _, h, wd, c = a_g.shape
        return tf.reduce_sum((a_c - a_g) ** 2) / (4.0 * h * wd * c)

    targets = [gram(a) for a in extract(style)[:-1]]
    content_outputs = extract(content)
    a_c = content_outputs[-1]
    style_of_content = float(style_cost(content_outputs, targets))
    rng = np.random.default_rng(seed)
    start = np.clip(content + rng.uniform(-0.25, 0.25, content.shape), 0.0, 1.0).astype(np.float32)
    generated = tf.Variable(start)
    optimizer = tf.keras.optimizers.Adam(settings["learning_rate"])

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            outputs = extract(generated)
            j_style = style_cost(outputs, targets)
            cost = settings["alpha"] * content_cost(a_c, outputs[-1]) + settings["beta"] * j_style
        optimizer.apply_gradients([(tape.gradient(cost, generated), generated)])
        generated.assign(tf.clip_by_value(generated, 0.0, 1.0))
        return j_style

    step()
    began = time.perf_counter()
    for _ in range(settings["steps"] - 1):
        j_style = step()
    seconds = (time.perf_counter() - began) / max(1, settings["steps"] - 1)
    result = generated.numpy()
    return {
        "result": result,
        "step_seconds": seconds,
        "ssim_blurred": style_metrics.ssim(
            style_metrics.gaussian_blur(result, 2), style_metrics.gaussian_blur(content, 2)
        ),
        "palette_result_style": style_metrics.histogram_intersection(result, style),
        "palette_content_style": style_metrics.histogram_intersection(content, style),
        "style_cost_reduction": style_of_content / max(float(j_style), 1e-30),
    }


def measure(model_for_shape, settings: dict = NST) -> dict[str, dict]:
    """Style transfer of the PAIRS of pictures, with ``model_for_shape(input_shape)``."""
    size = (settings["size"], settings["size"])
    model = model_for_shape((*size, 3))
    results = {}
    for content_name, style_name in PAIRS:
        content = style_images.load_image(style_images.content_path(content_name), size)
        style = style_images.load_image(style_images.style_path(style_name), size)
        results[f"{content_name} / {style_name}"] = style_transfer(model, content, style, settings)
    return results


def _table(rows: dict[str, dict[str, dict]]) -> str:
    lines = [
        "| extractor | content / style | SSIM of blurred result and content | palette overlap result-style "
        "(content-style) | style cost reduced | seconds per step |",
        "|---|---|---|---|---|---|",
    ]
    for extractor, results in rows.items():
        for pair, r in results.items():
            lines.append(
                f"| {extractor} | {pair} | {r['ssim_blurred']:.3f} | {r['palette_result_style']:.3f} "
                f"({r['palette_content_style']:.3f}) | {r['style_cost_reduction']:.0f}x | {r['step_seconds']:.3f} |"
            )
    return "\n".join(lines)


class VGG19Course(Recipe):
    """Train the course's quarter-width VGG19 on the course's pictures, then rescale its layers."""

    name = loader.NAME
    title = "Course VGG19 (quarter width) for neural style transfer"
    options = {
        "epochs": 8,
        "batch_size": 64,
        "learning_rate": 1e-3,
        "max_minutes": 24.0,
        "style_rms": loader.STYLE_LAYER_RMS,  # the style layers' activation RMS after training
        "measure": True,
    }

    def train(self, args: argparse.Namespace) -> Trained:
        import keras
        import tensorflow as tf

        x_train, y_train, x_val, y_val, classes = course_pictures()
        n_classes = len(classes)
        base = loader.build((CROP, CROP, 3), loader.COURSE_WIDTHS, seed=args.seed)
        base.get_layer("preprocess").trainable = False
        rng = np.random.default_rng(args.seed)
        sample = x_train[rng.choice(len(x_train), 256, replace=False), :CROP, :CROP].astype(np.float32) / 255.0
        loader.lsuv_rescale(base, sample)  # data-driven initialisation: every layer starts at unit RMS
        features = keras.layers.GlobalAveragePooling2D(name="pretext_pool")(base.output)
        outputs = keras.layers.Dense(
            n_classes, activation="softmax", kernel_initializer="zeros", name="pretext_classes"
        )(features)
        model = keras.Model(base.input, outputs)

        def augment(image, label):
            image = tf.image.random_crop(image, (CROP, CROP, 3), seed=args.seed)
            image = tf.image.random_flip_left_right(image, seed=args.seed + 1)
            return tf.cast(image, tf.float32) / 255.0, label

        def centre(image, label):
            offset = (STORED - CROP) // 2
            return tf.cast(image[offset : offset + CROP, offset : offset + CROP], tf.float32) / 255.0, label

        train = (
            tf.data.Dataset.from_tensor_slices((x_train, y_train))
            .shuffle(len(x_train), seed=args.seed, reshuffle_each_iteration=True)
            .map(augment, num_parallel_calls=1)
            .batch(args.batch_size, drop_remainder=True)
            .prefetch(2)
        )
        val = tf.data.Dataset.from_tensor_slices((x_val, y_val)).map(centre).batch(256)
        steps = len(x_train) // args.batch_size
        schedule = keras.optimizers.schedules.CosineDecay(
            args.learning_rate / 10,
            decay_steps=max(1, args.epochs * steps - steps),
            alpha=0.02,
            warmup_target=args.learning_rate,
            warmup_steps=steps,
        )
        model.compile(
            optimizer=keras.optimizers.Adam(schedule),
            loss=keras.losses.SparseCategoricalCrossentropy(),
            metrics=["accuracy"],
        )
        deadline = time.perf_counter() + 60.0 * args.max_minutes

        class Deadline(keras.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                if time.perf_counter() > deadline:
                    self.model.stop_training = True

        print(
            f"Training a quarter-width VGG19 ({base.count_params():,} parameters) to tell {n_classes} kinds of "
            f"course pictures apart: {len(x_train)} pictures, up to {args.epochs} epochs or "
            f"{args.max_minutes} minutes.",
            flush=True,
        )
        history = model.fit(
            train,
            epochs=args.epochs,
            validation_data=val,
            verbose=0,
            callbacks=[progress_bar(args.epochs, steps, format_logs), Deadline()],
        )
        epochs_done = len(history.history["loss"])
        predicted = np.argmax(model.predict(val, verbose=0), axis=1)
        accuracy = float(np.mean(predicted == y_val))

        extractor = loader.build((None, None, 3), loader.COURSE_WIDTHS)
        for layer in extractor.layers:
            if layer.weights:
                layer.set_weights(base.get_layer(layer.name).get_weights())
        pictures = loader.course_pictures((128, 128))
        before = loader.lsuv_rescale(extractor, pictures, style_rms=args.style_rms)
        after = loader.activation_rms(extractor, pictures)

        measured = {}
        if args.measure:
            weights = extractor.get_weights()

            def course(shape):
                model = loader.build(shape, loader.COURSE_WIDTHS)
                model.set_weights(weights)
                return model

            measured["course"] = measure(course)
            measured["lsuv (untrained)"] = measure(lambda shape: loader.load_vgg19(shape, "lsuv", seed=args.seed))
            measured["random (untrained)"] = measure(lambda shape: loader.load_vgg19(shape, "random", seed=args.seed))
        quality = _table(measured) if measured else "(not measured: `--no-measure`)"
        rms_rows = " | ".join(f"{before[n]:.3g}" for n in loader.conv_names())
        settings = ", ".join(f"{k} {v}" for k, v in NST.items() if k != "style_layers")
        card = f"""
Weights: `{loader.WEIGHTS.split("/")[-1]}`: the sixteen convolutions of VGG19 (layer names as in
`keras.applications.VGG19(include_top=False)`), {" / ".join(str(w) for w in loader.COURSE_WIDTHS)} filters
in blocks 1-5 ({extractor.count_params():,} parameters), stored in float16 with the model's Keras
configuration (attribute `config`; `keras.models.model_from_json` rebuilds it without course code) and
the block widths (attribute `widths`). A 1 x 1 convolution `preprocess` before `block1_conv1` maps RGB in
[0, 1] to 4 x - 2. Load it with `shared_utils.pretrained.vgg19_course.load_vgg19(input_shape, weights="course")`.

## Data and training

- Pretext task: which of {n_classes} kinds a picture shows: the {len(transfer.SOURCE_CLASSES)} kinds of
  `transfer_source`, the 6 hand signs of `signs`, the 2 faces of `happy` and the street scenes of
  `driving_seg` ({len(x_train)} training and {len(x_val)} held-out pictures, all kept at {STORED} x {STORED}).
- Random {CROP} x {CROP} crops, flipped left-right; no colour changes, so colour stays in the features.
- Initialisation: Glorot uniform, then each layer rescaled once to unit-RMS activations on training crops.
- Adam, learning rate warmed up to {args.learning_rate} and cosine-decayed, batches of {args.batch_size},
  {epochs_done} epochs (of {args.epochs} planned; the recipe stops at {args.max_minutes} minutes).
- Pretext accuracy on the held-out pictures: **{accuracy:.3f}** (chance: {1 / n_classes:.3f}). The classifier
  is not stored.
- After training, every convolution was rescaled (kernel by `(c_(l-1) / t_(l-1)) (t_l / c_l)`, bias by
  `t_l / c_l`, with `c_l` the RMS of its activations on the style-transfer pictures, flipped too): the
  features are the same up to a positive factor per layer, and each layer's activations have an RMS of
  `t_l`: {args.style_rms:g} for the style layers (`block1_conv1` ... `block5_conv1`), 1 for the others
  (before: {rms_rows}; after: {" | ".join(f"{after[n]:.3g}" for n in loader.conv_names())}).
  A layer's style cost grows with the fourth power of its scale and the content cost with the square,
  so the style layers' scale decides how the two costs compare before alpha and beta weigh them: at an
  RMS of 1 for every layer, the content cost held the result so close to the content picture that the
  style cost fell only 4 to 70 times in the notebook's 300 steps.

## Quality: style transfer with these features

The notebook's settings: {settings}; style layers block1_conv1 ... block5_conv1 with weight 0.2 each;
Adam on the pixels, starting from the content picture plus uniform noise in [-0.25, 0.25]. "SSIM": of the
result and the content after a Gaussian blur of 2 pixels (structure kept); "palette overlap": RGB histogram
intersection, 8 levels per channel (colours taken); "style cost reduced": the style cost of the content
picture divided by the result's. Untrained networks of the same shape, for comparison:

{quality}

## Intended use

The feature extractor of the course's style-transfer assignment (`w4a2_neural_style_transfer`) when Keras'
ImageNet VGG19 is not available. It knows only the course's drawings; it is not an image classifier and not
meant for any use outside the course.
"""
        course = measured.get("course", {})
        metrics = {"pretext_accuracy": accuracy}
        if course:
            metrics["min_ssim"] = min(r["ssim_blurred"] for r in course.values())
            metrics["min_style_reduction"] = min(r["style_cost_reduction"] for r in course.values())
        self.measured = measured  # for the maintainer's own look at the pictures
        return Trained(
            files={loader.WEIGHTS.split("/")[-1]: lambda path: loader.write_weights(extractor, path)},
            card=card,
            summary=f"Pretext accuracy {accuracy:.3f}; " + ", ".join(f"{k} {v:.3g}" for k, v in metrics.items()),
            metrics=metrics,
        )


RECIPE = VGG19Course()
