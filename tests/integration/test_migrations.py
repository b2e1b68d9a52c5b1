import pytest

from isi.catalog.models import Area, Component, Level, Phase, TargetGroup, Theme
from isi.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_catalogue_is_loaded_by_migrations() -> None:
    assert list(Area.objects.values_list("key", flat=True)) == ["sprache", "bildung-arbeit", "gesellschaft"]
    assert Component.objects.filter(basic_offer__key="einstieg").count() == 3
    assert Component.objects.filter(basic_offer__key="ausbildung-arbeitsmarkt").count() == 5
    assert set(Level.objects.values_list("key", flat=True)) == {"bund", "land", "kommune"}
    assert TargetGroup.objects.filter(kind="primary").count() == 6
    assert Phase.objects.count() == 5
    assert Theme.objects.count() == 24


def test_agency_belongs_to_its_ministry() -> None:
    bamf = Organisation.objects.get(key="bamf")
    ressort = bamf.ressort()
    assert ressort is not None
    assert ressort.key == "bmi"
    assert Organisation.objects.get(key="goethe").ressort() is None


def test_interior_ministry_aliases_fold_to_one_organisation() -> None:
    bmi = Organisation.objects.get(key="bmi")
    assert set(bmi.aliases.values_list("name", flat=True)) >= {
        "Bundesministerium des Innern, für Bau und Heimat"
    }
