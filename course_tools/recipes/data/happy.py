"""The "happy" dataset: cartoon faces that smile (label 1) or do not (label 0).

Only the mouth carries the label.  Everything else — face shape, skin, hair, eyes, glasses,
background, lighting, pose — is drawn independently of it, so a model has to find the mouth and
read its shape.  Not-smiling mouths are straight lines, mild frowns, small open "o" mouths and
open frowns; smiles are curved lines or open "D" shapes, often with teeth.  Smiles and other
mouths share the same range of widths, and as many are open in both classes, so neither size nor
a dark opening gives the answer away: only the direction of the curve does.

Faces are close-ups that lean and move only a little, like passport photos: the course's happy
model is a single convolution layer followed by a dense layer, which reads the mouth at roughly
fixed places.  Every picture shows a new person (see ``faces`` for how a face is drawn).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import drawing as dr
from . import faces
from .storage import write_split

NAME = "happy"
CLASSES = list(faces.EXPRESSIONS)  # ["not smiling", "smiling"]
SPLITS = {"train": (600, 1001), "test": (150, 1002)}  # split: (number of images, seed)
SIZE = 64  # side of the pictures, in pixels


def generate(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` faces: images (n, 64, 64, 3) uint8 and labels (n,) int64, a function of ``seed``."""
    rng = np.random.default_rng(seed)
    labels = dr.balanced_labels(rng, n, len(CLASSES))
    images = np.stack([draw_face(rng, bool(label)) for label in labels]) if n else _empty()
    return images, labels


def build(out_dir: Path) -> list[Path]:
    """Write ``<out_dir>/happy/{train,test}_happy.h5`` and return their paths."""
    written = []
    for split, (n, seed) in SPLITS.items():
        x, y = generate(n, seed)
        path = Path(out_dir) / NAME / f"{split}_{NAME}.h5"
        written.append(write_split(path, split, x, y, CLASSES))
    return written


def _empty() -> np.ndarray:
    return np.zeros((0, SIZE, SIZE, 3), np.uint8)


def draw_face(rng: np.random.Generator, smiling: bool) -> np.ndarray:
    """One new person's face on a random backdrop, as a (64, 64, 3) uint8 array.

    The shipped files fix the order of the random draws: the skin, the backdrop and the face's
    offset come before the rest of the identity, then the render goes on as usual.
    """
    skin = dr.skin_tone(rng)
    backdrop = faces.face_backdrop(rng, skin, (SIZE * dr.SUPERSAMPLE,) * 2)
    offset = (rng.uniform(-3, 3), rng.uniform(-3, 3))
    spec = faces.random_face_spec(rng, skin=skin)
    return faces.render_face(spec, rng, CLASSES[int(smiling)], size=SIZE, backdrop=backdrop, offset=offset)
