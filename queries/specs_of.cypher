// The spec items implemented by any of some symbols or files (IMPLEMENTED_BY into them), one row per link.
// Parameters: $ids (list of symbol and file ids). Columns: id, source, ref, title, priority, status, path, line,
// headingPath, target, resolution, confidence, candidates.
MATCH (x:SpecItem)-[e:IMPLEMENTED_BY]->(t)
WHERE t.id IN $ids
RETURN x.id AS id, x.source AS source, x.ref AS ref, x.title AS title, x.priority AS priority, x.status AS status,
       x.path AS path, x.line AS line, x.headingPath AS headingPath, t.id AS target, e.resolution AS resolution,
       e.confidence AS confidence, e.candidates AS candidates
ORDER BY path, line, id, target
