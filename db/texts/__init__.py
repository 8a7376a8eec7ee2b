"""Message catalogue modules: each defines ``TEXTS = {key: (zh, en)}`` for one area."""
