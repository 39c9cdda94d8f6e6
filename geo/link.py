"""``link``: find the sentences of a document that speak about catalogue features, and propose
quotes and claims for a person to accept.

Matching folds typography (dashes, curly quotes, no-break spaces), case and diacritics, and the
transliterations the region's names come in (Kuryk/Quryq, Siyazan/Siyəzən, Aktau/Aqtau), so
that a name is found however the article spells it. Proposals are printed as TOML entries ready
to paste into ``quotes.toml`` and ``claims.toml``; nothing is written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from geo._toml import toml_string
from geo.catalog import Catalog, load_catalog
from geo.corpus import Document, load_corpus

#: Letters folded before comparison: Azerbaijani, Kazakh, Turkish and Russian transliterations.
_TRANSLIT = str.maketrans(
    {
        "ə": "a",
        "Ə": "a",
        "q": "k",
        "Q": "k",
        "ı": "i",
        "İ": "i",
        "ş": "sh",
        "Ş": "sh",
        "ç": "ch",
        "Ç": "ch",
        "ğ": "g",
        "Ğ": "g",
        "ü": "u",
        "Ü": "u",
        "ö": "o",
        "Ö": "o",
        "ң": "n",
        "ғ": "g",
        "қ": "k",
        "ұ": "u",
        "ү": "u",
        "һ": "h",
        "і": "i",
        "ә": "a",
        "ө": "o",
    }
)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’»)]*\s+(?=[\"“‘«(]?[A-ZА-ЯЁ0-9])|\n\s*\n")
_FIGURE = re.compile(
    r"(?:(?:US\s?\$|\$)\s?\d[\d,.]*(?:\s*(?:million|billion|bn|mln))?)"
    r"|(?:\d[\d,.]*(?:\s*[-–]\s*\d[\d,.]*)?\s*(?:million|billion|thousand)?\s*"
    r"(?:kilometres|kilometers|km|tonnes|tons|percent|per cent|%|Tbit/s|Tbps|Gbit/s|Gbps|TEU))",
    re.IGNORECASE,
)


def fold_name(text: str) -> str:
    """Fold a name or a sentence for matching: transliteration, diacritics, case, dashes,
    quotes and spaces."""
    text = unicodedata.normalize("NFC", text).translate(_TRANSLIT)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.lower().replace("q", "k")
    text = re.sub(r"[\u2010-\u2015\u2212\-/]", " ", text)
    text = re.sub(r"[\u2018\u2019\u201a\u201b\u201c\u201d\u201e'\"`´]", "", text)
    text = re.sub(r"\bfibre\b", "fiber", text)  # British and American spellings
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    features: dict[str, str] = field(default_factory=dict)  # feature id -> spelling found
    figures: list[str] = field(default_factory=list)


def sentences(text: str) -> list[Sentence]:
    """Split a text into sentences, keeping each one's exact characters and offsets."""
    out, start = [], 0
    for m in [*_SENTENCE_END.finditer(text), None]:
        end = m.start() if m else len(text)
        chunk = text[start:end]
        lead = len(chunk) - len(chunk.lstrip())
        body = chunk.strip()
        if body:
            out.append(Sentence(start + lead, start + lead + len(body), body))
        if m:
            start = m.end()
    return out


def _as_written(sentence: str, spelled: str) -> str:
    """The words of ``sentence`` that fold to ``spelled``, as the sentence writes them."""
    words = list(re.finditer(r"[^\s\u00a0]+", sentence))
    width = max(1, len(spelled.split(" ")))
    for size in (width, width + 1, width - 1):
        for i in range(len(words) - size + 1):
            chunk = sentence[words[i].start() : words[i + size - 1].end()]
            chunk = chunk.strip(".,;:!?()[]«»\"“”‘’'")
            if fold_name(chunk) == spelled:
                return chunk
    return spelled


def _spellings(catalog: Catalog) -> list[tuple[str, str, str]]:
    """(folded spelling, feature id, spelling) for every name and alias, longest first."""
    found = []
    for item in [*catalog.nodes.values(), *catalog.segments.values(), *catalog.routes.values()]:
        for name in (item.name, *item.aliases):
            folded = fold_name(name)
            if len(folded) >= 3:
                found.append((folded, item.id, name))
    return sorted(found, key=lambda t: (-len(t[0]), t[1]))


def link_text(text: str, catalog: Catalog) -> list[Sentence]:
    """The sentences of ``text`` that mention at least one catalogue feature."""
    spellings = _spellings(catalog)
    hits = []
    for sentence in sentences(text):
        folded = f" {fold_name(sentence.text)} "
        for spelled, fid, _name in spellings:
            if fid not in sentence.features and re.search(
                rf"(?<![a-z0-9]){re.escape(spelled)}(?![a-z0-9])", folded
            ):
                sentence.features[fid] = _as_written(sentence.text, spelled)
        # A line is also meant when a sentence names both of its ends ("from Aktau to ...
        # Siyazan"), whatever it calls the line itself.
        for seg in catalog.segments.values():
            if seg.id not in sentence.features and {seg.start, seg.end} <= set(sentence.features):
                sentence.features[seg.id] = (
                    f"{sentence.features[seg.start]} … {sentence.features[seg.end]}"
                )
        if sentence.features:
            sentence.figures = [m.group(0).strip() for m in _FIGURE.finditer(sentence.text)]
            hits.append(sentence)
    return hits


def load_text(source: str, data_dir: Path | None = None) -> tuple[str, str]:
    """(document id or file name, text) of a corpus document id or a local UTF-8 file."""
    corpus = load_corpus(data_dir)
    doc: Document | None = corpus.documents.get(source)
    if doc is not None:
        return doc.id, doc.text
    path = Path(source)
    if not path.exists():
        from geo._errors import CorpusError, Problem

        raise CorpusError([Problem(source, "", "", "is neither a document id nor a file")])
    return path.stem, path.read_text(encoding="utf-8")


def report(source: str, data_dir: Path | None = None) -> str:
    """A readable report of the proposals for ``source`` (document id or file)."""
    corpus = load_corpus(data_dir)
    catalog = load_catalog(corpus, data_dir)
    doc_id, text = load_text(source, data_dir)
    hits = link_text(text, catalog)
    lines = [f"# {doc_id}: {len(hits)} sentences mention catalogue features", ""]
    for n, s in enumerate(hits, start=1):
        qid = f"q{doc_id.split('_')[0]}_{n:02d}"
        names = ", ".join(f"{fid} (as {name!r})" for fid, name in s.features.items())
        lines += [f"# characters {s.start}-{s.end}: {names}"]
        if s.figures:
            lines += [f"# figures: {'; '.join(s.figures)}"]
        lines += [
            "[[quote]]",
            f'id = "{qid}"',
            f'document = "{doc_id}"',
            f"text = {toml_string(s.text)}",
            "",
        ]
        # A figure is more likely about a line or a route than about a place.
        ranked = sorted(s.features, key=lambda fid: fid in catalog.nodes)
        for k, figure in enumerate(s.figures, start=1):
            lines += [
                "[[claim]]",
                f'id = "c_{qid[1:]}_{k}"',
                f'feature = "{ranked[0]}"',
                f"figure = {toml_string(figure)}",
                f'quote = "{qid}"',
                f"# other candidates: {', '.join(ranked[1:]) or 'none'}",
                "# kind, value, unit and refers_to: fill in after reading the sentence",
                "",
            ]
    return "\n".join(lines)
