"""The reception: one customer's visit from the find to the saved work order.

- ``reception``: the typed form (customer, car, work order, contact), its validation, the
  known car's values, and the save as one transaction;
- ``brief``: what the advisor should know in the first seconds with the customer;
- ``drafts``: the typed, unsaved form kept per advisor so a dropped line loses nothing.
"""
