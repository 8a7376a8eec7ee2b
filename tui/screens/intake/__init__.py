"""F3, the reception: find the archive, read the brief, fill the work order, save.

One screen (``screen.IntakeScreen``) that switches between three stages, each a widget
that owns its own workers and messages:

- ``find.FindStage``: one field for whatever the customer offers, the pick list when
  several archives match, and after a save the saved work order's summary under the field,
  so that the next customer is found or built at once;
- ``brief.BriefStage``: the reception brief;
- ``form.FormStage``: a new archive or a returning car's work order, saved with F2; what
  the archive already knows of a value typed there comes from ``known``, and the typed
  form is kept as a draft by ``drafts.DraftKeeper``.

The rules themselves live in ``db.intake`` (reception, brief, drafts) and ``db.search``.
"""

from tui.screens.intake.drafts import DRAFT_DELAY
from tui.screens.intake.screen import IntakeScreen

__all__ = ["DRAFT_DELAY", "IntakeScreen"]
