"""The interface's texts: each module defines ``TEXTS = {key: (zh, en)}`` for one area.

Only keys that ``tui/`` alone shows live here; a key ``db/`` uses lives in ``db/texts/``."""
