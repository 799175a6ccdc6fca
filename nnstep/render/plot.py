"""The cost curve: Sigma per epoch, in the terminal (plotext) or as a PNG/SVG file (matplotlib).

Both libraries are optional (`pip install 'nnstep[plot]'`) and imported only when a plot is asked
for. The epoch at which the training goal was met is marked with a vertical line.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

FILE_TYPES = (".png", ".svg")


class PlotUnavailable(RuntimeError):
    """The plotting library is not installed."""


def require(to_file: bool) -> None:
    """Import the plotting library now (matplotlib for a file, plotext for the terminal), so that
    a missing one is said before training, not after."""
    try:
        if to_file:
            import matplotlib.figure  # noqa: F401
        else:
            import plotext  # noqa: F401
    except ImportError:
        raise PlotUnavailable("matplotlib" if to_file else "plotext") from None


def _title(goal: float | None, goal_epoch: int | None) -> str:
    title = "Σ (summed cost) per epoch"
    if goal is not None:
        met = f"met at epoch {goal_epoch:,}" if goal_epoch else "not met"
        title += f"; goal Σ < {goal:g} {met}"
    return title


def terminal_plot(
    costs: np.ndarray,
    goal: float | None = None,
    goal_epoch: int | None = None,
    log: bool = False,
    width: int = 78,
    height: int = 20,
    color: bool = False,
) -> str:
    """The curve drawn with characters, `width` columns wide."""
    try:
        import plotext as plt
    except ImportError:
        raise PlotUnavailable("plotext") from None
    plt.clear_figure()
    epochs = list(range(1, len(costs) + 1))
    plt.plot(epochs, [float(c) for c in costs], marker="braille")
    if log:
        plt.yscale("log")
    if goal_epoch is not None:
        plt.vline(goal_epoch)
    ticks = sorted({round(e) for e in np.linspace(1, len(costs), 5)})
    plt.xticks(ticks, [f"{t:,}" for t in ticks])
    plt.plotsize(width, height)
    plt.theme("clear")
    plt.title(_title(goal, goal_epoch))
    plt.xlabel("epoch")
    text = plt.build()
    plt.clear_figure()
    return text if color else plt.uncolorize(text)


def save_plot(
    path: str | Path, costs: np.ndarray, goal: float | None = None, goal_epoch: int | None = None, log: bool = False
) -> None:
    """The curve as an image; the file type (PNG or SVG) follows the file name. Written atomically."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise PlotUnavailable("matplotlib") from None
    from ..files.load import replace_atomically

    path = Path(path)
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(np.arange(1, len(costs) + 1), costs, color="tab:blue", linewidth=1.5, label="Σ")
    if log:
        ax.set_yscale("log")
    if goal is not None:
        ax.axhline(goal, color="tab:gray", linestyle=":", linewidth=1, label=f"goal {goal:g}")
    if goal_epoch is not None:
        ax.axvline(goal_epoch, color="tab:red", linestyle="--", linewidth=1, label=f"goal met: epoch {goal_epoch:,}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("Σ = sum of the costs" + (" (log scale)" if log else ""))
    ax.set_title(_title(goal, goal_epoch))
    ax.grid(True, alpha=0.3)
    ax.legend()
    replace_atomically(path, lambda f: fig.savefig(f, format=path.suffix[1:].lower()))
