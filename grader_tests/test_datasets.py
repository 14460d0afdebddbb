"""The week-1 datasets: what the loaders return, determinism, and clear errors for bad files."""

from __future__ import annotations

import json
import shutil

import h5py
import numpy as np
import pytest

from course_tools.recipes.data import driving, face_ids, happy, signs, transfer
from course_tools.recipes.data.storage import png_bytes, update_manifest, write_split
from course_tools.registry import DATASETS
from shared_utils import paths
from shared_utils.datasets import load_happy, load_signs
from shared_utils.datasets.h5io import read_split


@pytest.mark.parametrize(
    ("loader", "n_train", "n_test", "classes"),
    [(load_happy, 600, 150, ["not smiling", "smiling"]), (load_signs, 1080, 120, [str(k) for k in range(6)])],
)
def test_shipped_files_have_the_course_shapes(loader, n_train, n_test, classes) -> None:
    data = loader()
    assert data.x_train.shape == (n_train, 64, 64, 3) and data.x_train.dtype == np.uint8
    assert data.x_test.shape == (n_test, 64, 64, 3) and data.x_test.dtype == np.uint8
    assert data.y_train.shape == (n_train,) and data.y_train.dtype == np.int64
    assert data.y_test.shape == (n_test,) and data.y_test.dtype == np.int64
    assert data.classes == classes
    for labels in (data.y_train, data.y_test):
        assert labels.min() >= 0 and labels.max() < len(classes)
        counts = np.bincount(labels, minlength=len(classes))
        assert counts.min() >= 0.8 * counts.max(), f"unbalanced classes: {counts}"
    assert data.x_train.std() > 20, "images should vary"


def test_shipped_files_are_small() -> None:
    for relative in ("happy/train_happy.h5", "happy/test_happy.h5", "signs/train_signs.h5", "signs/test_signs.h5"):
        assert paths.asset(relative).stat().st_size < 10e6, relative


@pytest.mark.parametrize("module", [happy, signs])
def test_generation_is_deterministic(module, tmp_path) -> None:
    x1, y1 = module.generate(12, 123)
    x2, y2 = module.generate(12, 123)
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    x3, _ = module.generate(12, 124)
    assert not np.array_equal(x1, x3)
    first = write_split(tmp_path / "a.h5", "train", x1, y1, module.CLASSES).read_bytes()
    second = write_split(tmp_path / "b.h5", "train", x2, y2, module.CLASSES).read_bytes()
    assert first == second


def test_pixels_alone_do_not_solve_the_tasks() -> None:
    """A nearest-class-mean classifier on raw pixels stays far from what the CNNs reach.

    Measured on the shipped files: about 0.57 on happy (chance 0.5) and 0.33 on signs (chance
    0.17), while the course's CNNs reach about 0.93 and 0.89.
    """
    for data, ceiling in ((load_happy(), 0.7), (load_signs(), 0.5)):
        x = data.x_train.reshape(len(data.x_train), -1).astype(np.float32)
        means = np.stack([x[data.y_train == k].mean(axis=0) for k in range(len(data.classes))])
        test = data.x_test.reshape(len(data.x_test), -1).astype(np.float32)
        guess = np.argmin(((test[:, None, :] - means[None]) ** 2).sum(-1), axis=1)
        assert np.mean(guess == data.y_test) < ceiling


def _copy_data(tmp_path, monkeypatch):
    for name in ("happy", "signs"):
        shutil.copytree(paths.data_dir() / name, tmp_path / name)
    entries = {k: v for k, v in paths.manifest().items() if k.split("/")[0] in {"happy", "signs"}}
    (tmp_path / "MANIFEST.json").write_text(json.dumps({"files": entries}))
    monkeypatch.setenv(paths.DATA_ENV_VAR, str(tmp_path))


def test_missing_file_names_itself_and_make_data(tmp_path, monkeypatch) -> None:
    _copy_data(tmp_path, monkeypatch)
    (tmp_path / "signs" / "test_signs.h5").unlink()
    with pytest.raises(paths.AssetError, match=r"(?s)test_signs\.h5.*make data"):
        load_signs()


def test_corrupt_file_names_itself_and_make_data(tmp_path, monkeypatch) -> None:
    _copy_data(tmp_path, monkeypatch)
    target = tmp_path / "happy" / "train_happy.h5"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(paths.AssetError, match=r"(?s)train_happy\.h5.*make data"):
        load_happy()


def test_missing_key_names_file_key_and_make_data(tmp_path, monkeypatch) -> None:
    """A file that passes the manifest check but lacks a key (e.g. written by an old recipe)."""
    _copy_data(tmp_path, monkeypatch)
    target = tmp_path / "happy" / "test_happy.h5"
    with h5py.File(target, "a") as handle:
        del handle["test_set_y"]
    manifest = json.loads((tmp_path / "MANIFEST.json").read_text())
    del manifest["files"]["happy/test_happy.h5"]  # no entry: only the key check can catch it
    (tmp_path / "MANIFEST.json").write_text(json.dumps(manifest))
    with pytest.raises(paths.AssetError, match=r"(?s)test_happy\.h5.*test_set_y.*make data"):
        load_happy()


def test_manifest_update_keeps_other_entries(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(paths.DATA_ENV_VAR, str(tmp_path))
    other = {"size": 1, "sha256": "0" * 64, "rebuild": "python -m other"}
    (tmp_path / "MANIFEST.json").write_text(json.dumps({"files": {"zzz/weights.h5": other}}))
    x, y = happy.generate(2, 0)
    written = write_split(tmp_path / "happy" / "test_happy.h5", "test", x, y, happy.CLASSES)
    update_manifest([written], "make data")
    files = json.loads((tmp_path / "MANIFEST.json").read_text())["files"]
    assert list(files) == ["happy/test_happy.h5", "zzz/weights.h5"]
    assert files["zzz/weights.h5"] == other
    assert files["happy/test_happy.h5"]["sha256"] == paths.sha256_of(written)
    assert files["happy/test_happy.h5"]["rebuild"] == "make data"


def test_make_data_can_rebuild_one_dataset(tmp_path, monkeypatch) -> None:
    from course_tools.cli import main

    monkeypatch.setenv(paths.DATA_ENV_VAR, str(tmp_path))
    assert main(["data", "--only", "happy"]) == 0
    for split in ("train", "test"):
        relative = f"happy/{split}_happy.h5"
        assert (tmp_path / relative).read_bytes() == (paths.REPO_ROOT / "data" / relative).read_bytes()
    assert sorted(json.loads((tmp_path / "MANIFEST.json").read_text())["files"]) == [
        "happy/test_happy.h5",
        "happy/train_happy.h5",
    ]


def _shipped_split(name: str, split: str) -> tuple[np.ndarray, np.ndarray]:
    relative = f"{name}/{split}_{name}.h5"
    x, y, _ = read_split(paths.asset(relative), split, relative)
    return x, y


def _happy_and_signs_test_splits() -> None:
    for module, name in ((happy, "happy"), (signs, "signs")):
        x, y = module.generate(*module.SPLITS["test"])
        shipped_x, shipped_y = _shipped_split(name, "test")
        assert np.array_equal(x, shipped_x) and np.array_equal(y, shipped_y), f"{name}: test split differs"


def _transfer_samples() -> None:
    n, seed = transfer.SOURCE_SPLITS["val"]
    x, y = transfer.generate_source(n, seed, start=n - 5)
    shipped_x, shipped_y = _shipped_split("transfer_source", "val")
    assert np.array_equal(x, shipped_x[-5:]) and np.array_equal(y, shipped_y[-5:]), "transfer_source differs"
    for label in transfer.TARGET_COUNTS:
        (image,) = transfer.generate_target(label, [7])
        shipped = paths.asset(f"owls/{label}/{label}_007.png").read_bytes()
        assert png_bytes(image) == shipped, f"owls/{label}/{label}_007.png differs"


def _driving_samples() -> None:
    for folder, size, splits in (
        ("driving", driving.DETECTION_SIZE, driving.DETECTION_SPLITS),
        ("driving_seg", driving.SEGMENTATION_SIZE, driving.SEGMENTATION_SPLITS),
    ):
        n, seed = splits["test"]
        scene = driving.stored_scene(seed, n - 1, size)
        name = f"{n - 1:05d}.png"
        assert png_bytes(scene.image) == paths.asset(f"{folder}/test/images/{name}").read_bytes(), folder
        if folder == "driving_seg":
            assert png_bytes(scene.mask) == paths.asset(f"{folder}/test/masks/{name}").read_bytes(), folder
        else:
            rows = paths.asset("driving/test/boxes.csv").read_text().splitlines()
            shipped = [row for row in rows if row.startswith(name + ",")]
            assert shipped == [f"{name},{c},{x0},{y0},{x1},{y1}" for c, x0, y0, x1, y1 in scene.boxes]


def _faces_samples() -> None:
    shipped = paths.asset("faces/heldout/h0123/5.png").read_bytes()
    assert face_ids.stored_png(face_ids.picture("heldout", 123, 5)) == shipped, "faces/heldout/h0123/5.png differs"
    labels = paths.asset(f"faces/camera/{face_ids.LABELS_FILE}").read_bytes()
    assert face_ids.labels_csv() == labels, "faces/camera/labels.csv differs"


@pytest.mark.parametrize("check", [_happy_and_signs_test_splits, _transfer_samples, _driving_samples, _faces_samples])
def test_a_sample_of_every_shipped_dataset_regenerates_exactly(check) -> None:
    """The shipped files are what the recipes draw today (a full rebuild is `make data`)."""
    check()


def test_every_dataset_has_a_regeneration_check() -> None:
    checked = {"happy", "signs", "transfer_source", "owls", "driving", "driving_seg", "faces"}
    checked.add("style_images")  # every picture, in test_style_images.py
    assert checked == set(DATASETS), "add a sample of the new dataset to the regeneration checks above"
