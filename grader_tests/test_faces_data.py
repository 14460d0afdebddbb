"""The face-identity dataset: people stay themselves, pictures vary, splits never share a person."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from PIL import Image

from course_tools.recipes.data import drawing as dr
from course_tools.recipes.data import face_ids
from course_tools.recipes.data.storage import update_manifest
from shared_utils import paths
from shared_utils.datasets import faces as loader


def _face_layer(person: face_ids.Person, shot: face_ids.Shot) -> np.ndarray:
    """The person drawn alone (no backdrop, no light) on a transparent layer."""
    scene = dr.Scene(face_ids.SIZE)
    layer = scene.layer()
    cx, cy = layer.centre
    face_ids.draw_person(layer.draw, person, shot, cx, cy, min(scene.canvas) / 128 * shot.scale)
    return np.asarray(layer.image, dtype=np.int16)


def _share_of(layer: np.ndarray, colour: dr.Colour) -> float:
    """The share of the layer's pixels painted exactly ``colour``."""
    return float(np.all(layer[..., :3] == colour, axis=-1).mean())


# --- one picture ---------------------------------------------------------------------------------


def test_a_picture_depends_only_on_seed_person_and_number() -> None:
    first = face_ids.picture("heldout", 3, 2)
    face_ids.picture("heldout", 4, 0)  # drawing something else in between changes nothing
    assert first.shape == (96, 96, 3) and first.dtype == np.uint8
    assert first.tobytes() == face_ids.picture("heldout", 3, 2).tobytes()
    assert face_ids.stored_png(first) == face_ids.stored_png(face_ids.picture("heldout", 3, 2))
    assert face_ids.person("heldout", 3) == face_ids.person("heldout", 3)
    assert first.std() > 20, "pictures should not be flat"


def test_two_pictures_of_one_person_differ_but_show_the_same_face() -> None:
    a, b = face_ids.picture("train", 5, 0), face_ids.picture("train", 5, 1)
    assert np.abs(a.astype(int) - b.astype(int)).mean() > 10, "pose, light or backdrop should change"
    person, other = face_ids.person("train", 5), face_ids.person("train", 6)
    shots = []
    for k, shown in ((0, a), (1, b)):  # each picture: the same person, in a shot of its own
        rng = np.random.default_rng([face_ids.SPLITS["train"][2], 2, 5, k])
        shots.append(face_ids.random_shot(rng))
        assert np.array_equal(shown, face_ids.render_person(person, shots[-1], rng))
    assert shots[0] != shots[1]
    for shot in shots:  # the person's skin and hair show in both, another person's do not
        layer = _face_layer(person, shot)
        assert _share_of(layer, person.face.skin) > 0.03
        assert _share_of(layer, person.face.hair) > 0.002 or person.face.hair_style in ("none", "hat")
        assert _share_of(layer, other.face.skin) == 0


def test_different_people_look_different() -> None:
    people = [face_ids.person("train", i) for i in range(6)]
    layers = [_face_layer(p, face_ids.FRONTAL) for p in people]
    for i in range(len(people)):
        for j in range(i + 1, len(people)):
            assert people[i] != people[j]
            changed = np.any(layers[i] != layers[j], axis=-1).mean()
            assert changed > 0.02, f"people {i} and {j} look almost alike ({changed:.1%} of pixels differ)"


def test_people_vary_in_every_trait() -> None:
    people = [face_ids.person("train", i) for i in range(200)]
    assert len({p.face.hair_style for p in people}) == len(face_ids.faces.HAIR_STYLES)
    assert len({p.face.eye_style for p in people}) == len(face_ids.faces.EYE_STYLES)
    assert {p.beard for p in people} == {None, *face_ids.BEARDS}
    for share, name in (
        (np.mean([p.face.glasses is not None for p in people]), "glasses"),
        (np.mean([p.earrings is not None for p in people]), "earrings"),
        (np.mean([p.mole is not None for p in people]), "moles"),
    ):
        assert 0.05 < share < 0.5, f"{name}: {share:.0%}"
    skins = np.array([p.face.skin for p in people], dtype=float).mean(axis=1)
    assert skins.max() - skins.min() > 120, "skin tones should range from light to dark"


def test_shots_cover_every_expression_and_reject_unknown_ones() -> None:
    rng = np.random.default_rng(0)
    assert {face_ids.random_shot(rng).expression for _ in range(200)} == set(face_ids.EXPRESSIONS)
    with pytest.raises(ValueError, match="expression"):
        face_ids.random_shot(rng, "winking")
    with pytest.raises(ValueError, match="Unknown split"):
        face_ids.person("validation", 0)


# --- who is where --------------------------------------------------------------------------------


def test_train_and_heldout_people_are_disjoint() -> None:
    train = {face_ids.person("train", i) for i in range(150)}
    heldout = [face_ids.person("heldout", i) for i in range(50)]
    pool = [face_ids.named_person(i) for i in range(len(face_ids.DATABASE) + face_ids.STRANGERS)]
    assert not train & set(heldout) and not train & set(pool) and not set(heldout) & set(pool)
    assert len(set(pool)) == len(pool)
    seeds = [seed for _, _, seed in face_ids.SPLITS.values()] + [face_ids.PEOPLE_SEED]
    assert len(set(seeds)) == len(seeds)
    assert face_ids.identity_id("train", 7) != face_ids.identity_id("heldout", 7)


def test_database_names_are_unique_and_camera_labels_refer_to_them() -> None:
    names = face_ids.DATABASE
    assert len(set(names)) == len(names) and all(name.isalpha() and name.islower() for name in names)
    assert face_ids.UNKNOWN not in names
    plan = face_ids.camera_plan()
    labels = [identity for identity, _, _ in plan]
    assert set(labels) == {*names, face_ids.UNKNOWN}
    assert all(labels.count(name) == face_ids.CAMERA_PER_PERSON for name in names)
    assert labels.count(face_ids.UNKNOWN) == face_ids.STRANGERS
    for identity, index, k in plan:  # the pool index says who it is: database people first
        assert (identity == face_ids.UNKNOWN) == (index >= len(names)) and k >= 1
        if identity != face_ids.UNKNOWN:
            assert names[index] == identity
    assert len(set(labels[: face_ids.CAMERA_PER_PERSON + 1])) > 1, "the file order should not group people"
    rows = list(csv.reader(face_ids.labels_csv().decode().splitlines()))
    assert rows[0] == ["file", "identity"] and [r[1] for r in rows[1:]] == labels
    assert len({r[0] for r in rows[1:]}) == len(plan)


# --- a tiny build, read back through the loader -------------------------------------------------


@pytest.fixture
def tiny(monkeypatch: pytest.MonkeyPatch, tmp_path):
    monkeypatch.setattr(face_ids, "SPLITS", {"train": (2, 2, 4101), "heldout": (2, 3, 4102)})
    monkeypatch.setattr(face_ids, "DATABASE", ("ana", "bruno"))
    monkeypatch.setattr(face_ids, "CAMERA_PER_PERSON", 1)
    monkeypatch.setattr(face_ids, "STRANGERS", 1)
    monkeypatch.setenv(paths.DATA_ENV_VAR, str(tmp_path))
    return tmp_path


def test_a_tiny_build_writes_the_expected_files(tiny) -> None:
    (tiny / "faces" / "train" / "t0099").mkdir(parents=True)
    (tiny / "faces" / "train" / "t0099" / "0.png").write_bytes(b"stale")
    written = face_ids.build(tiny)
    relative = sorted(p.relative_to(tiny / "faces").as_posix() for p in written)
    expected = [
        "camera/camera_00.png",
        "camera/camera_01.png",
        "camera/camera_02.png",
        "camera/labels.csv",
        "database/ana.png",
        "database/bruno.png",
        "heldout/h0000/0.png",
        "heldout/h0000/1.png",
        "heldout/h0000/2.png",
        "heldout/h0001/0.png",
        "heldout/h0001/1.png",
        "heldout/h0001/2.png",
    ]  # fmt: skip  (the train people are drawn by the embedding's recipe, never stored)
    assert relative == expected
    on_disk = sorted(p.relative_to(tiny / "faces").as_posix() for p in (tiny / "faces").rglob("*") if p.is_file())
    assert on_disk == expected, "a previous build's files (here a train folder) were left behind"
    shipped = (tiny / "faces" / "heldout" / "h0000" / "2.png").read_bytes()
    assert shipped == face_ids.stored_png(face_ids.picture("heldout", 0, 2))
    with Image.open(tiny / "faces" / "database" / "ana.png") as image:
        assert image.mode == "P" and image.size == (96, 96)
        assert len(image.getcolors()) <= face_ids.STORED_COLOURS
    assert [p.read_bytes() for p in written[:3]] == [p.read_bytes() for p in face_ids.build(tiny)[:3]]


def test_the_loader_reads_a_tiny_build(tiny) -> None:
    with pytest.raises(paths.AssetError, match="make data"):
        loader.identities("heldout")
    update_manifest(face_ids.build(tiny), "make data")
    assert loader.identities("heldout") == ["h0000", "h0001"]
    image_paths, ids = loader.pictures("heldout")
    assert ids == ["h0000"] * 3 + ["h0001"] * 3
    assert [p.rsplit("/", 1)[1] for p in image_paths] == ["0.png", "1.png", "2.png"] * 2
    assert loader.identity_paths("heldout", "h0001")[1].endswith("faces/heldout/h0001/1.png")
    database = loader.database_paths()
    assert list(database) == ["ana", "bruno"]
    camera = loader.camera_pictures()
    assert len(camera) == 3 and {who for _, who in camera} == {"ana", "bruno", loader.UNKNOWN}
    pictures = loader.load_images([database["ana"], camera[0][0]])
    assert pictures.shape == (2, 96, 96, 3) and pictures.dtype == np.uint8
    np.testing.assert_array_equal(pictures[0], np.asarray(Image.open(database["ana"]).convert("RGB")))
    for split in ("test", "train"):  # the training people are not stored
        with pytest.raises(ValueError, match="Unknown split"):
            loader.pictures(split)
    (tiny / "faces" / "database" / "bruno.png").unlink()
    with pytest.raises(paths.AssetError, match="bruno.png"):
        loader.database_paths()


def test_loader_constants_match_the_generator() -> None:
    assert loader.NAME == face_ids.NAME
    assert loader.SPLITS == face_ids.SHIPPED_SPLITS and "train" not in loader.SPLITS
    assert loader.IMAGE_SIZE == (face_ids.SIZE, face_ids.SIZE)
    assert loader.UNKNOWN == face_ids.UNKNOWN
    assert loader.LABELS_FILE == f"{face_ids.NAME}/camera/{face_ids.LABELS_FILE}"


# --- the shipped files ---------------------------------------------------------------------------


def test_the_shipped_files_regenerate_byte_for_byte() -> None:
    """A sample of data/faces/ (checked against the manifest) is exactly what the generator draws."""
    heldout = paths.asset("faces/heldout/h0123/5.png").read_bytes()
    assert heldout == face_ids.stored_png(face_ids.picture("heldout", 123, 5))
    database = paths.asset("faces/database/kira.png").read_bytes()
    assert database == face_ids.stored_png(face_ids.database_picture("kira"))
    position, (_, index, k) = 7, face_ids.camera_plan()[7]
    camera = paths.asset(f"faces/camera/{face_ids.camera_file(position)}").read_bytes()
    assert camera == face_ids.stored_png(face_ids.camera_picture(index, k))
    assert paths.asset(loader.LABELS_FILE).read_bytes() == face_ids.labels_csv()


def test_the_shipped_dataset_has_every_heldout_person_and_no_train_folder() -> None:
    people, per_person, _ = face_ids.SPLITS["heldout"]
    listed = [key for key in paths.manifest() if key.startswith("faces/")]
    assert not [key for key in listed if key.startswith("faces/train/")], "train people are drawn, not stored"
    assert sum(key.startswith("faces/heldout/") for key in listed) == people * per_person
    assert sum(key.startswith("faces/database/") for key in listed) == len(face_ids.DATABASE)
    camera = len(face_ids.DATABASE) * face_ids.CAMERA_PER_PERSON + face_ids.STRANGERS
    assert sum(key.startswith("faces/camera/") for key in listed) == camera + 1  # and labels.csv
    assert sum(paths.manifest()[key]["size"] for key in listed) < 6e6, "the faces should stay small"
