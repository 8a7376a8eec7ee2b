"""What another screen hands the appointment book when it books a car from there (the
card, the lookup, F5's "booked", a prospect on F6): the car, what the customer wants, and where it came from.
Kept apart from the book screen so that those screens load it only when the key is pressed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class BookRequest:
    customer_id: int | None  # None with a prospect: the booking makes the archive
    vehicle_id: int | None
    label: str  # plate and name, as the book's title line shows the car being booked
    request: str = ""  # prefilled: what the queue knew was due, or nothing
    channel: str = "phone"  # phone | walk_in | call_list | wechat
    day: dt.date | None = None  # the day the book opens on (None: tomorrow)
    call: object = None  # a db.queues DueItem when F5's "booked" opened the book
    move_id: int | None = None  # a booking to move (a confirmation call's "booked")
    prospect_id: int | None = None  # a prospect (F6): the dialog asks for the car (db.book_prospect)
