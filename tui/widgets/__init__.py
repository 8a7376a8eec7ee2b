"""Reusable widgets: form fields, the greeting banner, tables, badges."""
