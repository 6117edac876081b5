"""Tests of leaflets.commands: build (incremental, shards, releases, interruptions), personalise, translate."""
