"""Exports: a view as bytes in each format (PNG, PDF, SVG, HTML, CSV, XLSX, GeoJSON, GeoPackage)."""
