// The symbols whose id starts with a file's module symbol id (`sym:<repo-id>:<path>#`): the
// file's symbols, plus those of a file whose path extends this one with '#', which the caller
// drops. Neo4j answers the prefix from its index on `id`, more cheaply than a DEFINES traversal;
// LadybugDB walks the file's DEFINES tree instead (file_symbols.ladybug.cypher).
// Parameters: $prefix ($file is for the LadybugDB variant).
// Columns: id, name, qualifiedName, kind, signature, doc, line, column, rangeStart, rangeEnd, exported, lang.
MATCH (s:Symbol) WHERE s.id STARTS WITH $prefix
RETURN s.id AS id, s.name AS name, s.qualifiedName AS qualifiedName, s.kind AS kind,
       s.signature AS signature, s.doc AS doc, s.line AS line, s.`column` AS `column`,
       s.rangeStart AS rangeStart, s.rangeEnd AS rangeEnd, s.exported AS exported, s.lang AS lang
