"""Command-line interface: ``python -m geo`` or ``corridor-atlas``.

Exit codes: 0 success, 1 bad inputs or stale/invalid layers, 2 bad command-line arguments,
130 interrupted. Problems go to stderr, one line each; data goes to stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from geo import settings
from geo._errors import GeoError, InputError

_EPILOG = (
    "Coordinates are (longitude, latitude) in degrees on WGS84; lengths are kilometres, "
    "measured in a projected CRS fitted to each line and checked against the WGS84 geodesic. "
    "Paths can also be set with GEO_DATA_DIR, GEO_LAYERS_DIR, GEO_MAPS_DIR and GEO_ASSETS_DIR."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="corridor-atlas",
        description="Build sourced GeoJSON layers and offline maps of the Middle Corridor.",
        epilog=_EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {settings.version()}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data",
        type=Path,
        metavar="DIR",
        help="folder of corpus/, catalog/ and basemap/ (default: the package's)",
    )
    common.add_argument(
        "--layers", type=Path, metavar="DIR", help="layers folder (default: layers/)"
    )
    loud = common.add_mutually_exclusive_group()
    loud.add_argument("-q", "--quiet", action="store_true", help="print nothing but problems")
    loud.add_argument("-v", "--verbose", action="store_true", help="print more detail")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser(
        "build",
        parents=[common],
        epilog=_EPILOG,
        help="check the inputs and write the layers",
        description="Check every input and write layers/ (GeoJSON, GeoPackage, "
        "tables, data dictionary). Nothing is written unless everything succeeds.",
    )
    sub.add_parser(
        "check",
        parents=[common],
        epilog=_EPILOG,
        help="check the inputs and the layers on disk, writing nothing",
        description="Check every input, the physical sense of every line, and that "
        "the layers on disk are exactly what a build would write now.",
    )
    sub.add_parser(
        "lengths",
        parents=[common],
        epilog=_EPILOG,
        help="print each line's computed, geodesic and stated length (TSV)",
        description="Print a tab-separated table: id, mode, length_km (fitted CRS), "
        "geodesic_km (pyproj.Geod), difference %, stated_km, computed-vs-stated %.",
    )
    render = sub.add_parser(
        "render",
        parents=[common],
        epilog=_EPILOG,
        help="write the HTML maps from the layers",
        description="Write maps/ from the inputs: the overview, thematic "
        "maps and one page per source document.",
    )
    render.add_argument("--maps", type=Path, metavar="DIR", help="maps folder (default: maps/)")
    allp = sub.add_parser(
        "all", parents=[common], epilog=_EPILOG, help="build the layers, then render the maps"
    )
    allp.add_argument("--maps", type=Path, metavar="DIR", help="maps folder (default: maps/)")
    export = sub.add_parser(
        "export",
        parents=[common],
        epilog=_EPILOG,
        help="write FlatGeobuf, KML or CSV copies of the layers",
        description="Write extra formats from the layers: FlatGeobuf "
        "(.fgb), KML for Google Earth, CSV of the claims.",
    )
    export.add_argument(
        "--format",
        choices=("fgb", "kml", "csv"),
        action="append",
        required=True,
        help="format to write (repeatable)",
    )
    export.add_argument("--out", type=Path, metavar="DIR", required=True, help="output folder")
    corpus = sub.add_parser(
        "corpus",
        help="add documents to the corpus, or verify it online",
        description="Grow or check the evidence corpus.",
    )
    corpus_sub = corpus.add_subparsers(dest="corpus_command", required=True, metavar="ACTION")
    add = corpus_sub.add_parser(
        "add",
        parents=[common],
        epilog=_EPILOG,
        help="add an article from a URL or a file",
        description="Fetch an article (or read a local HTML/text file), extract its readable "
        "text and add it to the corpus with its URL, retrieval time and SHA-256. The same "
        "text twice is recognised and not added again. Network: one GET with a time-out, "
        "bounded retries and a size limit.",
    )
    add.add_argument("source", metavar="URL|FILE")
    corpus_sub.add_parser(
        "verify",
        parents=[common],
        epilog=_EPILOG,
        help="check that cited pages still say it",
        description="Fetch every document that has a URL again and report each quote that is "
        "no longer there (changed or removed text, dead link). Changes nothing; exit 1 if "
        "anything is missing.",
    )
    link = sub.add_parser(
        "link",
        parents=[common],
        epilog=_EPILOG,
        help="propose quotes and claims from a document's sentences",
        description="Find the sentences of a corpus document (or a local UTF-8 text file) "
        "that mention catalogue features by any spelling (dash-, quote- and "
        "transliteration-insensitive: Kuryk/Quryq, Siyazan/Siyəzən) and print proposed "
        "[[quote]] and [[claim]] entries with the figures they state (km, tonnes, %, Tbit/s, "
        "US$). Nothing is written.",
    )
    link.add_argument("document", metavar="DOCUMENT|FILE")
    fetch = sub.add_parser("fetch", help="fetch reference data (OpenStreetMap)")
    fetch_sub = fetch.add_subparsers(dest="fetch_command", required=True, metavar="SOURCE")
    osm = fetch_sub.add_parser(
        "osm",
        parents=[common],
        epilog=_EPILOG,
        help="compare the catalogue with OSM",
        description="Query the Overpass API (GEO_OVERPASS_URL) for railways, oil pipelines, "
        "stations and ports in the region, cache the answer in cache/osm/ (GEO_CACHE_DIR), "
        "and write a review (review.md, review.geojson; © OpenStreetMap contributors, ODbL) "
        "of how far each catalogue feature is from OSM. The catalogue is never changed.",
    )
    osm.add_argument("--refresh", action="store_true", help="ignore the cached answer")
    return parser


def _say(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(text)


def _apply_paths(args: argparse.Namespace) -> None:
    if args.data:
        os.environ["GEO_DATA_DIR"] = str(args.data)
    if args.layers:
        os.environ["GEO_LAYERS_DIR"] = str(args.layers)
    if getattr(args, "maps", None):
        os.environ["GEO_MAPS_DIR"] = str(args.maps)


def _cmd_build(args: argparse.Namespace) -> None:
    from geo._io import encoded
    from geo.build import build

    built = build(out_dir=settings.layers_dir())
    _say(args, f"wrote {settings.layers_dir()}/:")
    for name in sorted(built.files):
        size = len(encoded(built.files[name]))
        count = len(built.rows.get(name.split(".")[0], [])) if name.endswith(".geojson") else None
        extra = (
            f", {count} features" if count is not None and not name.startswith("basemap") else ""
        )
        _say(args, f"  {name}: {size / 1024:.1f} KiB{extra}")


def _cmd_check(args: argparse.Namespace) -> None:
    from geo.check import check

    notes = check()
    for line in notes if args.verbose else notes[:1]:
        _say(args, line)


def _cmd_lengths(args: argparse.Namespace) -> None:
    from geo.build import compute

    built = compute()
    print("id\tmode\tlength_km\tgeodesic_km\tdiff_pct\tstated_km\tvs_stated_pct\tcrs")
    for layer in ("cables", "pipelines", "railways", "sea_links", "routes"):
        for row in built.rows[layer]:
            stated = row["stated_length_km"]
            vs = row["computed_vs_stated_pct"]
            print(
                f"{row['id']}\t{row['mode']}\t{row['length_km']:.3f}\t"
                f"{row['length_geodesic_km']:.3f}\t{row['length_vs_geodesic_pct']:+.5f}\t"
                f"{'' if stated is None else f'{stated:g}'}\t{'' if vs is None else f'{vs:+.2f}'}"
                f"\t{row['crs_kind']}"
            )


def _cmd_render(args: argparse.Namespace) -> None:
    from geo.render import render

    sizes = render(out_dir=settings.maps_dir())
    _say(args, f"wrote {settings.maps_dir()}/:")
    for name, size in sorted(sizes.items()):
        _say(args, f"  {name}: {size / 1024:.1f} KiB")


def _cmd_all(args: argparse.Namespace) -> None:
    _cmd_build(args)
    _cmd_render(args)


def _cmd_export(args: argparse.Namespace) -> None:
    from geo.export import export

    for path in export(layers_dir=settings.layers_dir(), out_dir=args.out, formats=args.format):
        _say(args, f"wrote {path}")


def _cmd_corpus(args: argparse.Namespace) -> None:
    from geo import sources

    if args.corpus_command == "add":
        added = sources.add_document(args.source)
        verb = "added" if added.created else "already in the corpus as"
        _say(args, f"{verb} {added.doc_id} ({added.chars:,} characters): {added.title}")
        return
    findings = sources.verify()
    if not findings:
        _say(args, "no document has a URL; nothing to verify")
        return
    bad = [f for f in findings if f.status in ("missing", "unreachable")]
    for f in findings:
        if f.status != "ok" or args.verbose:
            print(f"{f.status}\t{f.doc_id}\t{f.quote_id}\t{f.detail}")
    _say(args, f"{len(findings)} checks, {len(bad)} problems")
    if bad:
        raise GeoError(f"{len(bad)} quotes or documents could not be confirmed online")


def _cmd_link(args: argparse.Namespace) -> None:
    from geo.link import report

    print(report(args.document))


def _cmd_fetch(args: argparse.Namespace) -> None:
    from geo import osm

    elements, path, cached = osm.fetch(refresh=args.refresh)
    _say(args, f"{len(elements):,} OSM elements ({'cache' if cached else 'fetched'}: {path})")
    matches, geojson = osm.review(elements)
    out = osm.write_review(matches, geojson, settings.cache_dir() / "osm")
    _say(args, f"wrote {out} ({len(matches)} features compared); {osm.ATTRIBUTION}")


_COMMANDS = {
    "build": _cmd_build,
    "check": _cmd_check,
    "lengths": _cmd_lengths,
    "render": _cmd_render,
    "all": _cmd_all,
    "export": _cmd_export,
    "corpus": _cmd_corpus,
    "link": _cmd_link,
    "fetch": _cmd_fetch,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    _apply_paths(args)
    try:
        _COMMANDS[args.command](args)
    except InputError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        count = len(exc.problems)
        if args.verbose:
            print(f"  inputs read from {settings.data_dir()}", file=sys.stderr)
            print(f"  outputs left as they were in {settings.layers_dir()}", file=sys.stderr)
        print(f"{count} problem{'s' if count != 1 else ''}; nothing was written", file=sys.stderr)
        return 1
    except GeoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if args.verbose and exc.__cause__ is not None:
            print(f"  caused by: {exc.__cause__!r}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the previous outputs are untouched", file=sys.stderr)
        return 130
    return 0
