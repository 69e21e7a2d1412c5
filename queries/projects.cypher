// One page of projects, by id.
// Parameters: $offset, $limit. Columns: id, name.
MATCH (p:Project)
RETURN p.id AS id, p.name AS name
ORDER BY id SKIP $offset LIMIT $limit
