"""A laser leaflet is only released for a known laser type.

Ablative and non-ablative lasers heal, hurt and need aftercare so differently that one leaflet
cannot describe both (issue 21, item 5): each laser a branch names carries its type in
``data/treatments.yaml`` (``laser: ablative | non-ablative | confirm``) and the leaflet prints that
type's sections only. Where the type is "confirm", the leaflet prints a note to ask instead; such a
variant may be previewed as a draft, but a release is refused (a warning) until the type is known.
"""

from __future__ import annotations

from collections.abc import Iterable

from leaflets.gate.findings import Finding
from leaflets.project.load import Library
from leaflets.project.model import Product
from leaflets.project.plan import Variant


def laser_type_findings(library: Library, variants: Iterable[Variant]) -> list[Finding]:
    """One warning per leaflet and branch whose laser content depends on an unconfirmed laser type."""
    findings = []
    for leaflet_id, branch_id in sorted({(v.leaflet, v.branch) for v in variants}):
        leaflet, branch = library.leaflets[leaflet_id], library.branches[branch_id]
        by_type = [s.shown_when for s in leaflet.sections if s.shown_when and s.shown_when.laser]
        by_type += [a.shown_when for a in library.advice.values() if a.shown_when and a.shown_when.laser
                    and a in library.shown_advice(leaflet, branch)]
        if not by_type:
            continue  # the leaflet prints nothing that depends on the laser's type
        shown = library.shown_products(leaflet, branch)
        unknown = [p for p in shown if isinstance(p, Product) and p.laser == "confirm"]
        for product in unknown:
            treatment = next(t for t in library.treatments.values() if product in t.products)
            findings.append(Finding(
                "warning", _where(library, treatment.id, treatment.products.index(product)),
                f"{leaflet_id} for {branch_id}",
                f"the type of the laser {product.name!r} is not known (laser: confirm), so the leaflet prints only "
                "'ask us which type of laser we use'; a release refuses it: set laser: ablative or non-ablative "
                "once the clinic confirms it", leaflet=leaflet_id, branch=branch_id))
    return findings


def _where(library: Library, treatment_id: str, product_index: int) -> str:
    """data/treatments.yaml:LINE:COLUMN of the product's laser field (the file alone if unknown)."""
    source = library.positions.get(("treatment", treatment_id))
    file = library.files.get(("treatment", treatment_id), "data/treatments.yaml")
    if source is None:
        return file
    index = next(i for i, item in enumerate(source.data.get("treatments", [])) if item.get("id") == treatment_id)
    problem = source.problem(("treatments", index, "products", product_index, "laser"), "")
    return f"{problem.file}:{problem.line}:{problem.column}" if problem.line else problem.file
