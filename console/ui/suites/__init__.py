"""The Suites panel (console.ui.suites.panel)."""
