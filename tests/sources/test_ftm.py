"""The FollowTheMoney parser on OpenSanctions' real samples, and on input it must refuse."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from screening.errors import ParseError
from screening.sources.ftm import FILE, parse_ftm

FTM = Path(__file__).parent.parent / "fixtures" / "opensanctions-ftm"


def _parties_in(path: Path) -> Counter[str]:
    import json

    schemas = Counter(
        json.loads(line)["schema"] for line in path.read_text().splitlines() if line.strip()
    )
    return Counter(
        {
            k: v
            for k, v in schemas.items()
            if k in {"Company", "Organization", "Person", "LegalEntity"}
        }
    )


def test_zala_sample_parties_programs_and_addresses() -> None:
    path = FTM / "zala_entities.ftm.json"
    records = list(parse_ftm({FILE: path.read_bytes()}))
    assert len(records) == sum(_parties_in(path).values())
    by_kind = Counter(r.kind for r in records)
    assert by_kind == {"organization": 11, "person": 6}
    # Sanction entities attach their programme to the party they name.
    assert any(r.programs for r in records)
    # addressEntity links resolve to the Address entity's full text.
    assert any(r.addresses for r in records)
    import json

    party_ids = {
        json.loads(line)["id"]
        for line in path.read_text().splitlines()
        if line.strip() and json.loads(line)["schema"] in {"Company", "Person"}
    }
    assert {r.local_id for r in records} == party_ids


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<!DOCTYPE html><html>rate limited</html>", "HTML page"),
        (b'{"id": "x", "schema": "Person"}\n{"id": "y", "sche', "line 2: not JSON"),
        (b'{"caption": "no id"}\n', "line 1: not a FollowTheMoney entity"),
    ],
)
def test_refuses_what_is_not_ftm(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        list(parse_ftm({FILE: body}))
