"""Trusted checks of W2A1: both residual blocks on other inputs, and ResNet50's outputs under known
weights for other image sizes and numbers of classes (with reference blocks when a block is wrong)."""

from __future__ import annotations

from .keras_models import PRELUDE as PRELUDE
from .spec import Call, Check, Name


def _block(name: str, seed: int, input_shape: tuple, **kwargs) -> Call:
    return Call("_block_outputs", (Name(name), seed, input_shape), {**kwargs, "initializer": Name("KnownWeights")})


def checks() -> list[Check]:
    blocks = ("identity_block", "convolutional_block")
    return [
        Check(
            "test_identity_block",
            [
                _block("identity_block", 1, (2, 5, 6, 4), f=3, filters=[3, 2, 4], training=False),
                _block("identity_block", 2, (3, 4, 4, 5), f=2, filters=[2, 3, 5], training=True),
                _block("identity_block", 3, (1, 7, 3, 2), f=5, filters=[4, 4, 2]),
            ],
            rtol=1e-3,
            atol=1e-4,
        ),
        Check(
            "test_convolutional_block",
            [
                _block("convolutional_block", 4, (2, 6, 7, 3), f=3, filters=[2, 3, 4], s=2, training=False),
                _block("convolutional_block", 5, (3, 5, 5, 2), f=2, filters=[3, 2, 5], s=1, training=True),
                _block("convolutional_block", 6, (2, 9, 4, 3), f=3, filters=[2, 2, 3], s=3),
            ],
            rtol=1e-3,
            atol=1e-4,
        ),
        Check(
            "test_ResNet50",
            [
                Call(
                    "_model_facts", (Name("ResNet50"), 7, 2), {"input_shape": (96, 80, 1), "classes": 3}, callees=blocks
                )
            ],
            rtol=1e-3,
            atol=1e-4,
        ),
    ]
