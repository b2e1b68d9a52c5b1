"""Which target groups of the Leitfaden (chapter III) a person belongs to, from the finder's answers.

The keys are those of the catalogue (``isi/catalog/data/catalog.json``); the result page lists the
public measures for these groups, so the finder opens the database to the people it is for.
"""

from __future__ import annotations

from collections.abc import Mapping

from isi.finder.answers import AnswerValue

BY_STATUS: Mapping[str, str] = {
    "eu_free_movement": "eu-buerger",
    "permanent_residence": "drittstaat-ausbildung-arbeit-familie",
    "long_term_resident": "drittstaat-ausbildung-arbeit-familie",
    "refugee_protection": "humanitaer-gute-bleibeperspektive",
    "temporary_protection_24": "humanitaer-gute-bleibeperspektive",
    "humanitarian_temporary": "humanitaer-gute-bleibeperspektive",
    "asylum_good_prospects": "humanitaer-gute-bleibeperspektive",
    "asylum_unclear_prospects": "geduldete-unklare-bleibeperspektive",
    "residence_25_5": "geduldete-unklare-bleibeperspektive",
    "tolerated_60a_2_3": "geduldete-unklare-bleibeperspektive",
    "tolerated_other": "geduldete-unklare-bleibeperspektive",
    "spaetaussiedler": "deutsche-mit-migrationshintergrund",
}
BY_ACTIVITY: Mapping[str, str] = {
    "registered_with_employment_agency": "erwerbsfaehige",
    "receives_sgb2": "erwerbsfaehige",
    "employed": "erwerbsfaehige",
    "in_vocational_training": "auszubildende-studierende",
    "training_contract_signed": "auszubildende-studierende",
    "in_school": "kinder-jugendliche",
}


def target_groups_for(answers: Mapping[str, AnswerValue]) -> tuple[str, ...]:
    """Catalogue keys of the person's primary and specific target groups, in a stable order."""
    groups: list[str] = []
    status = answers.get("status")
    if answers.get("nationality") == "eu":
        groups.append("eu-buerger")
    if isinstance(status, str) and status in BY_STATUS:
        groups.append(BY_STATUS[status])
    if answers.get("nationality") == "german" and status != "spaetaussiedler":
        background = answers.get("migration_background")
        if background is True:
            groups.append("deutsche-mit-migrationshintergrund")
        elif background is False:
            groups.append("deutsche-ohne-migrationshintergrund")
    groups += [group for key, group in BY_ACTIVITY.items() if answers.get(key) is True]
    return tuple(dict.fromkeys(groups))
