"""What a tracking plan of 200 events adds to checking a payload: `prepare()` of a Synerise
custom event with the plan and without it, in one process, interleaved, the median of each.
Target: at most 0.5 ms added. The plan has 200 events of 8 properties each (required, type,
enum, pattern, min/max), and the payload is one of them.

Run: python bench/plan.py [rounds]
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from console.core.plans import PlanSet, plan_from_data  # noqa: E402
from console.core.secrets import SecretStore  # noqa: E402
from console.engine import pipeline  # noqa: E402
from console.engine.context import AppContext  # noqa: E402


def big_plan() -> PlanSet:
    events = []
    for n in range(200):
        events.append({"vendor": "synerise", "operation": "custom", "event": f"event.{n}", "properties": {
            "/params/orderValue": {"required": True, "type": "number", "min": 0, "max": 100000},
            "/params/source": {"enum": ["web", "app", "pos"]},
            "/params/orderId": {"type": "string", "pattern": "^ORD-[0-9]+$"},
            "/params/currency": {"type": "string", "enum": ["PLN", "EUR", "USD"]},
            "/params/items": {"type": "array", "min": 1},
            "/client/customId": {"required": True, "type": "string"},
            "/label": {"type": "string", "max": 100},
            "/params/coupon": {"type": "string"}}})
    return PlanSet((plan_from_data({"name": "Big", "version": "1", "events": events}, "bench"),))


def main(rounds: int) -> None:
    payload = {"action": "event.137", "label": "checkout", "client": {"customId": "c-1"},
               "params": {"orderValue": 120.5, "source": "web", "orderId": "ORD-123", "currency": "EUR",
                          "items": [1, 2]}}
    with tempfile.TemporaryDirectory() as home:
        from tests.memory_keyring import MemoryKeyring

        ctx = AppContext(home=Path(home), secrets=SecretStore(MemoryKeyring()))
        plans = big_plan()
        draft = pipeline.Draft("synerise", "custom", payload=payload)
        for _ in range(50):  # warm: the validator compiled, the plan's lookups built
            ctx.plans = plans
            pipeline.prepare(ctx, draft, check_history=False)
            ctx.plans = None
            pipeline.prepare(ctx, draft, check_history=False)
        with_plan, without = [], []
        for _ in range(rounds):
            for plan, times in ((plans, with_plan), (None, without)):
                ctx.plans = plan
                started = time.perf_counter()
                pipeline.prepare(ctx, draft, check_history=False)
                times.append((time.perf_counter() - started) * 1000)
        ctx.plans = plans  # the payload follows its plan event: measured is the check, not an issue's words
        assert not [i for i in pipeline.prepare(ctx, draft, check_history=False).issues if i.plan]
        ctx.close()
    added = statistics.median(with_plan) - statistics.median(without)
    print(f"prepare() without a plan: median {statistics.median(without):.3f} ms")
    print(f"prepare() with a plan of 200 events: median {statistics.median(with_plan):.3f} ms")
    print(f"added by the plan: {added:.3f} ms (target ≤ 0.5 ms) over {rounds} interleaved rounds")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
