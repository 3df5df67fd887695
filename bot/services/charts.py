"""The digest's chart: the four official groups by agency, as a PNG in memory.

Rendered headless with matplotlib's object API (a Figure on the Agg canvas,
never pyplot, so no GUI backend and no global figure registry) in DejaVu
Sans, which ships with matplotlib and has every Vietnamese diacritic.
Rendering is CPU work of a few hundred milliseconds: callers run it in a
thread (`render_png_async`); a lock keeps two renderings from sharing
matplotlib's global font cache at once. matplotlib is imported on first use.
"""

from __future__ import annotations

import asyncio
import io
import textwrap
import threading
from dataclasses import dataclass

from bot.domain.digest import CATEGORY_ORDER, ChartData
from bot.domain.rollup import Category
from bot.texts import t
from bot.texts.digest import category_label

FONT = "DejaVu Sans"
COLOURS: dict[Category, str] = {
    Category.DONE_ON_TIME: "#2e7d32",
    Category.DONE_LATE: "#f9a825",
    Category.OPEN_ON_TIME: "#1e88e5",
    Category.OPEN_OVERDUE: "#d32f2f",
}
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class ChartLabels:
    title: str
    axis: str
    others: str
    categories: tuple[str, str, str, str]  # in CATEGORY_ORDER


def labels_for(lang: str, chart: ChartData) -> ChartLabels:
    """Plain-text labels (matplotlib does not read HTML; t() escapes nothing here
    but the date, which has no markup)."""
    return ChartLabels(
        title=t(lang, "digest.chart.title", day=chart.day),
        axis=t(lang, "digest.chart.axis"),
        others=t(lang, "digest.chart.others"),
        categories=(
            category_label(lang, CATEGORY_ORDER[0]),
            category_label(lang, CATEGORY_ORDER[1]),
            category_label(lang, CATEGORY_ORDER[2]),
            category_label(lang, CATEGORY_ORDER[3]),
        ),
    )


def render_png(chart: ChartData, labels: ChartLabels) -> bytes:
    """Horizontal stacked bars, one per agency, the most overdue at the top."""
    with _LOCK:
        return _render(chart, labels)


async def render_png_async(chart: ChartData, labels: ChartLabels) -> bytes:
    return await asyncio.to_thread(render_png, chart, labels)


def _render(chart: ChartData, labels: ChartLabels) -> bytes:
    # Imported here: matplotlib (with numpy and Pillow) is ~40 MB of resident
    # memory that a bot process only needs once a day, for the digest.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    bars = list(reversed(chart.bars))  # barh draws bottom-up
    names = ["\n".join(textwrap.wrap(bar.agency_name or labels.others, 28)[:2]) for bar in bars]
    height = 2.2 + 0.45 * max(len(bars), 3)
    figure = Figure(figsize=(9.0, height), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    left = [0] * len(bars)
    largest = max((bar.total for bar in bars), default=0)
    for index, category in enumerate(CATEGORY_ORDER):
        values = [bar.counts[index] for bar in bars]
        drawn = axes.barh(
            names,
            values,
            left=left,
            color=COLOURS[category],
            label=labels.categories[index],
            height=0.62,
        )
        for rect, value in zip(drawn, values, strict=True):
            if value and rect.get_width() >= max(largest, 1) * 0.045:
                axes.text(
                    rect.get_x() + rect.get_width() / 2,
                    rect.get_y() + rect.get_height() / 2,
                    str(value),
                    ha="center",
                    va="center",
                    color="white",
                    fontsize=9,
                    fontweight="bold",
                    family=FONT,
                )
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, total in enumerate(left):
        axes.text(total + largest * 0.01, y, str(total), va="center", fontsize=9, family=FONT)
    axes.set_title(labels.title, fontsize=12, fontweight="bold", family=FONT, loc="left")
    axes.set_xlabel(labels.axis, family=FONT)
    axes.set_xlim(0, max(largest, 1) * 1.1 + 0.5)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(axis="y", labelsize=9)
    for tick in axes.get_yticklabels() + axes.get_xticklabels():
        tick.set_fontfamily(FONT)
    figure.legend(
        loc="outside lower center", ncol=2, frameon=False, prop={"family": FONT, "size": 9}
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
