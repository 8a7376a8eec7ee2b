"""The appointment book (预约): one row per booked visit, its slot, its state and how it
was made (db/appointments.py). The day's grid, the arrivals, the confirmation and no-show
queues read the (day, slot) and (status, day) indexes."""

from peewee import (BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField,
                    Model, TextField)


def up(migrator, db):
    class Advisor(Model):
        class Meta:
            database = db
            table_name = "advisor"

    class Customer(Model):
        class Meta:
            database = db
            table_name = "customer"

    class Vehicle(Model):
        class Meta:
            database = db
            table_name = "vehicle"

    class Visit(Model):
        class Meta:
            database = db
            table_name = "visit"

    class Appointment(Model):
        customer = ForeignKeyField(Customer, on_delete="CASCADE")
        vehicle = ForeignKeyField(Vehicle, on_delete="CASCADE")
        day = DateField()
        slot = IntegerField()
        advisor = ForeignKeyField(Advisor, null=True, on_delete="SET NULL")
        request = TextField(null=True)
        due_items = TextField(null=True)
        waiting = BooleanField(default=True)
        channel = CharField(max_length=12, default="phone")
        booked_by = ForeignKeyField(Advisor, null=True, on_delete="SET NULL", backref="+")
        status = CharField(max_length=12, default="booked")
        reason = CharField(max_length=200, null=True)
        overbooked = BooleanField(default=False)
        visit = ForeignKeyField(Visit, null=True, on_delete="SET NULL")
        created_at = DateTimeField()
        updated_at = DateTimeField()
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = "appointment"
            indexes = ((("day", "slot", "status"), False), (("status", "day", "slot"), False),
                       (("vehicle", "day"), False), (("customer", "status"), False))

    db.create_tables([Appointment])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "appointment"')
