// The rows of file_deps.cypher whose source or target is one of some files: after an incremental
// write, what the cached aggregate of a project view must read again (queries/overview.py). A
// file's key is `sym:<repo-id>:<path>` (the symbol ids' part before '#') or its file id. The calls,
// uses and bases into the files from other files are file_deps_into.cypher (in one UNION with
// these, LadybugDB answers both several times slower than apart).
// Parameters: $symPrefix (`sym:<repo-id>:`), $filePrefix (`file:<repo-id>:`), $keys (the files'
// `sym:` keys), $files (their file ids).
// Columns: src, type, dst, resolution, n.
MATCH (a:Symbol) WHERE a.id STARTS WITH $symPrefix AND split(a.id, '#')[0] IN $keys
MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS]->(b:Symbol)
RETURN split(a.id, '#')[0] AS src, type(e) AS type, split(b.id, '#')[0] AS dst,
       e.resolution AS resolution, count(*) AS n
UNION ALL
MATCH (a:File)-[e:IMPORTS]->(b:Symbol)
WHERE a.id STARTS WITH $filePrefix AND (a.id IN $files OR split(b.id, '#')[0] IN $keys)
RETURN a.id AS src, 'IMPORTS' AS type, split(b.id, '#')[0] AS dst, e.resolution AS resolution, count(*) AS n
UNION ALL
MATCH (a:File)-[e:IMPORTS]->(b:File)
WHERE a.id STARTS WITH $filePrefix AND (a.id IN $files OR b.id IN $files)
RETURN a.id AS src, 'IMPORTS' AS type, b.id AS dst, e.resolution AS resolution, count(*) AS n
