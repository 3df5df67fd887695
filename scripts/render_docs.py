"""Regenerate the README's pictures: docs/digest.png and docs/report.png.

    .venv/bin/python scripts/render_docs.py [--out docs] [--keep DIR]

It seeds a throw-away SQLite database with the test workspace
(tests/reporting_seed.py: Sở Nội vụ tỉnh Quảng Ngãi on Monday 13/5/2024,
17:00), composes the digest and the reports through the real services, then
draws the digest as a chat bubble above its chart, and converts the Word
report to PDF (LibreOffice headless) and its first two pages to PNG
(pdftoppm). Needs `soffice` and `pdftoppm` (Debian: libreoffice-writer-nogui,
poppler-utils, fonts-liberation2 for a Times New Roman look-alike); not run
in CI. --keep DIR also keeps the .xlsx/.docx/.pdf files there.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import io
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402
from PIL import Image  # noqa: E402

from bot.clock import ManualClock  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
from bot.services import digest as digest_service  # noqa: E402
from bot.services import reports as report_service  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.reporting_seed import NOW, seed  # noqa: E402

FONT = "DejaVu Sans"
# DejaVu Sans has no colour emoji: the picture shows them as coloured dots.
EMOJI_COLOURS = {
    "📋": None,
    "📊": None,
    "✅": "#2e7d32",
    "☑️": "#f9a825",
    "🔵": "#1e88e5",
    "🔴": "#d32f2f",
}
BUBBLE = "#ffffff"
BACKGROUND = "#dfe7ee"


async def compose(workdir: Path) -> tuple[list[str], bytes, report_service.ReportFiles]:
    database = Database(f"sqlite+aiosqlite:///{workdir / 'docs.db'}")
    try:
        await upgrade(database)
        seeded = await seed(database)
        runtime = Runtime(
            settings=make_settings(database.url), database=database, clock=ManualClock(NOW)
        )
        message = await digest_service.compose_message(runtime, seeded.workspace_id)
        assert message is not None and message.chart_png is not None
        loaded = await report_service.load(runtime, seeded.workspace_id)
        assert loaded.data is not None
        files = await report_service.build_files(loaded.data)
    finally:
        await database.dispose()
    return message.parts, message.chart_png, files


def _segments(line: str) -> list[tuple[str, str]]:
    """(style, text) pieces of one line of Telegram HTML: b, i, plain, or a
    colour ("#rrggbb") for an emoji drawn as a dot."""
    pieces: list[tuple[str, str]] = []
    for match in re.finditer(r"<(b|i)>(.*?)</\1>|([^<]+)", line):
        if match.group(3) is not None:
            pieces.extend(_emoji(html.unescape(match.group(3)), "plain"))
        else:
            pieces.extend(_emoji(html.unescape(match.group(2)), match.group(1)))
    return pieces


def _emoji(text: str, style: str) -> list[tuple[str, str]]:
    pattern = "|".join(re.escape(e) for e in sorted(EMOJI_COLOURS, key=len, reverse=True))
    pieces: list[tuple[str, str]] = []
    position = 0
    for match in re.finditer(pattern, text):
        if match.start() > position:
            pieces.append((style, text[position : match.start()]))
        colour = EMOJI_COLOURS[match.group(0)]
        if colour is not None:
            pieces.append((colour, "●"))
        position = match.end()
    if position < len(text):
        pieces.append((style, text[position:]))
    return [piece for piece in pieces if piece[1]]


def _wrap(pieces: list[tuple[str, str]], width: int) -> list[list[tuple[str, str]]]:
    """Wrap styled pieces at about `width` characters, on spaces."""
    lines: list[list[tuple[str, str]]] = [[]]
    used = 0
    for style, text in pieces:
        for word in re.findall(r"\S+\s*|\s+", text):
            if used + len(word.rstrip()) > width and used > 0:
                lines.append([])
                used = 0
                word = word.lstrip()
            lines[-1].append((style, word))
            used += len(word)
    return lines


def bubble_png(parts: list[str], width_px: int = 900) -> bytes:
    """The digest's text as a chat bubble (a picture of what the chat shows)."""
    rows: list[list[tuple[str, str]]] = []
    for part in parts:
        for line in part.split("\n"):
            rows.extend(_wrap(_segments(line), 92) if line else [[]])
        rows.append([])
    line_height = 19
    height_px = 40 + line_height * len(rows)
    dpi = 100
    figure = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    canvas = FigureCanvasAgg(figure)
    figure.patch.set_facecolor(BACKGROUND)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, width_px)
    axes.set_ylim(height_px, 0)
    axes.axis("off")
    axes.add_patch(
        FancyBboxPatch(
            (12, 10),
            width_px - 24,
            height_px - 20,
            boxstyle="round,pad=0,rounding_size=14",
            facecolor=BUBBLE,
            edgecolor="#c8d3dc",
        )
    )
    renderer = canvas.get_renderer()
    y = 30.0
    for row in rows:
        x = 28.0
        for style, text in row:
            drawn = axes.text(
                x,
                y,
                text,
                fontsize=10.5,
                family=FONT,
                va="center",
                fontweight="bold" if style == "b" else "normal",
                fontstyle="italic" if style == "i" else "normal",
                color=style if style.startswith("#") else "#1f2d3a",
            )
            box = drawn.get_window_extent(renderer=renderer)
            x += box.width
        y += line_height
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor=BACKGROUND)
    return buffer.getvalue()


def stack(images: list[bytes], gap: int = 12, background: str = BACKGROUND) -> Image.Image:
    opened = [Image.open(io.BytesIO(data)).convert("RGB") for data in images]
    width = max(image.width for image in opened)
    height = sum(image.height for image in opened) + gap * (len(opened) + 1)
    canvas = Image.new("RGB", (width + 2 * gap, height), background)
    y = gap
    for image in opened:
        canvas.paste(image, (gap + (width - image.width) // 2, y))
        y += image.height + gap
    return canvas


def side_by_side(paths: list[Path], gap: int = 16) -> Image.Image:
    pages = [Image.open(path).convert("RGB") for path in paths]
    height = max(page.height for page in pages)
    width = sum(page.width for page in pages) + gap * (len(pages) + 1)
    canvas = Image.new("RGB", (width, height + 2 * gap), "#9aa5b1")
    x = gap
    for page in pages:
        canvas.paste(page, (x, gap))
        x += page.width + gap
    return canvas


def docx_pages_png(docx: Path, workdir: Path, pages: int = 2, dpi: int = 60) -> list[Path]:
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            raise SystemExit(
                f"{tool} is needed (apt-get install libreoffice-writer-nogui poppler-utils)"
            )
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(workdir), str(docx)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = workdir / (docx.stem + ".pdf")
    prefix = workdir / docx.stem
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", str(pages), str(pdf), str(prefix)],
        check=True,
        timeout=120,
    )
    return sorted(workdir.glob(f"{docx.stem}-*.png"))


def _save(image: Image.Image, path: Path) -> None:
    """A palette PNG: a fraction of the size, no visible loss for text and flat colours."""
    image.quantize(colors=96, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs")
    parser.add_argument("--keep", type=Path, help="also keep the generated .xlsx/.docx/.pdf here")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        workdir = Path(temporary)
        parts, chart, files = asyncio.run(compose(workdir))
        digest = stack([bubble_png(parts), chart])
        _save(digest, args.out / "digest.png")
        written = []
        for file in files.files:
            path = workdir / file.name
            path.write_bytes(file.content)
            written.append(path)
        report_pages = docx_pages_png(written[1], workdir, pages=2, dpi=62)
        _save(side_by_side(report_pages), args.out / "report.png")
        if len(written) > 2:
            letter_pages = docx_pages_png(written[2], workdir, pages=1, dpi=62)
            _save(side_by_side(letter_pages), args.out / "letter.png")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for path in workdir.iterdir():
                if path.suffix in {".xlsx", ".docx", ".pdf"}:
                    shutil.copy(path, args.keep / path.name)
    for name in ("digest.png", "report.png", "letter.png"):
        path = args.out / name
        if path.exists():
            print(f"{path} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
