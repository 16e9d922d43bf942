"""Stage: the browser editor (Decap CMS under ``/admin/``).

Its configuration is generated from the vocabulary, the front-matter schema and the page
templates that the check and ``koppelkansen nieuw`` use (:mod:`koppelkansen.editor.config`); the
build writes it, the editor's own files and the preview's styles into ``site/admin/``
(:mod:`koppelkansen.editor.admin`). How an author signs in on the published site is set in one place
(:mod:`koppelkansen.editor.signin`); for GitHub the project ships its own OAuth provider
(:mod:`koppelkansen.editor.oauth`, a separate deployable). See docs-dev/editor.md.
"""
