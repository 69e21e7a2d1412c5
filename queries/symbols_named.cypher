// The symbols with a given short name (the last part of a qualified name); the caller
// narrows them by qualified name. Parameters: $short. Columns: id.
MATCH (s:Symbol) WHERE s.name = $short
RETURN s.id AS id
ORDER BY id
