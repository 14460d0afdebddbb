"""The reference workload: a fixed piece of Keras training that says how fast this machine is.

Machines of the same kind differ several-fold in speed, so times measured here (a notebook's run in
``make bench``, a recipe's training in its model card) are also stated against this workload, whose
time on the reference machine is ``REFERENCE_SECONDS``.
"""

from __future__ import annotations

import time

# The reference workload's time on the reference machine (2 idle x86_64 cores, TensorFlow 2.21).
# Measured there on 2026-12-01, four calls of three repeats: 1.50 to 1.60 s, and once 2.8 s: a
# freshly built model sometimes runs about 1.8 times slower on that machine (the notebooks' models
# too), which is why the bench times the workload around every notebook.
REFERENCE_SECONDS = 1.55
REPEATS = 3


def reference_workload(repeats: int = REPEATS) -> float:
    """Seconds for one slice of the notebooks' own kind of work, the median of ``repeats`` runs.

    The slice: 12 training steps (batches of 16, 64 x 64 pictures) of a small network made of
    what the notebooks train (convolutions with batch normalization, a residual block, a
    depthwise convolution, pooling, upsampling and a skip joined by concatenation), then a
    convolution written as NumPy loops, as week 1 writes it.  A bare stack of convolutions is not
    enough: one machine ran it two to three times faster than another while the notebooks ran
    only 1.5 times faster.
    Graph building is done once before the timing, as a notebook does it once per model.
    """
    import numpy as np

    from shared_utils import runtime

    runtime.load_tensorflow()
    import keras
    from keras import layers

    def conv_bn(x, filters, kernel=3):
        x = layers.Conv2D(filters, kernel, padding="same", use_bias=False)(x)
        return layers.ReLU()(layers.BatchNormalization()(x))

    runtime.seed_everything(0)
    inputs = keras.Input((64, 64, 3))
    x = conv_bn(inputs, 32)
    skip = layers.ReLU()(layers.Add()([x, layers.BatchNormalization()(conv_bn(conv_bn(x, 32), 32))]))
    x = layers.MaxPooling2D(2)(skip)
    x = layers.ReLU()(layers.BatchNormalization()(layers.DepthwiseConv2D(3, padding="same")(x)))
    x = conv_bn(layers.MaxPooling2D(2)(conv_bn(x, 64, kernel=1)), 64)
    x = layers.Concatenate()([layers.UpSampling2D(4)(x), skip])
    x = layers.GlobalAveragePooling2D()(conv_bn(x, 32, kernel=1))
    model = keras.Model(inputs, layers.Dense(6, activation="softmax")(x))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x_train = rng.uniform(0, 1, size=(16 * 12, 64, 64, 3)).astype("float32")
    y_train = rng.integers(0, 6, size=16 * 12)
    model.fit(x_train[:32], y_train[:32], batch_size=16, epochs=1, verbose=0)
    pictures = rng.standard_normal((8, 30, 30, 4))
    filters = rng.standard_normal((3, 3, 4, 8))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.fit(x_train, y_train, batch_size=16, epochs=1, verbose=0, shuffle=False)
        _loop_convolution(pictures, filters)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def _loop_convolution(pictures, filters):
    """A 'valid' convolution with one loop per output number, the way week 1 first writes it."""
    import numpy as np

    m, height, width, _ = pictures.shape
    size, _, _, channels = filters.shape
    out = np.zeros((m, height - size + 1, width - size + 1, channels))
    for i in range(m):
        for h in range(height - size + 1):
            for w in range(width - size + 1):
                for c in range(channels):
                    out[i, h, w, c] = np.sum(pictures[i, h : h + size, w : w + size] * filters[..., c])
    return out


def on_reference_machine(seconds: float, workload_seconds: float) -> float:
    """``seconds`` measured here, converted to the reference machine by the workload's two times."""
    return seconds * REFERENCE_SECONDS / workload_seconds
