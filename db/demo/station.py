"""The synthetic station, a chunk of customers at a time: people, cars, visits, contacts.

Days are ordinals (``date.toordinal``) throughout; text forms are made once per day.
A chunk depends on nothing but the seed, today, the settings and its own number: it draws
from its own generator, numbers its rows from 1 (the loader adds each table's offset, see
``records.OFFSETS``) and takes serial numbers (VIN, plate, engine) from a block reserved for its
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

import datetime as dt
import random
from collections.abc import Callable

from dateutil.relativedelta import relativedelta

from db.demo import catalogue as cat
from db.demo.cars import Cars
from db.demo.jobs import JobMaker
from db.demo.orders import Orders
from db.demo.people import People
from db.demo.records import FLEET_YEARS, HISTORY_YEARS, PURCHASE_YEARS, TIMES, Picker, Rows
from db.search import pinyin_readings


class Station(People, Cars):
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
        self.orders = Orders(seed)
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
        return self.days[ordinal] + TIMES[int(r() * len(TIMES))]

    def take(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def warm_up(self) -> None:
        """Fill db.search's pinyin cache with every name the station can give (a few seconds),
        so that the keys written when a big build's load ends (``db.derived``) cost a lookup
        each; done here while the forked workers make the first chunks."""
        for surname, _ in cat.SURNAMES:
            for given in cat.GIVEN_NAMES["M"] + cat.GIVEN_NAMES["F"]:
                pinyin_readings(surname + given)

    # ------------------------------------------------------------ a chunk

    def chunk(self, number: int, count: int) -> Rows:
        """``count`` customers with everything about them; ids local, numbered from 1."""
        self.next_id = {"customer": 1, "vehicle": 1, "ownership": 1, "visit": 1, "prospect": 1}
        self.car_no = self.plate_no = number * self.car_block
        self.nev_base = number * self.nev_block
        self.nev_no = {"D": 0, "F": 0}
        self.orders.chunk(number)
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
        if person.usage == "commercial":  # taxis and ride-hailing cars are replaced sooner
            oldest = today - FLEET_YEARS * 365
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
