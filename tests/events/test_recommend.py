"""Recommended meeting partners come from the partner search, restricted to the event, with its reasons."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from jejaring.core.db import session_scope
from jejaring.events import requests, service
from jejaring.events.schemas import EventIn, RegistrationIn
from jejaring.matching import service as matching_service
from jejaring.matching.schemas import NeedIn
from jejaring.registry import service as registry_service
from tests.events.conftest import ORGANISER, owner
from tests.matching.conftest import Corpus, corpus  # noqa: F401  (the fixture)


def test_recommendations_follow_needs_both_ways(engine: Engine, corpus: Corpus) -> None:  # noqa: F811
    with session_scope(engine) as s:
        buyer = registry_service.get_firm(s, public_id=corpus.keys["d7"])
        matching_service.create_need(
            s,
            actor=owner(buyer),
            data=NeedIn(
                firm=buyer.public_id, title="keripik singkong balado untuk produk kemasan", quantity=1, unit="ton"
            ),
        )
        event = service.create_event(
            s, actor=ORGANISER, data=EventIn(name="Temu Bisnis Pangan", starts_on=date(2030, 6, 1), tables=4)
        )
        assert service.listing_defaults(s, firm=buyer) == ("keripik singkong balado untuk produk kemasan", "")
        people = {}
        for key in ("d7", "c7", "m1"):
            firm = registry_service.get_firm(s, public_id=corpus.keys[key])
            people[key] = service.register(
                s, actor=owner(firm), event=event, data=RegistrationIn(firm=firm.public_id), today=date(2030, 1, 1)
            )
        firms = {k: registry_service.get_firm(s, public_id=corpus.keys[k]) for k in people}
        for_buyer = requests.recommend(s, corpus.settings, actor=owner(firms["d7"]), participant=people["d7"])
        assert for_buyer and for_buyer[0].participant.id == people["c7"].id and for_buyer[0].why
        for_supplier = requests.recommend(s, corpus.settings, actor=owner(firms["c7"]), participant=people["c7"])
        assert [r.participant.id for r in for_supplier] == [people["d7"].id]
        assert requests.recommend(s, corpus.settings, actor=owner(firms["m1"]), participant=people["m1"]) == []
