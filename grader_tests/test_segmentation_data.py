"""The U-Net assignment's helpers: the driving-scene file lists, the segmentation scores and plots."""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from course_tools.recipes.data import driving
from shared_utils import metrics, paths, plotting
from shared_utils.datasets import segmentation

DATA = paths.REPO_ROOT / "data"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --- the loader ----------------------------------------------------------------------------------


def test_loader_constants_match_the_generator() -> None:
    assert segmentation.NAME == driving.SEGMENTATION_NAME
    assert segmentation.CLASSES == driving.SEGMENTATION_CLASSES
    assert segmentation.SPLITS == {split: n for split, (n, _) in driving.SEGMENTATION_SPLITS.items()}
    assert segmentation.IMAGE_SIZE == driving.SEGMENTATION_SIZE[::-1]
    assert len(segmentation.CLASS_COLOURS) == len(segmentation.CLASSES)
    assert len(set(segmentation.CLASS_COLOURS)) == len(segmentation.CLASSES), "two classes share a colour"


def test_class_names_are_read_from_the_dataset() -> None:
    assert segmentation.class_names() == segmentation.CLASSES


@pytest.mark.parametrize("split", ["train", "test"])
def test_paths_are_paired_sorted_and_in_the_manifest(split: str) -> None:
    images, masks = segmentation.image_and_mask_paths(split)
    assert len(images) == len(masks) == segmentation.SPLITS[split]
    assert images == sorted(images) and masks == sorted(masks)
    assert [Path(p).name for p in images] == [Path(p).name for p in masks]
    assert all(Path(p).parent == DATA / "driving_seg" / split / "images" for p in images)
    assert all(Path(p).parent == DATA / "driving_seg" / split / "masks" for p in masks)
    manifest = paths.manifest()
    listed = {key for key in manifest if key.startswith(f"driving_seg/{split}/")}
    on_disk = {Path(p).relative_to(DATA).as_posix() for p in images + masks}
    assert listed == on_disk


def test_pictures_and_masks_have_the_documented_formats() -> None:
    images, masks = segmentation.image_and_mask_paths("test")
    height, width = segmentation.IMAGE_SIZE
    seen = set()
    for image_path, mask_path in list(zip(images, masks))[::10]:
        with Image.open(image_path) as image:
            picture = np.asarray(image.convert("RGB"))
        with Image.open(mask_path) as mask_file:
            assert mask_file.mode == "L"
            mask = np.asarray(mask_file)
        assert picture.shape == (height, width, 3) and mask.shape == (height, width)
        assert mask.max() < len(segmentation.CLASSES)
        seen |= set(np.unique(mask).tolist())
    assert {0, 1, 7} <= seen  # sky, road and vehicles are in most scenes


def test_unknown_split_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown split"):
        segmentation.image_and_mask_paths("validation")


def test_a_missing_or_damaged_scene_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "data"
    (copy / "driving_seg").mkdir(parents=True)
    shutil.copy(DATA / "MANIFEST.json", copy / "MANIFEST.json")
    shutil.copytree(DATA / "driving_seg" / "test", copy / "driving_seg" / "test")
    shutil.copy(DATA / "driving_seg" / "classes.txt", copy / "driving_seg" / "classes.txt")
    monkeypatch.setenv(paths.DATA_ENV_VAR, str(copy))
    assert len(segmentation.image_and_mask_paths("test")[0]) == segmentation.SPLITS["test"]
    (copy / "driving_seg" / "test" / "masks" / "00007.png").unlink()
    with pytest.raises(paths.AssetError, match="00007.png"):
        segmentation.image_and_mask_paths("test")
    damaged = copy / "driving_seg" / "test" / "images" / "00003.png"
    damaged.write_bytes(damaged.read_bytes()[:-10])
    with pytest.raises(paths.AssetError, match="00003.png"):
        segmentation.image_and_mask_paths("test")


# --- the scores ----------------------------------------------------------------------------------


def _brute_force_iou(truth: np.ndarray, guess: np.ndarray, n_classes: int) -> list[float]:
    scores = []
    for c in range(n_classes):
        t, p = truth == c, guess == c
        union = np.sum(t | p)
        scores.append(np.sum(t & p) / union if union else float("nan"))
    return scores


def test_confusion_matrix_counts_every_pair() -> None:
    truth = np.array([[0, 0, 1], [2, 2, 2]])
    guess = np.array([[0, 1, 1], [2, 0, 2]])
    expected = np.array([[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    np.testing.assert_array_equal(metrics.confusion_matrix(truth, guess, 3), expected)
    # masks with a channel axis, predictions without: only the number of labels must agree
    np.testing.assert_array_equal(metrics.confusion_matrix(truth[..., None], guess.ravel(), 3), expected)
    assert metrics.confusion_matrix(truth, guess, 3).dtype == np.int64


def test_scores_match_a_brute_force_computation() -> None:
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 6, size=(4, 10, 12, 1))
    guess = np.where(rng.random(truth.shape) < 0.7, truth, rng.integers(0, 6, size=truth.shape))
    guess[guess == 5] = 4  # class 5 never predicted: IoU 0
    confusion = metrics.confusion_matrix(truth, guess, 7)  # class 6 nowhere: no IoU
    expected = _brute_force_iou(truth, guess, 7)
    np.testing.assert_allclose(metrics.class_iou(confusion), expected)
    assert metrics.class_iou(confusion)[5] == 0.0 and np.isnan(metrics.class_iou(confusion)[6])
    assert metrics.mean_iou(confusion) == pytest.approx(np.nanmean(expected))
    assert metrics.pixel_accuracy(confusion) == pytest.approx(np.mean(truth == guess))


def test_summed_tables_score_the_whole_set() -> None:
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 3, size=(5, 6, 6))
    guess = rng.integers(0, 3, size=(5, 6, 6))
    summed = sum(metrics.confusion_matrix(t, g, 3) for t, g in zip(truth, guess))
    np.testing.assert_array_equal(summed, metrics.confusion_matrix(truth, guess, 3))


def test_perfect_and_empty_predictions() -> None:
    truth = np.array([0, 1, 1, 2])
    perfect = metrics.confusion_matrix(truth, truth, 3)
    assert metrics.mean_iou(perfect) == 1.0 and metrics.pixel_accuracy(perfect) == 1.0
    empty = np.zeros((3, 3), dtype=np.int64)
    assert np.isnan(metrics.mean_iou(empty)) and np.isnan(metrics.pixel_accuracy(empty))


def test_bad_labels_are_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        metrics.confusion_matrix(np.array([0, 3]), np.array([0, 1]), 3)
    with pytest.raises(ValueError, match="labels"):
        metrics.confusion_matrix(np.array([0, 1]), np.array([0, 1, 1]), 3)


def test_class_frequencies_sum_to_one() -> None:
    masks = np.array([[0, 0, 0, 2]])
    np.testing.assert_allclose(metrics.class_frequencies(masks, 4), [0.75, 0.0, 0.25, 0.0])


# --- the plots -----------------------------------------------------------------------------------


def test_colour_mask_paints_each_class() -> None:
    mask = np.array([[0, 1], [2, 1]], dtype=np.uint8)[..., None]
    colours = [(1, 2, 3), (4, 5, 6), (7, 8, 9)]
    picture = plotting.colour_mask(mask, colours)
    assert picture.dtype == np.uint8 and picture.shape == (2, 2, 3)
    np.testing.assert_array_equal(picture[1, 0], (7, 8, 9))
    with pytest.raises(ValueError, match="colours"):
        plotting.colour_mask(np.array([[3]]), colours)


def test_show_segmentation_rows_columns_and_legend(capsys) -> None:
    rng = np.random.default_rng(0)
    images = rng.random((3, 12, 16, 3)).astype("float32")
    masks = rng.integers(0, 10, size=(3, 12, 16, 1))
    fig = plotting.show_segmentation(
        images, masks, masks, class_names=segmentation.CLASSES, colours=segmentation.CLASS_COLOURS
    )
    assert len([ax for ax in fig.axes if ax.get_images()]) == 9
    assert [ax.get_title() for ax in fig.axes[:3]] == ["picture", "true mask", "predicted mask"]
    assert len(fig.legends) == 1 and len(fig.legends[0].get_texts()) == 10
    fig = plotting.show_segmentation(images[:2], masks[:2], titles=["a", "b"])
    assert len([ax for ax in fig.axes if ax.get_images()]) == 4 and not fig.legends
    assert [ax.get_title() for ax in fig.axes] == ["a", "true mask", "b", ""]
    with pytest.raises(ValueError, match="same number"):
        plotting.show_segmentation(images, masks[:2])
    assert capsys.readouterr().err == ""


def test_plot_per_class_bars_values_and_mean() -> None:
    values = [0.9, float("nan"), 0.25]
    fig = plotting.plot_per_class(values, ["a", "b", "c"], "IoU", "IoU", mean=0.5, mean_label="mean IoU")
    ax = fig.axes[0]
    assert len(ax.patches) == 3
    texts = [t.get_text().strip() for t in ax.texts]
    assert texts == ["0.90", "n/a", "0.25"]
    assert ax.get_legend().get_texts()[0].get_text() == "mean IoU 0.50"
    fig = plotting.plot_per_class([0.5, 0.01], ["x", "y"], "share", "share", log=True, fmt="{:.1%}")
    assert fig.axes[0].get_xscale() == "log"
    with pytest.raises(ValueError, match="values"):
        plotting.plot_per_class([1.0], ["a", "b"], "t", "x")
