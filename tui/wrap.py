"""Breaking a line of mixed Chinese and English into lines of a given width in cells.

English breaks between words, Chinese between characters (it has no spaces to break
at); a closing mark (，。）…) stays with what it closes and an opening one (（“…) with what
it opens, so no line starts with a stray 。 and no word is cut in two ("Oc/cupation").
"""

from __future__ import annotations

from rich.cells import cell_len

_OPENING = set("（《「『【“‘([")
_CLOSING = set("，。、；：？！）》」』】”’,.;:?!)]…")


def _tokens(text: str) -> list[str]:
    """Words, spaces and single wide characters, with the marks glued on."""
    tokens: list[str] = []
    for char in text:
        last = tokens[-1] if tokens else ""
        if char.isspace():
            glue = last.isspace()
        elif char in _CLOSING:
            glue = bool(last) and not last.isspace()
        elif last and last[-1] in _OPENING:
            glue = True
        else:
            # a run of narrow characters is one word; a wide character stands alone
            glue = (cell_len(char) == 1 and bool(last) and not last.isspace()
                    and cell_len(last[-1]) == 1 and last[-1] not in _CLOSING)
        if glue:
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens


def wrap_cells(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` cells (a word longer than a line is cut)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for token in _tokens(paragraph):
            size = cell_len(token)
            if token.isspace():
                if line and used + size <= width:
                    line, used = line + token, used + size
                continue
            if used + size > width and line.strip():
                lines.append(line.rstrip())
                line, used = "", 0
            while size > width:  # longer than a whole line: cut it where it must be cut
                cut, taken = "", 0
                for char in token:
                    if taken + cell_len(char) > width:
                        break
                    cut, taken = cut + char, taken + cell_len(char)
                lines.append(cut)
                token = token[len(cut):]
                size = cell_len(token)
            line, used = line + token, used + size
        lines.append(line.rstrip())
    return lines


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """Where the lines of ``text`` start when it is wrapped to ``width`` cells (the offsets
    Rich's ``divide_line`` gives), by this module's rule: Chinese breaks between
    characters, English between words, no line starts with a closing mark or ends with an
    opening one. Spaces stay at the end of the line they follow (the caller strips them);
    ``fold``: a token longer than a line is cut, else it runs over."""
    breaks: list[int] = []
    used = position = 0
    for token in _tokens(text):
        size = cell_len(token)
        if not token.isspace():
            if used and used + size > width:
                breaks.append(position)
                used = 0
            if fold and size > width:
                for char in token:  # longer than a whole line: cut it where it must be cut
                    if used and used + cell_len(char) > width:
                        breaks.append(position)
                        used = 0
                    used += cell_len(char)
                    position += 1
                continue
        used += size
        position += len(token)
    return breaks


def install() -> None:
    """Every wrapped text of the interface (statics, dialogs, notifications: Textual's
    Content and Rich's Text both wrap with Rich's ``divide_line``) follows this module's
    rule, as the card's own lines do: installed once, when the app starts."""
    import rich.text
    import textual.content

    for module in (textual.content, rich.text):
        module.divide_line = divide_line  # type: ignore[attr-defined]
