"""The Textual program. Renders and calls ``db``; never writes SQL nor holds a business rule.

Importing it adds the interface's own texts (``tui/texts/``) to the message catalogue."""

from db.i18n import register

register("tui.texts")
