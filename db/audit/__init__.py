"""The audit log: ``write`` appends entries (who did what to which archive, when);
``read`` is the manager's filtered, paged view of them."""
