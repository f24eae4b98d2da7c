"""State survives a restart of the app between any two messages."""

from __future__ import annotations

import re
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from backend.app import create_app
from backend.models import Call
from backend.settings import Settings
from conversations import Step
from tests.factories import KEPT, full_answers, typed_pro_forma


def test_a_new_app_process_between_every_message_loses_nothing(
    settings: Settings, engine: Engine, session: Session
) -> None:
    cookie = ""
    text = ""
    for message in typed_pro_forma(route="2"):
        with TestClient(create_app(settings, engine)) as client:  # a fresh app each time
            response = client.post(
                "/chat/messages",
                json={"text": message, "message_id": uuid.uuid4().hex},
                headers={"Cookie": cookie} if cookie else {},
            )
            assert response.status_code == 200
            cookie = cookie or response.headers["set-cookie"].split(";")[0]
            text = response.json()["replies"][-1]["text"]
    reference = re.search(r"CCS-\d{4}-\d{4}", text)
    assert reference, text
    call = session.exec(select(Call)).one()
    assert call.reference == reference.group()
    stored = {
        "name": call.tenant_name,
        "address": call.address,
        "contact_preference": call.contact_preference,
        "contact_phone": call.contact_phone,
        "service_area": call.service_area,
        "service_area_other": call.service_area_other,
        "concerns": call.concerns,
        "actions_taken": call.actions_taken,
        "complaint_stage": call.complaint_stage,
        "complaint_reference": call.complaint_reference,
        "failures": call.failures,
        "failures_since": call.failures_since,
        "failures_frequency": call.failures_frequency,
        "others_affected": call.others_affected,
        "affected_who": call.affected_who,
        "affected_households": call.affected_households,
        "evidence": call.evidence_notes,
        "route": call.route,
    }
    expected: dict[str, object] = {
        **full_answers(route="individual"),
        "evidence": KEPT[Step.EVIDENCE],
        "affected_households": 24,  # kept as a number
    }
    assert stored == expected  # every answer, none lost across the new processes
