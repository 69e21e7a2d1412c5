// The documents (Markdown files) that mention any of some symbols or files (DOCUMENTS into them).
// Parameters: $ids (list of symbol and file ids). Columns: id, path, target, resolution, confidence, candidates.
MATCH (d:File)-[e:DOCUMENTS]->(t)
WHERE t.id IN $ids
RETURN d.id AS id, d.path AS path, t.id AS target, e.resolution AS resolution, e.confidence AS confidence,
       e.candidates AS candidates
ORDER BY path, target
