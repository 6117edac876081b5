"""leaflets: reviewed patient-leaflet content in, branded print-ready PDFs out."""

__version__ = "0.1.0"
