"""Pictures for the notebooks: image grids, predictions beside the truth, training curves.

Every function draws with matplotlib and returns the ``Figure`` it made, so a test (or you) can
look at it afterwards.  In a notebook, assign the result (``fig = show_images(...)``) or end the
line with ``;``: Jupyter then draws the figure once instead of twice.

``EpochLogger`` is a Keras callback that prints one short line per epoch on stdout.  It replaces
Keras' progress bar, whose constant redrawing bloats saved notebooks.  It is built on first use,
so importing this module does not import TensorFlow.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

WRONG_COLOR = "tab:red"
RIGHT_COLOR = "black"


def _grid(count: int, ncols: int, figsize: tuple[float, float] | None, cell: float = 1.6):
    """A figure with enough axes for ``count`` images, ``ncols`` per row, axes frames hidden."""
    if count < 1:
        raise ValueError("There are no images to show.")
    ncols = max(1, min(ncols, count))
    nrows = math.ceil(count / ncols)
    if figsize is None:
        figsize = (cell * ncols, cell * nrows + 0.3 * nrows)
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    return fig, list(axes.flat)[:count]


def _displayable(image: Any) -> tuple[np.ndarray, str | None]:
    """An image matplotlib draws as intended, and the colour map it needs.

    uint8 images are drawn as they are; float images must already be in [0, 1] (they are clipped,
    so a tiny rounding error does not produce a warning); (H, W) and (H, W, 1) are drawn in grey.
    """
    array = np.asarray(image.numpy() if hasattr(image, "numpy") else image)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3):
        raise ValueError(f"An image must have shape (H, W) or (H, W, C), got {array.shape}.")
    if array.dtype != np.uint8:
        array = np.clip(array.astype(np.float32), 0.0, 1.0)
    return array, ("gray" if array.ndim == 2 else None)


def _scale(array: np.ndarray, cmap: str | None) -> dict[str, Any]:
    """imshow arguments that keep a grey image's brightness absolute (0 is black, 255 or 1 white)."""
    if cmap is None:
        return {}
    return {"cmap": cmap, "vmin": 0, "vmax": 255 if array.dtype == np.uint8 else 1.0}


def show_images(
    images: Sequence[Any] | np.ndarray,
    titles: Sequence[str] | None = None,
    ncols: int = 8,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Draw a grid of images, each with an optional title: the first look at a dataset.

    Arguments:
    images -- array of shape (m, H, W, C) or (m, H, W), or a list of such images; uint8 in
              [0, 255] or floats in [0, 1]
    titles -- m strings (for example the class names), or None
    ncols -- images per row
    figsize -- (width, height) in inches; by default about 1.6 inches per image

    Returns:
    fig -- the matplotlib Figure
    """
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"Got {len(images)} images but {len(titles)} titles.")
    fig, axes = _grid(len(images), ncols, figsize)
    for index, ax in enumerate(axes):
        array, cmap = _displayable(images[index])
        ax.imshow(array, **_scale(array, cmap))
        if titles is not None:
            ax.set_title(str(titles[index]), fontsize=9)
    fig.tight_layout()
    return fig


def _label(value: Any, class_names: Sequence[str] | None) -> str:
    """A class index (or a one-hot / probability vector) as a readable name."""
    array = np.asarray(value)
    if array.size > 1:
        index = int(np.argmax(array))
    else:  # a class index, or one sigmoid output rounded at 0.5
        index = int(round(float(array.ravel()[0])))
    if class_names is not None and 0 <= index < len(class_names):
        return str(class_names[index])
    return str(index)


def show_predictions(
    images: Sequence[Any] | np.ndarray,
    predicted: Sequence[Any] | np.ndarray,
    truth: Sequence[Any] | np.ndarray,
    class_names: Sequence[str] | None = None,
    ncols: int = 8,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Draw images titled "predicted / true", the wrong ones in red: where does the model fail?

    Arguments:
    images -- m images, as for ``show_images``
    predicted -- m class indices, or an (m, classes) array of probabilities (its argmax is used),
                 or (m, 1) sigmoid outputs (rounded at 0.5)
    truth -- m class indices or one-hot rows
    class_names -- names for the class indices, or None to show the indices
    ncols, figsize -- as for ``show_images``

    Returns:
    fig -- the matplotlib Figure
    """
    if not len(images) == len(predicted) == len(truth):
        raise ValueError(
            f"Got {len(images)} images, {len(predicted)} predictions and {len(truth)} true labels; "
            "they must be the same number."
        )
    fig, axes = _grid(len(images), ncols, figsize, cell=1.8)
    wrong = 0
    for index, ax in enumerate(axes):
        array, cmap = _displayable(images[index])
        ax.imshow(array, **_scale(array, cmap))
        guess, answer = _label(predicted[index], class_names), _label(truth[index], class_names)
        mistaken = guess != answer
        wrong += mistaken
        ax.set_title(f"{guess} / {answer}", fontsize=9, color=WRONG_COLOR if mistaken else RIGHT_COLOR)
    fig.suptitle(f"predicted / true  ({wrong} of {len(axes)} wrong, in red)", fontsize=10)
    fig.tight_layout()
    return fig


def _history_dict(history: Any) -> dict[str, list[float]]:
    """The ``{metric: [value per epoch]}`` table of a Keras ``History`` or of a plain dict."""
    table = getattr(history, "history", history)
    if not isinstance(table, Mapping):
        raise TypeError("Pass the History that model.fit returns, or a dict like history.history.")
    return {key: [float(v) for v in values] for key, values in table.items()}


def plot_history(
    history: Any,
    metrics: Sequence[str] = ("loss", "accuracy"),
    markers: Mapping[str, float] | None = None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Plot training and validation curves, one panel per metric: is the model still learning,
    or starting to overfit?

    Arguments:
    history -- what ``model.fit`` returns, or its ``.history`` dict (several runs can be joined
               by concatenating their lists)
    metrics -- names to plot; ``val_<name>`` is drawn beside ``<name>`` when present
    markers -- optional ``{label: epoch}`` vertical lines, e.g. ``{"fine-tuning starts": 10}``
    figsize -- (width, height) in inches; by default 4.5 x 3.2 inches per panel

    Returns:
    fig -- the matplotlib Figure
    """
    table = _history_dict(history)
    missing = [name for name in metrics if name not in table]
    if missing:
        raise KeyError(f"The history has no {missing}; it holds {sorted(table)}.")
    if figsize is None:
        figsize = (4.5 * len(metrics), 3.2)
    fig, axes = plt.subplots(1, len(metrics), figsize=figsize, squeeze=False)
    for ax, name in zip(axes[0], metrics, strict=True):
        values = table[name]
        epochs = np.arange(1, len(values) + 1)
        dots = {"marker": "o", "markersize": 3} if len(values) <= 30 else {}  # dots only while readable
        ax.plot(epochs, values, label="train", **dots)
        if f"val_{name}" in table:
            val = table[f"val_{name}"]
            ax.plot(np.arange(1, len(val) + 1), val, label="validation", **dots)
        for label, epoch in (markers or {}).items():
            ax.axvline(epoch, color="gray", linestyle="--", linewidth=1, label=label)
        ax.set_xlabel("epoch")
        ax.set_title(name)
        ax.grid(alpha=0.3)
        if len(epochs) <= 12:
            ax.set_xticks(epochs)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_learning_rate(
    schedule: Any,
    steps: int,
    steps_per_epoch: int | None = None,
    figsize: tuple[float, float] = (5.0, 2.8),
) -> Figure:
    """Draw a learning-rate schedule over a training: how large will the steps be, and when?

    Arguments:
    schedule -- a Keras ``LearningRateSchedule`` (or any function of the step number)
    steps -- the number of training steps to draw
    steps_per_epoch -- when given, the x axis counts epochs instead of steps
    figsize -- (width, height) in inches

    Returns:
    fig -- the matplotlib Figure
    """
    if steps < 1:
        raise ValueError(f"Draw at least one step, not {steps}.")
    # About 200 points draw a smooth curve; calling the schedule at every step would be slow.
    at = np.unique(np.linspace(0, steps - 1, num=min(steps, 200)).round().astype(int))
    rates = np.array([float(schedule(int(step))) for step in at])
    x = at / steps_per_epoch if steps_per_epoch else at
    fig, ax = plt.subplots(figsize=figsize)
    ax.plot(x, rates)
    ax.set_xlabel("epoch" if steps_per_epoch else "step")
    ax.set_ylabel("learning rate")
    ax.set_ylim(0, float(rates.max()) * 1.1 if rates.max() > 0 else 1.0)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def format_epoch(epoch: int, epochs: int, logs: Mapping[str, float], seconds: float) -> str:
    """One line such as ``epoch 3/20  loss 0.512  accuracy 0.781  val_accuracy 0.760  (1.2 s)``."""
    width = len(str(epochs))
    # Training numbers first, then validation ones; the loss first within each group.
    order = sorted(logs, key=lambda name: (name.startswith("val_"), name not in ("loss", "val_loss")))
    values = "  ".join(f"{name} {float(logs[name]):.4g}" for name in order)
    return f"epoch {epoch:>{width}}/{epochs}  {values}  ({seconds:.1f} s)"


def _build_epoch_logger() -> type:
    """Define ``EpochLogger`` once Keras is needed, importing it quietly through ``runtime``."""
    from shared_utils import runtime

    runtime.load_tensorflow()
    import keras

    class EpochLogger(keras.callbacks.Callback):
        """Print one line per epoch on stdout (use with ``model.fit(..., verbose=0)``).

        Arguments:
        every -- print every ``every``-th epoch (the first and the last are always printed)
        stream -- where to write; stdout by default, so nbgrader never sees it as an error
        """

        def __init__(self, every: int = 1, stream: Any = None) -> None:
            super().__init__()
            self.every = max(1, int(every))
            self.stream = stream
            self._started = 0.0

        def on_epoch_begin(self, epoch: int, logs: Mapping[str, float] | None = None) -> None:
            self._started = time.perf_counter()

        def on_epoch_end(self, epoch: int, logs: Mapping[str, float] | None = None) -> None:
            total = int(self.params.get("epochs") or epoch + 1)
            number = epoch + 1
            if number == 1 or number == total or number % self.every == 0:
                line = format_epoch(number, total, logs or {}, time.perf_counter() - self._started)
                stream = self.stream or sys.stdout
                print(line, file=stream, flush=True)

    return EpochLogger


def __getattr__(name: str) -> Any:
    """Module attribute hook: create ``EpochLogger`` the first time someone asks for it."""
    if name == "EpochLogger":
        cls = _build_epoch_logger()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- segmentation: masks in colour, image | truth | prediction rows, one bar per class -------------

# A colour per class index when none is given (masks with up to 20 classes).
MASK_COLOURS = [tuple(int(255 * c) for c in plt.get_cmap("tab20")(k)[:3]) for k in range(20)]


def colour_mask(mask: Any, colours: Sequence[Sequence[int]] | None = None) -> np.ndarray:
    """Turn a mask of class indices into an RGB picture: each class painted in its colour.

    Arguments:
    mask -- integer class indices of shape (H, W) or (H, W, 1)
    colours -- one (R, G, B) triple (0 to 255) per class, in class order; ``MASK_COLOURS`` by default

    Returns:
    picture -- uint8 array of shape (H, W, 3)
    """
    array = np.asarray(mask.numpy() if hasattr(mask, "numpy") else mask)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim != 2:
        raise ValueError(f"A mask must have shape (H, W) or (H, W, 1), got {array.shape}.")
    table = np.asarray(colours if colours is not None else MASK_COLOURS, dtype=np.uint8)
    labels = array.astype(np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= len(table)):
        raise ValueError(f"The mask holds classes {labels.min()}..{labels.max()}, but there are {len(table)} colours.")
    return table[labels]


def _legend(fig: Figure, class_names: Sequence[str], colours: Sequence[Sequence[int]], ncol: int) -> None:
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor=np.asarray(colour) / 255.0, edgecolor="#444444", label=name)
        for name, colour in zip(class_names, colours)
    ]
    fig.legend(handles=handles, loc="lower center", ncol=ncol, fontsize=8, frameon=False)


def show_segmentation(
    images: Sequence[Any] | np.ndarray,
    masks: Sequence[Any] | np.ndarray,
    predicted: Sequence[Any] | np.ndarray | None = None,
    class_names: Sequence[str] | None = None,
    colours: Sequence[Sequence[int]] | None = None,
    titles: Sequence[str] | None = None,
    cell: float = 2.6,
) -> Figure:
    """One row per scene: the picture, its true mask and (when given) the predicted mask, with a legend.

    Arguments:
    images -- m pictures (H, W, 3), uint8 or floats in [0, 1]
    masks -- m true masks of class indices, (H, W) or (H, W, 1)
    predicted -- m predicted masks of class indices, or None to show the truth only
    class_names -- the name of each class index, for the legend (no legend when None)
    colours -- one (R, G, B) triple per class; ``MASK_COLOURS`` by default
    titles -- m strings shown above each row's picture, or None
    cell -- width in inches of one panel

    Returns:
    fig -- the matplotlib Figure
    """
    count = len(images)
    if count < 1:
        raise ValueError("There are no scenes to show.")
    if len(masks) != count or (predicted is not None and len(predicted) != count):
        raise ValueError("images, masks and predicted must hold the same number of scenes.")
    if titles is not None and len(titles) != count:
        raise ValueError(f"Got {count} scenes but {len(titles)} titles.")
    colours = list(colours if colours is not None else MASK_COLOURS)
    columns = [("picture", images), ("true mask", masks)]
    if predicted is not None:
        columns.append(("predicted mask", predicted))
    first, _ = _displayable(images[0])
    aspect = first.shape[0] / first.shape[1]
    legend_rows = 0 if class_names is None else math.ceil(len(class_names) / 5)
    fig, axes = plt.subplots(
        count,
        len(columns),
        figsize=(cell * len(columns), cell * aspect * count + 0.35 * count + 0.3 * legend_rows),
        squeeze=False,
    )
    for row in range(count):
        for column, (name, values) in enumerate(columns):
            ax = axes[row, column]
            ax.axis("off")
            if column == 0:
                array, cmap = _displayable(values[row])
                ax.imshow(array, **_scale(array, cmap))
            else:
                ax.imshow(colour_mask(values[row], colours), interpolation="nearest")
            if titles is not None and column == 0:
                ax.set_title(str(titles[row]), fontsize=9)
            elif row == 0:
                ax.set_title(name, fontsize=9)
    if class_names is not None:
        _legend(fig, class_names, colours[: len(class_names)], ncol=5)
        fig.tight_layout(rect=(0, 0.07 * legend_rows / max(count, 1), 1, 1))
    else:
        fig.tight_layout()
    return fig


def plot_per_class(
    values: Sequence[float] | np.ndarray,
    class_names: Sequence[str],
    title: str,
    xlabel: str,
    colours: Sequence[Sequence[int]] | None = None,
    mean: float | None = None,
    mean_label: str = "mean",
    log: bool = False,
    fmt: str = "{:.2f}",
) -> Figure:
    """A horizontal bar per class, its value written beside it: class frequencies, per-class IoU, ...

    Arguments:
    values -- one number per class (NaN: no bar, "n/a" written instead)
    class_names -- the classes' names, in the same order
    title, xlabel -- the chart's title and the x axis's label
    colours -- one (R, G, B) triple per class for the bars; ``MASK_COLOURS`` by default
    mean -- optional value drawn as a dashed vertical line (e.g. the mean IoU)
    mean_label -- the line's label in the legend
    log -- logarithmic x axis (for shares that span several orders of magnitude)
    fmt -- how each value is written

    Returns:
    fig -- the matplotlib Figure
    """
    numbers = np.asarray(values, dtype=np.float64)
    if numbers.shape != (len(class_names),):
        raise ValueError(f"Got {numbers.size} values for {len(class_names)} classes.")
    colours = list(colours if colours is not None else MASK_COLOURS)[: len(class_names)]
    fig, ax = plt.subplots(figsize=(6.4, 0.32 * len(class_names) + 1.2))
    rows = np.arange(len(class_names))
    shown = np.where(np.isnan(numbers), 0.0, numbers)
    ax.barh(rows, shown, color=np.asarray(colours) / 255.0, edgecolor="#444444", linewidth=0.6)
    for row, value in zip(rows, numbers):
        text = "n/a" if np.isnan(value) else fmt.format(value)
        ax.text(value if not np.isnan(value) else 0.0, row, f" {text}", va="center", fontsize=8)
    if mean is not None and not np.isnan(mean):
        ax.axvline(mean, color="#444444", linestyle="--", linewidth=1, label=f"{mean_label} {fmt.format(mean)}")
        ax.legend(fontsize=8, loc="lower right")
    ax.set_yticks(rows, [str(name) for name in class_names], fontsize=9)
    ax.invert_yaxis()  # the first class on top
    if log:
        ax.set_xscale("log")
        if np.any(numbers > 0):
            ax.set_xlim(right=float(np.nanmax(numbers)) * 4)  # room for the last label
    else:
        top = float(np.nanmax(numbers)) if np.any(~np.isnan(numbers)) else 1.0
        ax.set_xlim(0, max(top, 1e-9) * 1.18)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig
