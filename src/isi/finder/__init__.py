"""The public offer finder (DESIGN §5): who may attend the integration course and the job-related
German courses, from the Leitfaden's endnotes 5 and 8.

- ``isi.finder.answers``   the answer keys (a contract) and ``validate_answers``
- ``isi.finder.rules``     the engine: ``evaluate``, ``result_to_json``, ``finder_payload``
- ``isi.finder.data/eligibility.json``  the rules as data
- ``isi.finder.questions`` the questionnaire: ``questions_for(lang)``, ``relevant_questions``
- ``isi finder --answers FILE.json [--json] [--lang de|en]``  the command
"""
