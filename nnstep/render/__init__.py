"""Records of the core -> blocks (tables, worked-formula sheets, notes) -> terminal, documents, JSON.

tables.py lays a record out like the slides; views.py chooses the blocks each command shows;
show.py draws worked formulas for the terminal; export.py writes Markdown, LaTeX, CSV, HTML and
SVG; report.py builds the JSON payloads; plot.py draws the cost curve.
"""
