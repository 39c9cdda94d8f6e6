"""Reading human-edited TOML files and checking their entries field by field."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo._errors import Problems

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

_TYPE_NAMES = {
    str: "a string",
    float: "a number",
    int: "an integer",
    list: "a list",
    dict: "a table",
    bool: "true or false",
}


def describe(value: Any) -> str:
    """Show a bad value and its TOML type in a message."""
    kind = {
        str: "string",
        int: "integer",
        float: "number",
        bool: "boolean",
        list: "list",
        dict: "table",
    }.get(type(value), type(value).__name__)
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({kind})"


@dataclass(frozen=True)
class Field:
    """What one field of an entry must be."""

    name: str
    kind: type
    required: bool = True
    choices: tuple[str, ...] = ()
    item_kind: type | None = None
    default: Any = None
    is_date: bool = False
    is_id: bool = False


def suggest(word: str, options: Sequence[str]) -> str:
    """A "did you mean" suffix for a message, or nothing."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def read_toml(path: Path, label: str, problems: Problems) -> dict[str, Any] | None:
    """Parse a TOML file, recording a problem instead of raising."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.add(label, "", "", "file is missing")
        return None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        problems.add(label, "", "", f"is not valid UTF-8 (byte {exc.start}): save it as UTF-8")
    except tomllib.TOMLDecodeError as exc:
        problems.add(label, "", "", f"is not valid TOML: {exc}")
    return None


def entries(doc: dict[str, Any] | None, table: str, label: str, problems: Problems) -> list[Any]:
    """The array of tables ``[[table]]`` of a parsed file (empty after a recorded problem)."""
    if doc is None:
        return []
    unknown = sorted(set(doc) - {table})
    for key in unknown:
        problems.add(label, "", key, f"unexpected top-level key; entries go in [[{table}]] tables")
    items = doc.get(table, [])
    if not isinstance(items, list):
        problems.add(label, "", table, f"must be an array of tables [[{table}]]")
        return []
    return items


def check_entry(
    entry: Any,
    fields: Sequence[Field],
    label: str,
    index: int,
    problems: Problems,
) -> dict[str, Any] | None:
    """Check one entry against its fields; return it with defaults filled, or None."""
    if not isinstance(entry, dict):
        problems.add(label, f"#{index + 1}", "", f"must be a table, got {describe(entry)}")
        return None
    raw_id = entry.get("id")
    ident = raw_id if isinstance(raw_id, str) and raw_id else f"#{index + 1}"
    known = {f.name for f in fields}
    ok = True
    for key in sorted(set(entry) - known):
        problems.add(label, ident, key, "unknown field" + suggest(key, sorted(known)))
        ok = False
    out: dict[str, Any] = {}
    for f in fields:
        if f.name not in entry:
            if f.required:
                problems.add(label, ident, f.name, "is missing")
                ok = False
            else:
                out[f.name] = list(f.default) if isinstance(f.default, list) else f.default
            continue
        value = entry[f.name]
        if not _check_value(value, f, label, ident, problems):
            ok = False
            continue
        out[f.name] = float(value) if f.kind is float else value
    return out if ok else None


def _check_value(value: Any, f: Field, label: str, ident: str, problems: Problems) -> bool:
    expected = _TYPE_NAMES.get(f.kind, f.kind.__name__)
    if f.kind is float:
        good = isinstance(value, int | float) and not isinstance(value, bool)
    else:
        good = isinstance(value, f.kind) and not (f.kind is int and isinstance(value, bool))
    if not good:
        problems.add(label, ident, f.name, f"expected {expected}, got {describe(value)}")
        return False
    if f.kind is float and value != value:  # NaN
        problems.add(label, ident, f.name, "is NaN; give a number")
        return False
    if f.kind is list and f.item_kind is not None:
        for i, item in enumerate(value):
            if not isinstance(item, f.item_kind):
                want = _TYPE_NAMES.get(f.item_kind, f.item_kind.__name__)
                problems.add(
                    label, ident, f"{f.name}[{i}]", f"expected {want}, got {describe(item)}"
                )
                return False
    if f.choices and value not in f.choices:
        problems.add(
            label,
            ident,
            f.name,
            f"unknown value {value!r}; expected one of {', '.join(f.choices)}"
            + suggest(str(value), f.choices),
        )
        return False
    if f.is_date and value and not _DATE_RE.match(value):
        problems.add(label, ident, f.name, f"{value!r} is not a date YYYY, YYYY-MM or YYYY-MM-DD")
        return False
    if f.is_id and not _ID_RE.match(value):
        problems.add(
            label, ident, f.name, f"{value!r} is not a valid id (lower-case letters, digits, _)"
        )
        return False
    return True
