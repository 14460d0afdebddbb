"""Fast checks of shared_utils.plotting: figures have the panels and titles the notebooks rely on,
nothing is written to stderr, and EpochLogger prints one line per epoch."""

from __future__ import annotations

import io
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from shared_utils import plotting


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _visible_axes(fig) -> list:
    return [ax for ax in fig.axes if ax.get_images() or ax.lines]


def _titles(fig) -> list[str]:
    return [ax.get_title() for ax in _visible_axes(fig)]


def test_show_images_uint8_grid_and_titles(capsys):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(10, 8, 8, 3), dtype=np.uint8)
    fig = plotting.show_images(images, titles=[f"img {i}" for i in range(10)], ncols=4)
    assert len(fig.axes) == 12  # 3 rows of 4, the last two left empty
    assert len(_visible_axes(fig)) == 10
    assert _titles(fig) == [f"img {i}" for i in range(10)]
    assert all(not ax.axison for ax in fig.axes)
    assert capsys.readouterr().err == ""


def test_show_images_float_and_grayscale(capsys):
    rng = np.random.default_rng(1)
    floats = rng.uniform(-0.01, 1.01, size=(3, 5, 5, 3))  # slightly out of range: clipped, no warning
    fig = plotting.show_images(floats)
    for ax in _visible_axes(fig):
        data = ax.get_images()[0].get_array()
        assert data.min() >= 0.0 and data.max() <= 1.0
    gray = plotting.show_images(rng.uniform(size=(2, 5, 5, 1)), titles=["a", "b"])
    assert [ax.get_images()[0].get_array().ndim for ax in _visible_axes(gray)] == [2, 2]
    assert capsys.readouterr().err == ""


def test_show_images_rejects_mismatched_titles():
    with pytest.raises(ValueError, match="titles"):
        plotting.show_images(np.zeros((3, 4, 4, 3)), titles=["only one"])


def test_show_predictions_marks_wrong_ones_in_red():
    images = np.zeros((4, 6, 6, 3), dtype=np.uint8)
    probabilities = np.eye(3)[[0, 1, 2, 2]]  # softmax-like rows
    truth = np.array([0, 1, 1, 2])
    fig = plotting.show_predictions(images, probabilities, truth, class_names=["cat", "dog", "cow"], ncols=2)
    axes = _visible_axes(fig)
    assert [ax.get_title() for ax in axes] == ["cat / cat", "dog / dog", "cow / dog", "cow / cow"]
    red = matplotlib.colors.to_rgba(plotting.WRONG_COLOR)
    colors = [matplotlib.colors.to_rgba(ax.title.get_color()) for ax in axes]
    assert [c == red for c in colors] == [False, False, True, False]
    assert "1 of 4 wrong" in fig.get_suptitle()


def test_show_predictions_sigmoid_outputs_and_one_hot_truth():
    images = np.zeros((3, 4, 4, 3))
    sigmoid = np.array([[0.9], [0.2], [0.6]])
    one_hot = np.eye(2)[[1, 0, 0]]
    fig = plotting.show_predictions(images, sigmoid, one_hot, class_names=["no", "yes"])
    assert _titles(fig) == ["yes / yes", "no / no", "yes / no"]
    with pytest.raises(ValueError, match="same number"):
        plotting.show_predictions(images, sigmoid[:2], one_hot)


def test_plot_history_panels_curves_and_markers():
    history = {
        "loss": [1.0, 0.7, 0.5, 0.4],
        "accuracy": [0.5, 0.6, 0.7, 0.8],
        "val_loss": [1.1, 0.8, 0.6, 0.6],
        "val_accuracy": [0.4, 0.6, 0.65, 0.7],
    }
    fig = plotting.plot_history(history, markers={"fine-tuning": 2.5})
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    for ax in fig.axes:
        labels = [line.get_label() for line in ax.lines]
        assert labels == ["train", "validation", "fine-tuning"]
        np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2, 3, 4])


class _FakeHistory:
    history = {"loss": [0.3, 0.2], "mae": [1.0, 0.9]}


def test_plot_history_accepts_history_objects_and_reports_missing_metrics():
    fig = plotting.plot_history(_FakeHistory(), metrics=("mae",))
    assert len(fig.axes) == 1 and [line.get_label() for line in fig.axes[0].lines] == ["train"]
    with pytest.raises(KeyError, match="accuracy"):
        plotting.plot_history(_FakeHistory())


def test_plot_learning_rate_samples_the_schedule_in_epochs():
    def schedule(step):  # held for 30 steps, then halved
        return 0.01 if step < 30 else 0.005

    fig = plotting.plot_learning_rate(schedule, steps=40, steps_per_epoch=10)
    (line,) = fig.axes[0].lines
    np.testing.assert_allclose(line.get_xdata(), np.arange(40) / 10)
    np.testing.assert_allclose(line.get_ydata(), [0.01] * 30 + [0.005] * 10)
    assert fig.axes[0].get_xlabel() == "epoch"
    many = plotting.plot_learning_rate(lambda step: 1.0 / (1 + step), steps=5000)
    assert len(many.axes[0].lines[0].get_xdata()) == 200 and many.axes[0].get_xlabel() == "step"
    with pytest.raises(ValueError, match="at least one step"):
        plotting.plot_learning_rate(schedule, steps=0)


def test_format_epoch_line():
    logs = {"accuracy": 0.78125, "loss": 0.51234, "val_accuracy": 0.76, "val_loss": 0.6}  # Keras' order
    line = plotting.format_epoch(3, 20, logs, 1.234)
    assert line == "epoch  3/20  loss 0.5123  accuracy 0.7812  val_loss 0.6  val_accuracy 0.76  (1.2 s)"


def test_importing_plotting_does_not_import_tensorflow():
    code = "import sys; from shared_utils import plotting; print('tensorflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
    assert result.stderr == ""


def test_epoch_logger_prints_one_line_per_epoch_on_stdout():
    """A two-epoch fit of a tiny model: the lines land on stdout and nothing on stderr."""
    code = """
from shared_utils import plotting, runtime
tf = runtime.load_tensorflow()
import keras, numpy as np
runtime.seed_everything(0)
model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
y = (x[:, 0] > 0).astype("float32")
history = model.fit(x, y, epochs=3, batch_size=8, validation_data=(x, y), verbose=0,
                    callbacks=[plotting.EpochLogger(every=2)])
print(isinstance(plotting.EpochLogger(), keras.callbacks.Callback), len(history.history["loss"]))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.strip().splitlines()
    assert [line.split()[:2] for line in lines[:-1]] == [["epoch", "1/3"], ["epoch", "2/3"], ["epoch", "3/3"]]
    for line in lines[:-1]:
        for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
            assert f" {key} " in line
        assert line.endswith(" s)")
    assert lines[-1] == "True 3"


def test_epoch_logger_every_skips_middle_epochs():
    logger_class = plotting.EpochLogger  # built on first access
    stream = io.StringIO()
    logger = logger_class(every=5, stream=stream)
    logger.set_params({"epochs": 12})
    for epoch in range(12):
        logger.on_epoch_begin(epoch)
        logger.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1)})
    printed = [line.split()[1] for line in stream.getvalue().splitlines()]
    assert printed == ["1/12", "5/12", "10/12", "12/12"]
