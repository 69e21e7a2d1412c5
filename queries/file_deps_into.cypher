// The rows of file_deps.cypher for the calls, uses and bases into some files from a repo's other
// files (see file_deps_touching.cypher, which answers the rest). The files' symbols are found first.
// Parameters: $symPrefix (`sym:<repo-id>:`), $keys (the files' `sym:<repo-id>:<path>` keys).
// Columns: src, type, dst, resolution, n.
MATCH (b:Symbol) WHERE split_part(b.id, '#', 1) IN $keys
MATCH (a:Symbol)-[e:CALLS|USES|EXTENDS|IMPLEMENTS]->(b)
WHERE a.id STARTS WITH $symPrefix AND NOT split_part(a.id, '#', 1) IN $keys
RETURN split_part(a.id, '#', 1) AS src, label(e) AS type, split_part(b.id, '#', 1) AS dst,
       e.resolution AS resolution, count(*) AS n
