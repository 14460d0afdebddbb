"""Drawing pieces shared by the figure scripts: boxes, arrows, the layer palette and save settings.

Each ``course_tools/figures/<assignment>.py`` has ``draw(out_dir)``; ``python -m course_tools figures``
runs them all (``--check``: compare with the committed PNGs).
"""

from __future__ import annotations

from collections.abc import Mapping

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

EDGE = "#555555"
SHORTCUT = "#C44E52"
# No timestamp or software tag in the PNGs: running a script twice gives identical files.
SAVE = {"dpi": 110, "bbox_inches": "tight", "metadata": {"Software": None}}
LAYER_COLOURS = {
    "input": "#DDDDDD",
    "pad": "#F2D7D5",
    "conv": "#A9C4EB",
    "norm": "#D5C6E8",
    "act": "#F6D7A7",
    "pool": "#B8DEC0",
    "flat": "#EFEFC0",
    "dense": "#F4B6A8",
    "merge": "#C9E4E8",
}


def box(
    ax,
    x,
    y,
    w,
    h,
    text,
    kind,
    fontsize=9,
    edge=EDGE,
    hatch=None,
    colour=None,
    style="-",
    palette: Mapping[str, str] = LAYER_COLOURS,
):
    """A rounded box centred at (x, y), filled with ``colour`` or else the palette's colour of ``kind``."""
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0.02,rounding_size=0.08",
            facecolor=colour or palette[kind],
            edgecolor=edge,
            lw=1.0,
            hatch=hatch,
            linestyle=style,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def arrow(ax, start, end, colour=EDGE, lw=1.1, rad=0.0):
    """A straight (or, with ``rad``, curved) arrow from ``start`` to ``end``."""
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=12,
            lw=lw,
            color=colour,
            connectionstyle=f"arc3,rad={rad}",
            shrinkA=0,
            shrinkB=0,
        )
    )
