"""The papers the project writes: one document format, taken from the issuing unit's
configuration (``settings.DVK_ISSUER``), for every Word file (``documents.word``), and
one safe writer for every workbook (``documents.xlsx``). It imports no project app, so
every app may use it."""
