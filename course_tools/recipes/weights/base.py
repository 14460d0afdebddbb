"""One pattern for every set of course-pretrained weights.

A recipe trains a network from random initialisation on the course's own data, on the CPU (an
accelerator only makes it faster).  :class:`Recipe` does everything around the training that all
recipes share: command-line options, seeding, a progress bar, timing, saving the files atomically,
the model card and the manifest entries.  A new network subclasses it and writes ``train``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from shared_utils import paths, runtime

from ...speed import REFERENCE_SECONDS, on_reference_machine, reference_workload
from ..data.storage import update_manifest

LICENCE = "CC0-1.0"


@dataclass
class Trained:
    """What ``Recipe.train`` hands back: the files to write and what the model card says."""

    files: dict[str, Callable[[Path], None]]  # file name -> function that writes it to a path
    card: str  # markdown sections of the model card: data, training, quality, intended use
    summary: str = ""  # one line printed at the end
    metrics: dict[str, float] = field(default_factory=dict)


class Recipe:
    """Subclass with ``name``, ``title``, ``options`` (defaults) and ``train``."""

    name: str = ""
    title: str = ""
    options: dict[str, object] = {}  # option name (underscores) -> default; types follow the defaults

    @property
    def folder(self) -> str:
        return f"pretrained/{self.name}"

    @property
    def command(self) -> str:
        return f"python -m course_tools pretrain {self.name}"

    def parser(self) -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(prog=self.command, description=type(self).__doc__)
        for option, default in {"seed": 0, **self.options}.items():
            flag = "--" + option.replace("_", "-")
            if isinstance(default, bool):
                parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=default)
            else:
                kind = type(default) if default is not None else int
                parser.add_argument(flag, type=kind, default=default)
        return parser

    def train(self, args: argparse.Namespace) -> Trained:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, argv: Sequence[str] | None = None) -> int:
        """Run the recipe: train, then write the files, the model card and the manifest entries."""
        args = self.parser().parse_args(list(argv or []))
        runtime.load_tensorflow()
        workload = reference_workload()  # how fast this machine is, for the model card
        runtime.seed_everything(args.seed)
        start = time.perf_counter()
        trained = self.train(args)
        seconds = time.perf_counter() - start
        workload = (workload + reference_workload()) / 2
        folder = paths.data_dir() / self.folder
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for file_name, write in trained.files.items():
            target = folder / file_name
            partial = target.with_name("partial_" + target.name)
            write(partial)
            os.replace(partial, target)  # a crash never leaves a half-written file under the real name
            written.append(target)
        card = folder / "MODEL_CARD.md"
        card.write_text(self.model_card(args, trained, seconds, workload), encoding="utf-8")
        update_manifest([*written, card], self.command, prune=f"{self.folder}/")
        for path in written:
            print(f"Wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
        print(f"Wrote {card}. {trained.summary}".rstrip())
        return 0

    def model_card(self, args: argparse.Namespace, trained: Trained, seconds: float, workload: float) -> str:
        import keras
        import tensorflow as tf

        changed = [
            f"--{key.replace('_', '-')} {value}"
            for key, value in vars(args).items()
            if value != {"seed": 0, **self.options}.get(key)
        ]
        command = " ".join([self.command, *changed])
        cpu = f"{platform.machine()}, {os.cpu_count()} logical CPU cores"
        return (
            f"# {self.title}\n\n"
            f"- Recipe: `{command}` (all options: `{self.command} --help`).\n"
            f"- Training time: {seconds / 60:.1f} minutes on {cpu}; TensorFlow {tf.__version__}, "
            f"Keras {keras.__version__}. The reference workload (`course_tools/speed.py`) took "
            f"{workload:.1f} s here and takes {REFERENCE_SECONDS:.2f} s on the reference machine, where "
            f"the training would take about {on_reference_machine(seconds, workload) / 60:.0f} minutes.\n"
            f"- Licence: {LICENCE}. Trained from random initialisation on data the course generates; "
            "nothing was downloaded.\n\n"
            f"{trained.card.strip()}\n"
        )


def train_with_progress(model, train, val, epochs: int, steps: int, bn_momentum: float | None = None):
    """``model.fit`` with one progress bar and a line per epoch; optionally with another batch
    normalization momentum while training (a setting of training, not part of the weights)."""
    import keras

    if bn_momentum is not None:
        for layer in model.layers:
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.momentum = bn_momentum
    return model.fit(
        train, epochs=epochs, validation_data=val, verbose=0, callbacks=[progress_bar(epochs, steps, format_logs)]
    )


def progress_bar(epochs: int, steps: int, every_epoch: Callable[[int, dict], str] | None = None):
    """A Keras callback drawing one tqdm bar over all training steps, with the latest metrics."""
    import keras
    from tqdm.auto import tqdm

    class ProgressBar(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.bar = tqdm(total=epochs * steps, unit="step", dynamic_ncols=True)

        def on_train_batch_end(self, batch, logs=None):
            self.bar.update(1)
            if logs and batch % 5 == 0:
                self.bar.set_postfix({k: f"{float(v):.3f}" for k, v in logs.items()}, refresh=False)

        def on_epoch_end(self, epoch, logs=None):
            if every_epoch is not None:
                self.bar.write(every_epoch(epoch, logs or {}))

        def on_train_end(self, logs=None):
            self.bar.close()

        def write(self, line: str) -> None:
            """Print ``line`` above the bar (before training starts: print it)."""
            if hasattr(self, "bar"):
                self.bar.write(line)
            else:
                print(line, flush=True)

    return ProgressBar()


def report_during_training(
    when: Callable[[int], bool], report: Callable[[int, dict], str], write: Callable[[str], None]
):
    """A Keras callback that writes ``report(step, logs)`` (e.g. a validation score) after each
    training step ``step`` (counted from 1) for which ``when(step)``; ``write`` is the progress
    bar's own ``write``, so that the line does not break the bar, or ``print``."""
    import keras

    class Report(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if when(batch + 1):
                write(report(batch + 1, logs or {}))

    return Report()


def format_logs(epoch: int, logs: dict) -> str:
    """``epoch 3  loss 0.512  accuracy 0.781  val_accuracy 0.760`` for the progress bar's log lines."""
    values = "  ".join(f"{name} {float(value):.4f}" for name, value in logs.items())
    return f"epoch {epoch + 1}  {values}"
