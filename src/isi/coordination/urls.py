from django.urls import URLPattern, URLResolver, path

from isi.coordination.views import overlaps, proposals

app_name = "coordination"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", overlaps.overview, name="index"),
    path("ueberschneidungen/", overlaps.candidate_list, name="candidates"),
    path("ueberschneidungen/bewerten/", overlaps.candidates_decide_view, name="decide_bulk"),
    path("ueberschneidungen/<int:pk>/", overlaps.candidate_detail, name="candidate"),
    path("ueberschneidungen/<int:pk>/bewerten/", overlaps.candidate_decide_view, name="decide"),
    path("pruefungen/starten/", overlaps.run_start, name="run_start"),
    path("pruefungen/<int:pk>/", overlaps.run_detail, name="run"),
    path("vorschlaege/", proposals.proposal_list, name="proposals"),
    path("vorschlaege/neu/", proposals.proposal_create_view, name="proposal_create"),
    path("vorschlaege/<int:pk>/", proposals.proposal_detail, name="proposal"),
    path("vorschlaege/<int:pk>/antwort/", proposals.proposal_answer_view, name="proposal_answer"),
    path("vorschlaege/<int:pk>/zurueckziehen/", proposals.proposal_withdraw_view, name="proposal_withdraw"),
]
