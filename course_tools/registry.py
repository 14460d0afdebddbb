"""The one list of what the course is made of: assignments, datasets, pretrained weights, figures.

The command line, ``make bench``, the tests and the README's table all read this module, so adding
an assignment is one entry here plus its files (see CONTRIBUTING.md).  Builders are named as
``"module:function"`` strings and imported only when used: reading the registry loads no drawing,
training or grading code.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from shared_utils.paths import REPO_ROOT

SOURCE = REPO_ROOT / "source"
RELEASE = REPO_ROOT / "release"


def resolve(target: str) -> Callable:
    """The function named by ``"package.module:function"``."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class Dataset:
    """A dataset under ``data/<name>/``, written by ``builder(data_dir) -> list[Path]``."""

    name: str
    builder: str
    description: str

    @property
    def command(self) -> str:
        return f"python -m course_tools data --only {self.name}"


@dataclass(frozen=True)
class Weights:
    """Pretrained weights under ``data/pretrained/<name>/``, trained by a recipe module's ``RECIPE``."""

    name: str
    recipe: str  # module holding ``RECIPE``, an instance of recipes.weights.base.Recipe
    description: str

    @property
    def command(self) -> str:
        return f"python -m course_tools pretrain {self.name}"


@dataclass(frozen=True)
class Assignment:
    """One assignment: ``source/<name>/<notebook>.ipynb`` plus what it needs."""

    name: str
    notebook_name: str
    summary: str  # "what you build", for the README's table
    datasets: tuple[str, ...] = ()
    weights: tuple[str, ...] = ()
    student_budget: float = 180.0  # seconds on the reference machine, top to bottom with full training
    autograde_budget: float = 60.0  # seconds on the reference machine
    figures: bool = True  # course_tools/figures/<name>.py draws source/<name>/images/

    @property
    def source_dir(self) -> Path:
        return SOURCE / self.name

    @property
    def source_notebook(self) -> Path:
        return self.source_dir / f"{self.notebook_name}.ipynb"

    @property
    def release_notebook(self) -> Path:
        return RELEASE / self.name / f"{self.notebook_name}.ipynb"

    @property
    def figure_module(self) -> str:
        return f"course_tools.figures.{self.name}"


DATASETS = {
    d.name: d
    for d in (
        Dataset("happy", "course_tools.recipes.data.happy:build", "64 x 64 faces, smiling or not (HDF5)"),
        Dataset("signs", "course_tools.recipes.data.signs:build", "64 x 64 hands showing 0-5 fingers (HDF5)"),
        Dataset(
            "transfer_source",
            "course_tools.recipes.data.transfer:build_source",
            "96 x 96 cartoons of 12 kinds of creatures and plants, for pretraining (HDF5)",
        ),
        Dataset(
            "owls",
            "course_tools.recipes.data.transfer:build_target",
            "96 x 96 owls and not-owls in class folders (PNG)",
        ),
        Dataset(
            "driving",
            "course_tools.recipes.data.driving:build_detection",
            "256 x 192 dash-cam scenes with boxes of cars, trucks, buses, pedestrians and traffic lights (PNG + CSV)",
        ),
        Dataset(
            "driving_seg",
            "course_tools.recipes.data.driving:build_segmentation",
            "128 x 96 dash-cam scenes with a class per pixel, 10 classes (PNG image/mask pairs)",
        ),
        Dataset(
            "faces",
            "course_tools.recipes.data.face_ids:build",
            "96 x 96 cartoon people: held-out identities, a door's database and its camera pictures (PNG)",
        ),
        Dataset(
            "style_images",
            "course_tools.recipes.data.art:build",
            "content and painterly style pictures for neural style transfer (PNG)",
        ),
    )
}

WEIGHTS = {
    w.name: w
    for w in (
        Weights(
            "mobilenet_v2",
            "course_tools.recipes.weights.mobilenet_v2",
            "MobileNetV2 (alpha 0.35, 96 x 96) pretrained on transfer_source",
        ),
        Weights(
            "resnet50_signs",
            "course_tools.recipes.weights.resnet50_signs",
            "the course's ResNet50 trained on signs",
        ),
        Weights(
            "yolo_driving",
            "course_tools.recipes.weights.yolo_driving",
            "a YOLOv2-style detector trained on driving scenes",
        ),
        Weights(
            "face_embedding",
            "course_tools.recipes.weights.face_embedding",
            "a CNN mapping a face to a 128-d unit vector, trained with triplet loss on cartoon people",
        ),
        Weights(
            "vgg19_course",
            "course_tools.recipes.weights.vgg19_course",
            "a slim network with VGG19's layers and names, trained on the course's pictures",
        ),
    )
}

ASSIGNMENTS = (
    Assignment(
        "w1a1_convolution_step_by_step",
        "Convolution_Step_by_Step",
        "convolution and pooling in numpy, forward and backward, with a gradient check",
    ),
    Assignment(
        "w1a2_convolution_application",
        "Convolution_Application",
        "a smile detector (Sequential API) and a finger-counting ConvNet (Functional API)",
        datasets=("happy", "signs"),
    ),
    Assignment(
        "w2a1_residual_networks",
        "Residual_Networks",
        "identity and convolutional blocks, ResNet50, and a course-pretrained ResNet50 on the finger counts",
        datasets=("signs",),
        weights=("resnet50_signs",),
        student_budget=300.0,
    ),
    Assignment(
        "w2a2_transfer_learning",
        "Transfer_Learning",
        "an owl detector on a course-pretrained MobileNetV2: frozen base vs from scratch, then fine-tuning",
        datasets=("owls", "transfer_source"),
        weights=("mobilenet_v2",),
    ),
    Assignment(
        "w3a1_car_detection_yolo",
        "Car_Detection_YOLO",
        "box filtering, IoU and non-max suppression around a course-pretrained YOLO detector, scored with mAP",
        datasets=("driving",),
        weights=("yolo_driving",),
    ),
    Assignment(
        "w3a2_unet_segmentation",
        "Image_Segmentation_Unet",
        "a U-Net that labels every pixel of a dash-cam scene (road, cars, people, ...), with per-class IoU",
        datasets=("driving_seg",),
    ),
    Assignment(
        "w4a1_face_recognition",
        "Face_Recognition",
        "triplet loss, face verification and recognition with a course-pretrained 128-d face embedding",
        datasets=("faces",),
        weights=("face_embedding",),
    ),
    Assignment(
        "w4a2_neural_style_transfer",
        "Art_Generation_with_Neural_Style_Transfer",
        "content and style costs, and a picture repainted in a painting's style by gradient descent",
        datasets=("style_images",),
        weights=("vgg19_course",),
        student_budget=300.0,
    ),
)


def assignments(names: list[str] | None = None) -> list[Assignment]:
    """All assignments in course order, or the named ones."""
    if not names:
        return list(ASSIGNMENTS)
    known = {a.name: a for a in ASSIGNMENTS}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SystemExit(f"Unknown assignment(s): {', '.join(unknown)}. Known: {', '.join(known)}")
    return [known[name] for name in names]


def readme_table() -> str:
    """The README's table of assignments (a test keeps the README in step with it)."""
    lines = ["| assignment | notebook | what you build |", "|---|---|---|"]
    lines += [f"| `{a.name}` | `{a.notebook_name}.ipynb` | {a.summary} |" for a in ASSIGNMENTS]
    return "\n".join(lines)
