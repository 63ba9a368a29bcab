"""Generated history for tests and benchmarks: realistic exchanges, many of them fast."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone

from console.core.history.records import Record

VENDOR_OPS = [("vibetrace", "track"), ("vibetrace", "rest-event"), ("mytracker", "customEvent"),
              ("mytracker", "login"), ("octeth", "event"), ("synerise", "custom"), ("synerise", "ai-event")]
WORDS = ["checkout", "levelUp", "newsletter", "purchase", "signup", "dog.bark", "pageView", "cart", "search"]


def make_records(count: int, seed: int = 7, start: datetime | None = None) -> list[Record]:
    """`count` exchanges about 1.5 KB each, one a minute going forward from `start`."""
    rng = random.Random(seed)
    start = start or datetime(2026, 1, 1, tzinfo=timezone.utc)
    records = []
    for i in range(count):
        vendor, operation = VENDOR_OPS[i % len(VENDOR_OPS)]
        word = rng.choice(WORDS)
        payload = {"customUserId": f"user-{rng.randint(1, 50000)}", "customEventName": word,
                   "customEventParams": {f"p{j}": f"value-{rng.randint(0, 10**6)}" for j in range(12)},
                   "email": f"person{rng.randint(1, 99999)}@example.com", "serial": i}
        body = json.dumps(payload)
        roll = rng.random()
        if roll < 0.8:
            status, outcome, error, answer = 200, "answered", None, json.dumps({"message": "OK", "echo": word}).encode()
        elif roll < 0.9:
            status, outcome, error, answer = 400, "answered", None, b'{"error": "Bad Request"}'
        elif roll < 0.95:
            status, outcome, error, answer = 500, "answered", None, b'{"error": "Internal Server Error"}'
        else:
            status, outcome, error, answer = None, "no-answer", "127.0.0.1 refused the connection.", None
        records.append(Record(
            time=(start + timedelta(minutes=i)).isoformat(timespec="milliseconds"), vendor=vendor,
            operation=operation, profile="production" if i % 3 else "sandbox", method="POST",
            url=f"https://tracker-s2s.my.com/v1/{operation}/?idApp=666",
            request_headers={"Authorization": "***", "Content-Type": "application/json",
                             "Content-Length": str(len(body))},
            request_body=body.encode(), payload=body, settings={"base_url": "https://tracker-s2s.my.com", "app_id": "666"},
            credential="token", status=status, reason="OK" if status == 200 else ("Error" if status else None),
            response_headers={"Content-Type": "application/json"} if status else None, response_body=answer,
            response_size=len(answer) if answer else None, response_truncated=False, error=error,
            error_kind="refused" if error else None, elapsed_ms=rng.uniform(5, 400),
            issues=[], forced=False, outcome=outcome,
        ))
    return records


def fill(store, count: int, batch: int = 5000, **kwargs) -> None:
    done = 0
    while done < count:
        n = min(batch, count - done)
        records = make_records(n, seed=done, start=datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=done), **kwargs)
        # Keep the serials unique across batches.
        store.record_many(records)
        done += n
