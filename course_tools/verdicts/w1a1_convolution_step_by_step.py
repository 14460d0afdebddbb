"""Trusted checks of W1A1: every graded function on inputs of other shapes, strides and paddings."""

from __future__ import annotations

import numpy as np

from .spec import Call, Check, first


def _normal(seed: int, *shape: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def _conv_case(seed: int, m: int, n_H: int, n_W: int, n_C_prev: int, f: int, n_C: int, stride: int, pad: int):
    rng = np.random.default_rng(seed)
    A_prev = rng.standard_normal((m, n_H, n_W, n_C_prev))
    W = rng.standard_normal((f, f, n_C_prev, n_C))
    b = rng.standard_normal((1, 1, 1, n_C))
    return A_prev, W, b, {"stride": stride, "pad": pad}


# (seed, m, n_H, n_W, n_C_prev, f, n_C, stride, pad): strides, paddings, odd and even sizes, f = 1
_CONV_CASES = [
    (11, 2, 5, 7, 3, 3, 2, 1, 1),
    (12, 1, 6, 6, 2, 2, 3, 2, 0),
    (13, 3, 7, 5, 1, 3, 1, 2, 2),
    (14, 1, 4, 4, 2, 1, 2, 1, 0),
    (15, 2, 8, 6, 2, 4, 2, 3, 1),
]
# (seed, m, n_H, n_W, n_C, f, stride): overlapping windows (f > stride) and windows that skip pixels
_POOL_CASES = [
    (21, 2, 5, 5, 3, 3, 1),
    (22, 1, 6, 8, 2, 2, 2),
    (23, 3, 7, 6, 1, 3, 2),
    (24, 1, 5, 7, 2, 2, 3),
]


def _conv_backward_case(seed: int, *case: int):
    A_prev, W, b, hparameters = _conv_case(seed, *case)
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    f, stride, pad = W.shape[0], hparameters["stride"], hparameters["pad"]
    n_H = (n_H_prev - f + 2 * pad) // stride + 1
    n_W = (n_W_prev - f + 2 * pad) // stride + 1
    dZ = _normal(seed + 100, m, n_H, n_W, W.shape[3])
    return dZ, (A_prev, W, b, hparameters)


def _pool_backward_case(seed: int, m: int, n_H: int, n_W: int, n_C: int, f: int, stride: int):
    A_prev = _normal(seed, m, n_H, n_W, n_C)
    dA = _normal(seed + 100, m, (n_H - f) // stride + 1, (n_W - f) // stride + 1, n_C)
    return dA, (A_prev, {"f": f, "stride": stride})


def checks() -> list[Check]:
    return [
        Check(
            "test_zero_pad",
            [
                Call("zero_pad", (_normal(1, 2, 3, 4, 3), 1)),
                Call("zero_pad", (_normal(2, 1, 2, 5, 1), 3)),
                Call("zero_pad", (_normal(3, 3, 4, 4, 2), 0)),
            ],
        ),
        Check(
            "test_conv_single_step",
            [
                Call("conv_single_step", (_normal(s, f, f, c), _normal(s + 50, f, f, c), _normal(s + 90, 1, 1, 1)))
                for s, (f, c) in enumerate([(1, 1), (2, 3), (3, 5), (5, 2)], start=30)
            ],
        ),
        Check(
            "test_conv_forward",
            [
                Call("conv_forward", _conv_case(*case), pick=first, callees=("zero_pad", "conv_single_step"))
                for case in _CONV_CASES
            ],
        ),
        Check(
            "test_pool_forward",
            [
                Call("pool_forward", (_normal(seed, m, h, w, c), {"f": f, "stride": s}), {"mode": mode}, pick=first)
                for seed, m, h, w, c, f, s in _POOL_CASES
                for mode in ("max", "average")
            ],
        ),
        Check(
            "test_conv_backward",
            [Call("conv_backward", _conv_backward_case(*case), callees=("zero_pad",)) for case in _CONV_CASES],
        ),
        Check(
            "test_create_mask_from_window",
            [
                Call("create_mask_from_window", (_normal(seed, *shape),))
                for seed, shape in enumerate([(2, 2), (3, 3), (2, 4), (1, 1)], start=60)
            ],
        ),
        Check(
            "test_distribute_value",
            [Call("distribute_value", (dz, shape)) for dz, shape in [(1.5, (2, 2)), (-3.0, (3, 2)), (0.4, (1, 5))]],
        ),
        Check(
            "test_pool_backward",
            [
                Call(
                    "pool_backward",
                    _pool_backward_case(*case),
                    {"mode": mode},
                    callees=("create_mask_from_window", "distribute_value"),
                )
                for case in _POOL_CASES
                for mode in ("max", "average")
            ],
        ),
    ]
