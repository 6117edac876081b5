"""Publishing what was made: atomic files and the manifest (``files``), change detection
(``changes``), the release (``release``) and the staff catalogue (``catalogue``).
"""
