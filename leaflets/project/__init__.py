"""The project: its folder, the YAML data and the translations, loaded, validated and planned.

``folder`` finds the project; ``files`` reads its files safely; ``yamlsource`` parses YAML keeping
each value's line; ``model`` is the data model; ``load`` reads the English library; ``messages``,
``pofiles``, ``records`` and ``translations`` read the PO files and translation records and build
a translated view; ``plan`` lists the variants (leaflet x branch x format x language); ``note`` is
the "For you" box's details. The bottom layer: it imports no other layer.
"""
