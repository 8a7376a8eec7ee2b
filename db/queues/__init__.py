"""The call queues: who is due for a call today, and why.

- ``lists``: the queues themselves (what each lists, counts, pages, recording a call);
- ``car_dates``: what a car's own dates and mileage say (age, warranty, next maintenance),
  the rules the queues and the reception brief share;
- ``stored_days``: those days kept on each car's row, indexed, so a queue is a range scan.
"""
