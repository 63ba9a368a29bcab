"""The desktop window: the only package that imports PySide6."""

from console.fast_start import lighter_feature_check

lighter_feature_check()  # before the window's modules are imported after PySide6
