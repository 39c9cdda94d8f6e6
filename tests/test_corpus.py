"""The evidence corpus: documents kept byte for byte, quotes found character for character."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from geo import settings
from geo._errors import CorpusError
from geo.corpus import load_corpus

TEXTS = settings.PACKAGE_DATA_DIR / "corpus" / "texts"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def test_five_documents_with_recorded_digests():
    corpus = load_corpus()
    assert len(corpus.documents) == 5
    for doc in corpus.documents.values():
        data = (TEXTS / f"{doc.id}.txt").read_bytes()
        assert hashlib.sha256(data).hexdigest() == doc.sha256
        assert doc.text == data.decode("utf-8")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside this checkout")
def test_documents_are_byte_identical_to_the_seeds():
    for path in sorted(SEEDS.glob("*.txt")):
        assert (TEXTS / path.name).read_bytes() == path.read_bytes(), path.name


def test_metadata_is_only_what_the_texts_say():
    docs = load_corpus().documents
    assert docs["000_c4a2d1bfbe238e4d"].published == "2023-04-10"
    assert docs["001_5664f72458a7d0ab"].published == ""  # "Monday (10 April)", no year
    assert docs["002_ab135c2ab2e1cb43"].published == "2023-04-11"
    assert docs["003_3407290432f097a7"].author == "Nargiz Mammadli"
    assert docs["003_3407290432f097a7"].updated == "2024-05-21"
    assert docs["004_869e38df6b0f2d3d"].published == ""
    assert all(d.url == "" for d in docs.values())


def test_every_quote_is_verbatim_at_its_offsets():
    corpus = load_corpus()
    assert len(corpus.quotes) >= 25
    for q in corpus.quotes.values():
        text = corpus.documents[q.document].text
        assert text[q.start : q.end] == q.text
        assert text.count(q.text) == 1 or (q.prefix and q.suffix)


def test_quotes_keep_the_documents_typography():
    quotes = load_corpus().quotes
    assert "\u00a062\u00a0percent" in quotes["q004_cargo"].text
    assert "Baku–Tbilisi–Ceyhan" in quotes["q004_btc_route"].text  # en dashes
    assert "“satisfaction”" in quotes["q004_btc_route"].text
    assert "Baku-Tbilisi-Ceyhan" in quotes["q003_btc_15mt"].text  # hyphens, as 003 has them


def _add_quote(data: Path, body: str) -> None:
    path = data / "corpus" / "quotes.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[[quote]]\n" + body, encoding="utf-8")


BAD_QUOTES = [
    pytest.param(
        'id = "q_straight"\ndocument = "004_869e38df6b0f2d3d"\n'
        'text = "Tokayev expressed \\"satisfaction\\" with the joint work"\n',
        r"q_straight.*not found verbatim.*typography is ignored.*'\"' where the document "
        r"has '“' \(U\+201C\)",
        id="straight-quotes-for-curly",
    ),
    pytest.param(
        'id = "q_spaces"\ndocument = "004_869e38df6b0f2d3d"\n'
        'text = "cargo traffic along this corridor increased by 62 percent"\n',
        r"q_spaces.*typography is ignored.*U\+00A0",
        id="plain-spaces-for-no-break-spaces",
    ),
    pytest.param(
        'id = "q_hyphen"\ndocument = "004_869e38df6b0f2d3d"\ntext = "via the Aktau-Baku railway"\n',
        r"q_hyphen.*'-' where the document has '–' \(U\+2013\)",
        id="hyphen-for-en-dash",
    ),
    pytest.param(
        'id = "q_twice"\ndocument = "001_5664f72458a7d0ab"\n'
        'text = "Armenia and Azerbaijan edge closer to a peace deal"\n',
        r"q_twice.*occurs \d times",
        id="matches-more-than-once",
    ),
    pytest.param(
        'id = "q_furniture"\ndocument = "004_869e38df6b0f2d3d"\n'
        'text = "How Central Asia fought the coronavirus"\n',
        r"q_furniture.*page furniture",
        id="related-articles-list",
    ),
    pytest.param(
        'id = "q_logo"\ndocument = "003_3407290432f097a7"\ntext = "Newsroom logo"\n',
        r"q_logo.*page furniture",
        id="newsroom-logo",
    ),
    pytest.param(
        'id = "q_nodoc"\ndocument = "999_missing"\ntext = "anything"\n',
        r"'q_nodoc': document: unknown document id '999_missing'",
        id="unknown-document",
    ),
    pytest.param(
        'id = "q_invented"\ndocument = "003_3407290432f097a7"\n'
        'text = "The main subsea line measures 400 kilometres"\n',
        r"q_invented.*not found verbatim in document 003",
        id="invented-text",
    ),
]


@pytest.mark.parametrize(("body", "match"), BAD_QUOTES)
def test_bad_quotes_are_rejected_with_a_clear_message(data_copy, body, match):
    _add_quote(data_copy, body)
    with pytest.raises(CorpusError, match=match):
        load_corpus(data_copy)


def test_a_prefix_makes_a_repeated_quote_unique(data_copy):
    _add_quote(
        data_copy,
        'id = "q_ctx"\ndocument = "001_5664f72458a7d0ab"\ntext = "Related articles"\n',
    )
    with pytest.raises(CorpusError, match="page furniture"):
        load_corpus(data_copy)


def test_a_changed_text_is_caught_by_its_digest(data_copy):
    path = data_copy / "corpus" / "texts" / "002_ab135c2ab2e1cb43.txt"
    path.write_bytes(path.read_bytes().replace(b"Astana", b"Astana!"))
    with pytest.raises(CorpusError, match=r"002_ab135c2ab2e1cb43': sha256: the text has changed"):
        load_corpus(data_copy)


def test_invalid_utf8_names_the_file(data_copy):
    path = data_copy / "corpus" / "texts" / "002_ab135c2ab2e1cb43.txt"
    path.write_bytes(path.read_bytes() + b"\xff\xfe")
    with pytest.raises(CorpusError, match=r"texts/002_ab135c2ab2e1cb43.txt.*not valid UTF-8"):
        load_corpus(data_copy)


def test_a_text_without_metadata_is_reported(data_copy):
    (data_copy / "corpus" / "texts" / "005_new.txt").write_text("A new article.", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"005_new.txt: '005_new'.*no \[\[document\]\] entry"):
        load_corpus(data_copy)


def test_empty_corpus_is_an_error(data_copy):
    for path in (data_copy / "corpus" / "texts").glob("*.txt"):
        path.unlink()
    (data_copy / "corpus" / "documents.toml").write_text("", encoding="utf-8")
    (data_copy / "corpus" / "quotes.toml").write_text("", encoding="utf-8")
    with pytest.raises(CorpusError, match="the corpus is empty"):
        load_corpus(data_copy)


def test_bad_quotes_through_the_cli_exit_1_with_one_line_each(
    data_copy, tmp_path, capsys, monkeypatch
):
    from geo.cli import main

    monkeypatch.setenv("GEO_DATA_DIR", str(data_copy))  # restored after the test
    monkeypatch.setenv("GEO_LAYERS_DIR", str(tmp_path / "layers"))
    for param in BAD_QUOTES:
        _add_quote(data_copy, param.values[0])
    code = main(["check", "--data", str(data_copy), "--layers", str(tmp_path / "layers")])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert len(err) == len(BAD_QUOTES) + 1
    for param in BAD_QUOTES:
        assert any(re.search(param.values[1], line) for line in err), param.id
    assert err[-1] == f"{len(BAD_QUOTES)} problems; nothing was written"
