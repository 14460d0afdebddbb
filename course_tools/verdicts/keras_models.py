"""Trusted-check plumbing for exercises that build Keras models: a model becomes plain numbers.

A model cannot leave the sandbox, and its description (layers, settings) could be forged by the
code that built it.  What cannot be forged without building the right network is what it computes,
so :data:`PRELUDE` (run in the probe after the student's cells, and in the trusted reference) sets
every weight of a model to values that depend only on the weight's shape and role, and returns the
model's outputs on hidden images, with the few structural facts the notebook's visible tests also
state (layer counts, whether the model is Sequential, whether two builds share layers).
"""

from __future__ import annotations

PRELUDE = '''
from collections import Counter

from shared_utils import checks as _trusted_checks

KnownWeights = _trusted_checks.KnownWeights


def _known_weights(model):
    """Every weight set from its shape and role alone, scaled to keep activations near unit size."""
    for variable in model.weights:
        role = variable.path.split("/")[-1].split(":")[0]
        shape = tuple(int(n) for n in variable.shape)
        values = _trusted_checks.known_kernel(shape).astype("float64")
        if role == "kernel":
            values = values * (3.0 / max(1, int(np.prod(shape[:-1])))) ** 0.5
        elif role == "gamma":
            values = 1.0 + 0.2 * values
        elif role == "moving_variance":
            values = 1.0 + 0.5 * np.abs(values)
        else:  # bias, beta, moving_mean, ...
            values = 0.1 * values
        variable.assign(values.astype(variable.dtype))


def _images(seed, shape):
    return np.random.default_rng(seed).normal(0.0, 1.0, shape).astype("float32")


def _model_facts(build, seed, batch, *args, **kwargs):
    """What a model-building function's model computes on hidden images under known weights, and
    the facts its visible test checks: layer counts and whether it is Sequential."""
    return _facts_of(build(*args, **kwargs), seed, batch)


def _fresh_model_facts(build, seed, batch, *args, **kwargs):
    """``_model_facts``, and the kinds of layers that a second build shares with the first."""
    model, again = build(*args, **kwargs), build(*args, **kwargs)
    shared = tuple(sorted(_trusted_checks.same_layers(model, again)))
    return (*_facts_of(model, seed, batch), shared)


def _facts_of(model, seed, batch):
    if hasattr(model, "operations"):  # functional: operations written as code count too
        kinds = _trusted_checks.layer_counts(model)
    else:
        kinds = Counter(_trusted_checks.describe_layer(layer)["type"] for layer in model.layers)
    counts = tuple(sorted((kind, int(n)) for kind, n in kinds.items()))
    _known_weights(model)
    shape = (batch, *[int(n) for n in model.inputs[0].shape[1:]])
    outputs = np.asarray(model(_images(seed, shape), training=False), dtype="float64")
    return outputs, counts, type(model).__name__ == "Sequential"


def _block_outputs(block, seed, input_shape, *args, **kwargs):
    """A block applied to hidden inputs, its kernels KnownWeights (as in the visible tests)."""
    return np.asarray(block(tf.constant(_images(seed, input_shape)), *args, **kwargs), dtype="float64")
'''
