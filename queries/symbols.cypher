// Symbols by id; unknown ids give no row.
// Parameters: $ids (list of symbol ids).
// Columns: id, name, qualifiedName, kind, signature, doc, line, column, rangeStart, rangeEnd, exported, lang.
UNWIND $ids AS id
MATCH (s:Symbol {id: id})
RETURN s.id AS id, s.name AS name, s.qualifiedName AS qualifiedName, s.kind AS kind,
       s.signature AS signature, s.doc AS doc, s.line AS line, s.`column` AS `column`,
       s.rangeStart AS rangeStart, s.rangeEnd AS rangeEnd, s.exported AS exported, s.lang AS lang
