// The spec items attached to some drawn nodes: those linked (IMPLEMENTED_BY) to any of $ids, and those
// any of the files $files declares (DECLARES). One row per link; the caller orders and caps them.
// Parameters: $ids (symbol and file ids), $files (file ids). Columns: type, id, source, ref, title, priority,
// status, path, line, target, resolution, confidence, candidates (a DECLARES row has none; its null is typed
// through CASE because LadybugDB refuses an untyped null beside the INT64 of the other branch).
MATCH (x:SpecItem)-[e:IMPLEMENTED_BY]->(t)
WHERE t.id IN $ids
RETURN 'IMPLEMENTED_BY' AS type, x.id AS id, x.source AS source, x.ref AS ref, x.title AS title,
       x.priority AS priority, x.status AS status, x.path AS path, x.line AS line, t.id AS target,
       e.resolution AS resolution, e.confidence AS confidence, e.candidates AS candidates
UNION ALL
MATCH (f:File)-[:DECLARES]->(x:SpecItem)
WHERE f.id IN $files
RETURN 'DECLARES' AS type, x.id AS id, x.source AS source, x.ref AS ref, x.title AS title,
       x.priority AS priority, x.status AS status, x.path AS path, x.line AS line, f.id AS target,
       'exact' AS resolution, 1.0 AS confidence, CASE WHEN false THEN 0 ELSE null END AS candidates
