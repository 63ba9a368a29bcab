"""The Capture panel (console.ui.capture.panel)."""
