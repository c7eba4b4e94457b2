"""The Swedish words and patterns the person-name rules (:mod:`data.privacy.names`) read.

Kept apart from the rules so a word can be added without reading the logic. Every set
holds lower-case words; :data:`PLACE_COMPOUND` is matched against a lower-cased word.
"""

from __future__ import annotations

import re
from typing import Final


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A capitalised compound ending like this names a place, a school or a day
# ("Raoul Wallenbergskolan", "Gustav Adolfsdagen"), not the person in it.
PLACE_COMPOUND = re.compile(
    r"(?:skolan|skola|gymnasiet|gymnasium|hallen|parken|torget|gatan|vägen|platsen|badet"
    r"|gården|kyrkan|huset|hemmet|centret|dagen|teatern|museet|stiftelsen|fonden|institutet"
    r"|sjukhuset|kliniken|arenan|stadion|bron|backen|gränden|allén|leden|stigen|hamnen"
    r"|berget|lunden|salen|biblioteket|akademin|gallerian|staden|dagarna|festivalen"
    r"|konserten|cupen|loppet|priset|galan)s?$"
)

# A genitive before one of these names a place or a shop: "Olof Palmes plats".
PLACE_NOUNS: Final = _words(
    "torg plats gata väg park skola gymnasium kiosk bageri pizzeria livs åkeri hall kyrka bro"
    " backe gränd allé stig staty kapell sjukhus bibliotek museum teater gård värld"
    " trappor trappa plan café kafé restaurang bar pub frisör salong butik affär klubb"
    " förening stiftelse fond lekplats skog udde holme dag"
)

# Saints and royals: "Sankt Hans", "S:t Per", "Drottning Kristinas väg".
TITLE_WORDS: Final = _words(
    "s:t s:ta st. sankt sankta kung kungen konung drottning drottningen prins prinsen"
    " prinsessan kronprinsessan kronprinsen hertig hertiginnan"
)

# "N år" followed by these is a span of time or a jubilee, not an age.
NOT_AN_AGE: Final = _words(
    "sedan sen i till efter före innan framåt bakåt tillbaka senare tidigare per jubileum"
    " jubilerar jubileet firar firas fest kalas av om"
)

# Naming phrases: "hon heter …", "kallad …", "vid namn …".
NAMING: Final = _words("heter hette kallas kallades kallad kallade alias aka namn namnet")
NAMED_ONLY_BY_NAMES: Final = frozenset({"heter", "hette"})  # "kallas in" is no name
NAMING_PAIRS: Final = frozenset({("kallar", "sig"), ("kallade", "sig"), ("vid", "namn")})
NOT_A_NAME_AFTER_NAMING: Final = _words(
    "inte det så ju nog väl något någon typ som en ett man sig här där också även bara nu"
    " alltså egentligen enligt kanske visst han hon hen de den dem att och eller i på av för"
    " med till om är var blir"
)

# What may be called something without being a person: "gänget kallar sig …".
NOT_PERSON_SUBJECTS: Final = _words(
    "det den detta denna gänget gruppen gäng grupp nätverket nätverk området platsen stället"
    " parken lokalen festen evenemanget appen kontot sidan chatten låten filmen spelet drogen"
    " preparatet tabletterna tabletter märket butiken affären kiosken projektet föreningen"
    " klubben laget skolan gatan torget byggnaden huset gården tunneln bron backen hörnet"
    " ställe plats sak saken grejen"
)

# Relations: "brodern till …", "Kerims bror".
RELATIONS: Final = _words(
    "bror brodern brorsan brorsa lillebror lillebrorsan storebror storebrorsan syster systern"
    " syrran syrra lillasyster storasyster kusin kusinen mamma mamman mor modern pappa pappan"
    " far fadern son sonen dotter dottern kompis kompisen kompisar kompisarna kamrat kamraten"
    " kamrater flickvän flickvännen pojkvän pojkvännen vän vännen vänner vännerna granne"
    " grannen farbror morbror moster faster styvpappa styvmamma styvbror styvsyster halvbror"
    " halvsyster förälder föräldrar föräldrarna vårdnadshavare vårdnadshavaren syskon"
    " syskonen ex polare polaren"
)
GENITIVE_RELATIONS: Final = RELATIONS - {
    "förälder",
    "föräldrar",
    "föräldrarna",
    "vårdnadshavare",
    "vårdnadshavaren",
}
RELATION_LINKS: Final = frozenset({"till", "åt", "med"})

# Words directly before a name: "familjen …", "eleven …", "fru …".
PERSON_NOUNS: Final = _words(
    "fru herr hr fröken frk familjen familj bröderna systrarna syskonen kusinerna makarna"
    " eleven pojken flickan killen tjejen grabben ungdom ungdomen barnet sonen dottern brodern"
    " systern brorsan syrran kompisen kamraten mamman pappan lillebror storebror lillasyster"
    " storasyster kusinen flickvännen pojkvännen klasskompisen vännen grannen mannen kvinnan"
    " killarna tjejerna pojkarna flickorna eleverna"
)

# Titles before a known name only: "rektor Berg" ("polisen Uppsala" is no person).
PROFESSIONS: Final = _words(
    "rektor rektorn läraren lärare lärarinnan mentor mentorn kurator kuratorn handläggare"
    " handläggaren socialsekreterare socialsekreteraren fältassistent fältassistenten"
    " fältaren fritidsledare fritidsledaren polis polisen kommunpolis kommunpolisen"
    " områdespolis områdespolisen polisinspektör ordförande ordföranden tränaren tränare"
    " vaktmästaren kollegan dr doktor skolsköterskan sköterskan vakten väktaren chefen"
    " samordnaren samordnare koordinator koordinatorn präst prästen imam imamen pastor"
    " pastorn"
)
PERSON_VERBS: Final = _words(
    "sågs greps misstänks misstänktes anhölls häktades dömdes omhändertogs saknas rymde"
    " försvann skolkar skolkade langar langade rökte röker bråkade slogs misshandlade rånade"
    " hotade hotar knivhöggs"
)
"""Verbs only a person does or suffers: an unknown capitalised subject is a name."""

# An unknown word after these (or listed with such words) is a place: "i Sävja".
PLACE_PREPOSITIONS: Final = _words(
    "i vid på från mot till utanför nära kring runt genom över in ut mellan bakom framför"
    " inom längs under"
)

# "Gamla Berg" is a place, "Tindra Berg" a person.
PLACE_MODIFIERS: Final = _words(
    "gamla stora lilla norra södra östra västra nya övre nedre sankt sankta centrala"
)

# A capitalised first word of a sentence that is a pronoun, a number word or a
# common noun (by these endings), not a name: "Han, 14 år, …", "Killar 15 år …".
COMMON_START: Final = _words(
    "han hon hen den det de vi ni jag du man någon en ett hans hennes deras dess hens sin"
    " sina mina dina våra era ens alla flera några många två tre fyra fem sex sju åtta nio"
    " tio ca cirka ungefär minst max högst unga äldre yngre barn grupp"
)
COMMON_ENDINGS = ("ar", "er", "or", "arna", "erna", "orna", "en", "et", "an", "ing")
