"""The archive card: one customer's four groups and the contact log, pushed over any screen.

``ArchiveCard(customer_id)`` is all a caller needs. Keys 1–5 switch groups, E edits the
group shown, M / I reveal the mobile / ID number (recorded by ``db.archive.reveal``),
C adds a contact, N steps through the vehicles or visits, G asks and records the customer's
yes or no to marketing, X exports the customer's own archive for them to a file, A
anonymises the archive after a confirmation that lists what is erased and what is kept
(the last two: managers only, refused by db.privacy before anything is asked), Esc closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Static

from db import privacy
from db.archive import card_offers, load_card, reveal
from db.errors import Invalid
from db.i18n import number, t
from db.privacy import set_consent
from tui.consent import CONSENT_NOW
from tui.desk import desk
from tui.keys import TranslatedBindings
from tui.screens import card_render as render
from tui.screens.base import DeskScreen
from tui.screens.card_forms import FieldForm
from tui.widgets.greeting import GreetingBanner
from tui.widgets.screen_strip import DeskFooter
from tui.workers import db_work

SECTIONS = render.SECTIONS


def _section_binding(n: int, name: str) -> Binding:
    return Binding(str(n), f"section('{name}')", "card.key.section", show=n == 1,
                   key_display="1-5" if n == 1 else None, id=f"card.section.{name}")


class ArchiveCard(TranslatedBindings, Screen):
    HELP_KEY = "card.help"
    CSS_PATH = "card.tcss"
    BINDINGS = [
        *(_section_binding(n, name) for n, name in enumerate(SECTIONS, start=1)),
        Binding("e", "edit", "card.key.edit", id="card.edit"),
        Binding("c", "add_contact", "card.key.contact", id="card.contact"),
        Binding("m", "reveal('mobile')", "card.key.reveal_mobile", id="card.reveal_mobile"),
        Binding("i", "reveal('id_number')", "card.key.reveal_id", show=False, id="card.reveal_id"),
        Binding("n", "next_item", "card.key.next_vehicle", show=False, id="card.next"),
        Binding("g", "consent", "card.key.consent", show=False, id="card.consent"),
        Binding("x", "export", "card.key.export", show=False, id="card.export"),
        Binding("a", "anonymise", "card.key.anonymise", show=False, id="card.anonymise"),
        Binding("b,B", "book", "card.key.book", id="card.book"),
        # the selected visit's papers (the visits tab): P the settlement statement, O the order
        Binding("p", "print('settlement')", "card.key.print_settlement", id="card.print_settlement"),
        Binding("o", "print('order')", "card.key.print_order", show=False, id="card.print_order"),
        Binding("escape", "close", "card.key.close", show=False, id="card.close"),
    ]

    @dataclass
    class Loaded(Message):
        card: object  # db.archive.Card

    @dataclass
    class Revealed(Message):
        field: str
        value: str

    @dataclass
    class ExportAsked(Message):
        path: str  # the default, or what was typed before a refusal
        message: str = ""

    @dataclass
    class AnonymisePlanned(Message):
        plan: object  # db.privacy.AnonymisePlan

    def __init__(self, customer_id: int, section: str = "customer") -> None:
        super().__init__()
        self.customer_id = customer_id
        self.card = None
        self.section = section
        self.revealed: dict[str, str] = {}
        self.selected = {"vehicles": 0, "visits": 0}

    def compose(self) -> ComposeResult:
        yield GreetingBanner(id="greeting")
        yield Static(Text(t("card.loading")), id="card-head")
        yield Static(Text(""), id="card-tabs")
        with ContentSwitcher(initial=f"section-{self.section}", id="card-sections"):
            for name in SECTIONS:
                with VerticalScroll(id=f"section-{name}", classes="card-section"):
                    yield Static(Text(""), id=f"body-{name}")
        yield DeskFooter()

    # The greeting stays on top over the card too (the same code as the main screens').
    refresh_greeting = DeskScreen.refresh_greeting

    def on_mount(self) -> None:
        self.refresh_greeting()
        self._paint_tabs()
        self.load()

    # ---- reading

    @db_work(group="card")
    def load(self) -> None:
        self.post_message(self.Loaded(load_card(self.customer_id)))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        self.card = message.card
        for key in self.selected:
            self.selected[key] = min(self.selected[key], max(0, len(getattr(self.card, key)) - 1))
        self._paint()
        self.refresh_bindings()  # an anonymised archive's keys leave the footer

    def _paint(self) -> None:
        card = self.card
        if card is None:
            return
        head = Text(t("card.title", name=card.values["name"]), style="bold")
        head.append(f"  #{card.customer_id}", style="dim")
        if card.merged_into:
            head.append("  " + t("card.merged", id=card.merged_into), style="italic")
        # Segment badges: db.archive.segment_badges fills card.segment_badges;
        # an anonymised archive has none (db.archive.load_card), its own badge instead.
        badges = [t("card.anonymised")] if card.anonymised else card.segment_badges
        if card.no_shows:  # before the segments: the line is cut at the screen's edge
            head.append("  ")
            head.append(f" {t('card.no_shows', n=card.no_shows)} ", style="bold reverse")
        for badge in badges:
            head.append("  ")
            head.append(f" {badge} ", style="reverse")
        self.query_one("#card-head", Static).update(head)
        bodies = {
            "customer": lambda: render.customer(card, self.revealed),
            "vehicles": lambda: render.vehicles(card, self.selected["vehicles"]),
            "visits": lambda: render.visits(card, self.selected["visits"]),
            "observation": lambda: render.observation(card),
            "contacts": lambda: render.contacts(card),
        }
        for name, body in bodies.items():
            self.query_one(f"#body-{name}", Static).update(body())

    def _paint_tabs(self) -> None:
        text = Text()
        for name in SECTIONS:
            text.append(f" {t(f'card.tab.{name}')} ", style="reverse bold" if name == self.section else "")
        self.query_one("#card-tabs", Static).update(text)

    # ---- keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that cannot work on this archive are not offered (db.archive.card_offers):
        an anonymised card's footer shows no M, E or C, which would only answer with a
        refusal. Hidden rather than greyed: the badge says why, and 80 columns are few."""
        if self.card is None:
            return True
        if action == "edit":
            return card_offers(self.card, "edit", self.section)
        if action == "add_contact":
            return card_offers(self.card, "edit", "contacts")
        if action == "book":
            return not self.card.anonymised  # nobody left to book for
        if action == "print":  # on the visits tab, a visit selected
            return self.section == "visits" and bool(self.card.visits)
        return card_offers(self.card, action)

    async def action_book(self) -> None:
        """B: the appointment book, to book the car shown (the first one on the customer
        group; the one chosen with N on the vehicles group)."""
        from tui.book_request import BookRequest

        card = self.card
        cars = [car for car in card.vehicles if car.owned_now] if card else []
        if not cars:
            self.notify(t("card.book_no_car"), severity="warning")
            return
        car = card.vehicles[self.selected["vehicles"]] if self.section == "vehicles" else cars[0]
        if not car.owned_now:
            car = cars[0]
        label = f"{car.values.get('plate') or car.values.get('vin')} {card.values['name']}"
        await self.app.open_book(BookRequest(card.customer_id, car.id, label))

    def palette_detail(self, action: str, params: tuple[object, ...]) -> str | None:
        """Ctrl+P tells the five groups apart by their tabs (1 客户 …)."""
        return t(f"card.tab.{params[0]}") if action == "section" and params else None

    def action_section(self, name: str) -> None:
        self.section = name
        self.query_one("#card-sections", ContentSwitcher).current = f"section-{name}"
        self.query_one(f"#section-{name}").focus()
        self._paint_tabs()
        self.refresh_bindings()  # E edits this group, or is not offered (check_action)

    def action_next_item(self) -> None:
        if self.card is None or self.section not in self.selected:
            return
        count = len(getattr(self.card, self.section))
        if count:
            self.selected[self.section] = (self.selected[self.section] + 1) % count
            self._paint()

    def action_print(self, kind: str) -> None:
        """The selected visit's settlement statement (settled now if it was not) or its
        reception order: to the station's printer, else a PDF whose path is shown."""
        from tui.printing import print_visit

        if self.card is not None and self.card.visits:
            visit = self.card.visits[self.selected["visits"]]
            print_visit(self, visit.id, kind, desk(self).advisor_id)

    def on_printed(self, message: Any) -> None:  # tui.printing.Printed, loaded with the first print
        self.notify(message.text, timeout=10, markup=False)  # a folder's name is never markup

    def action_close(self) -> None:
        self.dismiss()

    def action_reveal(self, field: str) -> None:
        if self.card is not None:
            self._reveal(field, desk(self).advisor_id)

    @db_work(group="card-reveal")
    def _reveal(self, field: str, advisor_id: int | None) -> None:
        self.post_message(self.Revealed(field, reveal(self.customer_id, field, advisor_id)))

    @on(Revealed)
    def revealed_value(self, message: Revealed) -> None:
        self.revealed[message.field] = message.value
        self.notify(t("card.revealed"), timeout=3)
        self.action_section("customer")
        self._paint()

    # ---- the customer's rights (db.privacy decides and logs; the card asks and shows)

    def _usable(self) -> bool:
        """A loaded card (an anonymised one does not offer these keys: check_action; one
        anonymised since it was loaded is refused by db.privacy)."""
        return self.card is not None

    def action_consent(self) -> None:
        """Ask the customer's answer, then record it: given or withdrawn at once."""
        from tui.screens.confirm import ConfirmDialog

        if not self._usable():
            return
        now = CONSENT_NOW[self.card.marketing_consent]

        def answered(answer: str | None) -> None:
            if answer in ("yes", "no"):
                self._consent(desk(self).advisor_id, answer == "yes")

        self.app.push_screen(ConfirmDialog(t("card.consent_question", now=t(now)),
                                           [("yes", "card.consent_answer_yes"), ("no", "card.consent_answer_no"),
                                            ("cancel", "card.consent_answer_cancel")]), callback=answered)

    @db_work(group="card-consent")
    def _consent(self, advisor_id: int | None, consent: bool) -> None:
        set_consent(advisor_id, self.customer_id, consent)
        self.app.call_from_thread(self.notify, t("privacy.consent_yes" if consent else "privacy.consent_no"))
        self.app.call_from_thread(self.load)

    def action_export(self) -> None:
        if self._usable():
            self._export_allowed(desk(self).advisor_id)

    @db_work(group="card-export")
    def _export_allowed(self, advisor_id: int | None) -> None:
        """Managers only: refused before a path is asked (the app shows who may)."""
        privacy.may_export(advisor_id)
        self.post_message(self.ExportAsked(str(privacy.default_export_path(self.customer_id))))

    @on(ExportAsked)
    def ask_export_path(self, message: ExportAsked) -> None:
        from tui.screens.ask import AskField, AskScreen

        def answered(values: dict[str, str] | None) -> None:
            if values is not None:
                self._export(desk(self).advisor_id, values["path"])

        field = AskField("path", "card.export_path", message.path, max_length=400, help_key="card.export_help")
        self.app.push_screen(AskScreen(t("card.export_title", name=self.card.values["name"]), [field],
                                       message.message), callback=answered)

    @db_work(group="card-export")
    def _export(self, advisor_id: int | None, path: str) -> None:
        try:
            result = privacy.export_customer(advisor_id, self.customer_id, path)
        except Invalid as exc:  # the path again, with the reason and what was typed
            self.post_message(self.ExportAsked(path, str(exc)))
            return
        self.app.call_from_thread(self.notify, t("privacy.exported", path=result.path, rows=number(result.rows)),
                                  timeout=8, markup=False)

    def action_anonymise(self) -> None:
        if self._usable():
            self._plan_anonymise(desk(self).advisor_id)

    @db_work(group="card-anonymise")
    def _plan_anonymise(self, advisor_id: int | None) -> None:
        """Managers only: an advisor hears who may before any question (db.privacy checks)."""
        self.post_message(self.AnonymisePlanned(privacy.anonymise_plan(advisor_id, self.customer_id)))

    @on(AnonymisePlanned)
    def confirm_anonymise(self, message: AnonymisePlanned) -> None:
        from tui.screens.confirm import ConfirmDialog

        def answered(answer: str | None) -> None:
            if answer == "anonymise":
                self._anonymise(desk(self).advisor_id)

        self.app.push_screen(ConfirmDialog(render.anonymise_plan(message.plan),
                                           [("cancel", "card.anon_cancel"), ("anonymise", "card.anon_do")]),
                             callback=answered)

    @db_work(group="card-anonymise")
    def _anonymise(self, advisor_id: int | None) -> None:
        privacy.anonymise(advisor_id, self.customer_id)
        self.app.call_from_thread(self._anonymised)

    def _anonymised(self) -> None:
        self.revealed.clear()  # a full number shown before is gone from the archive too
        self.notify(t("privacy.anonymised"))
        self.load()

    # ---- editing

    def action_edit(self) -> None:
        from tui.screens import card_edit

        if self.card is None:
            return
        form = card_edit.form_for(self, self.section)
        if form is not None:
            self.app.push_screen(form, callback=self._after_form)

    def action_add_contact(self) -> None:
        from tui.screens import card_edit

        if self.card is not None:
            self.app.push_screen(card_edit.contact_form(self), callback=self._after_form)

    def _after_form(self, saved: bool | None) -> None:
        if saved:
            self.notify(t("card.saved"), timeout=3)
            self.load()

    def advisor_id(self) -> int | None:
        return desk(self).advisor_id


__all__ = ["ArchiveCard", "FieldForm"]
