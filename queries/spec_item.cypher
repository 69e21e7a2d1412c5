// One spec item, with how many symbols or files implement it.
// Parameters: $id (spec item id). Columns: id, source, ref, title, description, priority, status, path, line,
// headingPath, implementations.
MATCH (x:SpecItem {id: $id})
OPTIONAL MATCH (x)-[e:IMPLEMENTED_BY]->(t)
RETURN x.id AS id, x.source AS source, x.ref AS ref, x.title AS title, x.description AS description,
       x.priority AS priority, x.status AS status, x.path AS path, x.line AS line, x.headingPath AS headingPath,
       count(t) AS implementations
