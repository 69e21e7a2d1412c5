// One project by id (no row when it is unknown).
// Parameters: $id (project id). Columns: id, name.
MATCH (p:Project {id: $id})
RETURN p.id AS id, p.name AS name
