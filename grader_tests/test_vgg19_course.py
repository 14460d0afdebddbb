"""The VGG19-structured feature extractor of the style-transfer assignment, and the style metrics."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from course_tools.recipes.weights import vgg19_course as recipe
from shared_utils import paths, runtime, style_metrics
from shared_utils.pretrained import vgg19_course as vgg

DATA = paths.REPO_ROOT / "data"
SHAPE = (64, 64, 3)


@pytest.fixture(scope="module")
def keras():
    runtime.load_tensorflow()
    import keras

    return keras


@pytest.fixture
def no_imagenet_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty Keras cache, so that "auto" cannot find ImageNet weights."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    return tmp_path / "keras-home"


def _pictures(n: int = 2, shape=SHAPE) -> np.ndarray:
    return np.random.default_rng(0).uniform(0.0, 1.0, size=(n, *shape)).astype(np.float32)


# --- the network ---------------------------------------------------------------------------------


def test_layer_names_and_order_match_keras_vgg19(keras) -> None:
    reference = keras.applications.VGG19(weights=None, include_top=False, input_shape=SHAPE)
    expected = [layer.name for layer in reference.layers if not isinstance(layer, keras.layers.InputLayer)]
    assert vgg.layer_names() == expected
    model = vgg.load_vgg19(SHAPE, weights="random")
    names = [layer.name for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    assert names == ["preprocess", *expected]
    for name in expected:  # the same kind of layer, with the same kernel, stride and padding
        mine, theirs = model.get_layer(name), reference.get_layer(name)
        assert type(mine) is type(theirs)
        for key in ("kernel_size", "strides", "padding", "pool_size", "activation"):
            if hasattr(theirs, key):
                assert getattr(mine, key) == getattr(theirs, key), (name, key)


def test_course_weights_load_with_the_documented_widths(no_imagenet_cache) -> None:
    model = vgg.load_vgg19(SHAPE, weights="course")
    assert vgg.weights_source(model) == "course"
    assert model.trainable is False and not model.trainable_weights
    widths = [model.get_layer(f"block{b}_conv1").filters for b in range(1, 6)]
    assert widths == list(vgg.COURSE_WIDTHS)
    assert model.output.shape[1:] == (2, 2, 128)


def test_auto_without_cached_imagenet_weights_gives_course_weights(no_imagenet_cache) -> None:
    assert vgg.imagenet_weights_file() is None
    model = vgg.load_vgg19(SHAPE)
    assert vgg.weights_source(model) == "course"
    with pytest.raises(paths.AssetError, match="never downloads"):
        vgg.load_vgg19(SHAPE, weights="imagenet")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # from Keras' legacy HDF5 writer
def test_auto_with_cached_imagenet_weights_uses_them_with_caffe_preprocessing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keras
) -> None:
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "models").mkdir()
    reference = keras.applications.VGG19(weights=None, include_top=False, input_shape=SHAPE)
    with h5py.File(tmp_path / "models" / vgg.IMAGENET_FILE, "w") as handle:  # stands in for Keras' cached file
        legacy_h5_format.save_weights_to_hdf5_group(handle, reference)
    model = vgg.load_vgg19(SHAPE)
    assert vgg.weights_source(model) == "imagenet" and model.trainable is False
    assert model.get_layer("block5_conv4").filters == 512
    pictures = _pictures(2)
    expected = reference(keras.applications.vgg19.preprocess_input(pictures * 255.0))
    np.testing.assert_allclose(np.asarray(model(pictures)), np.asarray(expected), rtol=1e-4, atol=1e-5)


def test_pictures_in_0_1_give_features_on_a_comparable_scale(no_imagenet_cache, keras) -> None:
    model = vgg.load_vgg19((96, 96, 3), weights="course")
    pictures = _pictures(2, (96, 96, 3))
    out = np.asarray(model(pictures))
    assert np.all(np.isfinite(out)) and out.max() > 0
    rms = vgg.activation_rms(model, vgg.course_pictures((96, 96)))
    values = np.array(list(rms.values()))
    assert values.max() / values.min() < 10, f"layer scales differ too much: {rms}"


def test_random_and_lsuv_weights(keras) -> None:
    first, again = vgg.load_vgg19(SHAPE, "random", seed=3), vgg.load_vgg19(SHAPE, "random", seed=3)
    assert vgg.weights_source(first) == "random"
    for a, b in zip(first.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)
    lsuv = vgg.load_vgg19(SHAPE, "lsuv")
    assert vgg.weights_source(lsuv) == "lsuv"
    rms = vgg.activation_rms(lsuv, vgg.course_pictures(SHAPE[:2]))
    expected = [vgg.STYLE_LAYER_RMS if name.endswith("_conv1") else 1.0 for name in rms]
    np.testing.assert_allclose(list(rms.values()), expected, rtol=1e-3)


def test_lsuv_rescaling_keeps_the_features_up_to_a_factor(keras) -> None:
    model = vgg.build(SHAPE, seed=1)
    pictures = _pictures(3)
    names = vgg.conv_names()
    probe = keras.Model(model.input, [model.get_layer(n).output for n in names])
    before = [np.asarray(a) for a in probe(pictures)]
    rms = vgg.lsuv_rescale(model, pictures, style_rms=2.5)
    after = [np.asarray(a) for a in probe(pictures)]
    for name, a, b in zip(names, before, after):
        target = 2.5 if name.endswith("_conv1") else 1.0
        np.testing.assert_allclose(b * rms[name] / target, a, rtol=1e-3, atol=1e-5 * rms[name])


def test_unknown_weights_are_refused() -> None:
    with pytest.raises(ValueError, match="weights must be one of"):
        vgg.load_vgg19(SHAPE, weights="vgg16")


def test_stored_file_rebuilds_without_course_code(keras) -> None:
    widths, arrays, config = vgg.read_weights(DATA / vgg.WEIGHTS)
    model = keras.models.model_from_json(config)
    model.set_weights(arrays)
    assert [layer.name for layer in model.layers][2:] == vgg.layer_names()
    assert widths == list(vgg.COURSE_WIDTHS)
    assert (DATA / vgg.WEIGHTS).stat().st_size < 6e6


def test_missing_or_damaged_weights_name_the_recipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_imagenet_cache
) -> None:
    root = tmp_path / "data"
    (root / vgg.FOLDER).mkdir(parents=True)
    shutil.copy(DATA / "MANIFEST.json", root / "MANIFEST.json")
    monkeypatch.setenv(paths.DATA_ENV_VAR, str(root))
    with pytest.raises(
        paths.AssetError, match=r"vgg19_course\.weights\.h5[\s\S]*python -m course_tools pretrain vgg19_course"
    ):
        vgg.load_vgg19(SHAPE)
    damaged = root / vgg.WEIGHTS
    damaged.write_bytes((DATA / vgg.WEIGHTS).read_bytes()[:-10])
    with pytest.raises(paths.AssetError, match=r"corrupt[\s\S]*python -m course_tools pretrain vgg19_course"):
        vgg.load_vgg19(SHAPE, weights="course")


def test_recipe_is_registered_and_has_a_model_card() -> None:
    from course_tools.registry import WEIGHTS

    assert WEIGHTS["vgg19_course"].recipe == recipe.__name__
    assert recipe.RECIPE.name == vgg.NAME
    card = (DATA / vgg.MODEL_CARD).read_text(encoding="utf-8")
    for needed in (vgg.RECIPE_COMMAND, "CC0-1.0", "minutes", "SSIM", "lsuv", "random"):
        assert needed in card
    assert paths.manifest()[vgg.WEIGHTS]["rebuild"] == vgg.RECIPE_COMMAND


# --- the style metrics ---------------------------------------------------------------------------


def test_ssim_of_identical_pictures_is_one_and_drops_with_noise() -> None:
    x = _pictures(1)[0]
    assert style_metrics.ssim(x, x) == pytest.approx(1.0)
    assert style_metrics.ssim(x[None], x) == pytest.approx(1.0)
    noisy = np.clip(x + np.random.default_rng(1).normal(0, 0.3, x.shape), 0, 1)
    assert style_metrics.ssim(x, noisy) < 0.7
    flat = np.full_like(x, 0.5)
    assert abs(style_metrics.ssim(x, flat)) < 0.1
    with pytest.raises(ValueError, match="different shapes"):
        style_metrics.ssim(x, x[:10])


def test_ssim_agrees_with_its_formula_on_constant_pictures() -> None:
    a, b = np.full((16, 16, 3), 0.2), np.full((16, 16, 3), 0.6)
    c1 = 0.01**2
    expected = (2 * 0.2 * 0.6 + c1) / (0.2**2 + 0.6**2 + c1)  # no variance: only the luminance term
    assert style_metrics.ssim(a, b) == pytest.approx(expected, rel=1e-6)


def test_gaussian_blur_keeps_constants_and_the_mean_and_smooths() -> None:
    flat = np.full((20, 30, 3), 0.4)
    np.testing.assert_allclose(style_metrics.gaussian_blur(flat, 2), flat, atol=1e-12)
    x = _pictures(1)[0].astype(np.float64)
    blurred = style_metrics.gaussian_blur(x, 2)
    assert blurred.shape == x.shape
    assert abs(blurred.mean() - x.mean()) < 0.01
    assert blurred.std() < 0.3 * x.std()
    np.testing.assert_array_equal(style_metrics.gaussian_blur(x, 0), x)


def test_histogram_intersection_of_identical_and_disjoint_pictures() -> None:
    x = _pictures(1)[0]
    assert style_metrics.histogram_intersection(x, x) == pytest.approx(1.0)
    red, blue = np.zeros((8, 8, 3)), np.zeros((12, 12, 3))
    red[..., 0], blue[..., 2] = 1.0, 1.0
    assert style_metrics.histogram_intersection(red, blue) == 0.0
    half = np.concatenate([red[:4], np.zeros((4, 8, 3))])  # half red, half black
    assert style_metrics.histogram_intersection(half, red) == pytest.approx(0.5)
    uint8 = (x * 255).round().astype(np.uint8)
    assert style_metrics.histogram_intersection(uint8, x, bins=4) > 0.95
