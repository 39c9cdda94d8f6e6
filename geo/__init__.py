"""Sourced GeoJSON layers and offline maps of the Middle Corridor's infrastructure."""

from geo._errors import CatalogError, CorpusError, FetchError, GeoError, InputError, LayerError
from geo.build import build, compute
from geo.catalog import load_catalog
from geo.corpus import load_corpus

__all__ = [
    "CatalogError",
    "CorpusError",
    "FetchError",
    "GeoError",
    "InputError",
    "LayerError",
    "build",
    "compute",
    "load_catalog",
    "load_corpus",
]
