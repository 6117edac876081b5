"""Tests of leaflets.preview: leaflets serve, in a browser and under load."""
