"""The library API: one function per command (build, merge, check, list, personalise, translate, ...).

The command line (``leaflets.cli``) and the servers (``leaflets.preview``) parse what a person asks
for and call these; everything they do, a script can do by importing them.
"""
