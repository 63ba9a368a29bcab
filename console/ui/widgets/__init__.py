"""Widgets the window is made of: the JSON editor, the payload form, the response view, banners, colours."""
