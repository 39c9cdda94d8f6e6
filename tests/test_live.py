"""Live sources against a real HTTP server on 127.0.0.1: every bad answer ends in a clear
outcome, nothing is retried forever, and the corpus and the cache are never half-written."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from geo.cli import main

ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Test article: ferries and cables</title>
<meta name="date" content="2026-11-01"></head><body>
<nav>Home | News | About</nav>
<article><h1>Test article: ferries and cables</h1>
<p>This text was written for the atlas's tests; it is no news report.</p>
<p>A new ferry left Quryq for Alat with 54 wagons on board.</p>
<p>The reserve cable from Kuryk to Buzovna would carry 4 Tbit/s, the text says.</p>
<p>Investment in the Aqtau port terminal was put at US$ 120 million.</p>
<p>The main line to Siyəzən is said to measure 380 kilometres.</p>
</article><footer>Footer text</footer></body></html>"""
CHANGED = ARTICLE.replace("<p>A new ferry left Quryq for Alat with 54 wagons on board.</p>", "")
OVERPASS = {
    "elements": [
        {
            "type": "node",
            "id": 1,
            "lat": 45.2535,
            "lon": 82.4850,
            "tags": {"railway": "station", "name": "Dostyk"},
        },
        {
            "type": "node",
            "id": 2,
            "lat": 42.155,
            "lon": 41.657,
            "tags": {"harbour": "yes", "name": "Poti"},
        },
        {
            "type": "way",
            "id": 3,
            "tags": {"railway": "rail"},
            "geometry": [{"lat": 45.25, "lon": 82.48}, {"lat": 46.95, "lon": 79.67}],
        },
    ]
}


class Handler(BaseHTTPRequestHandler):
    hits: ClassVar[dict[str, int]] = {}

    def log_message(self, *args):  # keep test output clean
        pass

    def _send(self, status, body=b"", ctype="text/html; charset=utf-8", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        n = Handler.hits[path] = Handler.hits.get(path, 0) + 1
        if path in ("/article.html", "/same-again.html"):
            self._send(
                200, ARTICLE.encode(), headers={"Last-Modified": "Sun, 01 Nov 2026 10:00:00 GMT"}
            )
        elif path == "/changed.html":
            self._send(200, CHANGED.encode())
        elif path == "/missing":
            self._send(404, b"not here")
        elif path == "/flaky":
            self._send(500, b"oops") if n <= 2 else self._send(200, ARTICLE.encode())
        elif path == "/always-500":
            self._send(500, b"oops")
        elif path == "/busy":
            if n == 1:
                self._send(429, b"slow down", headers={"Retry-After": "1"})
            else:
                self._send(200, ARTICLE.encode())
        elif path == "/busy-long":
            self._send(429, b"slow down", headers={"Retry-After": "3600"})
        elif path == "/stall":
            time.sleep(3)
            self._send(200, ARTICLE.encode())
        elif path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(ARTICLE.encode()[:300])
            self.wfile.flush()
            self.close_connection = True
        elif path == "/pdf":
            self._send(200, b"%PDF-1.4", ctype="application/pdf")
        elif path == "/loop":
            self._send(302, b"", headers={"Location": "/loop"})
        elif path == "/huge":
            self._send(200, b"<p>" + b"x" * 6_000_000 + b"</p>")
        elif path == "/bad-utf8":
            self._send(200, ARTICLE.encode()[:200] + b"\xff\xfe\xfa" + ARTICLE.encode()[200:])
        elif path == "/overpass":
            self._send(200, json.dumps(OVERPASS).encode(), ctype="application/json")
        elif path == "/overpass-bad":
            self._send(200, b'{"elements": [{"type": "way", "id": 7}', ctype="application/json")
        elif path == "/overpass-noelements":
            self._send(200, b'{"remark": "runtime error"}', ctype="application/json")
        else:
            self._send(404, b"unknown")


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that hang up early (size limit, time-out) are expected here


@pytest.fixture(scope="module")
def server():
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture()
def env(data_copy, tmp_path, monkeypatch):
    Handler.hits.clear()
    monkeypatch.setenv("GEO_DATA_DIR", str(data_copy))
    monkeypatch.setenv("GEO_LAYERS_DIR", str(tmp_path / "layers"))
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GEO_HTTP_TIMEOUT_S", "0.5")
    monkeypatch.setenv("GEO_HTTP_BACKOFF_S", "0.05")
    return data_copy


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_add_an_article_then_recognise_it(env, server, capsys):
    assert main(["corpus", "add", f"{server}/article.html"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("added 005_") and "Test article: ferries and cables" in out
    doc_id = out.split()[1]
    text = (env / "corpus" / "texts" / f"{doc_id}.txt").read_text("utf-8")
    assert "A new ferry left Quryq for Alat" in text and "Footer text" not in text
    assert doc_id.endswith(hashlib.sha256(text.encode()).hexdigest()[:16])
    meta = (env / "corpus" / "documents.toml").read_text("utf-8")
    assert f'url = "{server}/article.html"' in meta
    assert 'last_modified = "Sun, 01 Nov 2026 10:00:00 GMT"' in meta
    assert 'published = "2026-11-01"' in meta and "retrieved = " in meta
    before = _snapshot(env / "corpus")
    assert main(["corpus", "add", f"{server}/same-again.html"]) == 0
    assert capsys.readouterr().out.startswith(f"already in the corpus as {doc_id}")
    assert _snapshot(env / "corpus") == before
    assert (
        main(["check", "--layers", str(env.parent / "none")]) == 1
    )  # corpus loads; layers don't exist
    assert "layers are out of date" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("path", "message", "max_hits"),
    [
        ("/missing", "HTTP 404", 1),
        ("/always-500", "HTTP 500 (gave up after 4 attempts)", 4),
        ("/busy-long", "the server asks to wait 3600 s", 1),
        ("/stall", "no answer within 0.5 s (gave up after 4 attempts)", 4),
        ("/truncated", "cut short", 4),
        ("/pdf", "content type 'application/pdf' is not one of", 1),
        ("/loop", "too many redirects", 6),
        ("/huge", "exceeds 5,000,000", 1),
        ("/bad-utf8", "not valid utf-8 text as declared", 1),
    ],
)
def test_bad_answers_end_clearly_and_change_nothing(env, server, capsys, path, message, max_hits):
    before = _snapshot(env / "corpus")
    started = time.monotonic()
    assert main(["corpus", "add", f"{server}{path}"]) == 1
    err = capsys.readouterr().err
    assert message in err, err
    assert err.startswith(f"error: {server}{path}")
    assert "Traceback" not in err
    assert Handler.hits.get(path, 0) <= max_hits
    assert time.monotonic() - started < 15
    assert _snapshot(env / "corpus") == before


@pytest.mark.parametrize("path", ["/flaky", "/busy"])
def test_transient_errors_are_retried(env, server, capsys, path):
    assert main(["corpus", "add", f"{server}{path}"]) == 0
    assert capsys.readouterr().out.startswith("added 005_")
    assert Handler.hits[path] in (2, 3)


def test_verify_reports_changed_and_dead_pages_without_changing_anything(env, server, capsys):
    assert main(["corpus", "add", f"{server}/article.html"]) == 0
    doc_id = capsys.readouterr().out.split()[1]
    quotes = env / "corpus" / "quotes.toml"
    quotes.write_text(
        quotes.read_text("utf-8")
        + (
            f'\n[[quote]]\nid = "q_t_ferry"\ndocument = "{doc_id}"\n'
            'text = "A new ferry left Quryq for Alat with 54 wagons on board."\n'
            f'\n[[quote]]\nid = "q_t_cable"\ndocument = "{doc_id}"\n'
            'text = "The reserve cable from Kuryk to Buzovna would carry 4 Tbit/s, the text says."\n'
        ),
        "utf-8",
    )
    assert main(["corpus", "verify"]) == 0
    capsys.readouterr()
    docs = env / "corpus" / "documents.toml"
    docs.write_text(docs.read_text("utf-8").replace("/article.html", "/changed.html"), "utf-8")
    before = _snapshot(env / "corpus")
    assert main(["corpus", "verify"]) == 1
    captured = capsys.readouterr()
    assert f"missing\t{doc_id}\tq_t_ferry\tno longer in the page" in captured.out
    assert "q_t_cable" not in captured.out  # still there: reported only with -v
    assert "1 quotes or documents could not be confirmed online" in captured.err
    docs.write_text(docs.read_text("utf-8").replace("/changed.html", "/missing"), "utf-8")
    assert main(["corpus", "verify"]) == 1
    assert f"unreachable\t{doc_id}\t\t" in capsys.readouterr().out
    docs.write_text(docs.read_text("utf-8").replace("/missing", "/changed.html"), "utf-8")
    assert _snapshot(env / "corpus") == before


def test_link_finds_transliterated_names_and_figures(env, tmp_path, capsys):
    from geo.sources import readable

    article = tmp_path / "article.txt"
    article.write_text(readable(ARTICLE, "text/html").text, "utf-8")
    assert main(["link", str(article)]) == 0
    out = capsys.readouterr().out
    assert "sentences mention catalogue features" in out
    assert "port_kuryk (as 'Quryq')" in out and "port_alat (as 'Alat')" in out
    assert "landing_siyazan (as 'Siyəzən')" in out
    assert "port_aktau (as 'Aqtau')" in out
    assert "# figures: 4 Tbit/s" in out and "US$ 120 million" in out
    assert "380 kilometres" in out and "54 wagons" not in out.split("# figures")[1][:20]
    assert 'text = "A new ferry left Quryq for Alat with 54 wagons on board."' in out


def test_fetch_osm_caches_and_reviews(env, server, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GEO_OVERPASS_URL", f"{server}/overpass")
    assert main(["fetch", "osm"]) == 0
    out = capsys.readouterr().out
    assert "3 OSM elements (fetched" in out and "OpenStreetMap contributors, ODbL" in out
    review = (tmp_path / "cache" / "osm" / "review.md").read_text("utf-8")
    assert "| station_dostyk | border_crossing | node/1 Dostyk |" in review
    assert "ODbL" in review
    features = json.loads((tmp_path / "cache" / "osm" / "review.geojson").read_text("utf-8"))
    assert all("ODbL" in f["properties"]["attribution"] for f in features["features"])
    hits = Handler.hits["/overpass"]
    assert main(["fetch", "osm"]) == 0
    assert "(cache:" in capsys.readouterr().out
    assert Handler.hits["/overpass"] == hits


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/overpass-bad", "malformed Overpass answer: not JSON"),
        ("/overpass-noelements", "malformed Overpass answer: no list of elements"),
        ("/always-500", "HTTP 500"),
    ],
)
def test_bad_overpass_answers_leave_no_cache(
    env, server, tmp_path, capsys, monkeypatch, path, message
):
    monkeypatch.setenv("GEO_OVERPASS_URL", f"{server}{path}")
    assert main(["fetch", "osm"]) == 1
    assert message in capsys.readouterr().err
    cache = tmp_path / "cache" / "osm"
    assert not cache.exists() or list(cache.iterdir()) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Quryq", "Kuryk"),
        ("Siyəzən", "Siyazan"),
        ("Aqtau", "Aktau"),
        ("Baku–Tbilisi–Ceyhan", "Baku-Tbilisi-Ceyhan"),
        ("fibre-optic", "fiber optic"),
        ("Türkmenbaşy", "Turkmenbashy"),
        ("“Middle\u00a0Corridor”", "middle corridor"),
    ],
)
def test_name_folding(a, b):
    from geo.link import fold_name

    assert fold_name(a) == fold_name(b)


def test_a_sentence_naming_both_ends_links_the_line(built):
    from geo.link import link_text

    [hit] = link_text("The line will run from Aqtau to Siyəzən across the sea.", built.catalog)
    assert hit.features["cable_aktau_siyazan"] == "Aqtau … Siyəzən"
