"""The transfer-learning datasets and the course-pretrained MobileNetV2 (w2a2_transfer_learning)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from course_tools.recipes.data import transfer as generator
from course_tools.recipes.data.build import build
from course_tools.recipes.weights import mobilenet_v2 as mnv2_recipe
from shared_utils import paths
from shared_utils.datasets import transfer
from shared_utils.pretrained import mobilenet_v2 as mnv2

DATA = paths.REPO_ROOT / "data"


@pytest.fixture(scope="module")
def keras():
    from shared_utils import runtime

    runtime.load_tensorflow()
    import keras

    return keras


def _copy_data(tmp_path: Path, *relatives: str) -> Path:
    """A data folder in tmp_path with the manifest and the given files or folders copied from data/."""
    target = tmp_path / "data"
    target.mkdir()
    shutil.copy(DATA / "MANIFEST.json", target / "MANIFEST.json")
    for relative in relatives:
        source, destination = DATA / relative, target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, destination)
        else:
            shutil.copy(source, destination)
    return target


# --- the target: class folders of PNGs ----------------------------------------------------------


def test_target_folders_counts_and_balance() -> None:
    root = transfer.target_directory()
    assert root == DATA / transfer.TARGET_NAME
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == sorted(transfer.TARGET_CLASSES) == ["not_owl", "owl"]
    assert [p.name for p in root.iterdir() if not p.is_dir()] == ["kinds.csv"]
    counts = {label: len(list((root / label).glob("*.png"))) for label in transfer.TARGET_CLASSES}
    assert counts == {"not_owl": 200, "owl": 200}
    assert 300 <= sum(counts.values()) <= 400
    listed = {key for key in paths.manifest() if key.startswith(f"{transfer.TARGET_NAME}/")}
    assert listed == set(transfer.target_files()) | {transfer.TARGET_KINDS_FILE}


def test_target_images_are_96_pixel_rgb_pngs_without_metadata() -> None:
    for relative in transfer.target_files()[::9]:
        path = DATA / relative
        with Image.open(path) as image:
            assert image.format == "PNG" and image.mode == "RGB" and image.size == (96, 96)
            array = np.asarray(image)
        assert array.dtype == np.uint8 and array.shape == (96, 96, 3)
        assert array.std() > 10, f"{relative} is nearly flat"
        data = path.read_bytes()
        assert b"tIME" not in data and b"tEXt" not in data and b"iTXt" not in data


def test_target_is_regenerated_byte_for_byte() -> None:
    for label in transfer.TARGET_CLASSES:
        first = generator.generate_target(label, [0, 5])
        again = generator.generate_target(label, [0, 5])
        for a, b in zip(first, again, strict=True):
            np.testing.assert_array_equal(a, b)
        assert generator.png_bytes(first[0]) == (DATA / f"owls/{label}/{label}_000.png").read_bytes()
        assert generator.png_bytes(first[1]) == (DATA / f"owls/{label}/{label}_005.png").read_bytes()


def test_not_owl_pictures_mix_seen_and_unseen_kinds_and_no_owl() -> None:
    n, seed = transfer.TARGET_COUNTS["not_owl"]
    kinds = generator.target_kinds(seed, n)
    seen, unseen = generator.SEEN_NOT_OWLS, generator.UNSEEN_NOT_OWLS
    assert set(seen) == set(transfer.SOURCE_CLASSES) - {"chick"}, "chicks look too much like young owls"
    assert 3 <= len(unseen) <= 5 and not set(unseen) & set(transfer.SOURCE_CLASSES) and "owl" not in unseen
    assert set(kinds) == set(seen) | set(unseen)
    assert sum(kind in unseen for kind in kinds) == n // 2, "half of the not-owls are of kinds the base never saw"
    assert min(kinds.count(kind) for kind in unseen) >= 10
    assert "owl" not in kinds and "owl" not in transfer.SOURCE_CLASSES
    assert generator.target_kinds(seed, 6) == kinds[:6], "a picture's kind must not depend on the number of pictures"
    assert set(unseen) <= set(generator.DRAWERS)


def test_kinds_table_says_what_each_picture_shows() -> None:
    table = transfer.target_kinds()
    assert list(table) == [Path(relative).name for relative in transfer.target_files()]
    n, seed = transfer.TARGET_COUNTS["not_owl"]
    assert [table[f"not_owl_{i:03d}.png"] for i in range(n)] == generator.target_kinds(seed, n)
    assert {table[f"owl_{i:03d}.png"] for i in range(transfer.TARGET_COUNTS["owl"][0])} == {"owl"}


def test_unseen_kinds_are_drawn_deterministically_and_differ_from_each_other() -> None:
    n, seed = transfer.TARGET_COUNTS["not_owl"]
    kinds = generator.target_kinds(seed, n)
    firsts = [kinds.index(kind) for kind in generator.UNSEEN_NOT_OWLS]
    pictures = generator.generate_target("not_owl", firsts)
    for index, picture in zip(firsts, pictures, strict=True):
        assert generator.png_bytes(picture) == (DATA / f"owls/not_owl/not_owl_{index:03d}.png").read_bytes()
    # the same backdrop and pose for every kind: the creatures themselves must differ
    drawn = [generator.draw_scene(np.random.default_rng(7), kind) for kind in generator.UNSEEN_NOT_OWLS]
    for i in range(len(drawn)):
        for j in range(i):
            assert np.abs(drawn[i].astype(int) - drawn[j].astype(int)).mean() > 3


def test_build_target_and_manifest_in_a_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = json.loads((DATA / "MANIFEST.json").read_text())["files"]
    monkeypatch.setattr(generator, "TARGET_COUNTS", {"not_owl": (2, 3101), "owl": (2, 3102)})
    monkeypatch.setenv(paths.DATA_ENV_VAR, str(tmp_path))
    other = {"size": 1, "sha256": "x", "rebuild": "make data"}
    stale = {"size": 1, "sha256": "y", "rebuild": "make data"}
    (tmp_path / "MANIFEST.json").write_text(
        json.dumps({"files": {"other/file.h5": other, "owls/owl/owl_999.png": stale}})
    )
    assert build(["owls"]) == 0
    for label in ("not_owl", "owl"):
        for i in range(2):
            relative = f"owls/{label}/{label}_00{i}.png"
            assert (tmp_path / relative).read_bytes() == (DATA / relative).read_bytes()
    table = json.loads((tmp_path / "MANIFEST.json").read_text())["files"]
    assert list(table) == sorted(table)
    assert table["other/file.h5"] == other, "entries of other datasets must be kept"
    assert "owls/owl/owl_999.png" not in table, "entries the build no longer writes must go"
    assert table["owls/owl/owl_001.png"] == real["owls/owl/owl_001.png"]
    assert len([key for key in table if key.startswith("owls/")]) == 5
    rows = (tmp_path / "owls/kinds.csv").read_text().splitlines()
    assert rows[0] == "file,kind" and set(rows[1:]) <= set((DATA / "owls/kinds.csv").read_text().splitlines())
    assert [row.split(",")[0] for row in rows[1:]] == [
        f"{label}_00{i}.png" for label in ("not_owl", "owl") for i in (0, 1)
    ]


# --- the source: HDF5 ----------------------------------------------------------------------------


def test_source_shapes_labels_and_palette() -> None:
    x_train, y_train, x_val, y_val, classes = transfer.load_source()
    assert classes == transfer.SOURCE_CLASSES and len(classes) == 12
    assert x_train.shape == (3000, 96, 96, 3) and x_val.shape == (420, 96, 96, 3)
    assert x_train.dtype == x_val.dtype == np.uint8
    assert y_train.dtype == np.int64 and set(np.unique(y_train)) == set(range(12))
    assert np.all(np.bincount(y_train) == 250) and np.all(np.bincount(y_val) == 35)
    for image in x_train[:20]:
        assert len(np.unique(image.reshape(-1, 3), axis=0)) <= generator.SOURCE_COLOURS
    size = sum((DATA / key).stat().st_size for key in paths.manifest() if key.startswith("transfer_source/"))
    assert size < 9e6


def test_source_is_regenerated_identically() -> None:
    x_train, y_train, *_ = transfer.load_source()
    n, seed = transfer.SOURCE_SPLITS["train"]
    x, y = generator.generate_source(n, seed, start=7, stop=9)
    np.testing.assert_array_equal(x, x_train[7:9])
    np.testing.assert_array_equal(y, y_train[7:9])


# --- missing or damaged files ---------------------------------------------------------------------


def test_missing_files_raise_asset_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.DATA_ENV_VAR, str(tmp_path))
    with pytest.raises(paths.AssetError, match=r"owls/not_owl/not_owl_000\.png[\s\S]*make data"):
        transfer.target_directory()
    with pytest.raises(paths.AssetError, match=r"owls/kinds\.csv[\s\S]*make data"):
        transfer.target_kinds()
    with pytest.raises(paths.AssetError, match=r"train_transfer_source\.h5[\s\S]*make data"):
        transfer.load_source()
    with pytest.raises(paths.AssetError, match=r"mobilenet_v2_source\.weights\.h5[\s\S]*pretrain mobilenet_v2"):
        mnv2.load_base()


def test_corrupt_or_extra_target_files_raise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _copy_data(tmp_path, "owls")
    monkeypatch.setenv(paths.DATA_ENV_VAR, str(root))
    assert transfer.target_directory() == root / "owls"
    extra = root / "owls" / "owl" / "my_photo.png"
    shutil.copy(root / "owls" / "owl" / "owl_000.png", extra)
    with pytest.raises(paths.AssetError, match="my_photo.png"):
        transfer.target_directory()
    extra.unlink()
    victim = root / "owls" / "owl" / "owl_017.png"
    data = bytearray(victim.read_bytes())
    data[100] ^= 0xFF
    victim.write_bytes(bytes(data))
    with pytest.raises(paths.AssetError, match=r"owl_017\.png[\s\S]*make data"):
        transfer.target_directory()


def test_corrupt_source_and_weights_raise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _copy_data(tmp_path, "transfer_source/val_transfer_source.h5", mnv2.WEIGHTS)
    monkeypatch.setenv(paths.DATA_ENV_VAR, str(root))
    for relative in ("transfer_source/val_transfer_source.h5", mnv2.WEIGHTS):
        path = root / relative
        path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(paths.AssetError, match=r"val_transfer_source\.h5|train_transfer_source\.h5"):
        transfer.load_source()
    with pytest.raises(paths.AssetError, match=r"corrupt[\s\S]*python -m course_tools pretrain mobilenet_v2"):
        mnv2.load_source_model()


# --- the pretrained MobileNetV2 -------------------------------------------------------------------


def test_recipe_is_registered_and_weights_have_a_model_card() -> None:
    assert mnv2_recipe.RECIPE.name == "mobilenet_v2"
    card = (DATA / mnv2.MODEL_CARD).read_text(encoding="utf-8")
    for needed in ("python -m course_tools pretrain mobilenet_v2", "CC0-1.0", "Accuracy", "minutes"):
        assert needed in card
    assert mnv2.WEIGHTS in paths.manifest() and mnv2.MODEL_CARD in paths.manifest()
    assert paths.manifest()[mnv2.WEIGHTS]["rebuild"] == mnv2.RECIPE_COMMAND
    assert (DATA / mnv2.WEIGHTS).stat().st_size < 3e6


def _named_weights(model) -> dict[str, list[np.ndarray]]:
    return {layer.name: layer.get_weights() for layer in model.layers if layer.weights}


def _assert_same_weights(model, reference) -> None:
    expected = _named_weights(reference)
    got = _named_weights(model)
    assert set(got) <= set(expected)
    for name, arrays in got.items():
        for a, b in zip(arrays, expected[name], strict=True):
            np.testing.assert_array_equal(a, b, err_msg=name)


def test_load_base_matches_keras_applications_and_the_saved_weights(keras) -> None:
    base = mnv2.load_base()
    reference = keras.applications.MobileNetV2(weights=None, include_top=False, alpha=0.35, input_shape=(96, 96, 3))
    names = [layer.name for layer in base.layers if not isinstance(layer, keras.layers.InputLayer)]
    assert names == [layer.name for layer in reference.layers if not isinstance(layer, keras.layers.InputLayer)]
    assert base.output_shape == (None, 3, 3, 1280) and names[-1] == "out_relu"
    # Keras' own loader, on the whole network, independently of load_base's layer-by-layer copy
    saved = keras.applications.MobileNetV2(
        weights=None, include_top=True, alpha=0.35, input_shape=(96, 96, 3), classes=len(mnv2.SOURCE_CLASSES)
    )
    saved.load_weights(DATA / mnv2.WEIGHTS)
    _assert_same_weights(base, saved)
    assert not np.allclose(base.get_layer("Conv1").get_weights()[0], reference.get_layer("Conv1").get_weights()[0])
    smaller = mnv2.load_base(input_shape=(64, 64, 3))
    _assert_same_weights(smaller, saved)
    whole = mnv2.load_source_model()
    assert whole.output_shape == (None, 12) and whole.get_layer("predictions").activation.__name__ == "softmax"
    _assert_same_weights(whole, saved)


def _fake_imagenet_cache(keras, home: Path):
    """A randomly initialised MobileNetV2 saved where Keras caches ImageNet weights, in Keras' legacy h5 format."""
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    model = keras.applications.MobileNetV2(weights=None, include_top=False, alpha=0.35, input_shape=(96, 96, 3))
    path = home / "models" / "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5"
    path.parent.mkdir(parents=True)
    with h5py.File(path, "w") as handle:
        legacy_h5_format.save_weights_to_hdf5_group(handle, model)
    return model, path


def test_imagenet_weights_come_only_from_the_local_cache(
    keras, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from keras.src.utils import file_utils

    def no_download(*args, **kwargs):
        raise AssertionError("tried to download")

    monkeypatch.setattr(file_utils, "get_file", no_download)
    monkeypatch.setattr(keras.utils, "get_file", no_download)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert mnv2.imagenet_file_name((96, 96, 3)) == "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5"
    assert mnv2.imagenet_file_name((100, 100, 3), include_top=True).endswith("_0.35_224.h5")
    with pytest.raises(paths.AssetError, match=r"not in Keras' cache[\s\S]*never downloads"):
        mnv2.load_base(weights="imagenet")
    course = mnv2.load_base(weights="auto")  # nothing cached: the course's weights
    _assert_same_weights(course, mnv2.load_source_model())

    fake, path = _fake_imagenet_cache(keras, tmp_path)
    assert mnv2.imagenet_weights_file((96, 96, 3)) == path
    for weights in ("imagenet", "auto"):
        loaded = mnv2.load_base(weights=weights)
        _assert_same_weights(loaded, fake)


def test_load_base_rejects_unknown_weights() -> None:
    with pytest.raises(ValueError, match="weights must be"):
        mnv2.load_base(weights="cifar")
