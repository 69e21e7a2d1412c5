// Symbols by id, only the fields a drawn node shows (a view's node; doc and signature are asked by
// the detail panel on its own); unknown ids give no row.
// Parameters: $ids (list of symbol ids).
// Columns: id, name, kind, line, lang.
UNWIND $ids AS id
MATCH (s:Symbol {id: id})
RETURN s.id AS id, s.name AS name, s.kind AS kind, s.line AS line, s.lang AS lang
