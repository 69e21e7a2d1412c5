// Every project, by id. Parameters: none. Columns: id, name.
MATCH (p:Project)
RETURN p.id AS id, p.name AS name
ORDER BY id
