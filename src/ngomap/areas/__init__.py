"""Administrative areas: the area model, boundary files, matching records to areas, geometry,
population tables, and the kept-boundaries store."""
