"""The vendors, registered explicitly: no discovery, nothing hidden from PyInstaller."""

from console.core.definitions import VENDOR_NAMES
from console.vendors import mytracker, octeth, synerise, vibetrace
from console.vendors.base import VendorRules

RULES: dict[str, VendorRules] = {m.NAME: m.RULES for m in (vibetrace, mytracker, octeth, synerise)}
if tuple(RULES) != VENDOR_NAMES:
    raise ImportError(f"vendor rules {tuple(RULES)} do not match the definitions' {VENDOR_NAMES}")
