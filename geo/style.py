"""The one style table the maps are drawn with and their legends are generated from."""

from __future__ import annotations

from typing import Any

#: Line style by mode: colour, weight in pixels, label.
MODE_STYLE: dict[str, dict[str, Any]] = {
    "cable": {"color": "#8e24aa", "weight": 3.5, "label": "Subsea fibre-optic cable"},
    "pipeline": {"color": "#c62828", "weight": 4.0, "label": "Oil pipeline"},
    "railway": {"color": "#37474f", "weight": 3.0, "label": "Railway"},
    "sea_link": {"color": "#1565c0", "weight": 3.0, "label": "Sea link (ferry, feeder)"},
    "route": {
        "color": "#ff9800",
        "weight": 11.0,
        "opacity": 0.35,
        "label": "Route (chain of segments)",
    },
}

#: Dash pattern and opacity by status, applied on top of the mode's style.
STATUS_STYLE: dict[str, dict[str, Any]] = {
    "operating": {"dashArray": None, "opacity": 0.9, "label": "Operating"},
    "disrupted": {"dashArray": "2 7", "opacity": 0.9, "label": "Disrupted"},
    "under_construction": {"dashArray": "12 8", "opacity": 0.9, "label": "Under construction"},
    "planned": {"dashArray": "4 8", "opacity": 0.7, "label": "Planned"},
    "not_stated": {"dashArray": None, "opacity": 0.55, "label": "Status not stated"},
}

#: Circle markers by node kind: fill colour, radius in pixels, label.
NODE_STYLE: dict[str, dict[str, Any]] = {
    "port": {"color": "#0d47a1", "radius": 7, "label": "Port"},
    "terminal": {"color": "#b71c1c", "radius": 6, "label": "Oil terminal"},
    "landing": {"color": "#8e24aa", "radius": 5, "label": "Cable landing"},
    "border_crossing": {"color": "#000000", "radius": 5, "label": "Border crossing"},
    "junction": {"color": "#546e7a", "radius": 4, "label": "Junction"},
    "station": {"color": "#546e7a", "radius": 4, "label": "Station"},
}

BASEMAP_STYLE = {"fill": "#f4f1ea", "stroke": "#b8b0a0", "sea": "#d6e6f0"}


def line_style(mode: str, status: str) -> dict[str, Any]:
    """Leaflet path options for a line of ``mode`` with ``status``."""
    base = MODE_STYLE[mode]
    stat = STATUS_STYLE[status]
    style = {
        "color": base["color"],
        "weight": base["weight"],
        "opacity": base.get("opacity", stat["opacity"]),
        "lineCap": "round",
    }
    if stat["dashArray"] and mode != "route":
        style["dashArray"] = stat["dashArray"]
    return style


def node_style(kind: str, status: str) -> dict[str, Any]:
    """Leaflet circle-marker options for a node of ``kind`` with ``status``."""
    base = NODE_STYLE[kind]
    return {
        "radius": base["radius"],
        "color": "#ffffff",
        "weight": 1.5,
        "fill": True,
        "fillColor": base["color"],
        "fillOpacity": 0.95 if status != "not_stated" else 0.8,
        "opacity": 1.0,
    }
