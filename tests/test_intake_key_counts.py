"""How many keys beyond the data a reception costs, counted on the real screen.

A sequence is a list of steps: ``Data("…")`` is what the customer tells (typed key by
key, not counted; choosing a category with ←/→ is data too, the customer says which),
any other step is one key that is counted. The closing note of issue 15 quotes both
sequences."""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Customer, Vehicle, Visit
from tests.intake_helpers import make_id, make_vin, returning  # noqa: F401 (a fixture)
from tests.tui_helpers import chunk, make_app, settle

WALK_IN_KEYS = 12  # issue 15: a walk-in with a car not sold here
RETURNING_KEYS = 5


@dataclass(frozen=True)
class Data:
    text: str | tuple[str, ...]


async def play(pilot, steps: list[str | Data]) -> int:
    """Send every step (each one chunk, the app settled after it); the keys counted."""
    await settle(pilot)
    counted = 0
    for step in steps:
        if isinstance(step, Data):
            chunk(pilot.app, *step.text)
        else:
            chunk(pilot.app, step)
            counted += 1
        await settle(pilot)
    return counted


def walk_in_steps(vin: str, id_number: str) -> list[str | Data]:
    return [
        Data("川A54321"), "ctrl+n",  # the plate typed to find the car: the new archive starts from it
        Data("赵六"), "enter", Data("13812345678"), "enter", Data(id_number), "pagedown",
        Data(vin), "enter",  # past the plate (from the find) and the brand (from the VIN)
        Data("朗逸"), "enter", Data("白"), "enter", Data("2019-06-01"), "pagedown",
        Data("60500"), "enter", Data(("right", "right")), "enter",  # 维修
        Data("左前轮异响"), "f2",
    ]


def returning_steps() -> list[str | Data]:
    return [Data("京A12345"), "enter", "enter", Data("14000"), "enter", "enter", Data("保养"), "f2"]


async def test_a_walk_in_with_a_car_not_sold_here_takes_twelve_keys_or_fewer(app_db):
    vin, id_number = make_vin(42, wmi="LSVAU2A3"), make_id()
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        counted = await play(pilot, walk_in_steps(vin, id_number))
        assert "已保存" in app.screen.query_one("#saved-text").render().plain  # type: ignore[attr-defined]
    assert counted <= WALK_IN_KEYS
    customer = Customer.get()
    assert (customer.name, customer.mobile, customer.id_number) == ("赵六", "13812345678", id_number)
    car = Vehicle.get()
    assert (car.vin, car.plate, car.model, car.color, str(car.purchase_date), car.sold_here) == (
        vin, "川A54321", "朗逸", "白", "2019-06-01", False)
    assert car.brand  # from the VIN, shown in the form and saved
    visit = Visit.get()
    assert (visit.mileage, visit.kind, visit.work_requested) == (60500, "repair", "左前轮异响")


async def test_a_returning_customer_takes_five_keys_or_fewer(app_db, returning):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        counted = await play(pilot, returning_steps())
    assert counted <= RETURNING_KEYS
    visit = Visit.select().order_by(Visit.id.desc()).get()
    assert (visit.mileage, visit.kind, visit.work_requested) == (14000, "maintenance", "保养")
    assert Visit.select().count() == 2 and Customer.select().count() == 1
