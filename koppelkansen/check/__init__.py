"""Checking what the pages say: the front-matter schema and its validation, the content of the
rendered pages and files (no script, nothing from another site or from outside docs/), and the
links of the built site."""
