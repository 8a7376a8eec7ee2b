"""Python's cycle collector, held off on the way to the first frame.

Starting the program creates some 55,000 long-lived objects (Textual, peewee, our modules
and the first screen's widgets). Python's cycle collector walks all of them each time it
does a full pass, and on that way it does two or three: a quarter of the start's CPU
time spent finding almost nothing (the garbage of the start is a few thousand objects,
well under a megabyte; reference counting frees everything else as it goes).

So the interactive program holds the collector off from its start (``hold``) and, once
the first frame is drawn (``release``), moves every object alive then out of its reach
(``gc.freeze``: they live as long as the program does) before turning it on again. The
later passes then walk only what the session itself creates, which also keeps them short
while the advisor types. The cost: the start's own cyclic garbage is frozen with the
rest and never freed.

Only the program's own start holds it (``tui.shell._app``): an app made by a test or a
script releases nothing it did not hold, so their collector is left as they set it.
"""

from __future__ import annotations

import gc

_held = False


def hold() -> None:
    """No cycle collection from now until ``release``."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release() -> None:
    """The first frame is drawn: what lives now is frozen, and the collector runs again.
    Does nothing unless ``hold`` turned it off."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()
