"""Form fields: an Input that knows its help text and honours "no animations"."""

from __future__ import annotations

import os

from textual.widgets import Input

# TEXTUAL_ANIMATIONS=none (snapshot tests, slow links) also stops the cursor blinking.
BLINK = os.environ.get("TEXTUAL_ANIMATIONS", "full").lower() != "none"


class TextField(Input):
    """An Input with a catalogue key for its F1 help.

    ``enter_moves_on``: Enter goes to the next field (a form's field) instead of
    submitting; the app moves the focus itself (``AdvisorApp.action_enter_field``).
    ``leave_keys``: editing keys of the Input this field does not take, so that the
    screen's binding of that key works (and shows in the footer) while it has the focus.
    ``skip_on_enter``: a value the form filled in itself (the plate from the find text, the
    brand from the VIN): Enter from the field before goes past it, Tab and Shift+Tab still
    stop there. Typing in the field clears it.
    """

    skip_on_enter = False

    def __init__(self, *args: object, help_key: str | None = None, enter_moves_on: bool = False,
                 leave_keys: tuple[str, ...] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.help_key = help_key
        self.enter_moves_on = enter_moves_on
        for key in leave_keys:
            self._bindings.key_to_bindings.pop(key, None)
        self.cursor_blink = BLINK
        self.first_value = self.value  # what it opened with: anything else is typed input
