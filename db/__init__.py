"""The archive: models, rules and queries. Imports no Textual.

A test or a script drives it directly::

    from db.connection import open_database
    database = open_database("station.sqlite")
"""

# Derived data follows every write made through this package (search keys, the cars'
# stored queue days): its rebuild, and the settings' observers it registers, are in place
# as soon as any part of ``db`` is imported, whatever a script imports first.
from db import derived  # noqa: E402,F401
