"""Personalised print: a leaflet with a "For you" box for one patient, made in memory.

    from leaflets.personal import PersonalNote, personal_variant, render_personal
    note = PersonalNote.from_form(name="Sam", note="Keep it dry.", appointment="2026-12-03 14:30")
    pdf = render_personal(library, personal_variant(library, "milia", "stoke-on-trent", "a4"), today, note)

With a warm pool: ``render_in_pool(pool, personal_job(library, variant, today, note))``.
"""

from .note import PersonalNote
from .render import (
    PersonaliseRefused,
    personal_filename,
    personal_job,
    personal_variant,
    render_in_pool,
    render_personal,
)

__all__ = ["PersonalNote", "PersonaliseRefused", "personal_filename", "personal_job", "personal_variant",
           "render_in_pool", "render_personal"]
