// The number of symbols of each file of a repo (its module symbol included), found by id
// prefix; `file` is the symbol id up to its first '#', which the caller turns into a file id.
// Parameters: $symPrefix (`sym:<repo-id>:`). Columns: file, symbols.
MATCH (s:Symbol) WHERE s.id STARTS WITH $symPrefix
RETURN split(s.id, '#')[0] AS file, count(*) AS symbols
