"""The archive's marketing consent in a word (yes, no, not asked): the card's G question
and the forms' "unchanged" choice, at the card and at the reception, say it alike."""

CONSENT_NOW = {True: "card.consent_now_yes", False: "card.consent_now_no", None: "card.consent_now_unknown"}
