"""The desktop window: the only package that imports PySide6."""


def _lighter_feature_check() -> None:
    """PySide6 looks at every module imported after it, to see whether it uses PySide6's
    `__feature__` switches, with inspect.getsource: that reads the whole file and keeps every
    line of it in linecache for good. The window imports some 250 modules after PySide6, so
    start-up kept 5.6 MB of source text it never shows (found with tracemalloc). This does
    the same check, "PySide6" in the source, and keeps nothing."""
    import sys

    import shiboken6  # noqa: F401 - installs PySide6's import hook and its feature module

    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return  # another PySide6 than the one this was written for: leave it as it is

    def uses_pyside(module) -> bool:
        path = getattr(module, "__file__", None)
        if not path or not path.endswith(".py"):
            return False  # no source (compiled only, or in a bundle's archive): as getsource fails
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return False

    feature._mod_uses_pyside = uses_pyside


_lighter_feature_check()
