"""The Textual program. Renders and calls ``db``; never writes SQL nor holds a business rule."""
