"""Reading 3W files: sheets, columns, cleaning rows into records, the import report."""
