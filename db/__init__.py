"""The archive: models, rules and queries. Imports no Textual.

A test or a script drives it directly::

    from db.connection import open_database
    database = open_database("station.sqlite")
"""
