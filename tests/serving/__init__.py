"""Tests of leaflets.serving: what both servers share (the addresses a server prints)."""
