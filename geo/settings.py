"""Settings of the atlas, read at call time.

Every path can be overridden from the environment, so that tests and users can point the
build at other inputs or outputs without touching the code:

``GEO_DATA_DIR``
    Folder holding ``corpus/`` (documents and quotes), ``catalog/`` (features and claims) and
    ``basemap/`` (Natural Earth clip). Default: the package's own ``geo/data``.
``GEO_LAYERS_DIR``
    Where ``build`` writes the layers. Default: ``layers/`` in the current directory.
``GEO_MAPS_DIR``
    Where ``render`` writes the maps. Default: ``maps/`` in the current directory.
``GEO_ASSETS_DIR``
    Folder of the installed registry packages the maps take Leaflet from
    (``node_modules``). Default: ``node_modules/`` in the current directory.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DATA_DIR = Path(__file__).resolve().parent / "data"

#: Decimal places written for longitude and latitude (RFC 7946 recommends no more than needed;
#: 7 decimals is about 1 cm).
COORD_DECIMALS = 7

#: Decimal places for lengths in kilometres written to layers (1 m).
LENGTH_DECIMALS = 3

#: Greatest spacing of vertices along a densified geodesic, in metres.
DENSIFY_STEP_M = 2_000.0

#: How far from its end nodes a cable or sea link may run over land (landing approaches),
#: and a railway or pipeline over water (ports, coastal terminals), in kilometres.
LANDING_TOLERANCE_KM = 6.0

#: Largest disagreement allowed between the length measured in a feature's projected CRS and
#: the ellipsoidal geodesic length, as a fraction.
LENGTH_TOLERANCE = 0.0005

#: Countries whose share of each line is reported, as ISO 3166-1 alpha-3 codes, in the order
#: the layer fields appear. Natural Earth names are mapped to these codes in ``geo.basemap``.
SPLIT_COUNTRIES: tuple[str, ...] = ("CHN", "KAZ", "RUS", "TKM", "AZE", "GEO", "TUR", "ROU")

#: Region the basemap is clipped to: (west, south, east, north) in degrees.
REGION_BBOX: tuple[float, float, float, float] = (20.0, 28.0, 92.0, 58.0)


#: Network limits: seconds to wait for a connection or a read, seconds for a whole response,
#: largest body accepted in bytes, attempts per request, first backoff in seconds, and the
#: longest Retry-After a server may ask for before we give up instead.
HTTP_TIMEOUT_S = 20.0
HTTP_DEADLINE_S = 120.0
HTTP_MAX_BYTES = 5_000_000
HTTP_ATTEMPTS = 4
HTTP_BACKOFF_S = 1.0
HTTP_MAX_RETRY_AFTER_S = 60.0


def http_timeout_s() -> float:
    """Connect/read timeout in seconds (``GEO_HTTP_TIMEOUT_S`` or :data:`HTTP_TIMEOUT_S`)."""
    return float(os.environ.get("GEO_HTTP_TIMEOUT_S", HTTP_TIMEOUT_S))


def http_backoff_s() -> float:
    """First retry delay in seconds (``GEO_HTTP_BACKOFF_S`` or :data:`HTTP_BACKOFF_S`)."""
    return float(os.environ.get("GEO_HTTP_BACKOFF_S", HTTP_BACKOFF_S))


def overpass_url() -> str:
    """Overpass API endpoint (``GEO_OVERPASS_URL``)."""
    return os.environ.get("GEO_OVERPASS_URL", "https://overpass-api.de/api/interpreter")


def cache_dir() -> Path:
    """Folder for downloads (``GEO_CACHE_DIR`` or ``./cache``); git-ignored."""
    return Path(os.environ.get("GEO_CACHE_DIR", "cache"))


#: Debian's chromium, as the browser tests and the benchmark drive it (never a downloaded one),
#: and the flags that keep it from reaching for the network at start-up.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
)


def version() -> str:
    """The installed package's version (kept only in pyproject.toml), or ``0+unknown``."""
    from importlib import metadata

    try:
        return metadata.version("corridor-atlas")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def data_dir() -> Path:
    """Folder of the human-edited inputs (``GEO_DATA_DIR`` or the package data)."""
    return Path(os.environ.get("GEO_DATA_DIR", PACKAGE_DATA_DIR))


def layers_dir() -> Path:
    """Folder the layers are written to (``GEO_LAYERS_DIR`` or ``./layers``)."""
    return Path(os.environ.get("GEO_LAYERS_DIR", "layers"))


def maps_dir() -> Path:
    """Folder the maps are written to (``GEO_MAPS_DIR`` or ``./maps``)."""
    return Path(os.environ.get("GEO_MAPS_DIR", "maps"))


def assets_dir() -> Path:
    """Folder of installed npm packages the maps take Leaflet from."""
    return Path(os.environ.get("GEO_ASSETS_DIR", "node_modules"))
