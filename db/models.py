"""The archive's tables (domain.md: the four groups of information, and what acts on them).

Models are bound to ``database_proxy``; ``db.connection.open_database`` initialises it.
Schema changes go through ``db/migrations`` (peewee's ``playhouse.migrations``): a change
here needs a new numbered migration file beside the first.

Search keys (``*_key``, ``*_rev``) are normalised, indexed copies that carry lookup
(design.md: B-tree prefix ranges, reversed copies for tails). ``db.search`` computes
them and ``db.derived`` writes them when the transaction that wrote a row commits: a
write path leaves them at their defaults.
"""

from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    DecimalField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)
from peewee import SQL

database_proxy = DatabaseProxy()

MONEY = dict(max_digits=12, decimal_places=2, auto_round=True, default=0)


class BaseModel(Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class Advisor(BaseModel):
    """A person using the program: an advisor or a service manager."""

    name = CharField(max_length=40, unique=True)
    os_user = CharField(max_length=64, null=True, unique=True)
    role = CharField(max_length=16, default="advisor")  # advisor | manager
    pin_hash = CharField(max_length=128, null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField()
    # The SSH user name (``advisor serve``): ASCII, unique, by default the name's pinyin
    # (db.access.default_login fills it when an advisor is created).
    login = CharField(max_length=32, null=True, unique=True)
    password_hash = CharField(max_length=128, null=True)  # scrypt, as the PIN

    def save(self, *args, **kwargs):
        if not self.login and self.name:
            from db.access import default_login

            self.login = default_login(self.name)
        return super().save(*args, **kwargs)


class AdvisorKey(BaseModel):
    """An SSH public key that signs its advisor in (one advisor may have several)."""

    advisor = ForeignKeyField(Advisor, backref="keys", on_delete="CASCADE")
    fingerprint = CharField(max_length=64, unique=True)  # SHA256:… as ssh-keygen -l shows it
    public_key = TextField()  # the OpenSSH line: type, base64 blob, comment
    added_at = DateTimeField()


class SignInFailure(BaseModel):
    """A refused sign-in (key, password or PIN): what slows and locks the next ones."""

    login = CharField(max_length=64, index=True)
    address = CharField(max_length=64, null=True, index=True)
    at = DateTimeField(index=True)


class SessionTicket(BaseModel):
    """A one-time ticket: ``advisor serve`` hands its hash's token to the session process
    through an inherited pipe; the process redeems it once, within a minute."""

    token_hash = CharField(max_length=64, unique=True)
    advisor = ForeignKeyField(Advisor, backref="+", on_delete="CASCADE")
    address = CharField(max_length=64, null=True)
    fingerprint = CharField(max_length=64, null=True)
    created_at = DateTimeField()


class Customer(BaseModel):
    """One customer's archive: the customer group and the observation group."""

    # customer group (客户信息)
    name = CharField(max_length=60)
    # person | organisation (a company or fleet buyer: id_number holds its unified
    # social credit code, GB 32100, and there is no birth date or sex)
    kind = CharField(max_length=12, default="person")
    mobile = CharField(max_length=11, null=True)
    phone2 = CharField(max_length=40, null=True)  # other numbers: a landline, a second mobile
    id_number = CharField(max_length=18, null=True)
    birth_date = DateField(null=True)
    sex = CharField(max_length=1, null=True)  # M | F, from the ID number or typed
    occupation = CharField(max_length=60, null=True)
    occupation_category = CharField(max_length=20, null=True)  # db.segments fills it
    home_address = CharField(max_length=200, null=True)
    district = CharField(max_length=40, null=True)  # region segment
    hobbies = CharField(max_length=200, null=True)
    # observation group (观察信息); the visit interval is derived from visits
    education = CharField(max_length=20, null=True)
    income = CharField(max_length=40, null=True)
    employer = CharField(max_length=100, null=True)
    employer_address = CharField(max_length=200, null=True)
    interests = CharField(max_length=200, null=True)  # services of interest
    payment_method = CharField(max_length=20, null=True)
    # where the archive came from: sales_import | first_visit | prospect | walk_in
    source = CharField(max_length=16, default="first_visit")
    # marketing consent (PIPL): None = not asked yet
    marketing_consent = BooleanField(null=True)
    consent_at = DateTimeField(null=True)
    consent_channel = CharField(max_length=16, null=True)
    # value class set by hand over the computed one (domain.md: advisor's judgement)
    value_class_manual = CharField(max_length=1, null=True)
    value_class_reason = CharField(max_length=200, null=True)
    value_class_set_by = ForeignKeyField(Advisor, null=True, backref="+", on_delete="SET NULL")
    value_class_set_at = DateTimeField(null=True)
    # life cycle
    merged_into = ForeignKeyField("self", null=True, backref="merged", on_delete="SET NULL")
    anonymised_at = DateTimeField(null=True)
    created_at = DateTimeField()
    created_by = ForeignKeyField(Advisor, null=True, backref="+", on_delete="SET NULL")
    updated_at = DateTimeField()
    version = IntegerField(default=1)  # optimistic lock: saves compare and bump it
    # search keys
    name_key = CharField(max_length=60, index=True, default="")
    pinyin_full = CharField(max_length=120, null=True, index=True)
    pinyin_initials = CharField(max_length=30, null=True, index=True)
    # a second common reading of the name (乐 le beside yue, 覃 tan beside qin, ü typed u)
    pinyin_alt = CharField(max_length=120, null=True, index=True)
    pinyin_alt_initials = CharField(max_length=30, null=True, index=True)
    mobile_rev = CharField(max_length=11, null=True, index=True)
    employer_key = CharField(max_length=100, null=True, index=True)

    class Meta:
        indexes = ((("mobile",), False), (("id_number",), False))


class Vehicle(BaseModel):
    """The vehicle group, plus what segments and reminders need."""

    vin = CharField(max_length=17, unique=True)
    plate = CharField(max_length=10, null=True, index=True)
    brand = CharField(max_length=40, null=True)
    model = CharField(max_length=60, null=True)
    engine_no = CharField(max_length=30, null=True)
    transmission_no = CharField(max_length=30, null=True)
    color = CharField(max_length=20, null=True)
    purchase_date = DateField(null=True)
    first_maintenance_date = DateField(null=True)
    first_maintenance_mileage = IntegerField(null=True)
    usage = CharField(max_length=12, default="private")  # private | official | commercial
    vehicle_class = CharField(max_length=10, default="mid")  # economy | mid | premium
    sold_here = BooleanField(default=False)
    warranty_end_date = DateField(null=True)  # None: purchase date + warranty.years
    warranty_end_km = IntegerField(null=True)  # None: warranty.km
    registration_date = DateField(null=True)
    insurance_expiry = DateField(null=True)
    status = CharField(max_length=10, default="active")  # active | sold | scrapped
    # the current owner, kept with Ownership in one transaction (lookup joins on it)
    owner = ForeignKeyField(Customer, null=True, backref="vehicles", on_delete="SET NULL")
    # last known state, kept by every visit save (queues read these, not the visit table)
    last_visit_date = DateField(null=True, index=True)
    last_mileage = IntegerField(null=True)
    last_maintenance_date = DateField(null=True, index=True)
    last_maintenance_mileage = IntegerField(null=True)
    daily_km = FloatField(null=True)  # mileage trend, km per day
    # What the call queues look up (db.queues.stored_days computes them, db.derived keeps
    # them when a transaction that wrote the car or its owner commits): the days the car
    # falls due (db.queues.car_dates.queue_days), its latest visit's declined
    # work, and which queues may list it at all (0 none, 1 service, 2 service and marketing).
    due_first_maintenance = DateField(null=True)
    due_maintenance = DateField(null=True)
    warranty_due = DateField(null=True)
    warranty_km_due = DateField(null=True)
    declined_visit = IntegerField(null=True)  # a Visit id (no constraint: the queue's key)
    declined_on = DateField(null=True)
    listing = IntegerField(null=True)
    created_at = DateTimeField()
    updated_at = DateTimeField()
    version = IntegerField(default=1)
    # search keys
    plate_rev = CharField(max_length=10, null=True, index=True)
    vin_rev = CharField(max_length=17, index=True, default="")


class Ownership(BaseModel):
    """Who owned which car from when to when; a resale closes one row and opens another."""

    vehicle = ForeignKeyField(Vehicle, backref="ownerships", on_delete="CASCADE")
    customer = ForeignKeyField(Customer, backref="ownerships", on_delete="CASCADE")
    start_date = DateField()
    end_date = DateField(null=True)  # None: the current owner
    note = CharField(max_length=200, null=True)

    class Meta:
        indexes = ((("vehicle", "end_date"), False), (("customer",), False))


class Visit(BaseModel):
    """A work order (派工单): one visit of one vehicle, brought by one customer."""

    work_order_no = CharField(max_length=32, unique=True)
    vehicle = ForeignKeyField(Vehicle, backref="visits", on_delete="CASCADE")
    customer = ForeignKeyField(Customer, null=True, backref="visits", on_delete="SET NULL")
    advisor = ForeignKeyField(Advisor, null=True, backref="visits", on_delete="SET NULL")
    visit_date = DateField()  # indexed with total_fee (visit_day_fee, _report_indexes)
    mileage = IntegerField()
    # first_maintenance | maintenance | repair | warranty | accident | other
    kind = CharField(max_length=20, default="maintenance")
    work_requested = TextField(null=True)
    work_done = TextField(null=True)
    labour_fee = DecimalField(**MONEY)
    parts_fee = DecimalField(**MONEY)
    other_fee = DecimalField(**MONEY)
    total_fee = DecimalField(**MONEY)
    payment_method = CharField(max_length=20, null=True)
    declined_work = TextField(null=True)  # recommended work the customer declined
    odometer_note = CharField(max_length=200, null=True)  # e.g. lower mileage confirmed
    created_at = DateTimeField()
    # The reception order (migration 0014; stored forms in db/walkaround.py)
    fuel_level = CharField(max_length=4, null=True)  # FUEL_LEVELS
    warning_lights = CharField(max_length=200, null=True)  # encode_lights
    valuables = CharField(max_length=200, null=True)
    spare_tyre = BooleanField(null=True)
    tools = BooleanField(null=True)
    damage = TextField(null=True)  # encode_damage
    diagnosis = TextField(null=True)  # the advisor's notes on what the customer described
    promised_at = DateTimeField(null=True)
    waiting = BooleanField(null=True)  # the customer waits (True) or leaves the car
    old_parts = CharField(max_length=8, null=True)  # OLD_PARTS
    labour_hours = DecimalField(max_digits=8, decimal_places=2, auto_round=True, null=True)
    settlement_no = CharField(max_length=32, null=True)  # set when the statement is issued
    settled_on = DateField(null=True)

    class Meta:
        # (vehicle, visit_date, total_fee): a car's visits, and their fees for the report (0006);
        # by customer and by day: ``_report_indexes``
        indexes = ((("vehicle", "visit_date", "total_fee"), False),)


class VisitPart(BaseModel):
    """A part line of a work order."""

    visit = ForeignKeyField(Visit, backref="parts", on_delete="CASCADE")
    name = CharField(max_length=100)
    quantity = DecimalField(max_digits=10, decimal_places=2, auto_round=True, default=1)
    unit_price = DecimalField(**MONEY)
    kind = CharField(max_length=12, null=True)  # PART_KINDS
    consent = BooleanField(null=True)  # the owner agreed to a repaired or used part
    code = CharField(max_length=40, null=True)  # the part number


class Prospect(BaseModel):
    """A potential customer in the service area, worked on until their car first comes in."""

    name = CharField(max_length=60)
    mobile = CharField(max_length=11, null=True, index=True)
    district = CharField(max_length=40, null=True)
    current_car = CharField(max_length=100, null=True)
    heard_from = CharField(max_length=60, null=True)
    interest = CharField(max_length=200, null=True)
    next_step = CharField(max_length=200, null=True)
    next_contact_date = DateField(null=True, index=True)
    status = CharField(max_length=12, default="open")  # open | converted | dropped
    customer = ForeignKeyField(Customer, null=True, backref="+", on_delete="SET NULL")
    marketing_consent = BooleanField(null=True)
    created_by = ForeignKeyField(Advisor, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField()
    updated_at = DateTimeField()
    version = IntegerField(default=1)
    # search keys
    name_key = CharField(max_length=60, index=True, default="")
    mobile_rev = CharField(max_length=11, null=True, index=True)


class Contact(BaseModel):
    """One contact with a customer or prospect: what happened and what they showed."""

    customer = ForeignKeyField(Customer, null=True, backref="contacts", on_delete="CASCADE")
    prospect = ForeignKeyField(Prospect, null=True, backref="contacts", on_delete="CASCADE")
    vehicle = ForeignKeyField(Vehicle, null=True, backref="+", on_delete="SET NULL")
    visit = ForeignKeyField(Visit, null=True, backref="contacts", on_delete="SET NULL")
    advisor = ForeignKeyField(Advisor, null=True, backref="contacts", on_delete="SET NULL")
    contact_at = DateTimeField()  # indexed first in contact_report (_report_indexes)
    channel = CharField(max_length=12, default="desk")  # desk | phone | sms | wechat | letter
    purpose = CharField(max_length=24, null=True)  # reception, a queue's name, …
    # reached | no_answer | booked | declined | wrong_number | do_not_call | visit
    outcome = CharField(max_length=16, null=True)
    booked_date = DateField(null=True)
    traits = TextField(null=True)  # traits the customer showed (特质)
    events = TextField(null=True)  # typical events (典型事件)
    tags = CharField(max_length=200, null=True)  # quick tags, comma separated
    note = TextField(null=True)
    next_contact_date = DateField(null=True)

    class Meta:
        indexes = ((("customer", "contact_at"), False), (("prospect", "contact_at"), False))


class QueueState(BaseModel):
    """A call-list row's handling: put off, answered, tries; keyed by what fell due."""

    queue = CharField(max_length=24)
    customer = ForeignKeyField(Customer, backref="+", on_delete="CASCADE")
    vehicle = ForeignKeyField(Vehicle, null=True, backref="+", on_delete="CASCADE")
    due_key = CharField(max_length=40)  # identifies the occurrence that fell due
    handled = BooleanField(default=False)
    postponed_until = DateField(null=True)
    attempts = IntegerField(default=0)  # unanswered calls in a row
    last_outcome = CharField(max_length=16, null=True)
    last_contact = ForeignKeyField(Contact, null=True, backref="+", on_delete="SET NULL")
    updated_at = DateTimeField()

    class Meta:
        indexes = ((("queue", "customer", "vehicle", "due_key"), True),)


class Draft(BaseModel):
    """Typed-in work not yet saved (an intake), kept per advisor to survive a dropped line."""

    advisor = ForeignKeyField(Advisor, backref="drafts", on_delete="CASCADE")
    kind = CharField(max_length=16, default="intake")
    data = TextField()  # JSON
    updated_at = DateTimeField()

    class Meta:
        indexes = ((("advisor", "kind"), True),)


class AuditEntry(BaseModel):
    """Who did what to which archive, when; before and after for changes (JSON)."""

    at = DateTimeField(index=True)
    advisor = ForeignKeyField(Advisor, null=True, backref="+", on_delete="SET NULL")
    action = CharField(max_length=24)  # reveal | edit | merge | export | anonymise | …
    customer = ForeignKeyField(Customer, null=True, backref="+", on_delete="SET NULL")
    field = CharField(max_length=40, null=True)
    before = TextField(null=True)
    after = TextField(null=True)
    detail = TextField(null=True)
    # Where the act came from (migration 0010): the OS account, terminal, client address
    # and SSH key fingerprint (db.audit.AuditContext).
    os_account = CharField(max_length=64, null=True)
    terminal = CharField(max_length=64, null=True)
    client = CharField(max_length=64, null=True)
    client_key = CharField(max_length=128, null=True)
    # The chain (db/audit/chain.py): a note on entries rewritten or chained after the fact,
    # and sha256(previous hash + this entry's content digest).
    seal = TextField(null=True)
    hash = CharField(max_length=64, null=True)

    class Meta:
        indexes = ((("customer", "at"), False), (("advisor", "at"), False))


class Appointment(BaseModel):
    """A booked visit (预约): a car, its day and slot, and where the booking stands
    (db/appointments.py keeps the rules; migration 0011)."""

    customer = ForeignKeyField(Customer, backref="appointments", on_delete="CASCADE")
    vehicle = ForeignKeyField(Vehicle, backref="appointments", on_delete="CASCADE")
    day = DateField()
    slot = IntegerField()  # the slot's start, minutes after midnight
    advisor = ForeignKeyField(Advisor, null=True, backref="appointments", on_delete="SET NULL")  # None: any
    request = TextField(null=True)  # what the customer asked for, as written
    due_items = TextField(null=True)  # what the queues knew was due (maintenance, declined work)
    waiting = BooleanField(default=True)  # waits at the station, else drops the car off
    channel = CharField(max_length=12, default="phone")  # phone | walk_in | call_list | wechat
    booked_by = ForeignKeyField(Advisor, null=True, backref="+", on_delete="SET NULL")
    # booked | confirmed | arrived | no_show | cancelled
    status = CharField(max_length=12, default="booked")
    reason = CharField(max_length=200, null=True)  # why it was cancelled
    overbooked = BooleanField(default=False)  # a manager booked it over a full slot
    visit = ForeignKeyField(Visit, null=True, backref="+", on_delete="SET NULL")  # the work order it became
    created_at = DateTimeField()
    updated_at = DateTimeField()
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("day", "slot", "status"), False), (("status", "day", "slot"), False),
                   (("vehicle", "day"), False), (("customer", "status"), False))


class Setting(BaseModel):
    """A changed business threshold (defaults live in db/settings.py)."""

    key = CharField(max_length=64, primary_key=True)
    value = TextField()  # JSON
    updated_at = DateTimeField()
    updated_by = ForeignKeyField(Advisor, null=True, backref="+", on_delete="SET NULL")


class Counter(BaseModel):
    """Named sequences (work-order numbers per day)."""

    name = CharField(max_length=40, primary_key=True)
    value = IntegerField(default=0)


def _queue_indexes() -> None:
    """The call queues' indexes (migrations 0004, 0005, 0007, db/queues/lists.py): each queue's count
    reads one index range and no table rows. Not declared here: 0005's indexes on the
    month and day of the birth and registration dates (an expression per database,
    ``db.queues.stored_days.month_day``)."""
    spec = {
        Vehicle: (("vehicle_queue_warranty", ("status", "owner", "warranty_end_date", "purchase_date",
                                              "registration_date", "warranty_end_km", "last_mileage")),
                  ("vehicle_due_visits", ("last_visit_date", "id", "listing")),
                  ("vehicle_due_first_maintenance", ("due_first_maintenance", "id", "listing")),
                  ("vehicle_due_maintenance", ("due_maintenance", "id", "listing")),
                  ("vehicle_due_warranty", ("warranty_due", "id", "listing")),
                  ("vehicle_due_warranty_km", ("warranty_km_due", "id", "listing")),
                  ("vehicle_due_insurance", ("insurance_expiry", "id", "listing")),
                  ("vehicle_due_declined", ("declined_on", "id", "listing"))),
        Prospect: (("prospect_due", ("next_contact_date", "id", "status", "marketing_consent")),),
    }
    for model, indexes in spec.items():
        for name, fields in indexes:
            model.add_index(model.index(*[getattr(model, f) for f in fields], name=name))
    Visit.add_index(Visit.index(Visit.vehicle, Visit.visit_date, name="visit_declined",
                                where=SQL("declined_work IS NOT NULL AND declined_work <> ''")))


_queue_indexes()


def _report_indexes() -> None:
    """The manager's report's indexes (migrations 0006 and 0008, db/report.py): its parts
    read index ranges, not the visit and contact rows. Each replaced a narrower index it
    starts with (a customer's visits by date, visits by day, contacts by time), which
    still serve what those served."""
    Visit.add_index(Visit.index(Visit.customer, Visit.visit_date, Visit.total_fee, Visit.kind,
                                Visit.payment_method, name="visit_customer_facts"))
    Visit.add_index(Visit.index(Visit.visit_date, Visit.total_fee, name="visit_day_fee"))
    Visit.add_index(Visit.index(Visit.customer, name="visit_work_missing",
                                where=SQL("work_done IS NULL OR TRIM(work_done) = ''")))
    Contact.add_index(Contact.index(Contact.contact_at, Contact.purpose, Contact.channel, Contact.outcome,
                                    Contact.advisor, Contact.customer, Contact.vehicle, name="contact_report"))
    Customer.add_index(Customer.index(Customer.anonymised_at, name="customer_anonymised",
                                      where=SQL("anonymised_at IS NOT NULL")))
    Customer.add_index(Customer.index(Customer.value_class_manual, name="customer_value_manual",
                                      where=SQL("value_class_manual IS NOT NULL")))


_report_indexes()

ALL_MODELS: list[type[BaseModel]] = [
    Advisor, Customer, Vehicle, Ownership, Visit, VisitPart, Prospect, Contact,
    QueueState, Draft, AuditEntry, Setting, Counter, AdvisorKey, SignInFailure, SessionTicket, Appointment,
]
