"""ISI – Informationssystem Integration der Bundesregierung."""
