"""Issue 15, item 4: at the reception a returning customer's mobile and ID number show
masked, as on the card; empty keeps them, typing replaces them, and the reveal key shows
the full number and writes it to the audit log. A walk-in's own typed numbers stay as typed."""

from __future__ import annotations

from textual.widgets import Input

from db.models import AuditEntry, Customer, Visit
from tests.intake_helpers import make_id, returning  # noqa: F401 (a fixture)
from tests.test_intake_screen import message_of, type_into
from tests.tui_helpers import footer_line, make_app, open_work_order, screen_text, settle
from tui.widgets.form_row import field_id

ID_NUMBER = make_id()


def field(app, path: str) -> Input:
    return app.screen.query_one("#" + field_id(path), Input)


def with_id_number(returning) -> None:
    Customer.update(id_number=ID_NUMBER).where(Customer.id == returning.customer_id).execute()


async def work_order_typed(pilot) -> None:
    """The returning car's work order opened, its mileage and request typed."""
    await settle(pilot)
    await open_work_order(pilot)
    await pilot.press(*"14000")
    await type_into(pilot, "order.work_requested", "保养")


async def walk_in_typed(pilot, id_number: str) -> None:
    """A new archive opened with Ctrl+N, its name, mobile and ID number typed."""
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    await type_into(pilot, "customer.name", "赵六")
    await type_into(pilot, "customer.mobile", "13812345678")
    await type_into(pilot, "customer.id_number", id_number)


async def show_customer_part(pilot) -> None:
    await pilot.press("pageup", "pageup")  # from the work order back to 客户信息
    await settle(pilot)


async def test_a_returning_customers_numbers_show_masked_and_are_kept_when_left_alone(app_db, returning):
    with_id_number(returning)
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await work_order_typed(pilot)
        await show_customer_part(pilot)
        text = screen_text(app)
        assert "139****5678" in text and "110105********" in text
        assert "13912345678" not in text and ID_NUMBER not in text
        assert field(app, "customer.mobile").value == "" and field(app, "customer.id_number").value == ""
        await pilot.press("f2")
        await settle(pilot)
        assert "已保存" in screen_text(app)
    customer = Customer.get()
    assert (customer.mobile, customer.id_number) == ("13912345678", ID_NUMBER)
    assert Visit.select().count() == 2
    assert not AuditEntry.select().where(AuditEntry.action == "reveal").exists()


async def test_the_reveal_key_shows_the_full_number_and_records_it(app_db, returning):
    with_id_number(returning)
    app = make_app(app_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await open_work_order(pilot)
        assert "显示号码" not in footer_line(app)  # only in a masked field
        field(app, "customer.id_number").focus()
        await settle(pilot)
        assert "Ctrl+R 显示号码" in footer_line(app)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert field(app, "customer.id_number").value == ID_NUMBER
        assert "已显示完整号码（已记录）" in screen_text(app)
        assert "1985-03-02" in message_of(app, "customer.id_number")  # the ID's facts, as when typed
        assert field(app, "customer.mobile").value == ""  # the other number stays masked
    entry = AuditEntry.get(AuditEntry.action == "reveal")
    assert (entry.field, entry.customer_id) == ("id_number", returning.customer_id)


async def test_a_number_typed_over_the_mask_replaces_it_and_is_checked(app_db, returning):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await work_order_typed(pilot)
        await type_into(pilot, "customer.mobile", "1391234")
        await pilot.press("tab")
        await settle(pilot)
        assert "11 位" in message_of(app, "customer.mobile")
        await pilot.press("f2")
        await settle(pilot)
        assert field(app, "customer.mobile").value == "1391234"  # refused, kept as typed
        await type_into(pilot, "customer.mobile", "13700001111")
        await pilot.press("f2")
        await settle(pilot)
        assert "已保存" in screen_text(app)
    assert Customer.get().mobile == "13700001111"


async def test_a_walk_ins_own_numbers_are_not_masked(app_db):
    app = make_app(app_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await walk_in_typed(pilot, ID_NUMBER)
        await pilot.press("tab")
        await settle(pilot)
        text = screen_text(app)
        assert "13812345678" in text and ID_NUMBER in text
        assert "显示号码" not in footer_line(app)


def test_snapshot_a_returning_customers_part_masked(app_db, returning, snap_compare):
    with_id_number(returning)

    async def run_before(pilot):
        await work_order_typed(pilot)
        await show_customer_part(pilot)
        pilot.app.screen.query_one("#" + field_id("customer.mobile")).focus()  # the reveal key in the footer
        await settle(pilot)

    assert snap_compare(make_app(app_db), terminal_size=(80, 24), run_before=run_before)
