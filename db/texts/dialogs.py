"""Texts of F1 over the dialogs: what each dialog's keys do (tui/screens/*, ``HELP_KEY``)."""

TEXTS = {
    # a date field's placeholder: marked as an example, so it is not taken for a value
    "date.example": ("如 {date}", "e.g. {date}"),
}
