"""The synthetic station, a chunk of customers at a time: people, cars, visits, contacts.

Days are ordinals (``date.toordinal``) throughout; text forms are made once per day.
A chunk depends on nothing but the seed, today, the settings and its own number: it draws
from its own generator, numbers its rows from 1 (the loader adds each table's offset, see
``OFFSETS``) and takes serial numbers (VIN, plate, engine) from a block reserved for its
number. So chunks can be made in any order, by several processes, and the same seed and
today still give the same rows. Work-order numbers run per day across the whole station,
so the loader gives them: a visit row carries its day's ordinal in their place.

How a car's history is simulated (the rules the tests check):
- maintenance falls due every ``maintenance.months`` or ``maintenance.km``, whichever
  comes first at the car's own km per day, the first one by ``first_maintenance.*``;
  the customer comes somewhat early or late (drift), and sometimes services elsewhere;
- the station knows a car from its sale here (sales import) or from its first visit;
  an owner may stop coming (churn) at some day; repairs, warranty jobs, accidents and
  small jobs arrive at random, more as the car ages;
- only the last three years of visits are recorded, none on or after today.
"""

from __future__ import annotations

import bisect
import math
import datetime as dt
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta

from db.demo import catalogue as cat
from db.demo import identity
from db.demo.jobs import JobMaker
from db.search import customer_keys, pinyin_keys, prospect_keys

HISTORY_YEARS = 3
PURCHASE_YEARS = 10
NEVER = 10**7  # an ordinal later than any day used
MAINTENANCE_KINDS = ("first_maintenance", "maintenance")
ARCHIVE_TIME = " 08:00:00"  # archives from the sales sheet are opened before the first customer
_TIMES = tuple(f" {h:02d}:{m:02d}:00" for h in range(8, 18) for m in range(0, 60) if (h, m) >= (8, 30))

# Bulk-insert column orders (field names of db.models).
CUSTOMER_FIELDS = (
    "id", "name", "mobile", "id_number", "birth_date", "sex", "occupation", "home_address",
    "district", "hobbies", "education", "income", "employer", "employer_address", "interests",
    "payment_method", "source", "marketing_consent", "consent_at", "consent_channel",
    "created_at", "created_by", "updated_at", "version", "name_key", "pinyin_full",
    "pinyin_initials", "mobile_rev", "employer_key")
VEHICLE_FIELDS = (
    "id", "vin", "plate", "brand", "model", "engine_no", "transmission_no", "color",
    "purchase_date", "first_maintenance_date", "first_maintenance_mileage", "usage",
    "vehicle_class", "sold_here", "warranty_end_date", "warranty_end_km", "registration_date",
    "insurance_expiry", "status", "owner", "last_visit_date", "last_mileage",
    "last_maintenance_date", "last_maintenance_mileage", "daily_km", "created_at",
    "updated_at", "version", "plate_rev", "vin_rev")
OWNERSHIP_FIELDS = ("id", "vehicle", "customer", "start_date", "end_date", "note")
VISIT_FIELDS = (
    "id", "work_order_no", "vehicle", "customer", "advisor", "visit_date", "mileage", "kind",
    "work_requested", "work_done", "labour_fee", "parts_fee", "other_fee", "total_fee",
    "payment_method", "declined_work", "created_at")
PART_FIELDS = ("visit", "name", "quantity", "unit_price")
PROSPECT_FIELDS = (
    "id", "name", "mobile", "district", "current_car", "heard_from", "interest", "next_step",
    "next_contact_date", "status", "customer", "marketing_consent", "created_by", "created_at",
    "updated_at", "version", "name_key", "mobile_rev")
# Which columns hold a chunk-local id, and whose: the loader adds that table's offset.
OFFSETS = {
    "customer": {"id": "customer"},
    "prospect": {"id": "prospect", "customer": "customer"},
    "vehicle": {"id": "vehicle", "owner": "customer"},
    "ownership": {"id": "ownership", "vehicle": "vehicle", "customer": "customer"},
    "visit": {"id": "visit", "vehicle": "vehicle", "customer": "customer"},
    "visit_part": {"visit": "visit"},
    "contact": {"customer": "customer", "prospect": "prospect", "vehicle": "vehicle", "visit": "visit"},
}
CONTACT_FIELDS = (
    "customer", "prospect", "vehicle", "visit", "advisor", "contact_at", "channel", "purpose",
    "outcome", "booked_date", "traits", "events", "tags", "note", "next_contact_date")


@dataclass
class Rows:
    """One chunk's rows per table, in insertion order (parents first)."""

    customers: list[tuple] = field(default_factory=list)
    prospects: list[tuple] = field(default_factory=list)
    vehicles: list[tuple] = field(default_factory=list)
    ownerships: list[tuple] = field(default_factory=list)
    visits: list[tuple] = field(default_factory=list)
    parts: list[tuple] = field(default_factory=list)
    contacts: list[tuple] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Rows per id counter (see ``OFFSETS``)."""
        return {"customer": len(self.customers), "prospect": len(self.prospects),
                "vehicle": len(self.vehicles), "ownership": len(self.ownerships),
                "visit": len(self.visits)}


@dataclass
class Owner:
    """One customer's stretch of a car's life, and how they behave with the station."""

    customer: int
    start: int  # ordinal of the purchase or resale
    end: int  # ordinal the car left them (NEVER: still theirs)
    arrival: int  # first day the station knows them with this car
    churn: int  # after this day they stop coming (NEVER: they don't)
    loyalty: float  # share of due services done here, for a new car
    advisor: int
    pay: str
    daily_km: float
    from_sale: bool = False  # the archive came from the sales sheet, not a first visit
    first_seen: int | None = None  # first recorded visit
    first_stamp: str | None = None  # its time


@dataclass
class Person:
    """A customer being made: what the car plan and the visits still need to settle."""

    id: int
    fields: dict
    usage: str
    pay: str
    advisor: int
    consent: bool | None
    traits: bool
    owners: list[Owner] = field(default_factory=list)


def _cumulative(weights) -> tuple[list[float], float]:
    acc = list(itertools.accumulate(weights))
    return acc, acc[-1]


class Picker:
    """Weighted choice by bisection over cumulative weights (one random number)."""

    def __init__(self, items, weights) -> None:
        self.items = tuple(items)
        self.cum, self.total = _cumulative(weights)

    def __call__(self, r: Callable[[], float]):
        return self.items[bisect.bisect_right(self.cum, r() * self.total)]


class Station:
    """What every chunk shares (settings, tables, pickers), and the chunk being made."""

    def __init__(self, seed: int, today: dt.date, settings: dict, advisors: list[int],
                 chunk_size: int) -> None:
        self.seed = seed
        # Serial-number blocks per chunk: at most 3 cars a customer; new-energy plates are
        # about one car in seven, so a third of the chunk's size leaves a wide margin.
        self.car_block = 3 * chunk_size
        self.nev_block = max(100, chunk_size // 3)
        self.today = today.toordinal()
        self.this_year = today.year
        self.window = (today - relativedelta(years=HISTORY_YEARS)).toordinal()
        self.oldest = (today - relativedelta(years=PURCHASE_YEARS)).toordinal()
        self.s = settings
        self.advisors = advisors
        self.next_id: dict[str, int] = {}
        self.car_no = self.plate_no = 0
        self.nev_no = {"D": 0, "F": 0}
        self.nev_base = 0
        # Every day a row can name, as text, made once (dates and times are stored as text).
        self.days = {o: dt.date.fromordinal(o).isoformat()
                     for o in range(self.oldest - 800, self.today + 800)}
        self.warranty_days = int(settings["warranty.years"] * 365.25)
        self.warranty_km = settings["warranty.km"]
        self.surname = Picker(*zip(*cat.SURNAMES))
        self.job = Picker(cat.OCCUPATIONS, [j.weight for j in cat.OCCUPATIONS])
        self.district = Picker(range(len(cat.DISTRICTS)), cat.DISTRICT_WEIGHTS)
        self.education = Picker(*zip(*cat.EDUCATION))
        self.income = Picker(*zip(*cat.INCOME))
        self.pay = {"private": Picker(*zip(*cat.PAY_PRIVATE)),
                    "official": Picker(*zip(*cat.PAY_OFFICIAL)),
                    "commercial": Picker(*zip(*cat.PAY_COMMERCIAL))}
        self.color = Picker(*zip(*cat.COLORS))
        self.plate_prefix = Picker(*zip(*cat.PLATE_PREFIXES))
        self.own_model = Picker(cat.MODELS, [m.own for m in cat.MODELS])
        self.other_model = Picker(cat.MODELS, [m.other for m in cat.MODELS])
        self.fleet_model = Picker(cat.MODELS, [m.fleet for m in cat.MODELS])
        official = [m for m in cat.MODELS if m.model in cat.OFFICIAL_MODELS]
        self.official_model = Picker(official, [1] * len(official))
        self.jobs = {c: JobMaker(c) for c in cat.CLASS_PRICE}
        self.model_index = {m: i for i, m in enumerate(cat.MODELS)}
        months = 30.44
        self.first_days = settings["first_maintenance.months"] * months
        self.first_km = settings["first_maintenance.km"]
        self.every_days = settings["maintenance.months"] * months
        self.every_km = settings["maintenance.km"]

    # ------------------------------------------------------------ small helpers

    def day(self, ordinal: int) -> str:
        text = self.days.get(ordinal)
        return text if text is not None else dt.date.fromordinal(ordinal).isoformat()

    def stamp(self, ordinal: int, r: Callable[[], float]) -> str:
        """A time of day in opening hours."""
        return self.days[ordinal] + _TIMES[int(r() * len(_TIMES))]

    def take(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def warm_up(self) -> None:
        """Fill db.search's pinyin cache with every name the station can give (a few seconds;
        worth it before a big build forks its workers, which then share the cache)."""
        for surname, _ in cat.SURNAMES:
            for given in cat.GIVEN_NAMES["M"] + cat.GIVEN_NAMES["F"]:
                pinyin_keys(surname + given)

    # ------------------------------------------------------------ a chunk

    def chunk(self, number: int, count: int) -> Rows:
        """``count`` customers with everything about them; ids local, numbered from 1."""
        self.next_id = {"customer": 1, "vehicle": 1, "ownership": 1, "visit": 1, "prospect": 1}
        self.car_no = self.plate_no = number * self.car_block
        self.nev_base = number * self.nev_block
        self.nev_no = {"D": 0, "F": 0}
        rng = random.Random(self.seed * 1_000_003 + number)
        r = rng.random
        rows = Rows()
        made = 0
        while made < count:
            made += self._customer_and_cars(r, rows, room=count - made)
        self._prospects(r, rows, max(1, count // 25))
        return rows

    def _customer_and_cars(self, r, rows: Rows, room: int) -> int:
        """One customer with their cars; with a trade-in, also the buyer of the old car."""
        person = self._person(r)
        today, oldest = self.today, self.oldest
        # Cars: most have one; a few two or three; a few traded an old car in here.
        n_cars = 1 if r() < 0.91 else (2 if r() < 0.8 else 3)
        trade = room >= 2 and r() < 0.025
        made = 1
        plans = []  # (purchase ordinal, sold here)
        for k in range(n_cars):
            purchase = today - 7 - int((r() ** 1.25) * (today - 7 - oldest))
            sold_here = r() < (0.68 if k == 0 else 0.8)
            plans.append((purchase, sold_here))
        source = "sales_import" if any(s for _, s in plans) or trade else "first_visit"
        if source == "first_visit" and r() < 0.12:
            source = "prospect"  # a converted prospect (the prospect row comes below)
        if trade:
            old_purchase = oldest + int(r() * 900)
            resale = old_purchase + 1100 + int(r() * 1400)
            resale = min(resale, today - 60)
            buyer = self._person(r)
            made += 1
            self._car(r, rows, person, old_purchase, True, resale=(resale, buyer))
            self._car(r, rows, person, resale, True)
            self._finish_person(r, rows, buyer, "first_visit")
        for purchase, sold_here in plans:
            self._car(r, rows, person, purchase, sold_here)
        self._finish_person(r, rows, person, source)
        return made

    # ------------------------------------------------------------ people

    def _person(self, r, customer: bool = True) -> Person:
        job = self.job(r)
        usage = job.usage
        driver = usage == "commercial" or job.occupation == "公司司机"
        sex = "M" if r() < (0.92 if driver else 0.66) else "F"
        given = cat.GIVEN_NAMES[sex]
        name = self.surname(r) + given[int(r() * len(given))]
        if job.occupation == "退休":
            age = 58 + int(r() * 17)
        else:
            age = 23 + int((r() ** 1.3) * 37)
        born = dt.date.fromordinal(self.today - int(age * 365.25) - int(r() * 365))
        d_index = self.district(r)
        district, region, streets = cat.DISTRICTS[d_index]
        if r() >= cat.LOCAL_BIRTH_SHARE:
            region = cat.OTHER_REGIONS[int(r() * len(cat.OTHER_REGIONS))]
        sequence = int(r() * 500) * 2 + (1 if sex == "M" else 0)
        mobile = cat.MOBILE_PREFIXES[int(r() * len(cat.MOBILE_PREFIXES))] + f"{int(r() * 1e8):08d}"
        street = streets[int(r() * len(streets))]
        address = (f"{cat.CITY}{district}{street}{1 + int(r() * 300)}号{1 + int(r() * 12)}栋"
                   f"{1 + int(r() * 4)}单元{2 + int(r() * 30)}{1 + int(r() * 6):02d}室")
        employer = job.employers[int(r() * len(job.employers))] or None
        employer_address = None
        if employer and not employer.startswith("自营"):
            w_district, _, w_streets = cat.DISTRICTS[self.district(r)]
            employer_address = (f"{cat.CITY}{w_district}{w_streets[int(r() * len(w_streets))]}"
                                f"{1 + int(r() * 500)}号")
        hobbies = None
        if r() < 0.55:
            picks = dict.fromkeys(cat.HOBBIES[int(r() * len(cat.HOBBIES))] for _ in range(1 + int(r() * 3)))
            hobbies = "、".join(picks)
        interests = None
        if r() < 0.45:
            picks = dict.fromkeys(cat.INTERESTS[int(r() * len(cat.INTERESTS))] for _ in range(1 + int(r() * 2)))
            interests = "、".join(picks)
        pay = self.pay[usage](r)
        consent_roll = r()
        consent = True if consent_roll < 0.8 else (False if consent_roll < 0.9 else None)
        fields = {
            "name": name, "mobile": mobile, "born": born, "sex": sex, "region": region,
            "sequence": sequence, "occupation": job.occupation, "address": address,
            "district": district, "hobbies": hobbies,
            "education": self.education(r) if r() < 0.65 else None,
            "income": self.income(r) if r() < 0.5 else None,
            "employer": employer, "employer_address": employer_address, "interests": interests,
            "id_roll": r(),
        }
        return Person(self.take("customer") if customer else 0, fields, usage, pay,
                      self.advisors[int(r() * len(self.advisors))], consent, r() < 0.35)

    def _finish_person(self, r, rows: Rows, p: Person, source: str) -> None:
        """The customer row, now that the cars tell when the station first met them."""
        f = p.fields
        first, created = min(self._known_since(o) for o in p.owners)
        # Buyers give their ID at the sale; at a first visit not everyone does.
        has_id = f["id_roll"] < (0.95 if source == "sales_import" else 0.6)
        id_number = identity.id_number(f["region"], f["born"], f["sequence"]) if has_id else None
        keys = customer_keys(f["name"], f["mobile"], f["employer"])
        consent = p.consent
        rows.customers.append((
            p.id, f["name"], f["mobile"], id_number,
            f["born"].isoformat() if has_id else None, f["sex"] if has_id or r() < 0.8 else None,
            f["occupation"], f["address"], f["district"], f["hobbies"], f["education"], f["income"],
            f["employer"], f["employer_address"], f["interests"], p.pay, source, consent,
            created if consent is not None else None,
            cat.CONSENT_CHANNELS[int(r() * 3)] if consent is not None else None,
            created, None if source == "sales_import" else p.advisor, created, 1,
            keys.name_key, keys.pinyin_full, keys.pinyin_initials, keys.mobile_rev,
            keys.employer_key))
        if source == "prospect":
            self._converted_prospect(r, rows, p, first)
        self._person_contacts(r, rows, p, first)

    # ------------------------------------------------------------ cars

    def _model(self, r, usage: str, sold_here: bool):
        if usage == "commercial":
            return self.fleet_model(r)
        if usage == "official" and r() < 0.6:
            return self.official_model(r)
        return self.own_model(r) if sold_here else self.other_model(r)

    def _daily_km(self, r, usage: str) -> float:
        if usage == "commercial":
            return 150 + r() * 120
        if usage == "official":
            return 45 + r() * 45
        return 15 + (r() ** 1.5) * 55

    def _loyalty(self, usage: str, sold_here: bool, r) -> float:
        if usage == "commercial":
            return 0.25 + r() * 0.2  # price and time first: most services go elsewhere
        if usage == "official":
            return 0.9
        return (0.88 if sold_here else 0.7) + r() * 0.1

    def _known_since(self, o: Owner) -> tuple[int, str]:
        """When the archive began: the sale or an earlier first visit (day and time of
        opening), or the first visit here (that work order's time)."""
        if not o.from_sale and o.arrival >= self.window and o.first_stamp is not None:
            return o.first_seen, o.first_stamp
        return o.arrival, self.days[o.arrival] + ARCHIVE_TIME

    def _owner(self, r, p: Person, start: int, end: int, known_from: int) -> Owner:
        churn = NEVER
        if r() < 0.2:  # stops coming some day after the station first met them
            since = max(self.window, known_from)
            churn = since + int(r() * (self.today - since))
        owner = Owner(p.id, start, end, known_from, churn, 0.0, p.advisor, p.pay,
                      self._daily_km(r, p.usage))
        p.owners.append(owner)
        return owner

    def _car(self, r, rows: Rows, p: Person, purchase: int, sold_here: bool,
             resale: tuple[int, Person] | None = None) -> None:
        usage = p.usage
        model = self._model(r, usage, sold_here)
        vehicle_id = self.take("vehicle")
        n = self.car_no
        self.car_no += 1
        year = dt.date.fromordinal(purchase).year
        vin = identity.vin(model.wmi, model.vds, year, self.model_index[model] * 7, n)
        plate = self._plate(r, model, usage)
        today = self.today
        # The station knows a car sold here from the sale; another from a first visit.
        if sold_here:
            known = purchase
        else:
            known = max(purchase + 20, self.window - 700) + int(r() * 900)
            known = min(known, today - 1)
        first_end = resale[0] if resale else NEVER
        owners = [self._owner(r, p, purchase, first_end, known)]
        owners[0].loyalty = self._loyalty(usage, sold_here, r)
        owners[0].from_sale = sold_here
        if resale:
            when, buyer = resale
            buyer.usage = usage
            b = self._owner(r, buyer, when, NEVER, min(when + int(r() * 400), today - 1))
            b.loyalty = self._loyalty(usage, False, r)
            owners.append(b)
        status, gone = "active", NEVER
        if purchase < today - 8 * 365 and r() < 0.05:
            status, gone = "scrapped", self.window + int(r() * (today - self.window))
        elif not resale and r() < 0.007:
            status, gone = "sold", max(purchase + 200, self.window) + int(r() * 300)
            gone = min(gone, today - 2)
            owners[-1].end = gone
        events = self._events(r, purchase, owners, min(gone, today - 1))
        visits = self._visits(r, rows, vehicle_id, model, purchase, owners, events, p.consent)
        self._vehicle_row(r, rows, vehicle_id, vin, plate, model, usage, purchase, sold_here,
                          status, owners, visits)

    def _plate(self, r, model, usage: str) -> str:
        prefix = "川A" if usage == "commercial" and r() < 0.95 else self.plate_prefix(r)
        if model.energy == "petrol":
            serial = identity.plate_serial(self.plate_no)
            self.plate_no += 1
        else:
            letter = "D" if model.energy == "electric" else "F"
            serial = identity.nev_serial(self.nev_base + self.nev_no[letter] % self.nev_block, letter)
            self.nev_no[letter] += 1
        return prefix + serial

    def _mileage(self, owners: list[Owner], purchase: int, t: float) -> float:
        """Odometer on day ``t``: each owner drives at their own pace."""
        km, start = 0.0, purchase
        for o in owners:
            if t <= o.end or o is owners[-1]:
                return km + (t - start) * o.daily_km
            km += (o.end - start) * o.daily_km
            start = o.end
        return km

    @staticmethod
    def _owner_at(owners: list[Owner], t: float) -> Owner:
        for o in owners:
            if t < o.end:
                return o
        return owners[-1]

    def _events(self, r, purchase: int, owners: list[Owner], last_day: int) -> list[tuple[int, str, int]]:
        """(day, kind, service number) of every visit recorded here, in order."""
        window = self.window
        events: list[tuple[int, str, int]] = []
        append = events.append
        single = len(owners) == 1
        d = owners[0].daily_km
        every = min(self.every_days, self.every_km / d)
        # Maintenance: from the purchase, or from a service just before the window.
        t, number = float(purchase), 0
        if purchase < window - 2 * every:
            t = window - r() * every
            number = 1 + int((t - purchase) / every)
        else:
            t += min(self.first_days, self.first_km / d) * (0.8 + r() * 0.3)
            if t <= last_day and t >= window:
                append((int(t), "first_maintenance", 0))
            number = 1
        while True:
            if not single:
                every = min(self.every_days, self.every_km / self._owner_at(owners, t).daily_km)
            # Mostly a little early or late; now and then much later (skipped a service).
            t += every * (0.9 + r() * 0.35 if r() < 0.9 else 1.25 + r() * 0.3)
            if t > last_day:
                break
            if t >= window:
                append((int(t), "maintenance", number))
            number += 1
        # Repairs and the like: more as the car ages; fleet cars wear faster.
        wear = 2.0 if d > 140 else 1.0
        t = float(max(purchase + 30, window))  # the first month rarely needs the workshop
        log = math.log
        while True:
            age = (t - purchase) / 365.25
            rate = wear * (0.25 if age < 3 else 0.5 if age < 6 else 0.7) + 0.13
            t += -log(1.0 - r()) * 365.25 / rate  # exponential waiting time, in days
            if t > last_day:
                break
            roll = r() * rate
            append((int(t), "repair" if roll < rate - 0.13 else ("accident" if roll < rate - 0.05 else "other"), -1))
        events.sort()
        return self._keep(r, purchase, owners, events)

    def _keep(self, r, purchase: int, owners: list[Owner], events) -> list[tuple[int, str, int]]:
        """The visits that happen here: after the station knows the owner, before churn."""
        kept: list[tuple[int, str, int]] = []
        window = self.window
        o = owners[0]
        for event in events:
            t, kind, number = event
            if t >= o.end:
                o = self._owner_at(owners, t)
            if t < o.arrival or t > o.churn:
                continue
            if o.first_seen is None and o.arrival >= window and not o.from_sale:
                o.first_seen = t  # the first visit: the one that brought them here
                kept.append(event)
                continue
            if number >= 0:
                # Private owners drift away from dealer servicing as the car ages.
                age = (t - purchase) / 365.25
                chance = o.loyalty - 0.05 * (age - 2) if age > 2 else o.loyalty
            else:
                chance = o.loyalty if o.loyalty > 0.6 else 0.6
            if r() < chance:
                if o.first_seen is None:
                    o.first_seen = t
                kept.append(event)
        # An owner who arrived in the window came at least once: that visit opened the archive.
        for o in owners:
            if (o.first_seen is None and not o.from_sale and window <= o.arrival < self.today
                    and o.arrival <= o.churn):
                o.first_seen = o.arrival
                kept.append((o.arrival, "repair", -1))
                kept.sort()
        return kept

    def _visits(self, r, rows: Rows, vehicle_id: int, model, purchase: int, owners: list[Owner],
                events, consent: bool | None) -> list[tuple[int, int, str, str]]:
        """Work orders, part lines and the contacts around them; returns (day, km, kind, time)."""
        jobs = self.jobs[model.vehicle_class]
        electric = model.energy == "electric"
        warranty_end = purchase + self.warranty_days
        warranty_km = self.warranty_km
        days, times, n_times = self.days, _TIMES, len(_TIMES)
        advisors, n_advisors = self.advisors, len(self.advisors)
        visits, parts, contacts = rows.visits, rows.parts, rows.contacts
        declined_texts = cat.DECLINED
        notes = cat.FOLLOW_UP_NOTES
        today = self.today
        single = len(owners) == 1
        o = owners[0]
        last_km = 0
        visit_id = self.next_id["visit"]
        done = []
        for t, kind, number in events:
            if not single:
                o = self._owner_at(owners, t)
                km = int(self._mileage(owners, purchase, t + r()))
            else:
                km = int((t + r() - purchase) * o.daily_km)
            if km < last_km:
                km = last_km
            last_km = km
            pay = o.pay
            declined = None
            if number >= 0:
                job = jobs.service(number, electric, kind == "first_maintenance")
                if r() < 0.12:
                    declined = declined_texts[int(r() * len(declined_texts))]
            elif kind == "repair":
                covered = t < warranty_end and km < warranty_km and r() < 0.75
                job = jobs.repair(r, covered)
                if covered:
                    kind = pay = "warranty"
            elif kind == "accident":
                job, pay = jobs.accident(r), "insurance"
            else:
                job = jobs.other(r)
            advisor = o.advisor if r() < 0.7 else advisors[int(r() * n_advisors)]
            day = days[t]
            stamp = day + times[int(r() * n_times)]
            requested, work, lines, labour, other, parts_fee = job
            visits.append((visit_id, t, vehicle_id, o.customer, advisor, day, km, kind,
                           requested, work, labour, parts_fee, other, labour + parts_fee + other,
                           pay, declined, stamp))
            for name, qty, price in lines:
                parts.append((visit_id, name, qty, price))
            if o.first_stamp is None and t == o.first_seen:
                o.first_stamp = stamp
            done.append((t, km, kind, stamp))
            # The follow-up call a day or three later (visits of the last days still wait).
            if r() < 0.3:
                call = t + 1 + int(r() * 3)
                if call < today:
                    reached = r() < 0.78
                    contacts.append((
                        o.customer, None, vehicle_id, visit_id, advisor,
                        days[call] + times[int(r() * n_times)], "phone" if r() < 0.8 else "wechat",
                        "follow_up", "reached" if reached else "no_answer", None, None, None, None,
                        notes[int(r() * len(notes))] if reached else None, None))
            # Some services were booked by a reminder call the week before.
            if number > 0 and consent is not False and r() < 0.1:
                contacts.append((
                    o.customer, None, vehicle_id, None, advisor,
                    days[t - 7 - int(r() * 4)] + times[int(r() * n_times)], "phone", "maintenance",
                    "booked", day, None, None, None, None, None))
            visit_id += 1
        self.next_id["visit"] = visit_id
        return done

    def _vehicle_row(self, r, rows: Rows, vehicle_id: int, vin: str, plate: str, model,
                     usage: str, purchase: int, sold_here: bool, status: str,
                     owners: list[Owner], visits) -> None:
        today = self.today
        first_service = next(((t, km) for t, km, kind, _ in visits if kind == "first_maintenance"), None)
        services = [(t, km) for t, km, kind, _ in visits if kind in MAINTENANCE_KINDS]
        last = visits[-1] if visits else None
        last_service = services[-1] if services else None
        registration = purchase + int(r() * 8)
        # Insurance runs a year at a time from registration; a few lapsed (renewed elsewhere).
        expiry_ord = add_years(registration, self.this_year - dt.date.fromordinal(registration).year)
        if expiry_ord <= today - 30:
            expiry_ord = add_years(expiry_ord, 1)
        if r() < 0.06 and add_years(expiry_ord, -1) > registration:
            expiry_ord = add_years(expiry_ord, -1)
        if sold_here:
            extended = r() < 0.1
            years = self.s["warranty.years"] + (2 if extended else 0)
            warranty_date = self.day(add_years(purchase, years))
            warranty_km = 100_000 if extended else self.s["warranty.km"]
        else:
            warranty_date = warranty_km = None  # the defaults in settings apply
        current = owners[-1]
        owner = None if current.end != NEVER else current.customer
        _, created = self._known_since(owners[0])
        updated = last[3] if last else created
        engine_n = self.car_no  # unique per car, like its VIN
        rows.vehicles.append((
            vehicle_id, vin, plate, model.brand, model.model,
            identity.part_number(model.engine, engine_n, 55_555),
            identity.part_number(model.gearbox, engine_n, 77_777), self.color(r),
            self.day(purchase), self.day(first_service[0]) if first_service else None,
            first_service[1] if first_service else None, usage, model.vehicle_class, sold_here,
            warranty_date, warranty_km, self.day(registration), self.day(expiry_ord), status,
            owner, self.day(last[0]) if last else None, last[1] if last else None,
            self.day(last_service[0]) if last_service else None,
            last_service[1] if last_service else None,
            daily_km(purchase, last[0], last[1]) if last else None,
            created, updated, 1, plate[::-1], vin[::-1]))
        for o in owners:
            closed = o.end != NEVER
            note = None
            if closed and o is not current:
                note = "置换给本店，车辆转卖"
            elif closed:
                note = "客户告知车辆已出售"
            rows.ownerships.append((self.take("ownership"), vehicle_id, o.customer, self.day(o.start),
                                    self.day(o.end) if closed else None, note))

    # ------------------------------------------------------------ contacts and prospects

    def _person_contacts(self, r, rows: Rows, p: Person, first: int) -> None:
        """Traits and typical events noticed at reception; a refusal of marketing calls."""
        if p.traits:
            traits = "；".join(dict.fromkeys(cat.TRAITS[int(r() * len(cat.TRAITS))] for _ in range(1 + int(r() * 2))))
            events = cat.EVENTS[int(r() * len(cat.EVENTS))] if r() < 0.3 else None
            tags = ",".join(dict.fromkeys(cat.TAGS[int(r() * len(cat.TAGS))] for _ in range(1 + int(r() * 3))))
            rows.contacts.append((p.id, None, None, None, p.advisor, self.stamp(first, r), "desk",
                                  "reception", "visit", None, traits, events, tags, None, None))
        if p.consent is False and r() < 0.3:
            when = min(first + 30 + int(r() * 300), self.today - 1)
            rows.contacts.append((p.id, None, None, None, p.advisor, self.stamp(when, r), "phone",
                                  "marketing", "do_not_call", None, None, None, None,
                                  "客户要求不再推销", None))

    def _prospect_row(self, r, rows: Rows, prospect_id: int, name: str, mobile: str, district: str,
                      status: str, customer: int | None, created: int, next_day: int | None,
                      consent: bool | None) -> None:
        keys = prospect_keys(name, mobile)
        stamp = self.stamp(created, r)
        rows.prospects.append((
            prospect_id, name, mobile, district,
            cat.PROSPECT_CARS[int(r() * len(cat.PROSPECT_CARS))],
            cat.PROSPECT_SOURCES[int(r() * len(cat.PROSPECT_SOURCES))],
            cat.PROSPECT_INTERESTS[int(r() * len(cat.PROSPECT_INTERESTS))],
            cat.PROSPECT_STEPS[int(r() * len(cat.PROSPECT_STEPS))] if status == "open" else None,
            self.day(next_day) if next_day else None, status, customer, consent,
            self.advisors[int(r() * len(self.advisors))], stamp, stamp, 1,
            keys["name_key"], keys["mobile_rev"]))
        for _ in range(1 + int(r() * 2)):
            when = created + int(r() * max(1, min(90, self.today - 1 - created)))
            outcome = ("reached", "no_answer", "declined")[int(r() * 3)]
            rows.contacts.append((None, prospect_id, None, None,
                                  self.advisors[int(r() * len(self.advisors))],
                                  self.stamp(when, r), "phone" if r() < 0.7 else "wechat",
                                  "prospect", outcome, None, None, None, None, None, None))

    def _converted_prospect(self, r, rows: Rows, p: Person, first: int) -> None:
        f = p.fields
        created = max(self.oldest, first - 20 - int(r() * 200))
        self._prospect_row(r, rows, self.take("prospect"), f["name"], f["mobile"], f["district"],
                           "converted", p.id, created, None, p.consent)

    def _prospects(self, r, rows: Rows, count: int) -> None:
        """Open and dropped prospects; open ones are due for a call around today."""
        for _ in range(count):
            p = self._person(r, customer=False)
            status = "open" if r() < 0.8 else "dropped"
            created = self.today - 1 - int(r() * 400)
            next_day = self.today - 14 + int(r() * 45) if status == "open" else None
            consent = True if r() < 0.6 else None
            self._prospect_row(r, rows, self.take("prospect"), p.fields["name"], p.fields["mobile"],
                               p.fields["district"], status, None, created, next_day, consent)


def add_years(ordinal: int, years: int) -> int:
    """The same day ``years`` later (29 February becomes the 28th)."""
    day = dt.date.fromordinal(ordinal)
    try:
        return day.replace(year=day.year + years).toordinal()
    except ValueError:
        return day.replace(year=day.year + years, day=28).toordinal()


def daily_km(purchase: int, last_day: int, last_km: int) -> float:
    """A car's mileage trend: km driven per day since it was bought (from its last visit)."""
    return round(last_km / max(1, last_day - purchase), 1)

