"""Screens of the program; ``registry.py`` lists the main ones."""
