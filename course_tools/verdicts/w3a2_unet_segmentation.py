"""Trusted checks of W3A2: both blocks and the U-Net on other sizes, judged by what they compute under
known weights on hidden inputs, with the layer facts the visible tests state (counts of the layers
they count, the convolutions' initializers, the dropout rates).  Joining the skip connection before
or after the transposed convolution's output is the same block: both orders are accepted.

As in the visible test, the U-Net's architecture is checked as the submission's own blocks build it
(a block mistake that changes the network's layers costs both tests), and its values with reference
blocks when a block is wrong."""

from __future__ import annotations

from .keras_models import PRELUDE as KERAS_PRELUDE
from .spec import Call, Check

PRELUDE = (
    KERAS_PRELUDE
    + '''

_COUNTED = ("Concatenate", "Conv2D", "Conv2DTranspose", "Dropout", "MaxPooling2D")


def _unet_layer_facts(model):
    """The counts of the layers the visible tests count, the Conv2D initializers and the dropout rates."""
    kinds = _trusted_checks.layer_counts(model)
    counts = tuple((kind, int(kinds[kind])) for kind in _COUNTED)
    convolutions = [layer for layer in model.layers if type(layer) is keras.layers.Conv2D]
    initializers = tuple(sorted(type(layer.kernel_initializer).__name__ for layer in convolutions))
    rates = tuple(sorted(float(layer.rate) for layer in model.layers if isinstance(layer, keras.layers.Dropout)))
    return counts, initializers, rates


def _outputs(model, *arrays):
    """Outputs under known weights, called as the visible tests call it (inference, by default)."""
    _known_weights(model)
    result = model(list(arrays) if len(arrays) > 1 else arrays[0])
    return tuple(np.asarray(r, dtype="float64") for r in (result if isinstance(result, (list, tuple)) else [result]))


def _conv_block_facts(seed, shape, **arguments):
    inputs = Input(shape=shape[1:])
    next_layer, skip_connection = conv_block(inputs, **arguments)
    model = keras.Model(inputs, [next_layer, skip_connection])
    return _outputs(model, _images(seed, shape)), _unet_layer_facts(model)


def _upsampling_block_facts(seed, expansive_shape, contractive_shape, **arguments):
    expansive, contractive = Input(shape=expansive_shape[1:]), Input(shape=contractive_shape[1:])
    model = keras.Model([expansive, contractive], upsampling_block(expansive, contractive, **arguments))
    images = _images(seed, expansive_shape), _images(seed + 1, contractive_shape)
    return _outputs(model, *images), _unet_layer_facts(model)


def _unet_structure(**arguments):
    """What the visible test checks of the network built from the submission's own blocks: the output
    shape, the counted layers, the dropout rates and the sorted numbers of filters."""
    model = unet_model(**arguments)
    counts, _, rates = _unet_layer_facts(model)
    filters = tuple(sorted(int(layer.filters) for layer in model.layers if type(layer) is keras.layers.Conv2D))
    transposed = tuple(
        sorted(int(layer.filters) for layer in model.layers if isinstance(layer, keras.layers.Conv2DTranspose))
    )
    return tuple(int(n) for n in model.outputs[0].shape[1:]), counts, rates, filters, transposed


def _unet_outputs(seed, batch, **arguments):
    """What the network computes under known weights (judged with reference blocks if a block is wrong)."""
    model = unet_model(**arguments)
    shape = (batch, *[int(n) for n in model.inputs[0].shape[1:]])
    return _outputs(model, _images(seed, shape))


def _upsampling_block_skip_first(expansive_input, contractive_input, n_filters=32):
    """The reference block with the skip connection first in the concatenation (an equivalent form)."""
    up = Conv2DTranspose(n_filters, 3, strides=2, padding="same")(expansive_input)
    merge = concatenate([contractive_input, up], axis=3)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(merge)
    return Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)
'''
)

SKIP_FIRST = ({"upsampling_block": "_upsampling_block_skip_first"},)
UNETS = (
    {"input_size": (32, 48, 2), "n_filters": 3, "n_classes": 4},
    {"input_size": (16, 16, 1), "n_filters": 2, "n_classes": 7},
)


def checks() -> list[Check]:
    blocks = ("conv_block", "upsampling_block")
    return [
        Check(
            "test_conv_block",
            [
                Call("_conv_block_facts", (1, (2, 10, 6, 2)), {"n_filters": 3}),
                Call("_conv_block_facts", (2, (1, 8, 12, 5)), {"n_filters": 4, "dropout_prob": 0.2}),
                Call(
                    "_conv_block_facts", (3, (2, 7, 5, 3)), {"n_filters": 2, "dropout_prob": 0.6, "max_pooling": False}
                ),
                Call("_conv_block_facts", (4, (3, 5, 9, 1)), {"n_filters": 5, "max_pooling": False}),
            ],
            rtol=1e-3,
            atol=1e-4,
        ),
        Check(
            "test_upsampling_block",
            [
                Call(
                    "_upsampling_block_facts", (5, (2, 2, 3, 4), (2, 4, 6, 3)), {"n_filters": 3}, equivalents=SKIP_FIRST
                ),
                Call(
                    "_upsampling_block_facts", (6, (1, 3, 2, 2), (1, 6, 4, 5)), {"n_filters": 5}, equivalents=SKIP_FIRST
                ),
                Call(
                    "_upsampling_block_facts", (7, (2, 1, 4, 6), (2, 2, 8, 1)), {"n_filters": 2}, equivalents=SKIP_FIRST
                ),
            ],
            rtol=1e-3,
            atol=1e-4,
        ),
        Check(
            "test_unet_model",
            [Call("_unet_structure", (), unet) for unet in UNETS]
            + [
                Call("_unet_outputs", (seed, batch), unet, callees=blocks, equivalents=SKIP_FIRST)
                for seed, batch, unet in zip((8, 9), (2, 1), UNETS)
            ],
            rtol=1e-3,
            atol=1e-4,
        ),
    ]
