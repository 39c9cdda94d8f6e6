"""Writing TOML values by hand, so that appended entries keep the files' own layout."""

from __future__ import annotations

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
#: Characters written as \\uXXXX escapes because an editor would not show them.
_INVISIBLE = {
    "\u00a0",
    "\u2009",
    "\u202f",
    "\u200b",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\ufeff",
}


def toml_string(value: str) -> str:
    """A TOML basic string for ``value``; no-break spaces and invisible marks are escaped."""
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch in _INVISIBLE or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
