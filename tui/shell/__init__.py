"""Shell commands of ``advisor``: one module each (see ``tui/cli.py``)."""
