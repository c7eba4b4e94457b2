"""Synthetic SSP notes with and without person names, for the name guard's corpus test.

Seeded: the same seed gives the same corpus. The names come from this module's own
lists, written apart from the guard's lexicon (``data/privacy/person_names_sv.txt``):
most are common names the lexicon should know, some are deliberately rarer names that
only the context rules (age, "heter", "brodern till", "familjen", initials) can find,
and some are names that are also Swedish words ("Per", "Klara", "Max", "Bo"). The notes
without names are hard negatives: area, school, organisation and event names,
sentence-initial words that are also names, months, holidays, group descriptions with
ages and counts. Every name and note here is made up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

TEST_FIRST_NAMES: tuple[str, ...] = (
    # Common given names (most should be in the lexicon).
    "Kalle", "Anna", "Elias", "Wilma", "Hugo", "Ebba", "Liam", "Alice", "Noah", "Maja",
    "Oscar", "Elsa", "Lucas", "Saga", "William", "Ella", "Adam", "Alva", "Viggo", "Freja",
    "Isak", "Astrid", "Melvin", "Selma", "Nils", "Tyra", "Malte", "Ines", "Ludvig", "Nellie",
    "Mohammed", "Fatima", "Ali", "Amina", "Omar", "Zeynep", "Yusuf", "Hodan", "Ibrahim",
    "Maryam", "Ahmed", "Nour", "Hassan", "Leila", "Mustafa", "Aisha", "Emir", "Lejla",
    "Dawit", "Luwam", "Murat", "Elif", "Nikola", "Milica", "Piotr", "Oliwia", "Mikko",
    "Aino", "Carlos", "Valentina", "Reza", "Shirin", "Abdirahman", "Sagal", "Rebin", "Rojin",
    "Pontus", "Sixten", "Alvin", "Tilda", "Moa", "Jonatan", "Sebastian", "Vera", "Lovisa",
    "Kevin", "Felicia", "Rasmus", "Hampus", "Matilda", "Julia", "Emil", "Filip", "Amanda",
    # Names that are also Swedish words, months or brands.
    "Per", "Bo", "Klara", "Max", "Stig", "Inga", "Björn", "Liv",
    # Rarer names, meant to be outside a lexicon of common names.
    "Kerim", "Zlatko", "Yrsa", "Dalila", "Jovana", "Anouk", "Benedikt", "Cassius", "Eyvind",
    "Gorm", "Hjördis", "Iben", "Jorunn", "Kasimir", "Majvor", "Nadir", "Orvar", "Povel",
    "Wiveka", "Zamir", "Ebrima", "Lamin", "Fatou", "Binta", "Sölve",
)  # fmt: skip

TEST_SURNAMES: tuple[str, ...] = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Lindström",
    "Lindqvist", "Bergström", "Lundgren", "Sandberg", "Forsberg", "Sjöberg", "Wallin",
    "Engström", "Eklund", "Holmberg", "Nyström", "Söderberg", "Nordin", "Hedlund", "Åberg",
    "Mohamed", "Ahmed", "Hassan", "Ali", "Hussein", "Ibrahim", "Yilmaz", "Kaya", "Demir",
    "Nguyen", "Tran", "Petrovic", "Hodzic", "Nowak", "Virtanen", "Garcia", "Rodriguez",
    "Ahmadi", "Karimi", "Warsame", "Farah", "Abdullahi", "Berisha", "Krasniqi", "Mehmeti",
    # Surnames that are also words or places.
    "Berg", "Lund", "Holm", "Björk", "Ström",
    # Rarer surnames, meant to be outside the lexicon.
    "Haddad", "Khoury", "Sarkis", "Okafor", "Mwangi", "Kowalczyk", "Hakala", "Gebremedhin",
    "Rostami", "Sadeghi", "Lindbom", "Wennerholm", "Åhlund", "Strandell", "Grönwall", "Ekelöf",
)  # fmt: skip

AREAS: tuple[str, ...] = (
    "Gottsunda", "Gränby", "Märsta", "Valsätra", "Sävja", "Stenhagen", "Eriksberg",
    "Kungsängen", "Valsta", "Luthagen", "Svartbäcken", "Flogsta", "Kvarngärdet", "Fålhagen",
    "Salabacke", "Nyby", "Löten", "Kåbo", "Sunnersta", "Storvreta", "Björklinge", "Steninge",
    "Rosersberg", "Sigtuna", "Skepptuna", "Norby", "Rickomberga", "Årsta", "Bergsbrunna",
    "Gamla Uppsala", "Demoområde 3", "Demoområde 12", "Demoområde 7",
)  # fmt: skip
PLACES: tuple[str, ...] = (
    "Gottsunda centrum", "Stenhagen centrum", "Valsta centrum", "Märsta centrum",
    "Gränbystaden", "Stora torget", "Vaksala torg", "Forumtorget", "Stadsparken",
    "Fyrishov", "Studenternas", "Märsta station", "Centralstationen", "Kungsängens centrum",
    "Gustav Adolfs torg", "Svandammen", "Sävja bibliotek", "Valsätra centrum",
    "busshållplatsen", "skolgården", "fritidsgården", "idrottsplatsen", "pendeltågsstationen",
)  # fmt: skip
SCHOOLS: tuple[str, ...] = (
    "Gottsundaskolan", "Valsätraskolan", "Eriksbergsskolan", "Stenhagenskolan",
    "Gränbyskolan", "Sävjaskolan", "Valstaskolan", "Centralskolan", "Raoul Wallenbergskolan",
    "Sankt Pers skola", "Katedralskolan", "Rosendalsgymnasiet", "Anna Whitlocks gymnasium",
    "Sven Eriksonsgymnasiet", "Celsiusskolan", "Linnéskolan", "Elsa Brändströms skola",
)  # fmt: skip
ORGANISATIONS: tuple[str, ...] = (
    "Polisen", "Socialtjänsten", "Fältgruppen", "Nattvandrarna", "Fritidsgården",
    "Röda Korset", "Maria Ungdom", "BUP", "Länsstyrelsen", "Uppsalahem", "Sigtunahem",
    "Ung Fritid", "Trygghetsvärdarna", "Securitas", "UL", "SL", "Svenska kyrkan",
    "Föräldranätverket", "Brottsofferjouren", "Ica Maxi", "Coop", "Willys", "Max",
    "Clas Ohlson", "Systembolaget", "Pressbyrån", "McDonald's", "Lidl", "IK Sirius",
    "Märsta IK", "Storvreta IBK", "Mammor på stan", "Räddningstjänsten",
)  # fmt: skip
EVENTS: tuple[str, ...] = (
    "Valborg", "Lucia", "Midsommar", "Nyårsafton", "Skolavslutningen", "Kulturnatten",
    "Sportlovet", "Halloween", "Eid", "Allsången", "Uppsala Pride", "Studentfirandet",
    "Kristi himmelsfärd", "Sankt Hans", "Påsklovet", "Gustav Adolfsdagen", "Höstlovet",
    "Demofestival (syntetisk)", "Lönehelgen", "Trettondagen", "Nationaldagen",
)  # fmt: skip
MONTHS: tuple[str, ...] = (
    "Januari", "Februari", "Mars", "April", "Maj", "Juni", "Juli", "Augusti", "September",
    "Oktober", "November", "December",
)  # fmt: skip
NAMED_AFTER_PEOPLE: tuple[str, ...] = (
    "Gustav Adolfs torg", "Carolina Rediviva", "Sankt Eriks torg", "S:t Olofsgatan",
    "Drottning Kristinas väg", "Olof Palmes plats", "Hjalmar Brantingsgatan",
    "Torsten Bergmans väg", "Anna Lindhs plats", "Linnéträdgården", "Celsiushuset",
    "Kalle Anka-figuren", "Maria Ungdom", "Clas Ohlson", "Prinsessan Estelles park",
)  # fmt: skip
WEEKDAYS: tuple[str, ...] = ("Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag", "Lördag", "Söndag")

_WITH_NAMES: tuple[str, ...] = (
    "{F} {S} {A} år sågs langa vid {P}",
    "{F} {S} ({A}) och hans kompisar samlades vid {P}",
    "Brodern till {F} hotade personal på fritidsgården",
    "{F} ({A}) misstänks sälja snus till yngre vid {P}",
    "Oro för {F} {S}, ute sent flera kvällar i {R}",
    "Fick info om att {F} {S} bär kniv i skolan",
    "Eleven {F} skolkar och hänger vid {P}",
    "Familjen {S} har kontaktat socialtjänsten om sonen",
    "En tjej som heter {F} sågs med äldre killar vid {P}",
    "En kille kallad {F} säljer tabletter via Snapchat",
    "{f} {s} sågs vid {P} igen",
    "{I}. och två kompisar bråkade vid {P}",
    "Mamman till {F} ringde och var orolig",
    "{F} och {F2} bråkade vid {P}, polis tillkallad",
    "Polisen grep {F} {S}, {A}, efter rånet vid {P}",
    "Såg {F} {S} med äldre killar i {R}",
    "Fältarna pratade med {F} {S} om helgen",
    "{F} {S} ({A} år) misstänks för klotter i {R}",
    "{F}s kompis {F2} sålde tabletter vid {P}",
    "{A}-årige {F} hade med sig kniv till skolan",
    "Vi pratade med {F}, {A} år, vid {P}",
    "Känd ungdom ({F} {S}) synlig vid {P} igen",
    "{F} {Si}. har slutat komma till fritidsgården",
    "Oroande: {F} {S} i {R} rekryteras enligt uppgift",
    "{F} är ofta ute efter kl 23, pappan vet inte om det",
    "Grannar klagar på {S}s son, bråk varje helg",
    "Syskonen {S} ofta vid {P} sent",
    "{FU} {SU} SÅGS VID {PU} IGEN",
    "Skolan rapporterar att {F} saknas sedan i måndags",
    "{F} {S} har hotat en annan elev i {R}",
    "Info från mentor: {F} i 8B far illa hemma",
    "Tjejen {F} berättade om hot i klassen",
    "Vakterna känner igen {F} {S} från tidigare helger",
    "{F}, {F2} och {F3} sågs röka vid {P}",
    "Samtal med {F} {S} och vårdnadshavare bokat",
    "{F} {S} och {F2} {S2} bråkade vid {P}",
    "hon heter {f} och går i nian",
    "Kompis med {F} {S}, båda {A} år",
    "{F} {A} år sågs köra moped på gångvägen i {R}",
    "Oro: {F} {S} har flyttat till {R} och saknar skolplats",
)
_WITHOUT_NAMES: tuple[str, ...] = (
    "Samling av ca {n} ungdomar vid {P}",
    "Lugnt i {R} under kvällen",
    "{E}: mycket folk vid {P}, {n} nattvandrare ute",
    "Polisen kontrollerade mopeder i {R}",
    "Fritidsgården i {R} stängde tidigt",
    "Per kväll ca {n} ungdomar vid {P}",
    "Max {n} vuxna per grupp enligt {O}",
    "Dag {n} av {E}: lugnt i {R}",
    "Inga händelser vid {P} under {m}",
    "{M} var lugnare än {M2} i {R}",
    "Klotter på väggen vid {P}, {O} informerad",
    "Ungdomar från {R} och {R2} bråkade vid {P}",
    "Oro för rekrytering bland unga i {R}, {O} informerad",
    "Killar {A}–{A2} år samlades vid {P}",
    "Tjejer {A} år rapporteras utsatta för hot i {R}",
    "Grupp på {n} ({A}–{A2} år) vid {P}",
    "Samlingar: {R} ({n}), {R2} ({n2})",
    "Möte med {O} och {O2} inför {E}",
    "Nattvandring {R}: {n} vuxna, lugnt",
    "Bo tryggt i {R}: föräldramöte planeras",
    "Stenkastning mot bussar vid {P}",
    "Ökning av narkotikabrott i {R} {n} år i rad",
    "{O} i {R} firar {n} år",
    "{E} lugnare än förra året i {R}",
    "Vid Gustav Adolfs torg samlades {n} unga",
    "Samling utanför Maria Ungdom, {n} personer",
    "Snatteri på Clas Ohlson i {R}",
    "Mycket folk vid Max i {R} efter {E}",
    "Klara besked från {O} om fler vuxna ute",
    "Mina kollegor på {O} bekräftar bilden",
    "Ett gäng som kallar sig Zonen syns i {R}",
    "Platsen kallas Bunkern av ungdomarna i {R}",
    "Rektorn på {Sch} oroad över frånvaro i åk 8",
    "Föräldrar till elever på {Sch} kallas till möte",
    "Eleverna på {Sch} har fått information om nätdroger",
    "Raketer mot {O} i {R} på {E}",
    "Mopedåkning vid {P} under {E}",
    "Sportlov v. {n}: fler unga vid {P}",
    "Kulturnatten i Uppsala gick lugnt, {n} rapporter",
    "Fotbollsmatch IK Sirius mot AIK, mer polis vid {P}",
    "Snapchat-grupp sprider hot mot elever på {Sch}",
    "{O} rapporterar snatterier i {R}",
    "Sommarlovet börjar, {O} planerar fler kvällar i {R}",
    "{W} kväll: {n} ungdomar vid {P}",
    "{W}: lugnt, {O} fanns på plats vid {P}",
    "Liv och rörelse vid {P} hela kvällen",
    "Hala vägar, få ute i {R}",
    "Tala med {O} om belysningen vid {P}",
    "Sten kastad mot fönster på {Sch}",
    "Dina rapporter från {R} har kommit in",
    "Tom lokal i {R}, ingen personal på plats",
    "{R}: {n} ungdomar, {A}–{A2} år, vid {P}",
    "Elever från {Sch} och {Sch2} i bråk vid {P}",
    "Inför {E} {y}: fler vuxna till {R}",
    "Efter {E} {y} var det lugnare i {R} än {y2}",
    "Demoområde {n} hade flest rapporter i {m}",
    "Trygghetsvandring i {R} med {O} och {O2}",
    "Misstänkt langning vid {P} kl 22",
    "Föräldramöte på {Sch}: {n} deltagare, tema nätdroger",
    "Uppföljning med {O} om {R} nästa vecka",
    "Ungdomar {A} år och äldre syns vid {P}",
    "Nattvandrarna i {R} saknar folk inför {E}",
    "{E} i {R}: {n} polisanmälningar",
    "Region Uppsala och Uppsala kommun har möte om {R}",
    "Lokalpolisområde Märsta rapporterar lugn helg",
    "Samling vid {N} sent på kvällen",
    "Klotter vid {N}, anmält",
    "Projektet Trygg i {R} startar i {m}",
    "Bo Tryggt-veckan i {R} gav {n} nya nattvandrare",
    "Ungdomar i Hugo Boss-jackor och Canada Goose syns vid {P}",
    "Snapchat och TikTok används för att sälja, enligt {O}",
    "I {M} ökade anmälningarna, i {M2} minskade de",
    "Polisen Uppsala och {O} gör riktad insats i {R}",
    "NOA och lokalpolisen i {R} samverkar",
    "Gottsunda Centrum och Valsta Centrum lugna i helgen",
    "Möte på Fredag med {O}, tema {E}",
    "Stor Oro i {R} efter skottlossningen",
    "Ica Maxi Gränbystaden och Willys Gottsunda har fått nya vakter",
    "Ungdomar mellan {A} och {A2} år samlas vid {P}",
    "Fritidsgården {R} firar {n} år med öppet hus",
    "{R} {A} år sedan jämfört med nu: fler unga ute",
    "Lugnt vid Max och Burger King i {R}",
    "Maria Ungdom och BUP tar emot fler unga från {R}",
    "Kulturnatten: Ronald McDonald Hus hade öppet",
    "Kyrkans Sankt Hans-firande i {R} lugnt",
    "Mina sidor i appen visar {n} nya rapporter",
    "Vid Sankt Pers skola och Katedralskolan lugnt",
    "Många unga från {R} åkte till {R2} under {E}",
    "{W} kl 21: {n} mopeder vid {P}, Polisen kontaktad",
    "Dag och kväll lugnt, natt oroligt vid {P}",
    "Klara Kyrka och Stadsmissionen har nattöppet",
    "Fältgruppen {R}: {n} samtal med unga i {m}",
)


# Written by hand after the rules, as a check the generated corpus cannot give:
# free phrasing, not templates. Never used to tune the rules.
HAND_WRITTEN_WITH_NAMES: tuple[str, ...] = (
    "Pratade med Elias och hans kompis vid torget, båda verkar må dåligt.",
    "Oro för Isabella, 14, som ofta är ute sent i Gottsunda.",
    "Polisen omhändertog Adam Nilsson efter bråk vid centrum.",
    "Enligt skolan har Noah Eriksson hotat en lärare.",
    "Lärare rapporterar att Sara L. i 9C har slutat komma.",
    "Linnea och Tilde sågs med äldre killar i bil.",
    "Ahmed Ali 16 år misstänks för rån mot yngre.",
    "Ingrid (mamma till en elev) ringde och var orolig.",
    "Fatima Hassan har berättat om hot i klassen.",
    "Vi känner igen Oliver från tidigare, han bär ofta kniv.",
    "Samtal med Amir om hans narkotikabruk.",
    "Sebastian Lindqvist greps vid Valsta centrum.",
    "Wilma, 13 år, rymde hemifrån i helgen.",
    "Grannen Bengt Persson klagar på ungdomar.",
    "Kevins pappa kontaktade fältgruppen.",
    "Hanna Berg och Moa Lund sågs röka cannabis.",
    "Syskonen Karimi har flyttat till Märsta.",
    "Lillebror till Yusuf har börjat hänga med gänget.",
    "En tjej som heter Nour blev utsatt för hot.",
    "Mustafa och Hamza (båda 15) säljer snus.",
    "Emil Johansson, 17, kör moped utan körkort.",
    "Ebba S. och Tindra K. har skolkat hela veckan.",
    "E.J. och M.K. bråkade vid bussen.",
    "Oro för Alva och hennes kompisar.",
    "Rektor Lindgren meddelar att eleven Ali stängts av.",
    "Kalle i 8B sålde tabletter.",
    "Leo Karlsson hotade personal på fritidsgården.",
    "Mohammed Abdi och Omar Farah sågs vid bilen.",
    "Milan Petrovic har setts med äldre.",
    "Det var Selma och Agnes som ringde polisen.",
)
"""Free-form notes that name someone (all names made up)."""

HAND_WRITTEN_WITHOUT_NAMES: tuple[str, ...] = (
    "Ungdomsgrupp om ca 15 samlades vid Gottsunda centrum efter kl 21, viss oro bland butiksägare.",
    "Lugn kväll i Valsätra. Fältarna pratade med ett tiotal unga vid lekplatsen.",
    "Mopeder körde på gångbanan längs Hugo Alfvéns väg.",
    "Rapport från Ica Kvantum Sävja: snatteri av energidryck, tre pojkar ca 13 år.",
    "Oro på Stenhagenskolan efter hot i sociala medier, rektor har kontaktat polisen.",
    "Brand i papperskorg vid Valsta centrum, räddningstjänsten släckte.",
    "Grupp på 20-25 ungdomar vid Märsta station, några berusade.",
    "Inför Valborg: extra nattvandring i Eriksberg och Kvarngärdet.",
    "Klotter på Gränbyskolans fasad, anmält till fastighetsägaren.",
    "Positiv kväll på fritidsgården, ca 40 besökare, turnering i pingis.",
    "Misstänkt narkotikaförsäljning bakom Coop i Kungsängen.",
    "Flera föräldrar hör av sig om oro kring sociala medier, Snapchat-grupp med hot.",
    "Polisen genomförde riktad insats i Sävja tillsammans med socialtjänsten.",
    "Skolfrånvaron ökar i åk 8 på Valsätraskolan.",
    "Äldre ungdomar (18+) langar alkohol till yngre vid Fyrishov.",
    "Stenkastning mot buss 12 vid Gottsunda centrum.",
    "UL stängde av trafiken till Gottsunda under kvällen.",
    "Ungdomar samlades vid Carolina Rediviva efter studentfirandet.",
    "Fältgruppen Uppsala rapporterar lugn helg i Luthagen och Fålhagen.",
    "Hot mot personal på Sigtuna bibliotek.",
    "Nattvandrarna i Märsta: 6 vuxna, lugnt, pratade med ett 20-tal unga.",
    "Ungdomar från Stockholm kom med pendeltåget till Märsta.",
    "Kristi himmelsfärd: mycket folk vid Steninge slottsby.",
    "Ett gäng på mopeder kör runt i Rosersberg varje kväll.",
    "Studentfest vid Uppsala universitet och Lunds nation, lugnt.",
    "Stora torget: slagsmål mellan två grupper, polis på plats.",
    "Midsommarafton lugn i Sigtuna stad.",
    "Skadegörelse på Ekebyhovs skola.",
    "Påsklovet: fler ungdomar ute på kvällarna i Storvreta.",
    "Ungdomarna hänger vid Systembolaget i Gränbystaden.",
    "Vaktbolaget Avarn rapporterar ökning av snatterier.",
    "Många 13-åringar ute sent, föräldrar informerade via skolan.",
    "Trygghetsvandring med Uppsalahem och polisen i Gottsunda.",
    "Mopedåkning vid Kungsängens IP, boende klagar.",
    "Rykten om hot mot elever på Katedralskolan visade sig felaktiga.",
    "Inga rapporter från Valsta denna vecka.",
    "Möte med Region Uppsala om ungdomars psykiska hälsa.",
    "Biltävling på parkeringen vid Ikea Uppsala.",
    "Fritidsledarna på Ung Fritid Gränby är oroliga för rekrytering.",
    "Allsång vid Slottsbacken gick lugnt.",
    "Ungdomar från Sävja och Bergsbrunna bråkade vid Nåntuna.",
    "En grupp tjejer 14–15 år utsatta för trakasserier vid Forumgallerian.",
    "Vaktmästaren på Eriksbergsskolan hittade sprutor i buskarna.",
    "Många unga ute efter Uppsala Reggae Festival.",
    "Oro i Märsta efter skjutningen i Stockholm, många rykten.",
    "Fotbollsmatch IK Sirius – Djurgården, supportrar vid stationen.",
    "Ungdomar 16-18 år samlas vid McDonald's i Boländerna.",
    "Klotter med gängsymboler i tunneln vid Kvarngärdet.",
    "Polisen Uppsala informerar om ökade stölder av elsparkcyklar.",
    "Fältarna rapporterar att det är lugnare än förra året i Gränby.",
    "Sankta Lucia-tåget i Sigtuna gick lugnt.",
    "Föräldramöte på Valstaskolan med tema nätdroger, 45 deltagare.",
    "Ökad förekomst av lustgas vid Flogsta.",
    "Ung Kultur Gottsunda har fått nya lokaler.",
    "Drottning Kristinas väg: stöld ur bil.",
    "Kungsgatan: bråk utanför nattklubb, inga unga inblandade.",
    "Lönehelg: fler ute, ca 30 vid Svandammen.",
    "Mycket folk vid Uppsala Konsert & Kongress.",
    "Nationaldagsfirandet i Stadsträdgården lugnt.",
    "Hemsö och Rikshem samverkar om belysning i Gottsunda.",
)
"""Free-form notes that name no one: places, shops, schools, events, groups."""


@dataclass(frozen=True, slots=True)
class NamedNote:
    """A synthetic note holding person names, and the names it holds."""

    text: str
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NameCorpus:
    with_names: tuple[NamedNote, ...]
    without_names: tuple[str, ...]


def _fill(rng: random.Random, template: str) -> tuple[str, tuple[str, ...]]:
    first = rng.sample(TEST_FIRST_NAMES, 3)
    surnames = rng.sample(TEST_SURNAMES, 2)
    age = rng.randrange(11, 19)
    values = {
        "F": first[0],
        "F2": first[1],
        "F3": first[2],
        "S": surnames[0],
        "S2": surnames[1],
        "f": first[0].lower(),
        "s": surnames[0].lower(),
        "FU": first[0].upper(),
        "SU": surnames[0].upper(),
        "I": f"{first[0][0]}.{surnames[0][0]}",
        "Si": surnames[0][0],
        "A": str(age),
        "A2": str(age + rng.randrange(1, 4)),
        "P": rng.choice(PLACES),
        "PU": rng.choice(PLACES).upper(),
        "R": rng.choice(AREAS),
        "R2": rng.choice(AREAS),
        "O": rng.choice(ORGANISATIONS),
        "O2": rng.choice(ORGANISATIONS),
        "E": rng.choice(EVENTS),
        "Sch": rng.choice(SCHOOLS),
        "Sch2": rng.choice(SCHOOLS),
        "M": rng.choice(MONTHS),
        "M2": rng.choice(MONTHS),
        "m": rng.choice(MONTHS).lower(),
        "W": rng.choice(WEEKDAYS),
        "N": rng.choice(NAMED_AFTER_PEOPLE),
        "n": str(rng.randrange(2, 40)),
        "n2": str(rng.randrange(2, 40)),
        "y": str(rng.randrange(2020, 2027)),
        "y2": str(rng.randrange(2018, 2020)),
    }
    names_behind = {
        "F": (first[0],),
        "F2": (first[1],),
        "F3": (first[2],),
        "S": (surnames[0],),
        "S2": (surnames[1],),
        "f": (first[0],),
        "s": (surnames[0],),
        "FU": (first[0],),
        "SU": (surnames[0],),
        "I": (first[0], surnames[0]),
        "Si": (surnames[0],),
    }
    used = [
        name for key, names in names_behind.items() if "{" + key + "}" in template for name in names
    ]
    return template.format(**values), tuple(dict.fromkeys(used))


def name_corpus(seed: int = 20260514, size: int = 600) -> NameCorpus:
    """``size`` notes with names and ``size`` without, every template used evenly."""
    rng = random.Random(seed)
    with_names = []
    for index in range(size):
        text, names = _fill(rng, _WITH_NAMES[index % len(_WITH_NAMES)])
        with_names.append(NamedNote(text, names))
    without = [_fill(rng, _WITHOUT_NAMES[i % len(_WITHOUT_NAMES)])[0] for i in range(size)]
    return NameCorpus(tuple(with_names), tuple(without))
