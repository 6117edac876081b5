"""Tests of leaflets.desk: leaflets desk, the reception server, in process and in a browser."""
