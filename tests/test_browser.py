"""The maps in a real browser: Debian's chromium driven by Playwright, with the network cut.

Screenshots of every map are saved in ``artifacts/screenshots/``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from geo import settings
from geo.build import build
from geo.render import MAPS, render

pytestmark = pytest.mark.browser

CHROMIUM = settings.CHROMIUM
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
ARGS = list(settings.CHROMIUM_ARGS)

if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip(
        "Debian's chromium is not installed (scripts/setup.sh --test installs it)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Page:
    """A page whose every request, console message and error is recorded; only file://
    requests are let through."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.context.route("**/*", self._route)

    def _route(self, route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        self.page.wait_for_function("window.ATLAS !== undefined", timeout=10_000)

    def clean(self) -> None:
        assert self.errors == []
        assert self.blocked == []
        assert self.failed == []
        assert self.dialogs == []

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def page(browser):
    p = Page(browser)
    yield p
    p.close()


def _expected_ids(layer_features, spec) -> set[str]:
    return {
        f["id"] for o in spec.overlays for f in layer_features[o.layer] if o.keep(f["properties"])
    }


@pytest.mark.parametrize("spec", MAPS, ids=[m.name for m in MAPS])
def test_map_draws_every_feature_offline(page, maps_dir, layer_features, spec):
    page.open((maps_dir / f"{spec.name}.html").as_uri())
    page.page.wait_for_timeout(300)
    expected = _expected_ids(layer_features, spec)
    drawn = page.page.evaluate("document.querySelectorAll('path.atlas-feature').length")
    assert drawn == len(expected)
    assert set(page.page.evaluate("ATLAS.ids")) == expected
    assert page.page.locator(".leaflet-control-scale").count() == 1
    assert page.page.locator(".leaflet-control-layers").count() == 1
    legend = page.page.locator(".atlas-legend").inner_text()
    assert "Legend" in legend and "Natural Earth" in legend
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.page.screenshot(path=str(SHOTS / f"{spec.name}.png"))
    page.clean()


def _pixel(page, fid: str) -> tuple[float, float]:
    return page.page.evaluate(
        """(id) => {
          const l = ATLAS.index[id], map = l._map;
          let ll;
          if (l.getLatLng) { ll = l.getLatLng(); }
          else {  // the middle of the line's middle segment, away from the nodes at its ends
            const pts = l.getLatLngs().flat(2), k = Math.max(1, Math.floor(pts.length / 2));
            ll = L.latLng((pts[k - 1].lat + pts[k].lat) / 2, (pts[k - 1].lng + pts[k].lng) / 2);
          }
          map.setView(ll, Math.max(map.getZoom(), 6), {animate: false});
          const p = map.latLngToContainerPoint(ll), r = map.getContainer().getBoundingClientRect();
          return [p.x + r.left, p.y + r.top];
        }""",
        fid,
    )


@pytest.mark.parametrize(
    ("fid", "quote"),
    [
        ("port_poti", "launched new feeder vessels between Georgia’s Poti and Romania’s Constanta"),
        ("cable_aktau_siyazan", "The main subsea line, which measures 380 kilometres in length"),
    ],
)
def test_clicking_a_feature_opens_its_popup_with_its_quote(page, maps_dir, fid, quote):
    page.open((maps_dir / "index.html").as_uri())
    x, y = _pixel(page, fid)
    page.page.mouse.click(x, y)
    popup = page.page.locator(f'.leaflet-popup .atlas-popup[data-id="{fid}"]')
    popup.wait_for(timeout=5_000)
    assert quote in popup.inner_text()
    assert page.page.evaluate("location.hash") == f"#f={fid}"
    page.clean()


def test_citation_mark_opens_its_quote_and_the_quote_leads_to_the_document(page, maps_dir):
    page.open((maps_dir / "index.html").as_uri() + "#f=cable_aktau_siyazan")
    popup = page.page.locator('.leaflet-popup .atlas-popup[data-id="cable_aktau_siyazan"]')
    popup.wait_for(timeout=5_000)
    assert "380 km" in popup.inner_text()
    cite = popup.locator("tr", has_text="Stated length").locator("a.cite")
    n = cite.get_attribute("data-n")
    cite.click()
    quote = popup.locator(f'details.quote[data-n="{n}"]')
    assert "flash" in quote.get_attribute("class")
    assert "380 kilometres" in quote.inner_text()
    quote.locator("a.doclink").click()
    page.page.wait_for_url(re.compile(r"sources/003_3407290432f097a7\.html#q-q003_cable_routes$"))
    active = page.page.locator("mark.q.active")
    assert active.count() >= 1
    assert "380 kilometres" in " ".join(active.all_inner_texts())
    box = active.first.bounding_box()
    assert box is not None and 0 <= box["y"] <= 900
    assert page.page.evaluate(
        "getComputedStyle(document.querySelector('mark.q.active')).backgroundColor"
    ) != page.page.evaluate(
        "getComputedStyle(document.querySelector('mark.q:not(.active)')).backgroundColor"
    )
    supports = page.page.locator('.supports[data-quote="q003_cable_routes"]')
    if supports.locator("button").count():
        supports.locator("button").click()
    supports.locator("a").first.click()
    page.page.wait_for_url(re.compile(r"index\.html#f="))
    page.page.wait_for_function("window.ATLAS !== undefined")
    page.page.locator(".leaflet-popup .atlas-popup").wait_for(timeout=5_000)
    page.clean()


@pytest.mark.parametrize("fid", ["pipeline_btc", "port_kuryk", "route_middle_corridor"])
def test_hash_link_opens_that_feature(page, maps_dir, fid):
    page.open((maps_dir / "index.html").as_uri() + f"#f={fid}")
    popup = page.page.locator(".leaflet-popup .atlas-popup")
    popup.wait_for(timeout=5_000)
    assert popup.get_attribute("data-id") == fid
    page.clean()


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Quryq", "Port of Kuryk"),
        ("Siyəzən", "Siyazan cable landing"),
        ("baku tbilisi ceyhan", "Baku–Tbilisi–Ceyhan oil pipeline"),
        ("Constanta", "Port of Constanța"),
    ],
)
def test_search_finds_other_spellings(page, maps_dir, typed, name):
    page.open((maps_dir / "index.html").as_uri())
    page.page.locator(".atlas-search input").fill(typed)
    item = page.page.locator(".atlas-search li", has_text=name)
    assert item.count() >= 1
    item.first.click()
    page.page.locator(".leaflet-popup .atlas-popup").wait_for(timeout=5_000)
    assert name in page.page.locator(".leaflet-popup .atlas-popup h3").inner_text()
    page.clean()


HOSTILE = [
    "<script>window.__pwned=1;alert(1)</script>",
    '"><img src=x onerror="window.__pwned=2">',
    "`${window.__pwned=3}` \\ ' \"",
    "\u202eشبكة\u202c טקסט",
]


def _hostile_data(root: Path) -> Path:
    data = root / "data"
    shutil.copytree(settings.PACKAGE_DATA_DIR, data)
    text = ("Hostile test document.\n\n" + "\n".join(HOSTILE) + "\n").encode("utf-8")
    (data / "corpus" / "texts" / "999_hostile.txt").write_bytes(text)
    docs = data / "corpus" / "documents.toml"
    docs.write_text(
        docs.read_text("utf-8")
        + (
            '\n[[document]]\nid = "999_hostile"\n'
            f"title = {json.dumps(HOSTILE[1])}\noutlet = {json.dumps(HOSTILE[0])}\n"
            f'sha256 = "{hashlib.sha256(text).hexdigest()}"\n'
        ),
        encoding="utf-8",
    )
    quotes = data / "corpus" / "quotes.toml"
    body = "".join(
        f'\n[[quote]]\nid = "q999_{i}"\ndocument = "999_hostile"\ntext = {json.dumps(h)}\n'
        for i, h in enumerate(HOSTILE)
    )
    quotes.write_text(quotes.read_text("utf-8") + body, encoding="utf-8")
    nodes = data / "catalog" / "nodes.toml"
    text_nodes = nodes.read_text("utf-8").replace(
        'name = "Poti Sea Port"', f"name = {json.dumps(HOSTILE[0] + HOSTILE[2])}", 1
    )
    text_nodes = text_nodes.replace(
        'aliases = ["Poti", "Port of Poti"]',
        f"aliases = [{json.dumps(HOSTILE[1])}, {json.dumps(HOSTILE[3])}]",
        1,
    )
    text_nodes = text_nodes.replace(
        'quotes = ["q003_feeder"]\n\n[[node]]\nid = "port_batumi"',
        'quotes = ["q003_feeder", "q999_0", "q999_1", "q999_2", "q999_3"]\n\n[[node]]\nid = "port_batumi"',
        1,
    )
    nodes.write_text(text_nodes, encoding="utf-8")
    return data


def test_hostile_text_is_shown_literally_and_runs_nothing(page, tmp_path):
    data = _hostile_data(tmp_path)
    layers, maps = tmp_path / "layers", tmp_path / "maps"
    build(out_dir=layers, data_dir=data)
    render(out_dir=maps, layers_dir=layers, data_dir=data)
    page.open((maps / "index.html").as_uri() + "#f=port_poti")
    popup = page.page.locator(".leaflet-popup .atlas-popup")
    popup.wait_for(timeout=5_000)
    shown = popup.inner_text()
    for hostile in HOSTILE:
        assert hostile.strip() in shown
    page.page.locator(".atlas-search input").fill("img src")
    assert page.page.locator(".atlas-search li").count() == 1
    popup.locator("a.doclink").last.click()
    page.page.wait_for_url(re.compile(r"999_hostile\.html#q-q999_3$"))
    body = page.page.locator("body").inner_text()
    for hostile in HOSTILE:
        assert hostile.strip() in body
    assert page.page.evaluate("window.__pwned") is None
    assert page.page.locator("img").count() == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.page.screenshot(path=str(SHOTS / "hostile_source.png"))
    assert page.dialogs == []
    page.clean()
