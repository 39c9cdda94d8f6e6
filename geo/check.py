"""``check``: validate the inputs and the layers on disk without writing anything."""

from __future__ import annotations

from pathlib import Path

from geo import settings
from geo._errors import LayerError
from geo.build import compute


def check(*, layers_dir: Path | None = None) -> list[str]:
    """Check every input (corpus, catalogue, physical sense of each line) and that the layers
    on disk are byte for byte what a build would write now.

    Returns
    -------
    list of str
        A summary line, then one line per checked file.

    Raises
    ------
    CorpusError, CatalogError
        When the inputs have problems.
    LayerError
        When a layer is missing, extra or differs from what the inputs give.
    """
    from geo import export

    target = layers_dir or settings.layers_dir()
    built = compute()
    export.add_release_files(built)
    stale = []
    notes = []
    for name, content in sorted(built.files.items()):
        path = target / name
        expected = content if isinstance(content, bytes) else content.encode("utf-8")
        if not path.exists():
            stale.append(f"{path}: missing")
        elif path.read_bytes() != expected:
            stale.append(f"{path}: differs from what the inputs give")
        else:
            notes.append(f"{path}: up to date")
    if target.is_dir():
        for path in sorted(target.iterdir()):
            if path.name not in built.files:
                stale.append(f"{path}: not produced by the build")
    if stale:
        raise LayerError(
            "layers are out of date — run `python -m geo build`:\n  " + "\n  ".join(stale)
        )
    lines = len(built.measures)
    return [
        f"ok: {len(built.corpus.documents)} documents, {len(built.corpus.quotes)} quotes, "
        f"{len(built.catalog.nodes)} nodes, {lines} lines, {len(built.catalog.routes)} routes, "
        f"{len(built.catalog.claims)} claims; {len(built.files)} files in {target} up to date",
        *notes,
    ]
