"""The Textual program. Renders and calls ``db``; never writes SQL nor holds a business rule.

Importing it adds the interface's own texts (``tui/texts/``) to the message catalogue."""

import os

from db.i18n import register

# Textual reads its frame cap when it is first imported, and this package is imported
# before it. At the default 60 frames a second, a change that lands just after a frame
# (the lookup's answer from its worker, a few ms after the key's own frame) waits one to
# two frame periods, 17–33 ms, before it is painted: most of a keystroke's time to its
# result. At 240 it waits 4–8 ms. Frames are still drawn only when something changed, so
# an idle or a typing screen draws no more frames than before (measured: the same CPU per
# lookup). A TEXTUAL_FPS set in the environment wins.
FRAMES_PER_SECOND = "240"
os.environ.setdefault("TEXTUAL_FPS", FRAMES_PER_SECOND)

register("tui.texts")
