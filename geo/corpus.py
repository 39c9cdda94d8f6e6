"""The evidence corpus: documents kept byte for byte, and quotes anchored in them.

Inputs (in the data folder, see :mod:`geo.settings`):

``corpus/documents.toml``
    One ``[[document]]`` table per text in ``corpus/texts/``: what the text itself says about
    its title, outlet, author and date, and the SHA-256 of its bytes.
``corpus/quotes.toml``
    One ``[[quote]]`` table per cited passage: the exact text, and optional ``prefix`` /
    ``suffix`` context that makes it unique when the same words occur twice.

Offsets are counted in Unicode code points of the decoded text, end exclusive, so that
``document.text[quote.start:quote.end] == quote.text``.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo import settings
from geo._errors import CorpusError, Problems
from geo._validate import Field, check_entry, entries, read_toml

CONTEXT_CHARS = 40
"""Characters of context kept on each side of a quote, to find it again in a re-fetched text."""

_DOCUMENT_FIELDS = (
    Field("id", str, is_id=True),
    Field("title", str),
    Field("outlet", str, required=False, default=""),
    Field("author", str, required=False, default=""),
    Field("published", str, required=False, default="", is_date=True),
    Field("updated", str, required=False, default="", is_date=True),
    Field("url", str, required=False, default=""),
    Field("language", str, required=False, default="en"),
    Field("sha256", str),
    Field("note", str, required=False, default=""),
    Field("retrieved", str, required=False, default=""),
    Field("last_modified", str, required=False, default=""),
    Field("furniture_from", str, required=False, default=""),
    Field("furniture", list, required=False, default=[], item_kind=str),
)

_QUOTE_FIELDS = (
    Field("id", str, is_id=True),
    Field("document", str),
    Field("text", str),
    Field("prefix", str, required=False, default=""),
    Field("suffix", str, required=False, default=""),
    Field("note", str, required=False, default=""),
)

# Characters an editor is likely to type instead of what a document has.
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "`": "'",
    }
)


@dataclass(frozen=True)
class Document:
    """A source text and what it says about itself."""

    id: str
    title: str
    outlet: str
    author: str
    published: str
    updated: str
    url: str
    language: str
    sha256: str
    note: str
    text: str
    furniture: tuple[tuple[int, int], ...]
    retrieved: str = ""
    last_modified: str = ""

    @property
    def chars(self) -> int:
        return len(self.text)


@dataclass(frozen=True)
class Quote:
    """A passage of a document, found verbatim at ``start:end``."""

    id: str
    document: str
    text: str
    start: int
    end: int
    prefix: str
    suffix: str
    note: str


@dataclass(frozen=True)
class Corpus:
    """Documents and quotes, both keyed by id."""

    documents: dict[str, Document]
    quotes: dict[str, Quote]


def sha256_text(data: bytes) -> str:
    """SHA-256 hex digest of a document's bytes."""
    return hashlib.sha256(data).hexdigest()


def load_corpus(data_dir: Path | None = None) -> Corpus:
    """Load and check every document and quote.

    Parameters
    ----------
    data_dir
        Folder holding ``corpus/``; defaults to :func:`geo.settings.data_dir`.

    Raises
    ------
    CorpusError
        With every problem found: missing or changed texts, invalid UTF-8, malformed metadata,
        quotes that are not in their document, match more than once or lie in page furniture.
    """
    root = (data_dir or settings.data_dir()) / "corpus"
    problems = Problems()
    documents = _load_documents(root, problems)
    quotes = _load_quotes(root, documents, problems)
    problems.raise_if_any(CorpusError)
    return Corpus(documents=documents, quotes=quotes)


def _load_documents(root: Path, problems: Problems) -> dict[str, Document]:
    label = "corpus/documents.toml"
    parsed = read_toml(root / "documents.toml", label, problems)
    texts_dir = root / "texts"
    on_disk = {p.stem: p for p in sorted(texts_dir.glob("*.txt"))} if texts_dir.is_dir() else {}
    documents: dict[str, Document] = {}
    listed: set[str] = set()
    for i, raw in enumerate(entries(parsed, "document", label, problems)):
        entry = check_entry(raw, _DOCUMENT_FIELDS, label, i, problems)
        if entry is None:
            continue
        doc_id = entry["id"]
        if doc_id in listed:
            problems.add(label, doc_id, "id", "duplicate document id")
            continue
        listed.add(doc_id)
        doc = _read_document(entry, on_disk.get(doc_id), label, problems)
        if doc is not None:
            documents[doc_id] = doc
    for stem in sorted(set(on_disk) - listed):
        problems.add(
            f"corpus/texts/{stem}.txt", stem, "", "has no [[document]] entry in documents.toml"
        )
    if parsed is not None and not listed and not problems:
        problems.add(label, "", "document", "the corpus is empty: add at least one document")
    return documents


def _read_document(
    entry: dict[str, Any], path: Path | None, label: str, problems: Problems
) -> Document | None:
    doc_id = str(entry["id"])
    if path is None:
        problems.add(label, doc_id, "id", f"no text file corpus/texts/{doc_id}.txt")
        return None
    data = path.read_bytes()
    text_label = f"corpus/texts/{path.name}"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.add(
            text_label, doc_id, "", f"is not valid UTF-8 (byte {exc.start}); store it as UTF-8"
        )
        return None
    digest = sha256_text(data)
    if digest != entry["sha256"]:
        problems.add(
            label,
            doc_id,
            "sha256",
            f"the text has changed: recorded {entry['sha256']!r}, file has {digest!r}; "
            "if the new text is intended, record its SHA-256 and re-check its quotes",
        )
    url = str(entry["url"])
    if url and not url.startswith(("https://", "http://")):
        problems.add(
            label, doc_id, "url", f"{url!r} is not an http(s) URL; leave it empty if unknown"
        )
    spans: list[tuple[int, int]] = []
    start_text = str(entry["furniture_from"])
    if start_text:
        at = text.find(start_text)
        if at < 0:
            problems.add(label, doc_id, "furniture_from", f"{start_text!r} is not in the text")
        else:
            spans.append((at, len(text)))
    for i, piece in enumerate(entry["furniture"]):
        at = text.find(piece)
        if at < 0:
            problems.add(label, doc_id, f"furniture[{i}]", f"{piece!r} is not in the text")
        else:
            spans.append((at, at + len(piece)))
    return Document(
        id=doc_id,
        title=str(entry["title"]),
        outlet=str(entry["outlet"]),
        author=str(entry["author"]),
        published=str(entry["published"]),
        updated=str(entry["updated"]),
        url=url,
        language=str(entry["language"]),
        sha256=digest,
        note=str(entry["note"]),
        text=text,
        furniture=tuple(sorted(spans)),
        retrieved=str(entry["retrieved"]),
        last_modified=str(entry["last_modified"]),
    )


def _load_quotes(
    root: Path, documents: dict[str, Document], problems: Problems
) -> dict[str, Quote]:
    label = "corpus/quotes.toml"
    parsed = read_toml(root / "quotes.toml", label, problems)
    quotes: dict[str, Quote] = {}
    for i, raw in enumerate(entries(parsed, "quote", label, problems)):
        entry = check_entry(raw, _QUOTE_FIELDS, label, i, problems)
        if entry is None:
            continue
        qid = entry["id"]
        if qid in quotes:
            problems.add(label, qid, "id", "duplicate quote id")
            continue
        doc = documents.get(entry["document"])
        if doc is None:
            if entry["document"] not in _known_ids(root):
                problems.add(label, qid, "document", f"unknown document id {entry['document']!r}")
            continue
        if not entry["text"].strip():
            problems.add(label, qid, "text", "is empty")
            continue
        found = locate(doc, entry["text"], entry["prefix"], entry["suffix"], label, qid, problems)
        if found is not None:
            quotes[qid] = Quote(
                id=qid,
                document=doc.id,
                text=entry["text"],
                start=found,
                end=found + len(entry["text"]),
                prefix=doc.text[max(0, found - CONTEXT_CHARS) : found],
                suffix=doc.text[
                    found + len(entry["text"]) : found + len(entry["text"]) + CONTEXT_CHARS
                ],
                note=entry["note"],
            )
    return quotes


def _known_ids(root: Path) -> set[str]:
    texts = root / "texts"
    return {p.stem for p in texts.glob("*.txt")} if texts.is_dir() else set()


def _occurrences(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


def locate(
    doc: Document, text: str, prefix: str, suffix: str, label: str, qid: str, problems: Problems
) -> int | None:
    """Find a quote verbatim in its document; record a problem unless found exactly once."""
    hits = _occurrences(doc.text, text)
    if prefix:
        hits = [h for h in hits if doc.text[:h].endswith(prefix)]
    if suffix:
        hits = [h for h in hits if doc.text.startswith(suffix, h + len(text))]
    if not hits:
        problems.add(
            label, qid, "text", f"not found verbatim in document {doc.id}" + _hint(doc, text)
        )
        return None
    if len(hits) > 1:
        problems.add(
            label,
            qid,
            "text",
            f"occurs {len(hits)} times in document {doc.id} (at characters "
            f"{', '.join(map(str, hits))}); add a prefix or suffix that makes it unique",
        )
        return None
    start, end = hits[0], hits[0] + len(text)
    for a, b in doc.furniture:
        if start < b and a < end:
            problems.add(
                label,
                qid,
                "text",
                f"lies in page furniture of document {doc.id} (characters {a}-{b}), "
                "which supports nothing; quote the article itself",
            )
            return None
    return start


def fold_typography(text: str) -> tuple[str, list[int]]:
    """Fold typography and runs of spaces; return the folded text and, per folded character,
    the index of the original character it came from."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(unicodedata.normalize("NFC", text)):
        ch = ch.translate(_TYPOGRAPHY)
        if ch.isspace():
            ch = " "
            if out and out[-1] == " ":
                continue
        out.append(ch)
        index.append(i)
    return "".join(out), index


def _hint(doc: Document, text: str) -> str:
    folded_doc, index = fold_typography(doc.text)
    folded_quote, _ = fold_typography(text)
    at = folded_doc.find(folded_quote)
    if at < 0:
        return ""
    start = index[at]
    end = index[at + len(folded_quote) - 1] + 1
    original = doc.text[start:end]
    diffs = []
    for want, got in zip(original, text, strict=False):
        if want != got:
            diffs.append(f"{got!r} where the document has {want!r} (U+{ord(want):04X})")
            if len(diffs) == 3:
                break
    detail = "; ".join(diffs) if diffs else "spacing differs"
    return (
        f"; it matches at character {start} if typography is ignored: the quote has {detail}. "
        "Copy the quote from the document as it is"
    )
