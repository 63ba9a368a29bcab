"""The vendors, registered explicitly: no discovery, nothing hidden from PyInstaller."""

from console.vendors import mytracker, octeth, synerise, vibetrace
from console.vendors.base import VendorRules

RULES: dict[str, VendorRules] = {m.NAME: m.RULES for m in (vibetrace, mytracker, octeth, synerise)}
VENDOR_NAMES: tuple[str, ...] = tuple(RULES)
