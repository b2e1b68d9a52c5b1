"""Subjects of integration measures: what a measure is about, in the terms of the catalogue.

A subject carries its title phrases, summary sentences, catalogue links (areas, basic-offer
component or complementary need, NAP-I theme), the federal Ressorts (and their agencies) that
typically own such a measure, and the target-group phrases and instruments that fit it.

The sentences deliberately use German compounds ("Berufssprachkurse", "Anerkennungsberatung",
"Kita-Einstiegsbegleiterinnen"): the subject "berufssprache" never uses the bare word
"Sprachkurs", so search finds it for "Sprachkurs" only by decomposing compounds.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Subject:
    key: str
    label: str  # noun phrase for titles by apposition: "Sprachförderung"
    dative: str  # "zur Sprachförderung"
    fuer: str  # "für Sprachförderung"
    activity: str  # after "unterstützt <target>": "beim Deutschlernen im Alltag"
    offer: str  # accusative object of "bietet": "niedrigschwellige Sprachförderung im Alltag"
    goal: str  # infinitive clause with {target} / {target_dat}
    focuses: tuple[str, ...]  # "mit Schwerpunkt …"
    areas: tuple[str, ...]
    component: str | None  # basic-offer component key, or None for complementary measures
    need: str  # complementary need (rule 6) when there is no component
    theme: tuple[int, int]  # NAP-I (phase, position) whose title the summary may cite
    bund_owners: tuple[tuple[str, str | None], ...]  # (owning Ressort, implementing agency)
    instruments: tuple[str, ...]
    targets: tuple[str, ...]
    sentences: tuple[str, ...]  # content sentences, at least four
    regular: str  # the regular system the measure supplements (rule 3)
    legal_basis: str = ""
    partners: tuple[str, ...] = ()  # subject-specific partner organisations (registry keys)
    eu_fund: str = "esf-plus"  # the EU fund that typically co-finances such measures
    levels: tuple[str, ...] = ("bund", "land", "kommune")
    pre_integration: bool = False
    weight: float = 1.0

    @property
    def offer_type(self) -> str:
        if self.pre_integration:
            return "pre_integration"
        return "component" if self.component else "complementary"


SUBJECTS: tuple[Subject, ...] = (
    Subject(
        key="sprachfoerderung",
        label="Sprachförderung",
        dative="zur Sprachförderung",
        fuer="für Sprachförderung",
        activity="beim Deutschlernen im Alltag",
        offer="niedrigschwellige Sprachförderung im Alltag",
        goal="die deutschen Sprachkenntnisse von {target_dat} zu verbessern und ihre Teilhabe im Alltag "
        "zu stärken",
        focuses=("Alltagsdeutsch", "Alphabetisierung", "Elternbildung", "Behördenkommunikation"),
        areas=("sprache",),
        component=None,
        need="Sprachförderung für Menschen, die (noch) keinen Zugang zum Integrationskurs haben oder "
        "Wartezeiten überbrücken müssen",
        theme=(2, 1),
        bund_owners=(("bmi", "bamf"), ("bmbfsfj", None), ("ib", None)),
        instruments=(
            "sprachkurs",
            "intensivsprachkurs",
            "sprachcafe",
            "foerderprogramm",
            "modellprojekt",
            "netzwerk",
            "initiative",
            "patenschaftsprogramm",
            "landesprogramm",
            "bundesprogramm",
        ),
        targets=(
            "gefluechtete-frauen",
            "eltern-mh",
            "geduldete",
            "alle-zugewanderten",
            "junge-gefluechtete",
            "eu-zugewanderte",
        ),
        sentences=(
            "Die Deutschsprachförderung findet in kleinen Gruppen und wohnortnah statt; während der "
            "Kurszeiten wird eine Kinderbetreuung angeboten.",
            "Ehrenamtliche Sprachpatinnen und Sprachpaten ergänzen die Sprachlernangebote und üben "
            "Alltagssituationen wie Arztbesuche oder Behördengänge.",
            "Die Sprachlernangebote überbrücken Wartezeiten bis zum Beginn eines Integrationskurses und "
            "bereiten auf den Einstufungstest vor.",
            "Digitale Sprachlernplattformen und feste Lernbegleitungen ermöglichen das Deutschlernen "
            "auch neben Beruf und Familie.",
        ),
        regular="Integrationskurs",
        eu_fund="amif",
        weight=1.6,
    ),
    Subject(
        key="integrationskurs",
        label="Integrationskursbegleitung",
        dative="zur Begleitung von Integrationskursen",
        fuer="zur Begleitung von Integrationskursen",
        activity="beim Besuch des Integrationskurses",
        offer="eine Begleitung vor, während und nach dem Integrationskurs",
        goal="möglichst vielen {target_dat} einen erfolgreichen Abschluss des Integrationskurses zu "
        "ermöglichen",
        focuses=(
            "Frauenintegrationskurs",
            "Elternintegrationskurs",
            "Jugendintegrationskurs",
            "Alphabetisierungskurs",
            "Orientierungskurs",
        ),
        areas=("sprache", "gesellschaft"),
        component="integrationskurs",
        need="",
        theme=(2, 1),
        bund_owners=(("bmi", "bamf"),),
        instruments=(
            "foerderprogramm",
            "beratungsangebot",
            "modellprojekt",
            "lotsenprojekt",
            "servicestelle",
            "netzwerk",
            "mentoringprogramm",
        ),
        targets=(
            "gefluechtete-frauen",
            "eltern-mh",
            "junge-gefluechtete",
            "alle-zugewanderten",
            "spaetaussiedler",
            "nachziehende-familien",
        ),
        sentences=(
            "Integrationskurse vermitteln Deutschkenntnisse bis zum Sprachniveau B1 und im "
            "Orientierungskurs Wissen über Rechtsordnung, Geschichte und Kultur in Deutschland.",
            "Spezielle Kursformate wie Frauenintegrationskurse, Elternintegrationskurse und "
            "Jugendintegrationskurse berücksichtigen besondere Lebenslagen.",
            "Kursträger werden bei der Einrichtung zusätzlicher Kursplätze und einer kursbegleitenden "
            "Kinderbetreuung unterstützt.",
            "Der Übergang aus dem Integrationskurs in Berufssprachkurse, Ausbildung oder Beschäftigung "
            "wird individuell begleitet.",
        ),
        regular="Integrationskurs nach § 43 AufenthG",
        legal_basis="§§ 43 bis 44a AufenthG; Integrationskursverordnung (IntV)",
        eu_fund="amif",
        weight=1.4,
    ),
    Subject(
        key="berufssprache",
        label="Berufssprache Deutsch",
        dative="zur berufsbezogenen Deutschsprachförderung",
        fuer="für berufsbezogene Deutschsprachförderung",
        activity="beim Erwerb berufsbezogener Deutschkenntnisse",
        offer="berufsbezogene Deutschsprachförderung mit Fachsprachmodulen",
        goal="{target_dat} die für Ausbildung und Beruf nötigen Deutschkenntnisse zu vermitteln",
        focuses=(
            "Pflege",
            "Gesundheitsberufe",
            "Handwerk",
            "Einzelhandel",
            "Gastronomie",
            "Kindertagesbetreuung",
            "Logistik",
            "IT-Berufe",
        ),
        areas=("sprache", "bildung-arbeit"),
        component="berufssprache",
        need="",
        theme=(2, 1),
        bund_owners=(("bmas", "bamf"),),
        instruments=(
            "berufssprachkurs",
            "intensivsprachkurs",
            "foerderprogramm",
            "modellprojekt",
            "qualifizierungsoffensive",
            "netzwerk",
            "bundesprogramm",
            "landesprogramm",
        ),
        targets=(
            "fachkraefte",
            "arbeitsuchende",
            "gefluechtete-frauen",
            "auszubildende-fluchtgeschichte",
            "eu-zugewanderte",
            "geringqualifizierte",
        ),
        sentences=(
            "Berufssprachkurse bauen auf dem Integrationskurs auf und führen mit Fachsprachmodulen bis "
            "zum Sprachniveau C1.",
            "Die berufsbezogene Deutschsprachförderung wird mit betrieblichen Praxisphasen verzahnt, "
            "damit der Fachwortschatz direkt am Arbeitsplatz angewendet wird.",
            "Spezialberufssprachkurse bereiten auf Fachsprachprüfungen in akademischen Heilberufen und "
            "Gesundheitsfachberufen vor.",
            "Jobcenter und Agenturen für Arbeit vermitteln Teilnehmende gezielt in berufsbegleitende "
            "Berufssprachkurse.",
        ),
        regular="Berufssprachkurse nach § 45a AufenthG",
        legal_basis="§ 45a AufenthG; Deutschsprachförderverordnung (DeuFöV)",
        weight=1.4,
    ),
    Subject(
        key="anerkennung",
        label="Anerkennung ausländischer Berufsabschlüsse",
        dative="zur Anerkennung ausländischer Berufsabschlüsse",
        fuer="für die Anerkennung ausländischer Berufsabschlüsse",
        activity="bei der Anerkennung ihrer ausländischen Berufsabschlüsse",
        offer="Beratung und Qualifizierung im Anerkennungsverfahren",
        goal="die im Ausland erworbenen Qualifikationen von {target_dat} schneller nutzbar zu machen",
        focuses=("Gesundheitsberufe", "Pflegeberufe", "Lehrkräfte", "Ingenieurberufe", "Handwerksberufe"),
        areas=("bildung-arbeit",),
        component="anerkennung",
        need="",
        theme=(2, 3),
        bund_owners=(("bmbfsfj", "bibb"), ("bmas", "ba"), ("bmbfsfj", None)),
        instruments=(
            "beratungsangebot",
            "lotsenprojekt",
            "foerderprogramm",
            "qualifizierungsoffensive",
            "servicestelle",
            "kompetenzzentrum",
            "netzwerk",
            "modellprojekt",
            "landesprogramm",
        ),
        targets=(
            "fachkraefte",
            "gefluechtete-frauen",
            "eu-zugewanderte",
            "wissenschaftler",
            "arbeitsuchende",
            "alle-zugewanderten",
        ),
        sentences=(
            "Anerkennungssuchende erhalten eine Erstberatung zum Anerkennungsverfahren und "
            "Unterstützung bei der Zusammenstellung der Unterlagen.",
            "Anpassungsqualifizierungen und Vorbereitungskurse auf Kenntnisprüfungen gleichen "
            "wesentliche Unterschiede zum deutschen Referenzberuf aus.",
            "Ein Anerkennungszuschuss übernimmt Gebühren und Übersetzungskosten für Personen mit "
            "geringem Einkommen.",
            "Die Anerkennungsberatung arbeitet eng mit Kammern, zuständigen Stellen und Arbeitgebern "
            "zusammen.",
        ),
        regular="Anerkennungsverfahren der zuständigen Stellen",
        legal_basis="Berufsqualifikationsfeststellungsgesetz (BQFG)",
        partners=("f-bb",),
        weight=1.3,
    ),
    Subject(
        key="ausbildungsbegleitung",
        label="Ausbildungsbegleitung",
        dative="zur Ausbildungsbegleitung",
        fuer="für Ausbildungsbegleitung",
        activity="auf dem Weg durch die Ausbildung",
        offer="eine kontinuierliche Begleitung während der Berufsausbildung",
        goal="Ausbildungsabbrüche bei {target_dat} zu vermeiden und Berufsabschlüsse zu sichern",
        focuses=("Handwerk", "Pflege", "Industrie und Technik", "Hotellerie und Gastronomie"),
        areas=("bildung-arbeit",),
        component="berufsorientierung",
        need="",
        theme=(3, 1),
        bund_owners=(("bmbfsfj", "bibb"), ("bmas", "ba")),
        instruments=(
            "mentoringprogramm",
            "lotsenprojekt",
            "patenschaftsprogramm",
            "foerderprogramm",
            "modellprojekt",
            "netzwerk",
            "qualifizierungsoffensive",
        ),
        targets=(
            "junge-gefluechtete",
            "auszubildende-fluchtgeschichte",
            "zugewanderte-jugendliche",
            "gefluechtete-frauen",
            "geduldete",
        ),
        sentences=(
            "Ausbildungsbegleiterinnen und Ausbildungsbegleiter unterstützen Auszubildende und "
            "Betriebe von der Bewerbung bis zur Abschlussprüfung.",
            "Ausbildungsbegleitende Hilfen umfassen Nachhilfe in Berufsschulfächern, "
            "Fachsprachförderung und sozialpädagogische Begleitung.",
            "Ehrenamtliche Ausbildungspatinnen und Ausbildungspaten helfen, Ausbildungsabbrüche "
            "frühzeitig zu vermeiden.",
            "Betriebe erhalten Beratung zur Ausbildung Geflüchteter und zu aufenthaltsrechtlichen "
            "Fragen wie der Ausbildungsduldung.",
        ),
        regular="Assistierte Ausbildung der Agenturen für Arbeit",
        legal_basis="§§ 74 bis 75a SGB III (Assistierte Ausbildung)",
        partners=("bag-ejsa", "wjd"),
        weight=1.2,
    ),
    Subject(
        key="berufsorientierung",
        label="Berufsorientierung",
        dative="zur Berufsorientierung",
        fuer="für Berufsorientierung",
        activity="bei der Berufswahl und beim Übergang in Ausbildung",
        offer="praxisnahe Berufsorientierung mit Betriebspraktika",
        goal="{target_dat} einen schnellen Übergang in eine duale oder schulische Ausbildung zu ermöglichen",
        focuses=("MINT-Berufe", "Pflege", "Handwerk", "Einstiegsqualifizierung"),
        areas=("bildung-arbeit",),
        component="berufsorientierung",
        need="",
        theme=(3, 1),
        bund_owners=(("bmbfsfj", "bibb"), ("bmas", "ba")),
        instruments=(
            "foerderprogramm",
            "modellprojekt",
            "lotsenprojekt",
            "netzwerk",
            "initiative",
            "bundesprogramm",
            "landesprogramm",
            "mentoringprogramm",
        ),
        targets=(
            "junge-gefluechtete",
            "zugewanderte-jugendliche",
            "gefluechtete-frauen",
            "geringqualifizierte",
        ),
        sentences=(
            "Potenzialanalysen, Werkstatttage und Betriebspraktika helfen, eigene Stärken zu erkennen "
            "und Berufsfelder kennenzulernen.",
            "Eine Einstiegsqualifizierung im Betrieb bereitet gezielt auf die anschließende "
            "Berufsausbildung vor.",
            "Berufsberaterinnen und Berufsberater der Agenturen für Arbeit informieren über das duale "
            "Ausbildungssystem und Förderleistungen.",
            "Die Berufsorientierung verbindet Sprachförderung mit praktischen Erfahrungen in "
            "Handwerks- und Industriebetrieben.",
        ),
        regular="Berufsberatung der Agenturen für Arbeit",
        partners=("wjd", "bag-ejsa"),
    ),
    Subject(
        key="arbeitsmarktintegration",
        label="Arbeitsmarktintegration",
        dative="zur Arbeitsmarktintegration",
        fuer="für Arbeitsmarktintegration",
        activity="bei der Suche nach einer qualifikationsgerechten Beschäftigung",
        offer="Jobcoaching, Qualifizierung und Vermittlung in Beschäftigung",
        goal="{target_dat} eine nachhaltige und qualifikationsadäquate Beschäftigung zu ermöglichen",
        focuses=("Pflege", "MINT-Berufe", "Handwerk", "Logistik", "Gastronomie"),
        areas=("bildung-arbeit",),
        component="arbeitsmarktintegration",
        need="",
        theme=(3, 1),
        bund_owners=(("bmas", "ba"), ("bmas", None), ("bmwi", "kofa")),
        instruments=(
            "foerderprogramm",
            "qualifizierungsoffensive",
            "netzwerk",
            "modellprojekt",
            "mentoringprogramm",
            "lotsenprojekt",
            "bundesprogramm",
            "landesprogramm",
            "servicestelle",
        ),
        targets=(
            "fachkraefte",
            "arbeitsuchende",
            "gefluechtete-frauen",
            "geringqualifizierte",
            "eu-zugewanderte",
            "geduldete",
            "menschen-behinderungen",
        ),
        sentences=(
            "Jobcoaches begleiten Teilnehmende individuell bei Bewerbungen, Vorstellungsgesprächen und "
            "in den ersten Monaten im Betrieb.",
            "Arbeitgeber erhalten Beratung zur Beschäftigung zugewanderter Fachkräfte und zu "
            "Fördermöglichkeiten wie Eingliederungszuschüssen.",
            "Modulare Teilqualifizierungen führen schrittweise zu einem anerkannten Berufsabschluss.",
            "Das Förderprogramm „Integration durch Qualifizierung (IQ)“ bündelt Beratung, "
            "Qualifizierung und die interkulturelle Öffnung der Arbeitsverwaltung.",
        ),
        regular="Arbeitsförderung nach SGB II und SGB III",
        legal_basis="§§ 16 ff. SGB II; §§ 44 ff. SGB III",
        partners=("nuif", "kofa", "f-bb"),
        weight=1.5,
    ),
    Subject(
        key="studieneinstieg",
        label="Studienvorbereitung",
        dative="zur Studienvorbereitung",
        fuer="für den Studieneinstieg",
        activity="beim Einstieg in ein Hochschulstudium",
        offer="studienvorbereitende Kurse und Beratung an Hochschulen",
        goal="{target_dat} einen erfolgreichen Studieneinstieg und Studienabschluss zu ermöglichen",
        focuses=("MINT-Fächer", "Medizin", "Lehramt", "Ingenieurwissenschaften"),
        areas=("bildung-arbeit", "sprache"),
        component="studieneinstieg",
        need="",
        theme=(2, 4),
        bund_owners=(("bmftr", "daad"),),
        instruments=(
            "foerderprogramm",
            "mentoringprogramm",
            "beratungsangebot",
            "netzwerk",
            "modellprojekt",
            "intensivsprachkurs",
        ),
        targets=("studieninteressierte", "junge-gefluechtete", "wissenschaftler", "gefluechtete-frauen"),
        sentences=(
            "Studienkollegs und studienvorbereitende Sprachkurse führen zur "
            "Hochschulzugangsberechtigung und zum Sprachnachweis DSH oder TestDaF.",
            "Studierende mit Fluchtgeschichte werden durch Buddy-Programme und Studienlotsinnen und "
            "Studienlotsen an der Hochschule begleitet.",
            "Die Anerkennung ausländischer Studienleistungen und Hochschulzugangsberechtigungen wird "
            "in der Studienberatung geklärt.",
            "Stipendien und Brückenkurse sichern den Studienerfolg in den ersten Semestern.",
        ),
        regular="Studienberatung der Hochschulen",
        partners=("uni-hildesheim", "uni-bielefeld"),
        weight=0.7,
    ),
    Subject(
        key="kita-einstieg",
        label="Kita-Einstieg",
        dative="zum Kita-Einstieg",
        fuer="für den Kita-Einstieg",
        activity="beim Zugang zur Kindertagesbetreuung",
        offer="Brückenangebote in die frühkindliche Bildung",
        goal="{target_dat} den Zugang zu Kindertagesbetreuung und frühkindlicher Bildung zu erleichtern",
        focuses=("Eltern-Kind-Gruppen", "Sprachbildung in der Kita", "Elternarbeit"),
        areas=("bildung-arbeit", "gesellschaft"),
        component=None,
        need="Zugang zur frühkindlichen Bildung für Familien, die das Regelangebot der "
        "Kindertagesbetreuung bisher nicht erreicht",
        theme=(3, 2),
        bund_owners=(("bmbfsfj", None),),
        instruments=(
            "foerderprogramm",
            "modellprojekt",
            "bundesprogramm",
            "landesprogramm",
            "netzwerk",
            "lotsenprojekt",
            "initiative",
            "beratungsangebot",
        ),
        targets=("eltern-mh", "gefluechtete-familien", "kinder-zugewanderte-familien", "gefluechtete-frauen"),
        sentences=(
            "Brückenangebote wie Eltern-Kind-Gruppen und Spielkreise bereiten Kinder und Eltern auf den "
            "Kita-Alltag vor.",
            "Kita-Einstiegsbegleiterinnen und Kita-Einstiegsbegleiter informieren Familien über "
            "Anmeldung, Betreuungsplätze und Elternbeiträge.",
            "Pädagogische Fachkräfte werden in alltagsintegrierter Sprachbildung und in der "
            "Zusammenarbeit mit mehrsprachigen Familien qualifiziert.",
            "Elterncafés in Kindertageseinrichtungen schaffen Vertrauen und stärken den Austausch "
            "zwischen Familien.",
        ),
        regular="Kindertagesbetreuung nach SGB VIII",
        legal_basis="§ 24 SGB VIII",
        eu_fund="amif",
        weight=1.0,
    ),
    Subject(
        key="antidiskriminierung",
        label="Antidiskriminierungsberatung",
        dative="zur Antidiskriminierungsberatung",
        fuer="für Antidiskriminierungsberatung",
        activity="beim Schutz vor Diskriminierung",
        offer="qualifizierte Antidiskriminierungsberatung und Empowerment",
        goal="{target} wirksam vor Diskriminierung zu schützen und Betroffene zu stärken",
        focuses=("Arbeitsmarkt", "Wohnungsmarkt", "Schule", "Behörden"),
        areas=("gesellschaft",),
        component=None,
        need="Beratung und Unterstützung bei Diskriminierung, die im Regelsystem nicht vorgesehen ist",
        theme=(5, 3),
        bund_owners=(("bmbfsfj", "ads"), ("ib", None), ("bmi", "bpb")),
        instruments=(
            "beratungsangebot",
            "fachstelle",
            "netzwerk",
            "modellprojekt",
            "initiative",
            "foerderprogramm",
            "kompetenzzentrum",
        ),
        targets=("alle-zugewanderten", "queere-gefluechtete", "gefluechtete-frauen", "menschen-mh"),
        sentences=(
            "Antidiskriminierungsberatungsstellen beraten Betroffene vertraulich und begleiten sie bei "
            "Beschwerden und rechtlichen Schritten.",
            "Empowerment-Workshops stärken Betroffene darin, Diskriminierung zu erkennen und ihre "
            "Rechte wahrzunehmen.",
            "Verwaltungen, Schulen und Unternehmen werden für Diskriminierungsrisiken sensibilisiert "
            "und beim Aufbau von Beschwerdestellen beraten.",
            "Diskriminierungsfälle werden anonymisiert dokumentiert, um strukturelle Benachteiligungen "
            "sichtbar zu machen.",
        ),
        regular="Antidiskriminierungsstelle des Bundes",
        legal_basis="Allgemeines Gleichbehandlungsgesetz (AGG)",
        partners=("tgd", "ndm"),
        eu_fund="amif",
        weight=0.9,
    ),
    Subject(
        key="einbuergerung",
        label="Einbürgerung",
        dative="zur Einbürgerung",
        fuer="für Einbürgerung",
        activity="auf dem Weg zur Einbürgerung",
        offer="Information und Beratung zur Einbürgerung",
        goal="{target_dat} den Weg zur deutschen Staatsangehörigkeit zu erleichtern",
        focuses=("Einbürgerungstest", "Mehrstaatigkeit", "Verfahrensberatung"),
        areas=("gesellschaft",),
        component="information-beratung",
        need="",
        theme=(5, 4),
        bund_owners=(("bmi", "bamf"), ("bmi", "bpb"), ("ib", None)),
        instruments=(
            "initiative",
            "lotsenprojekt",
            "beratungsangebot",
            "servicestelle",
            "netzwerk",
            "modellprojekt",
        ),
        targets=("langjaehrig", "eu-zugewanderte", "menschen-mh", "junge-gefluechtete"),
        sentences=(
            "Eine Einbürgerungskampagne informiert über Voraussetzungen, Fristen und die Möglichkeit "
            "der Mehrstaatigkeit.",
            "Ehrenamtliche Einbürgerungslotsinnen und Einbürgerungslotsen beraten in mehreren Sprachen "
            "und begleiten bei der Antragstellung.",
            "Vorbereitungskurse auf den Einbürgerungstest vermitteln Wissen über Demokratie, "
            "Grundrechte und Geschichte.",
            "Festliche Einbürgerungsfeiern würdigen die neuen Staatsbürgerinnen und Staatsbürger öffentlich.",
        ),
        regular="Einbürgerungsbehörden",
        legal_basis="Staatsangehörigkeitsgesetz (StAG)",
        eu_fund="amif",
        weight=0.8,
    ),
    Subject(
        key="migrationsberatung",
        label="Migrationsberatung",
        dative="zur Migrationsberatung",
        fuer="für Migrationsberatung",
        activity="bei Fragen zu Aufenthalt, Arbeit, Wohnen und Gesundheit",
        offer="individuelle Migrationsberatung und Case Management",
        goal="{target_dat} in den ersten Jahren nach der Ankunft verlässliche Orientierung zu geben",
        focuses=("Case Management", "digitale Beratung", "aufsuchende Beratung"),
        areas=("gesellschaft",),
        component="information-beratung",
        need="",
        theme=(2, 2),
        bund_owners=(("bmi", "bamf"), ("bmbfsfj", "servicebuero-jmd")),
        instruments=(
            "beratungsangebot",
            "servicestelle",
            "lotsenprojekt",
            "netzwerk",
            "modellprojekt",
            "foerderprogramm",
        ),
        targets=(
            "alle-zugewanderten",
            "junge-gefluechtete",
            "zugewanderte-jugendliche",
            "gefluechtete-familien",
            "eu-zugewanderte",
            "spaetaussiedler",
        ),
        sentences=(
            "Die Migrationsberatung für erwachsene Zugewanderte (MBE) begleitet Ratsuchende mit einem "
            "individuellen Integrationsplan.",
            "Jugendmigrationsdienste unterstützen junge Menschen bis 27 Jahre beim Übergang von der "
            "Schule in Ausbildung und Beruf.",
            "Eine mehrsprachige Online-Migrationsberatung ergänzt die Beratungsstellen vor Ort.",
            "Die Beratungsstellen vermitteln gezielt an Sprachkurse, Anerkennungsstellen, Jobcenter und "
            "Gesundheitsdienste.",
        ),
        regular="Migrationsberatung für erwachsene Zugewanderte (MBE)",
        partners=("diakonie", "bag-ejsa"),
        eu_fund="amif",
        weight=1.2,
    ),
    Subject(
        key="erstorientierung",
        label="Erstorientierung",
        dative="zur Erstorientierung",
        fuer="für Erstorientierung",
        activity="in den ersten Wochen nach der Ankunft",
        offer="Erstorientierung und Wegweiserkurse",
        goal="{target_dat} ein gutes Ankommen und erste Orientierung im Alltag zu ermöglichen",
        focuses=("Werte und Zusammenleben", "Wohnen", "Gesundheit", "Arbeit"),
        areas=("sprache", "gesellschaft"),
        component="willkommen",
        need="",
        theme=(2, 1),
        bund_owners=(("bmi", "bamf"),),
        instruments=(
            "foerderprogramm",
            "lotsenprojekt",
            "modellprojekt",
            "initiative",
            "netzwerk",
            "beratungsangebot",
            "patenschaftsprogramm",
        ),
        targets=("geduldete", "gefluechtete-frauen", "gefluechtete-familien", "alle-zugewanderten"),
        sentences=(
            "Erstorientierungskurse vermitteln erste Deutschkenntnisse und Wissen über das Leben in "
            "Deutschland, etwa zu Wohnen, Gesundheit und Arbeit.",
            "Willkommenslotsinnen und Willkommenslotsen begleiten Neuzugewanderte zu Behörden, "
            "Arztpraxen und Schulen.",
            "Eine mehrsprachige Willkommensmappe bündelt Informationen zu Anlaufstellen vor Ort.",
            "Die Angebote stehen auch Menschen offen, die noch keinen Anspruch auf einen "
            "Integrationskurs haben.",
        ),
        regular="Integrationskurs",
        eu_fund="amif",
        weight=0.9,
    ),
    Subject(
        key="vorintegration",
        label="Vorintegration",
        dative="zur Vorintegration im Herkunftsland",
        fuer="für Vorintegration im Herkunftsland",
        activity="bei der Vorbereitung auf das Leben in Deutschland",
        offer="Deutschkurse und Beratung bereits im Herkunftsland",
        goal="{target_dat} schon vor der Einreise Sprachkenntnisse und realistische Erwartungen zu "
        "vermitteln",
        focuses=("Pflegekräfte", "Familiennachzug", "Fachkräfteeinwanderung"),
        areas=("sprache", "bildung-arbeit"),
        component=None,
        need="",
        theme=(1, 3),
        bund_owners=(("aa", "goethe"), ("bmz", "giz"), ("bmi", "bamf"), ("bmas", "ba")),
        instruments=(
            "foerderprogramm",
            "modellprojekt",
            "beratungsangebot",
            "sprachkurs",
            "netzwerk",
            "bundesprogramm",
            "initiative",
        ),
        targets=("nachziehende-familien", "fachkraefte"),
        sentences=(
            "Goethe-Institute und Partnerorganisationen bieten im Herkunftsland Deutschkurse und "
            "Prüfungen bis zum Sprachniveau B1 an.",
            "Beratungszentren informieren vor der Ausreise über Visumverfahren, Anerkennung und "
            "Arbeitsmarkt in Deutschland.",
            "Die Vorintegration verbindet Sprachkurs, interkulturelle Vorbereitung und die Vermittlung "
            "an Arbeitgeber in Deutschland.",
            "Nach der Einreise schließen Integrationskurs und Migrationsberatung nahtlos an die "
            "Vorbereitung an.",
        ),
        regular="Sprachnachweis beim Familiennachzug",
        partners=("iom", "daad"),
        eu_fund="amif",
        levels=("bund",),
        pre_integration=True,
        weight=1.5,
    ),
    Subject(
        key="gesundheit",
        label="Gesundheitsförderung",
        dative="zur Gesundheitsförderung",
        fuer="für Gesundheitsförderung",
        activity="beim Zugang zur Gesundheitsversorgung",
        offer="mehrsprachige Gesundheitsinformationen und Sprachmittlung",
        goal="den Zugang von {target_dat} zu Prävention und Gesundheitsversorgung zu verbessern",
        focuses=("psychosoziale Versorgung", "Prävention", "Pflege", "Sprachmittlung"),
        areas=("gesellschaft",),
        component=None,
        need="Gesundheitsinformation und Sprachmittlung für Menschen, die das Gesundheitssystem "
        "sprachlich nicht erreicht",
        theme=(4, 2),
        bund_owners=(("bmg", None), ("ib", None)),
        instruments=(
            "modellprojekt",
            "lotsenprojekt",
            "netzwerk",
            "beratungsangebot",
            "foerderprogramm",
            "initiative",
        ),
        targets=(
            "gefluechtete-frauen",
            "gefluechtete-familien",
            "menschen-mh",
            "geduldete",
            "menschen-behinderungen",
            "queere-gefluechtete",
        ),
        sentences=(
            "Geschulte Gesundheitslotsinnen und Gesundheitslotsen informieren in ihrer Muttersprache "
            "über Vorsorge, Impfungen und das deutsche Gesundheitssystem.",
            "Qualifizierte Sprachmittlung ermöglicht eine verlässliche Verständigung in Arztpraxen, "
            "Kliniken und Beratungsstellen.",
            "Psychosoziale Zentren bieten traumasensible Beratung und vermitteln in die "
            "psychotherapeutische Versorgung.",
            "Gesundheitsämter und Migrantenorganisationen entwickeln gemeinsam mehrsprachige "
            "Präventionsangebote.",
        ),
        regular="gesetzliche Krankenversicherung und öffentlicher Gesundheitsdienst",
        eu_fund="amif",
        weight=0.9,
    ),
    Subject(
        key="quartier",
        label="Integration im Quartier",
        dative="zur Integration im Quartier",
        fuer="für Nachbarschaft und Zusammenleben im Quartier",
        activity="beim Ankommen in der Nachbarschaft",
        offer="Nachbarschaftsarbeit und Begegnungsangebote im Quartier",
        goal="das Zusammenleben von {target_dat} im Quartier zu stärken",
        focuses=("Quartiersmanagement", "Wohnraumversorgung", "Nachbarschaftszentren"),
        areas=("gesellschaft",),
        component=None,
        need="Nachbarschaftliches Zusammenleben in Quartieren mit hohem Zuwanderungsanteil",
        theme=(4, 3),
        bund_owners=(("bmwsb", "bbsr"), ("bmwsb", None)),
        instruments=(
            "modellprojekt",
            "netzwerk",
            "foerderprogramm",
            "initiative",
            "bundesprogramm",
            "landesprogramm",
            "aktionsprogramm",
            "lotsenprojekt",
        ),
        targets=("alle-zugewanderten", "zugewanderte-und-alteingesessene", "gefluechtete-familien"),
        sentences=(
            "Quartiersmanagerinnen und Quartiersmanager vernetzen Wohnungsunternehmen, Schulen, "
            "Vereine und Migrantenorganisationen im Stadtteil.",
            "Nachbarschaftszentren bieten offene Treffpunkte, Beratung und Begegnungsangebote für alle "
            "Bewohnerinnen und Bewohner.",
            "Das Städtebauförderprogramm „Sozialer Zusammenhalt“ finanziert bauliche Investitionen und "
            "Quartiersarbeit.",
            "Wohnraumlotsinnen und Wohnraumlotsen unterstützen bei der Suche nach einer eigenen "
            "Wohnung und bei Konflikten mit Vermietern.",
        ),
        regular="Städtebauförderung",
        partners=("difu",),
        eu_fund="esf-plus",
        weight=0.8,
    ),
    Subject(
        key="sport",
        label="Integration durch Sport",
        dative="zur Integration durch Sport",
        fuer="für Integration durch Sport",
        activity="beim Zugang zu Sportvereinen",
        offer="Sportangebote und Vereinsmitgliedschaften",
        goal="{target_dat} über den Sport Kontakte, Zugehörigkeit und Engagement zu ermöglichen",
        focuses=("Fußball", "Schwimmen", "Mädchen- und Frauensport", "Übungsleiterausbildung"),
        areas=("gesellschaft",),
        component=None,
        need="Teilhabe am Vereinssport und Begegnung im Alltag",
        theme=(4, 1),
        bund_owners=(("bmi", None),),
        instruments=(
            "foerderprogramm",
            "bundesprogramm",
            "landesprogramm",
            "netzwerk",
            "initiative",
            "modellprojekt",
            "patenschaftsprogramm",
        ),
        targets=(
            "zugewanderte-jugendliche",
            "gefluechtete-frauen",
            "sportinteressierte",
            "kinder-zugewanderte-familien",
        ),
        sentences=(
            "Stützpunktvereine öffnen ihre Sportangebote gezielt für Zugewanderte und schaffen "
            "Gelegenheiten zur Begegnung.",
            "Schwimmkurse und Mädchensportgruppen berücksichtigen kulturelle und religiöse Bedürfnisse "
            "der Teilnehmenden.",
            "Zugewanderte werden zu Übungsleiterinnen und Übungsleitern ausgebildet und übernehmen "
            "Verantwortung im Verein.",
            "Sportvereine erhalten Beratung zur interkulturellen Öffnung ihrer Vereinsarbeit.",
        ),
        regular="Vereinssport",
        partners=("dosb", "dfb"),
        eu_fund="amif",
        weight=0.7,
    ),
    Subject(
        key="kultur",
        label="Kulturelle Teilhabe",
        dative="zur kulturellen Teilhabe",
        fuer="für kulturelle Teilhabe",
        activity="beim Zugang zu Kultureinrichtungen",
        offer="Zugänge zu Museen, Theatern und Bibliotheken",
        goal="die kulturelle Teilhabe von {target_dat} zu stärken und ihre Perspektiven sichtbar zu machen",
        focuses=("Museen", "Theater", "Bibliotheken", "Musik"),
        areas=("gesellschaft",),
        component=None,
        need="Teilhabe an Kunst und Kultur",
        theme=(4, 5),
        bund_owners=(("bkm", "kulturstiftung"), ("bkm", None)),
        instruments=(
            "foerderprogramm",
            "modellprojekt",
            "netzwerk",
            "initiative",
            "bundesprogramm",
            "landesprogramm",
        ),
        targets=(
            "kunstschaffende",
            "zugewanderte-jugendliche",
            "alle-zugewanderten",
            "kinder-zugewanderte-familien",
        ),
        sentences=(
            "Museen, Theater und Bibliotheken entwickeln gemeinsam mit Migrantenorganisationen "
            "mehrsprachige Vermittlungsangebote.",
            "Geflüchtete Kunst- und Kulturschaffende erhalten Arbeitsstipendien und Zugang zu "
            "Netzwerken des Kulturbetriebs.",
            "Kulturelle Bildungsprojekte bringen Kinder und Jugendliche unterschiedlicher Herkunft in "
            "gemeinsamen Produktionen zusammen.",
            "Die interkulturelle Öffnung von Kultureinrichtungen wird durch Beratung und Fortbildungen "
            "begleitet.",
        ),
        regular="Kulturförderung",
        partners=("kulturrat",),
        eu_fund="esf-plus",
        weight=0.6,
    ),
    Subject(
        key="engagement",
        label="Ehrenamt und Engagement",
        dative="zur Stärkung des Ehrenamts",
        fuer="für ehrenamtliches Engagement",
        activity="beim Einstieg in ein Ehrenamt",
        offer="Qualifizierung und Vernetzung für ehrenamtlich Engagierte",
        goal="{target_dat} den Einstieg in freiwilliges Engagement zu erleichtern und "
        "Migrantenorganisationen zu stärken",
        focuses=("Migrantenorganisationen", "Patenschaften", "Freiwilligendienste"),
        areas=("gesellschaft",),
        component=None,
        need="Stärkung von Ehrenamt und Migrantenorganisationen",
        theme=(3, 3),
        bund_owners=(("bmbfsfj", None), ("bmi", "bamf"), ("ib", None)),
        instruments=(
            "foerderprogramm",
            "netzwerk",
            "patenschaftsprogramm",
            "initiative",
            "bundesprogramm",
            "landesprogramm",
            "modellprojekt",
        ),
        targets=(
            "menschen-mh",
            "zugewanderte-und-alteingesessene",
            "zugewanderte-jugendliche",
            "alle-zugewanderten",
        ),
        sentences=(
            "Migrantenorganisationen werden durch Strukturförderung, Qualifizierung und Beratung in "
            "ihrer Arbeit gestärkt.",
            "Patenschaften zwischen Engagierten und Neuzugewanderten schaffen persönliche Kontakte und "
            "Orientierung im Alltag.",
            "Freiwilligendienste stehen auch Zugewanderten offen und werden durch pädagogische "
            "Begleitung ergänzt.",
            "Ehrenamtskoordinatorinnen und Ehrenamtskoordinatoren vernetzen Initiativen, Vereine und "
            "Verwaltung vor Ort.",
        ),
        regular="Engagementförderung",
        partners=("bzi", "mso"),
        eu_fund="amif",
        weight=0.8,
    ),
    Subject(
        key="demokratie",
        label="Demokratiebildung",
        dative="zur Demokratiebildung",
        fuer="für Demokratiebildung",
        activity="bei der politischen Teilhabe",
        offer="Angebote der politischen Bildung und Beteiligung",
        goal="die politische Teilhabe von {target_dat} zu stärken und demokratische Werte erfahrbar "
        "zu machen",
        focuses=("Kommunalpolitik", "Wahlen", "Grundgesetz", "Medienkompetenz"),
        areas=("gesellschaft",),
        component=None,
        need="Politische Bildung und Beteiligung über den Orientierungskurs hinaus",
        theme=(5, 1),
        bund_owners=(("bmi", "bpb"), ("bmbfsfj", None)),
        instruments=(
            "foerderprogramm",
            "modellprojekt",
            "netzwerk",
            "initiative",
            "bundesprogramm",
            "landesprogramm",
            "mentoringprogramm",
        ),
        targets=(
            "zugewanderte-jugendliche",
            "menschen-mh",
            "langjaehrig",
            "zugewanderte-und-alteingesessene",
        ),
        sentences=(
            "Workshops zur politischen Bildung vermitteln Wissen über Grundgesetz, Wahlen und "
            "Beteiligungsmöglichkeiten in der Kommune.",
            "Integrationsbeiräte und Migrantenorganisationen werden bei der Beteiligung an "
            "kommunalpolitischen Entscheidungen unterstützt.",
            "Mehrsprachige Materialien der politischen Bildung erreichen auch Menschen mit geringen "
            "Deutschkenntnissen.",
            "Jugendliche entwickeln in Demokratiewerkstätten eigene Projekte für ihr Wohnumfeld.",
        ),
        regular="politische Bildung im Orientierungskurs",
        partners=("ndm", "mediendienst"),
        eu_fund="esf-plus",
        weight=0.7,
    ),
    Subject(
        key="gruendung",
        label="Gründungsberatung",
        dative="zur Gründungsberatung",
        fuer="für Gründungsberatung",
        activity="auf dem Weg in die Selbstständigkeit",
        offer="Gründungsberatung, Coaching und Zugang zu Mikrokrediten",
        goal="{target_dat} den Schritt in eine tragfähige Selbstständigkeit zu erleichtern",
        focuses=("Handwerk", "Gastronomie", "digitale Geschäftsmodelle", "Mikrokredite"),
        areas=("bildung-arbeit",),
        component="arbeitsmarktintegration",
        need="",
        theme=(5, 5),
        bund_owners=(("bmwi", None), ("bmwi", "kofa")),
        instruments=(
            "beratungsangebot",
            "mentoringprogramm",
            "netzwerk",
            "foerderprogramm",
            "modellprojekt",
            "servicestelle",
        ),
        targets=("gruender", "gruenderinnen"),
        sentences=(
            "Gründungsberaterinnen und Gründungsberater prüfen Geschäftsideen und begleiten bei "
            "Businessplan, Finanzierung und Genehmigungen.",
            "Mentorinnen und Mentoren aus der Wirtschaft teilen ihre Erfahrung mit Gründerinnen und "
            "Gründern.",
            "Informationsveranstaltungen erklären Steuerrecht, Sozialversicherung und die "
            "aufenthaltsrechtlichen Voraussetzungen einer Selbstständigkeit.",
            "Mikrokredite und Gründungszuschüsse erleichtern den Start in die Selbstständigkeit.",
        ),
        regular="Gründungsförderung der Kammern und Förderbanken",
        partners=("wjd",),
        weight=0.5,
    ),
    Subject(
        key="laendlicher-raum",
        label="Integration im ländlichen Raum",
        dative="zur Integration in ländlichen Räumen",
        fuer="für Integration in ländlichen Räumen",
        activity="beim Ankommen in ländlichen Regionen",
        offer="mobile Beratung und Mobilitätsangebote im ländlichen Raum",
        goal="{target_dat} dauerhafte Perspektiven in ländlichen Regionen zu eröffnen",
        focuses=("Mobilität", "Landwirtschaft", "Ehrenamt", "Fachkräftebindung"),
        areas=("gesellschaft", "bildung-arbeit"),
        component=None,
        need="Integrationsangebote in ländlichen Regionen mit weiten Wegen und wenigen Regelangeboten",
        theme=(3, 5),
        bund_owners=(("bmel", "ble"), ("bmel", "thuenen")),
        instruments=(
            "modellprojekt",
            "netzwerk",
            "foerderprogramm",
            "bundesprogramm",
            "landesprogramm",
            "initiative",
            "lotsenprojekt",
        ),
        targets=(
            "gefluechtete-familien",
            "fachkraefte",
            "alle-zugewanderten",
            "zugewanderte-und-alteingesessene",
        ),
        sentences=(
            "Mobile Beratungsteams und Fahrdienste bringen Beratung und Sprachförderung in kleine Gemeinden.",
            "Landwirtschaftliche Betriebe und Handwerksbetriebe werden bei der Beschäftigung "
            "zugewanderter Fachkräfte begleitet.",
            "Dorfgemeinschaften, Vereine und Kirchengemeinden gestalten gemeinsam eine "
            "Willkommenskultur vor Ort.",
            "Digitale Beratungsangebote überbrücken weite Wege zu Behörden und Beratungsstellen.",
        ),
        regular="Regelangebote der Landkreise",
        eu_fund="esf-plus",
        weight=0.6,
    ),
)

SUBJECTS_BY_KEY: dict[str, Subject] = {s.key: s for s in SUBJECTS}
