"""A pixel-level baseline: softmax (logistic) regression on raw pixels, in plain NumPy.

It answers "does this dataset need a convolutional network?".  If a linear model on pixels
already did well, the images would carry the label in fixed pixel positions or in global colour,
and the course's ConvNets would prove nothing.  With two classes softmax regression is exactly
logistic regression.

Run it with ``python -m course_tools.recipes.data.baseline``.
"""

from __future__ import annotations

import numpy as np

from shared_utils.datasets import ImageDataset, load_happy, load_signs


def _features(x: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    flat = x.reshape(len(x), -1).astype(np.float32) / 255.0
    # Standardise each pixel, then shrink so that every row has a norm near 1: a step size of
    # about 1 is then stable whatever the image size.
    return (flat - mean) / std / np.float32(np.sqrt(flat.shape[1]))


def fit_softmax(
    x: np.ndarray, y: np.ndarray, n_classes: int, l2: float = 1e-4, steps: int = 1500, lr: float = 2.0
) -> tuple[np.ndarray, np.ndarray]:
    """Weights ``(d, k)`` and biases ``(k,)`` fitted by full-batch gradient descent."""
    m, d = x.shape
    weights, bias = np.zeros((d, n_classes), np.float32), np.zeros(n_classes, np.float32)
    targets = np.eye(n_classes, dtype=np.float32)[y]
    for _ in range(steps):
        logits = x @ weights + bias
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        error = (probs - targets) / m
        weights -= lr * (x.T @ error + l2 * weights)
        bias -= lr * error.sum(axis=0)
    return weights, bias


def evaluate(data: ImageDataset, l2: float = 1e-4, steps: int = 1500) -> tuple[float, float]:
    """Train and test accuracy of the pixel baseline on ``data``."""
    flat = data.x_train.reshape(len(data.x_train), -1).astype(np.float32) / 255.0
    mean, std = flat.mean(axis=0), flat.std(axis=0) + 1e-6
    x_train, x_test = _features(data.x_train, mean, std), _features(data.x_test, mean, std)
    weights, bias = fit_softmax(x_train, data.y_train, len(data.classes), l2=l2, steps=steps)

    def accuracy(x: np.ndarray, y: np.ndarray) -> float:
        return float(np.mean(np.argmax(x @ weights + bias, axis=1) == y))

    return accuracy(x_train, data.y_train), accuracy(x_test, data.y_test)


def accuracies() -> dict[str, float]:
    """Test accuracy of the pixel baseline on each week-1 dataset (the benchmark reports them)."""
    return {f"{name} test accuracy": evaluate(loader())[1] for name, loader in _DATASETS}


_DATASETS = (("happy", load_happy), ("signs", load_signs))


def main() -> None:
    for name, loader in _DATASETS:
        train, test = evaluate(loader())
        print(f"{name}: pixel softmax regression  train accuracy {train:.3f}  test accuracy {test:.3f}")


if __name__ == "__main__":
    main()
