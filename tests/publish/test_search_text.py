"""The catalogue's search text holds the words a reader sees, never the data's ids and switches."""

from leaflets.project.folder import find_project
from leaflets.project.load import load_library
from leaflets.publish.catalogue import search_text

from tests.helpers.project import REPO


def test_search_text_has_headings_and_body_but_no_data_words():
    library = load_library(find_project(REPO))
    assert library.leaflets
    for leaflet in library.leaflets.values():
        words = search_text(library, leaflet, leaflet, leaflet.lang).split()
        assert words
        for data_word in ("shown_when", "not_offered", "null", "true", "false", "keep_with_previous"):
            assert data_word not in words, (leaflet.id, data_word)
        heading = leaflet.sections[0].heading.lower().split()[-1].strip("?")
        assert heading in words, (leaflet.id, heading)
