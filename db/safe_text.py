"""Stored text made safe to show: the one rule for control and invisible characters.

Values reach the archive from outside the validators (another PostgreSQL client, a
direct write to the file, an older version, a sales sheet's header), so anything the
program prints, paints or writes for a person may hold bytes a terminal obeys
(``ESC [ 2 J`` clears the screen, ``ESC ] 0 ; … BEL`` retitles the window) or characters
that make text read other than it is (U+202E turns the rest of a line right to left).

The rule: these characters are *hidden* and are shown as visible escapes, never raw:

- C0 controls U+0000–001F (ESC, BEL, CR, …), DEL U+007F and C1 controls U+0080–009F
  (``\\x1b``, ``\\x7f``, ``\\x9b``);
- every invisible format character, Unicode category Cf: the bidi embeddings and
  overrides U+202A–202E and isolates U+2066–2069, the marks U+200E/200F/061C, zero-width
  spaces and joiners U+200B–200D, U+2060–2064, the BOM U+FEFF, the soft hyphen, tag
  characters U+E0000… (``\\u202e``, ``\\U000e0041``);
- the line and paragraph separators U+2028/2029 and lone surrogates (which cannot even be
  encoded for a terminal).

Nothing is dropped: an escape shows that the value holds something and where, so it can
be found (``advisor quality`` lists such values) and corrected; a value that holds none of
these (every normal name, address or note) is returned as it is, checked by
``str.isprintable`` at C speed. Ordinary spaces (the ideographic space U+3000 too) and
backslashes are left alone. Where a line break or a tab is meaningful (a multi-line
note, a message the catalogue builds over several lines) ``keep`` spares them; in a
one-line list a newline in a name is shown as ``\\n``.

Exact values, where a program reads them (``--json``), are kept exact but written with
the hidden characters as JSON ``\\u`` escapes (``dumps``): ``json.dumps`` with
``ensure_ascii=False`` escapes C0 but leaves DEL, C1 and U+202E raw.

The character class is written out (the full scan of Unicode would cost a fifth of a
second at every start); ``tests/test_safe_text.py`` compares it with ``unicodedata`` of
the running Python, so a newer Unicode adding a format character fails a test.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Cc, Cf (Unicode 15), Cs, Zl, Zp.
_HIDDEN_CLASS = (
    "\x00-\x1f\x7f-\x9f"  # C0, DEL, C1
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"
    "\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
HIDDEN = re.compile(f"[{_HIDDEN_CLASS}]")
LINES = "\n\t"  # ``keep=LINES``: text laid out over several lines


_SHORT = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def escape(char: str) -> str:
    """One hidden character as the escape shown in its place: ``\\x1b``, ``\\u202e``
    (a line break, tab and carriage return as ``\\n``, ``\\t``, ``\\r``)."""
    short = _SHORT.get(char)
    if short:
        return short
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _escape_match(match: re.Match[str]) -> str:
    return escape(match.group())


def visible(text: str, keep: str = "") -> str:
    """``text`` with every hidden character shown as its escape (``keep``: those spared,
    e.g. ``LINES``). Text without any is returned unchanged, at once."""
    if text.isprintable():
        return text
    if keep:
        return HIDDEN.sub(lambda m: m.group() if m.group() in keep else escape(m.group()), text)
    return HIDDEN.sub(_escape_match, text)


def hidden_in(text: str | None) -> list[str]:
    """The distinct hidden characters of ``text`` as escapes, in order of appearance."""
    if not text or text.isprintable():
        return []
    return list(dict.fromkeys(escape(c) for c in HIDDEN.findall(text)))


def json_escape(char: str) -> str:
    """One hidden character as JSON spells it: ``\\u001b``, ``\\u202e`` (beyond the BMP a
    surrogate pair, ``\\udb40\\udc41``)."""
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_visible(text: str, keep: str = "\n") -> str:
    """``text`` with every hidden character but ``keep`` as its JSON ``\\u`` escape. Such
    characters can only stand inside a JSON text's strings (its own syntax is ASCII; the
    line breaks of ``indent`` are kept), where the escape means the very same character:
    a JSON text stays valid and exact, and any other text shows a visible escape. The
    shell's last guard on stdout writes this form, so a ``--json`` output is exact even
    should a command have missed ``dumps``."""
    if text.isprintable():
        return text
    return HIDDEN.sub(lambda m: m.group() if m.group() in keep else json_escape(m.group()), text)


def dumps(value: Any, **options: Any) -> str:
    """``json.dumps`` with readable Chinese (``ensure_ascii=False``) and every hidden
    character as a ``\\u`` escape: the values stay exact for a program reading them, and
    nothing reaches a terminal raw (``json.dumps`` escapes C0 but leaves DEL, C1 and
    U+202E raw)."""
    return json_visible(json.dumps(value, ensure_ascii=False, **options))
