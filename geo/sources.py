"""Growing and checking the corpus from the network: ``corpus add`` and ``corpus verify``.

Nothing here changes a document already in the corpus. ``add`` only appends a new document
(its text file and its ``[[document]]`` entry); ``verify`` only reports.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from geo import _http, settings
from geo._errors import CorpusError, FetchError, Problem
from geo._io import write_file_atomically
from geo._toml import toml_string
from geo.corpus import Corpus, fold_typography, load_corpus


@dataclass(frozen=True)
class Readable:
    """Readable text of a page and what the page says about itself."""

    text: str
    title: str
    author: str
    outlet: str
    published: str


def readable(content: str, content_type: str) -> Readable:
    """Extract the article text and metadata from HTML (or take plain text as it is)."""
    if content_type == "text/plain":
        text = content.strip()
        first = text.splitlines()[0].strip() if text else ""
        return Readable(text, first[:200], "", "", "")
    import trafilatura

    text = trafilatura.extract(content, favor_precision=True, include_comments=False) or ""
    meta = trafilatura.extract_metadata(content)
    date = (meta.date or "") if meta else ""
    return Readable(
        text=text.strip(),
        title=(meta.title or "") if meta else "",
        author=(meta.author or "") if meta else "",
        outlet=(meta.sitename or "") if meta else "",
        published=date if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else "",
    )


@dataclass(frozen=True)
class Added:
    doc_id: str
    created: bool
    chars: int
    title: str


def add_document(source: str, *, data_dir: Path | None = None) -> Added:
    """Add an article, from a URL or a local file, to the corpus.

    The readable text is extracted (trafilatura for HTML), stored byte for byte as
    ``texts/<NNN>_<sha256[:16]>.txt`` and described in ``documents.toml`` with its URL, the
    time it was retrieved, its SHA-256 and the server's Last-Modified. A text already in the
    corpus is recognised by its digest and not added twice.

    Raises
    ------
    FetchError
        When the URL cannot be fetched as an article.
    CorpusError
        When the file is unreadable or holds no readable text, or the corpus is broken.
    """
    root = (data_dir or settings.data_dir()) / "corpus"
    corpus = load_corpus(data_dir)
    url = retrieved = last_modified = ""
    if source.startswith(("http://", "https://")):
        resp = _http.get(source)
        page = readable(resp.text, resp.content_type)
        url, retrieved, last_modified = resp.final_url, resp.retrieved, resp.last_modified
    else:
        path = Path(source)
        try:
            raw = path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            raise CorpusError([Problem(source, "", "", "no such file")]) from None
        except UnicodeDecodeError as exc:
            raise CorpusError(
                [Problem(source, "", "", f"is not valid UTF-8 (byte {exc.start})")]
            ) from None
        kind = "text/html" if path.suffix.lower() in (".html", ".htm") else "text/plain"
        page = readable(raw, kind)
    if not page.text:
        raise CorpusError([Problem(source, "", "", "has no readable article text")])
    data = page.text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    for doc in corpus.documents.values():
        if doc.sha256 == digest:
            return Added(doc.id, False, len(page.text), doc.title)
    numbers = [int(m.group(1)) for d in corpus.documents if (m := re.match(r"(\d+)_", d))]
    doc_id = f"{max(numbers, default=-1) + 1:03d}_{digest[:16]}"
    entry = "\n".join(
        [
            "",
            "[[document]]",
            f'id = "{doc_id}"',
            f"title = {toml_string(page.title)}",
            f"outlet = {toml_string(page.outlet)}",
            f"author = {toml_string(page.author)}",
            f'published = "{page.published}"',
            f"url = {toml_string(url)}",
            f'retrieved = "{retrieved}"',
            f"last_modified = {toml_string(last_modified)}",
            'language = "en"',
            f'sha256 = "{digest}"',
            f"note = {toml_string('Added with `corpus add` from ' + (url or Path(source).name))}",
            "",
        ]
    )
    documents = root / "documents.toml"
    text_path = root / "texts" / f"{doc_id}.txt"
    # Text first, then its entry: each write is atomic, and the loader reports a text without
    # an entry by name, so an interruption between the two is visible, not silent.
    write_file_atomically(text_path, data)
    write_file_atomically(documents, documents.read_bytes() + entry.encode("utf-8"))
    return Added(doc_id, True, len(page.text), page.title)


@dataclass(frozen=True)
class Finding:
    doc_id: str
    quote_id: str
    status: str  # "ok", "typography", "missing", "unreachable"
    detail: str


def verify(*, data_dir: Path | None = None, corpus: Corpus | None = None) -> list[Finding]:
    """Fetch every document that has a URL again and check that each of its quotes is still
    there. Returns one finding per quote (or per document that could not be fetched)."""
    corpus = corpus or load_corpus(data_dir)
    findings: list[Finding] = []
    for doc in sorted(corpus.documents.values(), key=lambda d: d.id):
        if not doc.url:
            continue
        quotes = sorted(
            (q for q in corpus.quotes.values() if q.document == doc.id), key=lambda q: q.id
        )
        try:
            resp = _http.get(doc.url)
        except FetchError as exc:
            findings.append(Finding(doc.id, "", "unreachable", str(exc)))
            continue
        text = readable(resp.text, resp.content_type).text
        folded, _ = fold_typography(text)
        for q in quotes:
            if q.text in text:
                findings.append(Finding(doc.id, q.id, "ok", "still there"))
            elif fold_typography(q.text)[0] in folded:
                findings.append(
                    Finding(
                        doc.id,
                        q.id,
                        "typography",
                        "still there, but spaces, dashes or quotes changed",
                    )
                )
            else:
                findings.append(Finding(doc.id, q.id, "missing", "no longer in the page"))
    return findings
