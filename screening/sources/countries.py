"""Country names as publishers write them -> ISO 3166 alpha-2, through pycountry."""

from __future__ import annotations

from functools import lru_cache

import pycountry

# Names lists use that pycountry's fuzzy-free lookup does not know.
_ALIASES = {
    "burma": "MM",
    "russia": "RU",
    "iran": "IR",
    "syria": "SY",
    "north korea": "KP",
    "korea, north": "KP",
    "korea, south": "KR",
    "south korea": "KR",
    "korea": "KR",
    "taiwan": "TW",
    "vietnam": "VN",
    "laos": "LA",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "macau": "MO",
    "hong kong": "HK",
    "china": "CN",
    "palestinian": "PS",
    "west bank": "PS",
    "gaza": "PS",
    "kosovo": "XK",
    "turkey": "TR",
    "congo, democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
    "congo, republic of the": "CG",
    "cote d ivoire": "CI",
    "ivory coast": "CI",
    "the bahamas": "BS",
    "the gambia": "GM",
    "brunei": "BN",
    "czech republic": "CZ",
    "united kingdom": "GB",
    "uk": "GB",
    "united states": "US",
    "usa": "US",
    "micronesia, federated states of": "FM",
    "cabo verde": "CV",
    "netherlands antilles": "AN",
    "region: crimea": "UA",
    "crimea": "UA",
    # UN forms (seen in the UN consolidated list).
    "iran (islamic republic of)": "IR",
    "state of palestine": "PS",
    "china, hong kong special administrative region": "HK",
    "china, macao special administrative region": "MO",
    "bolivia (plurinational state of)": "BO",
    "venezuela (bolivarian republic of)": "VE",
    "micronesia (federated states of)": "FM",
    "netherlands (kingdom of the)": "NL",
}


@lru_cache(maxsize=4096)
def to_iso2(name: str | None) -> str | None:
    """ISO alpha-2 for a published country name, or None when it is not a country we know."""
    if not name:
        return None
    text = name.strip()
    key = " ".join(text.replace("'", " ").replace(".", " ").lower().split())
    if key in _ALIASES:
        return _ALIASES[key]
    if len(text) == 2 and text.isalpha():
        hit = pycountry.countries.get(alpha_2=text.upper())
        return str(hit.alpha_2) if hit else None
    if len(text) == 3 and text.isalpha():
        hit = pycountry.countries.get(alpha_3=text.upper())
        if hit:
            return str(hit.alpha_2)
    try:
        hit = pycountry.countries.lookup(text)
    except LookupError:
        return None
    return str(hit.alpha_2)


def country_or_text(name: str | None) -> str | None:
    """ISO code when resolvable, else the published text (never invent a code)."""
    if not name or not name.strip():
        return None
    return to_iso2(name) or name.strip()
