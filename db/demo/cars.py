"""The cars of the demo station: models, identifiers, the simulated history and visits."""

from __future__ import annotations

import datetime as dt
import math

from db.demo import catalogue as cat
from db.demo import identity
from db.demo.records import (
    ARCHIVE_TIME, MAINTENANCE_KINDS, NEVER, TIMES, Owner, Person, Rows, add_years, daily_km,
)


class Cars:
    """Station's part that makes cars and their visits (``Station`` holds the tables used)."""

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
        # Services due while the station knew the owner, done elsewhere or never: a
        # reminder call before some of them brought no one back (see _visits).
        self.missed: list[tuple[int, Owner]] = []
        window = self.window
        o = owners[0]
        for event in events:
            t, kind, number = event
            if t >= o.end:
                o = self._owner_at(owners, t)
            if t < o.arrival or t > o.churn:
                if number >= 0 and o.first_seen is not None and t > o.churn:
                    self.missed.append((t, o))
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
            elif number >= 0 and o.first_seen is not None:
                self.missed.append((t, o))
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
        days, times, n_times = self.days, TIMES, len(TIMES)
        advisors, n_advisors = self.advisors, len(self.advisors)
        visits, parts, contacts = rows.visits, rows.parts, rows.contacts
        order, part = self.orders.visit, self.orders.part  # the reception order's values (issue 18)
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
                           pay, declined, stamp)
                          + order(visit_id, vehicle_id, kind, requested, labour, parts_fee, day, t))
            for line, (name, qty, price) in enumerate(lines):
                parts.append((visit_id, name, qty, price) + part(visit_id, line, name))
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
        # Reminders are not all answered by a visit: some before a service the car had
        # elsewhere, or after its owner had stopped coming.
        if consent is not False:
            for t, missed in self.missed:
                if r() < 0.1 and t < today:
                    contacts.append((
                        missed.customer, None, vehicle_id, None, missed.advisor,
                        days[t - 7 - int(r() * 4)] + times[int(r() * n_times)], "phone", "maintenance",
                        "reached" if r() < 0.7 else "no_answer", None, None, None, None, None, None))
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
            created, updated, 1, ""))
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
