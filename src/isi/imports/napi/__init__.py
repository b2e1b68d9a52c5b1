"""Import of the Nationaler Aktionsplan Integration (NAP-I) text.

Pure modules (no Django): text, document, parser, gazetteer, owner, suggestions, facts.
The database part is `service`; the command is `isi import nap-i`.
"""
