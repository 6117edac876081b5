"""Leaflets in the patient's language: gettext PO files with the same governance as the English.

``messages`` lists every translatable string of a leaflet (and of the labels)
with its place (a context such as ``sections[2].body[1].bullets[0]``) and the
source file and line; ``pofiles`` writes the templates and merges them into
``locale/<lang>/<leaflet>.po`` with msgmerge semantics; ``records`` is the
translation's record (translator, checker, status, English version);
``catalog`` reads the translations of a project, says how complete each is,
and builds the translated view of a leaflet that the templates render.
"""
