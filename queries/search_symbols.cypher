// The names search ranks: every symbol's name and qualified name.
// Parameters: none. Columns: id, name, qualifiedName, kind.
MATCH (s:Symbol)
RETURN s.id AS id, s.name AS name, s.qualifiedName AS qualifiedName, s.kind AS kind
