// Any node by id, with its label.
// Parameters: $id. Columns: id, label.
MATCH (n) WHERE n.id = $id
RETURN n.id AS id, label(n) AS label
LIMIT 1
