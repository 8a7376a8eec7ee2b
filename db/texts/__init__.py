"""Message catalogue modules: each defines ``TEXTS = {key: (zh, en)}`` for one area.

Only the texts ``db/`` itself shows live here; the interface's own are in ``tui/texts/``."""
