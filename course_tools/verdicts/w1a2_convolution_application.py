"""Trusted checks of W1A2: what both models compute under known weights on hidden images (the
finger counter also for other image sizes), with the layer facts the visible tests state."""

from __future__ import annotations

from .keras_models import PRELUDE as PRELUDE
from .spec import Call, Check, Name


def checks() -> list[Check]:
    return [
        Check("test_happyModel", [Call("_fresh_model_facts", (Name("happyModel"), 1, 3))], rtol=1e-3, atol=1e-5),
        Check(
            "test_convolutional_model",
            [
                Call("_fresh_model_facts", (Name("convolutional_model"), 2, 3, (64, 64, 3))),
                Call("_fresh_model_facts", (Name("convolutional_model"), 3, 2, (56, 40, 3))),
                Call("_fresh_model_facts", (Name("convolutional_model"), 4, 2, (33, 71, 1))),
            ],
            rtol=1e-3,
            atol=1e-5,
        ),
    ]
