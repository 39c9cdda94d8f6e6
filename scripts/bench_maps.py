"""Measure each map's size and its load time in headless chromium, offline.

Usage (after scripts/regenerate.sh)::

    .venv/bin/python scripts/bench_maps.py [--maps maps] [--runs 5]

Load time is from the start of navigation to the moment the atlas script has bound every
feature (``window.ATLAS`` defined), read from the page's own ``performance.now()``; the median
of ``--runs`` fresh page loads is reported with the min and max. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.render import MAPS

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--maps", type=Path, default=Path("maps"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for spec in MAPS:
            path = args.maps / f"{spec.name}.html"
            times = []
            for _ in range(args.runs):
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                context.route(
                    "**/*",
                    lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort(),
                )
                page = context.new_page()
                page.add_init_script(
                    "Object.defineProperty(window, 'ATLAS', {configurable: true, "
                    "set(v) { window.__ready = performance.now(); "
                    "Object.defineProperty(window, 'ATLAS', {value: v, writable: true}); }});"
                )
                page.goto(path.resolve().as_uri())
                page.wait_for_function("window.__ready !== undefined")
                times.append(page.evaluate("window.__ready"))
                context.close()
            rows.append((spec.name, path.stat().st_size, times))
        browser.close()
    print(
        f"Machine: {platform.machine()}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; {args.runs} loads per map, offline, 1400x900."
    )
    print()
    print("| map | HTML size (KiB) | ready, median (ms) | min–max (ms) |")
    print("|---|---:|---:|---:|")
    for name, size, times in rows:
        print(
            f"| {name}.html | {size / 1024:.0f} | {statistics.median(times):.0f} | "
            f"{min(times):.0f}–{max(times):.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
