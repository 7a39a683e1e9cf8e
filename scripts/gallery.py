"""Run the gallery's cases, render each report in headless Chromium and make the thumbnail sheet.

    python scripts/gallery.py OUT [--sheet docs/_static/gallery.png] [--only NAME ...]

The cases are those of ``tests/test_gallery.py`` (real data sets from scikit-learn and
statsmodels, written to CSV). For each, OUT/NAME/index.html is the report, OUT/NAME.png
its screenshot at 1200 px wide (the top 1600 px, as a reader first sees it) and
OUT/NAME-full.png the whole page. The sheet puts the first screenshots side by side.
Chromium is Debian's ``chromium`` package (``apt-get install -y chromium``).
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--hide-scrollbars", "--force-device-scale-factor=1"]


def screenshot(page, png, height, chromium):
    """``page`` rendered by headless Chromium into ``png``, 1200 px wide and ``height`` px high."""
    cmd = [chromium, *CHROMIUM_FLAGS, f"--screenshot={png}", f"--window-size=1200,{height}", page.as_uri()]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    return png


def trim_bottom(png):
    """Cut the empty white band below the page (the full shot is taller than most pages)."""
    import numpy as np
    from PIL import Image

    img = Image.open(png).convert("RGB")
    a = np.asarray(img)
    rows = np.where((a < 250).any(axis=(1, 2)))[0]
    if len(rows):
        img.crop((0, 0, img.width, min(img.height, rows[-1] + 40))).save(png)
    return png


def sheet(shots, titles, out, columns=4, width=300):
    """The thumbnails in a grid with each case's name, as one PNG (kept small for the repository)."""
    from PIL import Image, ImageDraw

    thumbs = []
    for s in shots:
        img = Image.open(s).convert("RGB")
        img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
        thumbs.append(img)
    cell_h = max(t.height for t in thumbs) + 26
    rows = -(-len(thumbs) // columns)
    grid = Image.new("RGB", (columns * (width + 12) + 12, rows * (cell_h + 12) + 12), "white")
    draw = ImageDraw.Draw(grid)
    for i, (t, title) in enumerate(zip(thumbs, titles)):
        x, y = 12 + (i % columns) * (width + 12), 12 + (i // columns) * (cell_h + 12)
        while draw.textlength(title) > width and len(title) > 4:  # one line per thumbnail, never into the next
            title = title[:-2].rstrip() + "…" if not title.endswith("…") else title[:-2].rstrip() + "…"
        draw.text((x, y + 4), title, fill=(29, 39, 51))
        grid.paste(t, (x, y + 24))
        draw.rectangle([x - 1, y + 23, x + t.width, y + 24 + t.height], outline=(214, 219, 225))
    grid = grid.convert("P", palette=Image.ADAPTIVE, colors=128)  # a few hundred kB, not MB
    grid.save(out, optimize=True)
    return out


def main(argv=None):
    import matplotlib

    matplotlib.use("Agg")
    from test_gallery import CASES, run_case

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path)
    p.add_argument("--sheet", type=Path, default=None, help="write the thumbnail sheet here")
    p.add_argument("--only", nargs="+", default=None, help="just these cases")
    p.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    p.add_argument("--sheet-only", action="store_true", help="make the sheet from the screenshots already in OUT")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    cases = [c for c in CASES if args.only is None or c.name in args.only]
    shots = []
    for case in cases:
        if args.sheet_only:
            shots.append(args.out / f"{case.name}.png")
            continue
        report = args.out / case.name
        if report.exists():
            shutil.rmtree(report)
        status, report = run_case(case, args.out)
        if status != 0:
            raise SystemExit(f"{case.name}: the command failed (status {status})")
        page = report / "index.html"
        shots.append(screenshot(page, args.out / f"{case.name}.png", 1600, args.chromium))
        trim_bottom(screenshot(page, args.out / f"{case.name}-full.png", 6000, args.chromium))
        print(f"{case.name}: {shots[-1]}", file=sys.stderr)
    if args.sheet:
        sheet(shots, [f"{c.name}: {c.what.split(' (')[0].split(':')[0]}" for c in cases], args.sheet)
        print(f"sheet: {args.sheet} ({args.sheet.stat().st_size // 1024} kB)", file=sys.stderr)


if __name__ == "__main__":
    main()
