package models

// PGTextDocumentForTest exposes the indexed text expression to the external tests.
const PGTextDocumentForTest = pgTextDocument
