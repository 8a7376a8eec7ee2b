"""The people of the demo station: customers, their contacts, and prospects."""

from __future__ import annotations

import datetime as dt

from db.demo import catalogue as cat
from db.demo import identity
from db.demo.records import Person, Rows
from db.segments import occupation_fields


class People:
    """Station's part that makes people (``Station`` holds the tables and counters used)."""

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
        consent = p.consent
        rows.customers.append((
            p.id, f["name"], f["mobile"], id_number,
            f["born"].isoformat() if has_id else None, f["sex"] if has_id or r() < 0.8 else None,
            f["occupation"], occupation_fields(f)["occupation_category"], f["address"], f["district"],
            f["hobbies"], f["education"], f["income"],
            f["employer"], f["employer_address"], f["interests"], p.pay, source, consent,
            created if consent is not None else None,
            cat.CONSENT_CHANNELS[int(r() * 3)] if consent is not None else None,
            created, None if source == "sales_import" else p.advisor, created, 1, "", "person"))
        if source == "prospect":
            self._converted_prospect(r, rows, p, first)
        self._person_contacts(r, rows, p, first)

    # ------------------------------------------------------------ cars

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
        stamp = self.stamp(created, r)
        rows.prospects.append((
            prospect_id, name, mobile, district,
            cat.PROSPECT_CARS[int(r() * len(cat.PROSPECT_CARS))],
            cat.PROSPECT_SOURCES[int(r() * len(cat.PROSPECT_SOURCES))],
            cat.PROSPECT_INTERESTS[int(r() * len(cat.PROSPECT_INTERESTS))],
            cat.PROSPECT_STEPS[int(r() * len(cat.PROSPECT_STEPS))] if status == "open" else None,
            self.day(next_day) if next_day else None, status, customer, consent,
            self.advisors[int(r() * len(self.advisors))], stamp, stamp, 1, ""))
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
