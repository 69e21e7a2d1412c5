// The rows of file_deps.cypher for the calls, uses and bases into some files from a repo's other
// files (see file_deps_touching.cypher, which answers the rest). The files' symbols are found first.
// Parameters: $symPrefix (`sym:<repo-id>:`), $keys (the files' `sym:<repo-id>:<path>` keys).
// Columns: src, type, dst, resolution, n.
MATCH (b:Symbol) WHERE split(b.id, '#')[0] IN $keys
MATCH (a:Symbol)-[e:CALLS|USES|EXTENDS|IMPLEMENTS]->(b)
WHERE a.id STARTS WITH $symPrefix AND NOT split(a.id, '#')[0] IN $keys
RETURN split(a.id, '#')[0] AS src, type(e) AS type, split(b.id, '#')[0] AS dst,
       e.resolution AS resolution, count(*) AS n
