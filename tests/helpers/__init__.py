"""Helpers the tests share (the conftest files hold only fixtures)."""
