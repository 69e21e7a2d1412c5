// The spec items search ranks: every spec item's title and place.
// Parameters: none. Columns: id, title, ref, source, status, path, line.
MATCH (x:SpecItem)
RETURN x.id AS id, x.title AS title, x.ref AS ref, x.source AS source, x.status AS status, x.path AS path,
       x.line AS line
