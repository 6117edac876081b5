"""``leaflets sources LEAFLET --branch B``: the source list of exactly what that variant shows."""

from __future__ import annotations

from tests.helpers.project import REPO, run


def sources(*args: str):
    return run("--root", REPO, "sources", *args)


def test_the_list_follows_what_the_branch_shows():
    wolverhampton = sources("chemical-peel", "--branch", "wolverhampton")
    stoke = sources("chemical-peel", "--branch", "stoke-on-trent")
    assert wolverhampton.exit_code == 0 and stoke.exit_code == 0, (wolverhampton.output, stoke.output)
    assert wolverhampton.output.startswith("Sources for Chemical peels (TRT-02, version ")
    assert "at wolverhampton" in wolverhampton.output.splitlines()[0]
    # The pyruvic acid note (and its study) is shown only where a pyruvic acid peel is offered.
    assert "Zdrada J" in wolverhampton.output and "Zdrada J" not in stoke.output
    # Every variant's list: numbered citations, the safety sources included, no forum source.
    for result in (wolverhampton, stoke):
        lines = result.output.splitlines()[1:]
        assert lines and all(line.startswith(f"{n}. ") for n, line in enumerate(lines, start=1))
        assert "NHS website. Eye injuries" in result.output and "General Medical Council" in result.output
        assert "Acne.org" not in result.output


def test_without_a_branch_it_lists_every_source_the_leaflet_can_show():
    result = sources("chemical-peel")
    assert result.exit_code == 0, result.output
    assert "(every branch)" in result.output.splitlines()[0] and "Zdrada J" in result.output


def test_a_wrong_name_or_a_branch_without_the_treatment_is_refused_clearly():
    typo = sources("chemical-peel", "--branch", "wolverhamton")
    assert typo.exit_code == 2 and "did you mean 'wolverhampton'?" in typo.output
    missing = sources("hydrafacial", "--branch", "wolverhampton")
    assert missing.exit_code == 2
    assert "wolverhampton does not offer hydrafacial" in missing.output and "stoke-on-trent" in missing.output
    assert "Traceback" not in typo.output + missing.output
