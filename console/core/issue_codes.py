"""Every validation issue's stable code: the window and the command line decide by code,
never by an issue's words (which may be reworded). A schema failure's code is `schema.` and
the JSON Schema keyword that failed (`schema.required`, `schema.maxItems`); the rest are here.
"""

from __future__ import annotations

from console.core.text_enum import TextEnum


class IssueCode(TextEnum):
    """A finding's kind: `<where>.<what>`. Members compare equal to their text, so a code read
    back from JSON is the same code."""

    # The payload as JSON Schema sees it (one more per keyword: see schema_code).
    SCHEMA_NULL_OPTIONAL = "schema.null_optional"
    FORM_FIELD = "form.field"
    # Settings, credentials and the request as built (console.engine.pipeline).
    SETTING_MISSING = "setting.missing"
    SETTING_NOT_URL = "setting.url.not_http"
    SETTING_URL_QUERY = "setting.url.query"
    SETTING_URL_CREDENTIALS = "setting.url.credentials"
    SETTING_URL_BASIC = "setting.url.basic"
    SETTING_PATTERN = "setting.pattern"
    SETTING_ENUM = "setting.enum"
    DYNAMIC_UNKNOWN = "dynamic.unknown"
    SECRET_IN_PAYLOAD = "secret.in_payload"
    SECRET_UNREADABLE = "secret.unreadable"
    SECRET_MISSING = "secret.missing"
    REQUEST_UNBUILDABLE = "request.unbuildable"
    # Tracking plans (console.core.plans).
    PLAN_UNKNOWN_EVENT = "plan.event.unknown"
    PLAN_PROPERTY = "plan.property"
    # Capture (console.engine.capture): a request as a backend sent it.
    CAPTURE_UNREADABLE_OPERATION = "capture.operation.unreadable"
    CAPTURE_UNKNOWN_PATH = "capture.path.unknown"
    CAPTURE_UNREADABLE = "capture.request.unreadable"
    CAPTURE_CHECK_FAILED = "capture.check.failed"
    CAPTURE_BASIC_AUTH = "capture.auth.basic"
    CAPTURE_NO_CREDENTIAL = "capture.credential.missing"
    CAPTURE_BAD_CREDENTIAL = "capture.credential.refused"
    # Vendor rules (console.vendors).
    VIBETRACE_ORDER_REPEATED = "vibetrace.order.repeated"
    VIBETRACE_EMAIL_OPEN_REPEATED = "vibetrace.email_open.repeated"
    VIBETRACE_MIXED_TYPES = "vibetrace.batch.mixed_types"
    VIBETRACE_TYPE_ENCODED = "vibetrace.type.encoded"
    VIBETRACE_TYPE_DOT_SEGMENT = "vibetrace.type.dot_segment"
    VIBETRACE_WHOLE_COOKIE = "vibetrace.id.whole_cookie"
    VIBETRACE_VTSID_WITH_IDS = "vibetrace.vtsid.with_ids"
    VIBETRACE_URL_TOO_LONG = "vibetrace.url.too_long"
    MYTRACKER_EMAIL_IN_PARAMS = "mytracker.params.email"
    MYTRACKER_BODY_TOO_LARGE = "mytracker.body.too_large"
    SYNERISE_AI_EVENT_ENDPOINT = "synerise.event.ai_endpoint"
    SYNERISE_TRANSACTION = "synerise.event.transaction"
    SYNERISE_BATCH_ACTION = "synerise.batch.action"
    SYNERISE_TIME_FUTURE = "synerise.time.future"
    SYNERISE_TIMESTAMP_SECONDS = "synerise.timestamp.seconds"
    SYNERISE_TIMESTAMP_FUTURE = "synerise.timestamp.future"


def schema_code(keyword: str) -> str:
    """The code of a JSON Schema keyword's failure (`x-number` → `schema.number`)."""
    return "schema." + keyword.removeprefix("x-")
