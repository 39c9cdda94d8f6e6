"""Render the layers into offline Folium maps and one page per source document.

Every text that comes from the documents or the catalogue is HTML-escaped here, in Python,
before it reaches the page; data embedded in scripts is JSON with ``<``, ``>``, ``&`` and the
line separators escaped, so that no document text can end a script or run code. Leaflet comes
from the installed npm package (``node_modules/leaflet``) and is written beside the maps, so
the maps open from ``file://`` with no network at all.
"""

from __future__ import annotations

import csv
import html
import itertools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import folium
import numpy as np
import shapely
import xyzservices.providers as xyz
from branca.element import Element, MacroElement
from jinja2 import Template
from shapely.geometry import mapping, shape

from geo import settings
from geo._errors import GeoError, LayerError
from geo._io import encoded, write_atomically
from geo.basemap import ATTRIBUTION
from geo.corpus import Document, load_corpus
from geo.crs import fit_crs, projector, unprojector
from geo.style import BASEMAP_STYLE, MODE_STYLE, NODE_STYLE, STATUS_STYLE, line_style, node_style

SEP = " | "
#: Tolerance of the display simplification of lines, in metres of each line's own CRS.
DISPLAY_TOLERANCE_M = 250.0
#: Most line vertices drawn on one map; past it the tolerance doubles until the drawing fits,
#: so that large networks still give maps that open instantly.
MAX_DISPLAY_VERTICES = 200_000
#: Tolerance of the basemap's display simplification, in metres.
BASEMAP_TOLERANCE_M = 1500.0
NODE_PANE = "atlas_nodes"
#: Decimals of displayed coordinates (1e-5 degree is about 1 m).
DISPLAY_DECIMALS = 5
COUNTRY_NAMES = {
    "CHN": "China",
    "KAZ": "Kazakhstan",
    "RUS": "Russia",
    "TKM": "Turkmenistan",
    "AZE": "Azerbaijan",
    "GEO": "Georgia",
    "TUR": "Türkiye",
    "ROU": "Romania",
    "sea": "at sea",
}
CRS_NAMES = {
    "omerc": "oblique Mercator fitted to the line",
    "tmerc": "transverse Mercator fitted to the line",
    "lcc": "Lambert conformal conic fitted to the line",
    "sum": "sum of its segments, each in its own fitted CRS",
}
STATUS_WORDS = {k: v["label"] for k, v in STATUS_STYLE.items()}
MODE_WORDS = {
    **{k: v["label"] for k, v in MODE_STYLE.items()},
    **{k: v["label"] for k, v in NODE_STYLE.items()},
}


@dataclass(frozen=True)
class Overlay:
    """One switchable layer of a map: a published layer, optionally filtered."""

    title: str
    layer: str
    keep: Callable[[Mapping[str, Any]], bool] = lambda props: True


@dataclass(frozen=True)
class MapSpec:
    name: str
    title: str
    overlays: tuple[Overlay, ...]


def _kind(*kinds: str) -> Callable[[Mapping[str, Any]], bool]:
    return lambda props: props.get("kind") in kinds


MAPS: tuple[MapSpec, ...] = (
    MapSpec(
        "index",
        "Middle Corridor infrastructure atlas",
        (
            Overlay("Routes", "routes"),
            Overlay("Railways", "railways"),
            Overlay("Sea links", "sea_links"),
            Overlay("Pipelines", "pipelines"),
            Overlay("Subsea cables", "cables"),
            Overlay("Stations and border crossings", "stations"),
            Overlay("Cable landings", "landings"),
            Overlay("Ports and terminals", "ports"),
        ),
    ),
    MapSpec(
        "telecom",
        "Telecom: Trans-Caspian fibre-optic cables",
        (
            Overlay("Subsea cables", "cables"),
            Overlay("Cable landings", "landings"),
        ),
    ),
    MapSpec(
        "energy",
        "Energy: BTC and CPC oil pipelines",
        (
            Overlay("Pipelines", "pipelines"),
            Overlay("Oil terminals", "ports", _kind("terminal")),
        ),
    ),
    MapSpec(
        "transport",
        "Transport: the Middle Corridor's railways, sea links and ports",
        (
            Overlay("Routes", "routes"),
            Overlay("Railways", "railways"),
            Overlay("Sea links", "sea_links"),
            Overlay("Stations and border crossings", "stations"),
            Overlay("Ports", "ports", _kind("port")),
        ),
    ),
)


def esc(value: object) -> str:
    """HTML-escape any value for text or attribute context."""
    return html.escape("" if value is None else str(value), quote=True)


def script_json(value: object) -> str:
    """JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, code in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, code)
    return text


# --- Reading the layers --------------------------------------------------------------------


@dataclass
class Evidence:
    layers: dict[str, list[dict[str, Any]]]
    documents: dict[str, dict[str, str]]
    quotes: dict[str, dict[str, str]]
    claims: dict[str, dict[str, str]]
    texts: dict[str, Document]
    #: Display geometry by feature id, computed once for all the maps that draw it.
    display: dict[str, dict[str, Any]] = field(default_factory=dict)


def _read_csv(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


def read_evidence(layers_dir: Path, data_dir: Path | None = None) -> Evidence:
    """Read the published layers and tables, and the document texts they point into."""
    from geo.schema import LAYERS

    layers = {}
    for name in LAYERS:
        path = layers_dir / f"{name}.geojson"
        if not path.exists():
            raise LayerError(f"{path}: missing; run `python -m geo build` first")
        layers[name] = json.loads(path.read_text(encoding="utf-8"))["features"]
    documents = _read_csv(layers_dir / "documents.csv")
    quotes = _read_csv(layers_dir / "quotes.csv")
    claims = _read_csv(layers_dir / "claims.csv")
    corpus = load_corpus(data_dir)
    for qid, q in quotes.items():
        doc = corpus.documents.get(q["doc_id"])
        if doc is None or doc.text[int(q["start"]) : int(q["end"])] != q["text"]:
            raise LayerError(
                f"{layers_dir}/quotes.csv: quote {qid} no longer matches its document; "
                "run `python -m geo build`"
            )
    return Evidence(layers, documents, quotes, claims, corpus.documents)


# --- Display geometry --------------------------------------------------------------------


def _simplify_line(
    coords: list[list[float]], proj4: str | None, tolerance_m: float = DISPLAY_TOLERANCE_M
) -> list[list[float]]:
    proj4 = proj4 or fit_crs([(c[0], c[1]) for c in coords]).proj4
    arr = np.asarray(coords, dtype=float)
    x, y = projector(proj4).transform(arr[:, 0], arr[:, 1])
    line = shapely.LineString(np.column_stack([x, y]))
    simple = shapely.simplify(line, tolerance_m, preserve_topology=True)
    sx, sy = np.asarray(simple.coords).T
    lon, lat = unprojector(proj4).transform(sx, sy)
    out = np.round(np.column_stack([lon, lat]), DISPLAY_DECIMALS)
    out[0], out[-1] = np.round(arr[0], DISPLAY_DECIMALS), np.round(arr[-1], DISPLAY_DECIMALS)
    return out.tolist()


def display_geometry(
    feature: Mapping[str, Any], tolerance_m: float = DISPLAY_TOLERANCE_M
) -> dict[str, Any]:
    """A lighter geometry to draw: lines simplified in their own projected CRS (topology
    kept, ends unchanged), coordinates rounded to about a metre."""
    geom = feature["geometry"]
    proj4 = feature["properties"].get("crs_proj4") or None
    if geom["type"] == "LineString":
        coords = _simplify_line(geom["coordinates"], proj4, tolerance_m)
        return {"type": "LineString", "coordinates": coords}
    if geom["type"] == "MultiLineString":
        parts = [_simplify_line(part, None, tolerance_m) for part in geom["coordinates"]]
        return {"type": "MultiLineString", "coordinates": parts}
    if geom["type"] == "Point":
        return {
            "type": "Point",
            "coordinates": [round(c, DISPLAY_DECIMALS) for c in geom["coordinates"]],
        }
    raise LayerError(f"unexpected geometry type {geom['type']} in feature {feature['id']}")


def _vertex_count(geom: Mapping[str, Any]) -> int:
    if geom["type"] == "LineString":
        return len(geom["coordinates"])
    if geom["type"] == "MultiLineString":
        return sum(len(part) for part in geom["coordinates"])
    return 1


def display_all(ev: Evidence) -> float:
    """Compute the display geometry of every feature, within :data:`MAX_DISPLAY_VERTICES`
    per map; return the tolerance used, in metres."""
    features = [
        f
        for name, feats in ev.layers.items()
        if not name.startswith(("basemap", "_"))
        for f in feats
    ]
    tolerance = DISPLAY_TOLERANCE_M
    while True:
        ev.display = {f["id"]: display_geometry(f, tolerance) for f in features}
        if sum(_vertex_count(g) for g in ev.display.values()) <= MAX_DISPLAY_VERTICES:
            return tolerance
        tolerance *= 2


def basemap_display(features: list[dict[str, Any]]) -> dict[str, Any]:
    """Countries simplified as a coverage (shared borders stay shared) in a regional conic."""
    west, south, east, north = settings.REGION_BBOX
    lcc = (
        f"+proj=lcc +lat_1={south + 5} +lat_2={north - 5} +lat_0={(south + north) / 2} "
        f"+lon_0={(west + east) / 2} +ellps=WGS84 +units=m +no_defs"
    )
    fwd, inv = projector(lcc), unprojector(lcc)
    geoms = [
        shapely.transform(
            shape(f["geometry"]), lambda c: np.column_stack(fwd.transform(c[:, 0], c[:, 1]))
        )
        for f in features
    ]
    simple = shapely.coverage_simplify(np.array(geoms, dtype=object), BASEMAP_TOLERANCE_M)
    out = []
    for f, g in zip(features, simple, strict=True):
        back = shapely.transform(
            g, lambda c: np.round(np.column_stack(inv.transform(c[:, 0], c[:, 1])), 3)
        )
        if back.is_empty:
            continue
        out.append(
            {
                "type": "Feature",
                "id": f["id"],
                "properties": {"name": f["properties"]["name"]},
                "geometry": mapping(back),
            }
        )
    return {"type": "FeatureCollection", "features": out}


# --- Popups ------------------------------------------------------------------------------


def _cite(n: int) -> str:
    return f'<a class="cite" href="#" data-n="{n}" title="show quote {n}">[{n}]</a>'


def _doc_label(doc: Mapping[str, str]) -> str:
    title = doc["title"] or f"Document {doc['id']}"
    bits = [b for b in (doc["outlet"], doc["author"]) if b]
    bits.append(doc["published"] or "undated")
    return f"{esc(title)} — {esc(', '.join(bits))}"


def popup_html(feature: Mapping[str, Any], ev: Evidence) -> tuple[str, list[str]]:
    """The popup of one feature: the escaped HTML of its facts, with citation marks, and the
    ids of its quotes in citation order (each quote's HTML is kept once per map, see
    :func:`quote_block`)."""
    p = feature["properties"]
    quote_ids = [q for q in p["quote_ids"].split(SEP) if q]
    number = {qid: i + 1 for i, qid in enumerate(quote_ids)}
    rows: list[tuple[str, str]] = []
    kind = p.get("mode") or p.get("kind")
    what = esc(MODE_WORDS.get(kind, kind))
    if p.get("service"):
        what += f" — {esc(p['service'])}"
    rows.append(("Kind", what))
    status = esc(STATUS_WORDS.get(p["status"], p["status"]))
    if p["status_quote_id"]:
        when = (
            f"as stated {esc(p['status_as_of'])}"
            if p["status_as_of"]
            else "stated in an undated source"
        )
        status += f", {when} {_cite(number[p['status_quote_id']])}"
    rows.append(("Status", status))
    if p["operators"]:
        ops = ", ".join(esc(o) for o in p["operators"].split(SEP))
        rows.append(("Operators", f"{ops} {_cite(number[p['operators_quote_id']])}"))
    if "length_km" in p:
        rows.append(
            (
                "Length",
                (
                    f"{p['length_km']:,.1f} km, measured in a {esc(CRS_NAMES[p['crs_kind']])}"
                    f" (scale error ≤ {p['crs_max_scale_error_pct']:.4f} %); geodesic "
                    f"{p['length_geodesic_km']:,.1f} km ({p['length_vs_geodesic_pct']:+.4f} %)"
                ),
            )
        )
        if p["stated_length_km"] is not None:
            claim = ev.claims[p["stated_length_claim_id"]]
            rows.append(
                (
                    "Stated length",
                    (
                        f"{p['stated_length_km']:,.0f} km {_cite(number[claim['quote_id']])}; "
                        f"the drawn line is {p['computed_vs_stated_pct']:+.1f} % of it"
                    ),
                )
            )
        parts = []
        for key, value in p.items():
            m = re.fullmatch(r"len_([a-z]+)_km", key)
            if m and value and value >= 0.05:
                code = m.group(1).upper() if m.group(1) != "sea" else "sea"
                parts.append(f"{esc(COUNTRY_NAMES.get(code, code))} {value:,.1f} km")
        rows.append(("By country", " · ".join(parts)))
    for cid in [c for c in p["claim_ids"].split(SEP) if c]:
        claim = ev.claims[cid]
        if claim["kind"] == "length":
            continue
        when = claim["refers_to"] or claim["refers_to_note"]
        rows.append(
            (
                esc(claim["kind"].capitalize()),
                (
                    f"{esc(claim['qualifier'] + ': ' if claim['qualifier'] else '')}"
                    f"{esc(claim['figure'])} ({esc(when)}) {_cite(number[claim['quote_id']])}"
                ),
            )
        )
    if "precision" in p:
        precision = f"{esc(p['precision'])}, within about {p['uncertainty_km']:g} km"
        source = p.get("geometry_source") or p.get("position_source") or ""
        if source:
            precision += f" — {esc(source)}"
        if p.get("position_note"):
            precision += f" ({esc(p['position_note'])})"
        rows.append(("Geometry", precision))
    else:
        rows.append(("Geometry", f"{p['segment_count']} segments, each drawn as listed on its own"))
    if p.get("note"):
        rows.append(("Note", esc(p["note"])))
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    aliases = [a for a in p["aliases"].split(SEP) if a]
    aka = f'<p class="aka">Also: {esc(" · ".join(aliases))}</p>' if aliases else ""
    head = (
        f'<div class="atlas-popup" data-id="{esc(feature["id"])}"><h3>{esc(p["name"])}</h3>{aka}'
        f'<table class="facts">{table}</table><h4>Sources</h4>'
    )
    return head, quote_ids


def quote_block(qid: str, ev: Evidence, page_prefix: str = "") -> dict[str, str]:
    """The escaped parts of a quote as popups show it; the map's script numbers them."""
    q = ev.quotes[qid]
    href = f"{page_prefix}sources/{esc(q['doc_id'])}.html#q-{esc(qid)}"
    return {
        "label": _doc_label(ev.documents[q["doc_id"]]),
        "body": f"<blockquote>{esc(q['text'])}</blockquote>"
        f'<a class="doclink" href="{href}">Read it in the document ›</a>',
    }


# --- Maps --------------------------------------------------------------------------------

_CSS = """
<style>
.folium-map.leaflet-container { background: %(sea)s; }
.atlas-popup { font: 13px/1.4 system-ui, sans-serif; }
.atlas-popup h3 { margin: 0 0 2px; font-size: 15px; }
.atlas-popup h4 { margin: 8px 0 4px; font-size: 13px; }
.atlas-popup .aka { margin: 0 0 6px; color: #555; font-size: 12px; }
.atlas-popup table.facts { border-collapse: collapse; }
.atlas-popup th { text-align: left; vertical-align: top; padding: 2px 8px 2px 0; color: #444;
  white-space: nowrap; }
.atlas-popup td { padding: 2px 0; }
.atlas-popup details.quote { margin: 4px 0; border-left: 3px solid #bbb; padding-left: 6px; }
.atlas-popup details.quote.flash { border-left-color: #e65100; background: #fff3e0; }
.atlas-popup summary { cursor: pointer; color: #333; font-size: 12px; }
.atlas-popup blockquote { margin: 4px 0; font-style: italic; unicode-bidi: plaintext; }
.atlas-popup a.cite { text-decoration: none; font-size: 11px; vertical-align: super; }
.atlas-panel { background: rgba(255,255,255,.94); padding: 6px 8px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); font: 12px/1.35 system-ui, sans-serif; max-width: 300px; }
.atlas-panel h2 { font-size: 14px; margin: 0 0 4px; }
.atlas-panel a { color: #0d47a1; }
.atlas-legend svg { vertical-align: middle; margin-right: 4px; }
.atlas-legend .row { white-space: nowrap; }
.atlas-legend .note { color: #666; max-width: 220px; margin-top: 4px; }
.atlas-search input { width: 200px; font-size: 13px; padding: 3px; }
.atlas-search ul { list-style: none; margin: 4px 0 0; padding: 0; max-height: 220px;
  overflow: auto; }
.atlas-search li { cursor: pointer; padding: 2px 0; }
.atlas-search li:hover, .atlas-search li.sel { background: #e3f2fd; }
.atlas-search li small { color: #666; }
</style>
""" % {"sea": BASEMAP_STYLE["sea"]}


class _AtlasScript(MacroElement):
    """Our own script: popups, tooltips, search, ``#f=<id>`` links and citation marks."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var DATA = {{ this.data }};
  var map = {{ this._parent.get_name() }};
  var layers = [{{ this.layer_names }}];
  var index = {};
  // Every text below is escaped in Python; quotes are kept once per map and numbered here.
  function popup(d) {
    return d.head + d.quotes.map(function (id, i) {
      var q = DATA.quotes[id], n = i + 1;
      return '<details class="quote" data-n="' + n + '" open><summary>[' + n + '] ' + q.label +
        '</summary>' + q.body + '</details>';
    }).join('') + '</div>';
  }
  // Fitted here without animation: a view change during a running zoom animation is ignored.
  map.fitBounds(DATA.view, {padding: [20, 20], animate: false});
  layers.forEach(function (group) {
    group.eachLayer(function (layer) {
      var f = layer.feature;
      if (!f || !Object.prototype.hasOwnProperty.call(DATA.features, f.id)) { return; }
      var d = DATA.features[f.id];
      index[f.id] = layer;
      layer.bindPopup(function () { return popup(d); }, {maxWidth: 440, minWidth: 300, maxHeight: 440});
      layer.bindTooltip(d.tooltip, {sticky: true});
      layer.on('popupopen', function () {
        if (location.hash !== '#f=' + encodeURIComponent(f.id)) {
          history.replaceState(null, '', '#f=' + encodeURIComponent(f.id));
        }
      });
    });
  });
  function bounds(layer) {
    return layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng(), layer.getLatLng()]);
  }
  function open(id) {
    var layer = index[id];
    if (!layer) { return false; }
    map.fitBounds(bounds(layer).pad(0.4), {maxZoom: 8, animate: false});
    layer.openPopup();
    return true;
  }
  function fromHash() {
    var m = /^#f=([^&]+)/.exec(location.hash);
    if (m) { open(decodeURIComponent(m[1])); }
  }
  window.addEventListener('hashchange', fromHash);
  map.getContainer().addEventListener('click', function (e) {
    var a = e.target.closest ? e.target.closest('a.cite') : null;
    if (!a) { return; }
    e.preventDefault();
    var box = a.closest('.atlas-popup');
    var quote = box && box.querySelector('details.quote[data-n="' + a.getAttribute('data-n') + '"]');
    if (!quote) { return; }
    box.querySelectorAll('details.quote.flash').forEach(function (q) { q.classList.remove('flash'); });
    quote.open = true;
    quote.classList.add('flash');
    quote.scrollIntoView({block: 'nearest'});
  });
  function fold(s) {
    return s.normalize('NFKD').replace(/[\\u0300-\\u036f]/g, '').toLowerCase()
      .replace(/[\\u2010-\\u2015\\u2212-]/g, ' ').replace(/[\\u2018\\u2019\\u201c\\u201d'"]/g, '')
      .replace(/\\s+/g, ' ').trim();
  }
  var Search = L.Control.extend({
    options: {position: 'topleft'},
    onAdd: function () {
      var box = L.DomUtil.create('div', 'atlas-panel atlas-search');
      var input = L.DomUtil.create('input', '', box);
      input.type = 'search';
      input.placeholder = 'Find a place or line…';
      input.setAttribute('aria-label', 'Find a feature by any of its names');
      var list = L.DomUtil.create('ul', '', box);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      function show() {
        var q = fold(input.value);
        list.textContent = '';
        if (!q) { return; }
        Object.keys(DATA.features).sort().forEach(function (id) {
          var d = DATA.features[id];
          var names = [d.name].concat(d.aliases);
          var hit = names.filter(function (n) { return fold(n).indexOf(q) >= 0; })[0];
          if (hit === undefined || !index[id]) { return; }
          var li = L.DomUtil.create('li', '', list);
          li.textContent = d.name + ' ';
          li.setAttribute('data-id', id);
          if (hit !== d.name) {
            var small = L.DomUtil.create('small', '', li);
            small.textContent = '(' + hit + ')';
          }
          li.addEventListener('click', function () { location.hash = '#f=' + encodeURIComponent(id); open(id); });
        });
      }
      input.addEventListener('input', show);
      input.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' && list.firstChild) { list.firstChild.click(); }
      });
      return box;
    }
  });
  new Search().addTo(map);
  window.ATLAS = {open: open, index: index, ids: Object.keys(index).sort()};
  fromHash();
})();
{% endmacro %}
""")

    def __init__(self, data: str, layer_names: list[str]) -> None:
        super().__init__()
        self._name = "AtlasScript"
        self.data = data
        self.layer_names = ", ".join(layer_names)


class _Panel(MacroElement):
    """A Leaflet control holding pre-escaped HTML (title, links, legend)."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var Panel = L.Control.extend({
    options: {position: {{ this.position|tojson }}},
    onAdd: function () {
      var div = L.DomUtil.create('div', 'atlas-panel ' + {{ this.css_class|tojson }});
      div.innerHTML = {{ this.html }};
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    }
  });
  new Panel().addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
""")

    def __init__(self, html_text: str, position: str, css_class: str) -> None:
        super().__init__()
        self._name = "Panel"
        self.html = script_json(html_text)
        self.position = position
        self.css_class = css_class


def _swatch_line(style: Mapping[str, Any]) -> str:
    dash = f' stroke-dasharray="{style["dashArray"]}"' if style.get("dashArray") else ""
    return (
        f'<svg width="34" height="12"><line x1="2" y1="6" x2="32" y2="6" '
        f'stroke="{style["color"]}" stroke-width="{min(style["weight"], 8)}" '
        f'stroke-opacity="{style["opacity"]}"{dash} stroke-linecap="round"/></svg>'
    )


def legend_html(modes: list[str], statuses: list[str], kinds: list[str]) -> str:
    """The legend, generated from the same style table the layers are drawn with."""
    rows = ["<strong>Legend</strong>"]
    for mode in modes:
        rows.append(
            f'<div class="row">{_swatch_line(line_style(mode, "operating"))}'
            f"{esc(MODE_STYLE[mode]['label'])}</div>"
        )
    for status in statuses:
        s = line_style("railway", status)
        s["color"] = "#555"
        rows.append(f'<div class="row">{_swatch_line(s)}{esc(STATUS_STYLE[status]["label"])}</div>')
    for kind in kinds:
        n = node_style(kind, "operating")
        rows.append(
            f'<div class="row"><svg width="34" height="14"><circle cx="17" cy="7" '
            f'r="{n["radius"]}" fill="{n["fillColor"]}" stroke="#fff"/></svg>'
            f"{esc(NODE_STYLE[kind]['label'])}</div>"
        )
    rows.append(f'<div class="note">Basemap: {esc(ATTRIBUTION)}</div>')
    return "".join(rows)


def _nav_html(spec: MapSpec) -> str:
    links = " · ".join(
        f"<strong>{esc(m.name.capitalize() if m.name != 'index' else 'Overview')}</strong>"
        if m.name == spec.name
        else f'<a href="{esc(m.name)}.html">{esc(m.name.capitalize() if m.name != "index" else "Overview")}</a>'
        for m in MAPS
    )
    return (
        f"<h2>{esc(spec.title)}</h2><div>{links} · "
        f'<a href="sources/index.html">Sources</a></div>'
        "<div style='color:#666'>Click a line or point for its facts and quotes.</div>"
    )


def build_map(spec: MapSpec, ev: Evidence) -> tuple[folium.Map, int]:
    """A Folium map for ``spec``; returns it and the number of features it draws."""
    west, south, east, north = settings.REGION_BBOX
    fmap = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=4,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        min_zoom=3,
        max_bounds=True,
        min_lat=south,
        max_lat=north,
        min_lon=west,
        max_lon=east,
    )
    fmap.default_js = [("leaflet", "assets/leaflet.js")]
    fmap.default_css = [("leaflet_css", "assets/leaflet.css")]
    root: Any = fmap.get_root()
    root.header.add_child(Element(_CSS), name="atlas_css")
    root.header.add_child(
        Element('<meta name="referrer" content="no-referrer">'), name="atlas_meta"
    )

    folium.GeoJson(
        ev.layers["_basemap_display"],
        name="Countries (Natural Earth 10m)",
        style_function=lambda _f: {
            "fillColor": BASEMAP_STYLE["fill"],
            "color": BASEMAP_STYLE["stroke"],
            "weight": 0.8,
            "fillOpacity": 1.0,
        },
        interactive=False,
        control=True,
        overlay=False,
        show=True,
    ).add_to(fmap)
    tiles = xyz.OpenStreetMap.Mapnik
    folium.TileLayer(
        tiles=tiles.build_url(),
        attr=tiles.html_attribution,
        name="Online tiles (OpenStreetMap; needs a network)",
        overlay=False,
        show=False,
        max_zoom=tiles.get("max_zoom", 18),
    ).add_to(fmap)

    # Points get a pane of their own above the lines, so a port is never hidden by the lines
    # that end at it.
    folium.map.CustomPane(NODE_PANE, z_index=450).add_to(fmap)
    data: dict[str, dict[str, Any]] = {}
    quotes: dict[str, dict[str, str]] = {}
    layer_names: list[str] = []
    drawn = 0
    bounds: list[tuple[float, float, float, float]] = []
    modes, statuses, kinds = [], [], []
    for overlay in spec.overlays:
        feats = [f for f in ev.layers[overlay.layer] if overlay.keep(f["properties"])]
        if not feats:
            continue
        shown = []
        for f in feats:
            p = f["properties"]
            geom = ev.display[f["id"]]
            shown.append(
                {
                    "type": "Feature",
                    "id": f["id"],
                    "properties": {
                        "mode": p.get("mode", ""),
                        "kind": p.get("kind", ""),
                        "status": p["status"],
                    },
                    "geometry": geom,
                }
            )
            bounds.append(shapely.bounds(shape(geom)).tolist())
            head, quote_ids = popup_html(f, ev)
            data[f["id"]] = {
                "name": p["name"],
                "aliases": [a for a in p["aliases"].split(SEP) if a],
                "head": head,
                "quotes": quote_ids,
                "tooltip": esc(p["name"]),
            }
            for qid in quote_ids:
                if qid not in quotes:
                    quotes[qid] = quote_block(qid, ev)
            if p.get("mode") and p["mode"] not in modes:
                modes.append(p["mode"])
            if p.get("kind") and p["kind"] not in kinds:
                kinds.append(p["kind"])
            if p.get("mode") and p["status"] not in statuses:
                statuses.append(p["status"])
        drawn += len(shown)
        group = folium.FeatureGroup(name=overlay.title, show=True).add_to(fmap)
        layer = folium.GeoJson(
            {"type": "FeatureCollection", "features": shown},
            name=overlay.title,
            style_function=_style,
            marker=folium.CircleMarker(radius=5, pane=NODE_PANE),
            highlight_function=lambda _f: {"weight": 6, "fillOpacity": 1.0},
            embed=True,
            zoom_on_click=False,
        )
        layer.add_to(group)
        layer_names.append(layer.get_name())
    if bounds:
        box = np.array(bounds)
        view = [
            [float(box[:, 1].min()), float(box[:, 0].min())],
            [float(box[:, 3].max()), float(box[:, 2].max())],
        ]
    else:  # nothing to draw on this map: show the whole region
        view = [[south, west], [north, east]]
    folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    order = list(STATUS_STYLE)
    legend = legend_html(
        [m for m in MODE_STYLE if m in modes],
        sorted(statuses, key=order.index),
        [k for k in NODE_STYLE if k in kinds],
    )
    fmap.add_child(_Panel(_nav_html(spec), "topleft", "atlas-title"))
    fmap.add_child(_Panel(legend, "bottomright", "atlas-legend"))
    fmap.add_child(
        _AtlasScript(script_json({"features": data, "quotes": quotes, "view": view}), layer_names)
    )
    return fmap, drawn


def _style(feature: Mapping[str, Any]) -> dict[str, Any]:
    p = feature["properties"]
    if p.get("kind"):
        style = node_style(p["kind"], p["status"])
    else:
        style = line_style(p["mode"], p["status"])
    style["className"] = f"atlas-feature atlas-{p.get('mode') or p.get('kind')}"
    return style


# --- Source pages ------------------------------------------------------------------------

_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<style>
body {{ font: 15px/1.55 Georgia, serif; max-width: 52em; margin: 1.5em auto; padding: 0 1em;
  color: #222; }}
header {{ font: 13px/1.4 system-ui, sans-serif; border-bottom: 1px solid #ccc;
  margin-bottom: 1em; padding-bottom: .6em; }}
header h1 {{ font-size: 20px; margin: .2em 0; }}
header dl {{ display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: .5em 0; }}
header dt {{ color: #666; }} header dd {{ margin: 0; word-break: break-all; }}
.text {{ white-space: pre-wrap; unicode-bidi: plaintext; }}
mark.q {{ background: #fff3a0; }}
mark.q.active {{ background: #ffb74d; outline: 2px solid #e65100; }}
.furniture {{ color: #999; }}
.supports {{ font: 11px system-ui, sans-serif; user-select: none; }}
.supports button {{ font: inherit; color: #0d47a1; background: #e3f2fd; border: 0;
  border-radius: 3px; padding: 0 3px; margin-left: 2px; cursor: pointer; }}
.supports a {{ background: #e3f2fd; border-radius: 3px; padding: 0 3px; margin-left: 2px;
  text-decoration: none; color: #0d47a1; }}
</style></head>
<body>
<header><a href="{back}index.html">← Map</a> · <a href="{back}sources/index.html">All sources</a>
{head}</header>
{body}
<script>
(function () {{
  function mark() {{
    document.querySelectorAll('mark.q.active').forEach(function (m) {{ m.classList.remove('active'); }});
    var m = /^#q-(.+)$/.exec(location.hash);
    if (!m) {{ return; }}
    var id = decodeURIComponent(m[1]);
    var first = null;
    document.querySelectorAll('mark.q').forEach(function (el) {{
      if ((' ' + el.getAttribute('data-q') + ' ').indexOf(' ' + id + ' ') >= 0) {{
        el.classList.add('active');
        first = first || el;
      }}
    }});
    if (first) {{ first.scrollIntoView({{block: 'center'}}); }}
  }}
  window.addEventListener('hashchange', mark);
  document.querySelectorAll('.supports.folded button').forEach(function (b) {{
    b.addEventListener('click', function () {{
      b.nextElementSibling.hidden = false;
      b.remove();
    }});
  }});
  mark();
}})();
</script>
</body></html>
"""


def document_page(
    doc: Document, meta: Mapping[str, str], ev: Evidence, names: Mapping[str, str]
) -> str:
    """One source document, whole, with every quote highlighted and anchored, and links from
    each quote to the features it supports."""
    text = doc.text
    quotes = sorted(
        (q for q in ev.quotes.values() if q["doc_id"] == doc.id),
        key=lambda q: (int(q["start"]), q["id"]),
    )
    cuts = {0, len(text)}
    for a, b in doc.furniture:
        cuts.update((a, b))
    for q in quotes:
        cuts.update((int(q["start"]), int(q["end"])))
    edges = sorted(cuts)
    out: list[str] = []
    for a, b in itertools.pairwise(edges):
        for q in quotes:
            if int(q["start"]) == a:
                out.append(f'<span id="q-{esc(q["id"])}"></span>')
        covering = [q["id"] for q in quotes if int(q["start"]) <= a and b <= int(q["end"])]
        chunk = esc(text[a:b])
        if any(fa <= a and b <= fb for fa, fb in doc.furniture):
            chunk = f'<span class="furniture">{chunk}</span>'
        if covering:
            chunk = f'<mark class="q" data-q="{esc(" ".join(covering))}">{chunk}</mark>'
        out.append(chunk)
        for q in quotes:
            if int(q["end"]) == b:
                fids = [fid for fid in q["feature_ids"].split(SEP) if fid]
                links = "".join(
                    f'<a href="../index.html#f={esc(fid)}">{esc(names.get(fid, fid))}</a>'
                    for fid in fids
                )
                qid = esc(q["id"])
                if len(fids) <= 3:
                    out.append(f'<span class="supports" data-quote="{qid}">{links}</span>')
                else:  # long lists fold away, so that the text stays readable
                    out.append(
                        f'<span class="supports folded" data-quote="{qid}"><button type="button">'
                        f"supports {len(fids)} features</button><span hidden>{links}</span></span>"
                    )
    title = meta["title"] or f"Document {doc.id}"
    fields = [
        ("Outlet", meta["outlet"]),
        ("Author", meta["author"]),
        ("Published", meta["published"] or "undated"),
        ("Updated", meta["updated"]),
        ("URL", meta["url"]),
        ("SHA-256", meta["sha256"]),
        ("About", meta["note"]),
        ("Quotes", str(len(quotes))),
    ]
    head = (
        f"<h1>{esc(title)}</h1><dl>"
        + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in fields if v)
        + "</dl>"
    )
    body = f'<div class="text">{"".join(out)}</div>'
    return _PAGE.format(
        lang=esc(doc.language or "en"), title=esc(title), back="../", head=head, body=body
    )


def sources_index(ev: Evidence) -> str:
    items = []
    for doc_id, meta in sorted(ev.documents.items()):
        count = sum(1 for q in ev.quotes.values() if q["doc_id"] == doc_id)
        items.append(
            f'<li><a href="{esc(doc_id)}.html">{_doc_label(meta)}</a> ({count} quotes)</li>'
        )
    body = f"<ul>{''.join(items)}</ul>"
    return _PAGE.format(lang="en", title="Sources", back="../", head="<h1>Sources</h1>", body=body)


def _leaflet_assets() -> dict[str, bytes]:
    dist = settings.assets_dir() / "leaflet" / "dist"
    if not (dist / "leaflet.js").exists():
        raise GeoError(
            f"Leaflet not found in {dist}: run `npm ci` in the project folder "
            "(it installs the leaflet package the maps are built with)"
        )
    files = {
        "assets/leaflet.js": (dist / "leaflet.js").read_bytes(),
        "assets/leaflet.css": (dist / "leaflet.css").read_bytes(),
    }
    for image in sorted((dist / "images").glob("*.png")):
        files[f"assets/images/{image.name}"] = image.read_bytes()
    license_path = dist.parent / "LICENSE"
    if license_path.exists():
        files["assets/LICENSE-leaflet.txt"] = license_path.read_bytes()
    return files


def render(
    *, out_dir: Path | None = None, layers_dir: Path | None = None, data_dir: Path | None = None
) -> dict[str, int]:
    """Write every map and source page; return the size in bytes of each file written.

    The whole folder is written to a temporary folder and swapped in at the end, so a
    failed or interrupted render leaves the previous maps as they were.
    """
    ev = read_evidence(layers_dir or settings.layers_dir(), data_dir)
    ev.layers["_basemap_display"] = basemap_display(ev.layers["basemap_countries"])  # type: ignore[assignment]
    display_all(ev)
    files: dict[str, str | bytes] = dict(_leaflet_assets())
    for spec in MAPS:
        fmap, _drawn = build_map(spec, ev)
        page = fmap.get_root().render()
        files[f"{spec.name}.html"] = _deterministic(page)
    names = {
        f["id"]: f["properties"]["name"]
        for name, feats in ev.layers.items()
        if not name.startswith(("basemap", "_"))
        for f in feats
    }
    for doc_id, meta in ev.documents.items():
        files[f"sources/{doc_id}.html"] = document_page(ev.texts[doc_id], meta, ev, names)
    files["sources/index.html"] = sources_index(ev)
    files["README.md"] = _MAPS_README
    write_atomically(out_dir or settings.maps_dir(), files)
    return {name: len(encoded(c)) for name, c in files.items()}


_MAPS_README = """# Maps

Generated by `python -m geo render` (or `scripts/regenerate.sh`); the HTML and the Leaflet
assets written beside it are not kept in git. Open `index.html` in a browser; everything works
offline.
"""

_FOLIUM_ID = re.compile(r"(?<![0-9A-Za-z])([a-z][a-z_]*?)_([0-9a-f]{32})(?![0-9a-f])")


def _deterministic(page: str) -> str:
    """Replace Folium's random element ids by sequential ones, so renders are reproducible."""
    seen: dict[str, str] = {}

    def sub(m: re.Match[str]) -> str:
        key = m.group(0)
        if key not in seen:
            seen[key] = f"{m.group(1)}_{len(seen):04d}"
        return seen[key]

    return _FOLIUM_ID.sub(sub, page)
