"""Postman's random values (`{{$randomFirstName}}`, `{{$randomPrice}}`, …): made here in the
formats Postman's own generator (faker) writes them, which tests/test_dynamic_postman.py
compares with what `newman` sends. Each maker takes the send's clock reading and its RNG."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import random

FIRST_NAMES = ("Ada", "Alan", "Amelia", "Bianca", "Carlos", "Chloe", "Dmitri", "Elena", "Fatima", "George",
               "Hana", "Ivan", "Jasmine", "Kenji", "Laura", "Mateo", "Nadia", "Oscar", "Priya", "Quinn",
               "Rosa", "Samir", "Tomasz", "Uma", "Victor", "Wanda", "Xavier", "Yara", "Zoe", "Liam")
LAST_NAMES = ("Anderson", "Baker", "Carter", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ito",
              "Jensen", "Kowalski", "Lopez", "Moreau", "Nowak", "Olsen", "Petrov", "Quist", "Rossi",
              "Schmidt", "Tanaka", "Usman", "Varga", "Weber", "Xu", "Yilmaz", "Zielinski")
WORDS = ("alpha", "bravo", "canvas", "delta", "ember", "fjord", "garnet", "harbor", "indigo", "jasper",
         "kernel", "lumen", "meadow", "nectar", "orbit", "pixel", "quartz", "ripple", "summit", "timber",
         "umber", "velvet", "willow", "yonder", "zephyr")
CITIES = ("Springfield", "Riverton", "Lakeside", "Fairview", "Brookhaven", "Greenville", "Kingsport",
          "Marlborough", "Northwood", "Oakridge", "Port Ellen", "Westbury")
STREET_KINDS = ("Street", "Avenue", "Road", "Lane", "Drive", "Court", "Way", "Place")
CURRENCIES = ("USD", "EUR", "GBP", "PLN", "JPY", "CHF", "SEK", "NOK", "CZK", "CAD", "AUD", "BRL", "INR")
COUNTRIES = ("US", "GB", "DE", "FR", "PL", "ES", "IT", "NL", "SE", "NO", "JP", "BR", "IN", "CA", "AU")
ADJECTIVES = ("Handcrafted", "Ergonomic", "Rustic", "Sleek", "Practical", "Gorgeous", "Refined", "Small")
MATERIALS = ("Cotton", "Steel", "Wooden", "Granite", "Rubber", "Plastic", "Frozen", "Fresh")
PRODUCTS = ("Chair", "Shoes", "Table", "Gloves", "Keyboard", "Bike", "Towels", "Cheese", "Hat", "Lamp")
TLDS = ("com", "net", "org", "info", "biz", "name")
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
    "Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
    "Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Mobile/15E148 Safari/604.1",
)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def js_date(moment: datetime) -> str:
    """A date as JavaScript's `Date.prototype.toString` writes it in UTC, which is what
    Postman's `$randomDate…` values are: `Mon Dec 07 2026 15:32:04 GMT+0000 (Coordinated Universal Time)`."""
    return (f"{_DAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment.day:02d} {moment.year} "
            f"{moment:%H:%M:%S} GMT+0000 (Coordinated Universal Time)")


def _user_name(rng: random.Random) -> str:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return f"{first}{rng.choice('._')}{last}{rng.randint(0, 99) if rng.random() < 0.5 else ''}"


def _date_within(now: datetime, rng: random.Random, days: float) -> str:
    return js_date(now + timedelta(seconds=rng.uniform(0, days * 86400)))  # days < 0: before now


# name → (what it makes, for menus; maker(now, rng)). Menus list them in this order.
MAKERS: dict[str, tuple[str, Any]] = {
    "randomFirstName": ("a first name", lambda now, rng: rng.choice(FIRST_NAMES)),
    "randomLastName": ("a last name", lambda now, rng: rng.choice(LAST_NAMES)),
    "randomFullName": ("a first and last name",
                       lambda now, rng: f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"),
    "randomUserName": ("a user name (First.Last)", lambda now, rng: _user_name(rng)),
    "randomExampleEmail": ("an address at example.com, .net or .org",
                           lambda now, rng: f"{_user_name(rng)}@example.{rng.choice(('com', 'net', 'org'))}"),
    "randomPhoneNumber": ("a phone number, 000-000-0000",
                          lambda now, rng: f"{rng.randint(200, 999)}-{rng.randint(0, 999):03d}-{rng.randint(0, 9999):04d}"),
    "randomAlphaNumeric": ("one letter or digit",
                           lambda now, rng: rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")),
    "randomBoolean": ("true or false", lambda now, rng: rng.random() < 0.5),
    "randomPrice": ("a price with two decimals", lambda now, rng: f"{rng.randint(100, 100000) / 100:.2f}"),
    "randomCurrencyCode": ("an ISO 4217 currency code", lambda now, rng: rng.choice(CURRENCIES)),
    "randomCountryCode": ("an ISO 3166 country code", lambda now, rng: rng.choice(COUNTRIES)),
    "randomCity": ("a city name", lambda now, rng: rng.choice(CITIES)),
    "randomStreetAddress": ("a street address",
                            lambda now, rng: f"{rng.randint(1, 9999)} {rng.choice(LAST_NAMES)} {rng.choice(STREET_KINDS)}"),
    "randomIP": ("an IPv4 address", lambda now, rng: ".".join(str(rng.randint(0, 255)) for _ in range(4))),
    "randomUserAgent": ("a browser's User-Agent", lambda now, rng: rng.choice(USER_AGENTS)),
    "randomUrl": ("a URL", lambda now, rng: f"https://{rng.choice(WORDS)}.{rng.choice(TLDS)}"),
    "randomProductName": ("a product name",
                          lambda now, rng: f"{rng.choice(ADJECTIVES)} {rng.choice(MATERIALS)} {rng.choice(PRODUCTS)}"),
    "randomWord": ("a word", lambda now, rng: rng.choice(WORDS)),
    "randomWords": ("a few words", lambda now, rng: " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 4)))),
    "randomDateRecent": ("a date in the last day", lambda now, rng: _date_within(now, rng, -1)),
    "randomDatePast": ("a date in the last year", lambda now, rng: _date_within(now, rng, -365)),
    "randomDateFuture": ("a date in the next year", lambda now, rng: _date_within(now, rng, 365)),
}
