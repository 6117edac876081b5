"""Tests of leaflets.gate: the findings, the rules and the verdict (approval, review dates, releases)."""
