// What a task is about: the symbols, files and spec items it is linked to.
// Parameters: $id (task id). Columns: id, label, name, line, resolution, confidence, candidates.
MATCH (x:Task {id: $id})-[e:IMPLEMENTED_BY]->(t)
RETURN t.id AS id, CASE WHEN t.id STARTS WITH 'sym:' THEN 'Symbol' WHEN t.id STARTS WITH 'file:' THEN 'File'
       ELSE 'SpecItem' END AS label, CASE WHEN t.id STARTS WITH 'sym:' THEN t.qualifiedName
       WHEN t.id STARTS WITH 'file:' THEN t.path ELSE t.title END AS name, e.line AS line,
       e.resolution AS resolution, e.confidence AS confidence, e.candidates AS candidates
ORDER BY id
