"""Tests of leaflets.publish: the catalogue, thumbnails and web pages as published, change detection."""
