"""The history panel and the compare dialog."""
