"""Unit tests of the Keras side of shared_utils.checks (the plumbing of block tests) and of the
loader of the pretrained ResNet50, which must only call a student's network "theirs" when it is."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from shared_utils import checks, paths, runtime
from shared_utils.pretrained import resnet50_signs

runtime.load_tensorflow()
import keras  # noqa: E402  (after the quiet TensorFlow import)

# --- the package keeps the single-module API and stays light ------------------------------------

NAMES_BEFORE_THE_PACKAGE = [
    "GREEN",
    "RED",
    "RESET",
    "all_passed",
    "check_close",
    "check_equal",
    "check_model",
    "check_shape",
    "check_true",
    "check_type",
    "describe_layer",
    "describe_model",
    "relative_error",
    "_as_array",
    "_blank",
    "_fail",
    "_format",
    "_layer_type",
    "_output_shape",
    "_plain",
    "_KEY_CONFIG",
]


def test_every_name_of_the_former_module_is_still_exported() -> None:
    missing = [name for name in NAMES_BEFORE_THE_PACKAGE if not hasattr(checks, name)]
    assert not missing
    assert set(checks.__all__) <= set(dir(checks)) | {"KnownWeights"}


def test_importing_checks_does_not_import_tensorflow() -> None:
    program = (
        "import sys\n"
        "from shared_utils import checks\n"
        "checks.check_close([1.0], [1.0], 'x'); checks.known_kernel((1, 1, 2, 3))\n"
        "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# --- known weights --------------------------------------------------------------------------------


def test_known_kernel_depends_only_on_the_shape() -> None:
    kernel = checks.known_kernel((3, 3, 2, 4))
    assert kernel.shape == (3, 3, 2, 4) and kernel.dtype == np.float32
    assert np.all(kernel >= -1.0) and np.all(kernel < 1.0) and kernel.std() > 0.3
    np.testing.assert_array_equal(kernel, checks.known_kernel([3, 3, 2, 4]))
    assert not np.allclose(checks.known_kernel((1, 1, 2, 4)), checks.known_kernel((1, 1, 4, 2)).reshape(1, 1, 2, 4))


def test_known_weights_fill_every_kernel_a_block_creates() -> None:
    assert checks.KnownWeights is checks.KnownWeights  # defined once
    assert issubclass(checks.KnownWeights, keras.initializers.Initializer)

    def block(X, initializer):
        X = keras.layers.Conv2D(4, 3, kernel_initializer=initializer(seed=0))(X)
        return keras.layers.Conv2D(2, 1, kernel_initializer=initializer(seed=0))(X)

    model = checks.build_model(block, (5, 5, 3), initializer=checks.KnownWeights)
    kernels = [w for w in model.get_weights() if w.ndim == 4]
    np.testing.assert_array_equal(kernels[0], checks.known_kernel((3, 3, 3, 4)))
    np.testing.assert_array_equal(kernels[1], checks.known_kernel((1, 1, 4, 2)))
    assert checks.KnownWeights(seed=5).get_config() == {"seed": 5}


# --- friendly builds ------------------------------------------------------------------------------


def _two_convs(X, f=3, padding="same"):
    shortcut = X
    X = keras.layers.Conv2D(3, f, padding=padding)(X)
    return keras.layers.Add()([X, shortcut])


def test_build_model_wraps_the_block_in_a_model() -> None:
    model = checks.build_model(_two_convs, (4, 4, 3), "unused", f=3)
    assert isinstance(model, keras.Model)
    assert tuple(model.output.shape) == (None, 4, 4, 3)
    assert np.asarray(model(np.ones((2, 4, 4, 3), dtype="float32"))).shape == (2, 4, 4, 3)


def test_build_model_reports_a_failed_build_in_one_line_with_the_hint() -> None:
    with pytest.raises(AssertionError) as failure:
        checks.build_model(_two_convs, (4, 4, 3), "use padding='same'", f=3, padding="valid")
    message = str(failure.value)
    first, hint = message.split("\nHint: ")
    assert "\n" not in first and "Traceback" not in message
    assert first.startswith("Building _two_convs on an input of shape (None, 4, 4, 3) with f=3, padding='valid'")
    assert "failed with ValueError" in first
    assert hint == "use padding='same'"
    assert failure.value.__context__ is None  # no "During handling of the above exception" chain


def test_build_model_catches_a_block_that_returns_nothing_or_not_a_tensor() -> None:
    with pytest.raises(AssertionError, match=r"(?s)returned None.*return X"):
        checks.build_model(lambda X: None, (4, 4, 3))
    with pytest.raises(AssertionError, match=r"(?s)is not a tensor made by Keras layers \(Conv2D\).*X = Layer"):
        checks.build_model(lambda X: keras.layers.Conv2D(2, 1), (4, 4, 3))


def test_call_friendly_returns_the_result_or_names_the_call() -> None:
    assert checks.call_friendly(max, 2, 5) == 5

    def network(input_shape=(8, 8, 3), classes=2):
        raise TypeError("first line\nsecond line")

    with pytest.raises(AssertionError) as failure:
        checks.call_friendly(network, input_shape=(48, 48, 3), classes=3, hint="fix the block first")
    assert str(failure.value) == (
        "network(input_shape=(48, 48, 3), classes=3) failed with TypeError: first line\nHint: fix the block first"
    )
    assert failure.value.__context__ is None
    inputs = keras.Input(shape=(4, 4, 3))
    with pytest.raises(AssertionError, match=r"^_two_convs\(<tensor of shape \(None, 4, 4, 3\)>, 2, padding='valid'\)"):
        checks.call_friendly(_two_convs, inputs, 2, padding="valid")
    with pytest.raises(AssertionError, match=r"^Building it failed with"):
        checks.call_friendly(_two_convs, inputs, 2, padding="valid", what="Building it")


# --- what a model contains ------------------------------------------------------------------------


def _mixed_model() -> keras.Model:
    """The same kinds written in several ways: layers, Activation("relu"), `+`, keras.ops.relu, add()."""
    inputs = keras.Input(shape=(6, 6, 4))
    a = keras.layers.Conv2D(4, 1, strides=2, padding="valid")(inputs)
    a = keras.layers.BatchNormalization(axis=3)(a)
    a = keras.layers.Activation("relu")(a)
    b = keras.layers.Conv2D(4, (3, 3), strides=(2, 2), padding="same")(inputs)
    b = keras.layers.ReLU()(b)
    c = keras.ops.relu(a + b)
    d = keras.layers.add([c, b])
    return keras.Model(inputs, keras.layers.Add()([d, c]))


def test_layer_counts_count_equivalent_spellings_alike() -> None:
    counts = checks.layer_counts(_mixed_model())
    assert counts == {"Conv2D": 2, "BatchNormalization": 1, "ReLU": 3, "Add": 3}
    assert counts["MaxPooling2D"] == 0


def test_conv_settings_list_every_convolution_in_order() -> None:
    model = _mixed_model()
    assert checks.conv_settings(model) == [(4, (1, 1), (2, 2), "valid"), (4, (3, 3), (2, 2), "same")]
    assert checks.conv_settings(model, keys=("filters",)) == [(4,), (4,)]


def test_same_layers_finds_layers_shared_between_two_models() -> None:
    shared = keras.layers.Dense(2)

    def build(dense):
        inputs = keras.Input(shape=(3,))
        return keras.Model(inputs, dense(keras.layers.Dense(4)(inputs)))

    assert checks.same_layers(build(shared), build(shared)) == ["Dense"]
    assert checks.same_layers(build(keras.layers.Dense(2)), build(keras.layers.Dense(2))) == []


# --- the pretrained ResNet50's loader -------------------------------------------------------------


def _tiny(input_shape=(64, 64, 3), classes=6, relu=True, filters=2):
    """A stand-in for ResNet50 with the loader's input and output: a few weights, quick to run."""
    inputs = keras.Input(shape=input_shape)
    X = keras.layers.Conv2D(filters, 3, strides=4)(inputs)
    X = keras.layers.BatchNormalization(axis=3)(X)
    if relu:
        X = keras.layers.ReLU()(X)
    X = keras.layers.GlobalAveragePooling2D()(X)
    return keras.Model(inputs, keras.layers.Dense(classes, activation="softmax")(X))


@pytest.fixture
def stored_tiny(tmp_path, monkeypatch):
    """A weights file in the loader's format, holding a trained-looking `_tiny` network."""
    from course_tools.recipes.weights.resnet50_signs import write_quantized

    model = _tiny()
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(0.0, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    bn = next(layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization))
    bn.moving_variance.assign(np.full(2, 0.5, dtype="float32"))
    monkeypatch.setenv(paths.DATA_ENV_VAR, str(tmp_path))
    target = tmp_path / resnet50_signs.WEIGHTS
    target.parent.mkdir(parents=True)
    write_quantized(target, model)
    arrays, _ = resnet50_signs.read_quantized(target)
    return arrays


def test_loader_uses_the_students_network_when_it_is_the_same(stored_tiny) -> None:
    model, yours = resnet50_signs.load_model(build=_tiny)
    assert yours
    for got, stored in zip(model.get_weights(), stored_tiny):
        np.testing.assert_array_equal(got, stored)


def test_loader_falls_back_to_the_stored_network(stored_tiny) -> None:
    probe = np.random.default_rng(1).uniform(size=(3, 64, 64, 3)).astype("float32")
    reference, yours = resnet50_signs.load_model()
    assert not yours
    expected = np.asarray(reference(probe, training=False))

    def broken(input_shape, classes):
        raise NotImplementedError

    for build in (
        broken,  # an exercise not done yet
        lambda input_shape, classes: _tiny(input_shape, classes, filters=3),  # other weight shapes
        lambda input_shape, classes: _tiny(input_shape, classes, relu=False),  # same weights, other computation
        lambda input_shape, classes: None,
    ):
        model, yours = resnet50_signs.load_model(build=build)
        assert not yours
        np.testing.assert_allclose(np.asarray(model(probe, training=False)), expected, rtol=1e-5, atol=1e-6)
