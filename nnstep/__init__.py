"""nnstep: a calculator that steps through a neural network's training the way a lecture does.

The public API (nnstep/api.py), imported only when first used so that `import nnstep` stays light:

    net = nnstep.lecture()                       # the lecture's 2-3-1 example
    net = nnstep.load("model.yaml", "data.yaml")  # any files the CLI reads
    net.forward(); net.backprop(); net.update(); net.train(epochs=8000)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"
__all__ = ["Diagram", "Network", "Result", "__version__", "exercise", "lecture", "load", "verify"]

if TYPE_CHECKING:
    from .api import Diagram, Network, Result, exercise, lecture, load, verify


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'nnstep' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
