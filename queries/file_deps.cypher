// A repo's dependency edges aggregated per pair of files, for the level-of-detail views. A
// symbol's file is the part of its id before the first '#' (`sym:<repo-id>:<path>#...`, see
// graphsvc/model.py); the caller turns `sym:` into `file:`. Parameters: $symPrefix
// (`sym:<repo-id>:`), $filePrefix (`file:<repo-id>:`).
// Columns: src, type, dst, resolution, n.
MATCH (a:Symbol)-[e:CALLS|USES|EXTENDS|IMPLEMENTS]->(b:Symbol) WHERE a.id STARTS WITH $symPrefix
RETURN split_part(a.id, '#', 1) AS src, label(e) AS type, split_part(b.id, '#', 1) AS dst,
       e.resolution AS resolution, count(*) AS n
UNION ALL
MATCH (a:File)-[e:IMPORTS]->(b:Symbol) WHERE a.id STARTS WITH $filePrefix
RETURN a.id AS src, 'IMPORTS' AS type, split_part(b.id, '#', 1) AS dst, e.resolution AS resolution, count(*) AS n
UNION ALL
MATCH (a:File)-[e:IMPORTS]->(b:File) WHERE a.id STARTS WITH $filePrefix
RETURN a.id AS src, 'IMPORTS' AS type, b.id AS dst, e.resolution AS resolution, count(*) AS n
