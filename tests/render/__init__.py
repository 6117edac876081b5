"""Tests of leaflets.render: HTML, PDFs, imposition, marks, fonts and scripts, what the renderer may read."""
