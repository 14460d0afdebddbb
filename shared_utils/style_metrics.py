"""Numbers that say what a style-transfer result kept and what it took (numpy only).

A repainted picture should keep the *structure* of the content picture (where the edges and the
large shapes are) and take the *palette and texture* of the style picture. Two simple measures
show it without any network:

* :func:`ssim` of the two pictures after a :func:`gaussian_blur` compares their large shapes and
  ignores the fine texture the style adds (1 = the same structure, 0 = unrelated);
* :func:`histogram_intersection` of their RGB colour histograms compares their palettes
  (1 = the same colours in the same amounts, 0 = no colour in common)::

    from shared_utils import style_metrics
    style_metrics.ssim(style_metrics.gaussian_blur(result, 2), style_metrics.gaussian_blur(content, 2))
    style_metrics.histogram_intersection(result, style)

Pictures are arrays of shape (H, W, 3) or (1, H, W, 3) with values in [0, 1] (uint8 pictures in
[0, 255] are accepted and scaled).
"""

from __future__ import annotations

import numpy as np


def _as_image(image) -> np.ndarray:
    """A float64 (H, W, C) array in [0, 1] from (H, W), (H, W, C) or (1, H, W, C), float or uint8."""
    array = np.asarray(image)
    if array.ndim == 4:
        if array.shape[0] != 1:
            raise ValueError(f"Expected one picture, got a batch of {array.shape[0]}.")
        array = array[0]
    if array.ndim == 2:
        array = array[..., None]
    if array.ndim != 3:
        raise ValueError(f"Expected a picture of shape (H, W, 3) or (1, H, W, 3), got {array.shape}.")
    if array.dtype == np.uint8:
        return array.astype(np.float64) / 255.0
    return array.astype(np.float64)


def _gaussian_kernel(sigma: float) -> np.ndarray:
    radius = max(1, int(np.ceil(3.0 * sigma)))
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    kernel = np.exp(-0.5 * (x / sigma) ** 2)
    return kernel / kernel.sum()


def _filter_axis(array: np.ndarray, kernel: np.ndarray, axis: int) -> np.ndarray:
    """Correlate along one axis with edges reflected, keeping the size."""
    radius = len(kernel) // 2
    pad = [(0, 0)] * array.ndim
    pad[axis] = (radius, radius)
    padded = np.pad(array, pad, mode="reflect" if array.shape[axis] > radius else "edge")
    out = np.zeros_like(array, dtype=np.float64)
    length = array.shape[axis]
    for offset, weight in enumerate(kernel):
        out += weight * np.take(padded, np.arange(offset, offset + length), axis=axis)
    return out


def gaussian_blur(image, sigma: float = 2.0) -> np.ndarray:
    """The picture blurred by a Gaussian of standard deviation ``sigma`` pixels (edges reflected).

    Arguments:
    image -- (H, W, C) or (1, H, W, C) array
    sigma -- the blur's standard deviation in pixels; 0 returns the picture unchanged

    Returns:
    blurred -- float64 array of shape (H, W, C)
    """
    array = _as_image(image)
    if sigma <= 0:
        return array.copy()
    kernel = _gaussian_kernel(float(sigma))
    return _filter_axis(_filter_axis(array, kernel, 0), kernel, 1)


def ssim(a, b, data_range: float = 1.0, sigma: float = 1.5) -> float:
    """Mean structural similarity of two pictures of the same shape (Wang et al., 2004).

    Local means, variances and covariance are taken in a Gaussian window (standard deviation
    ``sigma``), per channel; the result is the mean over all pixels and channels. 1 means the same
    picture; values near 0 mean unrelated structure.
    """
    x, y = _as_image(a), _as_image(b)
    if x.shape != y.shape:
        raise ValueError(f"The pictures have different shapes: {x.shape} and {y.shape}.")
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mu_x, mu_y = gaussian_blur(x, sigma), gaussian_blur(y, sigma)
    var_x = gaussian_blur(x * x, sigma) - mu_x**2
    var_y = gaussian_blur(y * y, sigma) - mu_y**2
    cov = gaussian_blur(x * y, sigma) - mu_x * mu_y
    index = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / ((mu_x**2 + mu_y**2 + c1) * (var_x + var_y + c2))
    return float(np.mean(index))


def colour_histogram(image, bins: int = 8) -> np.ndarray:
    """The joint RGB histogram (``bins`` levels per channel, ``bins**3`` cells), summing to 1."""
    array = _as_image(image)
    if array.shape[-1] != 3:
        raise ValueError(f"Expected an RGB picture, got {array.shape[-1]} channels.")
    levels = np.clip((np.clip(array, 0.0, 1.0) * bins).astype(int), 0, bins - 1)
    cells = (levels[..., 0] * bins + levels[..., 1]) * bins + levels[..., 2]
    counts = np.bincount(cells.ravel(), minlength=bins**3).astype(np.float64)
    return counts / counts.sum()


def histogram_intersection(a, b, bins: int = 8) -> float:
    """How much of their palettes two pictures share: ``sum(min(h_a, h_b))`` of their RGB histograms.

    1 = the same colours in the same proportions, 0 = no colour cell in common. The pictures may
    have different sizes (the histograms are normalized).
    """
    return float(np.minimum(colour_histogram(a, bins), colour_histogram(b, bins)).sum())


__all__ = ["colour_histogram", "gaussian_blur", "histogram_intersection", "ssim"]
