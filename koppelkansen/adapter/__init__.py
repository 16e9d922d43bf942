"""The MkDocs adapter, the only subpackage that imports MkDocs (or ProperDocs, which answers to
the same name): the plugin's events (:mod:`.plugin`), its options (:mod:`.config`), the
navigation tree (:mod:`.nav`) and what Material's templates need (:mod:`.theme`)."""
