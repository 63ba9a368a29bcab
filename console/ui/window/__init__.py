"""The main window: its layout (main_window), its controller (state, timers, send) and the start-up helpers."""
