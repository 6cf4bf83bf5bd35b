"""What the stream stores next to each event: headers and the stored record type."""

from __future__ import annotations

from dataclasses import dataclass, field

MSG_ID = "Nats-Msg-Id"
EXPECTED_SUBJECT_SEQ = "Nats-Expected-Last-Subject-Sequence"
EXPECTED_SUBJECT_SEQ_SUBJECT = "Nats-Expected-Last-Subject-Sequence-Subject"
EVENT_TYPE = "Porch-Event-Type"
TRACEPARENT = "traceparent"

# JetStream error codes (server/errors.json) that mean "expected sequence did not match".
WRONG_LAST_SEQUENCE = frozenset({10071, 10164})


@dataclass(frozen=True)
class Record:
    """One stored message of the event stream."""

    seq: int
    subject: str
    data: bytes
    headers: dict[str, str] = field(default_factory=dict)
    pending: int = 0  # messages still to come after this one, when known

    @property
    def event_type(self) -> str:
        return self.headers.get(EVENT_TYPE, "")

    @property
    def msg_id(self) -> str:
        return self.headers.get(MSG_ID, "")


__all__ = [
    "EVENT_TYPE",
    "EXPECTED_SUBJECT_SEQ",
    "EXPECTED_SUBJECT_SEQ_SUBJECT",
    "MSG_ID",
    "TRACEPARENT",
    "WRONG_LAST_SEQUENCE",
    "Record",
]
