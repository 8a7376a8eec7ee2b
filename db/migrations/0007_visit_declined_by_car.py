"""Visits with declined work indexed by car (issue 5), replacing 0004's index by day.

The declined-work queue reads the car's own stored column since 0005; what reads these
visits now is the refresh of a car's stored columns (db/queues/stored_days.py), which looks up a
few cars' latest visits with declined work.
"""

CONDITION = "declined_work IS NOT NULL AND declined_work <> ''"


def up(migrator, db):
    from peewee import SQL

    migrator.migrate(migrator.drop_index("visit", "visit_queue_declined"),
                     migrator.add_index("visit", ("vehicle_id", "visit_date"), False, where=SQL(CONDITION),
                                        name="visit_declined"))


def down(migrator, db):
    from peewee import SQL

    migrator.migrate(migrator.drop_index("visit", "visit_declined"),
                     migrator.add_index("visit", ("visit_date", "vehicle_id"), False, where=SQL(CONDITION),
                                        name="visit_queue_declined"))
