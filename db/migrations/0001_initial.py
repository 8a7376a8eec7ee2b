# Generated from a schema diff on 2026-11-26 21:27.
from peewee import *

def up(migrator, db):
    class Advisor(Model):
        name = CharField(unique=True, max_length=40)
        os_user = CharField(unique=True, null=True, max_length=64)
        role = CharField(max_length=16, default='advisor')
        pin_hash = CharField(null=True, max_length=128)
        active = BooleanField(default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'advisor'
    db.create_tables([Advisor])

    class Customer(Model):
        name = CharField(max_length=60)
        mobile = CharField(null=True, max_length=11)
        id_number = CharField(null=True, max_length=18)
        birth_date = DateField(null=True)
        sex = CharField(null=True, max_length=1)
        occupation = CharField(null=True, max_length=60)
        occupation_category = CharField(null=True, max_length=20)
        home_address = CharField(null=True, max_length=200)
        district = CharField(null=True, max_length=40)
        hobbies = CharField(null=True, max_length=200)
        education = CharField(null=True, max_length=20)
        income = CharField(null=True, max_length=40)
        employer = CharField(null=True, max_length=100)
        employer_address = CharField(null=True, max_length=200)
        interests = CharField(null=True, max_length=200)
        payment_method = CharField(null=True, max_length=20)
        source = CharField(max_length=16, default='first_visit')
        marketing_consent = BooleanField(null=True)
        consent_at = DateTimeField(null=True)
        consent_channel = CharField(null=True, max_length=16)
        value_class_manual = CharField(null=True, max_length=1)
        value_class_reason = CharField(null=True, max_length=200)
        value_class_set_by = ForeignKeyField(Advisor, null=True, on_delete='SET NULL')
        value_class_set_at = DateTimeField(null=True)
        merged_into = ForeignKeyField('self', null=True, on_delete='SET NULL')
        anonymised_at = DateTimeField(null=True)
        created_at = DateTimeField()
        created_by = ForeignKeyField(Advisor, null=True, on_delete='SET NULL')
        updated_at = DateTimeField()
        version = IntegerField(default=1)
        name_key = CharField(index=True, max_length=60)
        pinyin_full = CharField(index=True, null=True, max_length=120)
        pinyin_initials = CharField(index=True, null=True, max_length=30)
        mobile_rev = CharField(index=True, null=True, max_length=11)
        employer_key = CharField(index=True, null=True, max_length=100)
        class Meta:
            database = db
            table_name = 'customer'
            indexes = ((('mobile',), False), (('id_number',), False))
    db.create_tables([Customer])

    class AuditEntry(Model):
        at = DateTimeField(index=True)
        advisor = ForeignKeyField(Advisor, null=True, on_delete='SET NULL')
        action = CharField(max_length=24)
        customer = ForeignKeyField(Customer, null=True, on_delete='SET NULL')
        field = CharField(null=True, max_length=40)
        before = TextField(null=True)
        after = TextField(null=True)
        detail = TextField(null=True)
        class Meta:
            database = db
            table_name = 'audit_entry'
            indexes = ((('customer', 'at'), False), (('advisor', 'at'), False))
    db.create_tables([AuditEntry])

    class Prospect(Model):
        name = CharField(max_length=60)
        mobile = CharField(index=True, null=True, max_length=11)
        district = CharField(null=True, max_length=40)
        current_car = CharField(null=True, max_length=100)
        heard_from = CharField(null=True, max_length=60)
        interest = CharField(null=True, max_length=200)
        next_step = CharField(null=True, max_length=200)
        next_contact_date = DateField(index=True, null=True)
        status = CharField(max_length=12, default='open')
        customer = ForeignKeyField(Customer, null=True, on_delete='SET NULL')
        marketing_consent = BooleanField(null=True)
        created_by = ForeignKeyField(Advisor, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        version = IntegerField(default=1)
        name_key = CharField(index=True, max_length=60)
        mobile_rev = CharField(index=True, null=True, max_length=11)
        class Meta:
            database = db
            table_name = 'prospect'
    db.create_tables([Prospect])

    class Vehicle(Model):
        vin = CharField(unique=True, max_length=17)
        plate = CharField(index=True, null=True, max_length=10)
        brand = CharField(null=True, max_length=40)
        model = CharField(null=True, max_length=60)
        engine_no = CharField(null=True, max_length=30)
        transmission_no = CharField(null=True, max_length=30)
        color = CharField(null=True, max_length=20)
        purchase_date = DateField(null=True)
        first_maintenance_date = DateField(null=True)
        first_maintenance_mileage = IntegerField(null=True)
        usage = CharField(max_length=12, default='private')
        vehicle_class = CharField(max_length=10, default='mid')
        sold_here = BooleanField(default=False)
        warranty_end_date = DateField(null=True)
        warranty_end_km = IntegerField(null=True)
        registration_date = DateField(null=True)
        insurance_expiry = DateField(null=True)
        status = CharField(max_length=10, default='active')
        owner = ForeignKeyField(Customer, null=True, on_delete='SET NULL')
        last_visit_date = DateField(index=True, null=True)
        last_mileage = IntegerField(null=True)
        last_maintenance_date = DateField(index=True, null=True)
        last_maintenance_mileage = IntegerField(null=True)
        daily_km = FloatField(null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        version = IntegerField(default=1)
        plate_rev = CharField(index=True, null=True, max_length=10)
        vin_rev = CharField(index=True, max_length=17)
        class Meta:
            database = db
            table_name = 'vehicle'
    db.create_tables([Vehicle])

    class Visit(Model):
        work_order_no = CharField(unique=True, max_length=32)
        vehicle = ForeignKeyField(Vehicle, on_delete='CASCADE')
        customer = ForeignKeyField(Customer, null=True, on_delete='SET NULL')
        advisor = ForeignKeyField(Advisor, null=True, on_delete='SET NULL')
        visit_date = DateField(index=True)
        mileage = IntegerField()
        kind = CharField(max_length=20, default='maintenance')
        work_requested = TextField(null=True)
        work_done = TextField(null=True)
        labour_fee = DecimalField(max_digits=12, decimal_places=2, default=0)
        parts_fee = DecimalField(max_digits=12, decimal_places=2, default=0)
        other_fee = DecimalField(max_digits=12, decimal_places=2, default=0)
        total_fee = DecimalField(max_digits=12, decimal_places=2, default=0)
        payment_method = CharField(null=True, max_length=20)
        declined_work = TextField(null=True)
        odometer_note = CharField(null=True, max_length=200)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'visit'
            indexes = ((('vehicle', 'visit_date'), False), (('customer', 'visit_date'), False))
    db.create_tables([Visit])

    class Contact(Model):
        customer = ForeignKeyField(Customer, null=True, on_delete='CASCADE')
        prospect = ForeignKeyField(Prospect, null=True, on_delete='CASCADE')
        vehicle = ForeignKeyField(Vehicle, null=True, on_delete='SET NULL')
        visit = ForeignKeyField(Visit, null=True, on_delete='SET NULL')
        advisor = ForeignKeyField(Advisor, null=True, on_delete='SET NULL')
        contact_at = DateTimeField(index=True)
        channel = CharField(max_length=12, default='desk')
        purpose = CharField(null=True, max_length=24)
        outcome = CharField(null=True, max_length=16)
        booked_date = DateField(null=True)
        traits = TextField(null=True)
        events = TextField(null=True)
        tags = CharField(null=True, max_length=200)
        note = TextField(null=True)
        next_contact_date = DateField(null=True)
        class Meta:
            database = db
            table_name = 'contact'
            indexes = ((('customer', 'contact_at'), False), (('prospect', 'contact_at'), False))
    db.create_tables([Contact])

    class Counter(Model):
        name = CharField(primary_key=True, max_length=40)
        value = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'counter'
    db.create_tables([Counter])

    class Draft(Model):
        advisor = ForeignKeyField(Advisor, on_delete='CASCADE')
        kind = CharField(max_length=16, default='intake')
        data = TextField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'draft'
            indexes = ((('advisor', 'kind'), True),)
    db.create_tables([Draft])

    class Ownership(Model):
        vehicle = ForeignKeyField(Vehicle, on_delete='CASCADE')
        customer = ForeignKeyField(Customer, on_delete='CASCADE')
        start_date = DateField()
        end_date = DateField(null=True)
        note = CharField(null=True, max_length=200)
        class Meta:
            database = db
            table_name = 'ownership'
            indexes = ((('vehicle', 'end_date'), False), (('customer',), False))
    db.create_tables([Ownership])

    class QueueState(Model):
        queue = CharField(max_length=24)
        customer = ForeignKeyField(Customer, on_delete='CASCADE')
        vehicle = ForeignKeyField(Vehicle, null=True, on_delete='CASCADE')
        due_key = CharField(max_length=40)
        handled = BooleanField(default=False)
        postponed_until = DateField(null=True)
        attempts = IntegerField(default=0)
        last_outcome = CharField(null=True, max_length=16)
        last_contact = ForeignKeyField(Contact, null=True, on_delete='SET NULL')
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'queue_state'
            indexes = ((('queue', 'customer', 'vehicle', 'due_key'), True),)
    db.create_tables([QueueState])

    class Setting(Model):
        key = CharField(primary_key=True, max_length=64)
        value = TextField()
        updated_at = DateTimeField()
        updated_by = ForeignKeyField(Advisor, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'setting'
    db.create_tables([Setting])

    class VisitPart(Model):
        visit = ForeignKeyField(Visit, on_delete='CASCADE')
        name = CharField(max_length=100)
        quantity = DecimalField(decimal_places=2, default=1)
        unit_price = DecimalField(max_digits=12, decimal_places=2, default=0)
        class Meta:
            database = db
            table_name = 'visit_part'
    db.create_tables([VisitPart])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('visit_part'))
    migrator.migrate(migrator.drop_table('setting'))
    migrator.migrate(migrator.drop_table('queue_state'))
    migrator.migrate(migrator.drop_table('ownership'))
    migrator.migrate(migrator.drop_table('draft'))
    migrator.migrate(migrator.drop_table('counter'))
    migrator.migrate(migrator.drop_table('contact'))
    migrator.migrate(migrator.drop_table('visit'))
    migrator.migrate(migrator.drop_table('vehicle'))
    migrator.migrate(migrator.drop_table('prospect'))
    migrator.migrate(migrator.drop_table('audit_entry'))
    migrator.migrate(migrator.drop_table('customer'))
    migrator.migrate(migrator.drop_table('advisor'))
