"""Which header texts name which field: the synonym tables, compared case-, space- and
punctuation-insensitively (`norm_header`). Field names are DeviceRow's."""

from __future__ import annotations

import re
from typing import Literal

Kind = Literal["inventory", "po"]
KINDS: tuple[Kind, ...] = ("inventory", "po")

COMMON: dict[str, tuple[str, ...]] = {
    "site": (
        "site",
        "sitename",
        "store",
        "storename",
        "storenumber",
        "storeno",
        "location",
        "branch",
    ),
    "mac": ("mac", "macaddress", "macaddr", "hardwareaddress", "ethernetaddress"),
    "firmware": ("firmware", "fwversion", "firmwareversion", "fw"),
    "face_recognition": (
        "facerecognition",
        "lfr",
        "facialrecognition",
        "analytics",
        "biometric",
        "biometrics",
    ),
    "internet_exposed": ("internetexposed", "internetfacing", "publicip"),
    "cloud": ("cloud", "p2p", "cloudservice", "cloudp2p"),
    "site_sensitivity": ("sitesensitivity", "sensitivesite", "sitetype"),
    "installed_on": (
        "installedon",
        "installdate",
        "installed",
        "dateinstalled",
        "installationdate",
    ),
    "description": (
        "description",
        "item",
        "itemdescription",
        "productdescription",
        "product",
        "productname",
        "itemname",
    ),
    "quantity": ("quantity", "qty"),
    "unit_price": ("price", "unitprice", "unitcost"),
    "currency": ("currency", "ccy", "curr", "currencycode"),
}
_MODEL = ("model", "modelnumber", "modelno", "modelname")
_PART = ("partnumber", "partno", "sku")
BY_KIND: dict[Kind, dict[str, tuple[str, ...]]] = {
    # In an inventory `vendor` means the make (see Layout: unless a make column exists).
    "inventory": {
        "make": ("make", "manufacturer", "brand", "mfr", "mfg"),
        "model": _MODEL + _PART,
        "vendor": ("supplier", "distributor", "reseller"),
    },
    # In a purchase order the vendor is the seller; the manufacturer is the make.
    "po": {
        "make": ("make", "brand"),
        "manufacturer": ("manufacturer", "mfr", "mfg", "oem"),
        "model": _MODEL,
        "part_number": (*_PART, "mpn", "manufacturerpartnumber", "mfrpartnumber", "mfrpartno"),
        "vendor": ("vendor", "supplier", "seller", "distributor", "reseller"),
    },
}
# asset_id: several columns may be present; each row takes the first non-blank in this order.
ASSET: dict[Kind, tuple[str, ...]] = {
    "inventory": (
        "assetid",
        "assettag",
        "assetno",
        "assetnumber",
        "deviceid",
        "name",
        "devicename",
        "cameraname",
        "serial",
        "serialno",
        "serialnumber",
    ),
    "po": (
        "assetid",
        "assettag",
        "assetno",
        "assetnumber",
        "deviceid",
        "serial",
        "serialno",
        "serialnumber",
    ),
}
IDENTIFYING = ("make", "model", "mac", "vendor", "manufacturer", "part_number", "description")

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def norm_header(text: str) -> str:
    """Header text compared case-, space- and punctuation-insensitively; a bracketed note such
    as `(GBP)` is ignored and `#` reads as `no` (`Part #` = `Part No`)."""

    def squash(s: str) -> str:
        return "".join(ch for ch in s.replace("#", "no").casefold() if ch.isalnum())

    return squash(_BRACKETS.sub(" ", text)) or squash(text)


def known_headers(kind: Kind) -> frozenset[str]:
    """Every normalised header text that maps to a field for this kind."""
    tables = {**COMMON, **BY_KIND[kind], "asset_id": ASSET[kind], "vendor+": ("vendor",)}
    return frozenset(s for ss in tables.values() for s in ss)
