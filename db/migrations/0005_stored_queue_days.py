"""What the call queues look up, stored with each car, and indexes over it (issue 5).

At a million customers 0004's covering indexes still left each queue reading hundreds of
thousands of index entries and working out every car's due day, warranty and owner
row by row. This migration adds to the vehicle the columns ``db/queues/stored_days.py`` keeps (the
days a car falls due, its declined work still to offer, which queues may list it), fills
them for every car in batches, and indexes each with the car's id and its listing: a
queue's count is then one index range, its first page a walk down that range in order.
Birthdays and inspections get indexes on the month and day of their date. 0004's indexes
for the same queues go.

What a migration does must not change with the program's code of the day, so the rules
that fill the columns are written out below as they stood (db/due.py, db/due_days.py);
the program keeps the columns from then on (db/derived.py).
"""

import datetime as dt
import json
import math

from dateutil.relativedelta import relativedelta
from peewee import DateField, IntegerField, PostgresqlDatabase

COLUMNS = (
    ("due_first_maintenance", DateField(null=True)),
    ("due_maintenance", DateField(null=True)),
    ("warranty_due", DateField(null=True)),
    ("warranty_km_due", DateField(null=True)),
    ("declined_visit", IntegerField(null=True)),
    ("declined_on", DateField(null=True)),
    ("listing", IntegerField(null=True)),
)

OLD = (
    ("vehicle", "vehicle_queue_visits"),
    ("vehicle", "vehicle_queue_maintenance"),
    ("vehicle", "vehicle_queue_new"),
    ("vehicle", "vehicle_queue_insurance"),
    ("vehicle", "vehicle_queue_inspection"),
    ("customer", "customer_queue_birthday"),
    # found the owners that 0004's queues left out by id; the stored listing replaces that
    ("customer", "customer_anonymised_at"),
    ("customer", "customer_marketing_consent"),
)

# (name, columns) on vehicle; kept identical to the Meta indexes in db/models.py
INDEXES = (
    ("vehicle_due_visits", ("last_visit_date", "id", "listing")),
    ("vehicle_due_first_maintenance", ("due_first_maintenance", "id", "listing")),
    ("vehicle_due_maintenance", ("due_maintenance", "id", "listing")),
    ("vehicle_due_warranty", ("warranty_due", "id", "listing")),
    ("vehicle_due_warranty_km", ("warranty_km_due", "id", "listing")),
    ("vehicle_due_insurance", ("insurance_expiry", "id", "listing")),
    ("vehicle_due_declined", ("declined_on", "id", "listing")),
)

PROSPECTS = ("prospect_due", ("next_contact_date", "id", "status", "marketing_consent"))

# (table, name, date column, further columns): the month and day of the date first
ANNIVERSARIES = (
    ("vehicle", "vehicle_due_inspection", "registration_date", ("registration_date", "id", "listing", "usage")),
    ("customer", "customer_due_birthday", "birth_date",
     ("birth_date", "id", "merged_into_id", "anonymised_at", "marketing_consent")),
)


def up(migrator, db):
    # The old indexes go first and the new ones come last: filling every car's row keeps
    # every index on it up to date (on PostgreSQL a new entry in each, per row).
    migrator.migrate(*[migrator.drop_index(table, name) for table, name in OLD],
                     *[migrator.add_column("vehicle", name, field) for name, field in COLUMNS])
    _fill(db)
    operations = [migrator.add_index("vehicle", columns, False, name=name) for name, columns in INDEXES]
    operations.append(migrator.add_index("prospect", PROSPECTS[1], False, name=PROSPECTS[0]))
    migrator.migrate(*operations)
    postgres = isinstance(db, PostgresqlDatabase)
    for table, name, column, columns in ANNIVERSARIES:
        listed = ", ".join(f'"{c}"' for c in columns)
        db.execute_sql(f'CREATE INDEX "{name}" ON "{table}" ({_month_day_ddl(column, postgres)}, {listed})')
    if postgres:
        db.execute_sql("ANALYZE vehicle")
        db.execute_sql("ANALYZE customer")


def down(migrator, db):
    import importlib

    covering = {(table, name): columns for table, name, columns
                in importlib.import_module("db.migrations.0004_queue_covering_indexes").COVERING}
    operations = [migrator.drop_index(table, name) for table, name, _, _ in ANNIVERSARIES]
    operations += [migrator.drop_index("vehicle", name) for name, _ in INDEXES]
    operations.append(migrator.drop_index("prospect", PROSPECTS[0]))
    operations += [migrator.drop_column("vehicle", name) for name, _ in COLUMNS]
    operations += [migrator.add_index(table, covering[(table, name)], False, name=name) for table, name in OLD]
    migrator.migrate(*operations)


# ---- the rules as they stood, frozen ------------------------------------------------------

BATCH = 5000
DEFAULTS = {  # the settings the days depend on, and their defaults
    "first_maintenance.months": 6, "first_maintenance.km": 5000, "maintenance.months": 6,
    "maintenance.km": 5000, "maintenance.default_daily_km": 40.0, "warranty.years": 3,
    "warranty.km": 60000, "warranty_end.km": 3000,
}
INPUTS = ("purchase_date", "registration_date", "first_maintenance_date", "last_maintenance_date",
          "last_maintenance_mileage", "last_mileage", "last_visit_date", "daily_km",
          "warranty_end_date", "warranty_end_km")
DATES = {"purchase_date", "registration_date", "first_maintenance_date", "last_maintenance_date",
         "last_visit_date", "warranty_end_date"}
NONE, SERVICE, MARKETING = 0, 1, 2
LISTING = (f"CASE WHEN v.status <> 'active' OR v.owner_id IS NULL THEN {NONE} "
           f"ELSE COALESCE((SELECT CASE WHEN o.merged_into_id IS NOT NULL OR o.anonymised_at IS NOT NULL "
           f"THEN {NONE} WHEN o.marketing_consent = %s THEN {SERVICE} ELSE {MARKETING} END "
           f"FROM customer o WHERE o.id = v.owner_id), {NONE}) END")


def _month_day_ddl(column, postgres):
    if postgres:
        return f"((date_part('month', \"{column}\") * 100) + date_part('day', \"{column}\"))"
    return f'substr("{column}", 6)'


def _date(value):
    return value if value is None or isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _settings(db):
    values = dict(DEFAULTS)
    names = ", ".join([db.param] * len(DEFAULTS))
    for key, raw in db.execute_sql(f'SELECT "key", "value" FROM "setting" WHERE "key" IN ({names})',
                                   list(DEFAULTS)):
        value = json.loads(raw)
        values[key] = float(value) if isinstance(DEFAULTS[key], float) else int(value)
    return values


def _days(car, s):
    """(first maintenance, maintenance, warranty, warranty by km) days of one car."""
    purchase, last_date, last_km = car["purchase_date"], car["last_visit_date"], car["last_mileage"]
    first = car["last_maintenance_date"] is None
    if first:
        base_date, base_km = purchase, 0
        months, km = s["first_maintenance.months"], s["first_maintenance.km"]
        if base_date is None:
            base_date, base_km = last_date, last_km or 0
            months, km = s["maintenance.months"], s["maintenance.km"]
    else:
        base_date, base_km = car["last_maintenance_date"], car["last_maintenance_mileage"] or 0
        months, km = s["maintenance.months"], s["maintenance.km"]
    due_km = base_km + km
    due_date = base_date + relativedelta(months=months) if base_date else None
    km_date = None
    rate = car["daily_km"] or s["maintenance.default_daily_km"]
    reading_date = last_date or base_date
    reading = last_km if last_km is not None else base_km
    if reading_date is not None and rate > 0:
        km_date = reading_date + dt.timedelta(days=max(0, math.floor((due_km - reading) / rate + 0.5)))
    candidates = [d for d in (due_date, km_date) if d is not None]
    when = min(candidates) if candidates else None
    first_day = when if (first and purchase is not None and car["first_maintenance_date"] is None) else None
    later_day = when if not first else None
    start = purchase or car["registration_date"]
    end_date = car["warranty_end_date"]
    if end_date is None and start is not None:
        end_date = start + relativedelta(months=12 * s["warranty.years"])
    end_km = car["warranty_end_km"] if car["warranty_end_km"] is not None else s["warranty.km"]
    mileage = last_km or 0
    end = end_date if end_date is not None and mileage <= end_km else None
    close = end if end is not None and mileage >= end_km - s["warranty_end.km"] else None
    return first_day, later_day, end, close


def _declined(db, lo, hi):
    """Per car of the id range: its visits with declined work as (visit id, day)."""
    found = {}
    for car, visit, day in db.execute_sql(
            "SELECT vehicle_id, id, visit_date FROM visit WHERE declined_work IS NOT NULL "
            f"AND declined_work <> '' AND vehicle_id > {db.param} AND vehicle_id <= {db.param}", (lo, hi)):
        found.setdefault(car, []).append((visit, _date(day)))
    return found


def _offer(visits, last_visit):
    """The latest declined work unless a later day's visit came after it."""
    if last_visit is None:
        return None, None
    found = None
    for visit, day in visits:
        if day >= last_visit and (found is None or visit > found[0]):
            found = (visit, day)
    return found or (None, None)


def _fill(db):
    """Every car's stored columns, a batch of ids at a time."""
    postgres = isinstance(db, PostgresqlDatabase)
    s = _settings(db)
    top = db.execute_sql("SELECT MAX(id) FROM vehicle").fetchone()[0] or 0
    columns = ", ".join(f"v.{name}" for name in INPUTS)
    listing = LISTING.replace("%s", "FALSE" if postgres else "0")
    names = ("due_first_maintenance", "due_maintenance", "warranty_due", "warranty_km_due",
             "declined_visit", "declined_on", "listing")
    casts = ("date", "date", "date", "date", "integer", "date", "integer")
    for lo in range(0, top, BATCH):
        hi = lo + BATCH
        declined = _declined(db, lo, hi)
        rows = []
        for row in db.execute_sql(f"SELECT v.id, {columns}, {listing} FROM vehicle v "
                                  f"WHERE v.id > {db.param} AND v.id <= {db.param}", (lo, hi)):
            car = {name: (_date(value) if name in DATES else value) for name, value in zip(INPUTS, row[1:])}
            values = (*_days(car, s), *_offer(declined.get(row[0], ()), car["last_visit_date"]), row[-1])
            rows.append((row[0], *[v.isoformat() if isinstance(v, dt.date) and not postgres else v
                                   for v in values]))
        if not rows:
            continue
        mark = "(" + ", ".join([db.param] * (1 + len(names))) + ")"
        sets = ", ".join(f'"{name}" = n."{name}"' + (f"::{cast}" if postgres else "")
                         for name, cast in zip(names, casts))
        listed = ", ".join(f'"{name}"' for name in ("id", *names))
        db.execute_sql(f'WITH n ({listed}) AS (VALUES {", ".join([mark] * len(rows))}) '
                       f'UPDATE vehicle SET {sets} FROM n WHERE vehicle.id = n.id'
                       f' AND vehicle.id > {lo} AND vehicle.id <= {hi}',
                       [value for row in rows for value in row])
