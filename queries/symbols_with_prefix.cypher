// The symbols whose id starts with a prefix, by a scan: what file_symbols.ladybug.cypher falls
// back to for a file nested deeper than its walk goes.
// Parameters: $prefix.
// Columns: id, name, qualifiedName, kind, signature, doc, line, column, rangeStart, rangeEnd, exported, lang.
MATCH (s:Symbol) WHERE s.id STARTS WITH $prefix
RETURN s.id AS id, s.name AS name, s.qualifiedName AS qualifiedName, s.kind AS kind,
       s.signature AS signature, s.doc AS doc, s.line AS line, s.`column` AS `column`,
       s.rangeStart AS rangeStart, s.rangeEnd AS rangeEnd, s.exported AS exported, s.lang AS lang
