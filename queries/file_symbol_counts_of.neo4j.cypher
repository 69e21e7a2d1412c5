// The number of symbols of some files (module symbols included), as file_symbol_counts.cypher
// counts them for a whole repo; a file without symbols has no row.
// Parameters: $keys (the files' `sym:<repo-id>:<path>` keys). Columns: file, symbols.
MATCH (s:Symbol) WHERE split(s.id, '#')[0] IN $keys
RETURN split(s.id, '#')[0] AS file, count(*) AS symbols
