"""JSON Schema for the data files, generated from the models, for editors."""

from __future__ import annotations

import json

from pydantic import BaseModel

from leaflets.project.model import AdviceLibrary, Branch, Glossary, Labels, Leaflet, SourceList, TreatmentsFile
from leaflets.project.records import TranslationRecord

SCHEMAS: dict[str, type[BaseModel]] = {
    "leaflet.schema.json": Leaflet,
    "branch.schema.json": Branch,
    "treatments.schema.json": TreatmentsFile,
    "labels.schema.json": Labels,
    "advice.schema.json": AdviceLibrary,
    "sources.schema.json": SourceList,
    "glossary.schema.json": Glossary,
    "translation.schema.json": TranslationRecord,  # locale/<lang>/<leaflet>.yaml
}


def schema_files() -> dict[str, str]:
    """File name -> JSON text, stable so the committed copy can be compared."""
    files = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        files[name] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return files
