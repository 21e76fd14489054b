"""What to do about each device (issue 17): one action per device or order line, chosen from
its findings, tier and profile, most urgent first, with the others that apply in `also`.
Devices from tests/fixtures/devices/inventory.csv scored against the real bundled lists."""

from __future__ import annotations

from screening.devices.facts import DeviceFacts
from screening.scoring.actions import ACTIONS, URGENCY, choose_action, explain_action
from tests.devices.support import facts
from tests.scoring.test_inventory import BY_ID, _run


def _action(asset: str, profile: str, kind: str = "inventory") -> tuple[str, tuple[str, ...]]:
    _, result = _run(asset, profile)
    act = choose_action(
        result.tier, result.evidence, facts(BY_ID[asset]), profile=profile, kind=kind
    )
    assert act.text == ACTIONS[act.code][1] and act.reason
    assert act.code not in act.also and "none" not in act.also
    assert list(act.also) == sorted(act.also, key=URGENCY.__getitem__)  # most urgent first
    return act.code, act.also


def test_urgency_is_defined_once_and_every_action_explains_itself() -> None:
    assert list(URGENCY) == list(ACTIONS) and list(URGENCY)[-1] == "none"
    assert URGENCY["remove-from-sensitive-site"] < URGENCY["isolate-and-disable-cloud"]
    assert URGENCY["isolate-and-disable-cloud"] < URGENCY["update-firmware"]
    assert URGENCY["update-firmware"] < URGENCY["replace-at-refresh"]
    for code in ACTIONS:
        assert len(explain_action(code)) > 30, code


def test_uk_retail_actions_follow_the_device_facts() -> None:
    # sensitive site: out now, whatever else applies
    assert _action("CAM-001", "uk-retail")[0] == "remove-from-sensitive-site"
    assert _action("CAM-031", "uk-retail")[0] == "remove-from-sensitive-site"  # Huawei, critical
    # reachable from the internet / the maker's cloud on
    assert _action("CAM-002", "uk-retail")[0] == "isolate-and-disable-cloud"
    assert _action("CAM-019", "uk-retail")[0] == "isolate-and-disable-cloud"  # EZVIZ, ys7.com
    # facial recognition on a Dahua camera: DPIA first, then the firmware, then replace
    code, also = _action("CAM-015", "uk-retail")
    assert code == "review-dpia" and also == ("update-firmware", "replace-at-refresh")
    # cloud and facial recognition both: isolate first, the DPIA still named
    code, also = _action("CAM-004", "uk-retail")
    assert code == "isolate-and-disable-cloud" and "review-dpia" in also
    # a listed maker's kit with nothing else: replace at the next refresh
    assert _action("BWC-029", "uk-retail") == ("replace-at-refresh", ())
    # weak relabel evidence: check the maker; no make, model or MAC: identify it
    assert _action("CAM-026", "uk-retail") == ("verify-maker", ())
    assert _action("CAM-042", "uk-retail") == ("identify", ())
    # a maker on no list: nothing to do, or only the DPIA for facial recognition
    assert _action("CAM-035", "uk-retail") == ("none", ())
    assert _action("CAM-038", "uk-retail") == ("review-dpia", ())


def test_us_federal_removes_prohibited_kit_everywhere() -> None:
    code, also = _action("CAM-001", "us-federal")
    assert code == "remove-now" and also[0] == "remove-from-sensitive-site"
    assert _action("CAM-005", "us-federal")[0] == "remove-now"
    assert _action("CAM-033", "us-federal")[0] == "replace-at-refresh"  # Tiandy: high, not §889


def test_uk_public_sector_prohibition_is_the_sites() -> None:
    # prohibited there because of the sensitive site (UK statement): remove from that site
    _, result = _run("CAM-001", "uk-public-sector")
    assert result.tier == "prohibited"
    assert _action("CAM-001", "uk-public-sector")[0] == "remove-from-sensitive-site"


def test_order_lines_get_buying_actions() -> None:
    assert _action("CAM-001", "us-federal", kind="po")[0] == "do-not-buy"
    assert _action("CAM-005", "uk-retail", kind="po")[0] == "choose-another-maker"
    assert _action("CAM-035", "uk-retail", kind="po")[0] == "none"
    # an installed-device action never applies to an order line
    for asset in ("CAM-001", "CAM-002", "BWC-029"):
        code, also = _action(asset, "uk-public-sector", kind="po")
        assert not {code, *also} & {
            "remove-now",
            "remove-from-sensitive-site",
            "replace-at-refresh",
        }


def test_unknown_tier_without_findings() -> None:
    act = choose_action("unknown", (), DeviceFacts(), profile="uk-retail", kind="inventory")
    assert (act.code, act.also) == ("identify", ())
