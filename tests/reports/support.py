"""Reports for the renderer tests, built by hand in the shape of interfaces.md ("Inventory and
purchase-order reports"): dicts, so that a test can change a field, then `typed()` into the
models the service returns (`screening.schemas.reports`).

They are not list data: the items are made-up order lines and devices. The evidence sentences,
sources and entity ids are copied from a real scoring run (`scoring.score_device`, profile
us-federal, on the bundled lists and the KEV catalogue 2025-08-25) for a Hikvision NVR
DS-7608NI-K2/8P, an Annke N48PAW and an Axis P3245-V; the snapshot versions and dates are
illustrative values in the documented `<date>-<8 hex>` form.
"""

from __future__ import annotations

import copy
from html.parser import HTMLParser
from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from screening.schemas.gate import Outcome
from screening.schemas.reports import InventoryReport, OrderReport

NDAA = "us_ndaa_889:hangzhou-hikvision-digital-technology-company"
BIS = "us_bis_entity_list:hangzhou-hikvision-digital-technology-co-ltd-cn"
OFAC_CONS = "us_ofac_cons:30946"
KEV = "us_cisa_kev:CVE-2021-36260"
ACME = "Acme Security Supplies Ltd"

SNAPSHOTS = {
    "us_ndaa_889": "2018-08-13-3f9a1c2e",
    "us_fcc_covered": "2026-08-01-7b20d4aa",
    "us_bis_entity_list": "2026-07-15-c41e9b07",
    "us_ofac_cons": "2025-12-01-05d3e8f1",
    "us_cisa_kev": "2025-08-25-9e6b7a10",
}
SNAPSHOT_DATES = {
    "us_ndaa_889": "2018-08-13",
    "us_fcc_covered": "2026-08-01",
    "us_bis_entity_list": "2026-07-15",
    "us_ofac_cons": "2025-12-01",
    "us_cisa_kev": "2025-08-25",
}
REQUIRED = [
    "us_ndaa_889",
    "us_fcc_covered",
    "us_bis_entity_list",
    "us_dod_1260h",
    "us_ofac_sdn",
    "us_ofac_cons",
]


# The lists these reports cite: US measures, binding for the us-federal buyer; each is stated
# once in the report's notes, and evidence entries refer to it by id.
US_LISTS = ("us_ndaa_889", "us_bis_entity_list", "us_cisa_kev")


def ev(signal: str, value: str, finding: str, source: str, weight: int) -> dict[str, Any]:
    listed = source in US_LISTS
    return {
        "signal": signal,
        "value": value,
        "finding": finding,
        "source": source,
        "weight": weight,
        "jurisdiction": "US" if listed else None,
        "force": "binding" if listed else None,
        "note": source if listed else None,
    }


def action(code: str, text: str, reason: str, also: list[str] | None = None) -> dict[str, Any]:
    return {"code": code, "text": text, "reason": reason, "also": also or []}


NOTES = [
    {
        "id": source,
        "source": source,
        "title": title,
        "jurisdiction": "US",
        "force": "binding",
        "text": text,
    }
    for source, title, text in (
        (
            "us_ndaa_889",
            "NDAA FY2019 §889 named companies",
            "A US measure: binding for this buyer. Listed: Hangzhou Hikvision Digital "
            "Technology Company (parent) since 2018-08-13; scope: video surveillance and "
            "telecommunications equipment produced by ... (or any subsidiary or affiliate of "
            "such entities).",
        ),
        (
            "us_bis_entity_list",
            "BIS Entity List",
            "A US measure: binding for this buyer. Listed: Hangzhou Hikvision Digital "
            "Technology Co., Ltd. (parent) since 2019-10-09; scope: For all items subject to "
            "the EAR.",
        ),
        ("us_cisa_kev", "us_cisa_kev", "A US measure: binding for this buyer."),
    )
]
REMOVE = action(
    "remove-now",
    "Remove and replace it now",
    "hikvision is listed: NDAA FY2019 §889 named companies -> prohibited under us-federal",
    ["update-firmware", "replace-at-refresh"],
)


def hikvision_evidence(model: str) -> list[dict[str, Any]]:
    """The evidence of a Hikvision device under us-federal (real sentences, shortened scope)."""
    return [
        ev(
            "declared_make",
            "Hikvision",
            "Declared make 'Hikvision' resolves to 'Hikvision' (score 1.00) = Hikvision "
            "(parent of hikvision), high confidence",
            "data/reference/families.csv line 2 (Hikvision)",
            40,
        ),
        ev(
            "model",
            model,
            f"Model number '{model}' matches '^(i)?DS-7[0-9]{{3}}|^DS-9[0-9]{{3}}' = Hikvision "
            "(parent of hikvision), medium confidence",
            "data/reference/model_patterns.csv line 5",
            25,
        ),
        ev(
            "listed-maker",
            f"Hangzhou Hikvision Digital Technology Company [{NDAA}]",
            "Hangzhou Hikvision Digital Technology Company (parent of hikvision) is listed: "
            "NDAA FY2019 §889 named companies since 2018-08-13",
            "us_ndaa_889",
            60,
        ),
        ev(
            "listed-maker",
            f"Hangzhou Hikvision Digital Technology Co., Ltd. [{BIS}]",
            "Hangzhou Hikvision Digital Technology Co., Ltd. (parent of hikvision) is listed: "
            "BIS Entity List since 2019-10-09",
            "us_bis_entity_list",
            0,
        ),
        ev(
            "known-exploited",
            "CVE-2021-36260",
            "CVE-2021-36260 (Hikvision Improper Input Validation) in this maker's Security "
            "cameras web server, in KEV since 2022-01-10",
            "us_cisa_kev",
            15,
        ),
        ev(
            "tier",
            "prohibited",
            "hikvision is listed: NDAA FY2019 §889 named companies -> prohibited under us-federal",
            "us_ndaa_889",
            0,
        ),
    ]


def _device(row: int, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "row": row,
        "line": row + 1,
        "asset_id": None,
        "site": None,
        "declared_make": None,
        "model": None,
        "mac": None,
        "firmware": None,
        "family": None,
        "family_confidence": None,
        "tier": "none",
        "score": 0,
        "relabel_suspected": False,
        "rules_fired": [],
        "evidence": [],
        "action": action("none", "No action needed", "none under us-federal: nothing found"),
        "warnings": [],
    }
    base.update(fields)
    return base


def _hik(row: int, model: str, **fields: Any) -> dict[str, Any]:
    return _device(
        row,
        declared_make="Hikvision",
        model=model,
        family="hikvision",
        family_confidence="high",
        tier="prohibited",
        score=90,
        rules_fired=["listed-maker", "known-exploited"],
        evidence=hikvision_evidence(model),
        **{"action": REMOVE, **fields},
    )


def _annke(row: int, **fields: Any) -> dict[str, Any]:
    return _device(
        row,
        declared_make="Annke",
        model="N48PAW",
        tier="low",
        score=6,
        relabel_suspected=True,
        rules_fired=["possible-relabel"],
        evidence=[
            ev(
                "possible-relabel",
                "an unnamed maker",
                "possibly a relabelled product of an unnamed maker, on weak evidence only: not "
                "attributed",
                "data/reference/families.csv line 29 (Annke)",
                6,
            ),
            ev("tier", "low", "6 points (possible-relabel)", "profile us-federal", 0),
        ],
        action=action(
            "verify-maker",
            "Check who really made it",
            "possibly a relabelled product of an unnamed maker, on weak evidence only",
        ),
        **fields,
    )


def _po_fields(vendor: str, part: str, description: str, quantity: int) -> dict[str, Any]:
    return {
        "vendor": vendor,
        "manufacturer": None,
        "part_number": part,
        "description": description,
        "quantity": quantity,
        "unit_price": None,
        "currency": None,
        "vendor_matches": [],
    }


def po_report() -> dict[str, Any]:
    """Five order lines (three Hikvision, one Annke, one Axis) and one unreadable row."""
    direct = _hik(
        2,
        "DS-2CD2143G2-I",
        **_po_fields(
            "Hangzhou Hikvision Digital Technology Co., Ltd.", "DS-2CD2143G2-I", "4MP dome", 10
        ),
    )
    direct["vendor_matches"] = [
        {
            "entity_id": BIS,
            "source": "us_bis_entity_list",
            "matched_name": "Hangzhou Hikvision Digital Technology Co., Ltd.",
            "score": 1.0,
            "relation": "listed",
        },
        {
            "entity_id": OFAC_CONS,
            "source": "us_ofac_cons",
            "matched_name": "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.",
            "score": 0.9871,
            "relation": "listed",
        },
    ]
    direct["rules_fired"] = ["listed-maker", "listed-vendor"]
    direct["unit_price"], direct["currency"] = "119.00", "GBP"
    direct["evidence"] = [e for e in direct["evidence"] if e["signal"] != "known-exploited"]
    direct["action"] = action(
        "do-not-buy",
        "Do not buy this line",
        "prohibited under us-federal",
        ["choose-another-supplier"],
    )
    items = [
        _hik(
            1,
            "DS-7608NI-K2/8P",
            **{
                **_po_fields(ACME, "DS-7608NI-K2/8P", "8-channel PoE NVR", 4),
                "unit_price": "389.00",
                "currency": "GBP",
            },
        ),
        direct,
        _annke(3, **_po_fields(ACME, "N48PAW", "8-channel NVR kit", 2)),
        _device(
            4,
            declared_make="Axis",
            model="P3245-V",
            **_po_fields("Nordic Camera Distribution AB", "P3245-V", "dome camera", 6),
        ),
        _hik(5, "DS-2CD1043G0-I", **_po_fields(ACME, "DS-2CD1043G0-I", "bullet camera", 12)),
    ]
    return {
        "kind": "po",
        "profile": "us-federal",
        "snapshots": dict(SNAPSHOTS),
        "snapshot_dates": dict(SNAPSHOT_DATES),
        "required_sources": list(REQUIRED),
        "items": items,
        "errors": [{"row": 6, "line": 7, "field": "Quantity", "message": "not a number: 'four'"}],
        "vendors": [
            {"vendor": ACME, "items": 3, "by_tier": {"prohibited": 2, "low": 1}},
            {
                "vendor": "Hangzhou Hikvision Digital Technology Co., Ltd.",
                "items": 1,
                "by_tier": {"prohibited": 1},
            },
            {"vendor": "Nordic Camera Distribution AB", "items": 1, "by_tier": {"none": 1}},
        ],
        "summary": {
            "items": 5,
            "by_tier": {"prohibited": 3, "low": 1, "none": 1},
            "by_family": {"hikvision": 3},
            "by_vendor": {
                ACME: {"items": 3, "quantity": 18, "spend": "1556.00", "by_tier": {}},
            },
            "quantity_by_tier": {"prohibited": 26, "low": 2, "none": 6},
            "spend_at_risk": {
                "currency": "GBP",
                "by_tier": {"prohibited": "2746.00"},
                "total": "2746.00",
                "unpriced_lines": 3,
                "note": "",
            },
            "by_action": {"do-not-buy": 1, "remove-now": 2, "verify-maker": 1, "none": 1},
            "urgent_actions": [
                {
                    "row": 2,
                    "label": "Hikvision DS-2CD2143G2-I",
                    "where": "Hangzhou Hikvision Digital Technology Co., Ltd.",
                    "tier": "prohibited",
                    "code": "do-not-buy",
                    "text": "Do not buy this line",
                    "reason": "prohibited under us-federal",
                }
            ],
        },
        "notes": copy.deepcopy(NOTES),
        "file": "orders/po.csv",
    }


def inventory_report() -> dict[str, Any]:
    """Four devices on two sites (one unidentifiable) and one unreadable MAC address."""
    devices = [
        _hik(1, "DS-7608NI-K2/8P", asset_id="A-001", site="Depot North", mac="44:19:B6:12:34:56"),
        _annke(2, asset_id="A-002", site="Depot North"),
        _device(3, asset_id="A-003", site="HQ", declared_make="Axis", model="P3245-V"),
        _device(
            4,
            asset_id="A-004",
            site="HQ",
            tier="unknown",
            action=action(
                "identify",
                "Add make, model or MAC to identify it",
                "no make, model or MAC to identify the device",
            ),
        ),
    ]
    return {
        "kind": "inventory",
        "profile": "us-federal",
        "snapshots": dict(SNAPSHOTS),
        "snapshot_dates": dict(SNAPSHOT_DATES),
        "devices": devices,
        "errors": [
            {"row": 5, "line": 6, "field": "MAC Address", "message": "malformed MAC '44:19:B6'"}
        ],
        "sites": [
            {"site": "Depot North", "devices": 2, "by_tier": {"prohibited": 1, "low": 1}},
            {"site": "HQ", "devices": 2, "by_tier": {"none": 1, "unknown": 1}},
        ],
        "summary": {
            "devices": 4,
            "by_tier": {"prohibited": 1, "low": 1, "none": 1, "unknown": 1},
            "by_family": {"hikvision": 1},
            "by_site": {
                "Depot North": {"prohibited": 1, "low": 1},
                "HQ": {"none": 1, "unknown": 1},
            },
            "by_action": {"remove-now": 1, "verify-maker": 1, "identify": 1, "none": 1},
            "urgent_actions": [
                {
                    "row": 1,
                    "label": "A-001: Hikvision DS-7608NI-K2/8P",
                    "where": "Depot North",
                    "tier": "prohibited",
                    "code": "remove-now",
                    "text": "Remove and replace it now",
                    "reason": REMOVE["reason"],
                }
            ],
        },
        "notes": copy.deepcopy(NOTES),
    }


def without_errors(report: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(report)
    out["errors"] = []
    return out


_REPORT: TypeAdapter[InventoryReport | OrderReport] = TypeAdapter(
    Annotated[InventoryReport | OrderReport, Field(discriminator="kind")]
)


def typed(report: dict[str, Any]) -> InventoryReport | OrderReport:
    """A report dict as the model the service returns (its `kind` picks which)."""
    return _REPORT.validate_python(report)


def typed_po(report: dict[str, Any] | None = None) -> OrderReport:
    return OrderReport.model_validate(report if report is not None else po_report())


def typed_inventory(report: dict[str, Any] | None = None) -> InventoryReport:
    return InventoryReport.model_validate(report if report is not None else inventory_report())


# The CLI's exit code for each gate outcome (README, "Exit codes"): the gate only decides the
# outcome, so the renderer tests pass the code the CLI would.
EXIT_CODES: dict[Outcome, int] = {"unreadable": 2, "lists": 3, "fail": 1, "pass": 0}


class Elements(HTMLParser):
    """Every start tag of a page as (tag, attributes), in order, plus the text."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, cls: str | None = None) -> list[dict[str, str]]:
        return [
            a
            for t, a in self.tags
            if t == tag and (cls is None or cls in a.get("class", "").split())
        ]
