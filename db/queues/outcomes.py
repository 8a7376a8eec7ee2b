"""What came of a contact: the one list the call queues, the contact log and prospects share.

The order is the order of the keys 1–6 on the queue screen and in the outcome dialog.
"""

CALL_OUTCOMES = ("reached", "no_answer", "booked", "declined", "wrong_number", "do_not_call")
# A contact the reception logs itself when the customer comes in; never typed as a call.
VISIT = "visit"
CONTACT_OUTCOMES = (*CALL_OUTCOMES, VISIT)
