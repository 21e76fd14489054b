"""Spelling variants of one name part that no edit distance sees: nicknames (Ben/Benjamin,
Ted/Theodore), Ukrainian and Russian forms of one given name (Volodymyr/Vladimir), Chinese
romanisations (Wade-Giles Hsi / Pinyin Xi), and the loose sound key that
ties a transliteration from another script to the Latin spelling it renders (Cyrillic "Хиквижн",
written "khikvizhn", to "Hikvision"; the German "Tschernow" and Latvian "Černovs" to "Chernov").

Provenance: the nickname table was compiled by hand for this project from common English,
Russian and Arabic diminutives and the standard Ukrainian, Belarusian and Russian forms of
common given names (no third-party list copied); the romanisation rules follow the
published Wade-Giles and Hanyu Pinyin initials tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from .lexicon import phonetic_key

# Diminutive -> the given names it stands for.
_NICKNAMES = """
ben: benjamin, benedict | ted: theodore, edward | teddy: theodore, edward | ed: edward, edwin
bill: william | will: william | billy: william | bob: robert | rob: robert | bobby: robert
dick: richard | rick: richard | rich: richard | jim: james | jimmy: james | tom: thomas
mike: michael | mick: michael | dave: david | joe: joseph | sam: samuel | alex: alexander, alexei
sasha: alexander, aleksandr, alexei, aleksei | misha: mikhail | volodya: vladimir
kolya: nikolai, nikolay | dima: dmitry, dmitri, dmitriy | seryozha: sergei, sergey
pasha: pavel | petya: pyotr | vanya: ivan | kostya: konstantin | zhenya: yevgeny, evgeny
lyosha: alexei, aleksei | tony: anthony, antonio | andy: andrew | chris: christopher, christian
steve: steven, stephen | pat: patrick | greg: gregory | nick: nicholas | matt: matthew
dan: daniel | danny: daniel | tim: timothy | jack: john | johnny: john | jon: jonathan, john
charlie: charles | chuck: charles | harry: henry, harold | hank: henry | larry: lawrence
jerry: gerald, jeremy | fred: frederick | freddie: frederick | ron: ronald | don: donald
ken: kenneth | abe: abraham | liz: elizabeth | beth: elizabeth | kate: katherine, catherine
kathy: katherine, catherine | sue: susan | peggy: margaret | maggie: margaret | meg: margaret
jenny: jennifer | becky: rebecca | abdo: abdul, abdullah | hamoud: mohammed, muhammad
mohd: mohammed, muhammad | muhd: muhammad | mohd: mohamed
"""
# The same given name in Ukrainian or Belarusian and in Russian transliteration.
_NICKNAMES += """
volodymyr: vladimir | uladzimir: vladimir | mykola: nikolai, nikolay | mikalai: nikolai, nikolay
oleksiy: aleksey, alexei, aleksei | oleksii: aleksey, alexei, aleksei | aliaksei: aleksey, alexei
oleksandr: aleksandr, alexander | aliaksandr: aleksandr, alexander | serhiy: sergey, sergei
serhii: sergey, sergei | siarhei: sergey, sergei | andriy: andrey, andrei | andrii: andrey, andrei
yuriy: yuri, yury | yurii: yuri, yury | dmytro: dmitry, dmitri | petro: pyotr, petr | pavlo: pavel
mykhailo: mikhail | mikhail: mikhailo | hryhoriy: grigory, grigoriy | yevhen: evgeny, yevgeny
vasyl: vasily, vasiliy | anatoliy: anatoly | anatolii: anatoly | viktor: victor | ihor: igor
oleh: oleg | valeriy: valery | vitaliy: vitaly | vitalii: vitaly | kostiantyn: konstantin
"""
NICKNAMES: Mapping[str, frozenset[str]] = {
    nick.strip(): frozenset(n.strip() for n in full.split(","))
    for entry in _NICKNAMES.replace("\n", "|").split("|")
    if entry.strip()
    for nick, full in [entry.split(":")]
}


def nickname(a: str, b: str) -> bool:
    """Whether one word is a diminutive of the other (Ben and Benjamin)."""
    return b in NICKNAMES.get(a, ()) or a in NICKNAMES.get(b, ())


# Wade-Giles (and older postal) initials -> Hanyu Pinyin, aspiration marks already dropped.
# Korean McCune-Reischauer "Ch" is Revised Romanization "J" (Chang/Jang, Cho/Jo), as Wade-Giles
# "Ch" is Pinyin "Zh" or "J".
_ROMAN_INITIALS = (("hs", "x"), ("sh", "x"), ("tz", "z"), ("ts", "z"), ("ch", "j"), ("zh", "j"))
_ROMAN_FINALS = (("ung", "ong"), ("ieh", "ie"), ("ien", "ian"), ("uei", "ui"), ("ih", "i"))


@lru_cache(maxsize=16384)
def syllable_key(word: str) -> str:
    """A short (Chinese) name part in one romanisation: Wade-Giles "Hsi" and Pinyin "Xi" (and
    "Shi" as often written for both), "Chang", "Zhang" and "Jang", "Tsai" and "Zai" agree."""
    for old, new in _ROMAN_INITIALS:
        if word.startswith(old):
            word = new + word[len(old) :]
            break
    for old, new in _ROMAN_FINALS:
        if word.endswith(old):
            return word[: -len(old)] + new
    return word


_SIBILANTS = str.maketrans({"j": "s", "z": "s", "C": "s", "x": "s"})


@lru_cache(maxsize=65536)
def loose_key(word: str) -> str:
    """A looser sound key for spellings that pass through another script or language: h and kh
    dropped (Cyrillic Х renders both), every s/z/sh/zh/ch/j sound one class (Ж renders the "s" of
    "vision"), c before e/i/y as "ts" (Czech, Latvian Č), a Latvian or Lithuanian nominative -s
    dropped, w as v (German). Empty for words of under four letters."""
    if len(word) < 4 or word.isdigit():
        return ""
    w = word.replace("kh", "h").replace("tsch", "ch").replace("tch", "ch").replace("cz", "ch")
    w = w.replace("ce", "se").replace("ci", "si").replace("cy", "sy").replace("w", "v")
    if len(w) >= 6 and w.endswith(("s", "is", "as", "us")) and w[-2:] != "ss":
        w = w[:-1]
    key = phonetic_key(w).translate(_SIBILANTS).replace("h", "")
    out: list[str] = []
    for ch in key:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)
